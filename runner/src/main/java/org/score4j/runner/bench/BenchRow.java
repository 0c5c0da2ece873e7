package org.score4j.runner.bench;

import java.util.Arrays;
import java.util.List;

/**
 * The measurements of one sampler at one intra-op thread count.
 *
 * @param sampler the sampler
 * @param threads PyTorch intra-op threads during the runs
 * @param n samples per run
 * @param batches batches per run
 * @param steps solver steps per batch (the grid steps, or the adaptive solver's own count)
 * @param nfe score evaluations per run (counted by the runner)
 * @param runnerSeconds wall time of each timed runner run
 * @param bareSeconds wall time of each timed bare-loop run; empty when the sampler has no bare loop
 * @param runnerCpuSeconds CPU time of the process (all threads) during each timed runner run
 * @param bareCpuSeconds CPU time of the process during each timed bare-loop run
 * @param maxAbsDiff the largest difference between the runner's and the bare loop's samples (NaN without a
 *     bare loop)
 */
public record BenchRow(BenchSampler sampler, int threads, int n, int batches, int steps, long nfe,
        List<Double> runnerSeconds, List<Double> bareSeconds, List<Double> runnerCpuSeconds,
        List<Double> bareCpuSeconds, double maxAbsDiff) {

    public BenchRow {
        runnerSeconds = List.copyOf(runnerSeconds);
        bareSeconds = List.copyOf(bareSeconds);
        runnerCpuSeconds = List.copyOf(runnerCpuSeconds);
        bareCpuSeconds = List.copyOf(bareCpuSeconds);
    }

    /** The median wall time of the runner, seconds. */
    public double wallSeconds() {
        return median(runnerSeconds);
    }

    /** Samples per second at the median wall time. */
    public double samplesPerSecond() {
        return n / wallSeconds();
    }

    /** Whether a bare loop was measured. */
    public boolean hasBare() {
        return !bareSeconds.isEmpty();
    }

    /** The median wall time of the bare loop, seconds (NaN without one). */
    public double bareWallSeconds() {
        return hasBare() ? median(bareSeconds) : Double.NaN;
    }

    /** The runner's overhead over the bare loop, median runner time / median bare time − 1, in percent. */
    public double overheadPercent() {
        return 100 * (wallSeconds() / bareWallSeconds() - 1);
    }

    /** The same overhead per solver step (of each batch), microseconds. */
    public double overheadMicrosPerStep() {
        return (wallSeconds() - bareWallSeconds()) * 1e6 / ((double) steps * batches);
    }

    /**
     * The overhead measured in CPU time of the process instead of wall time, in percent: less sensitive to
     * other load on the machine (with one intra-op thread it is the work done), but with several threads it
     * also counts the time the engine's worker threads spin while the sampling thread runs serial code.
     */
    public double cpuOverheadPercent() {
        return hasBare() ? 100 * (median(runnerCpuSeconds) / median(bareCpuSeconds) - 1) : Double.NaN;
    }

    /** The median of {@code values} (the mean of the middle two for an even count). */
    static double median(List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(v);
        int m = v.length / 2;
        return v.length % 2 == 1 ? v[m] : (v[m - 1] + v[m]) / 2;
    }
}
