package org.score4j.runner.bench;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.score4j.api.ConfigException;
import org.score4j.api.pipeline.PluginRef;
import org.score4j.runner.train.ScoreMatchingLoss;
import org.score4j.runner.train.TrainingSpec;

/**
 * What {@code score4j bench-unet} measures (see {@link UNetBenchmark}).
 *
 * @param model the image model to train and sample (a {@code unet} reference; see {@link #unet})
 * @param data where the training images come from
 * @param batch images per training iteration
 * @param iterations iterations of each timed training run; the timed window is iterations
 *     {@code logEvery + 1 … iterations}
 * @param logEvery the trainer's metrics interval; the window starts at its first metrics line
 * @param repeats timed runs of the trainer and of the bare loop per thread count; the tables report medians
 * @param threads intra-op thread counts to measure in turn; empty: the engine's current setting only
 * @param warmupIterations iterations of the untimed warm-up run of the trainer and of the bare loop per thread
 *     count (0: none)
 * @param sampleN images per sampling run (one batch)
 * @param sampleSteps grid steps of each sampling run ({@code ode} Euler: one score evaluation per step)
 * @param memorySteps training iterations of the memory run (0: no memory run)
 * @param memoryBatch images per iteration of the memory run
 * @param memoryModel the model of the memory run (a smaller one than {@code model}, to make thousands of
 *     iterations affordable; same image shape)
 * @param seed the training and sampling seed
 */
public record UNetBenchPlan(PluginRef model, Data data, int batch, int iterations, int logEvery, int repeats,
        List<Integer> threads, int warmupIterations, int sampleN, int sampleSteps, int memorySteps, int memoryBatch,
        PluginRef memoryModel, long seed) {
    /** The MNIST recipe's U-Net (docs/training.md): base 16, channel_mult 1,2,4, attention at 7×7, 8 groups. */
    public static final int DEFAULT_BASE_CHANNELS = 16;
    public static final String DEFAULT_CHANNEL_MULT = "1,2,4";
    public static final String DEFAULT_ATTENTION = "7";
    public static final int DEFAULT_GROUPS = 8;
    /** The recipe's optimization: ε-loss, Adam at 1e-3 with 100 warm-up iterations, EMA 0.999, clipping at 1. */
    public static final double LEARNING_RATE = 1e-3;
    public static final int WARMUP = 100;
    public static final double EMA = 0.999;
    /** The base channels of the memory run's U-Net (the benchmark model's other settings). */
    public static final int DEFAULT_MEMORY_BASE_CHANNELS = 8;
    /** Images of the synthetic data set. */
    public static final int SYNTHETIC_SIZE = 1024;
    /** Examples of {@code mnist} used ({@code data.limit}): loading the whole set would only slow the setup. */
    public static final int MNIST_LIMIT = 10_000;

    /** The source of the training images. */
    public enum Data {
        /**
         * {@value #SYNTHETIC_SIZE} images of the model's shape with pixels drawn uniformly from 0..255 (seeded),
         * written to a temporary {@code .npy} and read by the {@code npy} plugin with {@code scale=bytes}: the
         * cost of a training step does not depend on the pixels, and no data set needs to be present.
         */
        SYNTHETIC,
        /** The first {@value #MNIST_LIMIT} training images of {@code mnist} ({@code score4j data fetch mnist}). */
        MNIST;

        /** The name used on the command line. */
        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }

        /**
         * The source named {@code word}.
         *
         * @throws ConfigException naming the allowed words
         */
        public static Data of(String word) {
            for (Data d : values()) {
                if (d.word().equals(word.trim().toLowerCase(Locale.ROOT))) {
                    return d;
                }
            }
            throw new ConfigException("unknown data '" + word + "'; expected synthetic or mnist");
        }
    }

    public UNetBenchPlan {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(memoryModel, "memoryModel");
        threads = List.copyOf(threads);
        positive("batch", batch);
        positive("log interval", logEvery);
        positive("repeats", repeats);
        positive("sampling images", sampleN);
        positive("sampling steps", sampleSteps);
        positive("memory-run batch", memoryBatch);
        if (iterations <= logEvery) {
            throw new ConfigException("iterations must exceed the log interval " + logEvery + " (the timed window "
                    + "starts at the first metrics line), got " + iterations);
        }
        if (warmupIterations < 0) {
            throw new ConfigException("warm-up iterations must be 0 or more, got " + warmupIterations);
        }
        if (memorySteps < 0) {
            throw new ConfigException("memory-run steps must be 0 (no memory run) or more, got " + memorySteps);
        }
        if (memorySteps > 0 && memorySteps < 20) {
            throw new ConfigException("memory-run steps must be at least 20 (RSS is read at 20 points), got "
                    + memorySteps);
        }
        for (int t : threads) {
            if (t < 1) {
                throw new ConfigException("threads must be positive integers, got " + t);
            }
        }
        if (threads.stream().distinct().count() != threads.size()) {
            throw new ConfigException("threads lists a count twice: " + threads);
        }
    }

    private static void positive(String what, int v) {
        if (v < 1) {
            throw new ConfigException(what + " must be a positive integer, got " + v);
        }
    }

    /** A {@code unet} on 1×28×28 images with the given level layout (the other keys at their defaults). */
    public static PluginRef unet(int baseChannels, String channelMult, String attentionResolutions, int groups) {
        return PluginRef.of("unet").with("channels", "1,28,28").with("base_channels", Integer.toString(baseChannels))
                .with("channel_mult", channelMult).with("attention_resolutions", attentionResolutions)
                .with("groups", Integer.toString(groups));
    }

    /** The MNIST recipe's U-Net. */
    public static PluginRef recipeUNet() {
        return unet(DEFAULT_BASE_CHANNELS, DEFAULT_CHANNEL_MULT, DEFAULT_ATTENTION, DEFAULT_GROUPS);
    }

    /** The training run of the benchmark on {@code dataRef}: the recipe's settings, VP, this plan's batch and seed. */
    public TrainingSpec trainingSpec(PluginRef dataRef) {
        return TrainingSpec.defaults().withData(dataRef).withModel(model).withSde(PluginRef.of("vp"))
                .withBatchSize(batch).withLearningRate(LEARNING_RATE).withEmaDecay(EMA).withWarmup(WARMUP)
                .withLoss(ScoreMatchingLoss.EPSILON).withSeed(seed);
    }
}
