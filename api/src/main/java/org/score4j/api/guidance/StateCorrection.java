package org.score4j.api.guidance;

import org.score4j.api.model.Conditioning;
import org.score4j.api.noise.NoiseSource;
import org.score4j.api.sde.Sde;
import org.score4j.api.solver.Step;

/**
 * A guidance that also corrects the sample after every update of a predictor–corrector sampler, for example
 * the measurement-consistent replacement of Song et al. 2022 ("Solving Inverse Problems in Medical Imaging
 * with Score-Based Generative Models", eq. 9) and of Song et al. 2021, Appendix I.2 (imputation).
 *
 * <p>The runner applies it to the result of every predictor step (at the step's new time) and of every
 * corrector step other than {@code none} (at the corrector's time), so solvers stay unchanged; a pipeline
 * with such a guidance needs a solver that uses a predictor and a corrector ({@code pc}) and is refused
 * otherwise before any work starts.
 *
 * <p>Implementations are pure functions of their arguments: they compute with operations on the step's
 * arrays (results land in the caller's per-step memory scope), never close or mutate them, and draw noise
 * only from {@code noise}, for all rows at once. Thread-safe.
 *
 * @since 1.4
 */
public interface StateCorrection {
    /**
     * The corrected update.
     *
     * @param step the update's sample {@code x} and its noise-free mean, at time {@code t}
     * @param t the time of {@code step}
     * @param cond the conditioning of the batch (for example its measurements)
     * @param noise the batch's noise
     * @return the corrected sample and mean; may return {@code step} itself
     */
    Step correct(Step step, double t, Sde sde, Conditioning cond, NoiseSource noise);
}
