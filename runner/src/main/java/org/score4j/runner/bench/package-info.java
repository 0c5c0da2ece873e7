/**
 * The benchmarks behind {@code score4j bench} and {@code score4j bench-unet}.
 *
 * <p>{@code bench}: the samplers it measures ({@link org.score4j.runner.bench.BenchSampler}), their hand-written
 * baselines ({@link org.score4j.runner.bench.BareLoops}), the timing method
 * ({@link org.score4j.runner.bench.Benchmark}) and the resulting table ({@link org.score4j.runner.bench.BenchTable}).
 *
 * <p>{@code bench-unet}: training through the {@link org.score4j.runner.train.Trainer} against a bare DJL training
 * loop ({@link org.score4j.runner.bench.BareTraining}), U-Net sampling, and resident memory over a long training
 * run ({@link org.score4j.runner.bench.UNetBenchmark}, {@link org.score4j.runner.bench.UNetBenchTable}).
 *
 * <p>Overheads are measured against the bare loops in the same process, so both see the same machine state.
 * Nothing here depends on Guice or Vert.x.
 */
package org.score4j.runner.bench;
