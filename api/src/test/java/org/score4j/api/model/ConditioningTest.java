package org.score4j.api.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
}
