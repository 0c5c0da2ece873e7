package org.score4j.api.solver;

import org.score4j.api.sde.Sde;

/**
 * A time grid for a fixed number of steps: {@code steps + 1} strictly decreasing times from
 * {@link Sde#tEnd()} to {@link Sde#t0()} (both included). Stateless and thread-safe.
 */
public interface TimeSchedule {
    double[] times(int steps, Sde sde);

    /** Checks that {@code times} is a valid grid for {@code sde}; returns it. */
    static double[] validate(double[] times, int steps, Sde sde) {
        if (times.length != steps + 1) {
            throw new IllegalStateException("time grid has " + times.length + " points, expected " + (steps + 1));
        }
        for (int i = 0; i < times.length; i++) {
            if (!Double.isFinite(times[i]) || (i > 0 && !(times[i] < times[i - 1]))) {
                throw new IllegalStateException("time grid must be finite and strictly decreasing");
            }
        }
        if (times[0] > sde.tEnd() + 1e-12 || times[steps] < sde.t0() - 1e-12) {
            throw new IllegalStateException("time grid leaves [t0, tEnd]");
        }
        return times;
    }
}
