package org.score4j.solver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.score4j.api.NumericalException;
import org.score4j.api.model.ScoreFunction;
import org.score4j.api.noise.PerSampleNoise;
import org.score4j.api.sde.Sde;
import org.score4j.api.solver.SamplingContext;
import org.score4j.api.solver.Solver;
import org.score4j.api.solver.SolverState;
import org.score4j.api.testing.SolverContracts;

class OdeSolverTest {
    private static final Sde[] SDES = {TestSdes.vp(), TestSdes.ve()};

    @Test
    void eulerIsFirstOrder() {
        for (Sde sde : SDES) {
            SolverContracts.assertConvergenceOrder(new EulerOdeSolver(), sde, 1);
        }
    }

    @Test
    void heunIsSecondOrder() {
        for (Sde sde : SDES) {
            SolverContracts.assertConvergenceOrder(new HeunOdeSolver(), sde, 2);
        }
    }

    @Test
    void rk4IsFourthOrder() {
        for (Sde sde : SDES) {
            SolverContracts.assertConvergenceOrder(new Rk4OdeSolver(), sde, 4);
        }
    }

    @Test
    void rk45ReachesTheExactFlowWithinItsTolerance() {
        for (Sde sde : SDES) {
            for (double tol : new double[] {1e-3, 1e-5, 1e-8}) {
                SolverContracts.assertAdaptiveAccuracy(new DormandPrinceSolver(tol, tol, 100_000), sde, tol, tol);
            }
            SolverContracts.assertAdaptiveAccuracy(new DormandPrinceSolver(1e-6, 1e-3, 100_000), sde, 1e-6, 1e-3);
        }
    }

    @Test
    void batchIndependence() {
        for (Sde sde : SDES) {
            SolverContracts.assertBatchIndependent(new DormandPrinceSolver(1e-5, 1e-5, 100_000), sde, 1,
                    SolverContracts.nonePredictor(), SolverContracts.noneCorrector());
            SolverContracts.assertBatchIndependent(new HeunOdeSolver(), sde, 20, SolverContracts.nonePredictor(),
                    SolverContracts.noneCorrector());
        }
    }

    /** Runs a solver on float64 Gaussian data; returns {score evaluations, steps}. */
    private static int[] count(Solver solver, Sde sde, int gridSteps, int rows) {
        try (NDManager nd = NDManager.newBaseManager()) {
            NDArray x = sde.priorSample(new Shape(3), PerSampleNoise.create(8, 0, rows), nd)
                    .toType(DataType.FLOAT64, false);
            CountingScore score = new CountingScore(SolverContracts.DATA.score(sde));
            SamplingContext ctx = SolverContracts.odeContext(sde, score, SolverContracts.uniformGrid(sde, gridSteps),
                    rows);
            SolverContracts.Run run = SolverContracts.run(solver, ctx, x);
            return new int[] {score.count(), run.steps()};
        }
    }

    @Test
    void scoreEvaluationsPerStep() {
        assertThat(count(new EulerOdeSolver(), TestSdes.vp(), 25, 4)).containsExactly(25, 25);
        assertThat(count(new HeunOdeSolver(), TestSdes.vp(), 25, 4)).containsExactly(50, 25);
        assertThat(count(new Rk4OdeSolver(), TestSdes.ve(), 25, 4)).containsExactly(100, 25);
        // rk45: the first step adds the initial velocity and the initial-step probe, then 6 stages per attempt (FSAL)
        int[] rk45 = count(new DormandPrinceSolver(1e-5, 1e-5, 100_000), TestSdes.vp(), 1, 4);
        assertThat(rk45[0]).isEqualTo(2 + 6 * rk45[1]);
        assertThat(rk45[1]).isBetween(5, 1000);
    }

    @Test
    void rk45StartsEachRowWithItsOwnStep() {
        Sde sde = TestSdes.ve();
        try (NDManager nd = NDManager.newBaseManager()) {
            // row 1 starts 1000x closer to the data mean than row 0
            NDArray x = nd.create(new double[] {40, -30, 25, 0.04, -0.03, 0.025}, new Shape(2, 3));
            SamplingContext ctx = SolverContracts.odeContext(sde, SolverContracts.DATA.score(sde),
                    SolverContracts.uniformGrid(sde, 1), 2);
            Solver solver = new DormandPrinceSolver(1e-6, 1e-6, 100_000);
            assertThat(solver.plannedSteps(ctx)).isEqualTo(-1);
            SolverState s = solver.step(solver.start(x, ctx), ctx);
            DormandPrinceSolver.State st = (DormandPrinceSolver.State) s;
            assertThat(st.rowTimes()[0]).isNotEqualTo(st.rowTimes()[1]);
            assertThat(st.rowSteps()[0]).isNotEqualTo(st.rowSteps()[1]);
            assertThat(s.t()).isEqualTo(Math.max(st.rowTimes()[0], st.rowTimes()[1]));
        }
    }

    @Test
    void rk45AcceptsAndRejectsRowByRow() {
        Sde sde = TestSdes.vp();
        int rows = 10;
        try (NDManager nd = NDManager.newBaseManager()) {
            NDArray x = sde.priorSample(new Shape(4), PerSampleNoise.create(3, 0, rows), nd);
            SamplingContext ctx = SolverContracts.odeContext(sde, SolverContracts.DATA.score(sde),
                    SolverContracts.uniformGrid(sde, 1), rows);
            Solver solver = new DormandPrinceSolver(1e-5, 1e-5, 1000);
            SolverState s = solver.start(x, ctx);
            double[] before = ((DormandPrinceSolver.State) s).rowTimes();
            int mixedSteps = 0;
            while (!s.done()) {
                s = solver.step(s, ctx);
                DormandPrinceSolver.State st = (DormandPrinceSolver.State) s;
                double[] after = st.rowTimes();
                int moved = 0;
                int stayed = 0;
                for (int i = 0; i < rows; i++) {
                    if (before[i] != sde.t0()) {
                        if (after[i] < before[i]) {
                            moved++;
                        } else {
                            assertThat(after[i]).isEqualTo(before[i]);
                            stayed++;
                        }
                    }
                    assertThat(after[i]).isGreaterThanOrEqualTo(sde.t0());
                    assertThat(st.rowSteps()[i] == 0).isEqualTo(after[i] == sde.t0());
                }
                mixedSteps += moved > 0 && stayed > 0 ? 1 : 0;
                assertThat(s.t()).isEqualTo(Arrays.stream(after).max().getAsDouble());
                before = after;
            }
            // rows accepted while others were rejected: the per-row selection path ran
            assertThat(mixedSteps).isPositive();
            assertThat(before).containsOnly(sde.t0());
        }
    }

    @Test
    void rk45FailsAfterMaxSteps() {
        assertThatThrownBy(() -> count(new DormandPrinceSolver(1e-10, 1e-10, 3), TestSdes.vp(), 1, 2))
                .isInstanceOf(NumericalException.class).hasMessageContaining("max_steps=3");
    }

    @Test
    void rk45FailsWhenTheScoreTurnsNonFiniteMidway() {
        Sde sde = TestSdes.vp();
        ScoreFunction exact = SolverContracts.DATA.score(sde);
        ScoreFunction bad = new ScoreFunction() {
            @Override
            public NDArray score(NDArray x, NDArray t, org.score4j.api.model.Conditioning c) {
                double[] ts = t.toType(DataType.FLOAT64, false).toDoubleArray();
                return Arrays.stream(ts).min().getAsDouble() < 0.5 ? x.mul(Double.NaN) : exact.score(x, t, c);
            }
        };
        try (NDManager nd = NDManager.newBaseManager()) {
            NDArray x = nd.ones(new Shape(2, 2)).toType(DataType.FLOAT64, false);
            SamplingContext ctx = SolverContracts.odeContext(sde, bad, SolverContracts.uniformGrid(sde, 1), 2);
            assertThatThrownBy(() -> SolverContracts.run(new DormandPrinceSolver(1e-5, 1e-5, 100_000), ctx, x))
                    .isInstanceOf(NumericalException.class).hasMessageContaining("step size underflow at t=0.5");
        }
    }

    @Test
    void nonFiniteScoreIsANumericalError() {
        Sde sde = TestSdes.vp();
        ScoreFunction bad = (x, t, c) -> x.mul(Double.NaN);
        for (Solver solver : new Solver[] {new DormandPrinceSolver(1e-5, 1e-5, 100_000), new Rk4OdeSolver()}) {
            try (NDManager nd = NDManager.newBaseManager()) {
                NDArray x = nd.ones(new Shape(2, 2));
                SamplingContext ctx = SolverContracts.odeContext(sde, bad, SolverContracts.uniformGrid(sde, 4), 2);
                assertThatThrownBy(() -> SolverContracts.run(solver, ctx, x))
                        .isInstanceOf(NumericalException.class).hasMessageContaining("solver ode");
            }
        }
    }
}
