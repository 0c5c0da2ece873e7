package org.score4j.api.sde;

/**
 * A forward process defined at N discrete timesteps i = 0 … N−1, as in Ho et al. 2020 ("Denoising Diffusion
 * Probabilistic Models", eq. 4: x_i = √ᾱ_i·x_0 + √(1 − ᾱ_i)·z), and embedded in continuous time so that every
 * solver can use it as an {@link Sde}.
 *
 * <p>The embedding maps timestep i to the time {@link #time(int)}; at those times {@link #marginal(double)}
 * reproduces the discrete process exactly, in between it interpolates. Samplers that work on the discrete
 * timesteps themselves (DDIM) and adapters of networks that take integer timesteps
 * ({@link org.score4j.api.model.EpsilonModel}) use this interface; every other solver sees a plain
 * {@link Sde}. Implementations are immutable and thread-safe.
 */
public interface DiscreteSde extends Sde {
    /** N, the number of timesteps of the discrete process (its {@code num_train_timesteps}). */
    int numTimesteps();

    /**
     * The continuous time of timestep {@code timestep}; increasing, with {@code time(N−1) = tEnd()} and
     * {@code time(0) = t0()}. Timestep −1 stands for the clean data (ᾱ = 1), the time where m = 1 and σ = 0.
     *
     * @throws IllegalArgumentException outside [−1, N−1]
     */
    double time(int timestep);

    /** The timestep nearest to time {@code t}, clamped to [0, N−1]: the inverse of {@link #time(int)}. */
    int timestep(double t);
}
