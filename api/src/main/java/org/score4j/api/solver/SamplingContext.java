package org.score4j.api.solver;

import java.util.Objects;
import org.score4j.api.model.Conditioning;
import org.score4j.api.model.ScoreFunction;
import org.score4j.api.noise.NoiseSource;
import org.score4j.api.sde.Sde;

/**
 * Everything a solver needs for one batch: the forward process, the (possibly guided) score, the
 * conditioning, the batch's noise, the time grid and, for predictor–corrector solvers, the predictor and
 * corrector. Immutable.
 *
 * @param times the grid, {@code steps + 1} decreasing times from {@code sde.tEnd()} to {@code sde.t0()};
 *     adaptive solvers use only its end points
 * @param predictor the pipeline's predictor (never null; a "none" predictor when not chosen)
 * @param corrector the pipeline's corrector (never null; a "none" corrector when not chosen)
 */
public record SamplingContext(
        Sde sde,
        ScoreFunction score,
        Conditioning cond,
        NoiseSource noise,
        double[] times,
        Predictor predictor,
        Corrector corrector) {

    public SamplingContext {
        Objects.requireNonNull(sde, "sde");
        Objects.requireNonNull(score, "score");
        Objects.requireNonNull(cond, "cond");
        Objects.requireNonNull(noise, "noise");
        Objects.requireNonNull(predictor, "predictor");
        Objects.requireNonNull(corrector, "corrector");
        times = times.clone();
        if (times.length < 2) {
            throw new IllegalArgumentException("time grid needs at least 2 points");
        }
    }

    /** A copy of the grid. */
    @Override
    public double[] times() {
        return times.clone();
    }

    /** Time {@code i} of the grid. */
    public double time(int i) {
        return times[i];
    }

    /** The number of steps of the grid. */
    public int steps() {
        return times.length - 1;
    }

    /** The same context with another noise source and conditioning (for one batch of a run). */
    public SamplingContext forBatch(NoiseSource batchNoise, Conditioning batchCond) {
        return new SamplingContext(sde, score, batchCond, batchNoise, times, predictor, corrector);
    }

    /** The same context with another score function (e.g. one that counts evaluations). */
    public SamplingContext withScore(ScoreFunction other) {
        return new SamplingContext(sde, other, cond, noise, times, predictor, corrector);
    }
}
