/**
 * Data plugins for training: {@code npy} ({@link org.score4j.model.data.NpyDatasetFactory}), any NumPy file of
 * vectors or images, and {@code gmm-samples} ({@link org.score4j.model.data.GmmSamplesFactory}), draws from a
 * Gaussian mixture. Both keep their examples in memory ({@link org.score4j.model.data.ArrayDataset}) and offer
 * a seeded train/test split ({@link org.score4j.model.data.Split}).
 */
package org.score4j.model.data;
