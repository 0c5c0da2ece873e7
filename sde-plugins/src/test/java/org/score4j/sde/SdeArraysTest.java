package org.score4j.sde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.score4j.api.noise.PerSampleNoise;
import org.score4j.api.sde.Sde;

class SdeArraysTest {
    private static final List<Sde> SDES = List.of(VeSde.defaults(), VpSde.defaults(), SubVpSde.defaults(),
            new VeSde(0.05, 10, 1, 1e-3), DdpmSde.defaults(), DdpmSde.cosine(1000));

    @Test
    void priorSamplesHaveThePriorMoments() {
        try (NDManager nd = NDManager.newBaseManager()) {
            for (Sde sde : SDES) {
                NDArray z = sde.priorSample(new Shape(50), PerSampleNoise.create(3, 0, 400), nd)
                        .toType(DataType.FLOAT64, false);
                assertThat(z.getShape()).isEqualTo(new Shape(400, 50));
                double s = sde.priorStd();
                double[] v = z.toDoubleArray();
                double mean = 0;
                double sq = 0;
                for (double x : v) {
                    mean += x;
                    sq += x * x;
                }
                mean /= v.length;
                sq /= v.length;
                // 20 000 draws: the standard errors are s/141 for the mean and 1 % for the variance
                assertThat(mean).as("%s mean", sde).isCloseTo(0, within(0.03 * s));
                assertThat(sq).as("%s variance", sde).isCloseTo(s * s, within(0.04 * s * s));
            }
        }
    }

    @Test
    void priorLogProbIsTheGaussianDensity() {
        try (NDManager nd = NDManager.newBaseManager()) {
            for (Sde sde : SDES) {
                double s = sde.priorStd();
                double[] rows = {0.5, -1.0, 2.0, 0.0, 3.5, -0.25};
                NDArray z = nd.create(rows, new Shape(2, 3)).mul(s);
                double[] lp = sde.priorLogProb(z).toDoubleArray();
                assertThat(lp).hasSize(2);
                for (int i = 0; i < 2; i++) {
                    double expected = 0;
                    for (int j = 0; j < 3; j++) {
                        double x = rows[3 * i + j] * s;
                        expected += -x * x / (2 * s * s) - 0.5 * Math.log(2 * Math.PI * s * s);
                    }
                    assertThat(lp[i]).as("%s row %d", sde, i).isCloseTo(expected, within(1e-9));
                }
            }
        }
    }

    @Test
    void driftIsTheCoefficientTimesX() {
        try (NDManager nd = NDManager.newBaseManager()) {
            double[] x = {1, -2, 0.5, 4};
            for (Sde sde : SDES) {
                NDArray in = nd.create(x, new Shape(2, 2));
                double[] drift = sde.drift(in, 0.3).toDoubleArray();
                double f = sde.driftCoefficient(0.3);
                for (int i = 0; i < x.length; i++) {
                    assertThat(drift[i]).isCloseTo(f * x[i], within(1e-12));
                }
                assertThat(in.toDoubleArray()).as("input unchanged").containsExactly(x);
            }
            assertThat(VpSde.defaults().driftCoefficient(0.3)).isCloseTo(-0.5 * (0.1 + 0.3 * 19.9), within(1e-15));
        }
    }
}
