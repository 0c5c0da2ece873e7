package org.score4j.api.plugin;

import org.score4j.api.data.Dataset;

/**
 * Creates a training data set ({@code --data}; configured with {@code --set data.key=value}). A factory that
 * reads a file names it with a {@link ConfigType#PATH} key, reports a missing or malformed file as a
 * {@link org.score4j.api.ConfigException} naming the key and the file, and offers a train/test split through
 * keys of its own.
 */
public interface DatasetFactory extends PluginFactory<Dataset> {}
