package org.score4j.model.nn;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.score4j.api.ConfigException;
import org.score4j.api.model.CheckpointLayout;
import org.score4j.api.model.Parameterization;
import org.score4j.api.model.ScoreModel;
import org.score4j.api.plugin.ConfigKey;
import org.score4j.api.plugin.ModelFactory;
import org.score4j.api.plugin.PluginConfig;

/**
 * What the factories of the trainable network models share: the time-embedding, parameterization and
 * {@code checkpoint} keys, and {@link #create} — validate the settings, check a checkpoint's manifest against
 * them and verify its averaged weights, build the model (without an unconditional score when the manifest
 * records training without label dropout), load the weights and freeze them. A model without
 * {@code checkpoint} is an untrained network (initialized from seed 0): a trainer fits it, and the runner
 * refuses to sample from it. Subclasses are stateless and thread-safe.
 */
abstract class NetworkModelFactory implements ModelFactory {
    private static final Map<String, Parameterization> PARAMETERIZATIONS = Map.of(
            "epsilon", Parameterization.EPSILON,
            "score", Parameterization.SCALED_SCORE,
            "x0", Parameterization.X0);

    /** Adds {@code embedding}, {@code embedding_dim} and {@code fourier_scale}. */
    static void putEmbeddingKeys(Map<String, ConfigKey> k, String kind, int dim) {
        k.put("embedding", ConfigKey.ofChoice("embedding", kind, List.of("fourier", "sinusoidal"),
                "time embedding: Gaussian Fourier features of t, or the sinusoidal embedding of 1000·t"));
        k.put("embedding_dim", ConfigKey.ofInt("embedding_dim", dim, 2, 1 << 14, "size of the time embedding (even)"));
        k.put("fourier_scale", ConfigKey.ofPositiveDouble("fourier_scale", 4, 1e4,
                "standard deviation of the fixed Fourier frequencies (embedding=fourier)"));
    }

    /** Adds {@code parameterization}. */
    static void putParameterizationKey(Map<String, ConfigKey> k) {
        k.put("parameterization", ConfigKey.ofChoice("parameterization", "epsilon", List.of("epsilon", "score", "x0"),
                "what the network predicts: the noise ε, σ(t)·score, or the clean data x0"));
    }

    /** Adds {@code checkpoint}. */
    static void putCheckpointKey(Map<String, ConfigKey> k) {
        k.put(CheckpointLayout.CHECKPOINT_KEY, ConfigKey.ofPath(CheckpointLayout.CHECKPOINT_KEY, null,
                "checkpoint folder written by score4j train (loads its averaged weights); without it the "
                        + "network is untrained"));
    }

    /** The {@code embedding} setting. */
    static TimeEmbedding.Kind embedding(PluginConfig config) {
        return TimeEmbedding.Kind.valueOf(config.getString("embedding").toUpperCase(Locale.ROOT));
    }

    /** The {@code parameterization} setting. */
    static Parameterization parameterization(PluginConfig config) {
        return PARAMETERIZATIONS.get(config.getString("parameterization"));
    }

    /** Builds an untrained model of the settings {@link #prepare} checked. */
    @FunctionalInterface
    interface Builder {
        /**
         * @param nullLabelTrained whether the null label of a class-conditional model was trained: false for the
         *     weights of a checkpoint trained without label dropout ({@link ScoreModel#hasUnconditionalScore()}
         *     false), true for a model still to be trained
         */
        NetworkScoreModel build(boolean nullLabelTrained);
    }

    /**
     * Checks the settings beyond their declared ranges (throwing one-line {@link ConfigException}s) and
     * returns what builds the untrained model; builds nothing yet.
     */
    abstract Builder prepare(PluginConfig config);

    @Override
    public final ScoreModel create(PluginConfig config) {
        int embeddingDim = config.getInt("embedding_dim");
        if (embeddingDim % 2 != 0) {
            throw new ConfigException("invalid value '" + embeddingDim + "' for model.embedding_dim; expected an "
                    + "even integer >= 2");
        }
        Builder build = prepare(config);
        Optional<Path> checkpoint = config.find(CheckpointLayout.CHECKPOINT_KEY).map(NetworkModelFactory::path);
        CheckpointManifest manifest = null;
        Path weights = null;
        if (checkpoint.isPresent()) {
            manifest = CheckpointManifest.read(checkpoint.get());
            manifest.checkModel(name(), configKeys(), config);
            weights = manifest.verify(CheckpointLayout.EMA_WEIGHTS);
        }
        NetworkScoreModel model = build.build(manifest == null || manifest.nullLabelTrained());
        if (weights != null) {
            try (InputStream in = Files.newInputStream(weights)) {
                model.loadParameters(in);
            } catch (IOException | RuntimeException e) {
                model.close();
                throw new ConfigException("model.checkpoint '" + manifest.dir() + "': cannot load "
                        + CheckpointLayout.EMA_WEIGHTS + ": " + e.getMessage(), e);
            }
            model.network().freezeParameters(true);
        }
        return model;
    }

    private static Path path(String text) {
        try {
            return Path.of(text);
        } catch (InvalidPathException e) {
            throw new ConfigException("invalid value '" + text + "' for model.checkpoint; expected a folder path ("
                    + e.getReason() + ")");
        }
    }
}
