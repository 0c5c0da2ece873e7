package org.score4j.solver;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.score4j.api.NumericalException;
import org.score4j.api.noise.NoiseSource;

/** Small array helpers shared by the algorithms of this package; every result is owned by x's manager. */
final class Nd {
    private Nd() {}

    /** The number of rows (samples) of a batch. */
    static int rows(NDArray x) {
        return Math.toIntExact(x.getShape().get(0));
    }

    /** Standard normal noise shaped like {@code x}, one draw per row from the context's noise source. */
    static NDArray normalLike(NDArray x, NoiseSource noise) {
        if (noise.rows() != rows(x)) {
            throw new IllegalArgumentException(
                    "noise source has " + noise.rows() + " rows but the batch has " + rows(x));
        }
        Shape sample = x.getShape().slice(1);
        return noise.normal(sample, x.getDataType(), x.getManager());
    }

    /** a·x + b·y as one new array, skipping multiplications by 1 and closing the temporaries. */
    static NDArray lincomb(double a, NDArray x, double b, NDArray y) {
        NDArray by = y.mul(b);
        if (a == 1.0) {
            NDArray r = x.add(by);
            by.close();
            return r;
        }
        NDArray ax = x.mul(a);
        NDArray r = ax.add(by);
        ax.close();
        by.close();
        return r;
    }

    /** x + b·y. */
    static NDArray axpy(NDArray x, double b, NDArray y) {
        return lincomb(1.0, x, b, y);
    }

    /**
     * A per-row coefficient: {@code values[i]} broadcast over row i, shape {@code [n, 1, ..., 1]} with the rank
     * and data type of {@code x}.
     */
    static NDArray column(NDArray x, double[] values) {
        long[] dims = new long[x.getShape().dimension()];
        java.util.Arrays.fill(dims, 1);
        dims[0] = values.length;
        Shape shape = new Shape(dims);
        DataType type = x.getDataType();
        if (type == DataType.FLOAT64) {
            return x.getManager().create(values, shape);
        }
        float[] f = new float[values.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) values[i];
        }
        NDArray a = x.getManager().create(f, shape);
        if (type == DataType.FLOAT32) {
            return a;
        }
        NDArray c = a.toType(type, false);
        a.close();
        return c;
    }

    /** The values of {@code a} as doubles (row-major), without changing {@code a}. */
    static double[] toDoubles(NDArray a) {
        DataType type = a.getDataType();
        if (type == DataType.FLOAT64) {
            return a.toDoubleArray();
        }
        if (type == DataType.FLOAT32) {
            float[] f = a.toFloatArray();
            double[] d = new double[f.length];
            for (int i = 0; i < f.length; i++) {
                d[i] = f[i];
            }
            return d;
        }
        try (NDArray c = a.toType(DataType.FLOAT64, false)) {
            return c.toDoubleArray();
        }
    }

    /** Closes {@code a} unless it is null or one of {@code keep} (compared by identity). */
    static void closeUnless(NDArray a, NDArray... keep) {
        if (a == null) {
            return;
        }
        for (NDArray k : keep) {
            if (a == k) {
                return;
            }
        }
        a.close();
    }

    /** Throws a {@link NumericalException} when {@code x} holds NaN or infinite values. */
    static void requireFinite(NDArray x, String who, double t) {
        boolean bad;
        try (NDArray nan = x.isNaN(); NDArray inf = x.isInfinite(); NDArray any = nan.logicalOr(inf);
                NDArray r = any.any()) {
            bad = r.getBoolean();
        }
        if (bad) {
            throw new NumericalException(who + " produced NaN or infinite values at t=" + t
                    + "; use more steps or check the score model");
        }
    }
}
