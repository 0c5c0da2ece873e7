package org.score4j.runner.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ClassHistogramTest {
    @Test
    void entropyInNats() {
        assertThat(new ClassHistogram(new long[] {25, 25, 25, 25}).entropy()).isCloseTo(Math.log(4), within(1e-15));
        assertThat(new ClassHistogram(new long[] {25, 25, 25, 25}).maxEntropy()).isEqualTo(Math.log(4));
        assertThat(new ClassHistogram(new long[] {0, 40, 0}).entropy()).isZero();
        // p = (1/4, 3/4): −(¼ ln ¼ + ¾ ln ¾)
        assertThat(new ClassHistogram(new long[] {1, 3}).entropy())
                .isCloseTo(-(0.25 * Math.log(0.25) + 0.75 * Math.log(0.75)), within(1e-15));
    }

    @Test
    void countsPredictedClasses() {
        ClassHistogram h = ClassHistogram.of(new int[] {2, 0, 2, 2, 1}, 4);
        assertThat(h.counts()).containsExactly(1, 1, 3, 0);
        assertThat(h.total()).isEqualTo(5);
        assertThat(h.toList()).containsExactly(1L, 1L, 3L, 0L);
    }
}
