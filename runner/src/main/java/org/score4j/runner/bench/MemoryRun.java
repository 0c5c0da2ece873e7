package org.score4j.runner.bench;

import java.util.List;

/**
 * The long training run of {@code score4j bench-unet --memory-steps N}: the process's resident memory read at
 * 20 points of a run of the {@link org.score4j.runner.train.Trainer} (after garbage collections that let the
 * cleaners of released direct buffers run), with the
 * number of arrays alive in DJL's managers.
 *
 * @param threads PyTorch intra-op threads during the run
 * @param batch images per iteration
 * @param steps iterations of the run
 * @param checkpointEvery the run's checkpoint interval (checkpoints are part of what must not leak)
 * @param parameters the parameter count of the run's model
 * @param points the readings, in order
 * @param seconds wall time of the run
 */
public record MemoryRun(int threads, int batch, int steps, int checkpointEvery, long parameters, List<Point> points,
        double seconds) {
    /** Readings before this fraction of the run count as warm-up. */
    public static final double WARMUP_FRACTION = 0.2;

    /**
     * One reading.
     *
     * @param iteration the iterations done
     * @param residentKb the resident set size of the process, kB
     * @param heapKb the Java heap's committed size at the same time, kB
     * @param arrays the arrays alive in all of DJL's managers
     */
    public record Point(int iteration, long residentKb, long heapKb, int arrays) {
        /** Resident memory the Java heap does not account for, kB. */
        public long nativeKb() {
            return residentKb - heapKb;
        }
    }

    public MemoryRun {
        points = List.copyOf(points);
        if (points.isEmpty()) {
            throw new IllegalArgumentException("a memory run needs readings");
        }
    }

    /** The first reading after the warm-up (at or after {@value #WARMUP_FRACTION} of the run). */
    public Point afterWarmup() {
        for (Point p : points) {
            if (p.iteration() >= WARMUP_FRACTION * steps) {
                return p;
            }
        }
        return points.get(points.size() - 1);
    }

    /** The last reading. */
    public Point last() {
        return points.get(points.size() - 1);
    }

    /** Resident growth from the end of the warm-up to the end, kB. */
    public long growthKb() {
        return last().residentKb() - afterWarmup().residentKb();
    }

    /** The growth of resident memory outside the heap over the same span, kB. */
    public long nativeGrowthKb() {
        return last().nativeKb() - afterWarmup().nativeKb();
    }

    /**
     * The least-squares slope of resident memory against iterations over the readings after the warm-up, kB per
     * 1000 iterations (NaN with fewer than two readings).
     */
    public double slopeKbPer1000() {
        List<Point> after = afterWarmupPoints();
        int n = after.size();
        if (n < 2) {
            return Double.NaN;
        }
        double mx = 0;
        double my = 0;
        for (Point p : after) {
            mx += p.iteration();
            my += p.residentKb();
        }
        mx /= n;
        my /= n;
        double sxy = 0;
        double sxx = 0;
        for (Point p : after) {
            sxy += (p.iteration() - mx) * (p.residentKb() - my);
            sxx += (p.iteration() - mx) * (p.iteration() - mx);
        }
        return 1000 * sxy / sxx;
    }

    /** The readings from the end of the warm-up on. */
    public List<Point> afterWarmupPoints() {
        int from = afterWarmup().iteration();
        return points.stream().filter(p -> p.iteration() >= from).toList();
    }

    /**
     * The mean resident size of the first and of the second half of the readings after the warm-up, kB (the
     * middle reading of an odd count in neither): a leak makes the second larger, the allocator's ups and downs
     * between readings average out.
     */
    public double[] halfMeansKb() {
        List<Point> after = afterWarmupPoints();
        int half = after.size() / 2;
        double a = 0;
        double b = 0;
        for (int i = 0; i < half; i++) {
            a += after.get(i).residentKb();
            b += after.get(after.size() - 1 - i).residentKb();
        }
        return half == 0 ? new double[] {Double.NaN, Double.NaN} : new double[] {a / half, b / half};
    }

    /** The smallest and largest resident size after the warm-up, kB. */
    public long[] residentRangeKb() {
        long lo = Long.MAX_VALUE;
        long hi = Long.MIN_VALUE;
        for (Point p : afterWarmupPoints()) {
            lo = Math.min(lo, p.residentKb());
            hi = Math.max(hi, p.residentKb());
        }
        return new long[] {lo, hi};
    }

    /** The fewest and most arrays alive after the warm-up. */
    public int[] arraysAfterWarmup() {
        int lo = Integer.MAX_VALUE;
        int hi = Integer.MIN_VALUE;
        for (Point p : points) {
            if (p.iteration() >= afterWarmup().iteration()) {
                lo = Math.min(lo, p.arrays());
                hi = Math.max(hi, p.arrays());
            }
        }
        return new int[] {lo, hi};
    }
}
