package org.score4j.model.nn;

import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.score4j.api.ConfigException;

/**
 * The architecture of a {@link Classifier}: what it reads (one example's shape, whether it also reads a time),
 * how many classes it tells apart, and its layer sizes. Recorded in every classifier manifest
 * ({@link #toMap()} / {@link #fromMap}) so that a saved classifier is rebuilt exactly.
 *
 * <p>Two bodies, both with SiLU activations (x·sigmoid(x)):
 * <ul>
 *   <li>{@code cnn} for images (C, H, W) with H, W ≥ 4: 3×3 convolution of {@code conv1} filters (padding 1) →
 *       2×2 max-pool → 3×3 convolution of {@code conv2} filters → 2×2 max-pool → dense {@code hidden} (the
 *       penultimate features) → dense {@code classes} (the logits);</li>
 *   <li>{@code mlp} for vectors (d): dense {@code hidden} → dense {@code hidden} (the features) → dense
 *       {@code classes}.</li>
 * </ul>
 * A time-conditioned classifier (a noisy classifier p_t(y | x_t) for guidance) embeds t with the sinusoidal
 * embedding of 1000·t ({@code embedding_dim} values; Vaswani et al. 2017, Ho et al. 2020) and adds a dense
 * projection of it to the first layer's pre-activations (per channel for the {@code cnn}).
 *
 * @param body {@code cnn} or {@code mlp}
 * @param sampleShape one example's shape, (C, H, W) or (d)
 * @param classes the number of classes K ≥ 2
 * @param timeConditioned whether the classifier reads a time t
 * @param conv1 filters of the first convolution ({@code cnn}; 0 for {@code mlp})
 * @param conv2 filters of the second convolution ({@code cnn}; 0 for {@code mlp})
 * @param hidden units of the penultimate dense layer (the feature dimension)
 * @param embeddingDim the size of the time embedding (even; 0 when not time-conditioned)
 */
public record ClassifierArchitecture(String body, Shape sampleShape, int classes, boolean timeConditioned,
        int conv1, int conv2, int hidden, int embeddingDim) {
    /** The convolutional body. */
    public static final String CNN = "cnn";
    /** The dense body. */
    public static final String MLP = "mlp";
    /** The activation of every hidden layer. */
    public static final String ACTIVATION = "silu";

    public ClassifierArchitecture {
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(sampleShape, "sampleShape");
        if (classes < 2) {
            throw new IllegalArgumentException("a classifier needs at least 2 classes, got " + classes);
        }
        if (hidden < 1) {
            throw new IllegalArgumentException("hidden must be >= 1, got " + hidden);
        }
        if (timeConditioned ? embeddingDim < 2 || embeddingDim % 2 != 0 : embeddingDim != 0) {
            throw new IllegalArgumentException("embedding_dim must be even and >= 2 for a time-conditioned "
                    + "classifier and 0 otherwise, got " + embeddingDim);
        }
        switch (body) {
            case CNN -> {
                if (sampleShape.dimension() != 3 || sampleShape.get(1) < 4 || sampleShape.get(2) < 4
                        || sampleShape.get(0) < 1) {
                    throw new IllegalArgumentException("the cnn body needs images (C, H, W) with H, W >= 4, got "
                            + sampleShape);
                }
                if (conv1 < 1 || conv2 < 1) {
                    throw new IllegalArgumentException("conv1 and conv2 must be >= 1");
                }
            }
            case MLP -> {
                if (sampleShape.dimension() != 1 || sampleShape.get(0) < 1) {
                    throw new IllegalArgumentException("the mlp body needs vectors (d), got " + sampleShape);
                }
                if (conv1 != 0 || conv2 != 0) {
                    throw new IllegalArgumentException("the mlp body has no convolutions (conv1 = conv2 = 0)");
                }
            }
            default -> throw new IllegalArgumentException("unknown body '" + body + "'; cnn or mlp");
        }
    }

    /**
     * The standard classifier for examples of {@code sampleShape}: the {@code cnn} (32 and 64 filters, 128
     * features) for images, the {@code mlp} (128 features) for vectors; with a 32-value time embedding when
     * {@code timeConditioned}.
     *
     * @throws ConfigException when the shape is neither an image of at least 4×4 pixels nor a vector, or
     *     there are fewer than two classes
     */
    public static ClassifierArchitecture standard(Shape sampleShape, int classes, boolean timeConditioned) {
        if (classes < 2) {
            throw new ConfigException("a classifier needs a labelled data set with at least 2 classes; this one has "
                    + classes);
        }
        int emb = timeConditioned ? 32 : 0;
        if (sampleShape.dimension() == 3 && sampleShape.get(1) >= 4 && sampleShape.get(2) >= 4) {
            return new ClassifierArchitecture(CNN, sampleShape, classes, timeConditioned, 32, 64, 128, emb);
        }
        if (sampleShape.dimension() == 1) {
            return new ClassifierArchitecture(MLP, sampleShape, classes, timeConditioned, 0, 0, 128, emb);
        }
        throw new ConfigException("examples of shape " + sampleShape + " cannot be classified; expected images "
                + "(C, H, W) of at least 4x4 pixels or vectors (d)");
    }

    /** Whether the body is the convolutional one. */
    public boolean isImage() {
        return body.equals(CNN);
    }

    /** The manifest entry: every field, the shape as a list, the activation and the time embedding's kind. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("body", body);
        List<Long> shape = new ArrayList<>();
        for (long s : sampleShape.getShape()) {
            shape.add(s);
        }
        m.put("sample_shape", shape);
        m.put("classes", classes);
        m.put("time_conditioned", timeConditioned);
        m.put("conv1", conv1);
        m.put("conv2", conv2);
        m.put("hidden", hidden);
        m.put("activation", ACTIVATION);
        m.put("pool", isImage() ? "max 2x2" : "none");
        m.put("embedding", timeConditioned ? "sinusoidal(1000 t)" : "none");
        m.put("embedding_dim", embeddingDim);
        return m;
    }

    /**
     * The architecture a manifest records.
     *
     * @throws IllegalArgumentException when an entry is missing or invalid
     */
    public static ClassifierArchitecture fromMap(Map<?, ?> m) {
        if (m == null) {
            throw new IllegalArgumentException("no architecture");
        }
        if (!(m.get("sample_shape") instanceof List<?> shapeList) || shapeList.isEmpty()) {
            throw new IllegalArgumentException("architecture.sample_shape is missing");
        }
        long[] dims = new long[shapeList.size()];
        for (int i = 0; i < dims.length; i++) {
            if (!(shapeList.get(i) instanceof Number n)) {
                throw new IllegalArgumentException("architecture.sample_shape holds a non-number");
            }
            dims[i] = n.longValue();
        }
        if (!ACTIVATION.equals(m.get("activation"))) {
            throw new IllegalArgumentException("architecture.activation '" + m.get("activation") + "' is not "
                    + ACTIVATION);
        }
        return new ClassifierArchitecture(String.valueOf(m.get("body")), new Shape(dims), integer(m, "classes"),
                Boolean.TRUE.equals(m.get("time_conditioned")), integer(m, "conv1"), integer(m, "conv2"),
                integer(m, "hidden"), integer(m, "embedding_dim"));
    }

    private static int integer(Map<?, ?> m, String key) {
        if (m.get(key) instanceof Number n) {
            return n.intValue();
        }
        throw new IllegalArgumentException("architecture." + key + " is missing or not a number");
    }

    /** A one-line description, e.g. {@code cnn(1x28x28 → 10 classes, 32/64 filters, 128 features)}. */
    public String describe() {
        StringBuilder s = new StringBuilder(body).append('(');
        long[] d = sampleShape.getShape();
        for (int i = 0; i < d.length; i++) {
            s.append(i == 0 ? "" : "x").append(d[i]);
        }
        s.append(" -> ").append(classes).append(" classes, ");
        if (isImage()) {
            s.append(conv1).append('/').append(conv2).append(" filters, ");
        }
        s.append(hidden).append(" features");
        if (timeConditioned) {
            s.append(", time embedding ").append(embeddingDim);
        }
        return s.append(')').toString();
    }
}
