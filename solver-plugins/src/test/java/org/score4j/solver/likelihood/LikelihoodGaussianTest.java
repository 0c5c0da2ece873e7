package org.score4j.solver.likelihood;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.score4j.api.model.Conditioning;
import org.score4j.api.noise.PerSampleNoise;
import org.score4j.api.sde.Sde;
import org.score4j.api.testing.GaussianData;
import org.score4j.sde.SubVpSde;
import org.score4j.sde.VeSde;
import org.score4j.sde.VpSde;

/** Exact likelihoods of Gaussian data N(0.3·1, 0.25·I) in 4-D, whose NLL under the exact flow is known. */
class LikelihoodGaussianTest {
    private static final GaussianData DATA = new GaussianData(0.3, 0.5, 4);
    private static final Sde[] SDES = {VpSde.defaults(), VeSde.defaults(), SubVpSde.defaults()};

    private static ProbabilityFlowLikelihood.Result run(Sde sde, Trace trace, double[][] x, long seed) {
        try (NDManager nd = NDManager.newBaseManager()) {
            NDArray xa = ClosedForms.array(nd, x);
            return new ProbabilityFlowLikelihood(sde, DATA.score(sde), trace)
                    .evaluate(xa, Conditioning.NONE, PerSampleNoise.create(seed, 0, x.length));
        }
    }

    @Test
    void exactTraceMatchesTheClosedFormPerSample() {
        double[][] x = ClosedForms.draw(DATA, 24, 1);
        for (Sde sde : SDES) {
            ProbabilityFlowLikelihood.Result r = run(sde, new ExactTrace(), x, 0);
            double worst = 0;
            double worstLatent = 0;
            double mismatch = 0;
            for (int i = 0; i < x.length; i++) {
                double want = ClosedForms.modelNll(DATA, sde, x[i]);
                worst = Math.max(worst, Math.abs(r.nll()[i] - want));
                double[] xT = ClosedForms.flow(DATA, sde, x[i], sde.t0(), sde.tEnd());
                double[] got = r.latent(i);
                for (int j = 0; j < xT.length; j++) {
                    worstLatent = Math.max(worstLatent, Math.abs(got[j] - xT[j]) / (1 + Math.abs(xT[j])));
                }
                mismatch = Math.max(mismatch, Math.abs(want - DATA.nll(x[i])));
            }
            System.out.printf(Locale.ROOT, "%s exact: max |NLL - closed form| = %.2e nats, latent rel. error %.2e,"
                    + " %d attempts, %d evaluations (|model - data NLL| up to %.2e)%n", sde, worst, worstLatent,
                    r.attempts(), r.evaluations(), mismatch);
            assertThat(worst).as("%s", sde).isLessThan(1e-3);
            assertThat(worstLatent).as("%s", sde).isLessThan(1e-3);
        }
    }
}
