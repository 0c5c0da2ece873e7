package org.score4j.runner.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.score4j.api.ConfigException;
import org.score4j.api.Score4jException;
import org.score4j.api.UnknownPluginException;
import org.score4j.api.data.DataScaling;
import org.score4j.api.data.Dataset;
import org.score4j.api.plugin.ConfigKey;
import org.score4j.api.plugin.DatasetFactory;
import org.score4j.api.pipeline.PluginRef;
import org.score4j.runner.eval.Evaluator;
import org.score4j.runner.train.Trainer;

/**
 * The rows {@code score4j likelihood} measures, in the data's own units, with the map that takes them to the
 * model's space and the dequantization that applies.
 *
 * <p>{@code --data} names a {@code .npy} file or a data plugin ({@code mnist}, {@code fashion-mnist},
 * {@code npy}, …, configured with {@code --set data.key=value}; a plugin whose split defaults to {@code train}
 * — the official train/test split of {@code mnist} and {@code fashion-mnist} — is read with {@code split=test}
 * unless told otherwise; others with their own default, e.g. all rows of {@code npy}). The density is reported for the data's units:
 * <ul>
 *   <li>A data set's examples are mapped back to its stored units with its {@link DataScaling}; a byte data set
 *       (scaling {@link DataScaling#BYTES_TO_SYMMETRIC}, values 0..255) is dequantized with 256 levels unless
 *       {@code --dequantize} says otherwise. A model trained from a checkpoint must have been trained on data of
 *       the same scaling.</li>
 *   <li>A file holds values in the units the model's checkpoint records ({@code --scale data}, the default, as
 *       {@code score4j sample} writes them) or in model space ({@code --scale model}, or when the model records
 *       no scaling). With {@code --dequantize K} and no recorded scaling, value v becomes (v + u)/K, as
 *       before.</li>
 * </ul>
 * For model-space values x = a·y + b of data-unit values y, the reported NLL is that of y:
 * NLL_y = NLL_x − D·ln|a| (Jacobian of the affine map).
 *
 * @param rows the rows in the data's units
 * @param toModel the map from those units to the model's space
 * @param levels the dequantization levels, or {@code null} for none
 * @param source what was read, for messages and provenance ({@code the file} or {@code data NAME (settings)})
 * @param units {@code data} when values are in the data's units, {@code model} when in model space
 */
record LikelihoodInput(FlowSetup.Data rows, DataScaling toModel, Integer levels, String source, String units) {
    /** The number of byte levels of a byte data set. */
    static final int BYTE_LEVELS = 256;

    /** The NLL offset from model space to the data's units: −D·ln|a|. */
    double offsetNats() {
        return -rows.width() * Math.log(Math.abs(toModel.scale()));
    }

    /**
     * Resolves {@code --data}.
     *
     * @param data the flag's value
     * @param dataSettings the {@code --set data.*} entries (key → value)
     * @param scaleModel whether {@code --scale model} was given
     * @param dequantize the {@code --dequantize} levels, or {@code null}
     * @param checkpointScaling the scaling the model's checkpoint records, if any
     * @param sampleShape the model's sample shape
     * @param model the model's name, for messages
     * @param datasets the data plugins
     */
    static LikelihoodInput resolve(String data, Map<String, String> dataSettings, boolean scaleModel,
            Integer dequantize, Optional<DataScaling> checkpointScaling, Shape sampleShape, String model,
            Map<String, DatasetFactory> datasets) {
        Path file = asFile(data);
        if (file != null && !Files.exists(file) && !datasets.containsKey(data)) {
            throw new ConfigException("--data " + data + ": no such file and no data set of that name; give a .npy "
                    + "file or a data set: " + String.join(", ", new TreeMap<>(datasets).keySet()));
        }
        if (file != null && Files.exists(file)) {
            if (!dataSettings.isEmpty()) {
                throw new ConfigException("--set data." + dataSettings.keySet().iterator().next() + " applies to a "
                        + "data set named by --data (e.g. --data mnist), not to the file " + data);
            }
            FlowSetup.Data rows = FlowSetup.read(file, "--data", sampleShape, model);
            DataScaling map;
            String units;
            if (checkpointScaling.isPresent() && !scaleModel) {
                map = checkpointScaling.get();
                units = "data";
            } else {
                map = dequantize != null ? new DataScaling(1.0 / dequantize, 0) : DataScaling.IDENTITY;
                units = "model";
            }
            if (dequantize != null) {
                checkLevels(rows, dequantize, "--data " + file);
            }
            return new LikelihoodInput(rows, map, dequantize, file.toString(), units);
        }
        DatasetFactory factory = datasets.get(data);
        if (factory == null) {
            throw new UnknownPluginException("data", data, datasets.keySet());
        }
        if (scaleModel) {
            throw new ConfigException("--scale applies to a .npy file given as --data; data '" + data + "' is read in "
                    + "its own units");
        }
        Map<String, String> settings = new TreeMap<>(dataSettings);
        ConfigKey split = factory.configKeys().get("split");
        if (split != null && "train".equals(split.defaultValue()) && split.choices().contains("test")) {
            settings.putIfAbsent("split", "test");
        }
        PluginRef ref = new PluginRef(data, settings);
        String source = "data " + data + " " + Trainer.effective("data", factory, ref);
        try (Dataset set = Evaluator.createDataset(factory, ref)) {
            if (!set.sampleShape().equals(sampleShape)) {
                throw new ConfigException("data '" + data + "' holds examples of shape " + set.sampleShape()
                        + "; model '" + model + "' takes samples of shape " + sampleShape);
            }
            DataScaling scaling = set.scaling();
            if (checkpointScaling.isPresent() && !checkpointScaling.get().equals(scaling)) {
                throw new ConfigException("data '" + data + "' is scaled as " + describe(scaling) + " but the model's "
                        + "checkpoint was trained on data scaled as " + describe(checkpointScaling.get()));
            }
            Integer levels = dequantize;
            boolean bytes = scaling.equals(DataScaling.BYTES_TO_SYMMETRIC);
            if (levels == null && bytes) {
                levels = BYTE_LEVELS;
            }
            double[] stored = stored(set, scaling, levels != null);
            long[] shape = new Shape(set.size()).addAll(set.sampleShape()).getShape();
            FlowSetup.Data rows = new FlowSetup.Data(null, stored, shape);
            if (levels != null) {
                checkLevels(rows, levels, "data '" + data + "'");
            }
            return new LikelihoodInput(rows, scaling, levels, source, "data");
        }
    }

    /** The examples of {@code set} in its stored units, rounded to integers when they are to be dequantized. */
    static double[] stored(Dataset set, DataScaling scaling, boolean round) {
        int n = set.size();
        int d = Math.toIntExact(set.sampleShape().size());
        double[] out = new double[n * d];
        int chunk = Math.max(1, (1 << 20) / Math.max(1, d));
        try (NDManager m = NDManager.newBaseManager()) {
            for (int from = 0; from < n; from += chunk) {
                int count = Math.min(chunk, n - from);
                int first = from;
                int[] idx = new int[count];
                Arrays.setAll(idx, i -> first + i);
                try (NDManager sub = m.newSubManager()) {
                    NDArray b = set.batch(idx, sub);
                    float[] v = b.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
                    for (int i = 0; i < v.length; i++) {
                        double s = scaling.toStored(v[i]);
                        out[from * d + i] = round ? Math.rint(s) : s;
                    }
                }
            }
        }
        return out;
    }

    /** Every value must be an integer level in [0, levels − 1]. */
    static void checkLevels(FlowSetup.Data x, int levels, String what) {
        double[] v = x.values();
        int w = x.width();
        for (int i = 0; i < v.length; i++) {
            if (v[i] != Math.rint(v[i]) || v[i] < 0 || v[i] > levels - 1) {
                throw new Score4jException("with " + levels + " dequantization levels every value of " + what
                        + " must be an integer in [0, " + (levels - 1) + "]; it holds " + v[i] + " in row " + i / w);
            }
        }
    }

    private static String describe(DataScaling s) {
        return "model = stored * " + s.scale() + " + " + s.offset();
    }

    /** The flag's value as a path, or {@code null} when it cannot be one. */
    static Path asFile(String data) {
        try {
            return Path.of(data);
        } catch (InvalidPathException e) {
            return null;
        }
    }
}
