package org.score4j.api.model;

import ai.djl.ndarray.NDArray;
import org.score4j.api.sde.DiscreteSde;

/**
 * A noise-prediction network ε_θ(x_i, i) of a discrete-time diffusion model (Ho et al. 2020, eq. 14), called
 * with integer timesteps i = 0 … N−1: the way DDPM, DDIM and most published checkpoints are trained.
 *
 * <p>{@link #score(DiscreteSde)} turns it into the {@link ScoreFunction} every solver sees, with the one
 * conversion of {@link Parameterization#EPSILON}: score = −ε/σ(t). A port of such a model is therefore a
 * lambda:
 *
 * <pre>{@code
 * DiscreteSde ddpm = ...;                                          // e.g. the "ddpm" SDE plugin
 * EpsilonModel eps = EpsilonModel.unconditional((x, i) -> net.forward(x, i));
 * ScoreFunction score = eps.score(ddpm);                          // usable with any solver
 * }</pre>
 *
 * <p>Like a {@link ScoreFunction}, implementations return arrays owned by the manager of {@code x} (call
 * operations on {@code x}) and must not close or mutate {@code x}.
 */
@FunctionalInterface
public interface EpsilonModel {
    /**
     * The predicted noise, one row per sample.
     *
     * @param x the noisy batch, shape {@code [n, ...]}
     * @param timesteps the timestep of each row, length n, each in [0, N−1]
     * @param cond what each row is conditioned on
     * @return ε, shaped like {@code x}
     */
    NDArray epsilon(NDArray x, int[] timesteps, Conditioning cond);

    /**
     * An unconditional network called with one timestep for the whole batch, as most ε-networks are
     * ({@code model(sample, t)}).
     */
    @FunctionalInterface
    interface SharedTimestep {
        /**
         * @param x the noisy batch; not closed or mutated
         * @param timestep the timestep of every row, in [0, N−1]
         */
        NDArray epsilon(NDArray x, int timestep);
    }

    /**
     * Adapts an unconditional network taking one timestep per call. A batch whose rows are at different
     * timesteps (for example under an adaptive solver) is evaluated one row at a time; the rows of a batch
     * at one timestep in a single call. The result accepts only {@link Conditioning#isUnconditional()
     * unconditional} conditioning and throws {@link IllegalArgumentException} otherwise.
     */
    static EpsilonModel unconditional(SharedTimestep model) {
        java.util.Objects.requireNonNull(model, "model");
        return new SharedTimestepModel(model);
    }

    /**
     * The score of this model on the discrete process {@code sde}: at time t it calls the network with the
     * nearest timestep {@code sde.timestep(t)} and returns −ε/σ(t). At the times {@code sde.time(i)} of the
     * timesteps this is the exact conversion; at other times (continuous solvers on other grids) the network
     * sees the nearest timestep, an approximation of O(1/N) in time. The score function is as thread-safe as
     * the model.
     */
    default ScoreFunction score(DiscreteSde sde) {
        return new DiscreteEpsilonScore(this, sde);
    }
}
