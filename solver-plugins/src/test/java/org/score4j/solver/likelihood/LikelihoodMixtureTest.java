package org.score4j.solver.likelihood;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.score4j.api.model.Conditioning;
import org.score4j.api.noise.PerSampleNoise;
import org.score4j.api.sde.Sde;
import org.score4j.model.gmm.GaussianMixture;
import org.score4j.model.gmm.GmmScoreModel;
import org.score4j.sde.SubVpSde;
import org.score4j.sde.VeSde;
import org.score4j.sde.VpSde;

/**
 * Likelihoods of the built-in 2-D Gaussian mixture (gmm model, autograd through its NDArray score) against its
 * true density. The mixture is not Gaussian at T either, so the prior mismatch log p_T(x_T) − log p_prior(x_T)
 * is computed from the perturbed mixture at the computed latent.
 */
class LikelihoodMixtureTest {
    private static final GaussianMixture MIX = GaussianMixture.defaultMixture();

    static double[][] points(int n, long seed) {
        return MIX.sample(n, seed).x();
    }

    static ProbabilityFlowLikelihood.Result run(Sde sde, Trace trace, double[][] x, long seed) {
        try (NDManager nd = NDManager.newBaseManager()) {
            NDArray xa = ClosedForms.array(nd, x);
            return new ProbabilityFlowLikelihood(sde, new GmmScoreModel(MIX).scoreFunction(sde), trace)
                    .evaluate(xa, Conditioning.NONE, PerSampleNoise.create(seed, 0, x.length));
        }
    }

    @Test
    void exactTraceMatchesTheTrueMixtureDensity() {
        double[][] x = points(48, 7);
        for (Sde sde : new Sde[] {VpSde.defaults(), VeSde.defaults(), SubVpSde.defaults()}) {
            ProbabilityFlowLikelihood.Result r = run(sde, new ExactTrace(), x, 0);
            GaussianMixture atEps = MIX.perturbed(sde.marginal(sde.t0()));
            GaussianMixture atEnd = MIX.perturbed(sde.marginal(sde.tEnd()));
            double worstEps = 0;
            double worstData = 0;
            double worstMismatch = 0;
            for (int i = 0; i < x.length; i++) {
                double[] xT = r.latent(i);
                double mismatch = atEnd.logDensity(xT) - r.priorLogProb()[i];
                double model = r.nll()[i] - mismatch;
                worstEps = Math.max(worstEps, Math.abs(model + atEps.logDensity(x[i])));
                worstData = Math.max(worstData, Math.abs(model + MIX.logDensity(x[i])));
                worstMismatch = Math.max(worstMismatch, Math.abs(mismatch));
            }
            System.out.printf(Locale.ROOT, "%s gmm exact: max |NLL - mismatch + log p_eps| = %.2e, "
                    + "|... + log p_0| = %.2e, |prior mismatch| up to %.2e, %d attempts%n", sde, worstEps, worstData,
                    worstMismatch, r.attempts());
            assertThat(worstEps).as("%s against p_eps", sde).isLessThan(2e-3);
            assertThat(worstData).as("%s against p_0", sde).isLessThan(1e-2);
        }
    }
}
