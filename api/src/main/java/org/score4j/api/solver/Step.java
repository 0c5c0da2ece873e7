package org.score4j.api.solver;

import ai.djl.ndarray.NDArray;

/**
 * The result of one predictor or corrector update: the new sample {@code x} and its noise-free mean
 * {@code mean} (the update without its final noise term; score_sde's {@code x_mean}), used for the final
 * denoising step. For deterministic updates both are the same array.
 */
public record Step(NDArray x, NDArray mean) {
    /** A deterministic update. */
    public static Step of(NDArray x) {
        return new Step(x, x);
    }
}
