package org.score4j.guidance.inverse;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.Map;
import java.util.Optional;
import org.score4j.api.ConfigException;
import org.score4j.api.inverse.MeasurementOperator;
import org.score4j.api.inverse.Operator;
import org.score4j.api.plugin.ConfigKey;
import org.score4j.api.plugin.OperatorFactory;
import org.score4j.api.plugin.PluginConfig;

/**
 * Sparse-view computed tomography (Song et al. 2022, "Solving Inverse Problems in Medical Imaging with
 * Score-Based Generative Models", §4): parallel-beam projections (a discrete Radon transform) of every channel
 * at {@code angles} equally spaced angles θ_a = a·180°/angles, a = 0 … angles − 1, onto {@code detectors} bins
 * of unit width; the measurement has shape (C, angles, detectors).
 *
 * <p>The projector is pixel-driven with linear interpolation (Kak &amp; Slaney 1988, §3): the pixel in row r and
 * column c sits at u = c − (W − 1)/2, v = r − (H − 1)/2, lands on the detector at
 * s = u·cos θ + v·sin θ + (detectors − 1)/2 and adds its value to the bins ⌊s⌋ and ⌊s⌋ + 1 with weights
 * 1 − (s − ⌊s⌋) and s − ⌊s⌋ (what falls outside the detector is lost). At θ = 0 the projection is the column
 * sums of the image, at θ = 90° its row sums, whenever detectors − W and detectors − H are even (the default
 * detector count keeps them so when H − W is even). A is held as a dense matrix per channel; Aᵀ is its
 * transpose (the back-projection) and A⁺ its truncated pseudo-inverse (singular values below {@code rcond} ×
 * the largest count as zero), computed on first use.
 *
 * <p>Needs image samples (C, H, W). Keys: {@code angles} (default 8), {@code detectors} (default the
 * smallest count ≥ √(H² + W²) with the parity of W), {@code rcond} (default 1e-3), {@code signal} (κ, default
 * 0.5: singular values below σ_y/κ count as zero too), {@code noise}. Immutable and
 * thread-safe.
 *
 * @param angles the number of projection angles
 * @param detectors the number of detector bins, or 0 for the default
 * @param rcond the cutoff of the pseudo-inverse
 * @param noise σ_y
 * @param signal κ: singular values below σ_y/κ count as zero too (0: none)
 */
public record TomographyOperator(int angles, int detectors, double rcond, double noise, double signal)
        implements Operator {
    /** The plugin name. */
    public static final String NAME = "tomography";

    /** The operator with the default {@code signal} κ = 0.5. */
    public TomographyOperator(int angles, int detectors, double rcond, double noise) {
        this(angles, detectors, rcond, noise, OperatorKeys.DEFAULT_SIGNAL);
    }

    /** The default detector count of H×W images. */
    public static int defaultDetectors(int h, int w) {
        int d = (int) Math.ceil(Math.sqrt((double) h * h + (double) w * w) - 1e-9);
        return (d - w) % 2 == 0 ? d : d + 1;
    }

    /**
     * The projection matrix of one channel: {@code angles·detectors} rows of length H·W, row-major; row
     * a·detectors + j is the weight of every pixel in bin j at angle a.
     */
    public static double[] matrix(int h, int w, int angles, int detectors) {
        int p = h * w;
        double[] a = new double[angles * detectors * p];
        for (int k = 0; k < angles; k++) {
            double theta = Math.PI * k / angles;
            double cos = snap(Math.cos(theta));
            double sin = snap(Math.sin(theta));
            for (int r = 0; r < h; r++) {
                double v = r - (h - 1) / 2.0;
                for (int c = 0; c < w; c++) {
                    double u = c - (w - 1) / 2.0;
                    double s = u * cos + v * sin + (detectors - 1) / 2.0;
                    double f = Math.floor(s);
                    int j = (int) f;
                    double frac = s - f;
                    int pixel = r * w + c;
                    if (j >= 0 && j < detectors) {
                        a[(k * detectors + j) * p + pixel] += 1 - frac;
                    }
                    if (frac > 0 && j + 1 >= 0 && j + 1 < detectors) {
                        a[(k * detectors + j + 1) * p + pixel] += frac;
                    }
                }
            }
        }
        return a;
    }

    /** cos and sin of multiples of 90° exactly 0 or ±1. */
    private static double snap(double v) {
        if (Math.abs(v) < 1e-12) {
            return 0;
        }
        if (Math.abs(Math.abs(v) - 1) < 1e-12) {
            return Math.signum(v);
        }
        return v;
    }

    @Override
    public MeasurementOperator bind(Shape sampleShape) {
        int[] chw = Shapes.image(sampleShape, NAME);
        int det = detectors > 0 ? detectors : defaultDetectors(chw[1], chw[2]);
        DenseMatrix m = new DenseMatrix(matrix(chw[1], chw[2], angles, det), angles * det, chw[1] * chw[2], rcond,
                OperatorKeys.floor(noise, signal));
        return new Bound(sampleShape, new Shape(chw[0], angles, det), m, noise);
    }

    /** The projection of every channel. */
    private static final class Bound extends ShapedOperator {
        private final DenseMatrix channel;
        private final long c;

        Bound(Shape sampleShape, Shape measurementShape, DenseMatrix channel, double noise) {
            super(NAME, sampleShape, measurementShape, noise);
            this.channel = channel;
            this.c = sampleShape.get(0);
        }

        @Override
        NDArray forward(NDArray x) {
            long n = x.getShape().get(0);
            try (NDArray rows = x.reshape(n * c, channel.cols()); NDArray y = channel.times(rows)) {
                return y.reshape(new Shape(n).addAll(measurementShape()));
            }
        }

        @Override
        NDArray transpose(NDArray y) {
            long n = y.getShape().get(0);
            try (NDArray rows = y.reshape(n * c, channel.rows()); NDArray x = channel.transposeTimes(rows)) {
                return x.reshape(new Shape(n).addAll(sampleShape()));
            }
        }

        @Override
        NDArray inverse(NDArray y) {
            long n = y.getShape().get(0);
            try (NDArray rows = y.reshape(n * c, channel.rows()); NDArray x = channel.pseudoInverseTimes(rows)) {
                return x.reshape(new Shape(n).addAll(sampleShape()));
            }
        }
    }

    /**
     * The {@code tomography} plugin. Keys: {@code angles} (default 8), {@code detectors} (optional),
     * {@code rcond} (default 1e-3), {@code noise}. Stateless and thread-safe.
     */
    public static final class Factory implements OperatorFactory {
        private static final Map<String, ConfigKey> KEYS = OperatorKeys.withNoise(
                ConfigKey.ofInt("angles", 8, 1, 1024, "number of projection angles, equally spaced in [0°, 180°)"),
                OperatorKeys.optionalInt("detectors", 1, 1 << 14, "detector bins of unit width (default: the "
                        + "smallest count >= the image diagonal with the parity of W)"),
                OperatorKeys.rcond(1e-3), OperatorKeys.SIGNAL);

        @Override
        public String name() {
            return NAME;
        }

        @Override
        public String description() {
            return "sparse-view tomography: parallel-beam projections of every channel at equally spaced angles "
                    + "plus noise";
        }

        @Override
        public Map<String, ConfigKey> configKeys() {
            return KEYS;
        }

        @Override
        public Operator create(PluginConfig config) {
            Optional<String> det = config.find("detectors");
            return new TomographyOperator(config.getInt("angles"), det.map(Integer::parseInt).orElse(0),
                    config.getDouble("rcond"), config.getDouble("noise"), config.getDouble("signal"));
        }
    }
}
