package org.score4j.guidance;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.util.Map;
import java.util.Objects;
import org.score4j.api.ConfigException;
import org.score4j.api.guidance.Guidance;
import org.score4j.api.model.Conditioning;
import org.score4j.api.model.ScoreFunction;
import org.score4j.api.model.ScoreModel;
import org.score4j.api.plugin.ConfigKey;
import org.score4j.api.plugin.GuidanceFactory;
import org.score4j.api.plugin.PluginConfig;
import org.score4j.api.sde.Sde;
import org.score4j.model.nn.GraphConstants;

/**
 * Classifier guidance (Song et al. 2021, §5 and eq. 14; Dhariwal &amp; Nichol 2021, "Diffusion Models Beat
 * GANs on Image Synthesis", §4): s̃(x, t) = s(x, t) + γ·∇ₓ log p_t(y = c | x), the score of
 * p_t(x)·p_t(c | x)^γ.
 *
 * <p><b>The classifier.</b> The noisy classifier p_t(c | x) is the exact one of the class-conditional model,
 * by Bayes' rule: ∇ₓ log p_t(c | x) = s(x, t, c) − s(x, t, ∅), both scores taken from the pipeline's model
 * ({@code model.scoreFunction(sde)}), not from the wrapped function. For the Gaussian-mixture model this is
 * exactly the gradient of the posterior responsibility of component c under the perturbed mixture. With the
 * key {@code classifier} the plugin uses a trained noisy classifier instead ({@link TrainedClassifierGuidance}),
 * and the model need not have classes.
 *
 * <p><b>Composition.</b> The base term is the wrapped function evaluated with the caller's conditioning,
 * s(x, t, cond), so the guidance is additive: applied over the model it gives eq. 14 with γ = scale (γ = 1 is
 * then the conditional score s(x, t, c), up to rounding), applied over another guidance it adds its gradient
 * to that guidance's result. Classifier guidances for several classes stack into
 * p_t(x)·Π p_t(c_i | x)^γ_i, and with {@link ClassifierFreeGuidance} either order gives
 * s(x,t,∅) + w·(s(x,t,c) − s(x,t,∅)) + γ·∇ₓ log p_t(c′ | x).
 *
 * <p><b>Cost.</b> Three score evaluations per call (the wrapped score and the model's conditional and
 * unconditional ones); one when γ = 0. Only out-of-place operations are used, so gradients flow through the
 * result to {@code x}. Per-row times go to the per-row methods, a shared time to the shared-time methods.
 *
 * <p>Config keys ({@code --guidance classifier}): {@code scale} (γ, default 1, in [0, 100]), {@code class}
 * (required, an integer in [0, number of classes of the model or classifier)), {@code classifier} (path,
 * optional: a folder of {@code score4j train-classifier}; see {@link TrainedClassifierGuidance}).
 *
 * <p>Immutable and thread-safe, as are the score functions it returns (as far as the wrapped one is).
 *
 * @param scale the guidance scale γ, in [0, 100]
 * @param label the class c (key {@code class}), ≥ 0 and below the model's number of classes
 */
public record ClassifierGuidance(double scale, int label) implements Guidance {
    /** The plugin name. */
    public static final String NAME = "classifier";

    /** Checks the parameters; throws {@link ConfigException} naming the key. */
    public ClassifierGuidance {
        Keys.checkScale(NAME, scale);
        Keys.checkClass(NAME, label);
    }

    /**
     * Adds γ·∇ₓ log p_t(c | x) of the model's exact noisy classifier to {@code inner}.
     *
     * @throws ConfigException when the model has no classes, does not have class {@link #label()} or has no
     *     unconditional score
     */
    @Override
    public ScoreFunction wrap(ScoreFunction inner, ScoreModel model, Sde sde) {
        Objects.requireNonNull(inner, "inner");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(sde, "sde");
        Keys.checkModel(NAME, model, label);
        Keys.requireUnconditional("guidance classifier (the model's implicit classifier p_t(c | x))", model,
                "use guidance cfg with guidance.scale=1 for class-conditional samples");
        return new Guided(inner, model.scoreFunction(sde), scale, Conditioning.ofClass(label));
    }

    /** The guided score function. */
    private static final class Guided implements GuidedScore {
        @Override
        public DataType gradientType() {
            return inner.gradientType();
        }

        private final ScoreFunction inner;
        private final ScoreFunction model;
        private final double gamma;
        private final Conditioning cond;

        Guided(ScoreFunction inner, ScoreFunction model, double gamma, Conditioning cond) {
            this.inner = inner;
            this.model = model;
            this.gamma = gamma;
            this.cond = cond;
        }

        @Override
        public boolean replacesConditioning() {
            return inner instanceof GuidedScore g && g.replacesConditioning();
        }

        @Override
        public NDArray score(NDArray x, double t, Conditioning given) {
            NDArray base = inner.score(x, t, given);
            if (gamma == 0) {
                return base;
            }
            NDArray c = null;
            NDArray u = null;
            try {
                c = model.score(x, t, cond);
                u = model.score(x, t, Conditioning.NONE);
                return addGradient(base, c, u);
            } finally {
                release(x, base, c, u);
            }
        }

        @Override
        public NDArray score(NDArray x, NDArray t, Conditioning given) {
            NDArray base = inner.score(x, t, given);
            if (gamma == 0) {
                return base;
            }
            NDArray c = null;
            NDArray u = null;
            try {
                c = model.score(x, t, cond);
                u = model.score(x, t, Conditioning.NONE);
                return addGradient(base, c, u);
            } finally {
                release(x, base, c, u);
            }
        }

        /** base + γ·(c − u). */
        private NDArray addGradient(NDArray base, NDArray c, NDArray u) {
            try (NDArray grad = c.sub(u)) {
                if (gamma == 1) {
                    return base.add(grad);
                }
                try (NDArray scaled = GraphConstants.mul(grad, gamma)) {
                    return base.add(scaled);
                }
            }
        }

        @Override
        public String toString() {
            return "classifier(scale=" + gamma + ", " + cond + ") of " + inner;
        }
    }

    /** Closes the intermediate results this guidance owns (never {@code x}, and each array once). */
    private static void release(NDArray x, NDArray base, NDArray c, NDArray u) {
        if (base != x) {
            base.close();
        }
        if (c != null && c != x && c != base) {
            c.close();
        }
        if (u != null && u != x && u != base && u != c) {
            u.close();
        }
    }

    /**
     * The {@code classifier} plugin.
     *
     * <p>Keys: {@code scale} (default 1, in [0, 100]), {@code class} (required, ≥ 0), {@code classifier}
     * (path, optional). Without {@code classifier} it creates a {@link ClassifierGuidance} (the model's exact
     * classifier; the model-dependent check of {@code class} happens in {@link ClassifierGuidance#wrap}); with
     * one, a {@link TrainedClassifierGuidance}, which loads and checks the classifier folder and the class at
     * once. Stateless and thread-safe.
     */
    public static final class Factory implements GuidanceFactory {
        private static final Map<String, ConfigKey> KEYS = Keys.ordered(
                ConfigKey.ofDouble("scale", 1, 0, Keys.MAX_SCALE,
                        "guidance scale γ on ∇x log p_t(c|x): 0 leaves the score unchanged, 1 gives p_t(x|c)"),
                Keys.CLASS,
                ConfigKey.ofPath("classifier", null,
                        "noisy classifier folder of score4j train-classifier; unset: the model's exact classifier"));

        @Override
        public String name() {
            return NAME;
        }

        @Override
        public String description() {
            return "classifier guidance s(x,t) + scale·∇x log p_t(c|x): the model's exact noisy classifier, or a "
                    + "trained one (classifier=DIR)";
        }

        @Override
        public Map<String, ConfigKey> configKeys() {
            return KEYS;
        }

        @Override
        public Guidance create(PluginConfig config) {
            double scale = config.getDouble("scale");
            int label = Keys.requireClass(config, NAME);
            java.util.Optional<String> dir = config.find("classifier");
            if (dir.isPresent()) {
                java.nio.file.Path path;
                try {
                    path = java.nio.file.Path.of(dir.get());
                } catch (java.nio.file.InvalidPathException e) {
                    throw new ConfigException("invalid value '" + dir.get() + "' for guidance.classifier; expected a "
                            + "folder path (" + e.getReason() + ")");
                }
                return new TrainedClassifierGuidance(scale, label, path);
            }
            return new ClassifierGuidance(scale, label);
        }
    }
}
