package org.score4j.api.model;

/**
 * The layout of a training checkpoint: a folder written by {@code score4j train}, complete or absent (it is
 * written under a temporary name and renamed), holding
 * <ul>
 *   <li>{@value #MANIFEST}: a JSON object with at least {@code "format": "score4j-checkpoint"},
 *       {@code "format_version"}, {@code "model": {"name", "config"}} (the model plugin and its effective
 *       configuration), {@code "sde": {"name", "config"}}, {@code "iteration"} and
 *       {@code "files": {"<file name>": {"sha256": "<hex>", "bytes": <size>}}} for every other file.
 *       Since 1.3 it also holds {@code "conditioning": {"num_classes": K, "null_label": K | null,
 *       "cond_dropout": P}}: the class count of the model (0: unconditional, {@code null_label} then null) and
 *       the probability with which training replaced a label by the null label (0: the null label was never
 *       trained, so the model has no unconditional score). A manifest without it is of an unconditional
 *       model;</li>
 *   <li>{@value #EMA_WEIGHTS}: the exponential moving average of the weights (used for sampling), in DJL's
 *       parameter format ({@link TrainableScoreModel#saveParameters});</li>
 *   <li>{@value #WEIGHTS}: the raw weights, same format;</li>
 *   <li>{@value #OPTIMIZER}: the optimizer's state (for resuming).</li>
 * </ul>
 * A model plugin given a checkpoint through its {@value #CHECKPOINT_KEY} key reads {@value #MANIFEST} and
 * {@value #EMA_WEIGHTS} only, checks the file's SHA-256 against the manifest and its own configuration against
 * the manifest's {@code model.config}.
 */
public final class CheckpointLayout {
    /** The manifest's file name. */
    public static final String MANIFEST = "manifest.json";
    /** The averaged weights' file name. */
    public static final String EMA_WEIGHTS = "ema.params";
    /** The raw weights' file name. */
    public static final String WEIGHTS = "weights.params";
    /** The optimizer state's file name. */
    public static final String OPTIMIZER = "optimizer.ndlist";
    /** The manifest's {@code format} value. */
    public static final String FORMAT = "score4j-checkpoint";
    /** The manifest's {@code format_version} value this API describes. */
    public static final int FORMAT_VERSION = 1;
    /**
     * The manifest's entry describing class conditioning ({@code num_classes}, {@code null_label},
     * {@code cond_dropout}).
     *
     * @since 1.3
     */
    public static final String CONDITIONING = "conditioning";
    /** The config key of trainable model factories that names a checkpoint folder. */
    public static final String CHECKPOINT_KEY = "checkpoint";

    private CheckpointLayout() {}
}
