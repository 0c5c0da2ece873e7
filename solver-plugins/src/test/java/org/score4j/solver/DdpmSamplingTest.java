package org.score4j.solver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.score4j.api.model.Conditioning;
import org.score4j.api.model.EpsilonModel;
import org.score4j.api.model.ScoreFunction;
import org.score4j.api.noise.NoiseSource;
import org.score4j.api.noise.PerSampleNoise;
import org.score4j.api.solver.SamplingContext;
import org.score4j.api.solver.Step;
import org.score4j.api.testing.SolverContracts;
import org.score4j.sde.DdpmSde;
import org.score4j.sde.UniformSchedule;

/** Ancestral sampling of Ho et al. 2020 on the ddpm SDE, and the ε-model adapter it is written with. */
class DdpmSamplingTest {
    private static final long SEED = 4;

    /** ε(x, i) = 0.3·x + 0.001·i, element-wise. */
    private static NDArray epsilon(NDArray x, int timestep) {
        return x.mul(0.3).add(0.001 * timestep);
    }

    /**
     * One ancestral step from timestep i to i − 1 is Ho et al.'s eq. 11 with σ_i² = β̃_i (Algorithm 2):
     * x' = (x − β_i/√(1 − ᾱ_i)·ε)/√(1 − β_i) + √β̃_i·z, β̃_i = β_i(1 − ᾱ_{i−1})/(1 − ᾱ_i), with the
     * predictor seeing the score −ε/σ.
     */
    @Test
    void oneAncestralStepIsHoEquation11() {
        DdpmSde sde = DdpmSde.defaults();
        ScoreFunction score = EpsilonModel.unconditional(DdpmSamplingTest::epsilon).score(sde);
        double[] start = {0.9, -1.2, 0.3, 2.0, -0.7, 0.1};
        for (int i : new int[] {999, 500, 1}) {
            double beta = sde.beta(i);
            double abar = sde.alphaCumprod(i);
            double tilde = beta * (1 - sde.alphaCumprod(i - 1)) / (1 - abar);
            double[] z;
            try (NDManager nd = NDManager.newBaseManager()) {
                z = PerSampleNoise.create(SEED, 0, 2).normal(new Shape(3), DataType.FLOAT64, nd).toDoubleArray();
            }
            try (NDManager nd = NDManager.newBaseManager()) {
                NDArray x = nd.create(start, new Shape(2, 3));
                Step step = new AncestralPredictor(AncestralPredictor.Variance.POSTERIOR).predict(x, sde.time(i),
                        sde.time(i - 1), sde, score, Conditioning.NONE, PerSampleNoise.create(SEED, 0, 2));
                double[] got = step.x().toDoubleArray();
                double[] mean = step.mean().toDoubleArray();
                for (int j = 0; j < start.length; j++) {
                    double eps = 0.3 * start[j] + 0.001 * i;
                    double want = (start[j] - beta / Math.sqrt(1 - abar) * eps) / Math.sqrt(1 - beta);
                    assertThat(mean[j]).as("mean at %d", i).isCloseTo(want, within(1e-12));
                    assertThat(got[j]).as("x at %d", i).isCloseTo(want + Math.sqrt(tilde) * z[j], within(1e-12));
                }
            }
        }
    }

    /**
     * The uniform schedule with N − 1 steps is the grid of the N discrete times, so predictor-corrector sampling
     * with the ancestral predictor runs DDPM's chain from timestep N − 1 down to timestep 0, calling the network
     * once at each of N − 1, …, 1.
     */
    @Test
    void ancestralSamplingVisitsEveryTimestep() {
        DdpmSde sde = DdpmSde.linear(50, 1e-3, 0.2);
        List<Integer> seen = new ArrayList<>();
        EpsilonModel model = EpsilonModel.unconditional((x, i) -> {
            seen.add(i);
            return epsilon(x, i);
        });
        try (NDManager nd = NDManager.newBaseManager()) {
            NoiseSource noise = PerSampleNoise.create(SEED, 0, 3);
            NDArray x = sde.priorSample(new Shape(2), noise, nd);
            SamplingContext ctx = new SamplingContext(sde, model.score(sde), Conditioning.NONE, noise,
                    new UniformSchedule().times(49, sde), new AncestralPredictor(AncestralPredictor.Variance.POSTERIOR),
                    SolverContracts.noneCorrector());
            SolverContracts.run(new PcSolver(true), ctx, x);
        }
        assertThat(seen).hasSize(49);
        for (int k = 0; k < 49; k++) {
            assertThat(seen.get(k)).isEqualTo(49 - k);
        }
    }

    @Test
    void epsilonModelScoreIsMinusEpsilonOverSigma() {
        DdpmSde sde = DdpmSde.defaults();
        ScoreFunction score = EpsilonModel.unconditional(DdpmSamplingTest::epsilon).score(sde);
        try (NDManager nd = NDManager.newBaseManager()) {
            NDArray x = nd.create(new double[] {0.5, -1, 2, 0.25}, new Shape(2, 2));
            int i = 321;
            double sigma = Math.sqrt(1 - sde.alphaCumprod(i));
            double[] got = score.score(x, sde.time(i), Conditioning.NONE).toDoubleArray();
            double[] in = x.toDoubleArray();
            for (int j = 0; j < in.length; j++) {
                assertThat(got[j]).isCloseTo(-(0.3 * in[j] + 0.001 * i) / sigma, within(1e-12));
            }
            // off the grid: the nearest timestep, the σ of the time asked
            double t = sde.time(i) + 0.3 / 1000;
            double[] off = score.score(x, t, Conditioning.NONE).toDoubleArray();
            for (int j = 0; j < in.length; j++) {
                assertThat(off[j]).isCloseTo(-(0.3 * in[j] + 0.001 * i) / sde.marginal(t).std(), within(1e-12));
            }
            assertThatThrownBy(() -> score.score(x, sde.time(i), Conditioning.ofClass(1)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unconditional");
        }
    }

    /** With one time per row, rows at the same timestep share one network call and every row gets its own. */
    @Test
    void perRowTimesGroupTheNetworkCalls() {
        DdpmSde sde = DdpmSde.defaults();
        List<Integer> calls = new ArrayList<>();
        ScoreFunction score = EpsilonModel.unconditional((x, i) -> {
            calls.add(i);
            return epsilon(x, i);
        }).score(sde);
        int[] steps = {10, 10, 700, 700, 700, 10};
        try (NDManager nd = NDManager.newBaseManager()) {
            NDArray x = nd.create(new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, new Shape(6, 2));
            double[] times = new double[steps.length];
            for (int r = 0; r < steps.length; r++) {
                times[r] = sde.time(steps[r]);
            }
            double[] got = score.score(x, nd.create(times), Conditioning.NONE).toDoubleArray();
            assertThat(calls).containsExactly(10, 700, 10);
            double[] in = x.toDoubleArray();
            for (int j = 0; j < in.length; j++) {
                int i = steps[j / 2];
                double want = -(0.3 * in[j] + 0.001 * i) / Math.sqrt(1 - sde.alphaCumprod(i));
                assertThat(got[j]).isCloseTo(want, within(1e-12 * Math.abs(want)));
            }
            // the same time in every row: one call
            calls.clear();
            score.score(x, nd.create(new double[] {0.5, 0.5, 0.5, 0.5, 0.5, 0.5}), Conditioning.NONE);
            assertThat(calls).containsExactly(499);
        }
    }
}
