package org.score4j.guidance.inverse;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.Map;
import org.score4j.api.ConfigException;
import org.score4j.api.inverse.MeasurementOperator;
import org.score4j.api.inverse.Operator;
import org.score4j.api.plugin.ConfigKey;
import org.score4j.api.plugin.OperatorFactory;
import org.score4j.api.plugin.PluginConfig;
import org.score4j.model.data.NpyFile;

/**
 * A generic linear measurement of vector data given as a matrix: y = A·x + σ_y·ε with A read from a
 * {@code .npy} file of shape (M, D), D the size of a sample (a sample of another shape is taken flattened in C
 * order); the measurement has shape (M). Aᵀ is the transpose and A⁺ the truncated pseudo-inverse (singular
 * values below {@code rcond} × the largest count as zero), computed on first use.
 *
 * <p>Keys: {@code matrix} (path, required), {@code rcond} (default 1e-6), {@code signal} (κ, default 0.5:
 * singular values below σ_y/κ count as zero too), {@code noise}. Immutable and
 * thread-safe.
 *
 * @param file the matrix file (name for messages)
 * @param values A, row-major (not copied)
 * @param rows M
 * @param cols D
 * @param rcond the cutoff of the pseudo-inverse
 * @param noise σ_y
 * @param signal κ: singular values below σ_y/κ count as zero too (0: none)
 */
public record MatrixOperator(String file, double[] values, int rows, int cols, double rcond, double noise,
        double signal) implements Operator {
    /** The plugin name. */
    public static final String NAME = "matrix";

    /** The operator with the default {@code signal} κ = 0.5. */
    public MatrixOperator(String file, double[] values, int rows, int cols, double rcond, double noise) {
        this(file, values, rows, cols, rcond, noise, OperatorKeys.DEFAULT_SIGNAL);
    }

    @Override
    public MeasurementOperator bind(Shape sampleShape) {
        if (sampleShape.size() != cols) {
            throw new ConfigException("operator.matrix '" + file + "' has " + cols + " columns; samples of shape "
                    + Shapes.text(sampleShape) + " have " + sampleShape.size() + " values, so expected a matrix of "
                    + "shape (M, " + sampleShape.size() + ")");
        }
        return new Bound(sampleShape, new DenseMatrix(values, rows, cols, rcond,
                OperatorKeys.floor(noise, signal)), noise);
    }

    /** The matrix on flattened samples. */
    private static final class Bound extends ShapedOperator {
        private final DenseMatrix a;

        Bound(Shape sampleShape, DenseMatrix a, double noise) {
            super(NAME, sampleShape, new Shape(a.rows()), noise);
            this.a = a;
        }

        @Override
        NDArray forward(NDArray x) {
            long n = x.getShape().get(0);
            try (NDArray flat = x.reshape(n, a.cols())) {
                return a.times(flat);
            }
        }

        @Override
        NDArray transpose(NDArray y) {
            long n = y.getShape().get(0);
            try (NDArray x = a.transposeTimes(y)) {
                return x.reshape(new Shape(n).addAll(sampleShape()));
            }
        }

        @Override
        NDArray inverse(NDArray y) {
            long n = y.getShape().get(0);
            try (NDArray x = a.pseudoInverseTimes(y)) {
                return x.reshape(new Shape(n).addAll(sampleShape()));
            }
        }
    }

    /** The {@code matrix} plugin. Keys: {@code matrix} (required), {@code rcond} (1e-6), {@code noise}. */
    public static final class Factory implements OperatorFactory {
        private static final Map<String, ConfigKey> KEYS = OperatorKeys.withNoise(
                ConfigKey.ofPath("matrix", null, ".npy of shape (M, D): the matrix A applied to samples of D values; "
                        + "required"),
                OperatorKeys.rcond(1e-6), OperatorKeys.SIGNAL);

        @Override
        public String name() {
            return NAME;
        }

        @Override
        public String description() {
            return "a generic linear measurement y = A x of vector data, A an (M, D) matrix from a .npy file, plus "
                    + "noise";
        }

        @Override
        public Map<String, ConfigKey> configKeys() {
            return KEYS;
        }

        @Override
        public Operator create(PluginConfig config) {
            String text = config.find("matrix").orElseThrow(() -> new ConfigException("operator matrix needs "
                    + "operator.matrix, a .npy file of shape (M, D) holding the matrix A"));
            NpyFile f = NpyFile.read(OperatorKeys.path(text, "matrix"), "operator.matrix");
            long[] s = f.shape();
            if (s.length != 2 || s[0] < 1 || s[1] < 1) {
                throw new ConfigException("operator.matrix file '" + text + "' has shape "
                        + Shapes.text(new Shape(s)) + "; expected a 2-D matrix (M, D)");
            }
            double[] v = f.values();
            for (int i = 0; i < v.length; i++) {
                if (!Double.isFinite(v[i])) {
                    throw new ConfigException("operator.matrix file '" + text + "' holds " + v[i] + " at row "
                            + i / s[1] + "; every entry must be finite");
                }
            }
            return new MatrixOperator(text, v, Math.toIntExact(s[0]), Math.toIntExact(s[1]),
                    config.getDouble("rcond"), config.getDouble("noise"), config.getDouble("signal"));
        }
    }
}
