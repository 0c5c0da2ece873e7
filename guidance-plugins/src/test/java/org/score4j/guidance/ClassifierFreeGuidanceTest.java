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

class ClassifierFreeGuidanceTest {
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

    /** Runs the guided score on points of each mixture, SDE and time, shared-time and per-row paths. */
    private interface Check {
        void check(GaussianMixture g, Sde sde, double t, double[] x, double[] shared, double[] perRow, int row);
    }

    private static void forEachCase(double scale, int label, Check check) {
        for (GaussianMixture g : MIXTURES) {
            GmmScoreModel model = new GmmScoreModel(g);
            for (Sde sde : SDES) {
                ScoreFunction guided = new ClassifierFreeGuidance(scale, label, 0)
                        .wrap(model.scoreFunction(sde), model, sde);
                for (double t : TIMES) {
                    double[][] pts = Exact.points(g, sde, t, 12, 7);
                    try (NDManager sub = nd.newSubManager()) {
                        NDArray x = Exact.array(sub, pts);
                        double[] tt = new double[pts.length];
                        Arrays.fill(tt, t);
                        double[][] shared = Exact.rows(guided.score(x, t, Conditioning.NONE));
                        double[][] perRow = Exact.rows(guided.score(x, sub.create(tt), Conditioning.NONE));
                        for (int i = 0; i < pts.length; i++) {
                            check.check(g, sde, t, pts[i], shared[i], perRow[i], i);
                        }
                    }
                }
            }
        }
    }

    /** |a − b| ≤ 1e-6 · (|s_c| + |s_u|): relative to the scores that enter the combination. */
    private static void assertClose(double[] actual, double[] expected, GaussianMixture g, Sde sde, double t,
            int c, double[] x, String what) {
        double scale = Exact.norm(Exact.componentScore(g, sde, t, c, x)) + Exact.norm(Exact.mixtureScore(g, sde, t, x));
        assertThat(Exact.dist(actual, expected)).as(what + " at t=" + t + " under " + sde)
                .isLessThanOrEqualTo(1e-6 * scale);
    }

    @Test
    void scaleOneIsTheConditionalScore() {
        for (int c : new int[] {0, 2}) {
            forEachCase(1, c, (g, sde, t, x, shared, perRow, i) -> {
                double[] sc = Exact.componentScore(g, sde, t, c, x);
                assertClose(shared, sc, g, sde, t, c, x, "shared");
                assertClose(perRow, sc, g, sde, t, c, x, "per-row");
            });
        }
    }

    @Test
    void scaleZeroIsTheUnconditionalScore() {
        forEachCase(0, 1, (g, sde, t, x, shared, perRow, i) -> {
            double[] su = Exact.mixtureScore(g, sde, t, x);
            assertClose(shared, su, g, sde, t, 1, x, "shared");
            assertClose(perRow, su, g, sde, t, 1, x, "per-row");
        });
    }

    @Test
    void generalScaleIsTheClosedFormCombination() {
        for (double w : new double[] {0.5, 2.5, 7}) {
            forEachCase(w, 1, (g, sde, t, x, shared, perRow, i) -> {
                double[] expected = Exact.cfg(g, sde, t, 1, w, x);
                assertClose(shared, expected, g, sde, t, 1, x, "shared, w=" + w);
                assertClose(perRow, expected, g, sde, t, 1, x, "per-row, w=" + w);
            });
        }
    }

    @Test
    void theJavaMixtureScoreIsTheGradientOfTheLogDensity() {
        // guards the reference itself: its mixture score against finite differences of log p_t
        GaussianMixture g = Exact.mixture8d();
        for (Sde sde : SDES) {
            for (double t : TIMES) {
                GaussianMixture p = g.perturbed(sde.marginal(t));
                for (double[] x : Exact.points(g, sde, t, 4, 3)) {
                    double[] s = Exact.mixtureScore(g, sde, t, x);
                    double h = 1e-4 * p.std(2);
                    double[] fd = new double[x.length];
                    for (int j = 0; j < x.length; j++) {
                        double[] a = x.clone();
                        double[] b = x.clone();
                        a[j] += h;
                        b[j] -= h;
                        fd[j] = (p.logDensity(a) - p.logDensity(b)) / (2 * h);
                    }
                    assertThat(Exact.dist(s, fd)).isLessThanOrEqualTo(1e-6 * (1 + Exact.norm(s)));
                }
            }
        }
    }

    @Test
    void scaleAboveOnePullsHarderTowardsTheClass() {
        // between the two components of a pair, nearer the other one: the conditional score of class 0 points
        // to the left; guidance with w > 1 adds (w − 1)·∇ log p_t(0 | x), which also points to the left
        GaussianMixture g = Exact.pair();
        GmmScoreModel model = new GmmScoreModel(g);
        Sde sde = VpSde.defaults();
        double t = 0.2;
        double m = sde.marginal(t).mean();
        double[] x = {0.3 * m, 0.1};
        double[] left = {-1, 0};
        double[] grad = Exact.fdGradLogPosterior(g, sde, t, 0, x);
        double previousPull = Double.NEGATIVE_INFINITY;
        double previousRate = Double.NEGATIVE_INFINITY;
        for (double w : new double[] {1, 2, 4, 8}) {
            ScoreFunction guided = new ClassifierFreeGuidance(w, 0, 0).wrap(model.scoreFunction(sde), model, sde);
            try (NDManager sub = nd.newSubManager()) {
                double[] s = Exact.rows(guided.score(Exact.array(sub, new double[][] {x}), t, Conditioning.NONE))[0];
                double pull = Exact.dot(s, left);
                double rate = Exact.dot(s, grad); // d/dη log p_t(0 | x + η·s) at η = 0
                assertThat(pull).as("w=" + w).isGreaterThan(previousPull);
                assertThat(rate).as("w=" + w).isGreaterThan(previousRate);
                previousPull = pull;
                previousRate = rate;
            }
        }
        assertThat(Exact.dot(Exact.componentScore(g, sde, t, 0, x), left)).isPositive();
    }

    @Test
    void scoreAscentEndsMoreSurelyInTheClass() {
        // a few steps of x ← x + η·s̃(x, t) at a fixed t from a point nearer component 1: the larger the scale,
        // the higher the final posterior of class 0
        GaussianMixture g = Exact.pair();
        GmmScoreModel model = new GmmScoreModel(g);
        Sde sde = VeSde.defaults();
        double t = 0.3;
        double v = Math.pow(g.perturbed(sde.marginal(t)).std(0), 2);
        double previous = Double.NEGATIVE_INFINITY;
        for (double w : new double[] {0, 1, 3}) {
            ScoreFunction guided = new ClassifierFreeGuidance(w, 0, 0).wrap(model.scoreFunction(sde), model, sde);
            double[] x = {0.5, 0.2};
            for (int step = 0; step < 10; step++) {
                try (NDManager sub = nd.newSubManager()) {
                    double[] s = Exact.rows(guided.score(Exact.array(sub, new double[][] {x}), t,
                            Conditioning.NONE))[0];
                    for (int j = 0; j < x.length; j++) {
                        x[j] += 0.05 * v * s[j];
                    }
                }
            }
            double post = Exact.logPosterior(g, sde, t, 0, x);
            assertThat(post).as("w=" + w).isGreaterThan(previous);
            previous = post;
        }
        assertThat(Math.exp(previous)).isGreaterThan(0.9);
    }

    @Test
    void belowTminTheConditionalScoreIsUsedPerRow() {
        GaussianMixture g = Exact.mixture8d();
        GmmScoreModel model = new GmmScoreModel(g);
        double w = 3;
        double tMin = 0.4;
        for (Sde sde : SDES) {
            Recording inner = new Recording(model.scoreFunction(sde));
            ScoreFunction guided = new ClassifierFreeGuidance(w, 2, tMin).wrap(inner, model, sde);
            double[] times = {0.05, 0.2, 0.39, 0.4, 0.41, 0.8, 1.0};
            double[][] pts = Exact.points(g, sde, 0.4, times.length - 2, 11);
            try (NDManager sub = nd.newSubManager()) {
                NDArray x = Exact.array(sub, pts);
                double[][] out = Exact.rows(guided.score(x, sub.create(times), Conditioning.NONE));
                assertThat(inner.calls).containsExactly("rows:class 2", "rows:unconditional");
                for (int i = 0; i < times.length; i++) {
                    double t = times[i];
                    double[] expected = t >= tMin ? Exact.cfg(g, sde, t, 2, w, pts[i])
                            : Exact.componentScore(g, sde, t, 2, pts[i]);
                    assertClose(out[i], expected, g, sde, t, 2, pts[i], "row " + i);
                }
                // the shared-time path makes the same choice
                for (int i = 0; i < times.length; i++) {
                    double[][] one = {pts[i]};
                    double[] s = Exact.rows(guided.score(Exact.array(sub, one), times[i], Conditioning.NONE))[0];
                    assertClose(s, out[i], g, sde, times[i], 2, pts[i], "shared row " + i);
                }
                // every row below t_min: one conditional evaluation only
                inner.calls.clear();
                double[] early = new double[pts.length];
                Arrays.fill(early, 0.1);
                guided.score(x, sub.create(early), Conditioning.NONE);
                guided.score(x, 0.1, Conditioning.NONE);
                assertThat(inner.calls).containsExactly("rows:class 2", "shared:class 2");
            }
        }
    }

    @Test
    void evaluatesTheInnerScoreTwiceWithItsOwnClassWhateverTheCallerPasses() {
        GaussianMixture g = GaussianMixture.defaultMixture();
        GmmScoreModel model = new GmmScoreModel(g);
        Sde sde = VpSde.defaults();
        Recording inner = new Recording(model.scoreFunction(sde));
        ScoreFunction guided = new ClassifierFreeGuidance(2, 3, 0).wrap(inner, model, sde);
        double[][] pts = Exact.points(g, sde, 0.5, 5, 1);
        try (NDManager sub = nd.newSubManager()) {
            NDArray x = Exact.array(sub, pts);
            double[] tt = new double[pts.length];
            Arrays.fill(tt, 0.5);
            double[][] a = Exact.rows(guided.score(x, 0.5, Conditioning.ofClass(1)));
            double[][] b = Exact.rows(guided.score(x, sub.create(tt), Conditioning.ofClasses(new int[pts.length])));
            assertThat(inner.calls).containsExactly("shared:class 3", "shared:unconditional", "rows:class 3",
                    "rows:unconditional");
            for (int i = 0; i < pts.length; i++) {
                double[] expected = Exact.cfg(g, sde, 0.5, 3, 2, pts[i]);
                assertClose(a[i], expected, g, sde, 0.5, 3, pts[i], "shared");
                assertClose(b[i], expected, g, sde, 0.5, 3, pts[i], "per-row");
            }
            // scale 1 and 0 need one evaluation
            inner.calls.clear();
            new ClassifierFreeGuidance(1, 3, 0).wrap(inner, model, sde).score(x, 0.5, Conditioning.NONE);
            new ClassifierFreeGuidance(0, 3, 0).wrap(inner, model, sde).score(x, sub.create(tt), Conditioning.NONE);
            assertThat(inner.calls).containsExactly("shared:class 3", "rows:unconditional");
        }
    }
}
