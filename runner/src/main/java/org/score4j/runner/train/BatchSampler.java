package org.score4j.runner.train;

import java.util.SplittableRandom;

/**
 * Which examples each training batch uses: the examples are visited epoch by epoch, each epoch in its own
 * order, a Fisher–Yates permutation drawn from a {@link SplittableRandom} seeded with the run's data seed and
 * the epoch number. Position p of the run (p = (k−1)·B + row for row {@code row} of iteration k) takes example
 * perm_{p / N}[p mod N], so the batch of any iteration is a pure function of the seed and the iteration:
 * a resumed run draws exactly what an uninterrupted one would. Public so that a loop outside the {@link Trainer}
 * (the training baseline of {@code score4j bench-unet}) can draw the trainer's batches. Not thread-safe (it
 * caches one permutation).
 */
public final class BatchSampler {
    private final int size;
    private final long seed;
    private long epoch = -1;
    private int[] perm;

    /**
     * @param size the number of examples N
     * @param seed the data seed ({@code Seeds.derive(runSeed, Seeds.DATA)} in a training run)
     */
    public BatchSampler(int size, long seed) {
        this.size = size;
        this.seed = seed;
    }

    /** The examples at positions {@code first … first + count − 1}. */
    public int[] indices(long first, int count) {
        int[] out = new int[count];
        for (int i = 0; i < count; i++) {
            long p = first + i;
            long e = p / size;
            if (e != epoch) {
                perm = permutation(e);
                epoch = e;
            }
            out[i] = perm[(int) (p % size)];
        }
        return out;
    }

    private int[] permutation(long e) {
        int[] p = new int[size];
        for (int i = 0; i < size; i++) {
            p[i] = i;
        }
        SplittableRandom r = new SplittableRandom(Seeds.derive(seed, e));
        for (int i = size - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
