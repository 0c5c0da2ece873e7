package org.score4j.sde;

import java.util.function.IntToDoubleFunction;
import org.score4j.api.sde.Marginal;
import org.score4j.api.sde.Sde;
import org.score4j.api.solver.TimeSchedule;

/** What the time grids of this package share: the grid frame and the noise level λ(t) = σ(t)/m(t). */
final class TimeGrids {
    private TimeGrids() {}

    /**
     * The grid {@code sde.tEnd() = t_0 > t_1 > … > t_steps = sde.t0()} with exact end points and the interior
     * times {@code t_i = interior(i)}, {@code 0 < i < steps}; checked with {@link TimeSchedule#validate}.
     */
    static double[] grid(int steps, Sde sde, IntToDoubleFunction interior) {
        if (steps < 1) {
            throw new IllegalArgumentException("a time grid needs at least 1 step, got " + steps);
        }
        double[] t = new double[steps + 1];
        t[0] = sde.tEnd();
        for (int i = 1; i < steps; i++) {
            t[i] = interior.applyAsDouble(i);
        }
        t[steps] = sde.t0();
        return TimeSchedule.validate(t, steps, sde);
    }

    /** log λ(t) = log(σ(t)/m(t)), the negative half log-SNR; increasing in t. */
    static double logNoiseLevel(Sde sde, double t) {
        Marginal m = sde.marginal(t);
        return Math.log(m.std()) - Math.log(m.mean());
    }

    /**
     * The time in [t0, tEnd] where {@link #logNoiseLevel} equals {@code target}, by bisection to the precision
     * of a double (λ is monotone for every forward SDE, so no closed form per SDE is needed).
     */
    static double timeOfLogNoiseLevel(Sde sde, double target) {
        double lo = sde.t0();
        double hi = sde.tEnd();
        while (true) {
            double mid = 0.5 * (lo + hi);
            if (!(mid > lo && mid < hi)) {
                return mid;
            }
            if (logNoiseLevel(sde, mid) < target) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
    }
}
