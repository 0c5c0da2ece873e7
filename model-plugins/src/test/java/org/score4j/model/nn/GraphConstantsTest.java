package org.score4j.model.nn;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.score4j.api.testing.FreedMemory;

/**
 * The constants of {@link GraphConstants} survive a garbage collection between the forward and the backward
 * pass ({@link FreedMemory#churn}): the gradients of products, quotients and in-place forms, and of a gather by a
 * closed index array, are exact; the operations give the bits of DJL's {@code Number} overloads; sums and
 * differences with a Java number need no engine-owned scalar.
 */
class GraphConstantsTest {
    /** The gradient of Σ f(x) at x = (1, 2, 3, 4) of {@code type}, with the churn before the backward pass. */
    private static double[] gradientAfterChurn(DataType type, UnaryOperator<NDArray> f) {
        try (NDManager nd = NDManager.newBaseManager()) {
            NDArray x = nd.create(new double[] {1, 2, 3, 4}, new Shape(1, 4)).toType(type, false);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                x.setRequiresGradient(true);
                NDArray y = f.apply(x).sum();
                FreedMemory.churn(nd);
                gc.backward(y);
            }
            return x.getGradient().toType(DataType.FLOAT64, false).toDoubleArray();
        }
    }

    @Test
    void productsAndQuotientsByOwnedScalarsHaveExactGradients() {
        for (DataType type : new DataType[] {DataType.FLOAT32, DataType.FLOAT64}) {
            double third = type == DataType.FLOAT32 ? 1f / 3f : 1.0 / 3;
            assertThat(gradientAfterChurn(type, x -> GraphConstants.mul(x, 3.0))).as("mul %s", type)
                    .containsOnly(3.0);
            assertThat(gradientAfterChurn(type, x -> GraphConstants.div(x, 3.0))).as("div %s", type)
                    .containsOnly(third);
            assertThat(gradientAfterChurn(type, x -> GraphConstants.muli(x.add(0.0), 0.5f))).as("muli %s", type)
                    .containsOnly(0.5);
            assertThat(gradientAfterChurn(type, x -> GraphConstants.divi(x.add(0.0), 4))).as("divi %s", type)
                    .containsOnly(0.25);
        }
    }

    @Test
    void sumsAndDifferencesWithJavaNumbersKeepNoScalar() {
        // their backward pass needs neither operand, so the Number overloads are safe under autograd
        assertThat(gradientAfterChurn(DataType.FLOAT32, x -> x.add(3.0).sub(2.0))).containsOnly(1.0);
        assertThat(gradientAfterChurn(DataType.FLOAT64, x -> x.add(0.0).addi(3.0).subi(2.0).add(x))).containsOnly(2.0);
    }

    @Test
    void ownedArraysSurviveAsFactorsAndAsIndices() {
        assertThat(gradientAfterChurn(DataType.FLOAT32, x -> {
            try (NDArray w = GraphConstants.create(x.getManager(), new float[] {1, 2, 3, 4}, new Shape(1, 4))) {
                return x.mul(w);
            }
        })).containsExactly(1.0, 2.0, 3.0, 4.0);
        assertThat(gradientAfterChurn(DataType.FLOAT64, x -> {
            try (NDArray w = GraphConstants.create(x.getManager(), new double[] {0.5, -1}, new Shape(2, 1))) {
                return x.mul(w);
            }
        })).containsOnly(-0.5);
        assertThat(gradientAfterChurn(DataType.FLOAT32, x -> {
            try (NDArray idx = GraphConstants.create(x.getManager(), new long[] {0, 2, 2}, new Shape(3))) {
                return x.get(new NDIndex(":, {}", idx));
            }
        })).containsExactly(1.0, 0.0, 2.0, 0.0);
        assertThat(gradientAfterChurn(DataType.FLOAT32, x -> {
            try (NDArray w = GraphConstants.own(x.getManager().create(new int[] {2, 0, 0, 1}, new Shape(1, 4)))) {
                return x.mul(w);
            }
        })).containsExactly(2.0, 0.0, 0.0, 1.0);
    }

    @Test
    void theOperationsGiveTheBitsOfTheNumberOverloads() {
        Number[] values = {1 / Math.sqrt(2), -0.123456789f, 1000, 3L};
        try (NDManager nd = NDManager.newBaseManager()) {
            for (DataType type : new DataType[] {DataType.FLOAT32, DataType.FLOAT64}) {
                NDArray x = nd.create(new double[] {0.1, -2.5, 7.25, 1e-3, 3}, new Shape(5)).toType(type, false);
                for (Number v : values) {
                    assertThat(FreedMemory.sameBits(GraphConstants.mul(x, v), x.mul(v))).as("mul %s %s", type, v)
                            .isTrue();
                    assertThat(FreedMemory.sameBits(GraphConstants.div(x, v), x.div(v))).as("div %s %s", type, v)
                            .isTrue();
                    assertThat(FreedMemory.sameBits(GraphConstants.muli(x.duplicate(), v), x.duplicate().muli(v)))
                            .as("muli %s %s", type, v).isTrue();
                    assertThat(FreedMemory.sameBits(GraphConstants.divi(x.duplicate(), v), x.duplicate().divi(v)))
                            .as("divi %s %s", type, v).isTrue();
                    NDArray s = GraphConstants.scalar(nd, v);
                    assertThat(FreedMemory.sameBits(s, nd.create(v))).as("scalar %s", v).isTrue();
                }
            }
        }
    }
}
