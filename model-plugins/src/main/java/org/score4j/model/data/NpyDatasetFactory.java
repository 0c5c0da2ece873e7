package org.score4j.model.data;

import ai.djl.ndarray.types.Shape;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.score4j.api.ConfigException;
import org.score4j.api.data.DataScaling;
import org.score4j.api.data.Dataset;
import org.score4j.api.plugin.ConfigKey;
import org.score4j.api.plugin.DatasetFactory;
import org.score4j.api.plugin.PluginConfig;

/**
 * The {@code npy} data set: the examples of a NumPy {@code .npy} file, one per index of its first axis.
 * Shapes {@code [N, d]} give vectors of shape (d); {@code [N, H, W]} gives one-channel images (1, H, W);
 * {@code [N, C, H, W]} images (C, H, W); {@code [N]} scalars (1).
 *
 * <p>Config keys:
 * <ul>
 *   <li>{@code path} (required): the file; dtypes {@code <f4}, {@code <f8}, {@code |u1}, {@code <i4},
 *       {@code <i8};</li>
 *   <li>{@code scale} ({@code auto} | {@code none} | {@code bytes}): {@code bytes} maps [0, 255] to [−1, 1]
 *       (v/127.5 − 1, as in Ho et al. 2020); {@code none} uses the values as stored; {@code auto} scales
 *       {@code |u1} files and uses float files as they are;</li>
 *   <li>{@code labels} (path, optional): a {@code .npy} of N integer class labels in [0, K);</li>
 *   <li>{@code split}, {@code test_fraction}, {@code split_seed}: see {@link Split}.</li>
 * </ul>
 * Non-finite values are refused. Stateless and thread-safe.
 */
public final class NpyDatasetFactory implements DatasetFactory {
    /** The plugin name. */
    public static final String NAME = "npy";

    private static final Map<String, ConfigKey> KEYS;

    static {
        Map<String, ConfigKey> k = new LinkedHashMap<>();
        k.put("path", ConfigKey.ofPath("path", null, "the .npy file: [N, d] vectors, [N, H, W] or [N, C, H, W] images"));
        k.put("scale", ConfigKey.ofChoice("scale", "auto", List.of("auto", "none", "bytes"),
                "bytes: map [0, 255] to [-1, 1]; none: values as stored; auto: bytes for uint8 files, else none"));
        k.put("labels", ConfigKey.ofPath("labels", null, "optional .npy of N integer class labels"));
        Split.addKeys(k);
        KEYS = Collections.unmodifiableMap(k);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "examples from a NumPy .npy file (vectors or images), optionally scaled from [0, 255] to [-1, 1]";
    }

    @Override
    public Map<String, ConfigKey> configKeys() {
        return KEYS;
    }

    @Override
    public Dataset create(PluginConfig config) {
        Optional<String> pathText = config.find("path");
        if (pathText.isEmpty()) {
            throw new ConfigException("data npy needs a file: set data.path=FILE.npy");
        }
        NpyFile file = NpyFile.read(path(pathText.get(), "data.path"), "data.path");
        long[] s = file.shape();
        Shape sampleShape = switch (s.length) {
            case 1 -> new Shape(1);
            case 2 -> new Shape(s[1]);
            case 3 -> new Shape(1, s[1], s[2]);
            case 4 -> new Shape(s[1], s[2], s[3]);
            default -> throw new ConfigException("data.path file '" + pathText.get() + "' has shape "
                    + java.util.Arrays.toString(s) + "; expected [N, d], [N, H, W] or [N, C, H, W]");
        };
        if (s[0] == 0 || sampleShape.size() == 0) {
            throw new ConfigException("data.path file '" + pathText.get() + "' holds no examples (shape "
                    + java.util.Arrays.toString(s) + ")");
        }
        String scale = config.getString("scale");
        DataScaling scaling = scale.equals("bytes") || (scale.equals("auto") && file.isBytes())
                ? DataScaling.BYTES_TO_SYMMETRIC : DataScaling.IDENTITY;
        int n = Math.toIntExact(s[0]);
        int row = Math.toIntExact(sampleShape.size());
        double[] v = file.values();
        for (int i = 0; i < v.length; i++) {
            if (!Double.isFinite(v[i])) {
                throw new ConfigException("data.path file '" + pathText.get() + "' holds a non-finite value (" + v[i]
                        + ") in example " + i / row + "; remove or replace it");
            }
        }
        int[] labels = null;
        int classes = 0;
        Optional<String> labelText = config.find("labels");
        if (labelText.isPresent()) {
            NpyFile lf = NpyFile.read(path(labelText.get(), "data.labels"), "data.labels");
            if (!lf.isInteger() || lf.shape().length != 1 || lf.shape()[0] != n) {
                throw new ConfigException("data.labels file '" + labelText.get() + "' must hold " + n
                        + " integer labels (shape [" + n + "]), found " + lf.dtype() + " of shape "
                        + java.util.Arrays.toString(lf.shape()));
            }
            labels = new int[n];
            for (int i = 0; i < n; i++) {
                double l = lf.values()[i];
                if (l < 0 || l > Integer.MAX_VALUE - 1) {
                    throw new ConfigException("data.labels file '" + labelText.get() + "' has label " + (long) l
                            + " at " + i + "; labels must be >= 0");
                }
                labels[i] = (int) l;
                classes = Math.max(classes, labels[i] + 1);
            }
        }
        int[] rows = Split.rows(n, config, "data npy ('" + pathText.get() + "')");
        float[] values = new float[Math.multiplyExact(rows.length, row)];
        int[] kept = labels == null ? null : new int[rows.length];
        for (int i = 0; i < rows.length; i++) {
            int r = rows[i];
            for (int j = 0; j < row; j++) {
                values[i * row + j] = (float) scaling.toModel(v[r * row + j]);
            }
            if (kept != null) {
                kept[i] = labels[r];
            }
        }
        return new ArrayDataset(values, sampleShape, kept, classes, scaling);
    }

    static Path path(String text, String key) {
        try {
            return Path.of(text);
        } catch (InvalidPathException e) {
            throw new ConfigException("invalid value '" + text + "' for " + key + "; expected a file path ("
                    + e.getReason() + ")");
        }
    }
}
