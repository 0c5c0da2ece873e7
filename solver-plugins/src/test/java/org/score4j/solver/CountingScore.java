package org.score4j.solver;

import ai.djl.ndarray.NDArray;
import org.score4j.api.model.Conditioning;
import org.score4j.api.model.ScoreFunction;

/** A score function that counts its evaluations (calls of either form). */
final class CountingScore implements ScoreFunction {
    private final ScoreFunction inner;
    private int count;

    CountingScore(ScoreFunction inner) {
        this.inner = inner;
    }

    int count() {
        return count;
    }

    @Override
    public NDArray score(NDArray x, NDArray t, Conditioning cond) {
        count++;
        return inner.score(x, t, cond);
    }

    @Override
    public NDArray score(NDArray x, double t, Conditioning cond) {
        count++;
        return inner.score(x, t, cond);
    }
}
