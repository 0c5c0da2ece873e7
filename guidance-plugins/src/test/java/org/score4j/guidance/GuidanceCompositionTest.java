package org.score4j.guidance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.score4j.api.ConfigException;
import org.score4j.api.model.Conditioning;
import org.score4j.api.model.ScoreFunction;
import org.score4j.api.sde.Sde;
import org.score4j.model.gmm.GaussianMixture;
import org.score4j.model.gmm.GmmScoreModel;
import org.score4j.sde.VeSde;
import org.score4j.sde.VpSde;

class GuidanceCompositionTest {
    private static NDManager nd;

    @BeforeAll
    static void start() {
        nd = NDManager.newBaseManager();
    }

    @AfterAll
    static void stop() {
        nd.close();
    }

    @Test
    void cfgAndClassifierGuidanceAddUpInEitherOrder() {
        GaussianMixture g = Exact.mixture8d();
        GmmScoreModel model = new GmmScoreModel(g);
        double w = 2.5;
        double gamma = 1.5;
        ClassifierFreeGuidance cfg = new ClassifierFreeGuidance(w, 0, 0);
        ClassifierGuidance cls = new ClassifierGuidance(gamma, 2);
        for (Sde sde : new Sde[] {VpSde.defaults(), VeSde.defaults()}) {
            ScoreFunction base = model.scoreFunction(sde);
            ScoreFunction cfgThenCls = cls.wrap(cfg.wrap(base, model, sde), model, sde);
            ScoreFunction clsThenCfg = cfg.wrap(cls.wrap(base, model, sde), model, sde);
            for (double t : new double[] {0.05, 0.5}) {
                double[][] pts = Exact.points(g, sde, t, 8, 21);
                try (NDManager sub = nd.newSubManager()) {
                    NDArray x = Exact.array(sub, pts);
                    double[] tt = new double[pts.length];
                    Arrays.fill(tt, t);
                    double[][][] outs = {
                        Exact.rows(cfgThenCls.score(x, t, Conditioning.NONE)),
                        Exact.rows(clsThenCfg.score(x, t, Conditioning.NONE)),
                        Exact.rows(cfgThenCls.score(x, sub.create(tt), Conditioning.NONE)),
                        Exact.rows(clsThenCfg.score(x, sub.create(tt), Conditioning.NONE))};
                    for (int i = 0; i < pts.length; i++) {
                        double[] su = Exact.mixtureScore(g, sde, t, pts[i]);
                        double[] s0 = Exact.componentScore(g, sde, t, 0, pts[i]);
                        double[] s2 = Exact.componentScore(g, sde, t, 2, pts[i]);
                        double[] expected = new double[su.length];
                        for (int j = 0; j < su.length; j++) {
                            expected[j] = su[j] + w * (s0[j] - su[j]) + gamma * (s2[j] - su[j]);
                        }
                        double tol = 1e-6 * (Exact.norm(su) + Exact.norm(s0) + Exact.norm(s2));
                        for (double[][] out : outs) {
                            assertThat(Exact.dist(out[i], expected)).as("t=" + t + " under " + sde)
                                    .isLessThanOrEqualTo(tol);
                        }
                    }
                }
            }
        }
    }

    @Test
    void cfgRefusesToWrapAnotherCfgEvenThroughClassifierGuidance() {
        GmmScoreModel model = new GmmScoreModel(GaussianMixture.defaultMixture());
        Sde sde = VpSde.defaults();
        ClassifierFreeGuidance cfg = new ClassifierFreeGuidance(2, 0, 0);
        ScoreFunction once = cfg.wrap(model.scoreFunction(sde), model, sde);
        assertThatThrownBy(() -> new ClassifierFreeGuidance(3, 1, 0).wrap(once, model, sde))
                .isInstanceOf(ConfigException.class).hasMessageContaining("cannot wrap another cfg");
        ScoreFunction through = new ClassifierGuidance(1, 2).wrap(once, model, sde);
        assertThatThrownBy(() -> cfg.wrap(through, model, sde))
                .isInstanceOf(ConfigException.class).hasMessageContaining("cannot wrap another cfg");
        // classifier guidance over classifier guidance, and cfg over it, are fine
        ScoreFunction two = new ClassifierGuidance(1, 1).wrap(
                new ClassifierGuidance(1, 2).wrap(model.scoreFunction(sde), model, sde), model, sde);
        assertThat(cfg.wrap(two, model, sde)).isNotNull();
    }
}
