package org.score4j.solver;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import org.score4j.api.ConfigException;
import org.score4j.api.NumericalException;

/**
 * The Dormand–Prince 5(4) Runge–Kutta pair (Dormand &amp; Prince 1980; Hairer, Nørsett &amp; Wanner, "Solving
 * ODEs I", §II.5, with the step control of §II.4) for a batch of independent ODEs dz/dt = F(z, t), one per
 * row, each row with its own time and step size: the per-row adaptive stepping of {@link DormandPrinceSolver}
 * (the probability-flow ODE from tEnd to t0) and of the likelihood and latent-code computations (the same
 * ODE, optionally augmented with the log-density change, from t0 to tEnd).
 *
 * <p>One {@link #attempt} advances every unfinished row by one trial step towards {@code tStop} (either
 * direction): the seven stages use the first-same-as-last property (the derivative at the end of an accepted
 * step is the first stage of the next), the 5th-order solution is propagated, and each row's error is the RMS
 * over that row's elements of err/(atol + rtol·max(|z|, |z_new|)). A row accepts when its error is ≤ 1;
 * rejected rows and finished rows keep their z (finished rows keep a step of 0). The next step of a row is its
 * step times 0.9·err^(−1/5), clamped to [0.2, 10]. Steps are shortened to land exactly on {@code tStop}.
 *
 * <p><b>Initial step.</b> On the first attempt (no derivative yet), per row by Hairer's rule (scipy's
 * {@code select_initial_step}, one extra evaluation of F): h0 = 0.01·‖z‖/‖F(z)‖ in the tolerance-weighted RMS
 * norm, an explicit Euler step of h0 to estimate the second derivative, and
 * h = min(100·h0, (0.01/max(‖F‖, ‖F'‖))^(1/5)); its absolute floors (1e-6) are taken relative to the length
 * of the interval |tStop − tStart|.
 *
 * <p>Rows never read each other: a row's trajectory does not depend on the rest of the batch as long as F
 * does not. The arithmetic is that of the batch's data type. Immutable and thread-safe; arrays an attempt
 * creates come from operations on {@code z} (they live in its manager); inputs are never closed, and
 * intermediate arrays are closed as soon as they are no longer needed.
 */
public final class DormandPrinceIntegrator {
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

    /**
     * The right-hand side F of the ODE system, evaluated with one time per row.
     */
    @FunctionalInterface
    public interface Field {
        /**
         * dz/dt at (z, t).
         *
         * @param z the batch, shape {@code [n, ...]}; not closed or mutated
         * @param t one time per row (length n); not modified
         * @return a new array shaped like {@code z}, owned by the manager of {@code z}
         */
        NDArray at(NDArray z, double[] t);
    }

    /**
     * The outcome of one attempt.
     *
     * @param z the new batch: accepted rows advanced, the others as they were (may be the input array itself
     *     when no row was accepted)
     * @param derivative F at (z, rowTimes), the first stage of the next attempt (may be the input derivative)
     * @param rowTimes each row's time after the attempt
     * @param rowSteps each row's next step size (positive; 0 for rows at {@code tStop})
     * @param accepted the rows whose step was accepted by this attempt
     * @param done whether every row has reached {@code tStop}
     */
    public record Attempt(NDArray z, NDArray derivative, double[] rowTimes, double[] rowSteps, int accepted,
            boolean done) {
        public Attempt {
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
    }

    private final double rtol;
    private final double atol;
    private final String who;

    /**
     * @param rtol relative tolerance, &gt; 0
     * @param atol absolute tolerance, &gt; 0
     * @param who names the computation in error messages, e.g. {@code "solver ode (rk45)"}
     */
    public DormandPrinceIntegrator(double rtol, double atol, String who) {
        if (!(rtol > 0 && Double.isFinite(rtol))) {
            throw new ConfigException("solver.rtol must be a number > 0, got " + rtol);
        }
        if (!(atol > 0 && Double.isFinite(atol))) {
            throw new ConfigException("solver.atol must be a number > 0, got " + atol);
        }
        this.rtol = rtol;
        this.atol = atol;
        this.who = who;
    }

    /** The relative tolerance. */
    public double rtol() {
        return rtol;
    }

    /** The absolute tolerance. */
    public double atol() {
        return atol;
    }

    /**
     * One trial step of every unfinished row towards {@code tStop}.
     *
     * @param z the batch; row i is at time {@code t[i]}, which lies between {@code tStart} and {@code tStop}
     * @param derivative F at (z, t) from the previous attempt, or {@code null} on the first attempt (then F
     *     and the initial steps are computed here)
     * @param t each row's time (not modified)
     * @param h each row's step size (positive; ignored on the first attempt; not modified)
     * @param tStart where the integration started (its distance to {@code tStop} scales the initial-step floors)
     * @param tStop where every row ends
     * @param field the right-hand side
     * @throws NumericalException when a row's step size underflows (e.g. F turned NaN) or the initial state
     *     or derivative is not finite
     */
    public Attempt attempt(NDArray z, NDArray derivative, double[] t, double[] h, double tStart, double tStop,
            Field field) {
        int n = Nd.rows(z);
        double dir = tStop >= tStart ? 1 : -1;
        t = t.clone();
        h = h.clone();

        NDArray k1 = derivative;
        boolean ownK1 = k1 == null;
        if (ownK1) {
            k1 = field.at(z, t);
            h = initialSteps(z, k1, t, tStop, dir, Math.abs(tStop - tStart), field);
        }

        // signed steps (towards tStop) and end times; rows that reach tStop land on it exactly
        double[] hs = new double[n];
        double[] tNew = new double[n];
        boolean[] active = new boolean[n];
        for (int i = 0; i < n; i++) {
            if (t[i] == tStop) {
                tNew[i] = tStop;
                continue;
            }
            active[i] = true;
            double rest = dir > 0 ? tStop - t[i] : t[i] - tStop;
            if (h[i] >= rest) {
                hs[i] = dir * rest;
                tNew[i] = tStop;
            } else {
                hs[i] = dir * h[i];
                tNew[i] = t[i] + hs[i];
            }
        }

        NDArray hc = Nd.column(z, hs);
        NDArray[] k = new NDArray[7];
        k[0] = k1;
        for (int j = 1; j < 6; j++) {
            NDArray zj = combine(z, hc, A[j], k);
            k[j] = field.at(zj, stageTimes(t, hs, tNew, C[j]));
            zj.close();
        }
        NDArray zNew = combine(z, hc, B, k);
        k[6] = field.at(zNew, tNew);
        NDArray err = combine(null, hc, E, k);
        hc.close();
        double[] errNorm = rowRms(errorRatio(z, zNew, err), n);
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
            double taken = Math.abs(hs[i]);
            if (e <= 1) {
                accept[i] = true;
                accepted++;
                t[i] = tNew[i];
                h[i] = t[i] == tStop ? 0 : taken * factor;
            } else {
                h[i] = taken * factor;
                if (!(h[i] > 16 * Math.ulp(t[i]))) {
                    close(zNew, k[6], ownK1 ? k1 : null);
                    throw new NumericalException(who + " step size underflow at t=" + t[i]
                            + " (row " + i + "); the score is not finite or the ODE is too stiff");
                }
            }
        }

        NDArray nextZ;
        NDArray nextK;
        if (accepted == n) {
            nextZ = zNew;
            nextK = k[6];
            Nd.closeUnless(ownK1 ? k1 : null, nextK);
        } else if (accepted == 0) {
            nextZ = z;
            nextK = k1;
            close(zNew, k[6]);
        } else {
            long[] dims = new long[z.getShape().dimension()];
            Arrays.fill(dims, 1);
            dims[0] = n;
            try (NDArray col = z.getManager().create(accept, new Shape(dims));
                    NDArray mask = col.broadcast(z.getShape())) {
                nextZ = NDArrays.where(mask, zNew, z);
                nextK = NDArrays.where(mask, k[6], k1);
            }
            close(zNew, k[6], ownK1 ? k1 : null);
        }
        boolean done = true;
        for (double ti : t) {
            done &= ti == tStop;
        }
        return new Attempt(nextZ, nextK, t, h, accepted, done);
    }

    private static void close(NDArray... arrays) {
        for (NDArray a : arrays) {
            if (a != null) {
                a.close();
            }
        }
    }

    /** err/(atol + rtol·max(|z|, |z_new|)), element-wise, as doubles. */
    private double[] errorRatio(NDArray z, NDArray zNew, NDArray err) {
        try (NDArray az = z.abs(); NDArray an = zNew.abs(); NDArray mx = az.maximum(an);
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
    private double[] initialSteps(NDArray z, NDArray f0, double[] t, double tStop, double dir, double span,
            Field field) {
        int n = t.length;
        double[] zv = Nd.toDoubles(z);
        double[] fv = Nd.toDoubles(f0);
        int d = zv.length / n;
        double[] h0 = new double[n];
        double[] d1 = new double[n];
        double[] t1 = new double[n];
        double[] signed = new double[n];
        for (int i = 0; i < n; i++) {
            double q0 = 0;
            double q1 = 0;
            for (int j = i * d, e = j + d; j < e; j++) {
                double sc = atol + Math.abs(zv[j]) * rtol;
                q0 += (zv[j] / sc) * (zv[j] / sc);
                q1 += (fv[j] / sc) * (fv[j] / sc);
            }
            double n0 = Math.sqrt(q0 / d);
            d1[i] = Math.sqrt(q1 / d);
            if (!Double.isFinite(n0) || !Double.isFinite(d1[i])) {
                throw new NumericalException(who + " found NaN or infinite values at t=" + t[i]
                        + " (row " + i + "); check the starting values and the score model");
            }
            double rest = dir > 0 ? tStop - t[i] : t[i] - tStop;
            double hh = n0 < 1e-5 || d1[i] < 1e-5 ? 1e-6 * span : 0.01 * n0 / d1[i];
            h0[i] = Math.min(hh, rest);
            t1[i] = t[i] + dir * h0[i];
            signed[i] = dir * h0[i];
        }
        double[] f1v;
        try (NDArray hc = Nd.column(z, signed); NDArray step = f0.mul(hc); NDArray z1 = z.add(step);
                NDArray f1 = field.at(z1, t1)) {
            f1v = Nd.toDoubles(f1);
        }
        double[] h = new double[n];
        for (int i = 0; i < n; i++) {
            double q2 = 0;
            for (int j = i * d, e = j + d; j < e; j++) {
                double sc = atol + Math.abs(zv[j]) * rtol;
                double df = (f1v[j] - fv[j]) / sc;
                q2 += df * df;
            }
            double d2 = Math.sqrt(q2 / d) / h0[i];
            if (!Double.isFinite(d2)) {
                throw new NumericalException(who + " found NaN or infinite values at t=" + t1[i]
                        + " (row " + i + "); check the score model");
            }
            double rest = dir > 0 ? tStop - t[i] : t[i] - tStop;
            double big = Math.max(d1[i], d2);
            double h1 = big <= 1e-15 ? Math.max(1e-6 * span, h0[i] * 1e-3) : Math.pow(0.01 / big, 0.2);
            h[i] = Math.min(Math.min(100 * h0[i], h1), rest);
        }
        return h;
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
