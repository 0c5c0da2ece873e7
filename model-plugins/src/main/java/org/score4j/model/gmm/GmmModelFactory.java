package org.score4j.model.gmm;

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
        return new GmmScoreModel(mixture(config.find("spec")));
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
