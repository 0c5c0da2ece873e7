package org.score4j.model.data;

import ai.djl.ndarray.types.Shape;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.score4j.api.data.DataScaling;
import org.score4j.api.data.Dataset;
import org.score4j.api.plugin.ConfigKey;
import org.score4j.api.plugin.DatasetFactory;
import org.score4j.api.plugin.PluginConfig;
import org.score4j.model.gmm.GaussianMixture;
import org.score4j.model.gmm.GmmModelFactory;

/**
 * The {@code gmm-samples} data set: {@code n} points drawn from a Gaussian mixture with
 * {@link GaussianMixture#sample(int, long)} — the built-in 2-D mixture unless {@code spec} names a JSON spec
 * (as the {@code gmm} model reads it). Labels are the components the points came from, so the set also suits
 * class-conditional training. Handy for tests and the 2-D recipe: the trained model can be compared with the
 * exact score of the same mixture.
 *
 * <p>Config keys: {@code spec} (path, optional), {@code n} (10000), {@code seed} (0), and {@code split},
 * {@code test_fraction}, {@code split_seed} (see {@link Split}). Stateless and thread-safe.
 */
public final class GmmSamplesFactory implements DatasetFactory {
    /** The plugin name. */
    public static final String NAME = "gmm-samples";

    private static final Map<String, ConfigKey> KEYS;

    static {
        Map<String, ConfigKey> k = new LinkedHashMap<>();
        k.put("spec", ConfigKey.ofPath("spec", null,
                "JSON Gaussian-mixture spec (as model.spec of gmm); default: the built-in 2-D mixture"));
        k.put("n", ConfigKey.ofInt("n", 10_000, 1, 100_000_000, "number of points drawn"));
        k.put("seed", ConfigKey.ofInt("seed", 0, 0, Integer.MAX_VALUE, "seed of the draw"));
        Split.addKeys(k);
        KEYS = Collections.unmodifiableMap(k);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "points drawn from a Gaussian mixture (a JSON spec or the built-in 2-D one), labelled by component";
    }

    @Override
    public Map<String, ConfigKey> configKeys() {
        return KEYS;
    }

    @Override
    public Dataset create(PluginConfig config) {
        GaussianMixture mixture = GmmModelFactory.mixture(config.find("spec"), "data.spec");
        int n = config.getInt("n");
        GaussianMixture.Samples s = mixture.sample(n, config.getInt("seed"));
        int d = mixture.dimension();
        int[] rows = Split.rows(n, config, "data gmm-samples (n=" + n + ")");
        float[] values = new float[Math.multiplyExact(rows.length, d)];
        int[] labels = new int[rows.length];
        for (int i = 0; i < rows.length; i++) {
            double[] x = s.x()[rows[i]];
            for (int j = 0; j < d; j++) {
                values[i * d + j] = (float) x[j];
            }
            labels[i] = s.components()[rows[i]];
        }
        return new ArrayDataset(values, new Shape(d), labels, mixture.components(), DataScaling.IDENTITY);
    }
}
