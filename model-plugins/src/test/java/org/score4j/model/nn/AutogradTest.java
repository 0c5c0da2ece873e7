package org.score4j.model.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.score4j.api.Score4jException;

/** Gradients by autograd under the process-wide lock: closed form, nesting, engine failures, concurrent callers. */
class AutogradTest {
    /** ∇ Σ (x³ + 2x) = 3x² + 2. */
    private static float[] gradientOfCubic(NDManager nd, float[] values) {
        NDArray x = nd.create(values);
        NDArray g = Autograd.gradient(x, v -> v.pow(3).add(v.mul(2)).sum(), "nested", "failed: ");
        return g.toFloatArray();
    }

    @Test
    void theGradientIsTheClosedForm() {
        try (NDManager nd = NDManager.newBaseManager()) {
            float[] x = {-1.5f, 0f, 0.5f, 2f};
            float[] g = gradientOfCubic(nd, x);
            for (int i = 0; i < x.length; i++) {
                assertThat(g[i]).isCloseTo(3 * x[i] * x[i] + 2, within(1e-5f));
            }
        }
    }

    /** A gradient nested in another recording fails with the caller's message; afterwards gradients work again. */
    @Test
    void aNestedGradientFailsWithTheCallersMessage() {
        try (NDManager nd = NDManager.newBaseManager()) {
            try (GradientCollector outer = Engine.getInstance().newGradientCollector()) {
                assertThatThrownBy(() -> gradientOfCubic(nd, new float[] {1f}))
                        .isInstanceOf(Score4jException.class).hasMessage("nested");
            }
            assertThat(gradientOfCubic(nd, new float[] {1f})).containsExactly(5f);
        }
    }

    /** An objective autograd cannot follow is an engine failure reported on one line after the caller's words. */
    @Test
    void anEngineFailureIsOneLine() {
        try (NDManager nd = NDManager.newBaseManager()) {
            NDArray x = nd.create(new float[] {1f, 2f});
            assertThatThrownBy(() -> Autograd.gradient(x, v -> nd.create(3f), "nested", "could not differentiate: "))
                    .isInstanceOf(Score4jException.class).hasMessageStartingWith("could not differentiate: ")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
            assertThat(gradientOfCubic(nd, new float[] {0f})).containsExactly(2f);
        }
    }

    /** Callers on several threads wait for each other instead of failing as nested. */
    @Test
    void concurrentCallersWaitForEachOther() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int k = 0; k < 3; k++) {
                float c = k;
                results.add(pool.submit(() -> {
                    try (NDManager nd = NDManager.newBaseManager()) {
                        for (int i = 0; i < 30; i++) {
                            float[] g = gradientOfCubic(nd, new float[] {c, -c});
                            if (Math.abs(g[0] - (3 * c * c + 2)) > 1e-4 || Math.abs(g[1] - (3 * c * c + 2)) > 1e-4) {
                                return false;
                            }
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> r : results) {
                assertThat(r.get()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
