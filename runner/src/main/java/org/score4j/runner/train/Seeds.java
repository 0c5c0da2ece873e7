package org.score4j.runner.train;

/**
 * Independent seeds derived from the run seed, one per use (parameter initialization, data order, noise, label dropout), with
 * SplitMix64's finalizer. Public so that a loop outside the {@link Trainer} (the training baseline of
 * {@code score4j bench-unet}) can draw exactly what the trainer draws. Stateless.
 */
public final class Seeds {
    /** The seed of the model's parameter initialization. */
    public static final long INIT = 1;
    /** The seed of the data order. */
    public static final long DATA = 2;
    /** The seed of the per-example noise streams (times and perturbations). */
    public static final long NOISE = 3;
    /** The seed of the per-example label-dropout streams (class-conditional training). */
    public static final long LABELS = 4;

    private Seeds() {}

    /** A seed for {@code purpose} from {@code seed}. */
    public static long derive(long seed, long purpose) {
        return mix(mix(seed) + 0x9E3779B97F4A7C15L * (purpose + 1));
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
