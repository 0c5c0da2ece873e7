/**
 * Trainable networks on DJL: the {@code mlp} score model ({@link org.score4j.model.nn.MlpModelFactory}) for
 * vector data, its time embeddings, seeded parameter initialization and the reading of training checkpoints;
 * and the classifiers ({@link org.score4j.model.nn.Classifier}, {@link org.score4j.model.nn.ClassifierArchitecture},
 * {@link org.score4j.model.nn.ClassifierCheckpoint}) used by {@code score4j evaluate} (clean) and by classifier
 * guidance (noisy, time-conditioned, written by {@code score4j train-classifier}).
 */
package org.score4j.model.nn;
