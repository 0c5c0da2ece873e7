package org.score4j.model.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.Test;

/** The embeddings against their formulas. */
class TimeEmbeddingTest {
    @Test
    void sinusoidalOfThousandT() {
        try (NDManager nd = NDManager.newBaseManager()) {
            TimeEmbedding e = new TimeEmbedding(TimeEmbedding.Kind.SINUSOIDAL, 4);
            e.initialize(nd, DataType.FLOAT32, new Shape(1));
            float[] v = e.forward(new ParameterStore(nd, false), new NDList(nd.create(new float[] {0.5f, 0.002f})),
                    false).singletonOrThrow().toFloatArray();
            // frequencies 1 and 1e-4; angles 1000·t·f
            double[] expected = {Math.sin(500), Math.sin(0.05), Math.cos(500), Math.cos(0.05),
                Math.sin(2), Math.sin(2e-4), Math.cos(2), Math.cos(2e-4)};
            for (int i = 0; i < 8; i++) {
                assertThat((double) v[i]).as("entry " + i).isCloseTo(expected[i], within(2e-4));
            }
        }
    }

    @Test
    void fourierFeaturesOfT() {
        try (NDManager nd = NDManager.newBaseManager()) {
            TimeEmbedding e = new TimeEmbedding(TimeEmbedding.Kind.FOURIER, 6);
            e.frequencies().setInitializer(new SeededInit(SeededInit.Kind.GAUSSIAN, 5, 4));
            e.initialize(nd, DataType.FLOAT32, new Shape(1));
            float[] w = e.frequencies().getArray().toFloatArray();
            assertThat(w).hasSize(3);
            float[] v = e.forward(new ParameterStore(nd, false), new NDList(nd.create(new float[] {0.3f})), false)
                    .singletonOrThrow().toFloatArray();
            for (int k = 0; k < 3; k++) {
                double a = 2 * Math.PI * 0.3 * w[k];
                assertThat((double) v[k]).isCloseTo(Math.sin(a), within(1e-5));
                assertThat((double) v[3 + k]).isCloseTo(Math.cos(a), within(1e-5));
            }
        }
    }
}
