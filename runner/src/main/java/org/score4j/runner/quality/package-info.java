/**
 * Sample quality against a known target: distribution checks of generated samples
 * ({@link org.score4j.runner.quality.Distributions}: sliced Wasserstein distance in units of its noise floor,
 * mixture weights and spreads), runs of sampling pipelines on Gaussian mixtures with exact score compared with
 * those mixtures ({@link org.score4j.runner.quality.MixtureQuality}), and the quality-versus-NFE benchmark behind
 * {@code score4j bench-quality} ({@link org.score4j.runner.quality.QualityVsNfe},
 * {@link org.score4j.runner.quality.QualityVsNfePlot}). Nothing here depends on Guice or Vert.x.
 */
package org.score4j.runner.quality;
