/**
 * Trainable score networks on DJL: the {@code mlp} model ({@link org.score4j.model.nn.MlpModelFactory}) for
 * vector data, its time embeddings, seeded parameter initialization and the reading of training checkpoints.
 */
package org.score4j.model.nn;
