package org.score4j.solver.likelihood;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.util.Objects;
import org.score4j.api.ConfigException;
import org.score4j.api.model.Conditioning;
import org.score4j.api.model.ScoreFunction;
import org.score4j.api.sde.Sde;
import org.score4j.solver.DormandPrinceIntegrator;

/**
 * Latent codes through the probability-flow ODE, Song et al. 2021 §4.3 ("uniquely identifiable encoding"):
 * {@link #encode} integrates dx/dt = f(t)x − ½g(t)²s(x, t) (eq. 13) from the data at t0 = ε to its latent at
 * T, {@link #decode} integrates back from T to ε, so that decode(encode(x)) ≈ x up to the integration error.
 *
 * <p>Both run in float64 on the per-row adaptive {@link DormandPrinceIntegrator} (default rtol = atol = 1e-5):
 * a row's code does not depend on the batch. Decoding a prior sample is what the {@code ode} solver with
 * {@code method=rk45} does. Immutable; one computation at a time per score function (scores may hold state).
 */
public final class LatentCodec {
    private final Sde sde;
    private final ScoreFunction score;
    private final DormandPrinceIntegrator integrator;
    private final int maxSteps;

    /**
     * A coded batch.
     *
     * @param values float64, the shape of the input, owned by the input's manager
     * @param attempts the integrator's attempts for the batch
     * @param evaluations score evaluations of the batch
     */
    public record Coded(NDArray values, int attempts, long evaluations) {}

    /**
     * @param rtol relative tolerance, &gt; 0
     * @param atol absolute tolerance, &gt; 0
     * @param maxSteps integrator attempts allowed per batch, ≥ 1
     * @throws ConfigException for a tolerance ≤ 0 or maxSteps &lt; 1
     */
    public LatentCodec(Sde sde, ScoreFunction score, double rtol, double atol, int maxSteps) {
        this.sde = Objects.requireNonNull(sde, "sde");
        this.score = Objects.requireNonNull(score, "score");
        this.integrator = new DormandPrinceIntegrator(rtol, atol, "latent codes");
        if (maxSteps < 1) {
            throw new ConfigException("solver.max_steps must be a positive integer, got " + maxSteps);
        }
        this.maxSteps = maxSteps;
    }

    /** With the default tolerances (1e-5) and step limit. */
    public LatentCodec(Sde sde, ScoreFunction score) {
        this(sde, score, ProbabilityFlowLikelihood.DEFAULT_TOLERANCE, ProbabilityFlowLikelihood.DEFAULT_TOLERANCE,
                ProbabilityFlowLikelihood.DEFAULT_MAX_STEPS);
    }

    /**
     * The latents x(T) of data x(ε).
     *
     * @param x shape {@code [n, ...sampleShape]}, any float type; not closed or mutated
     */
    public Coded encode(NDArray x, Conditioning cond) {
        return run(x, cond, sde.t0(), sde.tEnd(), "encode");
    }

    /**
     * The data x(ε) of latents x(T).
     *
     * @param z shape {@code [n, ...sampleShape]}, any float type; not closed or mutated
     */
    public Coded decode(NDArray z, Conditioning cond) {
        return run(z, cond, sde.tEnd(), sde.t0(), "decode");
    }

    private Coded run(NDArray x, Conditioning cond, double from, double to, String who) {
        Objects.requireNonNull(cond, "cond");
        NDArray z0 = x.toType(DataType.FLOAT64, true);
        long[] evaluations = {0};
        DormandPrinceIntegrator.Field field = (z, t) -> {
            evaluations[0]++;
            NDArray s;
            try (NDArray tt = z.getManager().create(t)) {
                s = score.score(z, tt, cond);
            }
            try {
                return FlowIntegration.velocity(z, s, t, sde);
            } finally {
                if (s != z) {
                    s.close();
                }
            }
        };
        FlowIntegration.Outcome o = FlowIntegration.integrate(z0, from, to, integrator, maxSteps, who, field);
        return new Coded(o.z(), o.attempts(), evaluations[0]);
    }

    @Override
    public String toString() {
        return "probability-flow latent codes (" + sde + ")";
    }
}
