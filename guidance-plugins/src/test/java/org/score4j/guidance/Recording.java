package org.score4j.guidance;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.List;
import org.score4j.api.model.Conditioning;
import org.score4j.api.model.ScoreFunction;

/** A score function that forwards to another and records each call: which method, and the conditioning. */
final class Recording implements ScoreFunction {
    final ScoreFunction target;
    final List<String> calls = new ArrayList<>();

    Recording(ScoreFunction target) {
        this.target = target;
    }

    @Override
    public NDArray score(NDArray x, NDArray t, Conditioning cond) {
        calls.add("rows:" + cond);
        return target.score(x, t, cond);
    }

    @Override
    public NDArray score(NDArray x, double t, Conditioning cond) {
        calls.add("shared:" + cond);
        return target.score(x, t, cond);
    }
}
