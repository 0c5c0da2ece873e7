package org.score4j.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.initializer.Initializer;
import java.util.SplittableRandom;

/**
 * Parameter initializers that draw from a {@link SplittableRandom} seeded with a model seed and the
 * parameter's position, never from the engine's global generator, so that the same seed gives the same bits
 * whatever else runs in the process. Stateless apart from the seed; each {@link #initialize} call starts the
 * stream afresh.
 */
final class SeededInit implements Initializer {
    /** The distributions used. */
    enum Kind {
        /**
         * U(−1/√fan_in, 1/√fan_in) for a weight of shape {@code [out, in]} (PyTorch's default for linear
         * layers: Kaiming-uniform with a = √5).
         */
        FAN_IN_UNIFORM,
        /** N(0, scale²) (random Fourier features). */
        GAUSSIAN,
        /** All zeros (biases, and the layers a network starts at zero). */
        ZEROS,
        /** All ones (the scales of normalization layers). */
        ONES
    }

    private final Kind kind;
    private final long seed;
    private final double scale;

    SeededInit(Kind kind, long seed, double scale) {
        this.kind = kind;
        this.seed = seed;
        this.scale = scale;
    }

    /** The stream seed of parameter {@code index} of a model seeded with {@code seed}. */
    static long streamSeed(long seed, int index) {
        long z = seed * 0x9E3779B97F4A7C15L + (index + 1) * 0xD1B54A32D192ED03L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    @Override
    public NDArray initialize(NDManager manager, Shape shape, DataType dataType) {
        int size = Math.toIntExact(shape.size());
        float[] v = new float[size];
        SplittableRandom r = new SplittableRandom(seed);
        switch (kind) {
            case FAN_IN_UNIFORM: {
                long fanIn = shape.dimension() > 1 ? shape.size() / shape.get(0) : shape.get(0);
                double bound = 1 / Math.sqrt(Math.max(1, fanIn));
                for (int i = 0; i < size; i++) {
                    v[i] = (float) ((2 * r.nextDouble() - 1) * bound);
                }
                break;
            }
            case GAUSSIAN:
                for (int i = 0; i < size; i++) {
                    v[i] = (float) (r.nextGaussian() * scale);
                }
                break;
            case ONES:
                java.util.Arrays.fill(v, 1f);
                break;
            default:
                break;
        }
        NDArray a = manager.create(v, shape);
        return dataType == DataType.FLOAT32 ? a : a.toType(dataType, false);
    }
}
