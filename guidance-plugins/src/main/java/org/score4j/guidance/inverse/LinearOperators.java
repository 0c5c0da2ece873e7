package org.score4j.guidance.inverse;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.score4j.api.inverse.LinearOperator;

/** Utilities of {@link LinearOperator}s. Stateless and thread-safe. */
public final class LinearOperators {
    private LinearOperators() {}

    /**
     * The matrix of {@code op}: M rows of length D (M and D the sizes of the measurement and sample shapes,
     * both flattened in C order), computed in float64 by applying the operator to the D unit vectors.
     */
    public static double[][] matrix(LinearOperator op) {
        int d = Math.toIntExact(op.sampleShape().size());
        int m = Math.toIntExact(op.measurementShape().size());
        double[] eye = new double[d * d];
        for (int j = 0; j < d; j++) {
            eye[j * d + j] = 1;
        }
        double[] cols;
        try (NDManager nd = NDManager.newBaseManager()) {
            NDArray e = nd.create(eye, new Shape(d, d));
            NDArray ae = op.apply(e);   // row j: A·e_j, flattened
            if (ae.getDataType() != DataType.FLOAT64) {
                ae = ae.toType(DataType.FLOAT64, false);
            }
            cols = ae.toDoubleArray();
        }
        double[][] a = new double[m][d];
        for (int j = 0; j < d; j++) {
            for (int i = 0; i < m; i++) {
                a[i][j] = cols[j * m + i];
            }
        }
        return a;
    }
}
