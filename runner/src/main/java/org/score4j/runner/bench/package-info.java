/**
 * The benchmark behind {@code score4j bench}: the samplers it measures ({@link org.score4j.runner.bench.BenchSampler}),
 * their hand-written baselines ({@link org.score4j.runner.bench.BareLoops}), the timing method
 * ({@link org.score4j.runner.bench.Benchmark}) and the resulting table ({@link org.score4j.runner.bench.BenchTable}).
 * The runner's overhead is measured against the bare loops in the same process, so both see the same machine
 * state. Nothing here depends on Guice or Vert.x.
 */
package org.score4j.runner.bench;
