package org.score4j.api.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.score4j.api.sde.Marginal;

class ParameterizationTest {
    private static final Marginal[] ROWS = {new Marginal(0.9, 0.4), new Marginal(0.5, 0.8), new Marginal(0.1, 1.2)};

    /** Each row of the per-row form equals the shared-time form at that row's marginal. */
    @Test
    void perRowMatchesSharedTime() {
        try (NDManager nd = NDManager.newBaseManager()) {
            NDArray out = nd.create(new double[] {0.3, -1.2, 2.0, 0.7, -0.4, 1.1}, new Shape(3, 2));
            NDArray x = nd.create(new double[] {1.5, 0.2, -0.8, 2.2, 0.0, -1.0}, new Shape(3, 2));
            NDArray m = nd.create(new double[] {ROWS[0].mean(), ROWS[1].mean(), ROWS[2].mean()});
            NDArray s = nd.create(new double[] {ROWS[0].std(), ROWS[1].std(), ROWS[2].std()});
            for (Parameterization p : Parameterization.values()) {
                double[] rows = p.toScore(out, x, m, s).toDoubleArray();
                for (int i = 0; i < 3; i++) {
                    double[] one = p.toScore(out.get(i).reshape(1, 2), x.get(i).reshape(1, 2), ROWS[i]).toDoubleArray();
                    assertThat(rows[2 * i]).as(p + " row " + i).isCloseTo(one[0], within(1e-12));
                    assertThat(rows[2 * i + 1]).as(p + " row " + i).isCloseTo(one[1], within(1e-12));
                }
            }
        }
    }

    /** The σ-scaled score is −ε: the same score as EPSILON given the negated output. */
    @Test
    void scaledScoreIsNegatedEpsilon() {
        try (NDManager nd = NDManager.newBaseManager()) {
            NDArray out = nd.create(new double[] {0.3, -1.2});
            NDArray x = nd.create(new double[] {1.0, 2.0});
            Marginal mg = new Marginal(0.8, 0.6);
            double[] a = Parameterization.SCALED_SCORE.toScore(out, x, mg).toDoubleArray();
            double[] b = Parameterization.EPSILON.toScore(out.neg(), x, mg).toDoubleArray();
            assertThat(a).containsExactly(b, within(1e-15));
            assertThat(a[0]).isCloseTo(0.3 / 0.6, within(1e-15));
        }
    }

    /** Images: the per-row marginal broadcasts over every trailing axis. */
    @Test
    void perRowBroadcastsOverImages() {
        try (NDManager nd = NDManager.newBaseManager()) {
            NDArray out = nd.ones(new Shape(2, 1, 2, 2));
            NDArray x = nd.zeros(new Shape(2, 1, 2, 2));
            NDArray score = Parameterization.EPSILON.toScore(out, x, nd.create(new float[] {1, 1}),
                    nd.create(new float[] {0.5f, 0.25f}));
            assertThat(score.getShape()).isEqualTo(new Shape(2, 1, 2, 2));
            assertThat(score.toFloatArray()).containsExactly(-2, -2, -2, -2, -4, -4, -4, -4);
        }
    }
}
