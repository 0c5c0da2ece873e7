/**
 * Sample-quality measures for images ({@code score4j evaluate}): a classifier trained on the real data
 * ({@link org.score4j.runner.eval.Evaluator}, with its cache), the Fréchet distance between Gaussian fits of its
 * penultimate features ({@link org.score4j.runner.eval.FrechetDistance}), its mean top-class probability and the
 * entropy of its class histogram ({@link org.score4j.runner.eval.ClassHistogram}).
 */
package org.score4j.runner.eval;
