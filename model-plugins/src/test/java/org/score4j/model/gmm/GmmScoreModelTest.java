package org.score4j.model.gmm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.score4j.api.ConfigException;
import org.score4j.api.model.Conditioning;
import org.score4j.api.model.ScoreFunction;
import org.score4j.api.sde.Marginal;
import org.score4j.api.sde.Sde;

class GmmScoreModelTest {
    private static final Sde[] SDES = {TestSdes.VP, TestSdes.VE};
    private static final double[] TIMES = {1e-3, 0.01, 0.1, 0.5, 0.9, 1.0};

    private static NDManager nd;

    @BeforeAll
    static void start() {
        nd = NDManager.newBaseManager();
    }

    @AfterAll
    static void stop() {
        nd.close();
    }

    /** A mixture with random weights, means in [-4, 4]^d and stds in [0.2, 0.6]. */
    static GaussianMixture randomMixture(int k, int d, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] w = new double[k];
        double sum = 0;
        for (int c = 0; c < k; c++) {
            w[c] = 0.5 + r.nextDouble();
            sum += w[c];
        }
        double[][] mu = new double[k][d];
        double[] s = new double[k];
        for (int c = 0; c < k; c++) {
            w[c] /= sum;
            for (int j = 0; j < d; j++) {
                mu[c][j] = r.nextDouble(-4, 4);
            }
            s[c] = r.nextDouble(0.2, 0.6);
        }
        return new GaussianMixture(w, mu, s);
    }

    /** Points of the perturbed mixture at t plus the midpoints between scaled means (where components mix). */
    static double[][] testPoints(GaussianMixture g, Marginal marg, int n, long seed) {
        GaussianMixture p = g.perturbed(marg);
        double[][] smp = p.sample(n, seed).x();
        int k = g.components();
        int d = g.dimension();
        double[][] pts = new double[n + k - 1][];
        System.arraycopy(smp, 0, pts, 0, n);
        for (int c = 0; c + 1 < k; c++) {
            double[] m = new double[d];
            for (int j = 0; j < d; j++) {
                m[j] = 0.5 * (p.mean(c, j) + p.mean(c + 1, j));
            }
            pts[n + c] = m;
        }
        return pts;
    }

    static NDArray array(double[][] x) {
        int n = x.length;
        int d = x[0].length;
        double[] flat = new double[n * d];
        for (int i = 0; i < n; i++) {
            System.arraycopy(x[i], 0, flat, i * d, d);
        }
        return nd.create(flat, new Shape(n, d));
    }

    static double[] minus(double[] a, double[] b) {
        double[] r = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = a[i] - b[i];
        }
        return r;
    }

    static double norm(double[] a) {
        double s = 0;
        for (double v : a) {
            s += v * v;
        }
        return Math.sqrt(s);
    }

    @Test
    void scoreMatchesFiniteDifferencesOfThePerturbedLogDensity() {
        int[][] cases = {{2, 1}, {2, 3}, {2, 5}, {8, 1}, {8, 3}, {8, 5}};
        double worst = 0;
        for (int[] dk : cases) {
            int d = dk[0];
            int k = dk[1];
            GaussianMixture g = randomMixture(k, d, 100 * d + k);
            GmmScoreModel model = new GmmScoreModel(g);
            for (Sde sde : SDES) {
                ScoreFunction sf = model.scoreFunction(sde);
                for (double t : TIMES) {
                    Marginal marg = sde.marginal(t);
                    GaussianMixture p = g.perturbed(marg);
                    double minStd = Double.MAX_VALUE;
                    for (int c = 0; c < k; c++) {
                        minStd = Math.min(minStd, p.std(c));
                    }
                    double h = 1e-4 * minStd;
                    double[][] pts = testPoints(g, marg, 12, 7 * d + k);
                    try (NDArray x = array(pts); NDArray s = sf.score(x, t, Conditioning.NONE)) {
                        assertThat(s.getDataType()).isEqualTo(DataType.FLOAT64);
                        assertThat(s.getShape()).isEqualTo(x.getShape());
                        double[] sv = s.toDoubleArray();
                        for (int i = 0; i < pts.length; i++) {
                            double[] fd = new double[d];
                            double[] y = pts[i].clone();
                            for (int j = 0; j < d; j++) {
                                y[j] = pts[i][j] + h;
                                double up = p.logDensity(y);
                                y[j] = pts[i][j] - h;
                                double down = p.logDensity(y);
                                y[j] = pts[i][j];
                                fd[j] = (up - down) / (2 * h);
                            }
                            double[] row = java.util.Arrays.copyOfRange(sv, i * d, (i + 1) * d);
                            double err = norm(minus(row, fd)) / Math.max(norm(fd), 0.1 / minStd);
                            worst = Math.max(worst, err);
                            assertThat(err).as("d=%d K=%d %s t=%s row %d: %s vs %s", d, k, sde, t, i,
                                    java.util.Arrays.toString(row), java.util.Arrays.toString(fd)).isLessThan(1e-5);
                        }
                    }
                }
            }
        }
        assertThat(worst).isGreaterThan(0);
    }

    @Test
    void singleComponentMatchesTheClosedForm() {
        double[] mu = {1.5, -0.5, 2};
        double s = 0.4;
        GmmScoreModel model = new GmmScoreModel(new GaussianMixture(new double[] {1}, new double[][] {mu},
                new double[] {s}));
        double[][] pts = {{0, 0, 0}, {1, 2, 3}, {-4, 1, 0.5}, {1.5, -0.5, 2}};
        for (Sde sde : SDES) {
            for (double t : TIMES) {
                Marginal m = sde.marginal(t);
                double v = m.mean() * m.mean() * s * s + m.variance();
                try (NDArray x = array(pts); NDArray sc = model.scoreFunction(sde).score(x, t, Conditioning.NONE)) {
                    double[] got = sc.toDoubleArray();
                    for (int i = 0; i < pts.length; i++) {
                        for (int j = 0; j < 3; j++) {
                            double want = -(pts[i][j] - m.mean() * mu[j]) / v;
                            assertThat(got[i * 3 + j]).isCloseTo(want, within(1e-12 * (1 + Math.abs(want))));
                        }
                    }
                }
            }
        }
    }

    @Test
    void perRowAndSharedTimePathsAgreeBitForBit() {
        GaussianMixture g = randomMixture(4, 3, 5);
        GmmScoreModel model = new GmmScoreModel(g);
        double[] ts = {1e-3, 0.02, 0.3, 0.3, 0.77, 1.0, 0.5, 0.05, 0.9, 0.15};
        int[] labels = {-1, 0, 3, -1, 2, 1, -1, -1, 0, 3};
        for (DataType type : new DataType[] {DataType.FLOAT64, DataType.FLOAT32}) {
            for (Sde sde : SDES) {
                ScoreFunction sf = model.scoreFunction(sde);
                double[][] pts = testPoints(g, sde.marginal(0.3), ts.length, 11);
                for (Conditioning cond : new Conditioning[] {Conditioning.NONE, Conditioning.ofClass(2),
                        Conditioning.ofClasses(java.util.Arrays.copyOf(labels, pts.length))}) {
                    try (NDManager sub = nd.newSubManager()) {
                        NDArray x = array(pts).toType(type, false);
                        x.attach(sub);
                        int n = pts.length;
                        double[] all = new double[n];
                        java.util.Arrays.fill(all, 0.3);
                        // the same time for every row: per-row path == shared path (float64 and float32 times)
                        NDArray perRow = sf.score(x, sub.create(all), cond);
                        NDArray shared = sf.score(x, 0.3, cond);
                        assertThat(perRow.getDataType()).isEqualTo(type);
                        assertThat(perRow.getShape()).isEqualTo(x.getShape());
                        assertThat(values(perRow)).as("%s %s %s", type, sde, cond).containsExactly(values(shared));
                        java.util.Arrays.fill(all, 0.375);
                        assertThat(values(sf.score(x, sub.create(all).toType(DataType.FLOAT32, false), cond)))
                                .containsExactly(values(sf.score(x, 0.375, cond)));
                        // mixed times in one batch: row i equals the shared path at t_i
                        double[] mixed = java.util.Arrays.copyOf(ts, n);
                        for (int i = ts.length; i < n; i++) {
                            mixed[i] = 0.4;
                        }
                        double[] got = values(sf.score(x, sub.create(mixed), cond));
                        int d = g.dimension();
                        for (int i = 0; i < n; i++) {
                            double[] ref = values(sf.score(x, mixed[i], cond));
                            assertThat(java.util.Arrays.copyOfRange(got, i * d, (i + 1) * d))
                                    .as("%s %s %s row %d", type, sde, cond, i)
                                    .containsExactly(java.util.Arrays.copyOfRange(ref, i * d, (i + 1) * d));
                        }
                    }
                }
            }
        }
    }

    private static double[] values(NDArray a) {
        return a.toType(DataType.FLOAT64, false).toDoubleArray();
    }

    @Test
    void rowsAreBitIdenticalWhateverTheBatchSize() {
        GaussianMixture g = randomMixture(5, 8, 3);
        GmmScoreModel model = new GmmScoreModel(g);
        int[] labels = {-1, 4, 0, 2, -1, 1, 3, -1, 0, 0};
        for (DataType type : new DataType[] {DataType.FLOAT32, DataType.FLOAT64}) {
            for (Sde sde : SDES) {
                ScoreFunction sf = model.scoreFunction(sde);
                try (NDManager sub = nd.newSubManager()) {
                    double[][] pts = g.perturbed(sde.marginal(0.2)).sample(10, 17).x();
                    NDArray big = array(pts).toType(type, false);
                    big.attach(sub);
                    NDArray small = big.get("0:4");
                    double[] ts = {0.001, 0.2, 0.5, 1, 0.3, 0.3, 0.7, 0.01, 0.9, 0.4};
                    NDArray tBig = sub.create(ts);
                    NDArray tSmall = sub.create(java.util.Arrays.copyOf(ts, 4));
                    Conditioning cBig = Conditioning.ofClasses(labels);
                    Conditioning cSmall = cBig.rows(0, 4);
                    int d = g.dimension();
                    assertThat(values(sf.score(small, 0.2, Conditioning.NONE))).containsExactly(
                            java.util.Arrays.copyOf(values(sf.score(big, 0.2, Conditioning.NONE)), 4 * d));
                    assertThat(values(sf.score(small, tSmall, Conditioning.NONE))).containsExactly(
                            java.util.Arrays.copyOf(values(sf.score(big, tBig, Conditioning.NONE)), 4 * d));
                    assertThat(values(sf.score(small, tSmall, cSmall))).containsExactly(
                            java.util.Arrays.copyOf(values(sf.score(big, tBig, cBig)), 4 * d));
                    assertThat(values(sf.score(small, 0.6, cSmall))).containsExactly(
                            java.util.Arrays.copyOf(values(sf.score(big, 0.6, cBig)), 4 * d));
                }
                // more sizes and offsets around the SIMD widths, against a batch of 37
                try (NDManager sub = nd.newSubManager()) {
                    double[][] pts = g.perturbed(sde.marginal(0.6)).sample(37, 23).x();
                    NDArray big = array(pts).toType(type, false);
                    big.attach(sub);
                    double[] ts = new double[37];
                    for (int i = 0; i < ts.length; i++) {
                        ts[i] = 0.001 + 0.999 * i / 36.0;
                    }
                    int d = g.dimension();
                    double[] shared = values(sf.score(big, 0.6, Conditioning.NONE));
                    double[] perRow = values(sf.score(big, sub.create(ts), Conditioning.NONE));
                    for (int off : new int[] {0, 5, 16}) {
                        for (int n : new int[] {1, 3, 8, 9, 17}) {
                            NDArray part = big.get(off + ":" + (off + n));
                            assertThat(values(sf.score(part, 0.6, Conditioning.NONE)))
                                    .as("%s %s rows %d..%d", type, sde, off, off + n)
                                    .containsExactly(java.util.Arrays.copyOfRange(shared, off * d, (off + n) * d));
                            NDArray tp = sub.create(java.util.Arrays.copyOfRange(ts, off, off + n));
                            assertThat(values(sf.score(part, tp, Conditioning.NONE)))
                                    .as("%s %s per-row rows %d..%d", type, sde, off, off + n)
                                    .containsExactly(java.util.Arrays.copyOfRange(perRow, off * d, (off + n) * d));
                        }
                    }
                }
            }
        }
    }

    /** The mixture reduced to component k. */
    private static GaussianMixture component(GaussianMixture g, int k) {
        return new GaussianMixture(new double[] {1}, new double[][] {g.means()[k]}, new double[] {g.std(k)});
    }

    @Test
    void conditionalScoresAreTheScoresOfSingleComponents() {
        GaussianMixture g = randomMixture(3, 2, 9);
        GmmScoreModel model = new GmmScoreModel(g);
        assertThat(model.numClasses()).isEqualTo(3);
        for (Sde sde : SDES) {
            for (double t : new double[] {1e-3, 0.4, 1}) {
                try (NDManager sub = nd.newSubManager()) {
                    NDArray x = array(testPoints(g, sde.marginal(t), 6, 2));
                    x.attach(sub);
                    int n = Math.toIntExact(x.getShape().get(0));
                    double[][] single = new double[3][];
                    for (int k = 0; k < 3; k++) {
                        single[k] = values(new GmmScoreModel(component(g, k)).scoreFunction(sde)
                                .score(x, t, Conditioning.NONE));
                        assertThat(values(model.scoreFunction(sde).score(x, t, Conditioning.ofClass(k))))
                                .as("%s t=%s class %d", sde, t, k).containsExactly(single[k]);
                    }
                    double[] mix = values(model.scoreFunction(sde).score(x, t, Conditioning.NONE));
                    int[] labels = new int[n];
                    for (int i = 0; i < n; i++) {
                        labels[i] = i % 4 - 1;
                    }
                    double[] got = values(model.scoreFunction(sde).score(x, t, Conditioning.ofClasses(labels)));
                    double[] tt = new double[n];
                    java.util.Arrays.fill(tt, t);
                    double[] gotPerRow = values(model.scoreFunction(sde).score(x, sub.create(tt),
                            Conditioning.ofClasses(labels)));
                    for (int i = 0; i < n; i++) {
                        double[] want = labels[i] < 0 ? mix : single[labels[i]];
                        for (int j = 0; j < 2; j++) {
                            assertThat(got[i * 2 + j]).isEqualTo(want[i * 2 + j]);
                            assertThat(gotPerRow[i * 2 + j]).isEqualTo(want[i * 2 + j]);
                        }
                    }
                }
            }
        }
    }

    @Test
    void classOutsideTheMixtureIsAConfigError() {
        GmmScoreModel model = new GmmScoreModel(randomMixture(3, 2, 1));
        ScoreFunction sf = model.scoreFunction(TestSdes.VP);
        try (NDArray x = nd.zeros(new Shape(2, 2))) {
            assertThatThrownBy(() -> sf.score(x, 0.5, Conditioning.ofClass(3)))
                    .isInstanceOf(ConfigException.class).hasMessageContaining("3").hasMessageContaining("[0, 3)");
            assertThatThrownBy(() -> sf.score(x, 0.5, Conditioning.ofClasses(new int[] {0, 7})))
                    .isInstanceOf(ConfigException.class).hasMessageContaining("7").hasMessageContaining("[0, 3)");
        }
    }

    @Test
    void logDensityMatchesTheJavaComputation() {
        for (int[] dk : new int[][] {{2, 1}, {2, 5}, {8, 3}}) {
            GaussianMixture g = randomMixture(dk[1], dk[0], 31 * dk[0] + dk[1]);
            GmmScoreModel model = new GmmScoreModel(g);
            for (Sde sde : SDES) {
                for (double t : TIMES) {
                    GaussianMixture p = g.perturbed(sde.marginal(t));
                    double[][] pts = testPoints(g, sde.marginal(t), 8, 5);
                    try (NDArray x = array(pts); NDArray ld = model.logDensity(x, t, sde)) {
                        assertThat(ld.getShape()).isEqualTo(new Shape(pts.length));
                        double[] got = ld.toDoubleArray();
                        for (int i = 0; i < pts.length; i++) {
                            double want = p.logDensity(pts[i]);
                            assertThat(got[i]).isCloseTo(want, within(1e-11 * (1 + Math.abs(want))));
                        }
                    }
                }
            }
        }
    }

    @Test
    void gradientOfLogDensityIsTheScore() {
        GaussianMixture g = randomMixture(4, 2, 77);
        GmmScoreModel model = new GmmScoreModel(g);
        double t = 0.25;
        try (NDManager sub = nd.newSubManager()) {
            NDArray x = array(testPoints(g, TestSdes.VP.marginal(t), 6, 8));
            x.attach(sub);
            double[] score = values(model.scoreFunction(TestSdes.VP).score(x, t, Conditioning.NONE));
            x.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray ld = model.logDensity(x, t, TestSdes.VP).sum();
                gc.backward(ld);
            }
            double[] grad = x.getGradient().toDoubleArray();
            for (int i = 0; i < score.length; i++) {
                assertThat(grad[i]).isCloseTo(score[i], within(1e-9 * (1 + Math.abs(score[i]))));
            }
        }
    }

    @Test
    void float32FollowsFloat64AndNothingStaysInTheManager() {
        GaussianMixture g = GaussianMixture.defaultMixture();
        GmmScoreModel model = new GmmScoreModel(g);
        try (NDManager sub = nd.newSubManager()) {
            NDArray x64 = array(testPoints(g, TestSdes.VE.marginal(0.1), 20, 4));
            x64.attach(sub);
            NDArray x32 = x64.toType(DataType.FLOAT32, true);
            double[] ref = values(model.scoreFunction(TestSdes.VE).score(x64, 0.1, Conditioning.NONE));
            int before = sub.getManagedArrays().size();
            NDArray s32 = model.scoreFunction(TestSdes.VE).score(x32, 0.1, Conditioning.NONE);
            assertThat(sub.getManagedArrays()).hasSize(before + 1).contains(s32);
            float[] tv = new float[(int) x32.getShape().get(0)];
            java.util.Arrays.fill(tv, 0.1f);
            NDArray t = sub.create(tv);
            NDArray s32r = model.scoreFunction(TestSdes.VE).score(x32, t, Conditioning.ofClass(1));
            assertThat(sub.getManagedArrays()).hasSize(before + 3).contains(s32r);
            NDArray ld = model.logDensity(x32, 0.1, TestSdes.VE);
            assertThat(sub.getManagedArrays()).hasSize(before + 4).contains(ld);
            assertThat(s32.getDataType()).isEqualTo(DataType.FLOAT32);
            assertThat(ld.getDataType()).isEqualTo(DataType.FLOAT32);
            double[] got = values(s32);
            for (int i = 0; i < ref.length; i++) {
                assertThat(got[i]).isCloseTo(ref[i], within(1e-4 * (1 + Math.abs(ref[i]))));
            }
            assertThat(x32.isReleased()).isFalse();
            assertThat(t.isReleased()).isFalse();
        }
        model.close();
    }

    @Test
    void modelDescribesItsSamplesAndRejectsWrongShapes() {
        GmmScoreModel model = new GmmScoreModel(GaussianMixture.defaultMixture());
        assertThat(model.sampleShape()).isEqualTo(new Shape(2));
        assertThat(model.numClasses()).isEqualTo(5);
        assertThat(model.mixture()).isEqualTo(GaussianMixture.defaultMixture());
        try (NDArray x = nd.zeros(new Shape(4, 3)); NDArray t = nd.zeros(new Shape(3))) {
            assertThatThrownBy(() -> model.scoreFunction(TestSdes.VP).score(x, 0.5, Conditioning.NONE))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("(2)");
            try (NDArray y = nd.zeros(new Shape(4, 2))) {
                assertThatThrownBy(() -> model.scoreFunction(TestSdes.VP).score(y, t, Conditioning.NONE))
                        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("(4)");
            }
        }
    }

    @Test
    void imageShapedSamplesHaveTheScoreOfTheirVector() {
        GaussianMixture g = randomMixture(3, 12, 5);
        GmmScoreModel vec = new GmmScoreModel(g);
        GmmScoreModel img = new GmmScoreModel(g, new Shape(3, 2, 2));
        assertThat(img.sampleShape()).isEqualTo(new Shape(3, 2, 2));
        SplittableRandom r = new SplittableRandom(2);
        double[] v = new double[5 * 12];
        for (int i = 0; i < v.length; i++) {
            v[i] = 2 * r.nextGaussian();
        }
        try (NDArray flat = nd.create(v, new Shape(5, 12)); NDArray image = flat.reshape(5, 3, 2, 2)) {
            NDArray a = vec.scoreFunction(TestSdes.VP).score(flat, 0.3, Conditioning.NONE);
            NDArray b = img.scoreFunction(TestSdes.VP).score(image, 0.3, Conditioning.NONE);
            assertThat(b.getShape()).isEqualTo(new Shape(5, 3, 2, 2));
            assertThat(b.reshape(5, 12).toDoubleArray()).containsExactly(a.toDoubleArray());
            assertThat(img.logDensity(image, 0.3, TestSdes.VP).toDoubleArray())
                    .containsExactly(vec.logDensity(flat, 0.3, TestSdes.VP).toDoubleArray());
        }
        assertThatThrownBy(() -> new GmmScoreModel(g, new Shape(2, 5))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("'2,5' for model.shape");
    }
}
