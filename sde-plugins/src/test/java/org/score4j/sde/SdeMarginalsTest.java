package org.score4j.sde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.score4j.api.sde.Marginal;
import org.score4j.api.sde.Sde;

class SdeMarginalsTest {
    private static final double TOL = 1e-8;

    @Test
    void veClosedForms() {
        VeSde ve = VeSde.defaults();
        assertThat(ve.marginal(0.5).std()).isCloseTo(0.70710678, within(TOL));
        assertThat(ve.marginal(0.5).mean()).isEqualTo(1);
        assertThat(ve.diffusion(0.5)).isCloseTo(2.91842307, within(TOL));
        assertThat(ve.driftCoefficient(0.5)).isZero();
        assertThat(ve.marginal(0).std()).isCloseTo(0.01, within(1e-15));
        assertThat(ve.priorStd()).isEqualTo(50);
        assertThat(ve.t0()).isEqualTo(1e-3);
        assertThat(ve.tEnd()).isEqualTo(1);
    }

    @Test
    void vePriorMatchesTheMarginalAtTEnd() {
        VeSde ve = new VeSde(0.01, 50, 0.8, 1e-3);
        assertThat(ve.priorStd()).isCloseTo(ve.sigma(0.8), within(1e-12));
    }

    @Test
    void vpClosedForms() {
        VpSde vp = VpSde.defaults();
        Marginal m = vp.marginal(0.5);
        assertThat(m.mean()).isCloseTo(0.2811828808, within(TOL));
        assertThat(m.std()).isCloseTo(0.9596542021, within(TOL));
        double beta = 0.1 + 0.5 * 19.9;
        assertThat(vp.driftCoefficient(0.5)).isCloseTo(-0.5 * beta, within(1e-15));
        assertThat(vp.diffusion(0.5)).isCloseTo(Math.sqrt(beta), within(1e-15));
        assertThat(vp.priorStd()).isEqualTo(1);
    }

    @Test
    void subVpClosedForms() {
        SubVpSde sub = SubVpSde.defaults();
        Marginal m = sub.marginal(0.5);
        assertThat(m.mean()).isCloseTo(0.2811828808, within(TOL));
        assertThat(m.std()).isCloseTo(0.9209361875, within(TOL));
        double beta = 0.1 + 0.5 * 19.9;
        assertThat(sub.driftCoefficient(0.5)).isCloseTo(-0.5 * beta, within(1e-15));
        double expected = Math.sqrt(beta * (1 - Math.exp(-2 * 0.1 * 0.5 - 19.9 * 0.25)));
        assertThat(sub.diffusion(0.5)).isCloseTo(expected, within(1e-14));
        assertThat(sub.priorStd()).isEqualTo(1);
    }

    /** σ(t)² = 1 − exp(−2L) with L = −log m(t); near t = 0, 1 − m² by subtraction would lose ~7 digits. */
    @Test
    void vpAndSubVpStdsKeepPrecisionNearZero() {
        double t = 1e-9;
        double l = t * (0.25 * t * 19.9 + 0.5 * 0.1);
        double oneMinusM2 = 2 * l - 2 * l * l; // series of 1 − e^(−2L); the next term is O(L³)
        assertThat(VpSde.defaults().marginal(t).variance()).isCloseTo(oneMinusM2, within(1e-13 * oneMinusM2));
        assertThat(SubVpSde.defaults().marginal(t).std()).isCloseTo(oneMinusM2, within(1e-13 * oneMinusM2));
        assertThat(VpSde.defaults().marginal(0).std()).isZero();
    }

    /**
     * The marginals solve the moment ODEs dm/dt = f(t)·m and d(σ²)/dt = 2f(t)·σ² + g(t)², integrated here with
     * RK4 from m(0) = 1 and σ²(0) = σ(0)² (σmin² for VE, 0 for VP and sub-VP).
     */
    @Test
    void marginalsSolveTheMomentOdes() {
        List<Sde> sdes = List.of(VeSde.defaults(), VpSde.defaults(), SubVpSde.defaults(),
                new VeSde(0.1, 3, 2, 0.01), new VpSde(0, 5, 2, 0.01), new SubVpSde(1, 7, 1.5, 0.01));
        for (Sde sde : sdes) {
            double[] y = {1, sde.marginal(0).variance()};
            int n = 20_000;
            double h = sde.tEnd() / n;
            for (int i = 1; i <= n; i++) {
                y = rk4Step(sde, (i - 1) * h, y, h);
                if (i % 4000 == 0) {
                    double t = i * h;
                    Marginal m = sde.marginal(t);
                    assertThat(y[0]).as("%s m(%s)", sde, t).isCloseTo(m.mean(), within(1e-10 * m.mean()));
                    assertThat(y[1]).as("%s σ²(%s)", sde, t).isCloseTo(m.variance(), within(1e-10 * m.variance()));
                }
            }
        }
    }

    private static double[] rk4Step(Sde sde, double t, double[] y, double h) {
        double[] k1 = moments(sde, t, y);
        double[] k2 = moments(sde, t + h / 2, axpy(y, h / 2, k1));
        double[] k3 = moments(sde, t + h / 2, axpy(y, h / 2, k2));
        double[] k4 = moments(sde, t + h, axpy(y, h, k3));
        double[] out = new double[2];
        for (int j = 0; j < 2; j++) {
            out[j] = y[j] + h / 6 * (k1[j] + 2 * k2[j] + 2 * k3[j] + k4[j]);
        }
        return out;
    }

    private static double[] moments(Sde sde, double t, double[] y) {
        double f = sde.driftCoefficient(t);
        double g = sde.diffusion(t);
        return new double[] {f * y[0], 2 * f * y[1] + g * g};
    }

    private static double[] axpy(double[] y, double a, double[] k) {
        return new double[] {y[0] + a * k[0], y[1] + a * k[1]};
    }
}
