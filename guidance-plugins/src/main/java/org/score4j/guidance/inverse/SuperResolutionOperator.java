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
 * Super-resolution (Chung et al. 2023, §4; Song et al. 2021, Appendix I.2): the measurement is the image
 * average-pooled by a factor k in each direction, y = P_k·x + σ_y·ε, shape (C, H/k, W/k); every output pixel
 * is the mean of a k×k block. Aᵀ spreads each value over its block divided by k², so A·Aᵀ = I/k² and
 * A⁺ = k²·Aᵀ (nearest-neighbour upsampling).
 *
 * <p>Needs image samples (C, H, W) with H and W divisible by k. Keys: {@code factor} (k, default 2, in
 * [1, 64]), {@code noise}. Immutable and thread-safe.
 *
 * @param factor k
 * @param noise σ_y
 */
public record SuperResolutionOperator(int factor, double noise) implements Operator {
    /** The plugin name. */
    public static final String NAME = "super-resolution";

    @Override
    public MeasurementOperator bind(Shape sampleShape) {
        int[] chw = Shapes.image(sampleShape, NAME);
        if (chw[1] % factor != 0 || chw[2] % factor != 0) {
            throw new ConfigException("operator.factor " + factor + " does not divide the image size " + chw[1] + "×"
                    + chw[2] + " of samples " + Shapes.text(sampleShape) + "; use a factor that divides H and W");
        }
        return new Bound(sampleShape, new Shape(chw[0], chw[1] / factor, chw[2] / factor), factor, noise);
    }

    /** Average pooling. */
    private static final class Bound extends ShapedOperator {
        private final int k;
        private final long c;
        private final long h;
        private final long w;

        Bound(Shape sampleShape, Shape measurementShape, int k, double noise) {
            super(NAME, sampleShape, measurementShape, noise);
            this.k = k;
            this.c = measurementShape.get(0);
            this.h = measurementShape.get(1);
            this.w = measurementShape.get(2);
        }

        @Override
        NDArray forward(NDArray x) {
            long n = x.getShape().get(0);
            try (NDArray blocks = x.reshape(n, c, h, k, w, k); NDArray sum = blocks.sum(new int[] {3, 5})) {
                return GraphConstants.div(sum, (double) k * k);
            }
        }

        @Override
        NDArray transpose(NDArray y) {
            try (NDArray spread = upsample(y)) {
                return GraphConstants.div(spread, (double) k * k);
            }
        }

        @Override
        NDArray inverse(NDArray y) {
            return upsample(y);
        }

        /** Every value repeated over its k×k block. */
        private NDArray upsample(NDArray y) {
            long n = y.getShape().get(0);
            try (NDArray cols = y.reshape(n, c, h, 1, w, 1); NDArray blocks = cols.broadcast(n, c, h, k, w, k)) {
                return blocks.reshape(n, c, h * k, w * k);
            }
        }
    }

    /** The {@code super-resolution} plugin. Keys: {@code factor} (default 2), {@code noise}. Stateless. */
    public static final class Factory implements OperatorFactory {
        private static final Map<String, ConfigKey> KEYS = OperatorKeys.withNoise(
                ConfigKey.ofInt("factor", 2, 1, 64, "pooling factor k: each output pixel is the mean of a k×k block"));

        @Override
        public String name() {
            return NAME;
        }

        @Override
        public String description() {
            return "super-resolution: average pooling by a factor k (factor) plus noise";
        }

        @Override
        public Map<String, ConfigKey> configKeys() {
            return KEYS;
        }

        @Override
        public Operator create(PluginConfig config) {
            return new SuperResolutionOperator(config.getInt("factor"), config.getDouble("noise"));
        }
    }
}
