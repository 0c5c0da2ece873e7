package org.score4j.solver.likelihood;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import org.score4j.api.model.Conditioning;

/** Small helpers for batches with one sample per row; every array result is owned by x's manager. */
final class Rows {
    private Rows() {}

    /** The number of rows of a batch. */
    static int count(NDArray x) {
        return Math.toIntExact(x.getShape().get(0));
    }

    /** The number of values per row. */
    static int width(NDArray x) {
        int n = count(x);
        return n == 0 ? Math.toIntExact(x.getShape().slice(1).size()) : Math.toIntExact(x.size() / n);
    }

    /** values[i] broadcast over row i: float64, shape {@code [n, 1, ..., 1]} with the rank of x. */
    static NDArray column(NDArray x, double[] values) {
        long[] dims = new long[x.getShape().dimension()];
        Arrays.fill(dims, 1);
        dims[0] = values.length;
        return x.getManager().create(values, new Shape(dims));
    }

    /** The values of a float array as doubles, row-major, without changing it. */
    static double[] doubles(NDArray a) {
        if (a.getDataType() == DataType.FLOAT64) {
            return a.toDoubleArray();
        }
        try (NDArray c = a.toType(DataType.FLOAT64, false)) {
            return c.toDoubleArray();
        }
    }

    /** {@code copies} copies of t one after the other. */
    static double[] tile(double[] t, int copies) {
        double[] r = new double[t.length * copies];
        for (int b = 0; b < copies; b++) {
            System.arraycopy(t, 0, r, b * t.length, t.length);
        }
        return r;
    }

    /** The conditioning of a batch of n rows repeated {@code copies} times (block after block). */
    static Conditioning tile(Conditioning cond, int n, int copies) {
        if (cond.isShared() || copies == 1) {
            return cond;
        }
        int[] labels = new int[n * copies];
        for (int i = 0; i < n; i++) {
            labels[i] = cond.classOf(i);
        }
        for (int b = 1; b < copies; b++) {
            System.arraycopy(labels, 0, labels, b * n, n);
        }
        return Conditioning.ofClasses(labels);
    }
}
