package org.score4j.guidance.inverse;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.score4j.api.ConfigException;
import org.score4j.api.Score4jException;
import org.score4j.api.inverse.MeasurementOperator;
import org.score4j.api.model.Conditioning;
import org.score4j.api.model.ScoreModel;

/** Checks and arrays shared by the methods of this package. */
final class Measurements {
    private Measurements() {}

    /**
     * The measurements of the batch {@code x} from {@code cond}, as an array of {@code x}'s data type in
     * {@code manager}, shape {@code [n, ...measurementShape]}.
     *
     * @throws Score4jException when the conditioning carries no measurements, or not one per row of the
     *     operator's shape
     */
    static NDArray of(Conditioning cond, NDArray x, MeasurementOperator op, String method, NDManager manager) {
        if (!cond.hasMeasurements()) {
            throw new Score4jException("method " + method + " needs the measurement of every row in the "
                    + "conditioning (Conditioning.withMeasurements); the solver passed " + cond);
        }
        long n = x.getShape().get(0);
        if (!cond.measurementShape().equals(op.measurementShape()) || cond.rowCount() != n) {
            throw new Score4jException("method " + method + " needs one measurement of shape "
                    + Shapes.text(op.measurementShape()) + " per row of the batch of " + n + "; the conditioning "
                    + "carries " + cond.rowCount() + " of shape " + Shapes.text(cond.measurementShape()));
        }
        NDArray y = cond.measurements(manager);
        if (x.getDataType() == DataType.FLOAT32) {
            return y;
        }
        try (y) {
            return y.toType(x.getDataType(), false);
        }
    }

    /** Requires the model's samples to be those the operator measures. */
    static void checkModel(ScoreModel model, MeasurementOperator op, String method) {
        Shape s = model.sampleShape();
        if (!s.equals(op.sampleShape())) {
            throw new ConfigException("method " + method + ": the operator measures samples of shape "
                    + Shapes.text(op.sampleShape()) + ", the model's samples have shape " + Shapes.text(s));
        }
    }
}
