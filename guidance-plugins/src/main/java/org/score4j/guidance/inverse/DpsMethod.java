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
 *   s̃(x, t)  = s(x, t) − ζ / (2σ_y²) · ∇ₓ ‖y − A(x̂₀(x, t))‖²
 * </pre>
 * with the gradient taken through the model's score by DJL autograd (one score evaluation and one backward
 * pass per call). With ζ = 1 the added term is ∇ₓ log N(y; A(x̂₀), σ_y²·I), the paper's Gaussian-noise
 * approximation of ∇ₓ log p_t(y | x_t); it is exact as t → t0 (where x̂₀ → x), and in between it neglects the
 * spread of x₀ given x_t, so the samples follow the posterior only approximately (docs/inverse-problems.md
 * records the measured gap). The paper's Algorithm 1 applies the gradient of the norm as a step ζ_i of the
 * sample per discrete step; taking it as a score term instead makes the method independent of the time grid
 * and usable with every solver.
 *
 * <p>Works with any differentiable {@link MeasurementOperator} (linear or not) and needs measurement noise
 * σ_y &gt; 0. Key: {@code zeta} (ζ, default 1, in [0, 1000]; 0 samples the prior). Immutable and thread-safe;
 * gradient recording is serialized process-wide ({@link Autograd}), and a guided score cannot itself be
 * differentiated again.
 *
 * @param zeta ζ, the step size of the likelihood term
 */
public record DpsMethod(double zeta) implements InverseMethod {
    /** The plugin name. */
    public static final String NAME = "dps";
    /** The largest ζ accepted. */
    public static final double MAX_ZETA = 1000;

    public DpsMethod {
        if (!(zeta >= 0 && zeta <= MAX_ZETA)) {
            throw new ConfigException("invalid value '" + zeta + "' for method.zeta; expected a number in [0, "
                    + (int) MAX_ZETA + "]");
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
        return new Dps(operator, zeta);
    }

    /** The guidance. */
    private record Dps(MeasurementOperator op, double zeta) implements Guidance {
        @Override
        public ScoreFunction wrap(ScoreFunction inner, ScoreModel model, Sde sde) {
            Measurements.checkModel(model, op, NAME);
            return new Guided(inner, sde, op, zeta / (2 * op.noiseStd() * op.noiseStd()));
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
        private final double weight;   // ζ/(2σ_y²)

        Guided(ScoreFunction inner, Sde sde, MeasurementOperator op, double weight) {
            this.inner = inner;
            this.sde = sde;
            this.op = op;
            this.weight = weight;
        }

        @Override
        public NDArray score(NDArray x, double t, Conditioning cond) {
            if (weight == 0) {
                return inner.score(x, t, cond);
            }
            return guided(x, new double[] {t}, null, cond);
        }

        @Override
        public NDArray score(NDArray x, NDArray t, Conditioning cond) {
            if (weight == 0) {
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

        /** s − weight·∇‖y − A(x̂₀)‖²; {@code times} has one entry (shared) or one per row ({@code t} given). */
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
                    NDArray r = op.apply(denoised(v, s[0], mean, var, n, sub)).sub(y);
                    return r.square().sum();
                }, "method dps takes a gradient through the model while another gradient is being recorded (e.g. a "
                        + "likelihood differentiating the guided score); use method dps for sampling only",
                        "method dps needs a model score computed with NDArray operations on its input (differentiable "
                                + "by autograd); differentiating it failed: ");
                NDArray base = s[0].stopGradient();
                NDArray step = grad.mul(weight);
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
            return "dps(weight=" + weight + ", " + op + ") of " + inner;
        }
    }

    /** The {@code dps} plugin. Key: {@code zeta} (default 1). Stateless and thread-safe. */
    public static final class Factory implements MethodFactory {
        private static final Map<String, ConfigKey> KEYS = Map.of("zeta", ConfigKey.ofDouble("zeta", 1, 0, MAX_ZETA,
                "step size ζ of the likelihood term −ζ/(2σ_y²)·∇‖y − A(x̂₀)‖² (1: the Gaussian likelihood of x̂₀)"));

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
            return new DpsMethod(config.getDouble("zeta"));
        }
    }
}
