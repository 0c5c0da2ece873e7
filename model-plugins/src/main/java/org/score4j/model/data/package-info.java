/**
 * Data plugins for training and evaluation: {@code npy} ({@link org.score4j.model.data.NpyDatasetFactory}), any
 * NumPy file of vectors or images; {@code gmm-samples} ({@link org.score4j.model.data.GmmSamplesFactory}), draws
 * from a Gaussian mixture; {@code mnist} and {@code fashion-mnist}
 * ({@link org.score4j.model.data.IdxImagesFactory}), the IDX files of the real data sets with their official
 * train/test split. The first two keep their examples as floats ({@link org.score4j.model.data.ArrayDataset})
 * with a seeded train/test split ({@link org.score4j.model.data.Split}); the image sets keep bytes
 * ({@link org.score4j.model.data.ByteImageDataset}). {@link org.score4j.model.data.DataRoot} is the folder of
 * downloaded data sets and caches.
 */
package org.score4j.model.data;
