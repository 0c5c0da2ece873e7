package org.score4j.solver;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/** The per-row integrator in both directions on dz/dt = a_i·z, whose solution is z·exp(a_i·(t − s)). */
class DormandPrinceIntegratorTest {
    private static double[] integrate(double[] z0, double[] a, double from, double to, double tol, int[] attempts) {
        DormandPrinceIntegrator rk = new DormandPrinceIntegrator(tol, tol, "test");
        try (NDManager nd = NDManager.newBaseManager()) {
            int n = a.length;
            NDArray z = nd.create(z0, new Shape(n, z0.length / n));
            NDArray rate = nd.create(a, new Shape(n, 1));
            DormandPrinceIntegrator.Field f = (x, t) -> x.mul(rate);
            double[] t = new double[n];
            java.util.Arrays.fill(t, from);
            double[] h = new double[n];
            NDArray k = null;
            boolean done = false;
            while (!done) {
                DormandPrinceIntegrator.Attempt at = rk.attempt(z, k, t, h, from, to, f);
                z = at.z();
                k = at.derivative();
                t = at.rowTimes();
                h = at.rowSteps();
                done = at.done();
                attempts[0]++;
                for (double ti : t) {
                    assertThat(ti).isBetween(Math.min(from, to), Math.max(from, to));
                }
            }
            assertThat(t).containsOnly(to);
            assertThat(h).containsOnly(0.0);
            return z.toDoubleArray();
        }
    }

    @Test
    void forwardAndBackwardReachTheExactSolution() {
        double[] a = {-3, 0.5, 4};
        double[] z0 = {1, -2, 0.5, 3, -1, 0.25};
        for (double[] span : new double[][] {{0.2, 1.3}, {1.3, 0.2}}) {
            int[] attempts = {0};
            double[] z = integrate(z0, a, span[0], span[1], 1e-8, attempts);
            for (int i = 0; i < a.length; i++) {
                for (int j = 0; j < 2; j++) {
                    double want = z0[i * 2 + j] * Math.exp(a[i] * (span[1] - span[0]));
                    assertThat(Math.abs(z[i * 2 + j] - want)).isLessThan(1e-6 * (1 + Math.abs(want)));
                }
            }
            assertThat(attempts[0]).isBetween(5, 500);
        }
    }
}
