package org.score4j.guidance.inverse;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.score4j.api.ConfigException;
import org.score4j.model.nn.GraphConstants;

/** Shape checks, messages and constants shared by the operators of this package. */
final class Shapes {
    private Shapes() {}

    /** A shape as text, e.g. {@code (1, 8, 8)} or {@code (2,)}. */
    static String text(Shape s) {
        StringBuilder b = new StringBuilder("(");
        for (int i = 0; i < s.dimension(); i++) {
            b.append(i > 0 ? ", " : "").append(s.get(i));
        }
        return b.append(s.dimension() == 1 ? ",)" : ")").toString();
    }

    /**
     * The sizes C, H, W of image samples.
     *
     * @throws ConfigException naming the operator when the samples are not images
     */
    static int[] image(Shape sampleShape, String operator) {
        if (sampleShape.dimension() != 3) {
            throw new ConfigException("operator " + operator + " works on image samples of shape (C, H, W); the "
                    + "samples have shape " + text(sampleShape) + (sampleShape.dimension() == 1
                    ? " (for a gmm model of images set model.shape, e.g. model.shape=1,8,8)" : ""));
        }
        return new int[] {Math.toIntExact(sampleShape.get(0)), Math.toIntExact(sampleShape.get(1)),
            Math.toIntExact(sampleShape.get(2))};
    }

    /**
     * {@code values} as a constant of {@code like}'s data type in {@code like}'s manager, in engine-owned memory
     * ({@link GraphConstants}): the operators' products keep their constants for autograd ({@code dps}
     * differentiates through {@code apply}), which may run after the constant is closed.
     */
    static NDArray constant(NDArray like, float[] values, Shape shape) {
        NDManager nd = like.getManager();
        DataType type = like.getDataType();
        if (type == DataType.FLOAT32) {
            return GraphConstants.create(nd, values, shape);
        }
        try (NDArray f = nd.create(values, shape)) {
            return f.toType(type, false);
        }
    }

    /** {@code values} as a constant like {@link #constant(NDArray, float[], Shape)}, in engine-owned memory. */
    static NDArray constant(NDArray like, double[] values, Shape shape) {
        NDManager nd = like.getManager();
        DataType type = like.getDataType();
        if (type == DataType.FLOAT64) {
            return GraphConstants.create(nd, values, shape);
        }
        if (type == DataType.FLOAT32) {
            float[] f = new float[values.length];
            for (int i = 0; i < f.length; i++) {
                f[i] = (float) values[i];
            }
            return GraphConstants.create(nd, f, shape);
        }
        try (NDArray d = nd.create(values, shape)) {
            return d.toType(type, false);
        }
    }
}
