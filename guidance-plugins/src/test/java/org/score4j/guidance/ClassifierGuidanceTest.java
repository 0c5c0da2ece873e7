package org.score4j.guidance;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.score4j.api.model.Conditioning;
import org.score4j.api.model.ScoreFunction;
import org.score4j.api.sde.Sde;
import org.score4j.model.gmm.GaussianMixture;
import org.score4j.model.gmm.GmmScoreModel;
import org.score4j.sde.VeSde;
import org.score4j.sde.VpSde;

class ClassifierGuidanceTest {
    private static final Sde[] SDES = {VpSde.defaults(), VeSde.defaults()};
    private static final double[] TIMES = {1e-3, 0.05, 0.3, 0.7, 1.0};
    private static final GaussianMixture[] MIXTURES = {GaussianMixture.defaultMixture(), Exact.mixture8d()};

    private static NDManager nd;

    @BeforeAll
    static void start() {
        nd = NDManager.newBaseManager();
    }

    @AfterAll
    static void stop() {
        nd.close();
    }

    /** The guided score over the model, shared-time and per-row, for every mixture, SDE, time and point. */
    private interface Check {
        void check(GaussianMixture g, Sde sde, double t, double[] x, double[] shared, double[] perRow);
    }

    private static void forEachCase(double scale, int label, Check check) {
        for (GaussianMixture g : MIXTURES) {
            GmmScoreModel model = new GmmScoreModel(g);
            for (Sde sde : SDES) {
                ScoreFunction guided = new ClassifierGuidance(scale, label).wrap(model.scoreFunction(sde), model, sde);
                for (double t : TIMES) {
                    double[][] pts = Exact.points(g, sde, t, 12, 17);
                    try (NDManager sub = nd.newSubManager()) {
                        NDArray x = Exact.array(sub, pts);
                        double[] tt = new double[pts.length];
                        Arrays.fill(tt, t);
                        double[][] shared = Exact.rows(guided.score(x, t, Conditioning.NONE));
                        double[][] perRow = Exact.rows(guided.score(x, sub.create(tt), Conditioning.NONE));
                        for (int i = 0; i < pts.length; i++) {
                            check.check(g, sde, t, pts[i], shared[i], perRow[i]);
                        }
                    }
                }
            }
        }
    }

    private static double scoreScale(GaussianMixture g, Sde sde, double t, int c, double[] x) {
        return Exact.norm(Exact.componentScore(g, sde, t, c, x)) + Exact.norm(Exact.mixtureScore(g, sde, t, x));
    }

    @Test
    void scaleOneIsTheConditionalScore() {
        forEachCase(1, 1, (g, sde, t, x, shared, perRow) -> {
            double[] sc = Exact.componentScore(g, sde, t, 1, x);
            double tol = 1e-6 * scoreScale(g, sde, t, 1, x);
            assertThat(Exact.dist(shared, sc)).as("shared at t=" + t).isLessThanOrEqualTo(tol);
            assertThat(Exact.dist(perRow, sc)).as("per-row at t=" + t).isLessThanOrEqualTo(tol);
        });
    }

    @Test
    void scaleZeroIsTheUnconditionalScore() {
        forEachCase(0, 2, (g, sde, t, x, shared, perRow) -> {
            double[] su = Exact.mixtureScore(g, sde, t, x);
            double tol = 1e-6 * scoreScale(g, sde, t, 2, x);
            assertThat(Exact.dist(shared, su)).isLessThanOrEqualTo(tol);
            assertThat(Exact.dist(perRow, su)).isLessThanOrEqualTo(tol);
        });
    }

    @Test
    void theAddedTermIsTheFiniteDifferenceGradientOfTheLogPosterior() {
        double gamma = 3;
        for (int c : new int[] {0, 2}) {
            forEachCase(gamma, c, (g, sde, t, x, shared, perRow) -> {
                double[] su = Exact.mixtureScore(g, sde, t, x);
                double[] fd = Exact.fdGradLogPosterior(g, sde, t, c, x);
                double tol = 1e-5 * Exact.norm(fd) + 1e-9 * Exact.norm(su);
                for (double[] out : new double[][] {shared, perRow}) {
                    double[] added = new double[x.length];
                    for (int j = 0; j < x.length; j++) {
                        added[j] = (out[j] - su[j]) / gamma;
                    }
                    assertThat(Exact.dist(added, fd)).as("class " + c + " at t=" + t + " under " + sde)
                            .isLessThanOrEqualTo(tol);
                }
            });
        }
    }

    @Test
    void scaleAboveOneRaisesThePosteriorFaster() {
        GaussianMixture g = Exact.pair();
        GmmScoreModel model = new GmmScoreModel(g);
        for (Sde sde : SDES) {
            double t = 0.2;
            double m = sde.marginal(t).mean();
            double[] x = {0.3 * m, -0.1};
            double[] grad = Exact.fdGradLogPosterior(g, sde, t, 0, x);
            double[] sc = Exact.componentScore(g, sde, t, 0, x);
            ScoreFunction guided = new ClassifierGuidance(4, 0).wrap(model.scoreFunction(sde), model, sde);
            try (NDManager sub = nd.newSubManager()) {
                double[] s = Exact.rows(guided.score(Exact.array(sub, new double[][] {x}), t, Conditioning.NONE))[0];
                assertThat(s[0]).as("leftward pull under " + sde).isLessThan(sc[0]).isNegative();
                assertThat(Exact.dot(s, grad)).isGreaterThan(Exact.dot(sc, grad));
            }
        }
    }

    @Test
    void addsToTheWrappedScoreWithTheCallersConditioningAndTakesTheGradientFromTheModel() {
        GaussianMixture g = Exact.mixture8d();
        GmmScoreModel model = new GmmScoreModel(g);
        Sde sde = VeSde.defaults();
        double t = 0.4;
        double gamma = 2;
        Recording inner = new Recording(model.scoreFunction(sde));
        ScoreFunction guided = new ClassifierGuidance(gamma, 0).wrap(inner, model, sde);
        double[][] pts = Exact.points(g, sde, t, 6, 5);
        try (NDManager sub = nd.newSubManager()) {
            NDArray x = Exact.array(sub, pts);
            double[] tt = new double[pts.length];
            Arrays.fill(tt, t);
            double[][] a = Exact.rows(guided.score(x, t, Conditioning.ofClass(1)));
            double[][] b = Exact.rows(guided.score(x, sub.create(tt), Conditioning.ofClass(1)));
            // the wrapped function is asked once, with the caller's conditioning, through the matching method
            assertThat(inner.calls).containsExactly("shared:class 1", "rows:class 1");
            for (int i = 0; i < pts.length; i++) {
                double[] s1 = Exact.componentScore(g, sde, t, 1, pts[i]);
                double[] fd = Exact.fdGradLogPosterior(g, sde, t, 0, pts[i]);
                double[] expected = new double[s1.length];
                for (int j = 0; j < s1.length; j++) {
                    expected[j] = s1[j] + gamma * fd[j];
                }
                double tol = 1e-5 * (Exact.norm(s1) + gamma * Exact.norm(fd));
                assertThat(Exact.dist(a[i], expected)).isLessThanOrEqualTo(tol);
                assertThat(Exact.dist(b[i], expected)).isLessThanOrEqualTo(tol);
            }
            inner.calls.clear();
            new ClassifierGuidance(0, 0).wrap(inner, model, sde).score(x, t, Conditioning.NONE);
            assertThat(inner.calls).containsExactly("shared:unconditional");
        }
    }
}
