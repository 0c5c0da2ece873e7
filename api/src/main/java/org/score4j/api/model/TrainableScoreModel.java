package org.score4j.api.model;

import ai.djl.nn.Block;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * A score model computed by a trainable DJL network: what a trainer needs to fit it by denoising score
 * matching (Song et al. 2021, eq. 7; Vincent 2011) and what a checkpoint stores. The network's output becomes
 * a score only through {@link #parameterization()} ({@link Parameterization}), in training as in sampling.
 *
 * <p>The contract:
 * <ul>
 *   <li>{@link #network()} is an initialized DJL {@link Block} taking {@code NDList(x, t)} — x of shape
 *       {@code [n, ...sampleShape]} and t of shape {@code [n]}, both float32 — and returning
 *       {@code NDList(output)} with output shaped like x. Every array a forward pass creates belongs to the
 *       manager of x (operations are called on the inputs, never on parameters), so a caller's per-step
 *       manager frees them. The parameters belong to the model and are released by {@link #close()}.</li>
 *   <li>A class-conditional model ({@link #numClasses()} = K &gt; 0, since 1.3) has a network taking
 *       {@code NDList(x, t, labels)} instead, labels int32 of shape {@code [n]} with values in 0..K, where K
 *       is the <em>null label</em> (unconditional); {@link Conditioning#labels(int, int)} with
 *       {@code nullLabel = K} gives them. The network adds a learned embedding of K + 1 rows to its time
 *       embedding. Training with label dropout (Ho &amp; Salimans 2022, §3.2: each example's label replaced
 *       by the null label with probability P) fits the conditional and the unconditional score in one network;
 *       without it (P = 0) the null label is never trained, and the model loaded from such a checkpoint
 *       reports {@link #hasUnconditionalScore()} false. With K = 0 the network takes {@code NDList(x, t)}.
 *       The score function takes the label of each row from its {@link Conditioning} (the null label for
 *       unconditional rows) and refuses a class {@code >= K}.</li>
 *   <li>{@link #initializeParameters(long)} draws fresh values from a stream seeded with its argument only
 *       (never from the engine's global generator), so the same seed gives the same bits.</li>
 *   <li>{@link #saveParameters(OutputStream)} writes DJL's parameter format ({@link Block#saveParameters});
 *       {@link #loadParameters(InputStream)} reads it back and refuses parameters of another shape.</li>
 *   <li>{@link #trained()} tells weights loaded from training apart from an initialization; the runner
 *       refuses to sample from an untrained model.</li>
 * </ul>
 *
 * <p>Factories of trainable models declare a {@link org.score4j.api.plugin.ConfigType#PATH PATH} key named
 * {@value CheckpointLayout#CHECKPOINT_KEY}: given a checkpoint folder (see {@link CheckpointLayout}), the
 * created model loads the folder's exponential-moving-average weights and is {@link #trained()}; a
 * class-conditional one reads the manifest's {@value CheckpointLayout#CONDITIONING} entry to tell whether its
 * null label was trained.
 *
 * <p>Not thread-safe: one trainer or one sampling run uses a model at a time.
 */
public interface TrainableScoreModel extends ScoreModel {
    /**
     * The config key of trainable model factories that support class conditioning: an
     * {@link org.score4j.api.plugin.ConfigType#INT INT} key, default 0, giving K = {@link #numClasses()}. The
     * trainer fills it from the data set's number of classes when label dropout is asked for and the key is
     * not set.
     *
     * @since 1.3
     */
    String NUM_CLASSES_KEY = "num_classes";

    /** The network; its parameters are the model's. */
    Block network();

    /** What the network's output means. */
    Parameterization parameterization();

    /**
     * Sets every parameter to fresh values drawn from a stream seeded with {@code seed} (and the parameter's
     * position), replacing trained weights; afterwards {@link #trained()} is false.
     */
    void initializeParameters(long seed);

    /** Writes the parameters in DJL's parameter format; does not close {@code out}. */
    void saveParameters(OutputStream out) throws IOException;

    /**
     * Replaces the parameters with those {@code in} holds (as written by {@link #saveParameters}); afterwards
     * {@link #trained()} is true. Does not close {@code in}.
     *
     * @throws IOException when the stream cannot be read or holds parameters of another network (other names
     *     or shapes); the parameters are then left as they were
     */
    void loadParameters(InputStream in) throws IOException;

    /** Whether the parameters were loaded (from training) rather than initialized. */
    boolean trained();
}
