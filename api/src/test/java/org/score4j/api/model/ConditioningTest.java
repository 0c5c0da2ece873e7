package org.score4j.api.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class ConditioningTest {
    @Test
    void labelsPutTheNullLabelOnUnconditionalRows() {
        assertThat(Conditioning.NONE.labels(3, 10)).containsExactly(10, 10, 10);
        assertThat(Conditioning.ofClass(4).labels(2, 10)).containsExactly(4, 4);
        assertThat(Conditioning.ofClasses(new int[] {0, -1, 2, 9}).labels(4, 3 + 7)).containsExactly(0, 10, 2, 9);
        assertThat(Conditioning.ofClasses(new int[] {1, -1, 2}).labels(2, 3)).containsExactly(1, 3);
        assertThat(Conditioning.NONE.labels(0, 1)).isEmpty();
    }

    @Test
    void labelsRefuseClassesAtOrAboveTheNullLabelAndShortConditionings() {
        assertThatThrownBy(() -> Conditioning.ofClass(3).labels(1, 3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("class 3");
        assertThatThrownBy(() -> Conditioning.ofClasses(new int[] {0}).labels(2, 3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fewer than the batch of 2");
        assertThatThrownBy(() -> Conditioning.NONE.labels(-1, 3)).isInstanceOf(IllegalArgumentException.class);
    }

    static final float[] SIX = {0, 1, 2, 3, 4, 5};

    @Test
    void measurementsTravelRowByRowAndSliceWithTheBatch() {
        Conditioning c = Conditioning.NONE.withMeasurements(SIX, new Shape(1, 2));
        assertThat(c.hasMeasurements()).isTrue();
        assertThat(c.rowCount()).isEqualTo(3);
        assertThat(c.isUnconditional()).isTrue();
        assertThat(c.measurementShape()).isEqualTo(new Shape(1, 2));
        Conditioning tail = c.rows(1, 3);
        assertThat(tail.rowCount()).isEqualTo(2);
        assertThat(tail.measurementValues()).containsExactly(2, 3, 4, 5);
        try (NDManager nd = NDManager.newBaseManager()) {
            NDArray y = tail.measurements(nd);
            assertThat(y.getShape()).isEqualTo(new Shape(2, 1, 2));
            assertThat(y.toFloatArray()).containsExactly(2, 3, 4, 5);
        }
        assertThat(c.rows(0, 3)).isEqualTo(c).hasSameHashCodeAs(c);
        assertThat(tail).isNotEqualTo(c);
        assertThat(c.toString()).contains("3 measurements of shape (1, 2)");
        assertThatThrownBy(() -> c.rows(2, 4)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void measurementsAreCopiedAndCombineWithLabels() {
        float[] v = SIX.clone();
        Conditioning c = Conditioning.ofClasses(new int[] {0, -1, 2}).withMeasurements(v, new Shape(2));
        v[0] = 99;
        assertThat(c.measurementValues()[0]).isZero();
        c.measurementValues()[1] = 99;
        assertThat(c.measurementValues()[1]).isEqualTo(1);
        Conditioning second = c.rows(1, 2);
        assertThat(second.classOf(0)).isEqualTo(-1);
        assertThat(second.measurementValues()).containsExactly(2, 3);
        Conditioning shared = Conditioning.ofClass(1).withMeasurements(SIX, new Shape(3));
        assertThat(shared.rowCount()).isEqualTo(2);
        assertThat(shared.rows(1, 2).classOf(0)).isEqualTo(1);
        assertThat(Conditioning.ofClass(1).rowCount()).isZero();
        assertThat(Conditioning.NONE.hasMeasurements()).isFalse();
    }

    @Test
    void malformedMeasurementsAreRefused() {
        assertThatThrownBy(() -> Conditioning.NONE.withMeasurements(SIX, new Shape(4)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rows");
        assertThatThrownBy(() -> Conditioning.NONE.withMeasurements(new float[0], new Shape(2)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Conditioning.ofClasses(new int[] {0, 1}).withMeasurements(SIX, new Shape(2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("3 measurements for 2");
        assertThatThrownBy(() -> Conditioning.NONE.measurementShape()).isInstanceOf(IllegalStateException.class);
    }
}
