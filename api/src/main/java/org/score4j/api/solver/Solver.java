package org.score4j.api.solver;

import ai.djl.ndarray.NDArray;

/**
 * A sampler that integrates the reverse-time SDE or the probability-flow ODE from {@code tEnd} to {@code t0}
 * (Song et al. 2021, §4), one step at a time so that the caller controls memory, events and cancellation.
 *
 * <p>Stateless and thread-safe: all progress lives in the {@link SolverState}. Arrays a step creates must
 * come from operations on the state's arrays (or from {@code x.getManager()}), so that they live in the
 * caller's per-step scope.
 */
public interface Solver {
    /** The state at the start of the grid, with {@code x} drawn from the prior. */
    SolverState start(NDArray x, SamplingContext ctx);

    /** One step from {@code state} (which is not {@link SolverState#done()}); returns the next state. */
    SolverState step(SolverState state, SamplingContext ctx);

    /**
     * The number of steps the solver will take on {@code ctx}'s grid, or {@code -1} when it chooses its steps
     * adaptively.
     */
    int plannedSteps(SamplingContext ctx);
}
