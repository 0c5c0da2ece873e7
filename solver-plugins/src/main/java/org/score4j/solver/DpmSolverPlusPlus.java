package org.score4j.solver;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import org.score4j.api.sde.Marginal;
import org.score4j.api.sde.Sde;
import org.score4j.api.solver.SamplingContext;
import org.score4j.api.solver.Solver;
import org.score4j.api.solver.SolverState;

/**
 * DPM-Solver++(2M), Lu et al. 2022 ("DPM-Solver++: Fast Solver for Guided Sampling of Diffusion Probabilistic
 * Models"), Algorithm 2: the multistep second-order solver of the probability-flow ODE in data prediction,
 * on the context's time grid, for any SDE.
 *
 * <p>With the marginal m(t), σ(t), the half log-SNR λ(t) = log(m/σ) and the data prediction
 * x̂_0(x, t) = (x + σ²·s(x, t))/m, a step from t_{i−1} to t_i with h_i = λ(t_i) − λ(t_{i−1}) is
 * x_i = (σ_i/σ_{i−1})·x_{i−1} + m_i·(1 − e^{−h_i})·D_i, where D_i = x̂_0 at t_{i−1} for the first step, and
 * D_i = (1 + 1/(2r_i))·x̂_0(t_{i−1}) − 1/(2r_i)·x̂_0(t_{i−2}) with r_i = h_{i−1}/h_i afterwards (the
 * previous data prediction lives in the {@link State}). The first-order step is DDIM's (eta = 0). With
 * {@code lower_order_final} (default true) the last step is first order when the grid has fewer than 15 steps,
 * as diffusers' {@code DPMSolverMultistepScheduler} does for stability with few steps; second order globally.
 *
 * <p>Equal steps in λ make every r_i = 1: the {@code logsnr} schedule is the natural pairing (Lu et al. use
 * "time uniform" or "logSNR" steps; for pixel-space VP models logsnr, for guided latent models also
 * {@code uniform}). One score evaluation per step. Key: {@code lower_order_final} (true). Plugin
 * {@code dpm-solver-pp}. Stateless and thread-safe; the progress lives in {@link State}.
 */
public final class DpmSolverPlusPlus implements Solver {
    /** Below this many steps the last step is first order (diffusers' rule). */
    static final int LOWER_ORDER_FINAL_BELOW = 15;

    private final boolean lowerOrderFinal;

    /** @param lowerOrderFinal whether the last step of a grid of fewer than 15 steps is first order */
    public DpmSolverPlusPlus(boolean lowerOrderFinal) {
        this.lowerOrderFinal = lowerOrderFinal;
    }

    /** Whether the last step of a short grid is first order. */
    public boolean lowerOrderFinal() {
        return lowerOrderFinal;
    }

    /**
     * The state of a DPM-Solver++(2M) run.
     *
     * @param x the batch at time {@code t}
     * @param previous the data prediction x̂_0 at the previous grid time, or {@code null} before the first step
     * @param h the previous step in λ (h_{i−1}), meaningful when {@code previous} is present
     * @param step the steps taken, which is also the index of {@code t} on the grid
     * @param t the current grid time
     * @param done whether the last grid time has been reached
     */
    public record State(NDArray x, NDArray previous, double h, int step, double t, boolean done)
            implements SolverState {
        @Override
        public NDList arrays() {
            return previous == null ? new NDList(x) : new NDList(x, previous);
        }
    }

    @Override
    public SolverState start(NDArray x, SamplingContext ctx) {
        return new State(x, null, Double.NaN, 0, ctx.time(0), false);
    }

    /** λ(t) = log m(t) − log σ(t). */
    static double halfLogSnr(Marginal m) {
        return Math.log(m.mean()) - Math.log(m.std());
    }

    @Override
    public SolverState step(SolverState state, SamplingContext ctx) {
        if (!(state instanceof State s)) {
            throw new IllegalArgumentException(
                    "dpm-solver-pp cannot continue a " + state.getClass().getSimpleName());
        }
        if (s.done()) {
            throw new IllegalStateException("dpm-solver-pp already reached the end of the grid");
        }
        Sde sde = ctx.sde();
        int i = s.step();
        double t = ctx.time(i);
        double tNext = ctx.time(i + 1);
        boolean last = i + 1 == ctx.steps();
        Marginal m = sde.marginal(t);
        Marginal mn = sde.marginal(tNext);
        double h = halfLogSnr(mn) - halfLogSnr(m);
        NDArray x = s.x();

        NDArray score = ctx.score().score(x, t, ctx.cond());
        NDArray x0 = Nd.lincomb(1 / m.mean(), x, m.variance() / m.mean(), score);
        Nd.closeUnless(score, x);

        double a = mn.std() / m.std();
        double b = mn.mean() * -Math.expm1(-h);
        boolean firstOrder = s.previous() == null
                || (last && lowerOrderFinal && ctx.steps() < LOWER_ORDER_FINAL_BELOW);
        NDArray next;
        if (firstOrder) {
            next = Nd.lincomb(a, x, b, x0);
        } else {
            double c = 0.5 * h / s.h(); // 1/(2r)
            NDArray base = Nd.lincomb(a, x, b * (1 + c), x0);
            next = Nd.axpy(base, -b * c, s.previous());
            base.close();
        }
        NDArray keep = last ? null : x0;
        if (last) {
            x0.close();
            Nd.requireFinite(next, "solver dpm-solver-pp", tNext);
        }
        return new State(next, keep, h, i + 1, tNext, last);
    }

    @Override
    public int plannedSteps(SamplingContext ctx) {
        return ctx.steps();
    }

    @Override
    public String toString() {
        return "dpm-solver-pp(lower_order_final=" + lowerOrderFinal + ")";
    }
}
