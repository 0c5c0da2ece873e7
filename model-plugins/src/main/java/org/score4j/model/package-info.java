/**
 * Score-model plugins of score4j — the exact Gaussian-mixture score ({@code gmm}) and trainable DJL networks
 * ({@code mlp}) — and the training data sets ({@code npy}, {@code gmm-samples});
 * {@link org.score4j.model.ModelPlugin} is the jar's entry point.
 */
package org.score4j.model;
