package org.score4j.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.util.PairList;
import java.util.SplittableRandom;

/**
 * Inverted dropout (Srivastava et al. 2014) whose masks are drawn in Java from streams seeded per row, never
 * from the engine's global generator, so that training stays the same bit for bit for a seed and does not
 * depend on the batch size: each element is kept with probability 1 − p and then scaled by 1/(1 − p).
 *
 * <p>The seed of a row is a hash of that row's input (the noisy image x_t and its time t, see
 * {@link #rowSeeds(NDArray, NDArray)}), which the trainer draws per example from the run's seed; the network
 * passes the seeds to its blocks in the forward pass's {@code params} under {@link #ROW_SEEDS}. Each dropout
 * site mixes its own index into the row's seed. The probability is applied in steps of 2⁻¹⁶ (the drop
 * probability used is p rounded to a multiple of 2⁻¹⁶, and the scale matches it). Stateless.
 */
final class SeededDropout {
    /** The key of the {@code long[]} row seeds in a forward pass's {@code params}. */
    static final String ROW_SEEDS = "score4j.dropout_row_seeds";

    private SeededDropout() {}

    /** One seed per row of {@code x}, hashed from the bits of the row's values and of its time. */
    static long[] rowSeeds(NDArray x, NDArray t) {
        int n = Math.toIntExact(x.getShape().get(0));
        float[] v = x.toFloatArray();
        float[] ts = t.toType(DataType.FLOAT32, false).toFloatArray();
        int per = n == 0 ? 0 : v.length / n;
        long[] seeds = new long[n];
        for (int i = 0; i < n; i++) {
            long h = mix(Float.floatToIntBits(ts[i]) + 0x632BE59BD9B4E019L);
            for (int j = i * per, end = j + per; j < end; j++) {
                h = mix(h ^ Float.floatToIntBits(v[j]));
            }
            seeds[i] = h;
        }
        return seeds;
    }

    /** The row seeds a network put into {@code params}. */
    static long[] rowSeeds(PairList<String, Object> params) {
        Object seeds = params == null ? null : params.get(ROW_SEEDS);
        if (!(seeds instanceof long[] s)) {
            throw new IllegalStateException("dropout in training needs the row seeds of the forward pass");
        }
        return s;
    }

    /** {@code h} with elements dropped at rate {@code p}, masks from {@code seeds} mixed with {@code site}. */
    static NDArray apply(NDArray h, double p, long[] seeds, int site) {
        Shape shape = h.getShape();
        int n = Math.toIntExact(shape.get(0));
        if (seeds.length != n) {
            throw new IllegalArgumentException(seeds.length + " row seeds for " + n + " rows");
        }
        int threshold = (int) Math.round(p * 65536);
        float scale = (float) (65536.0 / (65536 - threshold));
        int per = Math.toIntExact(shape.size() / Math.max(1, n));
        float[] mask = new float[n * per];
        for (int i = 0; i < n; i++) {
            SplittableRandom r = new SplittableRandom(mix(seeds[i] + (site + 1) * 0x9E3779B97F4A7C15L));
            int base = i * per;
            for (int j = 0; j < per; j += 4) {
                long bits = r.nextLong();
                for (int k = 0; k < 4 && j + k < per; k++) {
                    int u = (int) ((bits >>> (16 * k)) & 0xFFFF);
                    mask[base + j + k] = u >= threshold ? scale : 0f;
                }
            }
        }
        try (NDArray m = GraphConstants.create(h.getManager(), mask, shape)) {
            return h.mul(m);
        }
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
