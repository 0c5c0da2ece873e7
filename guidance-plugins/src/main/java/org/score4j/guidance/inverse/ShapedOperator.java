package org.score4j.guidance.inverse;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.function.UnaryOperator;
import org.score4j.api.inverse.LinearOperator;

/**
 * The common part of the linear operators of this package: their shapes, their noise, and the two forms of a
 * batch ({@link org.score4j.api.inverse.MeasurementOperator}): a subclass computes on rows in the sample's and
 * the measurement's own shapes, and this class accepts and returns flattened rows as well.
 */
abstract class ShapedOperator implements LinearOperator {
    private final String name;
    private final Shape sampleShape;
    private final Shape measurementShape;
    private final double noise;

    ShapedOperator(String name, Shape sampleShape, Shape measurementShape, double noise) {
        this.name = name;
        this.sampleShape = sampleShape;
        this.measurementShape = measurementShape;
        this.noise = noise;
    }

    /** A·x for {@code x} of shape {@code [n, ...sampleShape]}; returns {@code [n, ...measurementShape]}. */
    abstract NDArray forward(NDArray x);

    /** Aᵀ·y for {@code y} of shape {@code [n, ...measurementShape]}; returns {@code [n, ...sampleShape]}. */
    abstract NDArray transpose(NDArray y);

    /** A⁺·y for {@code y} of shape {@code [n, ...measurementShape]}; returns {@code [n, ...sampleShape]}. */
    abstract NDArray inverse(NDArray y);

    @Override
    public final Shape sampleShape() {
        return sampleShape;
    }

    @Override
    public final Shape measurementShape() {
        return measurementShape;
    }

    @Override
    public final double noiseStd() {
        return noise;
    }

    @Override
    public final NDArray apply(NDArray x) {
        return inForm(x, sampleShape, measurementShape, this::forward, "samples");
    }

    @Override
    public final NDArray adjoint(NDArray y) {
        return inForm(y, measurementShape, sampleShape, this::transpose, "measurements");
    }

    @Override
    public final NDArray pseudoInverse(NDArray y) {
        return inForm(y, measurementShape, sampleShape, this::inverse, "measurements");
    }

    /** {@code f} on {@code a} in the form {@code [n, ...in]}, or on {@code [n, size(in)]} reshaped and back. */
    private NDArray inForm(NDArray a, Shape in, Shape out, UnaryOperator<NDArray> f, String what) {
        Shape s = a.getShape();
        if (s.dimension() == in.dimension() + 1 && s.slice(1).equals(in)) {
            return f.apply(a);
        }
        if (s.dimension() == 2 && s.get(1) == in.size()) {
            long n = s.get(0);
            try (NDArray shaped = a.reshape(new Shape(n).addAll(in)); NDArray r = f.apply(shaped)) {
                return r.reshape(n, out.size());
            }
        }
        throw new IllegalArgumentException("operator " + name + " takes " + what + " of shape " + in
                + " (a batch [n, " + Shapes.text(in).substring(1) + " or flattened [n, " + in.size() + "]), got " + s);
    }

    @Override
    public String toString() {
        return name + "(" + Shapes.text(sampleShape) + " -> " + Shapes.text(measurementShape) + ", noise " + noise + ")";
    }
}
