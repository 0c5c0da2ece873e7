package org.score4j.solver.likelihood;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Arrays;
import org.score4j.api.NumericalException;
import org.score4j.api.sde.Sde;
import org.score4j.solver.DormandPrinceIntegrator;

/**
 * Runs a {@link DormandPrinceIntegrator} from one time to another, each attempt inside a sub-manager of the
 * start array's manager (only the new state moves out), and the probability-flow velocity
 * f(t)x − ½g(t)²s shared by the likelihood and the latent codes.
 */
final class FlowIntegration {
    private FlowIntegration() {}

    /** The end of an integration: the final batch (owned by the start array's manager) and the attempts made. */
    record Outcome(NDArray z, int attempts) {}

    /**
     * Integrates every row of {@code z0} from {@code tFrom} to {@code tTo}; takes ownership of {@code z0} (it
     * may be closed).
     *
     * @throws NumericalException when the run needs more than {@code maxSteps} attempts, a step size
     *     underflows, or the result is not finite
     */
    static Outcome integrate(NDArray z0, double tFrom, double tTo, DormandPrinceIntegrator rk, int maxSteps,
            String who, DormandPrinceIntegrator.Field field) {
        NDManager manager = z0.getManager();
        int n = Rows.count(z0);
        double[] t = new double[n];
        Arrays.fill(t, tFrom);
        double[] h = new double[n];
        NDArray z = z0;
        NDArray k = null;
        boolean done = n == 0;
        int attempts = 0;
        while (!done) {
            if (attempts >= maxSteps) {
                double furthest = tTo >= tFrom ? Arrays.stream(t).min().orElse(tFrom)
                        : Arrays.stream(t).max().orElse(tFrom);
                throw new NumericalException(who + " reached solver.max_steps=" + maxSteps + " at t=" + furthest
                        + " before t=" + tTo + "; raise solver.max_steps or loosen solver.rtol/solver.atol");
            }
            try (NDManager step = manager.newSubManager()) {
                z.attach(step);
                if (k != null) {
                    k.attach(step);
                }
                DormandPrinceIntegrator.Attempt a = rk.attempt(z, k, t, h, tFrom, tTo, field);
                a.z().attach(manager);
                a.derivative().attach(manager);
                z = a.z();
                k = a.derivative();
                t = a.rowTimes();
                h = a.rowSteps();
                done = a.done();
            }
            attempts++;
        }
        if (k != null && k != z) {
            k.close();
        }
        for (double v : Rows.doubles(z)) {
            if (!Double.isFinite(v)) {
                z.close();
                throw new NumericalException(who + " produced NaN or infinite values at t=" + tTo
                        + "; check the score model");
            }
        }
        return new Outcome(z, attempts);
    }

    /**
     * The probability-flow velocity f(t)x − ½g(t)²s per row (Song et al. 2021, eq. 13), float64, owned by the
     * manager of {@code x}.
     */
    static NDArray velocity(NDArray x, NDArray score, double[] t, Sde sde) {
        int n = t.length;
        double[] f = new double[n];
        double[] c = new double[n];
        boolean drift = false;
        for (int i = 0; i < n; i++) {
            f[i] = sde.driftCoefficient(t[i]);
            double g = sde.diffusion(t[i]);
            c[i] = -0.5 * g * g;
            drift |= f[i] != 0;
        }
        NDArray cs;
        try (NDArray cc = Rows.column(x, c)) {
            cs = score.mul(cc);
        }
        if (!drift) {
            return cs;
        }
        try (NDArray fc = Rows.column(x, f); NDArray fx = x.mul(fc)) {
            return fx.add(cs);
        } finally {
            cs.close();
        }
    }
}
