package org.score4j.solver;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
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
 * {@link State}. {@link #plannedSteps} is −1.
 */
public final class DormandPrinceSolver implements Solver {
    // Butcher tableau of DOPRI5 (5th-order weights in B, error weights E = B − B̂).
    private static final double[] C = {0, 1.0 / 5, 3.0 / 10, 4.0 / 5, 8.0 / 9, 1, 1};
    private static final double[][] A = {
        {},
        {1.0 / 5},
        {3.0 / 40, 9.0 / 40},
        {44.0 / 45, -56.0 / 15, 32.0 / 9},
        {19372.0 / 6561, -25360.0 / 2187, 64448.0 / 6561, -212.0 / 729},
        {9017.0 / 3168, -355.0 / 33, 46732.0 / 5247, 49.0 / 176, -5103.0 / 18656},
    };
    private static final double[] B = {35.0 / 384, 0, 500.0 / 1113, 125.0 / 192, -2187.0 / 6784, 11.0 / 84, 0};
    private static final double[] E = {71.0 / 57600, 0, -71.0 / 16695, 71.0 / 1920, -17253.0 / 339200,
        22.0 / 525, -1.0 / 40};
    private static final double SAFETY = 0.9;
    private static final double MIN_FACTOR = 0.2;
    private static final double MAX_FACTOR = 10;

    private final double rtol;
    private final double atol;
    private final int maxSteps;

    /**
     * @param rtol relative tolerance, &gt; 0
     * @param atol absolute tolerance, &gt; 0
     * @param maxSteps attempts allowed before the run fails, ≥ 1
     */
    public DormandPrinceSolver(double rtol, double atol, int maxSteps) {
        if (!(rtol > 0 && Double.isFinite(rtol))) {
            throw new ConfigException("solver.rtol must be a number > 0, got " + rtol);
        }
        if (!(atol > 0 && Double.isFinite(atol))) {
            throw new ConfigException("solver.atol must be a number > 0, got " + atol);
        }
        if (maxSteps < 1) {
            throw new ConfigException("solver.max_steps must be a positive integer, got " + maxSteps);
        }
        this.rtol = rtol;
        this.atol = atol;
        this.maxSteps = maxSteps;
    }

    /** The relative tolerance. */
    public double rtol() {
        return rtol;
    }

    /** The absolute tolerance. */
    public double atol() {
        return atol;
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
        NDArray x = s.x();
        int n = Nd.rows(x);
        double[] t = s.rowTimes();
        double[] h = s.rowSteps();

        NDArray k1 = s.velocity();
        boolean ownK1 = k1 == null;
        if (ownK1) {
            k1 = velocity(x, t, ctx);
            h = initialSteps(x, k1, t, t0, tEnd - t0, ctx);
        }

        // signed steps (towards t0) and end times; rows that reach t0 land on it exactly
        double[] hs = new double[n];
        double[] tNew = new double[n];
        boolean[] active = new boolean[n];
        for (int i = 0; i < n; i++) {
            if (t[i] == t0) {
                tNew[i] = t0;
                continue;
            }
            active[i] = true;
            double rest = t[i] - t0;
            if (h[i] >= rest) {
                hs[i] = -rest;
                tNew[i] = t0;
            } else {
                hs[i] = -h[i];
                tNew[i] = t[i] + hs[i];
            }
        }

        NDArray hc = Nd.column(x, hs);
        NDArray[] k = new NDArray[7];
        k[0] = k1;
        for (int j = 1; j < 6; j++) {
            NDArray xj = combine(x, hc, A[j], k);
            k[j] = velocity(xj, stageTimes(t, hs, tNew, C[j]), ctx);
            xj.close();
        }
        NDArray xNew = combine(x, hc, B, k);
        k[6] = velocity(xNew, tNew, ctx);
        NDArray err = combine(null, hc, E, k);
        hc.close();
        double[] errNorm = rowRms(errorRatio(x, xNew, err), n);
        err.close();
        for (int j = 1; j < 6; j++) {
            k[j].close();
        }

        boolean[] accept = new boolean[n];
        int accepted = 0;
        for (int i = 0; i < n; i++) {
            if (!active[i]) {
                continue;
            }
            double e = errNorm[i];
            double factor;
            if (!Double.isFinite(e)) {
                factor = MIN_FACTOR;
            } else if (e == 0) {
                factor = MAX_FACTOR;
            } else {
                factor = Math.min(MAX_FACTOR, Math.max(MIN_FACTOR, SAFETY * Math.pow(e, -0.2)));
            }
            double taken = -hs[i];
            if (e <= 1) {
                accept[i] = true;
                accepted++;
                t[i] = tNew[i];
                h[i] = t[i] == t0 ? 0 : taken * factor;
            } else {
                h[i] = taken * factor;
                if (!(h[i] > 16 * Math.ulp(t[i]))) {
                    close(xNew, k[6], ownK1 ? k1 : null);
                    throw new NumericalException("solver ode (rk45) step size underflow at t=" + t[i]
                            + " (row " + i + "); the score is not finite or the ODE is too stiff");
                }
            }
        }

        NDArray nextX;
        NDArray nextK;
        if (accepted == n) {
            nextX = xNew;
            nextK = k[6];
            Nd.closeUnless(ownK1 ? k1 : null, nextK);
        } else if (accepted == 0) {
            nextX = x;
            nextK = k1;
            close(xNew, k[6]);
        } else {
            long[] dims = new long[x.getShape().dimension()];
            Arrays.fill(dims, 1);
            dims[0] = n;
            try (NDArray col = x.getManager().create(accept, new Shape(dims));
                    NDArray mask = col.broadcast(x.getShape())) {
                nextX = NDArrays.where(mask, xNew, x);
                nextK = NDArrays.where(mask, k[6], k1);
            }
            close(xNew, k[6], ownK1 ? k1 : null);
        }
        boolean done = true;
        for (double ti : t) {
            done &= ti == t0;
        }
        if (done) {
            Nd.requireFinite(nextX, "solver ode (rk45)", t0);
        }
        return new State(nextX, nextK, t, h, s.step() + 1, done);
    }

    private static void close(NDArray... arrays) {
        for (NDArray a : arrays) {
            if (a != null) {
                a.close();
            }
        }
    }

    /** err/(atol + rtol·max(|x|, |x_new|)), element-wise, as doubles. */
    private double[] errorRatio(NDArray x, NDArray xNew, NDArray err) {
        try (NDArray ax = x.abs(); NDArray an = xNew.abs(); NDArray mx = ax.maximum(an);
                NDArray sc = mx.mul(rtol); NDArray den = sc.add(atol); NDArray r = err.div(den)) {
            return Nd.toDoubles(r);
        }
    }

    /** The RMS of each row's values (n rows of equal length, row-major), summed in a fixed order. */
    private static double[] rowRms(double[] v, int n) {
        int d = v.length / n;
        double[] r = new double[n];
        for (int i = 0; i < n; i++) {
            double q = 0;
            for (int j = i * d, e = j + d; j < e; j++) {
                q += v[j] * v[j];
            }
            r[i] = Math.sqrt(q / d);
        }
        return r;
    }

    /**
     * Hairer's initial step per row (scipy's select_initial_step for an error estimator of order 4), with its
     * absolute floors relative to the interval length {@code span}.
     */
    private double[] initialSteps(NDArray x, NDArray f0, double[] t, double t0, double span, SamplingContext ctx) {
        int n = t.length;
        double[] xv = Nd.toDoubles(x);
        double[] fv = Nd.toDoubles(f0);
        int d = xv.length / n;
        double[] h0 = new double[n];
        double[] d1 = new double[n];
        double[] t1 = new double[n];
        double[] minus = new double[n];
        for (int i = 0; i < n; i++) {
            double q0 = 0;
            double q1 = 0;
            for (int j = i * d, e = j + d; j < e; j++) {
                double sc = atol + Math.abs(xv[j]) * rtol;
                q0 += (xv[j] / sc) * (xv[j] / sc);
                q1 += (fv[j] / sc) * (fv[j] / sc);
            }
            double n0 = Math.sqrt(q0 / d);
            d1[i] = Math.sqrt(q1 / d);
            if (!Double.isFinite(n0) || !Double.isFinite(d1[i])) {
                throw new NumericalException("solver ode (rk45) found NaN or infinite values at t=" + t[i]
                        + " (row " + i + "); check the prior sample and the score model");
            }
            double hh = n0 < 1e-5 || d1[i] < 1e-5 ? 1e-6 * span : 0.01 * n0 / d1[i];
            h0[i] = Math.min(hh, t[i] - t0);
            t1[i] = t[i] - h0[i];
            minus[i] = -h0[i];
        }
        double[] f1v;
        try (NDArray hc = Nd.column(x, minus); NDArray step = f0.mul(hc); NDArray x1 = x.add(step);
                NDArray f1 = velocity(x1, t1, ctx)) {
            f1v = Nd.toDoubles(f1);
        }
        double[] h = new double[n];
        for (int i = 0; i < n; i++) {
            double q2 = 0;
            for (int j = i * d, e = j + d; j < e; j++) {
                double sc = atol + Math.abs(xv[j]) * rtol;
                double df = (f1v[j] - fv[j]) / sc;
                q2 += df * df;
            }
            double d2 = Math.sqrt(q2 / d) / h0[i];
            if (!Double.isFinite(d2)) {
                throw new NumericalException("solver ode (rk45) found NaN or infinite values at t=" + t1[i]
                        + " (row " + i + "); check the score model");
            }
            double big = Math.max(d1[i], d2);
            double h1 = big <= 1e-15 ? Math.max(1e-6 * span, h0[i] * 1e-3) : Math.pow(0.01 / big, 0.2);
            h[i] = Math.min(Math.min(100 * h0[i], h1), t[i] - t0);
        }
        return h;
    }

    private NDArray velocity(NDArray x, double[] t, SamplingContext ctx) {
        return ProbabilityFlow.velocity(x, t, ctx.sde(), ctx.score(), ctx.cond());
    }

    /** The stage times t + c·h per row; a stage at the end of the step uses the exact end time. */
    private static double[] stageTimes(double[] t, double[] hs, double[] tNew, double c) {
        if (c == 1) {
            return tNew;
        }
        double[] r = new double[t.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = t[i] + c * hs[i];
        }
        return r;
    }

    /** base + hc·Σ w_j k_j over the non-zero weights (base may be null for the bare sum). */
    private static NDArray combine(NDArray base, NDArray hc, double[] w, NDArray[] k) {
        NDArray acc = null;
        for (int j = 0; j < w.length; j++) {
            if (w[j] == 0) {
                continue;
            }
            if (acc == null) {
                acc = k[j].mul(w[j]);
            } else {
                NDArray next = Nd.axpy(acc, w[j], k[j]);
                acc.close();
                acc = next;
            }
        }
        NDArray scaled = acc.mul(hc);
        acc.close();
        if (base == null) {
            return scaled;
        }
        NDArray r = base.add(scaled);
        scaled.close();
        return r;
    }
}
