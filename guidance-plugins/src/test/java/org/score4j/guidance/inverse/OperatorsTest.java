package org.score4j.guidance.inverse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.score4j.api.inverse.LinearOperator;
import org.score4j.api.inverse.MeasurementOperator;
import org.score4j.api.plugin.OperatorFactory;
import org.score4j.api.plugin.PluginConfig;
import org.score4j.api.plugin.PluginKind;

/**
 * The operators against their definitions: ⟨A·x, y⟩ = ⟨x, Aᵀ·y⟩, the Penrose identities of A⁺, both batch forms,
 * rows independent of the batch, and known values (pooling of a known image, the blur of an impulse is the
 * kernel, the gray of a pure channel is its weight, projections at 0° and 90° are column and row sums).
 */
class OperatorsTest {
    @TempDir
    static Path dir;

    static NDManager nd;

    @BeforeAll
    static void start() {
        nd = NDManager.newBaseManager();
    }

    @AfterAll
    static void stop() {
        nd.close();
    }

    static LinearOperator bind(OperatorFactory f, Map<String, String> config, Shape sampleShape) {
        MeasurementOperator op = f.create(PluginConfig.of(PluginKind.OPERATOR.word(), f, config)).bind(sampleShape);
        assertThat(op).isInstanceOf(LinearOperator.class);
        return (LinearOperator) op;
    }

    /** A named operator case. */
    record Case(String name, LinearOperator op, boolean fullRowRank) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        List<Case> c = new ArrayList<>();
        OperatorFactory inpaint = new InpaintOperator.Factory();
        c.add(new Case("inpaint half (5)", bind(inpaint, Map.of(), new Shape(5)), true));
        c.add(new Case("inpaint half (2,6,4)", bind(inpaint, Map.of(), new Shape(2, 6, 4)), true));
        c.add(new Case("inpaint box (1,8,8)", bind(inpaint, Map.of("pattern", "box", "box", "0.4"),
                new Shape(1, 8, 8)), true));
        c.add(new Case("inpaint random (3,5,5)", bind(inpaint, Map.of("pattern", "random", "fraction", "0.3",
                "mask_seed", "7"), new Shape(3, 5, 5)), true));
        OperatorFactory sr = new SuperResolutionOperator.Factory();
        c.add(new Case("super-resolution x2 (1,8,8)", bind(sr, Map.of(), new Shape(1, 8, 8)), true));
        c.add(new Case("super-resolution x3 (3,6,9)", bind(sr, Map.of("factor", "3"), new Shape(3, 6, 9)), true));
        OperatorFactory blur = new DeblurOperator.Factory();
        // the default rcond 1e-3 drops the highest frequencies of these blurs (singular values ~5e-4)
        c.add(new Case("deblur 5/1.0 (1,8,8)", bind(blur, Map.of("rcond", "1e-9"), new Shape(1, 8, 8)), true));
        c.add(new Case("deblur 3/0.7 (2,5,7)", bind(blur, Map.of("size", "3", "sigma", "0.7", "rcond", "1e-9"),
                new Shape(2, 5, 7)), true));
        OperatorFactory gray = new ColorizeOperator.Factory();
        c.add(new Case("colorize (3,4,5)", bind(gray, Map.of(), new Shape(3, 4, 5)), true));
        OperatorFactory ct = new TomographyOperator.Factory();
        c.add(new Case("tomography 8 angles (1,8,8)", bind(ct, Map.of("rcond", "1e-9"), new Shape(1, 8, 8)),
                false));
        c.add(new Case("tomography 5 angles (2,6,6)", bind(ct, Map.of("angles", "5", "rcond", "1e-9"),
                new Shape(2, 6, 6)), false));
        c.add(new Case("matrix 3x5 (5)", bind(new MatrixOperator.Factory(), Map.of("matrix",
                TestFiles.matrix(dir, "wide.npy", 3, 5, 11).toString()), new Shape(5)), true));
        c.add(new Case("matrix 7x4 (2,2)", bind(new MatrixOperator.Factory(), Map.of("matrix",
                TestFiles.matrix(dir, "tall.npy", 7, 4, 12).toString()), new Shape(2, 2)), false));
        return c.stream();
    }

    static NDArray random(Shape sampleShape, int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] v = new double[Math.toIntExact(n * sampleShape.size())];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextGaussian();
        }
        return nd.create(v, new Shape(n).addAll(sampleShape));
    }

    static double[] values(NDArray a) {
        return a.getDataType() == DataType.FLOAT64 ? a.toDoubleArray() : a.toType(DataType.FLOAT64, false)
                .toDoubleArray();
    }

    static double dot(NDArray a, NDArray b) {
        double[] x = values(a);
        double[] y = values(b);
        assertThat(x).hasSameSizeAs(y);
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s += x[i] * y[i];
        }
        return s;
    }

    static double maxAbs(NDArray a, NDArray b) {
        assertThat(a.getDataType()).isEqualTo(b.getDataType());
        double[] x = values(a);
        double[] y = values(b);
        assertThat(x).hasSameSizeAs(y);
        double m = 0;
        for (int i = 0; i < x.length; i++) {
            m = Math.max(m, Math.abs(x[i] - y[i]));
        }
        return m;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void theAdjointIsTheTranspose(Case c) {
        LinearOperator op = c.op();
        for (long seed = 1; seed <= 3; seed++) {
            NDArray x = random(op.sampleShape(), 4, seed);
            NDArray y = random(op.measurementShape(), 4, seed + 100);
            NDArray ax = op.apply(x);
            NDArray aty = op.adjoint(y);
            assertThat(ax.getShape()).isEqualTo(new Shape(4).addAll(op.measurementShape()));
            assertThat(aty.getShape()).isEqualTo(new Shape(4).addAll(op.sampleShape()));
            double lhs = dot(ax, y);
            double rhs = dot(x, aty);
            assertThat(lhs).as("<Ax, y> vs <x, A'y>").isCloseTo(rhs, within(1e-10 * (1 + Math.abs(lhs))));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void thePseudoInverseSatisfiesThePenroseIdentities(Case c) {
        LinearOperator op = c.op();
        NDArray x = random(op.sampleShape(), 3, 5);
        NDArray y = random(op.measurementShape(), 3, 6);
        NDArray ax = op.apply(x);
        assertThat(maxAbs(op.apply(op.pseudoInverse(ax)), ax)).as("A A+ A = A").isLessThan(1e-8);
        NDArray py = op.pseudoInverse(y);
        assertThat(maxAbs(op.pseudoInverse(op.apply(py)), py)).as("A+ A A+ = A+").isLessThan(1e-8);
        // A⁺y lies in the row space of A: A⁺y = Aᵀu for u = (A⁺)ᵀ... checked as A⁺·A·(A⁺y) = A⁺y above, and its
        // residual y − A·A⁺y is orthogonal to the range of A
        NDArray res = y.sub(op.apply(py));
        assertThat(Math.abs(dot(op.adjoint(res), x))).as("residual orthogonal to range").isLessThan(1e-8);
        if (c.fullRowRank()) {
            assertThat(maxAbs(op.apply(py), y)).as("A A+ = I").isLessThan(1e-8);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void flattenedRowsGiveFlattenedResults(Case c) {
        LinearOperator op = c.op();
        long d = op.sampleShape().size();
        long m = op.measurementShape().size();
        NDArray x = random(op.sampleShape(), 3, 9);
        NDArray y = random(op.measurementShape(), 3, 10);
        NDArray flatAx = op.apply(x.reshape(3, d));
        assertThat(flatAx.getShape()).isEqualTo(new Shape(3, m));
        assertThat(maxAbs(flatAx, op.apply(x).reshape(3, m))).isZero();
        // a vector measurement is in both forms at once: its own form wins and gives rows of the sample's shape
        boolean vector = op.measurementShape().dimension() == 1;
        Shape back = vector ? new Shape(3).addAll(op.sampleShape()) : new Shape(3, d);
        NDArray flatAty = op.adjoint(y.reshape(3, m));
        assertThat(flatAty.getShape()).isEqualTo(back);
        assertThat(maxAbs(flatAty, op.adjoint(y).reshape(back))).isZero();
        assertThat(maxAbs(op.pseudoInverse(y.reshape(3, m)), op.pseudoInverse(y).reshape(back))).isZero();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void rowsDoNotDependOnTheBatch(Case c) {
        LinearOperator op = c.op();
        for (DataType type : new DataType[] {DataType.FLOAT32, DataType.FLOAT64}) {
            NDArray x = random(op.sampleShape(), 9, 21).toType(type, false);
            NDArray y = random(op.measurementShape(), 9, 22).toType(type, false);
            NDArray ax = op.apply(x);
            NDArray aty = op.adjoint(y);
            NDArray py = op.pseudoInverse(y);
            assertThat(ax.getDataType()).isEqualTo(type);
            assertThat(py.getDataType()).isEqualTo(type);
            for (int i : new int[] {0, 4, 8}) {
                NDIndex row = new NDIndex(i + ":" + (i + 1));
                assertThat(maxAbs(op.apply(x.get(row)), ax.get(row))).as("A row " + i).isZero();
                assertThat(maxAbs(op.adjoint(y.get(row)), aty.get(row))).as("A' row " + i).isZero();
                assertThat(maxAbs(op.pseudoInverse(y.get(row)), py.get(row))).as("A+ row " + i).isZero();
            }
        }
    }

    @Test
    void superResolutionAveragesEachBlock() {
        LinearOperator op = bind(new SuperResolutionOperator.Factory(), Map.of(), new Shape(1, 4, 4));
        double[] img = new double[16];
        for (int i = 0; i < 16; i++) {
            img[i] = i;
        }
        NDArray y = op.apply(nd.create(img, new Shape(1, 1, 4, 4)));
        assertThat(y.getShape()).isEqualTo(new Shape(1, 1, 2, 2));
        // blocks {0,1,4,5}, {2,3,6,7}, {8,9,12,13}, {10,11,14,15}
        assertThat(y.toDoubleArray()).containsExactly(2.5, 4.5, 10.5, 12.5);
        NDArray up = op.pseudoInverse(y);
        assertThat(up.toDoubleArray()).containsExactly(2.5, 2.5, 4.5, 4.5, 2.5, 2.5, 4.5, 4.5, 10.5, 10.5, 12.5,
                12.5, 10.5, 10.5, 12.5, 12.5);
    }

    @Test
    void theBlurOfAnImpulseIsTheKernel() {
        double sigma = 1.3;
        LinearOperator op = bind(new DeblurOperator.Factory(), Map.of("size", "5", "sigma", Double.toString(sigma)),
                new Shape(2, 9, 9));
        double[] img = new double[2 * 81];
        img[81 + 4 * 9 + 4] = 1;   // channel 1, center
        double[] out = op.apply(nd.create(img, new Shape(1, 2, 9, 9))).toDoubleArray();
        double[] g = new double[5];
        double sum = 0;
        for (int i = -2; i <= 2; i++) {
            g[i + 2] = Math.exp(-i * i / (2 * sigma * sigma));
            sum += g[i + 2];
        }
        for (int r = 0; r < 9; r++) {
            for (int c = 0; c < 9; c++) {
                boolean inside = Math.abs(r - 4) <= 2 && Math.abs(c - 4) <= 2;
                double want = inside ? g[r - 2] * g[c - 2] / (sum * sum) : 0;
                assertThat(out[81 + r * 9 + c]).as("(%d, %d)", r, c).isCloseTo(want, within(1e-12));
                assertThat(out[r * 9 + c]).as("other channel").isZero();
            }
        }
        // the kernel sums to 1: a constant image keeps its value away from the border
        double[] ones = new double[2 * 81];
        java.util.Arrays.fill(ones, 1);
        double[] blurredOnes = op.apply(nd.create(ones, new Shape(1, 2, 9, 9))).toDoubleArray();
        assertThat(blurredOnes[4 * 9 + 4]).isCloseTo(1, within(1e-12));
        assertThat(blurredOnes[0]).isLessThan(1);
    }

    @ParameterizedTest(name = "noise {0}, signal {1}")
    @CsvSource({"0.05, 1", "0.2, 1", "0.05, 0.25", "0.05, 0", "0, 1"})
    void thePseudoInverseDropsTheDirectionsMeasuredBelowTheNoise(double noise, double signal) {
        // the rank kept by A⁺ (the trace of A·A⁺) is the number of singular values above max(rcond·s₀, σ_y/κ),
        // for the dense operators: deblur, tomography and a matrix
        Path matrix = spreadMatrix(dir);
        String n = Double.toString(noise);
        String k = Double.toString(signal);
        List<LinearOperator> ops = List.of(
                bind(new DeblurOperator.Factory(), Map.of("noise", n, "signal", k), new Shape(1, 8, 8)),
                bind(new TomographyOperator.Factory(), Map.of("noise", n, "signal", k, "angles", "6"),
                        new Shape(1, 8, 8)),
                bind(new MatrixOperator.Factory(), Map.of("noise", n, "signal", k, "matrix", matrix.toString()),
                        new Shape(64)));
        double[] rconds = {1e-3, 1e-3, 1e-6};
        for (int o = 0; o < ops.size(); o++) {
            LinearOperator op = ops.get(o);
            double[] sv = new org.apache.commons.math3.linear.SingularValueDecomposition(
                    new org.apache.commons.math3.linear.Array2DRowRealMatrix(LinearOperators.matrix(op)))
                    .getSingularValues();
            double cutoff = Math.max(rconds[o] * sv[0], signal > 0 ? noise / signal : 0);
            long kept = java.util.Arrays.stream(sv).filter(v -> v > cutoff).count();
            int m = Math.toIntExact(op.measurementShape().size());
            double[] e = new double[m * m];
            for (int i = 0; i < m; i++) {
                e[i * m + i] = 1;
            }
            double[] aap = op.apply(op.pseudoInverse(nd.create(e, new Shape(m, m)))).toDoubleArray();
            double trace = 0;
            for (int i = 0; i < m; i++) {
                trace += aap[i * m + i];
            }
            assertThat(trace).as("%s: kept rank", op).isCloseTo(kept, within(1e-6));
            if (noise > 0 && signal > 0) {
                assertThat(kept).as("%s drops some directions", op).isLessThan(sv.length);
            }
        }
    }

    /** A fixed 40×64 matrix whose rows scale from 1 down to 10⁻⁴, so that its singular values spread as wide. */
    static Path spreadMatrix(Path dir) {
        double[] a = new double[40 * 64];
        java.util.SplittableRandom r = new java.util.SplittableRandom(4);
        for (int i = 0; i < 40; i++) {
            double scale = Math.pow(10, -4.0 * i / 39);
            for (int j = 0; j < 64; j++) {
                a[i * 64 + j] = scale * r.nextGaussian() / 8;
            }
        }
        return TestFiles.npy(dir, "spread.npy", a, 40, 64);
    }

    @Test
    void theDefaultCutoffDropsOnlyWhatTheBlurNearlyErases() {
        LinearOperator exact = bind(new DeblurOperator.Factory(), Map.of("rcond", "1e-9"), new Shape(1, 8, 8));
        LinearOperator cut = bind(new DeblurOperator.Factory(), Map.of(), new Shape(1, 8, 8));
        double rcond = 1e-3;   // the default
        double sigmaMax = new org.apache.commons.math3.linear.SingularValueDecomposition(
                new org.apache.commons.math3.linear.Array2DRowRealMatrix(LinearOperators.matrix(cut))).getNorm();
        // a checkerboard is the frequency a 5-tap blur with sigma 1 damps most: the cutoff drops part of it
        double[] board = new double[64];
        for (int i = 0; i < 64; i++) {
            board[i] = (i / 8 + i % 8) % 2 == 0 ? 1 : -1;
        }
        NDArray x = nd.create(board, new Shape(1, 1, 8, 8));
        NDArray ax = exact.apply(x);
        assertThat(maxAbs(exact.pseudoInverse(ax), x)).isLessThan(1e-6);
        assertThat(maxAbs(cut.pseudoInverse(ax), x)).isGreaterThan(0.1);
        for (long seed = 1; seed <= 3; seed++) {
            NDArray v = random(new Shape(1, 8, 8), 1, seed);
            double norm = Math.sqrt(dot(v, v));
            NDArray av = cut.apply(v);
            // A·A⁺·A deviates from A only by the dropped singular values (each below rcond·σ_max)...
            NDArray back = cut.apply(cut.pseudoInverse(av));
            NDArray dev = back.sub(av);
            assertThat(Math.sqrt(dot(dev, dev))).isLessThanOrEqualTo(rcond * sigmaMax * norm);
            // ...and A⁺ amplifies no measurement by more than 1/(rcond·σ_max)
            NDArray pv = cut.pseudoInverse(v);
            assertThat(Math.sqrt(dot(pv, pv))).isLessThanOrEqualTo(norm / (rcond * sigmaMax) * (1 + 1e-9));
        }
    }

    @Test
    void theGrayOfAPureChannelIsItsWeight() {
        LinearOperator op = bind(new ColorizeOperator.Factory(), Map.of(), new Shape(3, 2, 2));
        double[] w = {0.299, 0.587, 0.114};
        for (int ch = 0; ch < 3; ch++) {
            double[] img = new double[12];
            for (int p = 0; p < 4; p++) {
                img[ch * 4 + p] = 1;
            }
            double[] y = op.apply(nd.create(img, new Shape(1, 3, 2, 2))).toDoubleArray();
            for (double v : y) {
                assertThat(v).isCloseTo(w[ch], within(1e-12));
            }
        }
        double[] back = op.adjoint(nd.ones(new Shape(1, 1, 2, 2), DataType.FLOAT64)).toDoubleArray();
        for (int ch = 0; ch < 3; ch++) {
            assertThat(back[ch * 4]).isCloseTo(w[ch], within(1e-12));
        }
        LinearOperator custom = bind(new ColorizeOperator.Factory(), Map.of("weights", "1, 0, 2"), new Shape(3, 1, 1));
        assertThat(custom.apply(nd.create(new double[] {3, 5, 7}, new Shape(1, 3, 1, 1))).toDoubleArray())
                .containsExactly(17.0);
    }

    @Test
    void tomographyAtZeroAndNinetyDegreesSumsColumnsAndRows() {
        int h = 8;
        int w = 6;
        LinearOperator op = bind(new TomographyOperator.Factory(), Map.of("angles", "2"), new Shape(1, h, w));
        int det = TomographyOperator.defaultDetectors(h, w);
        assertThat(det).isGreaterThanOrEqualTo((int) Math.ceil(Math.hypot(h, w)));
        assertThat((det - w) % 2).isZero();
        assertThat(op.measurementShape()).isEqualTo(new Shape(1, 2, det));
        SplittableRandom r = new SplittableRandom(3);
        double[] img = new double[h * w];
        for (int i = 0; i < img.length; i++) {
            img[i] = r.nextDouble();
        }
        double[] y = op.apply(nd.create(img, new Shape(1, 1, h, w))).toDoubleArray();
        double[] cols = new double[det];
        double[] rows = new double[det];
        for (int row = 0; row < h; row++) {
            for (int c = 0; c < w; c++) {
                cols[c + (det - w) / 2] += img[row * w + c];
                rows[row + (det - h) / 2] += img[row * w + c];
            }
        }
        for (int j = 0; j < det; j++) {
            assertThat(y[j]).as("0°, bin %d", j).isCloseTo(cols[j], within(1e-12));
            assertThat(y[det + j]).as("90°, bin %d", j).isCloseTo(rows[j], within(1e-12));
        }
    }

    @Test
    void tomographyKeepsTheMassOfAPhantomAtEveryAngle() {
        int n = 10;
        LinearOperator op = bind(new TomographyOperator.Factory(), Map.of("angles", "12"), new Shape(1, n, n));
        double[] disk = new double[n * n];
        double total = 0;
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < n; c++) {
                double u = c - (n - 1) / 2.0;
                double v = r - (n - 1) / 2.0;
                disk[r * n + c] = u * u + v * v <= 9 ? 1 + 0.1 * c : 0;
                total += disk[r * n + c];
            }
        }
        double[] y = op.apply(nd.create(disk, new Shape(1, 1, n, n))).toDoubleArray();
        int det = y.length / 12;
        for (int a = 0; a < 12; a++) {
            double s = 0;
            for (int j = 0; j < det; j++) {
                s += y[a * det + j];
            }
            assertThat(s).as("angle %d", a).isCloseTo(total, within(1e-9));
        }
    }

    @Test
    void inpaintingObservesTheEntriesOfTheMask() {
        LinearOperator half = bind(new InpaintOperator.Factory(), Map.of(), new Shape(1, 2, 4));
        double[] x = {0, 1, 2, 3, 4, 5, 6, 7};
        assertThat(half.apply(nd.create(x, new Shape(1, 1, 2, 4))).toDoubleArray()).containsExactly(0, 1, 4, 5);
        assertThat(half.adjoint(nd.create(new double[] {9, 8, 7, 6}, new Shape(1, 4))).toDoubleArray())
                .containsExactly(9, 8, 0, 0, 7, 6, 0, 0);
        LinearOperator box = bind(new InpaintOperator.Factory(), Map.of("pattern", "box"), new Shape(2, 8, 8));
        assertThat(box.measurementShape()).isEqualTo(new Shape(2 * (64 - 16)));
        LinearOperator rnd = bind(new InpaintOperator.Factory(), Map.of("pattern", "random", "fraction", "0.25"),
                new Shape(3, 4, 4));
        assertThat(rnd.measurementShape()).isEqualTo(new Shape(3 * 12));
        LinearOperator other = bind(new InpaintOperator.Factory(), Map.of("pattern", "random", "fraction", "0.25",
                "mask_seed", "99"), new Shape(3, 4, 4));
        NDArray probe = random(new Shape(3, 4, 4), 1, 1);
        assertThat(maxAbs(rnd.apply(probe), rnd.apply(probe))).isZero();
        assertThat(maxAbs(rnd.apply(probe), other.apply(probe))).isPositive();
        Path file = TestFiles.npy(dir, "mask.npy", new double[] {1, 0, 0, 1, 1, 0}, 2, 3);
        LinearOperator masked = bind(new InpaintOperator.Factory(), Map.of("mask", file.toString()),
                new Shape(2, 2, 3));
        double[] img = {0, 1, 2, 3, 4, 5, 10, 11, 12, 13, 14, 15};
        assertThat(masked.apply(nd.create(img, new Shape(1, 2, 2, 3))).toDoubleArray())
                .containsExactly(0, 3, 4, 10, 13, 14);
    }

    @Test
    void aMatrixOperatorMultiplies() {
        Path file = TestFiles.npy(dir, "m.npy", new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
        LinearOperator op = bind(new MatrixOperator.Factory(), Map.of("matrix", file.toString(), "noise", "0.5"),
                new Shape(3));
        assertThat(op.noiseStd()).isEqualTo(0.5);
        assertThat(op.apply(nd.create(new double[] {1, 0, -1, 2, 1, 0}, new Shape(2, 3))).toDoubleArray())
                .containsExactly(-2, -2, 4, 13);
        assertThat(LinearOperators.matrix(op)).isDeepEqualTo(new double[][] {{1, 2, 3}, {4, 5, 6}});
    }
}
