package org.score4j.guidance.inverse;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Map;
import org.score4j.api.ConfigException;
import org.score4j.api.guidance.Guidance;
import org.score4j.api.inverse.InverseMethod;
import org.score4j.api.inverse.MeasurementOperator;
import org.score4j.api.model.Conditioning;
import org.score4j.api.model.ScoreFunction;
import org.score4j.api.model.ScoreModel;
import org.score4j.api.plugin.ConfigKey;
import org.score4j.api.plugin.MethodFactory;
import org.score4j.api.plugin.PluginConfig;
import org.score4j.api.sde.Marginal;
import org.score4j.api.sde.Sde;
import org.score4j.model.nn.Autograd;
import org.score4j.model.nn.GraphConstants;

/**
 * Diffusion posterior sampling (Chung et al. 2023, "Diffusion Posterior Sampling for General Noisy Inverse
 * Problems", eq. 16 and Algorithm 1): the posterior score is approximated by plugging the denoised estimate
 * x̂₀ into the likelihood,
 * <pre>
 *   x̂₀(x, t) = (x + σ(t)²·s(x, t)) / m(t)                      (Tweedie's formula)
 *   v(t)     = σ_y² + γ·g·σ(t)²/m(t)²,   g = ‖A‖₂² (gain max) or ‖A‖_F²/M (gain mean)
 *   s̃(x, t)  = s(x, t) − ζ / (2·v(t)) · ∇ₓ ‖y − A(x̂₀(x, t))‖²
 * </pre>
 * with the gradient taken through the model's score by DJL autograd (one score evaluation and one backward
 * pass per call). With ζ = 1 and γ = 0 the added term is ∇ₓ log N(y; A(x̂₀), σ_y²·I), the paper's Gaussian-noise
 * approximation of ∇ₓ log p_t(y | x_t); it is exact as t → t0 (where x̂₀ → x), and in between it neglects the
 * spread of x₀ given x_t, so the samples follow the posterior only approximately (docs/inverse-problems.md
 * records the measured gap). The paper's Algorithm 1 applies the gradient of the norm as a step ζ_i of the
 * sample per discrete step; taking it as a score term instead makes the method independent of the time grid
 * and usable with every solver.
 *
 * <p><b>The spread of x₀ given x_t (γ).</b> γ·σ(t)²/m(t)² approximates the variance of x₀ given x_t (σ²/m² bounds
 * it for an uninformative prior), as in the likelihood of Rozet and Louppe 2023 ("Score-based Data
 * Assimilation"); A·x₀ then spreads by that times A·Aᵀ, which the term replaces by g·I: by default the largest
 * eigenvalue g = ‖A‖₂² ({@link #maxGain}, power iteration), which bounds the term's curvature along every
 * direction, or with {@code gain=mean} the mean eigenvalue ‖A‖_F²/M ({@link #meanGain}); both are 1 for
 * inpainting and 1/k² for super-resolution by k, and g = 1 for a non-linear operator. With the mean, the strongest
 * directions of tomography (a largest eigenvalue 15 times the mean) stayed undamped and DPS diverged on a
 * network. It matters for stability: with γ = 0 the term's
 * curvature is ζ·‖∂x̂₀/∂x‖²/σ_y² at every t, far above the prior's where x̂₀ still varies with x and σ_y is small,
 * and an explicit step of the sampler (reverse diffusion moves x by g(t)²·Δt·s̃) diverges once
 * g(t)²·Δt·ζ·‖∂x̂₀/∂x‖²/σ_y² exceeds about 2: with σ_y = 0.01 on a 2-D mixture the pc sampler turned NaN at step
 * 641 of 1000 and 3200 of 4000. With γ &gt; 0 the term fades where σ(t)/m(t) is large — where a network's x̂₀ =
 * (x − σε)/m also amplifies its errors by 1/m — and still tends to the DPS term as t → t0, where σ(t) → 0.
 *
 * <p>Works with any differentiable {@link MeasurementOperator} (linear or not) and needs measurement noise
 * σ_y &gt; 0. Keys: {@code zeta} (ζ, default 1, in [0, 1000]; 0 samples the prior), {@code gamma} (γ, default
 * {@value #DEFAULT_GAMMA}, in [0, 1000]; 0 is the DPS term of the paper), {@code clip} (c, default 0: none; with
 * c &gt; 0 x̂₀ is clipped to [−c, c] before A, so that coordinates of x̂₀ outside the data's range give no
 * gradient, as the reference code of Chung et al. clips x̂₀ to [−1, 1]; c = 1 for images scaled to [−1, 1]),
 * {@code gain} ({@value #MAX}, default, or {@value #MEAN}). Immutable and thread-safe; gradient
 * recording is serialized process-wide ({@link Autograd}), and a guided score cannot itself be differentiated again.
 *
 * @param zeta ζ, the step size of the likelihood term
 * @param gamma γ, the weight of the spread of x₀ given x_t in the likelihood's variance
 * @param clip c, the bound x̂₀ is clipped to (0: none)
 * @param gain how g is computed: {@value #MAX} or {@value #MEAN}
 */
public record DpsMethod(double zeta, double gamma, double clip, String gain) implements InverseMethod {
    /** The plugin name. */
    public static final String NAME = "dps";
    /** The largest ζ accepted. */
    public static final double MAX_ZETA = 1000;
    /** The largest γ accepted. */
    public static final double MAX_GAMMA = 1000;
    /** The default γ. */
    public static final double DEFAULT_GAMMA = 0.1;
    /** The {@code gain} words: g the largest eigenvalue of A·Aᵀ (the default) or its mean. */
    public static final String MAX = "max";
    /** The {@code gain} words: g the largest eigenvalue of A·Aᵀ (the default) or its mean. */
    public static final String MEAN = "mean";

    /** ζ, γ and the clip bound with the default gain ({@value #MAX}). */
    public DpsMethod(double zeta, double gamma, double clip) {
        this(zeta, gamma, clip, MAX);
    }

    public DpsMethod {
        if (!(zeta >= 0 && zeta <= MAX_ZETA)) {
            throw new ConfigException("invalid value '" + zeta + "' for method.zeta; expected a number in [0, "
                    + (int) MAX_ZETA + "]");
        }
        if (!(clip >= 0 && clip <= MAX_GAMMA)) {
            throw new ConfigException("invalid value '" + clip + "' for method.clip; expected a number in [0, "
                    + (int) MAX_GAMMA + "] (0: no clipping)");
        }
        if (!MAX.equals(gain) && !MEAN.equals(gain)) {
            throw new ConfigException("invalid value '" + gain + "' for method.gain; expected one of: " + MAX + ", "
                    + MEAN);
        }
        if (!(gamma >= 0 && gamma <= MAX_GAMMA)) {
            throw new ConfigException("invalid value '" + gamma + "' for method.gamma; expected a number in [0, "
                    + (int) MAX_GAMMA + "]");
        }
    }

    /**
     * @throws ConfigException when the operator's measurement noise σ_y is 0
     */
    @Override
    public Guidance guidance(MeasurementOperator operator) {
        if (!(operator.noiseStd() > 0)) {
            throw new ConfigException("method dps weighs the measurement by its noise: set operator.noise > 0 (the "
                    + "standard deviation σ_y of the measurement noise)");
        }
        return new Dps(operator, zeta, gamma, gamma == 0 ? 1 : gain(operator, gain), clip);
    }

    /** Rows of unit vectors per batch when measuring the mean gain. */
    private static final int GAIN_CHUNK = 1024;
    /** The most power iterations for the largest eigenvalue. */
    static final int POWER_ITERATIONS = 2000;
    /** The relative change of the Rayleigh quotient at which the power iteration stops. */
    static final double POWER_TOLERANCE = 1e-7;

    /** The gain g of {@code gain} ({@value #MAX} or {@value #MEAN}) for {@code op}; 1 for a non-linear operator. */
    static double gain(MeasurementOperator op, String gain) {
        if (!(op instanceof org.score4j.api.inverse.LinearOperator lin)) {
            return 1;
        }
        return gain.equals(MEAN) ? meanGain(lin) : maxGain(lin);
    }

    /**
     * g = ‖A‖_F²/M, the mean eigenvalue of A·Aᵀ, from A applied to the D unit vectors (float64).
     */
    static double meanGain(org.score4j.api.inverse.LinearOperator op) {
        int d = Math.toIntExact(op.sampleShape().size());
        long m = op.measurementShape().size();
        double sum = 0;
        try (NDManager nd = NDManager.newBaseManager()) {
            for (int from = 0; from < d; from += GAIN_CHUNK) {
                int count = Math.min(GAIN_CHUNK, d - from);
                try (NDManager sub = nd.newSubManager()) {
                    double[] e = new double[count * d];
                    for (int i = 0; i < count; i++) {
                        e[i * d + from + i] = 1;
                    }
                    NDArray ax = op.apply(sub.create(e, new Shape(count, d)));
                    sum += ax.square().sum().toType(DataType.FLOAT64, false).getDouble();
                }
            }
        }
        return sum / m;
    }

    /**
     * g = ‖A‖₂², the largest eigenvalue of A·Aᵀ (and of Aᵀ·A), by power iteration on Aᵀ·A in float64 from a fixed
     * pseudo-random start (seeded, so the same operator always gives the same bits): v ← Aᵀ·A·v/‖Aᵀ·A·v‖ until the
     * Rayleigh quotient ⟨v, Aᵀ·A·v⟩ changes by less than {@value #POWER_TOLERANCE} relative, or after
     * {@value #POWER_ITERATIONS} iterations. The quotient never exceeds the largest eigenvalue and approaches it
     * from below.
     */
    static double maxGain(org.score4j.api.inverse.LinearOperator op) {
        int d = Math.toIntExact(op.sampleShape().size());
        java.util.SplittableRandom rng = new java.util.SplittableRandom(0x5c0e4L);
        double[] v = new double[d];
        double norm = 0;
        for (int i = 0; i < d; i++) {
            v[i] = rng.nextGaussian();
            norm += v[i] * v[i];
        }
        norm = Math.sqrt(norm);
        for (int i = 0; i < d; i++) {
            v[i] /= norm;
        }
        double lambda = 0;
        try (NDManager nd = NDManager.newBaseManager()) {
            for (int it = 0; it < POWER_ITERATIONS; it++) {
                double[] w;
                try (NDManager sub = nd.newSubManager()) {
                    NDArray x = sub.create(v, new Shape(1, d));
                    w = op.adjoint(op.apply(x)).toType(DataType.FLOAT64, false).toDoubleArray();
                }
                double q = 0;
                double wn = 0;
                for (int i = 0; i < d; i++) {
                    q += v[i] * w[i];
                    wn += w[i] * w[i];
                }
                wn = Math.sqrt(wn);
                if (!(wn > 0)) {
                    return 0;
                }
                for (int i = 0; i < d; i++) {
                    v[i] = w[i] / wn;
                }
                boolean done = it > 0 && Math.abs(q - lambda) <= POWER_TOLERANCE * q;
                lambda = q;
                if (done) {
                    break;
                }
            }
        }
        return lambda;
    }

    /** The guidance. */
    private record Dps(MeasurementOperator op, double zeta, double gamma, double gain, double clip)
            implements Guidance {
        @Override
        public ScoreFunction wrap(ScoreFunction inner, ScoreModel model, Sde sde) {
            Measurements.checkModel(model, op, NAME);
            return new Guided(inner, sde, op, zeta, gamma * gain, gamma, clip);
        }
    }

    /** The guided score function. */
    private static final class Guided implements ScoreFunction {
        @Override
        public DataType gradientType() {
            return inner.gradientType();
        }

        private final ScoreFunction inner;
        private final Sde sde;
        private final MeasurementOperator op;
        private final double zeta;
        private final double gamma;   // γ·g
        private final double prior;   // γ, for messages
        private final double noiseVariance;   // σ_y²
        private final double clip;   // 0: none

        Guided(ScoreFunction inner, Sde sde, MeasurementOperator op, double zeta, double gamma, double prior,
                double clip) {
            this.clip = clip;
            this.inner = inner;
            this.sde = sde;
            this.op = op;
            this.zeta = zeta;
            this.gamma = gamma;
            this.prior = prior;
            this.noiseVariance = op.noiseStd() * op.noiseStd();
        }

        /** ζ/(2·(σ_y² + γ·g·σ²/m²)) at a time of marginal mean m and variance σ². */
        private double weight(double mean, double var) {
            return zeta / (2 * (noiseVariance + gamma * var / (mean * mean)));
        }

        @Override
        public NDArray score(NDArray x, double t, Conditioning cond) {
            if (zeta == 0) {
                return inner.score(x, t, cond);
            }
            return guided(x, new double[] {t}, null, cond);
        }

        @Override
        public NDArray score(NDArray x, NDArray t, Conditioning cond) {
            if (zeta == 0) {
                return inner.score(x, t, cond);
            }
            int n = Math.toIntExact(x.getShape().get(0));
            if (t.getShape().dimension() != 1 || t.getShape().get(0) != n) {
                throw new IllegalArgumentException("times must have shape (" + n + "), got " + t.getShape());
            }
            double[] ts;
            try (NDArray t64 = t.toType(DataType.FLOAT64, true)) {
                ts = t64.toDoubleArray();
            }
            return guided(x, ts, t, cond);
        }

        /**
         * s − w(t)·∇‖y − A(x̂₀)‖² with w(t) = ζ/(2·v(t)); {@code times} has one entry (shared) or one per row
         * ({@code t} given). Rows are independent, so the gradient of the summed squared residuals is, row by row,
         * that of the row's own, and each row is weighed by its own time's w.
         */
        private NDArray guided(NDArray x, double[] times, NDArray t, Conditioning cond) {
            NDManager caller = x.getManager();
            int n = Math.toIntExact(x.getShape().get(0));
            try (NDManager sub = caller.newSubManager()) {
                NDArray y = Measurements.of(cond, x, op, NAME, sub);
                double[] mean = new double[times.length];
                double[] var = new double[times.length];
                for (int i = 0; i < times.length; i++) {
                    Marginal mg = sde.marginal(times[i]);
                    mean[i] = mg.mean();
                    var[i] = mg.variance();
                }
                DataType type = inner.gradientType() == null ? x.getDataType() : inner.gradientType();
                NDArray xin = type == x.getDataType() ? x.duplicate() : x.toType(type, true);
                xin.attach(sub);
                NDArray[] s = new NDArray[1];
                NDArray grad = Autograd.gradient(xin, v -> {
                    s[0] = t == null ? inner.score(v, times[0], cond) : inner.score(v, t, cond);
                    NDArray x0 = denoised(v, s[0], mean, var, n, sub);
                    if (clip > 0) {
                        x0 = x0.clip(-clip, clip);
                    }
                    NDArray r = op.apply(x0).sub(y);
                    return r.square().sum();
                }, "method dps takes a gradient through the model while another gradient is being recorded (e.g. a "
                        + "likelihood differentiating the guided score); use method dps for sampling only",
                        "method dps needs a model score computed with NDArray operations on its input (differentiable "
                                + "by autograd); differentiating it failed: ");
                NDArray base = s[0].stopGradient();
                NDArray step;
                if (times.length == 1) {
                    step = grad.mul(weight(mean[0], var[0]));
                } else {
                    double[] w = new double[n];
                    for (int i = 0; i < n; i++) {
                        w[i] = weight(mean[i], var[i]);
                    }
                    long[] b = new long[x.getShape().dimension()];
                    java.util.Arrays.fill(b, 1);
                    b[0] = n;
                    NDArray wa = Shapes.constant(grad, w, new Shape(b));
                    wa.attach(sub);
                    step = grad.mul(wa);
                }
                NDArray out = base.sub(step);
                if (out.getDataType() != x.getDataType()) {
                    out = out.toType(x.getDataType(), false);
                }
                out.attach(caller);
                return out;
            }
        }

        /** (x + σ²·s)/m, with m and σ² shared or per row. */
        private static NDArray denoised(NDArray x, NDArray s, double[] mean, double[] var, int n, NDManager sub) {
            if (mean.length == 1) {
                return GraphConstants.div(x.add(GraphConstants.mul(s, var[0])), mean[0]);
            }
            long[] b = new long[x.getShape().dimension()];
            java.util.Arrays.fill(b, 1);
            b[0] = n;
            Shape rows = new Shape(b);
            NDArray m = Shapes.constant(x, mean, rows);
            NDArray v = Shapes.constant(x, var, rows);
            m.attach(sub);
            v.attach(sub);
            return x.add(s.mul(v)).div(m);
        }

        @Override
        public String toString() {
            return "dps(zeta=" + zeta + ", gamma=" + prior + ", clip=" + clip + ", " + op + ") of " + inner;
        }
    }

    /**
     * The {@code dps} plugin. Keys: {@code zeta} (default 1), {@code gamma} (default 0.1), {@code clip} (default 0),
     * {@code gain} (default max). Stateless and thread-safe.
     */
    public static final class Factory implements MethodFactory {
        private static final Map<String, ConfigKey> KEYS = Map.of(
                "zeta", ConfigKey.ofDouble("zeta", 1, 0, MAX_ZETA, "step size ζ of the likelihood term "
                        + "−ζ/(2v)·∇‖y − A(x̂₀)‖² (1: the Gaussian likelihood of x̂₀)"),
                "gamma", ConfigKey.ofDouble("gamma", DEFAULT_GAMMA, 0, MAX_GAMMA, "weight γ of the spread of x₀ "
                        + "given x_t: v = σ_y² + γ·g·σ(t)²/m(t)², g from gain (0: the DPS term of Chung et al.; > 0 "
                        + "keeps it stable for small σ_y)"),
                "clip", ConfigKey.ofDouble("clip", 0, 0, MAX_GAMMA, "clip x̂₀ to [−clip, clip] before A (its "
                        + "gradient is 0 outside), e.g. 1 for images in [−1, 1] as Chung et al.'s code does; 0: no "
                        + "clipping"),
                "gain", ConfigKey.ofChoice("gain", MAX, java.util.List.of(MAX, MEAN), "g in v: max, the largest "
                        + "eigenvalue ‖A‖₂² of A·Aᵀ (power iteration; bounds the term's stiffness), or mean, "
                        + "‖A‖_F²/M; the same for inpaint, super-resolution and colorize"));

        @Override
        public String name() {
            return NAME;
        }

        @Override
        public String description() {
            return "diffusion posterior sampling (Chung et al. 2023): ∇ of ‖y − A(x̂₀(x_t))‖² through the model by "
                    + "autograd, step zeta";
        }

        @Override
        public Map<String, ConfigKey> configKeys() {
            return KEYS;
        }

        @Override
        public InverseMethod create(PluginConfig config) {
            return new DpsMethod(config.getDouble("zeta"), config.getDouble("gamma"), config.getDouble("clip"),
                    config.getString("gain"));
        }
    }
}
