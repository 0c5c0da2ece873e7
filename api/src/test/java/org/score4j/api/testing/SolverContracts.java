package org.score4j.api.testing;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.Locale;
import org.score4j.api.model.Conditioning;
import org.score4j.api.model.ScoreFunction;
import org.score4j.api.noise.NoiseSource;
import org.score4j.api.noise.PerSampleNoise;
import org.score4j.api.sde.Sde;
import org.score4j.api.solver.Corrector;
import org.score4j.api.solver.Predictor;
import org.score4j.api.solver.SamplingContext;
import org.score4j.api.solver.Solver;
import org.score4j.api.solver.SolverState;
import org.score4j.api.solver.Step;

/**
 * Contract tests every {@link Solver} plugin runs, on Gaussian data ({@link GaussianData}) whose score and
 * probability-flow ODE solution are known in closed form.
 *
 * <ul>
 *   <li>{@link #assertConvergenceOrder}: a deterministic solver integrating the probability-flow ODE on
 *       uniform grids of N = 32, 64, 128, 256 steps (or given sizes) from the same prior sample reaches the exact
 *       flow with an observed order log2(e_N/e_2N) ≥ p − 0.3 for every pair of grids;</li>
 *   <li>{@link #assertAdaptiveAccuracy}: an adaptive solver reaches the exact flow within a multiple of its
 *       tolerances and lands exactly on t0;</li>
 *   <li>{@link #assertBatchIndependent}: the first rows of a 10-row run equal, bit for bit, a 3-row run with
 *       the same seed.</li>
 * </ul>
 * Runs go through {@link #run}, which scopes memory the way the runner's run loop does, so a solver that
 * keeps an array it does not list in {@link SolverState#arrays()} fails here. All arrays are float64 except
 * in the batch-independence check. Static methods only; each call uses its own {@link NDManager}.
 */
public final class SolverContracts {
    /** The data of the contracts: N(0.5·1, 0.4²·I) in 4 dimensions. */
    public static final GaussianData DATA = new GaussianData(0.5, 0.4, 4);
    /** Samples per contract run. */
    public static final int ROWS = 16;
    /** The seed of the prior samples. */
    public static final long SEED = 20240601L;
    private static final int[] DEFAULT_STEPS = {32, 64, 128, 256};
    /**
     * Bound of {@link #assertAdaptiveAccuracy} on |x − exact|/(atol + rtol·|exact|) per element: the global error
     * of a locally controlled method may exceed the local tolerance by the accumulated (but damped) local
     * errors of its steps.
     */
    public static final double ADAPTIVE_FACTOR = 10;

    private SolverContracts() {}

    /** The predictor of a context for solvers that do not use one: returns x. */
    public static Predictor nonePredictor() {
        return (x, t, tNext, sde, score, cond, noise) -> Step.of(x);
    }

    /** The corrector of a context for solvers that do not use one: returns x. */
    public static Corrector noneCorrector() {
        return (x, t, sde, score, cond, noise) -> Step.of(x);
    }

    /** N + 1 uniformly spaced times from sde.tEnd() to sde.t0(), both exact. */
    public static double[] uniformGrid(Sde sde, int steps) {
        double[] t = new double[steps + 1];
        double a = sde.tEnd();
        double b = sde.t0();
        for (int i = 0; i <= steps; i++) {
            t[i] = a + (b - a) * i / steps;
        }
        t[0] = a;
        t[steps] = b;
        return t;
    }

    /** A context for a deterministic solver: no predictor or corrector, noise that must not be needed. */
    public static SamplingContext odeContext(Sde sde, ScoreFunction score, double[] times, int rows) {
        return new SamplingContext(sde, score, Conditioning.NONE, PerSampleNoise.create(0, 0, rows), times,
                nonePredictor(), noneCorrector());
    }

    /**
     * A finished run.
     *
     * @param state the final state
     * @param result {@code state.result()}, owned by the manager of the run's start array
     * @param steps the steps taken
     */
    public record Run(SolverState state, NDArray result, int steps) {}

    /**
     * Runs {@code solver} from {@code x} to the end of {@code ctx}'s grid the way the runner does: before each
     * step the state's arrays move into a sub-manager of x's manager, after it the new state's arrays move back
     * and the sub-manager is closed (so {@code x} itself is closed unless the solver keeps it). Checks that the
     * time never increases, that a fixed-step solver takes exactly {@link Solver#plannedSteps} steps and
     * that the run ends at the last grid time.
     */
    public static Run run(Solver solver, SamplingContext ctx, NDArray x) {
        NDManager runManager = x.getManager();
        int planned = solver.plannedSteps(ctx);
        SolverState state = solver.start(x, ctx);
        int steps = 0;
        double last = state.t();
        check(last == ctx.time(0), "start state is at t=" + last + ", expected " + ctx.time(0));
        while (!state.done()) {
            try (NDManager sub = runManager.newSubManager()) {
                state.arrays().attach(sub);
                SolverState next = solver.step(state, ctx);
                next.arrays().attach(runManager);
                state = next;
            }
            steps++;
            check(state.step() == steps, "state reports step " + state.step() + " after " + steps + " steps");
            check(state.t() <= last, "time increased from " + last + " to " + state.t());
            last = state.t();
            check(planned < 0 || steps <= planned, "more steps than the planned " + planned);
            check(steps <= 10_000_000, "no end after 10^7 steps");
        }
        check(planned < 0 || steps == planned, steps + " steps taken, " + planned + " planned");
        double end = ctx.time(ctx.steps());
        check(state.t() == end, "run ended at t=" + state.t() + ", expected exactly " + end);
        return new Run(state, state.result(), steps);
    }

    /**
     * Asserts the convergence order of a deterministic probability-flow ODE solver on grids of 32, 64, 128 and
     * 256 steps. Coarser grids are still pre-asymptotic for Euler on a VE SDE with σ_max = 50 (observed order
     * 0.17 from 8 to 16 steps, 0.63 from 16 to 32), whose velocity at tEnd is about 8.5·x.
     *
     * @return the observed orders log2(e_N/e_2N)
     */
    public static double[] assertConvergenceOrder(Solver solver, Sde sde, double order) {
        return assertConvergenceOrder(solver, sde, order, DEFAULT_STEPS);
    }

    /**
     * Asserts that the solver's maximum error against the exact flow at t0, over uniform grids of the given
     * (increasing, doubling) sizes, falls with an observed order log2(e_N/e_2N) ≥ order − 0.3 for every pair.
     *
     * @return the observed orders
     */
    public static double[] assertConvergenceOrder(Solver solver, Sde sde, double order, int... steps) {
        double[] errors = new double[steps.length];
        try (NDManager nd = NDManager.newBaseManager()) {
            NDArray x = prior(sde, nd);
            NDArray exact = DATA.flow(sde, x, sde.tEnd(), sde.t0());
            for (int k = 0; k < steps.length; k++) {
                SamplingContext ctx = odeContext(sde, DATA.score(sde), uniformGrid(sde, steps[k]), ROWS);
                Run r = run(solver, ctx, x.duplicate());
                errors[k] = maxAbsDiff(r.result(), exact);
            }
        }
        double[] orders = new double[steps.length - 1];
        for (int k = 0; k < orders.length; k++) {
            orders[k] = Math.log(errors[k] / errors[k + 1]) / Math.log((double) steps[k + 1] / steps[k]);
        }
        String report = String.format(Locale.ROOT, "%s on %s: steps %s, errors %s, observed orders %s", solver,
                sde, Arrays.toString(steps), Arrays.toString(errors), Arrays.toString(orders));
        check(errors[errors.length - 1] > 1e-11, "errors reach round-off, use coarser grids: " + report);
        for (double o : orders) {
            check(o >= order - 0.3, "observed order below " + order + " - 0.3: " + report);
        }
        return orders;
    }

    /**
     * Asserts that an adaptive solver, created with tolerances {@code rtol} and {@code atol}, reaches the exact
     * flow at t0 with |x − exact| ≤ {@link #ADAPTIVE_FACTOR}·(atol + rtol·|exact|) for every element, that it
     * reports −1 planned steps and that it ends exactly at t0.
     *
     * @return the largest error in units of the tolerance
     */
    public static double assertAdaptiveAccuracy(Solver solver, Sde sde, double rtol, double atol) {
        try (NDManager nd = NDManager.newBaseManager()) {
            NDArray x = prior(sde, nd);
            NDArray exact = DATA.flow(sde, x, sde.tEnd(), sde.t0());
            SamplingContext ctx = odeContext(sde, DATA.score(sde), uniformGrid(sde, 1), ROWS);
            check(solver.plannedSteps(ctx) == -1, "an adaptive solver plans -1 steps");
            Run r = run(solver, ctx, x.duplicate());
            double[] got = r.result().toDoubleArray();
            double[] want = exact.toDoubleArray();
            double worst = 0;
            for (int i = 0; i < got.length; i++) {
                worst = Math.max(worst, Math.abs(got[i] - want[i]) / (atol + rtol * Math.abs(want[i])));
            }
            check(worst <= ADAPTIVE_FACTOR, String.format(Locale.ROOT,
                    "%s on %s: error %.3g tolerances after %d steps, allowed %.3g", solver, sde, worst, r.steps(),
                    ADAPTIVE_FACTOR));
            return worst;
        }
    }

    /**
     * Asserts that the first 3 rows of a 10-row run are bit-identical to a 3-row run with the same seed (noise
     * from {@code PerSampleNoise.create(seed, 0, n)}, prior drawn from it first), float32, {@link #DATA}'s
     * score, a uniform grid of {@code steps} steps.
     */
    public static void assertBatchIndependent(Solver solver, Sde sde, int steps, Predictor predictor,
            Corrector corrector) {
        float[] big = batchRun(solver, sde, steps, predictor, corrector, 10);
        float[] small = batchRun(solver, sde, steps, predictor, corrector, 3);
        float[] head = Arrays.copyOf(big, small.length);
        check(Arrays.equals(head, small), solver + " on " + sde + ": the first 3 rows of a 10-row run differ from"
                + " a 3-row run: " + Arrays.toString(head) + " vs " + Arrays.toString(small));
    }

    private static float[] batchRun(Solver solver, Sde sde, int steps, Predictor predictor, Corrector corrector,
            int rows) {
        try (NDManager nd = NDManager.newBaseManager()) {
            NoiseSource noise = PerSampleNoise.create(SEED, 0, rows);
            NDArray x = sde.priorSample(new Shape(DATA.d()), noise, nd);
            SamplingContext ctx = new SamplingContext(sde, DATA.score(sde), Conditioning.NONE, noise,
                    uniformGrid(sde, steps), predictor, corrector);
            return run(solver, ctx, x).result().toFloatArray();
        }
    }

    private static NDArray prior(Sde sde, NDManager nd) {
        NDArray z = sde.priorSample(new Shape(DATA.d()), PerSampleNoise.create(SEED, 0, ROWS), nd);
        return z.toType(DataType.FLOAT64, false);
    }

    private static double maxAbsDiff(NDArray a, NDArray b) {
        double[] x = a.toType(DataType.FLOAT64, false).toDoubleArray();
        double[] y = b.toDoubleArray();
        double m = 0;
        for (int i = 0; i < x.length; i++) {
            double e = Math.abs(x[i] - y[i]);
            m = Double.isNaN(e) ? Double.POSITIVE_INFINITY : Math.max(m, e);
        }
        return m;
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new AssertionError(message);
        }
    }
}
