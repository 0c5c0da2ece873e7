package org.score4j.guidance.inverse;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.score4j.api.ConfigException;
import org.score4j.api.inverse.MeasurementOperator;
import org.score4j.api.inverse.Operator;
import org.score4j.api.plugin.ConfigKey;
import org.score4j.api.plugin.ConfigType;
import org.score4j.api.plugin.OperatorFactory;
import org.score4j.api.plugin.PluginConfig;
import org.score4j.model.data.NpyFile;
import org.score4j.model.nn.GraphConstants;

/**
 * Inpainting (Song et al. 2021, Appendix I.2, imputation): the measurement is the vector of the observed
 * values of x, y = x[Ω] + σ_y·ε, in the C order of the sample; A selects the entries of the mask Ω, so
 * A·Aᵀ = I and A⁺ = Aᵀ (zeros at the missing entries).
 *
 * <p>The mask is 1 where a value is observed and 0 where it is missing. It is given as a file or as a pattern:
 * <ul>
 *   <li>{@code mask}: a {@code .npy} of 0s and 1s of the sample's shape, of shape (H, W) for image samples
 *       (C, H, W) (the same mask for every channel), or flattened (D);</li>
 *   <li>{@code pattern=half} (the default): the right half of every image (columns ≥ ⌈W/2⌉) is missing; for
 *       vectors the second half of the entries (indices ≥ ⌈D/2⌉);</li>
 *   <li>{@code pattern=box}: a centered box of round(box·H) × round(box·W) pixels is missing (images only;
 *       {@code box} default 0.5);</li>
 *   <li>{@code pattern=random}: round(fraction·P) of the P pixels (H·W for images, the same for every channel;
 *       D for vectors) are missing, chosen by a shuffle seeded with {@code mask_seed} ({@code fraction} default
 *       0.5, {@code mask_seed} default 0).</li>
 * </ul>
 * At least one value must be observed. Keys: {@code mask}, {@code pattern}, {@code box}, {@code fraction},
 * {@code mask_seed}, {@code noise}. Immutable and thread-safe.
 *
 * @param maskFile the mask file, or {@code null} for a pattern
 * @param pattern the pattern ({@code half}, {@code box}, {@code random}) when there is no mask file
 * @param box the side of the box as a fraction of H and W
 * @param fraction the missing fraction of the random pattern
 * @param maskSeed the seed of the random pattern
 * @param noise σ_y
 */
public record InpaintOperator(NpyFile maskFile, String pattern, double box, double fraction, long maskSeed,
        double noise) implements Operator {
    /** The plugin name. */
    public static final String NAME = "inpaint";

    @Override
    public MeasurementOperator bind(Shape sampleShape) {
        boolean[] observed = maskFile != null ? fromFile(sampleShape) : fromPattern(sampleShape);
        int m = 0;
        for (boolean b : observed) {
            m += b ? 1 : 0;
        }
        if (m == 0) {
            throw new ConfigException("operator inpaint: the mask observes no value (it is all 0); mark the observed "
                    + "values with 1");
        }
        return new Bound(sampleShape, observed, m, noise);
    }

    private boolean[] fromFile(Shape sampleShape) {
        long[] s = maskFile.shape();
        long d = sampleShape.size();
        boolean sameShape = Arrays.equals(s, sampleShape.getShape());
        boolean flat = s.length == 1 && s[0] == d;
        boolean perPixel = sampleShape.dimension() == 3 && s.length == 2 && s[0] == sampleShape.get(1)
                && s[1] == sampleShape.get(2);
        if (!sameShape && !flat && !perPixel) {
            throw new ConfigException("operator.mask has shape " + Shapes.text(new Shape(s)) + "; samples of shape "
                    + Shapes.text(sampleShape) + " need a mask of shape " + Shapes.text(sampleShape)
                    + (sampleShape.dimension() == 3 ? ", (" + sampleShape.get(1) + ", " + sampleShape.get(2) + ")" : "")
                    + " or (" + d + ",)");
        }
        double[] v = maskFile.values();
        for (int i = 0; i < v.length; i++) {
            if (v[i] != 0 && v[i] != 1) {
                throw new ConfigException("operator.mask holds " + v[i] + " at index " + i + "; a mask holds 0 "
                        + "(missing) and 1 (observed) only");
            }
        }
        boolean[] out = new boolean[Math.toIntExact(d)];
        int pixels = v.length;
        for (int i = 0; i < out.length; i++) {
            out[i] = v[perPixel ? i % pixels : i] == 1;
        }
        return out;
    }

    private boolean[] fromPattern(Shape sampleShape) {
        int d = Math.toIntExact(sampleShape.size());
        boolean image = sampleShape.dimension() == 3;
        int c = image ? Math.toIntExact(sampleShape.get(0)) : 1;
        int h = image ? Math.toIntExact(sampleShape.get(1)) : 1;
        int w = image ? Math.toIntExact(sampleShape.get(2)) : d;
        boolean[] pixel = new boolean[h * w];   // observed, per pixel (per entry for vectors)
        Arrays.fill(pixel, true);
        switch (pattern) {
            case "half" -> {
                for (int r = 0; r < h; r++) {
                    for (int col = (w + 1) / 2; col < w; col++) {
                        pixel[r * w + col] = false;
                    }
                }
            }
            case "box" -> {
                if (!image) {
                    throw new ConfigException("operator.pattern box needs image samples (C, H, W); the samples have "
                            + "shape " + Shapes.text(sampleShape) + "; use pattern half or random, or a mask file");
                }
                int bh = (int) Math.round(box * h);
                int bw = (int) Math.round(box * w);
                int top = (h - bh) / 2;
                int left = (w - bw) / 2;
                for (int r = top; r < top + bh; r++) {
                    for (int col = left; col < left + bw; col++) {
                        pixel[r * w + col] = false;
                    }
                }
            }
            case "random" -> {
                int[] order = new int[pixel.length];
                for (int i = 0; i < order.length; i++) {
                    order[i] = i;
                }
                SplittableRandom rnd = new SplittableRandom(maskSeed);
                for (int i = order.length - 1; i > 0; i--) {
                    int j = rnd.nextInt(i + 1);
                    int t = order[i];
                    order[i] = order[j];
                    order[j] = t;
                }
                int hide = (int) Math.round(fraction * pixel.length);
                for (int i = 0; i < hide; i++) {
                    pixel[order[i]] = false;
                }
            }
            default -> throw new AssertionError(pattern);
        }
        boolean[] out = new boolean[d];
        for (int i = 0; i < d; i++) {
            out[i] = pixel[i % pixel.length];
        }
        return out;
    }

    /** The selection of the observed entries. */
    private static final class Bound extends ShapedOperator {
        private final int d;
        private final int m;
        private final long[] observed;   // the observed indices, increasing
        private final long[] scatter;    // for each of the d entries: its index in y, or m for a missing one

        Bound(Shape sampleShape, boolean[] mask, int m, double noise) {
            super(NAME, sampleShape, new Shape(m), noise);
            this.d = mask.length;
            this.m = m;
            this.observed = new long[m];
            this.scatter = new long[d];
            int k = 0;
            for (int i = 0; i < d; i++) {
                if (mask[i]) {
                    observed[k] = i;
                    scatter[i] = k++;
                } else {
                    scatter[i] = m;
                }
            }
        }

        @Override
        NDArray forward(NDArray x) {
            long n = x.getShape().get(0);
            // the index in engine-owned memory: autograd keeps it for the backward pass (GraphConstants)
            try (NDArray flat = x.reshape(n, d);
                    NDArray idx = GraphConstants.create(x.getManager(), observed, new Shape(m))) {
                return flat.get(new NDIndex(":, {}", idx));
            }
        }

        @Override
        NDArray transpose(NDArray y) {
            long n = y.getShape().get(0);
            // [y | 0] gathered at each entry's index in y (m, the zero column, for a missing entry)
            try (NDArray zero = y.getManager().zeros(new Shape(n, 1), y.getDataType());
                    NDArray padded = y.concat(zero, 1);
                    NDArray idx = GraphConstants.create(y.getManager(), scatter, new Shape(d));
                    NDArray flat = padded.get(new NDIndex(":, {}", idx))) {
                return flat.reshape(new Shape(n).addAll(sampleShape()));
            }
        }

        @Override
        NDArray inverse(NDArray y) {
            return transpose(y);
        }
    }

    /**
     * The {@code inpaint} plugin. Keys: {@code mask} (path, optional), {@code pattern} (half, box or random;
     * default half when there is no mask), {@code box} (default 0.5, pattern box only), {@code fraction}
     * (default 0.5, pattern random only), {@code mask_seed} (default 0, pattern random only), {@code noise}.
     * Stateless and thread-safe.
     */
    public static final class Factory implements OperatorFactory {
        private static final Map<String, ConfigKey> KEYS = OperatorKeys.withNoise(
                ConfigKey.ofPath("mask", null, ".npy of 0 (missing) and 1 (observed) of the sample's shape, (H, W) "
                        + "for images, or flattened; unset: a pattern"),
                new ConfigKey("pattern", ConfigType.CHOICE, null, 0, false, 0, List.of("half", "box", "random"),
                        "missing values without a mask file: half (right half, the default), box (centered), random"),
                OperatorKeys.optionalOpen("box", 0, 1, "pattern box: side of the missing box as a fraction of H and W"
                        + " (default 0.5)"),
                OperatorKeys.optionalOpen("fraction", 0, 1, "pattern random: fraction of pixels missing (default 0.5)"),
                OperatorKeys.optionalInt("mask_seed", 0, Integer.MAX_VALUE, "pattern random: seed of the shuffle "
                        + "(default 0)"));

        @Override
        public String name() {
            return NAME;
        }

        @Override
        public String description() {
            return "inpainting: observe the values of a mask (file, or pattern half, box or random) plus noise";
        }

        @Override
        public Map<String, ConfigKey> configKeys() {
            return KEYS;
        }

        @Override
        public Operator create(PluginConfig config) {
            Optional<String> mask = config.find("mask");
            Optional<String> pattern = config.find("pattern");
            if (mask.isPresent() && pattern.isPresent()) {
                throw new ConfigException("operator.mask and operator.pattern exclude each other; give a mask file or "
                        + "a pattern");
            }
            String p = mask.isPresent() ? "file" : pattern.orElse("half");
            OperatorKeys.rejectUnless(p.equals("box"), config, "box", "applies to operator.pattern=box only");
            OperatorKeys.rejectUnless(p.equals("random"), config, "fraction", "applies to operator.pattern=random only");
            OperatorKeys.rejectUnless(p.equals("random"), config, "mask_seed",
                    "applies to operator.pattern=random only");
            NpyFile file = mask.isPresent() ? NpyFile.read(OperatorKeys.path(mask.get(), "mask"), "operator.mask")
                    : null;
            double box = config.values().containsKey("box") ? config.getDouble("box") : 0.5;
            double fraction = config.values().containsKey("fraction") ? config.getDouble("fraction") : 0.5;
            long seed = config.values().containsKey("mask_seed") ? config.getInt("mask_seed") : 0;
            return new InpaintOperator(file, mask.isPresent() ? null : p, box, fraction, seed,
                    config.getDouble("noise"));
        }
    }
}
