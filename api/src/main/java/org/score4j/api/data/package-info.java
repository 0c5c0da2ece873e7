/**
 * Training data: {@link org.score4j.api.data.Dataset data sets} that data plugins create (the {@code data}
 * plugin kind, {@link org.score4j.api.plugin.DatasetFactory}), and the {@link org.score4j.api.data.DataScaling
 * scaling} that maps stored values to the space a model is trained in.
 */
package org.score4j.api.data;
