package org.score4j.runner.eval;

import java.util.ArrayList;
import java.util.List;

/**
 * How many examples a classifier assigns to each class (the arg-max of its probabilities), and the entropy of
 * that distribution: H = −Σ_k p_k·ln p_k in nats, p_k = count_k / n, with 0·ln 0 = 0. H = ln K when every class
 * is equally frequent and 0 when all examples fall in one class (mode collapse). Immutable.
 *
 * @param counts one count per class
 */
public record ClassHistogram(long[] counts) {
    public ClassHistogram {
        counts = counts.clone();
        for (long c : counts) {
            if (c < 0) {
                throw new IllegalArgumentException("negative count " + c);
            }
        }
    }

    /** The histogram of {@code predicted} class indices over {@code classes} classes. */
    public static ClassHistogram of(int[] predicted, int classes) {
        long[] c = new long[classes];
        for (int p : predicted) {
            c[p]++;
        }
        return new ClassHistogram(c);
    }

    /** The total count n. */
    public long total() {
        long n = 0;
        for (long c : counts) {
            n += c;
        }
        return n;
    }

    /** The entropy in nats (0 for an empty histogram). */
    public double entropy() {
        long n = total();
        double h = 0;
        for (long c : counts) {
            if (c > 0) {
                double p = (double) c / n;
                h -= p * Math.log(p);
            }
        }
        return h;
    }

    /** ln K, the entropy of a uniform histogram over the K classes. */
    public double maxEntropy() {
        return Math.log(counts.length);
    }

    /** The counts as a list (for JSON). */
    public List<Long> toList() {
        List<Long> l = new ArrayList<>(counts.length);
        for (long c : counts) {
            l.add(c);
        }
        return l;
    }

    @Override
    public long[] counts() {
        return counts.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ClassHistogram h && java.util.Arrays.equals(counts, h.counts);
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(counts);
    }

    @Override
    public String toString() {
        return java.util.Arrays.toString(counts);
    }
}
