package org.score4j.runner.train;

import org.score4j.api.noise.PerSampleNoise;

/**
 * Label dropout for classifier-free guidance (Ho &amp; Salimans 2022, §3.2, "p_uncond"): the label of the example
 * at position p of the run is replaced by the null label when the first uniform of p's own stream — a
 * {@link PerSampleNoise} stream of the run's label seed, not shared with the times and noise — is below the
 * probability P. Whether an example is dropped is thus a function of the seed and its position only: the same
 * for any batch size and in a resumed run. Immutable and thread-safe.
 */
final class LabelDropout {
    private final double probability;
    private final int nullLabel;
    private final long seed;

    /**
     * @param probability P in [0, 1); 0 drops nothing
     * @param nullLabel the label that replaces a dropped one (the model's class count K)
     * @param seed the seed of the dropout streams
     */
    LabelDropout(double probability, int nullLabel, long seed) {
        if (!(probability >= 0 && probability < 1)) {
            throw new IllegalArgumentException("dropout probability must be in [0, 1), got " + probability);
        }
        this.probability = probability;
        this.nullLabel = nullLabel;
        this.seed = seed;
    }

    /** The labels of positions {@code first … first + labels.length − 1}, dropped ones replaced (a copy). */
    int[] apply(int[] labels, long first) {
        int[] out = labels.clone();
        if (probability > 0) {
            double[] u = PerSampleNoise.create(seed, first, out.length).uniform();
            for (int i = 0; i < out.length; i++) {
                if (u[i] < probability) {
                    out[i] = nullLabel;
                }
            }
        }
        return out;
    }
}
