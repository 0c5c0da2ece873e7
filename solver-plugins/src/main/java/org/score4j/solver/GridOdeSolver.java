package org.score4j.solver;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import org.score4j.api.solver.SamplingContext;
import org.score4j.api.solver.Solver;
import org.score4j.api.solver.SolverState;

/**
 * Base of the fixed-step integrators of the probability-flow ODE (Song et al. 2021 eq. 13), which take one
 * step per interval of the context's grid from {@code tEnd} to {@code t0}. A subclass supplies one step of
 * its method; this class keeps the explicit state. Stateless and thread-safe.
 */
public abstract class GridOdeSolver implements Solver {

    /** Subclasses are created by this package only. */
    GridOdeSolver() {}

    /**
     * The state of a fixed-step run.
     *
     * @param x the batch at time {@code t}
     * @param step the steps taken, which is also the index of {@code t} on the grid
     * @param t the current grid time
     * @param done whether the last grid time has been reached
     */
    public record GridState(NDArray x, int step, double t, boolean done) implements SolverState {
        @Override
        public NDList arrays() {
            return new NDList(x);
        }
    }

    /**
     * One step of the method from {@code t} to {@code tNext} with signed step h = tNext − t &lt; 0; returns a
     * new array and does not close or mutate {@code x}.
     */
    abstract NDArray advance(NDArray x, double t, double tNext, SamplingContext ctx);

    /** The method's name, e.g. {@code "heun"}. */
    abstract String method();

    /** The probability-flow velocity f(t)x − ½g(t)²s(x, t) with the context's score. */
    static NDArray velocity(NDArray x, double t, SamplingContext ctx) {
        return ProbabilityFlow.velocity(x, t, ctx.sde(), ctx.score(), ctx.cond());
    }

    @Override
    public SolverState start(NDArray x, SamplingContext ctx) {
        return new GridState(x, 0, ctx.time(0), false);
    }

    @Override
    public SolverState step(SolverState state, SamplingContext ctx) {
        if (!(state instanceof GridState s)) {
            throw new IllegalArgumentException(
                    "ode solver cannot continue a " + state.getClass().getSimpleName());
        }
        if (s.done()) {
            throw new IllegalStateException("ode solver already reached the end of the grid");
        }
        int i = s.step();
        double tNext = ctx.time(i + 1);
        NDArray next = advance(s.x(), ctx.time(i), tNext, ctx);
        boolean done = i + 1 == ctx.steps();
        if (done) {
            Nd.requireFinite(next, "solver ode (" + method() + ")", tNext);
        }
        return new GridState(next, i + 1, tNext, done);
    }

    @Override
    public int plannedSteps(SamplingContext ctx) {
        return ctx.steps();
    }

    @Override
    public String toString() {
        return "ode(" + method() + ")";
    }
}
