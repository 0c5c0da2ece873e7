package org.score4j.solver;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import java.util.Arrays;
import org.score4j.api.ConfigException;
import org.score4j.api.NumericalException;
import org.score4j.api.solver.SamplingContext;
import org.score4j.api.solver.Solver;
import org.score4j.api.solver.SolverState;

/**
 * The adaptive Dormand–Prince 5(4) Runge–Kutta method (Dormand &amp; Prince 1980; Hairer, Nørsett &amp; Wanner,
 * "Solving ODEs I", §II.5 and §II.4 step control) for the probability-flow ODE, Song et al. 2021 eq. 13,
 * dx/dt = f(t)x − ½g(t)²s(x, t), integrated from tEnd to t0 (score_sde uses scipy's RK45 for this ODE).
 *
 * <p><b>Per-row step control.</b> So that each sample's trajectory does not depend on the rest of the
 * batch, every row has its own time and step size; the score is evaluated with one time per row. Each
 * {@link #step} makes one attempt for all rows: the seven stages use the first-same-as-last property (the
 * velocity at the end of an accepted step is the first stage of the next), the 5th-order solution is
 * propagated, and each row's error is the RMS over that row's elements of
 * err/(atol + rtol·max(|x|, |x_new|)). A row accepts when its error is ≤ 1; rejected rows and rows that
 * have reached t0 keep their x (finished rows keep a step of 0). The next step of a row is its step times
 * 0.9·err^(−1/5), clamped to [0.2, 10]. Steps are shortened to land exactly on t0.
 *
 * <p><b>Initial step.</b> Per row by Hairer's rule (scipy's {@code select_initial_step}, one extra score
 * evaluation): h0 = 0.01·‖x‖/‖F(x)‖ in the tolerance-weighted RMS norm, an explicit Euler step of h0 to
 * estimate the second derivative, and h = min(100·h0, (0.01/max(‖F‖, ‖F'‖))^(1/5)); its absolute floors
 * (1e-6) are taken relative to the length of the time interval.
 *
 * <p>Keys of plugin {@code ode} with {@code method=rk45}: {@code rtol}, {@code atol} (default 1e-5) and
 * {@code max_steps} (default 100000): a run that has not reached t0 after max_steps attempts, or whose step
 * size underflows (e.g. when the score turns NaN), fails with a {@link NumericalException}. The arithmetic is
 * that of the batch's data type: with float32, tolerances below about 1e-6 meet round-off. Stateless and thread-safe; the progress lives in
 * {@link State}. {@link #plannedSteps} is −1. The stepping itself is {@link DormandPrinceIntegrator}'s.
 */
public final class DormandPrinceSolver implements Solver {
    private static final String WHO = "solver ode (rk45)";

    private final DormandPrinceIntegrator integrator;
    private final int maxSteps;

    /**
     * @param rtol relative tolerance, &gt; 0
     * @param atol absolute tolerance, &gt; 0
     * @param maxSteps attempts allowed before the run fails, ≥ 1
     */
    public DormandPrinceSolver(double rtol, double atol, int maxSteps) {
        this.integrator = new DormandPrinceIntegrator(rtol, atol, WHO);
        if (maxSteps < 1) {
            throw new ConfigException("solver.max_steps must be a positive integer, got " + maxSteps);
        }
        this.maxSteps = maxSteps;
    }

    /** The relative tolerance. */
    public double rtol() {
        return integrator.rtol();
    }

    /** The absolute tolerance. */
    public double atol() {
        return integrator.atol();
    }

    /** The attempts allowed before the run fails. */
    public int maxSteps() {
        return maxSteps;
    }

    /**
     * The state of an adaptive run.
     *
     * @param x the batch; row i is at time {@code rowTimes[i]}
     * @param velocity the probability-flow velocity at (x, rowTimes), or {@code null} before the first step
     * @param rowTimes each row's time (copied)
     * @param rowSteps each row's next step size (positive, towards t0; 0 for finished rows; copied)
     * @param step the attempts made so far
     * @param done whether every row has reached t0
     */
    public record State(NDArray x, NDArray velocity, double[] rowTimes, double[] rowSteps, int step, boolean done)
            implements SolverState {
        public State {
            rowTimes = rowTimes.clone();
            rowSteps = rowSteps.clone();
        }

        /** Each row's time (a copy). */
        @Override
        public double[] rowTimes() {
            return rowTimes.clone();
        }

        /** Each row's next step size (a copy). */
        @Override
        public double[] rowSteps() {
            return rowSteps.clone();
        }

        /** The largest remaining row time. */
        @Override
        public double t() {
            return Arrays.stream(rowTimes).max().orElseThrow();
        }

        @Override
        public NDList arrays() {
            return velocity == null ? new NDList(x) : new NDList(x, velocity);
        }
    }

    @Override
    public SolverState start(NDArray x, SamplingContext ctx) {
        double[] t = new double[Nd.rows(x)];
        Arrays.fill(t, ctx.time(0));
        return new State(x, null, t, new double[t.length], 0, t.length == 0);
    }

    @Override
    public int plannedSteps(SamplingContext ctx) {
        return -1;
    }

    @Override
    public SolverState step(SolverState state, SamplingContext ctx) {
        if (!(state instanceof State s)) {
            throw new IllegalArgumentException(
                    "ode solver (rk45) cannot continue a " + state.getClass().getSimpleName());
        }
        if (s.done()) {
            throw new IllegalStateException("ode solver (rk45) already reached t0");
        }
        if (s.step() >= maxSteps) {
            throw new NumericalException("solver ode (rk45) reached solver.max_steps=" + maxSteps + " at t="
                    + s.t() + " before t0; raise solver.max_steps or loosen solver.rtol/solver.atol");
        }
        double tEnd = ctx.time(0);
        double t0 = ctx.time(ctx.steps());
        DormandPrinceIntegrator.Attempt a = integrator.attempt(s.x(), s.velocity(), s.rowTimes(), s.rowSteps(),
                tEnd, t0, (x, t) -> ProbabilityFlow.velocity(x, t, ctx.sde(), ctx.score(), ctx.cond()));
        if (a.done()) {
            Nd.requireFinite(a.z(), WHO, t0);
        }
        return new State(a.z(), a.derivative(), a.rowTimes(), a.rowSteps(), s.step() + 1, a.done());
    }
}
