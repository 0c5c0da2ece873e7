package org.score4j.solver;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.score4j.api.noise.PerSampleNoise;
import org.score4j.api.sde.Sde;
import org.score4j.api.solver.SamplingContext;
import org.score4j.api.solver.Solver;
import org.score4j.api.solver.TimeSchedule;
import org.score4j.api.testing.SolverContracts;

/**
 * The convergence measurement of {@link SolverContracts#assertConvergenceOrder} on the grids of a given time
 * schedule instead of uniform ones: the same data, prior sample and error (largest deviation from the exact
 * flow at t0).
 */
final class GridOrder {
    private GridOrder() {}

    /** The errors of {@code solver} against the exact flow on {@code schedule}'s grids of the given sizes. */
    static double[] errors(Solver solver, Sde sde, TimeSchedule schedule, int... steps) {
        double[] errors = new double[steps.length];
        try (NDManager nd = NDManager.newBaseManager()) {
            NDArray x = sde.priorSample(new Shape(SolverContracts.DATA.d()),
                    PerSampleNoise.create(SolverContracts.SEED, 0, SolverContracts.ROWS), nd)
                    .toType(DataType.FLOAT64, false);
            NDArray exact = SolverContracts.DATA.flow(sde, x, sde.tEnd(), sde.t0());
            for (int k = 0; k < steps.length; k++) {
                SamplingContext ctx = SolverContracts.odeContext(sde, SolverContracts.DATA.score(sde),
                        schedule.times(steps[k], sde), SolverContracts.ROWS);
                NDArray got = SolverContracts.run(solver, ctx, x.duplicate()).result();
                try (NDArray d = got.sub(exact); NDArray a = d.abs(); NDArray m = a.max()) {
                    errors[k] = m.getDouble();
                }
            }
        }
        return errors;
    }

    /** log2(e_N/e_2N) for consecutive (doubling) grid sizes. */
    static double[] orders(double[] errors) {
        double[] o = new double[errors.length - 1];
        for (int k = 0; k < o.length; k++) {
            o[k] = Math.log(errors[k] / errors[k + 1]) / Math.log(2);
        }
        return o;
    }

    /** Asserts that every observed order lies in [min, max]; the message lists the errors and orders. */
    static void assertOrders(Object what, double[] errors, double min, double max) {
        double[] o = orders(errors);
        for (double v : o) {
            if (!(v >= min && v <= max)) {
                throw new AssertionError(what + ": observed orders " + java.util.Arrays.toString(o) + " outside ["
                        + min + ", " + max + "], errors " + java.util.Arrays.toString(errors));
            }
        }
    }
}
