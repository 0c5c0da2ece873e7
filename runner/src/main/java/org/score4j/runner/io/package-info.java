/**
 * The runner's file and terminal input/output: NumPy {@code .npy} arrays ({@link org.score4j.runner.io.Npy}),
 * atomic output files ({@link org.score4j.runner.io.AtomicFiles}), sample plots
 * ({@link org.score4j.runner.io.ScatterPlot}), JSON and provenance records ({@link org.score4j.runner.io.Json},
 * {@link org.score4j.runner.io.Provenance}), run events as JSON ({@link org.score4j.runner.io.RunEventJson},
 * {@link org.score4j.runner.io.EventLog}), pipeline files ({@link org.score4j.runner.io.PipelineFile}) and the
 * terminal progress bar ({@link org.score4j.runner.io.ProgressBar}).
 *
 * <p>Every user-facing failure is a {@link org.score4j.api.Score4jException} (a
 * {@link org.score4j.api.ConfigException} for invalid configuration) with a one-line message naming the file
 * at fault. Output files are written to a temporary file and moved into place, so they appear complete or not
 * at all. Nothing here depends on Guice or Vert.x.
 */
package org.score4j.runner.io;
