package org.score4j.api.solver;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

/**
 * The explicit state of a solver between two steps: the batch, the time, and whatever history the solver
 * keeps (multistep buffers, step sizes). Immutable: a step returns a new state.
 *
 * <p>The run loop moves every array of {@link #arrays()} into a per-step memory scope before the step and
 * the new state's arrays back out after it, so a state must list all arrays it holds.
 */
public interface SolverState {
    /** The current batch. */
    NDArray x();

    /** The current time (for adaptive solvers with per-row times, the latest of them). */
    double t();

    /** Steps taken so far. */
    int step();

    /** Whether the trajectory has reached the end of the grid. */
    boolean done();

    /** Every array this state holds (including {@link #x()}). */
    NDList arrays();

    /** The output once {@link #done()}: by default {@link #x()}; e.g. the denoised mean for PC sampling. */
    default NDArray result() {
        return x();
    }
}
