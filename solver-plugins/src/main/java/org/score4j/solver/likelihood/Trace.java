package org.score4j.solver.likelihood;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.score4j.api.model.Conditioning;
import org.score4j.api.model.ScoreFunction;
import org.score4j.api.noise.NoiseSource;

/**
 * How the divergence of the score, ∇ₓ·s(x, t) = tr(∂s/∂x), is computed along the probability-flow ODE for the
 * instantaneous change of variables (Chen et al. 2018, Theorem 1; Song et al. 2021, eq. 39): exactly
 * ({@link ExactTrace}) or by the Hutchinson–Skilling estimator ({@link HutchinsonTrace}).
 *
 * <p>Both differentiate the score with DJL's autograd, so they work for any {@link ScoreFunction} computed
 * with {@link NDArray} operations on its input; a score computed outside the engine (copied through Java
 * arrays) is reported as an error rather than given a zero divergence. Implementations are immutable.
 */
public sealed interface Trace permits ExactTrace, HutchinsonTrace {

    /**
     * The score at (x, t) and its divergence, one value per row.
     *
     * @param score {@code s(x, t)}, shape of {@code x}, owned by the manager of {@code x}
     * @param divergence ∇ₓ·s(x, t) (or its estimate) per row
     */
    record Evaluation(NDArray score, double[] divergence) {}

    /** The name users type: {@code exact} or {@code hutchinson}. */
    String name();

    /**
     * Draws what stays fixed along a whole trajectory (Hutchinson's probes, as in FFJORD), from each row's own
     * noise stream so that it does not depend on the batch.
     *
     * @param sampleShape the shape of one sample
     * @param noise one stream per row of the batch
     * @return an array owned by {@code manager}, or {@code null} when nothing is needed
     */
    NDArray fixedNoise(Shape sampleShape, NoiseSource noise, NDManager manager);

    /**
     * The score and its divergence at {@code x}.
     *
     * @param x the batch, float64, shape {@code [n, ...sampleShape]}; not closed or mutated
     * @param t one time per row
     * @param fixedNoise what {@link #fixedNoise} returned for this batch
     */
    Evaluation evaluate(NDArray x, double[] t, ScoreFunction score, Conditioning cond, NDArray fixedNoise);
}
