package org.score4j.guidance;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
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
 * Classifier-free guidance (Ho &amp; Salimans 2022, "Classifier-Free Diffusion Guidance", eq. 6), written on
 * scores: s̃(x, t) = s(x, t, ∅) + w·(s(x, t, c) − s(x, t, ∅)).
 *
 * <p>The scale w is diffusers' {@code guidance_scale}, i.e. 1 + w of Ho &amp; Salimans' eq. 6 (which reads
 * ε̃ = (1 + w)·ε(z, c) − w·ε(z)): w = 0 gives the unconditional score, w = 1 the conditional score
 * s(x, t, c), and w &gt; 1 extrapolates past it, sharpening p_t(x | c) towards p_t(x | c)·p_t(c | x)^(w−1).
 * Both scores come from the wrapped score function, which is usually the model's own: this is what CFG
 * means for a network trained with and without its label.
 *
 * <p><b>Limited interval.</b> With {@code t_min} &gt; 0, guidance applies only while t ≥ t_min; below it
 * the conditional score s(x, t, c) is used (scale 1), as in the interval guidance of Kynkäänniemi et al.
 * 2024 and the k-diffusion/diffusers implementations, which keep the conditional branch once guidance is
 * switched off. With per-row times the choice is made per row.
 *
 * <p><b>Conditioning.</b> The guidance's class replaces whatever conditioning the caller passes: the
 * conditional branch uses {@code Conditioning.ofClass(class)} and the unconditional one
 * {@link Conditioning#NONE}. A cfg therefore cannot usefully wrap another cfg (its two branches would be
 * equal), and {@link #wrap} refuses to; combine several classes with {@link ClassifierGuidance} instead.
 *
 * <p><b>Models.</b> Any model with classes ({@link ScoreModel#numClasses()} &gt; 0): the exact conditional
 * scores of the {@code gmm} model, or a class-conditional network trained with label dropout
 * ({@code score4j train --cond-dropout P}), whose null label gives the unconditional score. With exact scores,
 * w = 1 samples p(x | c) exactly. A network trained without label dropout has no unconditional score
 * ({@link ScoreModel#hasUnconditionalScore()} false): it is refused for every w but 1, before sampling starts.
 *
 * <p><b>Cost.</b> Two evaluations of the wrapped score per call (conditional, then unconditional); one when
 * w is exactly 0 or 1 or every row is below {@code t_min}. The two are not fused into one evaluation of a
 * doubled batch with per-row labels: for a network that saves only the per-call overhead, at the price of a
 * copy of x and of the result, and it would make the two branches depend on each other's rows. Only out-of-place operations are used, so
 * gradients flow through the result to {@code x}.
 *
 * <p>Config keys ({@code --guidance cfg}): {@code scale} (w, default 2, that is Ho &amp; Salimans' w = 1;
 * in [0, 100]), {@code class} (required, an integer in [0, number of classes of the model)), {@code t_min}
 * (default 0: guidance at every time; in [0, t_end of the SDE]).
 *
 * <p>Immutable and thread-safe, as are the score functions it returns (as far as the wrapped one is).
 *
 * @param scale the guidance scale w, in [0, 100]
 * @param label the class c (key {@code class}), ≥ 0 and below the model's number of classes
 * @param tMin the time below which the conditional score is used unguided (key {@code t_min}), ≥ 0
 */
public record ClassifierFreeGuidance(double scale, int label, double tMin) implements Guidance {
    /** The plugin name. */
    public static final String NAME = "cfg";

    /** The default scale w. */
    public static final double DEFAULT_SCALE = 2;

    /** Checks the parameters; throws {@link ConfigException} naming the key. */
    public ClassifierFreeGuidance {
        Keys.checkScale(NAME, scale);
        Keys.checkClass(NAME, label);
        if (!(tMin >= 0) || !Double.isFinite(tMin)) {
            throw new ConfigException("invalid value '" + tMin + "' for guidance.t_min of guidance cfg; "
                    + "expected a finite number >= 0");
        }
    }

    /**
     * Decorates {@code inner} with classifier-free guidance towards {@link #label()}.
     *
     * @throws ConfigException when the model has no classes, does not have class {@link #label()}, has no
     *     unconditional score ({@link ScoreModel#hasUnconditionalScore()}) while the scale is not 1, when
     *     {@code t_min} lies above the SDE's terminal time, or when {@code inner} is already guided by a cfg
     */
    @Override
    public ScoreFunction wrap(ScoreFunction inner, ScoreModel model, Sde sde) {
        Objects.requireNonNull(inner, "inner");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(sde, "sde");
        Keys.checkModel(NAME, model, label);
        if (scale != 1) {
            Keys.requireUnconditional("guidance cfg at guidance.scale=" + scale, model,
                    "use guidance.scale=1 for class-conditional samples");
        }
        if (tMin > sde.tEnd()) {
            throw new ConfigException("guidance.t_min " + tMin + " of guidance cfg is above the SDE's t_end "
                    + sde.tEnd() + ", so guidance would never apply; expected a number in [0, " + sde.tEnd() + "]");
        }
        if (inner instanceof GuidedScore g && g.replacesConditioning()) {
            throw new ConfigException("guidance cfg cannot wrap another cfg guidance: cfg replaces the conditioning, "
                    + "so the outer one would leave the score unchanged; use one cfg and add classes with "
                    + "guidance classifier");
        }
        return new Guided(inner, scale, Conditioning.ofClass(label), tMin);
    }

    /** The guided score function. */
    private static final class Guided implements GuidedScore {
        @Override
        public DataType gradientType() {
            return inner.gradientType();
        }

        private final ScoreFunction inner;
        private final double w;
        private final Conditioning cond;
        private final double tMin;

        Guided(ScoreFunction inner, double w, Conditioning cond, double tMin) {
            this.inner = inner;
            this.w = w;
            this.cond = cond;
            this.tMin = tMin;
        }

        @Override
        public boolean replacesConditioning() {
            return true;
        }

        @Override
        public NDArray score(NDArray x, double t, Conditioning ignored) {
            if (t < tMin || w == 1) {
                return inner.score(x, t, cond);
            }
            if (w == 0) {
                return inner.score(x, t, Conditioning.NONE);
            }
            NDArray c = inner.score(x, t, cond);
            NDArray u = null;
            try {
                u = inner.score(x, t, Conditioning.NONE);
                return combine(x, c, u, w, null);
            } finally {
                release(x, c, u);
            }
        }

        @Override
        public NDArray score(NDArray x, NDArray t, Conditioning ignored) {
            if (w == 1) {
                return inner.score(x, t, cond);
            }
            int n = Math.toIntExact(x.getShape().get(0));
            boolean[] guided = null;
            int count = n;
            if (tMin > 0) {
                double[] ts = times(t, n);
                guided = new boolean[n];
                count = 0;
                for (int i = 0; i < n; i++) {
                    guided[i] = ts[i] >= tMin;
                    count += guided[i] ? 1 : 0;
                }
            }
            if (count == 0 && n > 0) {
                return inner.score(x, t, cond);
            }
            if (count == n && w == 0) {
                return inner.score(x, t, Conditioning.NONE);
            }
            NDArray c = inner.score(x, t, cond);
            NDArray u = null;
            try {
                u = inner.score(x, t, Conditioning.NONE);
                return combine(x, c, u, w, count == n ? null : guided);
            } finally {
                release(x, c, u);
            }
        }

        /** u + w·(c − u), with w replaced by 1 on the rows {@code guided} marks false (when not null). */
        private static NDArray combine(NDArray x, NDArray c, NDArray u, double w, boolean[] guided) {
            try (NDArray diff = c.sub(u)) {
                if (guided == null) {
                    try (NDArray scaled = GraphConstants.mul(diff, w)) {
                        return scaled.add(u);
                    }
                }
                try (NDArray weights = rowWeights(x, c, guided, w); NDArray scaled = diff.mul(weights)) {
                    return scaled.add(u);
                }
            }
        }

        /** Per-row weights of shape [n, 1, …, 1] (broadcasting over a sample), in the data type of {@code c}. */
        private static NDArray rowWeights(NDArray x, NDArray c, boolean[] guided, double w) {
            Shape cs = c.getShape();
            long[] dims = new long[cs.dimension()];
            Arrays.fill(dims, 1);
            dims[0] = guided.length;
            Shape shape = new Shape(dims);
            DataType type = c.getDataType();
            if (type == DataType.FLOAT32) {
                float[] v = new float[guided.length];
                for (int i = 0; i < v.length; i++) {
                    v[i] = guided[i] ? (float) w : 1f;
                }
                return GraphConstants.create(x.getManager(), v, shape);
            }
            double[] v = new double[guided.length];
            for (int i = 0; i < v.length; i++) {
                v[i] = guided[i] ? w : 1;
            }
            if (type == DataType.FLOAT64) {
                return GraphConstants.create(x.getManager(), v, shape);
            }
            try (NDArray a = x.getManager().create(v, shape)) {
                return a.toType(type, false);
            }
        }

        /** The times as doubles, checking that there is one per row. */
        private static double[] times(NDArray t, int n) {
            if (t.getShape().dimension() != 1 || t.getShape().get(0) != n) {
                throw new IllegalArgumentException("times must have shape (" + n + "), got " + t.getShape());
            }
            NDArray t64 = t.toType(DataType.FLOAT64, false);
            try {
                return t64.toDoubleArray();
            } finally {
                if (t64 != t) {
                    t64.close();
                }
            }
        }

        @Override
        public String toString() {
            return "cfg(scale=" + w + ", " + cond + (tMin > 0 ? ", t_min=" + tMin : "") + ") of " + inner;
        }
    }

    /** Closes the branch results this guidance owns (never {@code x}, and each array once). */
    private static void release(NDArray x, NDArray a, NDArray b) {
        if (a != null && a != x) {
            a.close();
        }
        if (b != null && b != x && b != a) {
            b.close();
        }
    }

    /**
     * The {@code cfg} plugin.
     *
     * <p>Keys: {@code scale} (default 2, in [0, 100]), {@code class} (required, ≥ 0), {@code t_min} (default
     * 0, ≥ 0). The model-dependent checks ({@code class} below the number of classes, {@code t_min} at most
     * the SDE's t_end) happen in {@link ClassifierFreeGuidance#wrap}. Stateless and thread-safe.
     */
    public static final class Factory implements GuidanceFactory {
        private static final Map<String, ConfigKey> KEYS = Keys.ordered(
                ConfigKey.ofDouble("scale", DEFAULT_SCALE, 0, Keys.MAX_SCALE,
                        "guidance scale w: 0 unconditional, 1 conditional, > 1 sharper (Ho & Salimans' 1 + w)"),
                Keys.CLASS,
                ConfigKey.ofDouble("t_min", 0, 0, Double.POSITIVE_INFINITY,
                        "guide only while t >= t_min; below it use the conditional score; 0 guides at every time"));

        @Override
        public String name() {
            return NAME;
        }

        @Override
        public String description() {
            return "classifier-free guidance s(x,t,∅) + scale·(s(x,t,c) − s(x,t,∅)) towards a class of the model";
        }

        @Override
        public Map<String, ConfigKey> configKeys() {
            return KEYS;
        }

        @Override
        public ClassifierFreeGuidance create(PluginConfig config) {
            return new ClassifierFreeGuidance(config.getDouble("scale"), Keys.requireClass(config, NAME),
                    config.getDouble("t_min"));
        }
    }
}
