package org.score4j.model.nn;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.score4j.api.model.Parameterization;
import org.score4j.api.model.TrainableScoreModel;
import org.score4j.api.plugin.ConfigKey;
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
 * and the runner refuses to sample from it (see {@link NetworkModelFactory}). Stateless and thread-safe.
 */
public final class MlpModelFactory extends NetworkModelFactory {
    /** The plugin name. */
    public static final String NAME = "mlp";

    private static final Map<String, ConfigKey> KEYS;

    static {
        Map<String, ConfigKey> k = new LinkedHashMap<>();
        k.put("dim", ConfigKey.ofInt("dim", 2, 1, 1 << 20, "data dimension d (vectors of shape (d))"));
        k.put("width", ConfigKey.ofInt("width", 128, 1, 1 << 16, "units per hidden layer"));
        k.put("depth", ConfigKey.ofInt("depth", 3, 1, 64, "number of hidden layers (SiLU)"));
        putEmbeddingKeys(k, "fourier", 32);
        putParameterizationKey(k);
        k.put(TrainableScoreModel.NUM_CLASSES_KEY, ConfigKey.ofInt(TrainableScoreModel.NUM_CLASSES_KEY, 0, 0, 1 << 16,
                "classes K of a class-conditional network (labels 0..K-1, K the null label); 0: unconditional"));
        putCheckpointKey(k);
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
    Builder prepare(PluginConfig config) {
        int dim = config.getInt("dim");
        int width = config.getInt("width");
        int depth = config.getInt("depth");
        TimeEmbedding.Kind embedding = embedding(config);
        int embeddingDim = config.getInt("embedding_dim");
        double fourierScale = config.getDouble("fourier_scale");
        Parameterization parameterization = parameterization(config);
        int numClasses = config.getInt(TrainableScoreModel.NUM_CLASSES_KEY);
        return nullLabelTrained -> new MlpScoreModel(dim, width, depth, embedding, embeddingDim, fourierScale,
                parameterization, numClasses, nullLabelTrained);
    }
}
