package org.score4j.api.noise;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class PerSampleNoiseTest {

    @Test
    void rowsDoNotDependOnBatching() {
        try (NDManager nd = NDManager.newBaseManager()) {
            NoiseSource all = PerSampleNoise.create(7, 0, 10);
            float[] a1 = all.normal(new Shape(3), nd).toFloatArray();
            float[] a2 = all.normal(new Shape(3), nd).toFloatArray();
            NoiseSource head = PerSampleNoise.create(7, 0, 4);
            NoiseSource tail = PerSampleNoise.create(7, 4, 6);
            float[] h1 = head.normal(new Shape(3), nd).toFloatArray();
            float[] t1 = tail.normal(new Shape(3), nd).toFloatArray();
            float[] h2 = head.normal(new Shape(3), nd).toFloatArray();
            assertThat(Arrays.copyOfRange(a1, 0, 12)).containsExactly(h1);
            assertThat(Arrays.copyOfRange(a1, 12, 30)).containsExactly(t1);
            assertThat(Arrays.copyOfRange(a2, 0, 12)).containsExactly(h2);
        }
    }

    @Test
    void viewsShareStreams() {
        try (NDManager nd = NDManager.newBaseManager()) {
            NoiseSource all = PerSampleNoise.create(3, 0, 6);
            NoiseSource view = all.rows(2, 5);
            float[] v = view.normal(new Shape(2), nd).toFloatArray();
            float[] ref = PerSampleNoise.create(3, 2, 3).normal(new Shape(2), nd).toFloatArray();
            assertThat(v).containsExactly(ref);
        }
    }

    @Test
    void seedsAndIndicesGiveDifferentStreams() {
        try (NDManager nd = NDManager.newBaseManager()) {
            float[] a = PerSampleNoise.create(1, 0, 2).normal(new Shape(4), nd).toFloatArray();
            float[] b = PerSampleNoise.create(2, 0, 2).normal(new Shape(4), nd).toFloatArray();
            assertThat(a).isNotEqualTo(b);
            assertThat(Arrays.copyOfRange(a, 0, 4)).isNotEqualTo(Arrays.copyOfRange(a, 4, 8));
        }
    }

    @Test
    void normalHasUnitMomentsAndRademacherIsSigned() {
        try (NDManager nd = NDManager.newBaseManager()) {
            NoiseSource ns = PerSampleNoise.create(11, 0, 1000);
            NDArray z = ns.normal(new Shape(100), nd);
            assertThat(z.mean().getFloat()).isBetween(-0.01f, 0.01f);
            assertThat(z.square().mean().getFloat()).isBetween(0.98f, 1.02f);
            NDArray r = ns.rademacher(new Shape(10), ai.djl.ndarray.types.DataType.FLOAT32, nd);
            assertThat(r.abs().min().getFloat()).isEqualTo(1f);
            assertThat(r.mean().getFloat()).isBetween(-0.05f, 0.05f);
        }
    }
}
