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
import org.score4j.model.nn.GraphConstants;

/**
 * Colorization (Song et al. 2021, Appendix I.3): the measurement is the gray image of an RGB image,
 * y = Σ_c w_c·x_c + σ_y·ε, shape (1, H, W), with the ITU-R BT.601 luma weights w = (0.299, 0.587, 0.114) by
 * default. Aᵀ copies each gray value to the channels weighted by w, so A·Aᵀ = ‖w‖²·I and A⁺ = Aᵀ/‖w‖².
 *
 * <p>Needs image samples with 3 channels (3, H, W). Keys: {@code weights} (three comma-separated numbers, not
 * all 0; default 0.299,0.587,0.114), {@code noise}. Immutable and thread-safe.
 *
 * @param weights the channel weights (copied)
 * @param noise σ_y
 */
public record ColorizeOperator(double[] weights, double noise) implements Operator {
    /** The plugin name. */
    public static final String NAME = "colorize";
    /** The default weights: ITU-R BT.601 luma. */
    public static final String BT601 = "0.299,0.587,0.114";

    public ColorizeOperator {
        weights = weights.clone();
        double q = 0;
        for (double v : weights) {
            q += v * v;
        }
        if (weights.length != 3 || !(q > 0) || !Double.isFinite(q)) {
            throw new ConfigException("operator.weights must be 3 finite numbers, not all 0 (the weights of R, G "
                    + "and B), got " + java.util.Arrays.toString(weights));
        }
    }

    @Override
    public double[] weights() {
        return weights.clone();
    }

    @Override
    public MeasurementOperator bind(Shape sampleShape) {
        int[] chw = Shapes.image(sampleShape, NAME);
        if (chw[0] != 3) {
            throw new ConfigException("operator colorize turns RGB images (3, H, W) into gray ones; the samples have "
                    + chw[0] + " channel" + (chw[0] == 1 ? "" : "s") + " (shape " + Shapes.text(sampleShape) + ")");
        }
        return new Bound(sampleShape, weights, noise);
    }

    /** The weighted channel sum. */
    private static final class Bound extends ShapedOperator {
        private final double[] w;
        private final double norm2;

        Bound(Shape sampleShape, double[] w, double noise) {
            super(NAME, sampleShape, new Shape(1, sampleShape.get(1), sampleShape.get(2)), noise);
            this.w = w;
            this.norm2 = w[0] * w[0] + w[1] * w[1] + w[2] * w[2];
        }

        @Override
        NDArray forward(NDArray x) {
            try (NDArray wa = Shapes.constant(x, w, new Shape(1, 3, 1, 1)); NDArray weighted = x.mul(wa)) {
                return weighted.sum(new int[] {1}, true);
            }
        }

        @Override
        NDArray transpose(NDArray y) {
            try (NDArray wa = Shapes.constant(y, w, new Shape(1, 3, 1, 1))) {
                return y.mul(wa);
            }
        }

        @Override
        NDArray inverse(NDArray y) {
            try (NDArray t = transpose(y)) {
                return GraphConstants.div(t, norm2);
            }
        }
    }

    /** The {@code colorize} plugin. Keys: {@code weights} (default BT.601), {@code noise}. Stateless. */
    public static final class Factory implements OperatorFactory {
        private static final Map<String, ConfigKey> KEYS = OperatorKeys.withNoise(
                ConfigKey.ofString("weights", BT601, "weights of R, G and B in the gray value, comma-separated"));

        @Override
        public String name() {
            return NAME;
        }

        @Override
        public String description() {
            return "colorization: the gray image (weighted sum of R, G, B) of 3-channel images plus noise";
        }

        @Override
        public Map<String, ConfigKey> configKeys() {
            return KEYS;
        }

        @Override
        public Operator create(PluginConfig config) {
            String text = config.getString("weights");
            String[] parts = text.trim().split("\\s*,\\s*");
            double[] w = new double[parts.length];
            for (int i = 0; i < parts.length; i++) {
                try {
                    w[i] = Double.parseDouble(parts[i]);
                } catch (NumberFormatException e) {
                    throw new ConfigException("invalid value '" + text + "' for operator.weights; expected 3 numbers "
                            + "separated by commas, e.g. " + BT601);
                }
            }
            if (w.length != 3) {
                throw new ConfigException("invalid value '" + text + "' for operator.weights; expected 3 numbers "
                        + "separated by commas, e.g. " + BT601);
            }
            return new ColorizeOperator(w, config.getDouble("noise"));
        }
    }
}
