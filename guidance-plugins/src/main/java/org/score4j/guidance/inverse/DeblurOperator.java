package org.score4j.guidance.inverse;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.Map;
import org.score4j.api.inverse.MeasurementOperator;
import org.score4j.api.inverse.Operator;
import org.score4j.api.plugin.ConfigKey;
import org.score4j.api.plugin.OperatorFactory;
import org.score4j.api.plugin.PluginConfig;
import org.score4j.model.nn.GraphConstants;

/**
 * Gaussian deblurring (Chung et al. 2023, §4): the measurement is the image convolved, channel by channel,
 * with a normalized Gaussian kernel, y = k_σ ∗ x + σ_y·ε, of the same shape (C, H, W), with zeros outside
 * the image. The kernel is k(i, j) ∝ exp(−(i² + j²)/(2σ²)) for i, j in [−r, r], size 2r + 1, summing to 1.
 * It is symmetric, so Aᵀ = A; A⁺ is the dense truncated pseudo-inverse of the blur of one channel
 * (singular values below {@code rcond} × the largest count as zero: the blur damps high frequencies to nearly
 * nothing, and inverting them would amplify the noise without bound; so do those below σ_y/{@code signal}).
 *
 * <p>The blur is computed as two passes of the 1-D kernel (rows, then columns) of element-wise operations, so
 * that each row's result does not depend on the batch. Needs image samples (C, H, W). Keys: {@code size} (odd, default 5), {@code sigma} (default 1),
 * {@code rcond} (default 1e-3), {@code signal} (κ, default 0.5), {@code noise}. The pseudo-inverse is computed on
 * its first use (a singular value decomposition of an H·W × H·W matrix). Immutable and thread-safe.
 *
 * @param size the kernel size 2r + 1
 * @param sigma the kernel's standard deviation σ in pixels
 * @param rcond the cutoff of the pseudo-inverse
 * @param noise σ_y
 * @param signal κ: singular values below σ_y/κ count as zero too (0: none)
 */
public record DeblurOperator(int size, double sigma, double rcond, double noise, double signal) implements Operator {
    /** The plugin name. */
    public static final String NAME = "deblur";

    /** The operator with the default {@code signal} κ = 0.5. */
    public DeblurOperator(int size, double sigma, double rcond, double noise) {
        this(size, sigma, rcond, noise, OperatorKeys.DEFAULT_SIGNAL);
    }

    public DeblurOperator {
        if (size < 1 || size % 2 == 0) {
            throw new org.score4j.api.ConfigException("invalid value '" + size + "' for operator.size; expected an odd "
                    + "integer >= 1");
        }
    }

    /** The normalized 1-D kernel of length {@link #size()}; the 2-D kernel is its outer product. */
    public double[] kernel1d() {
        int r = size / 2;
        double[] g = new double[size];
        double sum = 0;
        for (int i = -r; i <= r; i++) {
            g[i + r] = Math.exp(-0.5 * i * i / (sigma * sigma));
            sum += g[i + r];
        }
        for (int i = 0; i < size; i++) {
            g[i] /= sum;
        }
        return g;
    }

    @Override
    public MeasurementOperator bind(Shape sampleShape) {
        int[] chw = Shapes.image(sampleShape, NAME);
        return new Bound(sampleShape, chw, kernel1d(), rcond, noise, OperatorKeys.floor(noise, signal));
    }

    /** The convolution, and the dense matrix of one channel for the pseudo-inverse. */
    private static final class Bound extends ShapedOperator {
        private final int c;
        private final int h;
        private final int w;
        private final int size;
        private final double[] g;        // the 1-D kernel
        private final DenseMatrix channel;

        Bound(Shape sampleShape, int[] chw, double[] g, double rcond, double noise, double floor) {
            super(NAME, sampleShape, sampleShape, noise);
            this.c = chw[0];
            this.h = chw[1];
            this.w = chw[2];
            this.size = g.length;
            this.g = g;
            int r = size / 2;
            int p = h * w;
            double[] a = new double[p * p];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    for (int i = -r; i <= r; i++) {
                        for (int j = -r; j <= r; j++) {
                            int yy = y + i;
                            int xx = x + j;
                            if (yy >= 0 && yy < h && xx >= 0 && xx < w) {
                                a[(y * w + x) * p + yy * w + xx] = g[i + r] * g[j + r];
                            }
                        }
                    }
                }
            }
            this.channel = new DenseMatrix(a, p, p, rcond, floor);
        }

        @Override
        NDArray forward(NDArray x) {
            try (NDArray alongW = separable(x, 3)) {
                return separable(alongW, 2);
            }
        }

        /**
         * The 1-D kernel along {@code axis} (2: rows of pixels, H; 3: columns, W) with zeros outside the image:
         * Σ_i g[i]·x shifted by i − r, as element-wise operations in a fixed order, so that every row's result is
         * independent of the batch.
         */
        private NDArray separable(NDArray x, int axis) {
            int r = size / 2;
            long len = x.getShape().get(axis);
            Shape padShape = x.getShape().slice(0, axis).add(r).addAll(x.getShape().slice(axis + 1));
            NDList tmp = new NDList();
            try {
                NDArray padded = x;
                if (r > 0) {
                    NDArray zeros = x.getManager().zeros(padShape, x.getDataType());
                    tmp.add(zeros);
                    padded = NDArrays.concat(new NDList(zeros, x, zeros), axis);
                    tmp.add(padded);
                }
                NDArray acc = null;
                for (int i = 0; i < size; i++) {
                    String range = i + ":" + (i + len);
                    NDArray window = padded.get(new NDIndex(axis == 2 ? ":, :, " + range : ":, :, :, " + range));
                    tmp.add(window);
                    NDArray term = GraphConstants.mul(window, g[i]);
                    if (acc == null) {
                        acc = term;
                    } else {
                        tmp.add(term);
                        tmp.add(acc);
                        acc = acc.add(term);
                    }
                }
                return acc;
            } finally {
                tmp.close();
            }
        }

        @Override
        NDArray transpose(NDArray y) {
            return forward(y);   // a symmetric kernel: the correlation is its own adjoint
        }

        @Override
        NDArray inverse(NDArray y) {
            long n = y.getShape().get(0);
            try (NDArray rows = y.reshape(n * c, (long) h * w); NDArray x = channel.pseudoInverseTimes(rows)) {
                return x.reshape(n, c, h, w);
            }
        }
    }

    /**
     * The {@code deblur} plugin. Keys: {@code size} (odd, default 5), {@code sigma} (default 1), {@code rcond}
     * (default 1e-3), {@code noise}. Stateless and thread-safe.
     */
    public static final class Factory implements OperatorFactory {
        private static final Map<String, ConfigKey> KEYS = OperatorKeys.withNoise(
                ConfigKey.ofInt("size", 5, 1, 99, "kernel size 2r+1 (odd)"),
                ConfigKey.ofPositiveDouble("sigma", 1, 100, "standard deviation of the Gaussian kernel, in pixels"),
                OperatorKeys.rcond(1e-3), OperatorKeys.SIGNAL);

        @Override
        public String name() {
            return NAME;
        }

        @Override
        public String description() {
            return "deblurring: a normalized Gaussian blur (size, sigma) of every channel plus noise";
        }

        @Override
        public Map<String, ConfigKey> configKeys() {
            return KEYS;
        }

        @Override
        public Operator create(PluginConfig config) {
            return new DeblurOperator(config.getInt("size"), config.getDouble("sigma"), config.getDouble("rcond"),
                    config.getDouble("noise"), config.getDouble("signal"));
        }
    }
}
