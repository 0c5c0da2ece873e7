package org.score4j.runner.cli;

import ai.djl.ndarray.types.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.score4j.api.ConfigException;
import org.score4j.api.UnknownPluginException;
import org.score4j.api.data.DataScaling;
import org.score4j.api.data.Dataset;
import org.score4j.api.plugin.ConfigKey;
import org.score4j.api.plugin.DatasetFactory;
import org.score4j.api.pipeline.PluginRef;
import org.score4j.runner.eval.Evaluator;
import org.score4j.runner.train.Trainer;

/**
 * The rows a command reads from {@code --data}: a {@code .npy} file (values as stored, units unknown) or a data
 * plugin named by {@code --data NAME} and configured with {@code --set data.key=value}, read in its stored units
 * (e.g. [0, 255] for {@code mnist}) with its {@link DataScaling}. As for {@code score4j likelihood}, a data set
 * whose {@code split} defaults to {@code train} is read with {@code split=test} unless told otherwise.
 *
 * @param rows the rows, in the stored units
 * @param scaling the data set's scaling (stored → model space), or {@code null} for a file
 * @param source what was read: the file, or {@code data NAME {settings}}
 */
record DataRows(FlowSetup.Data rows, DataScaling scaling, String source) {
    /**
     * Resolves {@code --data}.
     *
     * @param data the flag's value
     * @param settings the {@code --set data.*} entries (key → value)
     * @param datasets the data plugins
     */
    static DataRows resolve(String data, Map<String, String> settings, Map<String, DatasetFactory> datasets) {
        Path file = LikelihoodInput.asFile(data);
        if (file != null && Files.exists(file)) {
            if (!settings.isEmpty()) {
                throw new ConfigException("--set data." + settings.keySet().iterator().next() + " applies to a "
                        + "data set named by --data (e.g. --data mnist), not to the file " + data);
            }
            return new DataRows(FlowSetup.readRows(file, "--data"), null, file.toString());
        }
        DatasetFactory factory = datasets.get(data);
        if (factory == null) {
            if (file != null && (data.endsWith(".npy") || data.contains("/"))) {
                throw new ConfigException("--data " + data + ": no such file and no data set of that name; give a "
                        + ".npy file or a data set: " + String.join(", ", new TreeMap<>(datasets).keySet()));
            }
            throw new UnknownPluginException("data", data, datasets.keySet());
        }
        Map<String, String> effective = new TreeMap<>(settings);
        ConfigKey split = factory.configKeys().get("split");
        if (split != null && "train".equals(split.defaultValue()) && split.choices().contains("test")) {
            effective.putIfAbsent("split", "test");
        }
        PluginRef ref = new PluginRef(data, effective);
        String source = "data " + data + " " + Trainer.effective("data", factory, ref);
        try (Dataset set = Evaluator.createDataset(factory, ref)) {
            DataScaling scaling = set.scaling();
            // not rounded: the stored values come back from float32 model-space values within float32 precision
            // (bytes within 1e-5 of their level), and a file of byte-scaled floats need not hold integers
            double[] stored = LikelihoodInput.stored(set, scaling, false);
            long[] shape = new Shape(set.size()).addAll(set.sampleShape()).getShape();
            if (set.size() == 0) {
                throw new ConfigException("data '" + data + "' " + effective + " holds no examples");
            }
            return new DataRows(new FlowSetup.Data(null, stored, shape), scaling, source);
        }
    }
}
