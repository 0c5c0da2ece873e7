package org.score4j.model;

import java.util.List;
import org.score4j.api.ApiVersion;
import org.score4j.api.plugin.DatasetFactory;
import org.score4j.api.plugin.ModelFactory;
import org.score4j.api.plugin.Score4jPlugin;
import org.score4j.model.data.GmmSamplesFactory;
import org.score4j.model.data.IdxImagesFactory;
import org.score4j.model.data.NpyDatasetFactory;
import org.score4j.model.gmm.GmmModelFactory;
import org.score4j.model.nn.MlpModelFactory;
import org.score4j.model.nn.UNetModelFactory;

/**
 * The entry point of the model-plugins jar: lists its score models ({@code gmm}: the exact Gaussian-mixture
 * score of Song et al. 2021, §3.4; {@code mlp}: a trainable MLP score network for vectors;
 * {@code unet}: a trainable U-Net score network for images) and its training data sets
 * ({@code npy}, {@code gmm-samples}, {@code mnist}, {@code fashion-mnist}). Does no work when constructed; stateless and thread-safe.
 */
public final class ModelPlugin implements Score4jPlugin {

    /** Used by {@link java.util.ServiceLoader}. */
    public ModelPlugin() {}

    @Override
    public int apiMajor() {
        return ApiVersion.MAJOR;
    }

    @Override
    public List<ModelFactory> models() {
        return List.of(new GmmModelFactory(), new MlpModelFactory(), new UNetModelFactory());
    }

    @Override
    public List<DatasetFactory> datasets() {
        return List.of(new NpyDatasetFactory(), new GmmSamplesFactory(), IdxImagesFactory.mnist(),
                IdxImagesFactory.fashionMnist());
    }
}
