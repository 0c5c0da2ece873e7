package org.score4j.api.noise;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A {@link NoiseSource} with one {@link SplittableRandom} stream per sample, seeded from the run seed and the
 * sample's global index. The streams do not depend on the batch a sample falls in, so results are
 * bit-identical for any batch size.
 */
public final class PerSampleNoise implements NoiseSource {
    private final SplittableRandom[] streams;

    private PerSampleNoise(SplittableRandom[] streams) {
        this.streams = streams;
    }

    /**
     * Streams for samples {@code firstIndex … firstIndex+count-1} of the run seeded with {@code seed}.
     */
    public static PerSampleNoise create(long seed, long firstIndex, int count) {
        if (count < 0 || firstIndex < 0) {
            throw new IllegalArgumentException("need count >= 0 and firstIndex >= 0");
        }
        SplittableRandom[] s = new SplittableRandom[count];
        for (int i = 0; i < count; i++) {
            s[i] = new SplittableRandom(streamSeed(seed, firstIndex + i));
        }
        return new PerSampleNoise(s);
    }

    /** The seed of sample {@code index}'s stream: a 64-bit mix of the run seed and the index. */
    static long streamSeed(long seed, long index) {
        return mix64(mix64(seed) + 0x9E3779B97F4A7C15L * (index + 1));
    }

    private static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    @Override
    public int rows() {
        return streams.length;
    }

    @Override
    public NDArray normal(Shape sampleShape, DataType dataType, NDManager manager) {
        int d = Math.toIntExact(sampleShape.size());
        Shape shape = new Shape(streams.length).addAll(sampleShape);
        if (dataType == DataType.FLOAT64) {
            double[] buf = new double[streams.length * d];
            for (int i = 0; i < streams.length; i++) {
                SplittableRandom r = streams[i];
                for (int j = 0, o = i * d; j < d; j++) {
                    buf[o + j] = r.nextGaussian();
                }
            }
            return manager.create(buf, shape);
        }
        float[] buf = new float[streams.length * d];
        for (int i = 0; i < streams.length; i++) {
            SplittableRandom r = streams[i];
            for (int j = 0, o = i * d; j < d; j++) {
                buf[o + j] = (float) r.nextGaussian();
            }
        }
        NDArray a = manager.create(buf, shape);
        return dataType == DataType.FLOAT32 ? a : a.toType(dataType, false);
    }

    @Override
    public NDArray rademacher(Shape sampleShape, DataType dataType, NDManager manager) {
        int d = Math.toIntExact(sampleShape.size());
        float[] buf = new float[streams.length * d];
        for (int i = 0; i < streams.length; i++) {
            SplittableRandom r = streams[i];
            for (int j = 0, o = i * d; j < d; j++) {
                buf[o + j] = r.nextBoolean() ? 1f : -1f;
            }
        }
        NDArray a = manager.create(buf, new Shape(streams.length).addAll(sampleShape));
        return dataType == DataType.FLOAT32 ? a : a.toType(dataType, false);
    }

    @Override
    public double[] uniform() {
        double[] u = new double[streams.length];
        for (int i = 0; i < u.length; i++) {
            u[i] = streams[i].nextDouble();
        }
        return u;
    }

    @Override
    public NoiseSource rows(int from, int to) {
        if (from < 0 || to > streams.length || from > to) {
            throw new IndexOutOfBoundsException("rows [" + from + ", " + to + ") of " + streams.length);
        }
        return new PerSampleNoise(Arrays.copyOfRange(streams, from, to));
    }
}
