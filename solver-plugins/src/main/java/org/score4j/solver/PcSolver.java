package org.score4j.solver;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import org.score4j.api.solver.Corrector;
import org.score4j.api.solver.Predictor;
import org.score4j.api.solver.SamplingContext;
import org.score4j.api.solver.Solver;
import org.score4j.api.solver.SolverState;
import org.score4j.api.solver.Step;

/**
 * Predictor–corrector sampling, Song et al. 2021 Algorithm 1 (and its VE/VP forms, Algorithms 2 and 3): on
 * the context's grid t_0 = T &gt; … &gt; t_N = t0, step i applies the context's {@link Corrector} at t_i and
 * then its {@link Predictor} from t_i to t_{i+1}.
 *
 * <p>The solver takes exactly as many steps as the grid has. With {@code denoise} (the default, score_sde's
 * {@code denoise=True}) the {@linkplain SolverState#result() result} is the noise-free mean of the last
 * predictor step; otherwise it is the last sample x. Key: {@code denoise} (boolean, default true). Plugin
 * name {@code pc}. Stateless and thread-safe; the progress lives in {@link State}.
 */
public final class PcSolver implements Solver {
    private final boolean denoise;

    /** @param denoise whether the result is the last predictor step's mean rather than its sample */
    public PcSolver(boolean denoise) {
        this.denoise = denoise;
    }

    /** Whether the result is the last predictor step's mean. */
    public boolean denoise() {
        return denoise;
    }

    /**
     * The state of a predictor–corrector run.
     *
     * @param x the batch at time {@code t}
     * @param denoised the last predictor mean, present only when done and denoising ({@code null} otherwise)
     * @param step the steps taken, which is also the index of {@code t} on the grid
     * @param t the current grid time
     * @param done whether the last grid time has been reached
     */
    public record State(NDArray x, NDArray denoised, int step, double t, boolean done) implements SolverState {
        @Override
        public NDList arrays() {
            return denoised == null || denoised == x ? new NDList(x) : new NDList(x, denoised);
        }

        @Override
        public NDArray result() {
            return denoised == null ? x : denoised;
        }
    }

    @Override
    public SolverState start(NDArray x, SamplingContext ctx) {
        return new State(x, null, 0, ctx.time(0), false);
    }

    @Override
    public SolverState step(SolverState state, SamplingContext ctx) {
        if (!(state instanceof State s)) {
            throw new IllegalArgumentException("pc solver cannot continue a " + state.getClass().getSimpleName());
        }
        if (s.done()) {
            throw new IllegalStateException("pc solver already reached the end of the grid");
        }
        int i = s.step();
        double t = ctx.time(i);
        double tNext = ctx.time(i + 1);
        NDArray x = s.x();
        Step c = ctx.corrector().correct(x, t, ctx.sde(), ctx.score(), ctx.cond(), ctx.noise());
        Step p = ctx.predictor().predict(c.x(), t, tNext, ctx.sde(), ctx.score(), ctx.cond(), ctx.noise());
        boolean done = i + 1 == ctx.steps();
        NDArray keep = done && denoise ? p.mean() : null;
        Nd.closeUnless(c.mean(), x, c.x(), p.x(), p.mean());
        Nd.closeUnless(c.x(), x, p.x(), p.mean());
        Nd.closeUnless(p.mean(), x, p.x(), keep);
        if (done) {
            Nd.requireFinite(keep == null ? p.x() : keep, "solver pc", tNext);
        }
        return new State(p.x(), keep, i + 1, tNext, done);
    }

    @Override
    public int plannedSteps(SamplingContext ctx) {
        return ctx.steps();
    }

    @Override
    public String toString() {
        return "pc(denoise=" + denoise + ")";
    }
}
