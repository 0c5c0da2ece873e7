package org.score4j.model.nn;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.score4j.api.ConfigException;
import org.score4j.api.model.CheckpointLayout;
import org.score4j.api.model.Parameterization;
import org.score4j.api.model.ScoreModel;
import org.score4j.api.model.TrainableScoreModel;
import org.score4j.api.plugin.ConfigKey;
import org.score4j.api.plugin.ModelFactory;
import org.score4j.api.plugin.PluginConfig;

/**
 * The {@code mlp} model: a multilayer perceptron score network for vector data (see {@link MlpScoreModel}),
 * trained by denoising score matching with {@code score4j train} (Song et al. 2021, eq. 7).
 *
 * <p>Config keys:
 * <ul>
 *   <li>{@code dim} (2): the data dimension d;</li>
 *   <li>{@code width} (128), {@code depth} (3): units per hidden layer and hidden layers (SiLU);</li>
 *   <li>{@code embedding} ({@code fourier} | {@code sinusoidal}), {@code embedding_dim} (32, even),
 *       {@code fourier_scale} (4): the time embedding (frequencies N(0, 4²) suit t in [0, 1]; score_sde uses
 *       16 on log σ);</li>
 *   <li>{@code parameterization} ({@code epsilon} | {@code score} | {@code x0}): what the network predicts —
 *       the noise ε, the score scaled by σ(t) (score_sde's {@code scale_by_sigma}: the network predicts
 *       σ·score), or the clean data x̂₀; converted to a score by
 *       {@link org.score4j.api.model.Parameterization};</li>
 *   <li>{@code num_classes} (0): K, the number of classes of a class-conditional network (0: unconditional).
 *       With K &gt; 0 a learned embedding of K + 1 labels (K the null label) is added to the time embedding,
 *       and the score honours the {@link org.score4j.api.model.Conditioning} of each row; train it with
 *       {@code score4j train --cond-dropout P} on a labelled data set for classifier-free guidance;</li>
 *   <li>{@code checkpoint} (path, optional): a checkpoint folder of {@code score4j train} whose averaged
 *       weights the model loads. Its manifest must record this plugin with the same settings.</li>
 * </ul>
 * Without {@code checkpoint} the model is an untrained network (initialized from seed 0): a trainer fits it,
 * and the runner refuses to sample from it. Stateless and thread-safe.
 */
public final class MlpModelFactory implements ModelFactory {
    /** The plugin name. */
    public static final String NAME = "mlp";

    private static final Map<String, ConfigKey> KEYS;
    private static final Map<String, Parameterization> PARAMETERIZATIONS = Map.of(
            "epsilon", Parameterization.EPSILON,
            "score", Parameterization.SCALED_SCORE,
            "x0", Parameterization.X0);

    static {
        Map<String, ConfigKey> k = new LinkedHashMap<>();
        k.put("dim", ConfigKey.ofInt("dim", 2, 1, 1 << 20, "data dimension d (vectors of shape (d))"));
        k.put("width", ConfigKey.ofInt("width", 128, 1, 1 << 16, "units per hidden layer"));
        k.put("depth", ConfigKey.ofInt("depth", 3, 1, 64, "number of hidden layers (SiLU)"));
        k.put("embedding", ConfigKey.ofChoice("embedding", "fourier", List.of("fourier", "sinusoidal"),
                "time embedding: Gaussian Fourier features of t, or the sinusoidal embedding of 1000·t"));
        k.put("embedding_dim", ConfigKey.ofInt("embedding_dim", 32, 2, 1 << 14, "size of the time embedding (even)"));
        k.put("fourier_scale", ConfigKey.ofPositiveDouble("fourier_scale", 4, 1e4,
                "standard deviation of the fixed Fourier frequencies (embedding=fourier)"));
        k.put("parameterization", ConfigKey.ofChoice("parameterization", "epsilon", List.of("epsilon", "score", "x0"),
                "what the network predicts: the noise ε, σ(t)·score, or the clean data x0"));
        k.put(TrainableScoreModel.NUM_CLASSES_KEY, ConfigKey.ofInt(TrainableScoreModel.NUM_CLASSES_KEY, 0, 0, 1 << 16,
                "classes K of a class-conditional network (labels 0..K-1, K the null label); 0: unconditional"));
        k.put(CheckpointLayout.CHECKPOINT_KEY, ConfigKey.ofPath(CheckpointLayout.CHECKPOINT_KEY, null,
                "checkpoint folder written by score4j train (loads its averaged weights); without it the "
                        + "network is untrained"));
        KEYS = Collections.unmodifiableMap(k);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "MLP score network for vectors (train with score4j train, sample with --checkpoint)";
    }

    @Override
    public Map<String, ConfigKey> configKeys() {
        return KEYS;
    }

    @Override
    public ScoreModel create(PluginConfig config) {
        int embeddingDim = config.getInt("embedding_dim");
        if (embeddingDim % 2 != 0) {
            throw new ConfigException("invalid value '" + embeddingDim + "' for model.embedding_dim; expected an "
                    + "even integer >= 2");
        }
        Optional<Path> checkpoint = config.find(CheckpointLayout.CHECKPOINT_KEY).map(MlpModelFactory::path);
        CheckpointManifest manifest = null;
        Path weights = null;
        if (checkpoint.isPresent()) {
            manifest = CheckpointManifest.read(checkpoint.get());
            manifest.checkModel(NAME, KEYS, config);
            weights = manifest.verify(CheckpointLayout.EMA_WEIGHTS);
        }
        TimeEmbedding.Kind embedding = TimeEmbedding.Kind.valueOf(config.getString("embedding").toUpperCase(Locale.ROOT));
        MlpScoreModel model = new MlpScoreModel(config.getInt("dim"), config.getInt("width"), config.getInt("depth"),
                embedding, embeddingDim, config.getDouble("fourier_scale"),
                PARAMETERIZATIONS.get(config.getString("parameterization")),
                config.getInt(TrainableScoreModel.NUM_CLASSES_KEY), manifest == null || manifest.nullLabelTrained());
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
