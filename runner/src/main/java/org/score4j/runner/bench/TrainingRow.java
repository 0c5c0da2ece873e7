package org.score4j.runner.bench;

import java.util.List;

/**
 * The training measurements of {@code score4j bench-unet} at one intra-op thread count: the
 * {@link org.score4j.runner.train.Trainer} against the {@link BareTraining bare loop}, over the same timed window
 * of iterations.
 *
 * @param threads PyTorch intra-op threads during the runs
 * @param batch images per iteration
 * @param timedSteps iterations in the timed window of each run
 * @param window iterations between the trainer's metrics lines: the timed window of a run is cut into windows
 *     of this many iterations (the last one possibly shorter), each measured on its own
 * @param trainerSeconds wall seconds per iteration of every window of every timed trainer run
 * @param bareSeconds the same for the bare runs
 * @param trainerCpuSeconds CPU seconds of the process (all threads) per iteration of every window of every trainer
 *     run
 * @param bareCpuSeconds the same for the bare runs
 * @param lossDiff the largest difference between the losses the trainer and the bare loop reported at the same
 *     iterations of their first timed runs (0 when they compute the same thing)
 * @param sameWeights whether the averaged weights at the end of those runs are the same bits
 */
public record TrainingRow(int threads, int batch, int timedSteps, int window, List<Double> trainerSeconds,
        List<Double> bareSeconds, List<Double> trainerCpuSeconds, List<Double> bareCpuSeconds, double lossDiff,
        boolean sameWeights) {

    public TrainingRow {
        trainerSeconds = List.copyOf(trainerSeconds);
        bareSeconds = List.copyOf(bareSeconds);
        trainerCpuSeconds = List.copyOf(trainerCpuSeconds);
        bareCpuSeconds = List.copyOf(bareCpuSeconds);
    }

    /** The trainer's median wall seconds per iteration (median over windows). */
    public double secondsPerStep() {
        return BenchRow.median(trainerSeconds);
    }

    /** The bare loop's median wall seconds per iteration (median over windows). */
    public double bareSecondsPerStep() {
        return BenchRow.median(bareSeconds);
    }

    /** Training throughput through the trainer, images per second. */
    public double imagesPerSecond() {
        return batch / secondsPerStep();
    }

    /** Training throughput of the bare loop, images per second. */
    public double bareImagesPerSecond() {
        return batch / bareSecondsPerStep();
    }

    /** The trainer's overhead, median trainer time / median bare time − 1, in percent. */
    public double overheadPercent() {
        return 100 * (secondsPerStep() / bareSecondsPerStep() - 1);
    }

    /** The same overhead per iteration, milliseconds. */
    public double overheadMillisPerStep() {
        return (secondsPerStep() - bareSecondsPerStep()) * 1e3;
    }

    /**
     * The overhead between the fastest windows, min trainer time / min bare time − 1, in percent: on a machine
     * shared with other work the fastest window of each loop is the one least slowed down by it.
     */
    public double fastestOverheadPercent() {
        double t = trainerSeconds.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
        double b = bareSeconds.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
        return 100 * (t / b - 1);
    }

    /** The overhead measured in CPU time of the process instead of wall time, in percent. */
    public double cpuOverheadPercent() {
        return 100 * (BenchRow.median(trainerCpuSeconds) / BenchRow.median(bareCpuSeconds) - 1);
    }
}
