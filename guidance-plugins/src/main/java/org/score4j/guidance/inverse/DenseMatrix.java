package org.score4j.guidance.inverse;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.SingularValueDecomposition;

/**
 * A dense M×D matrix acting on rows: A·x, Aᵀ·y and a truncated Moore–Penrose pseudo-inverse A⁺·y (each row on
 * its own, see {@link #product}), the last from a singular value decomposition A = U·S·Vᵀ (A⁺ = V·S⁺·Uᵀ, with S⁺
 * inverting the singular values above max(rcond × the largest, floor) and zeroing the others; Golub &amp; Van Loan
 * 2013, §5.5.2). The decomposition runs on first use of the pseudo-inverse (once; measuring needs only A).
 * Immutable and thread-safe.
 */
final class DenseMatrix {
    private final int rows;
    private final int cols;
    private final double[] a;        // M×D, row-major
    private final double[] aT;       // D×M, row-major
    private final double rcond;
    private final double floor;
    private volatile double[] pinv;  // A⁺: D×M, row-major
    /** The largest number of products of one chunk of rows. */
    static final long CHUNK_VALUES = 1L << 22;

    /**
     * @param a the matrix, row-major, {@code rows × cols} values (not copied)
     * @param rcond the relative cutoff of the pseudo-inverse, in (0, 1]
     * @param floor the absolute cutoff of the pseudo-inverse (≥ 0): singular values at or below it count as zero
     */
    DenseMatrix(double[] a, int rows, int cols, double rcond, double floor) {
        if (a.length != (long) rows * cols) {
            throw new IllegalArgumentException(a.length + " values for a " + rows + "×" + cols + " matrix");
        }
        this.rows = rows;
        this.cols = cols;
        this.a = a;
        this.rcond = rcond;
        this.floor = floor;
        this.aT = transpose(a, rows, cols);
    }

    int rows() {
        return rows;
    }

    int cols() {
        return cols;
    }

    /** A·x for rows {@code x} of shape {@code [n, D]}; returns {@code [n, M]}. */
    NDArray times(NDArray x) {
        return product(x, a, rows, cols);
    }

    /** Aᵀ·y for rows {@code y} of shape {@code [n, M]}; returns {@code [n, D]}. */
    NDArray transposeTimes(NDArray y) {
        return product(y, aT, cols, rows);
    }

    /** A⁺·y for rows {@code y} of shape {@code [n, M]}; returns {@code [n, D]}. */
    NDArray pseudoInverseTimes(NDArray y) {
        return product(y, pinv(), cols, rows);
    }

    /**
     * B·v for every row v of {@code v} ([n, K]) with B of size R×K (row-major): the row times the matrix
     * element by element, summed over the matrix's contiguous rows, so that a row's result does not depend on
     * the other rows of the batch (a matrix product may change its summation order with the batch size). Rows
     * are taken in chunks that keep the R×K products of a chunk below {@value #CHUNK_VALUES} values.
     */
    private static NDArray product(NDArray v, double[] b, int r, int k) {
        long n = v.getShape().get(0);
        long chunk = Math.max(1, CHUNK_VALUES / ((long) r * k));
        try (NDArray m = Shapes.constant(v, b, new Shape(1, r, k))) {
            if (n <= chunk) {
                return rowsTimes(v, m);
            }
            NDList parts = new NDList();
            try {
                for (long from = 0; from < n; from += chunk) {
                    try (NDArray rowsOf = v.get(new NDIndex(from + ":" + Math.min(n, from + chunk)))) {
                        parts.add(rowsTimes(rowsOf, m));
                    }
                }
                return NDArrays.concat(parts, 0);
            } finally {
                parts.close();
            }
        }
    }

    private static NDArray rowsTimes(NDArray v, NDArray m) {
        try (NDArray v3 = v.expandDims(1); NDArray terms = v3.mul(m)) {
            return terms.sum(new int[] {2});
        }
    }

    /** A⁺, computed once. */
    private double[] pinv() {
        double[] p = pinv;
        if (p == null) {
            synchronized (this) {
                p = pinv;
                if (p == null) {
                    p = computePinv();
                    pinv = p;
                }
            }
        }
        return p;
    }

    private double[] computePinv() {
        double[][] m = new double[rows][cols];
        for (int i = 0; i < rows; i++) {
            System.arraycopy(a, i * cols, m[i], 0, cols);
        }
        SingularValueDecomposition svd = new SingularValueDecomposition(new Array2DRowRealMatrix(m, false));
        double[] s = svd.getSingularValues();
        double cutoff = Math.max(rcond * (s.length == 0 ? 0 : s[0]), floor);
        double[][] u = svd.getU().getData();   // M×r
        double[][] v = svd.getV().getData();   // D×r
        double[] out = new double[rows * cols];   // A⁺ = V·S⁺·Uᵀ, D×M
        for (int k = 0; k < s.length; k++) {
            if (!(s[k] > cutoff) || s[k] == 0) {
                continue;
            }
            double inv = 1 / s[k];
            for (int i = 0; i < rows; i++) {
                double ui = u[i][k] * inv;
                if (ui == 0) {
                    continue;
                }
                for (int j = 0; j < cols; j++) {
                    out[j * rows + i] += ui * v[j][k];
                }
            }
        }
        return out;
    }

    private static double[] transpose(double[] a, int rows, int cols) {
        double[] t = new double[a.length];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                t[j * rows + i] = a[i * cols + j];
            }
        }
        return t;
    }
}
