package org.score4j.solver.likelihood;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.score4j.api.sde.Sde;
import org.score4j.api.testing.GaussianData;
import org.score4j.sde.VpSde;

/** The Hutchinson–Skilling trace against the exact one. */
class HutchinsonTraceTest {
    private static final GaussianData DATA = new GaussianData(0.3, 0.5, 4);

    /** Differences h_i − e_i per sample. */
    private static double[] differences(ProbabilityFlowLikelihood.Result h, ProbabilityFlowLikelihood.Result e) {
        double[] d = new double[h.n()];
        for (int i = 0; i < d.length; i++) {
            d[i] = h.nll()[i] - e.nll()[i];
        }
        return d;
    }

    @Test
    void rademacherProbesAreExactForAnIsotropicJacobian() {
        // Gaussian data: ds/dx = -I/v(t), and e^T(cI)e = c*D for every +-1 probe
        Sde sde = VpSde.defaults();
        double[][] x = ClosedForms.draw(DATA, 16, 3);
        double[] d = differences(
                runGaussian(sde, new HutchinsonTrace(1, HutchinsonTrace.Probe.RADEMACHER), x),
                runGaussian(sde, new ExactTrace(), x));
        for (double v : d) {
            assertThat(Math.abs(v)).isLessThan(1e-9);
        }
    }

    @Test
    void gaussianProbesAreUnbiasedOnGaussianData() {
        Sde sde = VpSde.defaults();
        double[][] x = ClosedForms.draw(DATA, 200, 4);
        ProbabilityFlowLikelihood.Result e = runGaussian(sde, new ExactTrace(), x);
        ProbabilityFlowLikelihood.Result h = runGaussian(sde, new HutchinsonTrace(16, HutchinsonTrace.Probe.GAUSSIAN), x);
        double[] d = differences(h, e);
        double mean = ClosedForms.mean(d);
        double se = ClosedForms.standardError(d);
        System.out.printf(Locale.ROOT, "16 gaussian probes, 4-D Gaussian data: mean NLL exact %.4f, hutchinson %.4f,"
                + " difference %.4f +- %.4f (standard error)%n", ClosedForms.mean(e.nll()), ClosedForms.mean(h.nll()),
                mean, se);
        assertThat(se).isGreaterThan(0.01);
        assertThat(Math.abs(mean)).isLessThan(3 * se);
    }

    @Test
    void rademacherProbesAreUnbiasedOnAMixtureAndMoreProbesReduceTheVariance() {
        Sde sde = VpSde.defaults();
        double[][] x = LikelihoodMixtureTest.points(200, 11);
        ProbabilityFlowLikelihood.Result e = LikelihoodMixtureTest.run(sde, new ExactTrace(), x, 0);
        double[] se = new double[2];
        int[] probes = {1, 8};
        for (int k = 0; k < probes.length; k++) {
            ProbabilityFlowLikelihood.Result h = LikelihoodMixtureTest.run(sde,
                    new HutchinsonTrace(probes[k], HutchinsonTrace.Probe.RADEMACHER), x, 5);
            double[] d = differences(h, e);
            double mean = ClosedForms.mean(d);
            se[k] = ClosedForms.standardError(d);
            System.out.printf(Locale.ROOT, "rademacher x%d, 2-D mixture: mean NLL exact %.4f, hutchinson %.4f,"
                    + " difference %.4f +- %.4f (standard error)%n", probes[k], ClosedForms.mean(e.nll()),
                    ClosedForms.mean(h.nll()), mean, se[k]);
            assertThat(se[k]).isGreaterThan(0);
            assertThat(Math.abs(mean)).isLessThan(3 * se[k]);
        }
        // the estimator's standard deviation falls as 1/sqrt(K): sqrt(8) = 2.8
        assertThat(se[1]).isLessThan(0.6 * se[0]);
    }

    private static ProbabilityFlowLikelihood.Result runGaussian(Sde sde, Trace trace, double[][] x) {
        try (ai.djl.ndarray.NDManager nd = ai.djl.ndarray.NDManager.newBaseManager()) {
            return new ProbabilityFlowLikelihood(sde, DATA.score(sde), trace).evaluate(ClosedForms.array(nd, x),
                    org.score4j.api.model.Conditioning.NONE,
                    org.score4j.api.noise.PerSampleNoise.create(9, 0, x.length));
        }
    }
}
