/**
 * Trainable networks on DJL: the score models {@code mlp} ({@link org.score4j.model.nn.MlpModelFactory}) for
 * vector data and {@code unet} ({@link org.score4j.model.nn.UNetModelFactory}) for images, which share their
 * parameters' seeded initialization, saving and loading, the reading of training checkpoints and the score
 * function; their layers (time embeddings, group normalization, residual and attention blocks); and the
 * classifiers ({@link org.score4j.model.nn.Classifier}, {@link org.score4j.model.nn.ClassifierArchitecture},
 * {@link org.score4j.model.nn.ClassifierCheckpoint}) used by {@code score4j evaluate} (clean) and by classifier
 * guidance (noisy, time-conditioned, written by {@code score4j train-classifier}); and
 * {@link org.score4j.model.nn.Autograd}, the gradient through a network that sampling takes (classifier guidance,
 * {@code dps}) under one process-wide lock; and {@link org.score4j.model.nn.GraphConstants}, the constants from
 * Java data that a differentiated computation may keep (in memory the engine owns).
 */
package org.score4j.model.nn;
