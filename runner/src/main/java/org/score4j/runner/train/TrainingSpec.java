package org.score4j.runner.train;

import java.util.Objects;
import org.score4j.api.ConfigException;
import org.score4j.api.pipeline.PluginRef;

/**
 * What defines a training run — the data, the model, the forward SDE and the optimization's settings — all of
 * which a resumed run must keep. Immutable; validated on construction.
 *
 * @param data the data plugin ({@code --data})
 * @param model the model plugin ({@code --model}); it must create a
 *     {@link org.score4j.api.model.TrainableScoreModel}
 * @param sde the forward SDE ({@code --sde}); training draws t ~ U[sde.t0(), sde.tEnd()]
 * @param batchSize examples per iteration (&gt; 0)
 * @param learningRate Adam's learning rate (&gt; 0)
 * @param emaDecay the decay of the weights' moving average, in [0, 1)
 * @param seed the run seed: parameter initialization, data order and noise all derive from it
 * @param loss the objective
 * @param gradClip the maximum global gradient norm (score_sde's {@code grad_clip}); 0 disables clipping
 * @param warmup iterations of linear learning-rate warm-up (score_sde's {@code warmup}); 0 for none
 * @param condDropout the probability P, in [0, 1), with which a class-conditional model's training replaces an
 *     example's label by the null label (Ho &amp; Salimans 2022, §3.2), so that one network learns the
 *     conditional and the unconditional score; above 0 it makes an mlp-like model whose {@code num_classes}
 *     is not set class-conditional with the data set's class count. 0 for none
 */
public record TrainingSpec(
        PluginRef data,
        PluginRef model,
        PluginRef sde,
        int batchSize,
        double learningRate,
        double emaDecay,
        long seed,
        ScoreMatchingLoss loss,
        double gradClip,
        int warmup,
        double condDropout) {

    /** Defaults: 256 examples per batch, learning rate 1e-3, EMA 0.999, seed 0, DSM, clipping at 1. */
    public static final int DEFAULT_BATCH = 256;
    public static final double DEFAULT_LR = 1e-3;
    public static final double DEFAULT_EMA = 0.999;
    public static final double DEFAULT_GRAD_CLIP = 1.0;

    public TrainingSpec {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(sde, "sde");
        Objects.requireNonNull(loss, "loss");
        if (batchSize <= 0) {
            throw new ConfigException("batch size must be a positive integer, got " + batchSize);
        }
        if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
            throw new ConfigException("learning rate must be a positive number, got " + learningRate);
        }
        if (!(emaDecay >= 0 && emaDecay < 1)) {
            throw new ConfigException("EMA decay must be in [0, 1), got " + emaDecay);
        }
        if (!(gradClip >= 0) || !Double.isFinite(gradClip)) {
            throw new ConfigException("gradient clipping must be a number >= 0 (0 disables it), got " + gradClip);
        }
        if (warmup < 0) {
            throw new ConfigException("warm-up must be an integer >= 0, got " + warmup);
        }
        if (!(condDropout >= 0 && condDropout < 1)) {
            throw new ConfigException("label dropout (--cond-dropout) must be in [0, 1), got " + condDropout);
        }
    }

    /**
     * The 2-D recipe: 10,000 draws of the built-in Gaussian mixture ({@code gmm-samples}), the {@code mlp}
     * model, the VP SDE, and the defaults above.
     */
    public static TrainingSpec defaults() {
        return new TrainingSpec(PluginRef.of("gmm-samples"), PluginRef.of("mlp"), PluginRef.of("vp"), DEFAULT_BATCH,
                DEFAULT_LR, DEFAULT_EMA, 0, ScoreMatchingLoss.DSM, DEFAULT_GRAD_CLIP, 0, 0);
    }

    public TrainingSpec withData(PluginRef v) {
        return new TrainingSpec(v, model, sde, batchSize, learningRate, emaDecay,
                seed, loss, gradClip, warmup, condDropout);
    }

    public TrainingSpec withModel(PluginRef v) {
        return new TrainingSpec(data, v, sde, batchSize, learningRate, emaDecay,
                seed, loss, gradClip, warmup, condDropout);
    }

    public TrainingSpec withSde(PluginRef v) {
        return new TrainingSpec(data, model, v, batchSize, learningRate, emaDecay,
                seed, loss, gradClip, warmup, condDropout);
    }

    public TrainingSpec withBatchSize(int v) {
        return new TrainingSpec(data, model, sde, v, learningRate, emaDecay, seed, loss, gradClip, warmup, condDropout);
    }

    public TrainingSpec withLearningRate(double v) {
        return new TrainingSpec(data, model, sde, batchSize, v, emaDecay, seed, loss, gradClip, warmup, condDropout);
    }

    public TrainingSpec withEmaDecay(double v) {
        return new TrainingSpec(data, model, sde, batchSize, learningRate, v,
                seed, loss, gradClip, warmup, condDropout);
    }

    public TrainingSpec withSeed(long v) {
        return new TrainingSpec(data, model, sde, batchSize, learningRate, emaDecay,
                v, loss, gradClip, warmup, condDropout);
    }

    public TrainingSpec withLoss(ScoreMatchingLoss v) {
        return new TrainingSpec(data, model, sde, batchSize, learningRate, emaDecay,
                seed, v, gradClip, warmup, condDropout);
    }

    public TrainingSpec withGradClip(double v) {
        return new TrainingSpec(data, model, sde, batchSize, learningRate, emaDecay,
                seed, loss, v, warmup, condDropout);
    }

    public TrainingSpec withWarmup(int v) {
        return new TrainingSpec(data, model, sde, batchSize, learningRate, emaDecay,
                seed, loss, gradClip, v, condDropout);
    }

    public TrainingSpec withCondDropout(double v) {
        return new TrainingSpec(data, model, sde, batchSize, learningRate, emaDecay, seed, loss, gradClip, warmup, v);
    }
}

