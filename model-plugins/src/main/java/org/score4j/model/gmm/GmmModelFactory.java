package org.score4j.model.gmm;

import ai.djl.ndarray.types.Shape;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.score4j.api.ConfigException;
import org.score4j.api.model.ScoreModel;
import org.score4j.api.plugin.ConfigKey;
import org.score4j.api.plugin.ModelFactory;
import org.score4j.api.plugin.PluginConfig;

/**
 * The {@code gmm} model: the exact score of a Gaussian mixture perturbed by the pipeline's SDE (Song et al.
 * 2021, §3.4), see {@link GmmScoreModel}.
 *
 * <p>Config keys:
 * <ul>
 *   <li>{@code spec} (path, optional): a JSON file {@code {"weights": [...], "means": [[...], ...],
 *       "stds": [...]}} read by {@link GaussianMixture#fromJson}; without it the model uses
 *       {@link GaussianMixture#defaultMixture()}.</li>
 *   <li>{@code shape} (text, optional): the shape of one sample, e.g. {@code 1,8,8} for a 64-dimensional
 *       mixture seen as 1×8×8 images (for image operators of inverse problems); default {@code (d)}.</li>
 * </ul>
 * Stateless and thread-safe.
 */
public final class GmmModelFactory implements ModelFactory {
    /** The plugin name. */
    public static final String NAME = "gmm";

    private static final Map<String, ConfigKey> KEYS;

    static {
        Map<String, ConfigKey> k = new LinkedHashMap<>();
        k.put("spec", ConfigKey.ofPath("spec", null,
                "JSON file {\"weights\": [...], \"means\": [[...], ...], \"stds\": [...]} of an isotropic Gaussian "
                        + "mixture; default: a built-in 2-D mixture of 5 components"));
        k.put("shape", ConfigKey.ofString("shape", null,
                "shape of one sample as comma-separated sizes whose product is the mixture's dimension, e.g. 1,8,8 "
                        + "for images of a 64-D mixture; default: vectors (d)"));
        KEYS = Collections.unmodifiableMap(k);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "exact score of a Gaussian mixture (from a JSON spec or a built-in 2-D one) under any SDE";
    }

    @Override
    public Map<String, ConfigKey> configKeys() {
        return KEYS;
    }

    @Override
    public ScoreModel create(PluginConfig config) {
        GaussianMixture g = mixture(config.find("spec"));
        Optional<String> shape = config.find("shape");
        return shape.isEmpty() ? new GmmScoreModel(g) : new GmmScoreModel(g, parseShape(shape.get(), "model.shape"));
    }

    /**
     * A sample shape written as comma-separated positive sizes, e.g. {@code "1,8,8"}.
     *
     * @param key names the config key in messages
     * @throws ConfigException when the text is not such a list
     */
    public static Shape parseShape(String text, String key) {
        String[] parts = text.trim().split("\\s*,\\s*");
        long[] dims = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                dims[i] = Long.parseLong(parts[i]);
            } catch (NumberFormatException e) {
                dims[i] = -1;
            }
            if (dims[i] <= 0) {
                throw new ConfigException("invalid value '" + text + "' for " + key + "; expected positive integer sizes"
                        + " separated by commas, e.g. 1,8,8");
            }
        }
        return new Shape(dims);
    }

    /** A shape as {@link #parseShape} reads it, e.g. {@code 1,8,8}. */
    static String shapeText(Shape shape) {
        StringBuilder b = new StringBuilder();
        for (long v : shape.getShape()) {
            b.append(b.length() == 0 ? "" : ",").append(v);
        }
        return b.toString();
    }

    /** The mixture a {@code spec} value names, or the default one. */
    static GaussianMixture mixture(Optional<String> spec) {
        return mixture(spec, "model.spec");
    }

    /**
     * The mixture a spec value names, or the built-in one when it is empty; {@code key} names the config key in
     * messages (e.g. {@code data.spec} for the {@code gmm-samples} data set).
     *
     * @throws ConfigException when the path is invalid or the file is not a valid spec
     */
    public static GaussianMixture mixture(Optional<String> spec, String key) {
        if (spec.isEmpty()) {
            return GaussianMixture.defaultMixture();
        }
        Path path;
        try {
            path = Path.of(spec.get());
        } catch (InvalidPathException e) {
            throw new ConfigException("invalid value '" + spec.get() + "' for " + key + "; expected a file path ("
                    + e.getReason() + ")");
        }
        return GaussianMixture.fromJson(path, key);
    }
}
