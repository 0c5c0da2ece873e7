package org.score4j.solver.likelihood;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.score4j.api.ConfigException;
import org.score4j.api.NumericalException;
import org.score4j.api.Score4jException;
import org.score4j.api.model.Conditioning;
import org.score4j.api.model.ScoreFunction;
import org.score4j.api.noise.PerSampleNoise;
import org.score4j.api.sde.Sde;
import org.score4j.model.gmm.GaussianMixture;
import org.score4j.model.gmm.GmmScoreModel;
import org.score4j.sde.VeSde;
import org.score4j.sde.VpSde;

/** Batch independence, the exact divergence itself, memory and errors. */
class LikelihoodBehaviourTest {
    private static final GaussianMixture MIX = GaussianMixture.defaultMixture();

    private static double[] nll(Trace trace, double[][] x, long seed) {
        Sde sde = VpSde.defaults();
        try (NDManager nd = NDManager.newBaseManager()) {
            return new ProbabilityFlowLikelihood(sde, new GmmScoreModel(MIX).scoreFunction(sde), trace)
                    .evaluate(ClosedForms.array(nd, x), Conditioning.NONE, PerSampleNoise.create(seed, 0, x.length))
                    .nll();
        }
    }

    @Test
    void aSamplesLikelihoodDoesNotDependOnTheBatch() {
        double[][] ten = LikelihoodMixtureTest.points(10, 21);
        double[][] three = Arrays.copyOf(ten, 3);
        for (Trace trace : new Trace[] {new ExactTrace(), new ExactTrace(7),
                new HutchinsonTrace(3, HutchinsonTrace.Probe.GAUSSIAN), new HutchinsonTrace(3,
                        HutchinsonTrace.Probe.RADEMACHER, 9)}) {
            double[] big = nll(trace, ten, 4);
            double[] small = nll(trace, three, 4);
            assertThat(Arrays.copyOf(big, 3)).as("%s", trace).containsExactly(small);
        }
        // chunking the replicated batch (down to one dimension or probe per pass) changes nothing
        assertThat(nll(new ExactTrace(1), three, 4)).containsExactly(nll(new ExactTrace(), three, 4));
    }

    @Test
    void exactDivergenceMatchesFiniteDifferencesOfTheScore() {
        Sde sde = VeSde.defaults();
        ScoreFunction score = new GmmScoreModel(MIX).scoreFunction(sde);
        double[][] x = {{-2.5, 2.0}, {0.3, -0.2}, {3.1, -2.2}, {1.0, 1.5}};
        double[] t = {0.05, 0.2, 0.01, 0.3};
        try (NDManager nd = NDManager.newBaseManager()) {
            NDArray xa = ClosedForms.array(nd, x);
            Trace.Evaluation ev = new ExactTrace().evaluate(xa, t, score, Conditioning.NONE, null);
            assertThat(ev.score().getShape()).isEqualTo(xa.getShape());
            double[] want = new double[x.length];
            double h = 1e-5;
            for (int j = 0; j < 2; j++) {
                double[][] plus = shifted(x, j, h);
                double[][] minus = shifted(x, j, -h);
                double[] sp;
                double[] sm;
                try (NDArray tt = nd.create(t)) {
                    sp = score.score(ClosedForms.array(nd, plus), tt, Conditioning.NONE).toDoubleArray();
                    sm = score.score(ClosedForms.array(nd, minus), tt, Conditioning.NONE).toDoubleArray();
                }
                for (int i = 0; i < x.length; i++) {
                    want[i] += (sp[i * 2 + j] - sm[i * 2 + j]) / (2 * h);
                }
            }
            double[] s;
            try (NDArray tt = nd.create(t)) {
                s = score.score(xa, tt, Conditioning.NONE).toDoubleArray();
            }
            assertThat(ev.score().toDoubleArray()).containsExactly(s);
            for (int i = 0; i < x.length; i++) {
                assertThat(ev.divergence()[i]).isCloseTo(want[i],
                        org.assertj.core.data.Offset.offset(1e-6 * (1 + Math.abs(want[i]))));
            }
            // the input is neither closed nor changed, and no gradient is left on it
            assertThat(xa.toDoubleArray()).containsExactly(ClosedForms.array(nd, x).toDoubleArray());
            assertThat(xa.hasGradient()).isFalse();
        }
    }

    private static double[][] shifted(double[][] x, int j, double h) {
        double[][] y = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            y[i] = x[i].clone();
            y[i][j] += h;
        }
        return y;
    }

    @Test
    void nativeMemoryStaysInTheCallersManager() {
        try (NDManager nd = NDManager.newBaseManager()) {
            NDArray x = ClosedForms.array(nd, LikelihoodMixtureTest.points(5, 3)).toType(DataType.FLOAT32, false);
            int before = nd.getManagedArrays().size();
            Sde sde = VpSde.defaults();
            new ProbabilityFlowLikelihood(sde, new GmmScoreModel(MIX).scoreFunction(sde), new HutchinsonTrace(2,
                    HutchinsonTrace.Probe.RADEMACHER)).evaluate(x, Conditioning.NONE, PerSampleNoise.create(1, 0, 5));
            assertThat(nd.getManagedArrays()).hasSize(before);
            LatentCodec.Coded c = new LatentCodec(sde, new GmmScoreModel(MIX).scoreFunction(sde)).encode(x,
                    Conditioning.NONE);
            assertThat(nd.getManagedArrays()).hasSize(before + 1).contains(c.values());
            assertThat(c.values().getDataType()).isEqualTo(DataType.FLOAT64);
        }
    }

    @Test
    void aScoreOutsideTheEngineIsReportedNotGivenAZeroDivergence() {
        Sde sde = VpSde.defaults();
        ScoreFunction copied = (x, t, cond) -> x.getManager().create(x.toDoubleArray(), x.getShape()).neg();
        try (NDManager nd = NDManager.newBaseManager()) {
            NDArray x = nd.create(new double[] {0.1, 0.2, 0.3, 0.4}, new Shape(2, 2));
            assertThatThrownBy(() -> new ProbabilityFlowLikelihood(sde, copied, new ExactTrace())
                    .evaluate(x, Conditioning.NONE, PerSampleNoise.create(0, 0, 2)))
                    .isInstanceOf(Score4jException.class)
                    .hasMessageStartingWith("trace exact needs a score computed with NDArray operations");
        }
    }

    @Test
    void invalidSettingsAndNanScoresFail() {
        Sde sde = VpSde.defaults();
        ScoreFunction score = new GmmScoreModel(MIX).scoreFunction(sde);
        assertThatThrownBy(() -> new ProbabilityFlowLikelihood(sde, score, new ExactTrace(), 0, 1e-5, 10))
                .isInstanceOf(ConfigException.class).hasMessage("solver.rtol must be a number > 0, got 0.0");
        assertThatThrownBy(() -> new LatentCodec(sde, score, 1e-5, -1, 10))
                .isInstanceOf(ConfigException.class).hasMessage("solver.atol must be a number > 0, got -1.0");
        assertThatThrownBy(() -> new HutchinsonTrace(0, HutchinsonTrace.Probe.GAUSSIAN))
                .isInstanceOf(IllegalArgumentException.class);
        ScoreFunction nan = (x, t, cond) -> x.mul(Double.NaN);
        try (NDManager nd = NDManager.newBaseManager()) {
            NDArray x = nd.create(new double[] {0.1, 0.2}, new Shape(1, 2));
            assertThatThrownBy(() -> new ProbabilityFlowLikelihood(sde, nan, new ExactTrace())
                    .evaluate(x, Conditioning.NONE, PerSampleNoise.create(0, 0, 1)))
                    .isInstanceOf(NumericalException.class).hasMessageContaining("likelihood (exact trace)");
            assertThatThrownBy(() -> new ProbabilityFlowLikelihood(sde, score, new ExactTrace(), 1e-10, 1e-10, 3)
                    .evaluate(x, Conditioning.NONE, PerSampleNoise.create(0, 0, 1)))
                    .isInstanceOf(NumericalException.class).hasMessageContaining("max_steps=3");
        }
    }
}
