package org.score4j.runner.io;

import java.util.Arrays;
import org.score4j.api.Score4jException;

/**
 * The content of a {@code .npy} file: its shape, NumPy dtype and data in C (row-major) order.
 *
 * <p>A {@code <f4} file is read into {@link #floats()}; every other supported dtype ({@code <f8}, and
 * {@code <i4}, {@code <i8}, {@code |u1} converted exactly) into {@link #doubles()}. Exactly one of the two is
 * non-null. The data arrays are not copied (a file read hands them over); treat them as read-only.
 *
 * @param shape the dimensions, empty for a scalar
 * @param dtype the NumPy type string as stored, e.g. {@code "<f4"}
 * @param floats the data of a float32 file, else {@code null}
 * @param doubles the data of any other file, else {@code null}
 */
public record NpyArray(long[] shape, String dtype, float[] floats, double[] doubles) {
    public NpyArray {
        shape = shape.clone();
        if ((floats == null) == (doubles == null)) {
            throw new IllegalArgumentException("exactly one of floats and doubles must be given");
        }
        long size = Npy.size(shape);
        int length = floats != null ? floats.length : doubles.length;
        if (size != length) {
            throw new IllegalArgumentException(
                    "shape " + Arrays.toString(shape) + " holds " + size + " values, data has " + length);
        }
    }

    /** A copy of the shape. */
    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** The number of values. */
    public int size() {
        return floats != null ? floats.length : doubles.length;
    }

    /** Whether the data is float32. */
    public boolean isFloat32() {
        return floats != null;
    }

    /** The data as doubles (converted when the file held float32). */
    public double[] asDoubles() {
        if (doubles != null) {
            return doubles;
        }
        double[] out = new double[floats.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = floats[i];
        }
        return out;
    }

    /** The data as floats (rounded when the file held another type). */
    public float[] asFloats() {
        if (floats != null) {
            return floats;
        }
        float[] out = new float[doubles.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) doubles[i];
        }
        return out;
    }

    /**
     * The shape as rows × columns of a 2-D array.
     *
     * @throws Score4jException when the array is not 2-D
     */
    public int columns() {
        if (shape.length != 2) {
            throw new Score4jException("expected a 2-D array (samples × dimensions), got shape " + Npy.shapeText(shape));
        }
        return Math.toIntExact(shape[1]);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NpyArray a && Arrays.equals(shape, a.shape) && dtype.equals(a.dtype)
                && Arrays.equals(floats, a.floats) && Arrays.equals(doubles, a.doubles);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(shape) * 31 + dtype.hashCode();
    }

    @Override
    public String toString() {
        return "NpyArray[" + dtype + " " + Npy.shapeText(shape) + "]";
    }
}
