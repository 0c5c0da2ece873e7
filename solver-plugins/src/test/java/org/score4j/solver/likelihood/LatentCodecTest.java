package org.score4j.solver.likelihood;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.score4j.api.model.Conditioning;
import org.score4j.api.model.ScoreFunction;
import org.score4j.api.noise.PerSampleNoise;
import org.score4j.api.sde.Sde;
import org.score4j.api.testing.GaussianData;
import org.score4j.model.gmm.GaussianMixture;
import org.score4j.model.gmm.GmmScoreModel;
import org.score4j.sde.SubVpSde;
import org.score4j.sde.VeSde;
import org.score4j.sde.VpSde;

/** Encoding and decoding along the probability-flow ODE. */
class LatentCodecTest {
    private static final Sde[] SDES = {VpSde.defaults(), VeSde.defaults(), SubVpSde.defaults()};

    @Test
    void encodingGaussianDataFollowsTheExactFlow() {
        GaussianData data = new GaussianData(0.3, 0.5, 4);
        double[][] x = ClosedForms.draw(data, 16, 5);
        for (Sde sde : SDES) {
            try (NDManager nd = NDManager.newBaseManager()) {
                double[] z = new LatentCodec(sde, data.score(sde)).encode(ClosedForms.array(nd, x), Conditioning.NONE)
                        .values().toDoubleArray();
                for (int i = 0; i < x.length; i++) {
                    double[] want = ClosedForms.flow(data, sde, x[i], sde.t0(), sde.tEnd());
                    for (int j = 0; j < want.length; j++) {
                        assertThat(Math.abs(z[i * 4 + j] - want[j])).as("%s", sde)
                                .isLessThan(1e-3 * (1 + Math.abs(want[j])));
                    }
                }
            }
        }
    }

    @Test
    void decodingAnEncodingReturnsTheDataAtDefaultTolerances() {
        GaussianMixture mix = GaussianMixture.defaultMixture();
        double[][] x = mix.sample(64, 17).x();
        for (Sde sde : SDES) {
            ScoreFunction score = new GmmScoreModel(mix).scoreFunction(sde);
            try (NDManager nd = NDManager.newBaseManager()) {
                NDArray xa = ClosedForms.array(nd, x);
                LatentCodec codec = new LatentCodec(sde, score);
                LatentCodec.Coded z = codec.encode(xa, Conditioning.NONE);
                LatentCodec.Coded back = codec.decode(z.values(), Conditioning.NONE);
                double[] got = back.values().toDoubleArray();
                double[] want = xa.toDoubleArray();
                double worst = 0;
                for (int i = 0; i < got.length; i++) {
                    worst = Math.max(worst, Math.abs(got[i] - want[i]));
                }
                System.out.printf(Locale.ROOT, "%s gmm round trip: max |decode(encode(x)) - x| = %.2e "
                        + "(%d + %d attempts)%n", sde, worst, z.attempts(), back.attempts());
                assertThat(worst).as("%s", sde).isLessThan(1e-3);
                // the likelihood's latent is the same code (to the tolerances; VE latents are of size sigma_max)
                double[] lik = new ProbabilityFlowLikelihood(sde, score, new ExactTrace())
                        .evaluate(xa, Conditioning.NONE, PerSampleNoise.create(0, 0, x.length)).latent();
                double[] code = z.values().toDoubleArray();
                for (int i = 0; i < code.length; i++) {
                    assertThat(Math.abs(lik[i] - code[i])).isLessThan(1e-3 * (sde.priorStd() + Math.abs(code[i])));
                }
            }
        }
    }
}
