package org.score4j.guidance.inverse;

import ai.djl.ndarray.NDArray;
import java.util.Map;
import org.score4j.api.ConfigException;
import org.score4j.api.guidance.Guidance;
import org.score4j.api.guidance.StateCorrection;
import org.score4j.api.inverse.InverseMethod;
import org.score4j.api.inverse.LinearOperator;
import org.score4j.api.inverse.MeasurementOperator;
import org.score4j.api.model.Conditioning;
import org.score4j.api.model.ScoreFunction;
import org.score4j.api.model.ScoreModel;
import org.score4j.api.noise.NoiseSource;
import org.score4j.api.plugin.ConfigKey;
import org.score4j.api.plugin.MethodFactory;
import org.score4j.api.plugin.PluginConfig;
import org.score4j.api.sde.Marginal;
import org.score4j.api.sde.Sde;
import org.score4j.api.solver.Step;

/**
 * Measurement-consistent replacement, the conditional reverse SDE for linear measurements of Song et al. 2022
 * ("Solving Inverse Problems in Medical Imaging with Score-Based Generative Models", eq. 9 and Algorithm 1),
 * which for inpainting is the imputation of Song et al. 2021, Appendix I.2.
 *
 * <p>The prior score is left unchanged; after every predictor and corrector update at time t the sample is
 * moved towards the set of samples consistent with a noisy version of the measurement at that time:
 * <pre>
 *   ŷ_t = m(t)·y + σ(t)·A·z,      z ~ N(0, I)   (a draw of A·x_t given A·x_0 = y)
 *   x  ← x + λ·A⁺·(ŷ_t − A·x)
 * </pre>
 * With λ = 1 this replaces the component of x in the row space of A by that of ŷ_t (for inpainting: the
 * observed pixels by the noised observation) and keeps the rest; A = P(Λ)·T of the paper gives the same
 * update. The noise-free mean of an update is projected on m(t)·y, so the denoised result at t0 satisfies
 * A·x = m(t0)·y up to λ. The method ignores the measurement noise σ_y: it samples as if y = A·x exactly, which
 * the exact posterior approaches as σ_y → 0 (see docs/inverse-problems.md for the measured gap).
 *
 * <p>Needs a {@link LinearOperator} and a predictor–corrector solver. Key: {@code lambda} (λ, default 1, in
 * [0, 1]). Immutable and thread-safe.
 *
 * @param lambda λ, the weight of the measurement in the replacement
 */
public record ProjectionMethod(double lambda) implements InverseMethod {
    /** The plugin name. */
    public static final String NAME = "projection";

    public ProjectionMethod {
        if (!(lambda >= 0 && lambda <= 1)) {
            throw new ConfigException("invalid value '" + lambda + "' for method.lambda; expected a number in [0, 1]");
        }
    }

    /**
     * @throws ConfigException when {@code operator} is not linear
     */
    @Override
    public Guidance guidance(MeasurementOperator operator) {
        if (!(operator instanceof LinearOperator linear)) {
            throw new ConfigException("method projection needs a linear operator (A, its adjoint and "
                    + "pseudo-inverse); operator " + operator + " is not linear; use method dps");
        }
        return new Projection(linear, lambda);
    }

    /** The replacement as a state correction; the score passes through. */
    private static final class Projection implements Guidance, StateCorrection {
        private final LinearOperator op;
        private final double lambda;

        Projection(LinearOperator op, double lambda) {
            this.op = op;
            this.lambda = lambda;
        }

        @Override
        public ScoreFunction wrap(ScoreFunction inner, ScoreModel model, Sde sde) {
            Measurements.checkModel(model, op, NAME);
            return inner;
        }

        @Override
        public Step correct(Step step, double t, Sde sde, Conditioning cond, NoiseSource noise) {
            NDArray x = step.x();
            Marginal mg = sde.marginal(t);
            try (NDArray y = Measurements.of(cond, x, op, NAME, x.getManager());
                    NDArray my = y.mul(mg.mean());
                    NDArray z = noise.normal(op.sampleShape(), x.getDataType(), x.getManager());
                    NDArray az = op.apply(z);
                    NDArray saz = az.mul(mg.std());
                    NDArray target = my.add(saz)) {
                NDArray corrected = project(x, target);
                if (step.mean() == x) {
                    return Step.of(corrected);
                }
                return new Step(corrected, project(step.mean(), my));
            }
        }

        /** x + λ·A⁺·(target − A·x). */
        private NDArray project(NDArray x, NDArray target) {
            try (NDArray ax = op.apply(x); NDArray r = target.sub(ax); NDArray back = op.pseudoInverse(r)) {
                if (lambda == 1) {
                    return x.add(back);
                }
                try (NDArray scaled = back.mul(lambda)) {
                    return x.add(scaled);
                }
            }
        }

        @Override
        public String toString() {
            return "projection(lambda=" + lambda + ", " + op + ")";
        }
    }

    /** The {@code projection} plugin. Key: {@code lambda} (default 1). Stateless and thread-safe. */
    public static final class Factory implements MethodFactory {
        private static final Map<String, ConfigKey> KEYS = Map.of("lambda", ConfigKey.ofDouble("lambda", 1, 0, 1,
                "weight λ of the measurement in x <- x + λ A⁺(ŷ_t - A x); 1 replaces the measured part"));

        @Override
        public String name() {
            return NAME;
        }

        @Override
        public String description() {
            return "measurement-consistent replacement after every pc update (Song et al. 2022), linear operators";
        }

        @Override
        public Map<String, ConfigKey> configKeys() {
            return KEYS;
        }

        @Override
        public InverseMethod create(PluginConfig config) {
            return new ProjectionMethod(config.getDouble("lambda"));
        }
    }
}
