package org.score4j.solver.likelihood;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Objects;
import org.score4j.api.ConfigException;
import org.score4j.api.model.Conditioning;
import org.score4j.api.model.ScoreFunction;
import org.score4j.api.noise.NoiseSource;
import org.score4j.api.sde.Sde;
import org.score4j.solver.DormandPrinceIntegrator;

/**
 * Exact log-likelihoods through the probability-flow ODE, Song et al. 2021 ("Score-Based Generative Modeling
 * through SDEs") eq. 39 and Appendix D.2: with the velocity f̃(x, t) = f(t)x − ½g(t)²s(x, t) (eq. 13), the
 * instantaneous change of variables (Chen et al. 2018) gives
 * log p_ε(x(ε)) = log p_T(x(T)) + ∫_ε^T ∇·f̃(x(t), t) dt along the ODE's trajectory from the data point x(ε) to
 * its latent x(T), and the model's log-likelihood replaces p_T with the prior:
 * NLL(x) = −(log p_prior(x(T)) + ∫_ε^T ∇·f̃ dt), in nats, per sample.
 *
 * <p><b>Integration.</b> Each row integrates the augmented state (x, Δlogp) from t0 = ε ({@link Sde#t0()}) to
 * T ({@link Sde#tEnd()}) with d(Δlogp)/dt = ∇·f̃ = f(t)·D − ½g(t)²·∇·s, starting at Δlogp = 0, on the per-row
 * adaptive {@link DormandPrinceIntegrator} (rtol and atol apply to all D + 1 components of a row; default 1e-5
 * each, as score_sde). Everything is float64 whatever the input's type, so the score must accept float64
 * input. The divergence ∇·s comes from the {@link Trace}: exact or Hutchinson–Skilling with probes fixed along
 * the trajectory.
 *
 * <p><b>What is measured.</b> The density of the data perturbed to time ε, p_ε = p_0 convolved with the kernel
 * at ε (for ε = 1e-3 under score_sde's VP SDE, noise of variance about 1e-4); and the prior stands in for p_T,
 * whose mismatch log p_T(x(T)) − log p_prior(x(T)) is part of the model's NLL.
 *
 * <p><b>Batches and randomness.</b> Rows never read each other and Hutchinson's probes come from each row's
 * own noise stream, so a sample's NLL does not depend on the batch as long as the score of a row does not.
 *
 * <p>Immutable. Uses DJL's autograd: run one computation at a time per process (see the package notes).
 */
public final class ProbabilityFlowLikelihood {
    /** score_sde's tolerances for the likelihood ODE. */
    public static final double DEFAULT_TOLERANCE = 1e-5;
    /** Attempts allowed per batch by default. */
    public static final int DEFAULT_MAX_STEPS = 100_000;

    private final Sde sde;
    private final ScoreFunction score;
    private final Trace trace;
    private final DormandPrinceIntegrator integrator;
    private final int maxSteps;

    /**
     * @param sde the forward process
     * @param score its score (possibly guided)
     * @param trace how the divergence is computed
     * @param rtol relative tolerance, &gt; 0
     * @param atol absolute tolerance, &gt; 0
     * @param maxSteps integrator attempts allowed per batch, ≥ 1
     * @throws ConfigException for a tolerance ≤ 0 or maxSteps &lt; 1
     */
    public ProbabilityFlowLikelihood(Sde sde, ScoreFunction score, Trace trace, double rtol, double atol,
            int maxSteps) {
        this.sde = Objects.requireNonNull(sde, "sde");
        this.score = Objects.requireNonNull(score, "score");
        this.trace = Objects.requireNonNull(trace, "trace");
        this.integrator = new DormandPrinceIntegrator(rtol, atol, "likelihood (" + trace.name() + " trace)");
        if (maxSteps < 1) {
            throw new ConfigException("solver.max_steps must be a positive integer, got " + maxSteps);
        }
        this.maxSteps = maxSteps;
    }

    /** With the default tolerances and step limit. */
    public ProbabilityFlowLikelihood(Sde sde, ScoreFunction score, Trace trace) {
        this(sde, score, trace, DEFAULT_TOLERANCE, DEFAULT_TOLERANCE, DEFAULT_MAX_STEPS);
    }

    /** The divergence method. */
    public Trace trace() {
        return trace;
    }

    /**
     * The likelihoods of one batch, per sample.
     *
     * @param nll the negative log-likelihood −(priorLogProb + deltaLogp), nats
     * @param priorLogProb log p_prior(x(T))
     * @param deltaLogp ∫_ε^T ∇·f̃ dt, that is log p_ε(x) − log p_T(x(T)) under the model's flow
     * @param latent x(T), row-major, {@code dimension} values per sample
     * @param dimension D, the values per sample
     * @param attempts the integrator's attempts (accepted and rejected steps) for the batch
     * @param evaluations evaluations of the augmented ODE's right-hand side for the batch (each one score
     *     and one divergence of the whole batch)
     */
    public record Result(double[] nll, double[] priorLogProb, double[] deltaLogp, double[] latent, int dimension,
            int attempts, long evaluations) {
        public Result {
            nll = nll.clone();
            priorLogProb = priorLogProb.clone();
            deltaLogp = deltaLogp.clone();
            latent = latent.clone();
        }

        /** The number of samples. */
        public int n() {
            return nll.length;
        }

        @Override
        public double[] nll() {
            return nll.clone();
        }

        @Override
        public double[] priorLogProb() {
            return priorLogProb.clone();
        }

        @Override
        public double[] deltaLogp() {
            return deltaLogp.clone();
        }

        @Override
        public double[] latent() {
            return latent.clone();
        }

        /** The latent x(T) of sample i. */
        public double[] latent(int i) {
            return java.util.Arrays.copyOfRange(latent, i * dimension, (i + 1) * dimension);
        }

        /** NLL/(D·ln 2) per sample. */
        public double[] bitsPerDim() {
            double[] b = new double[nll.length];
            for (int i = 0; i < b.length; i++) {
                b[i] = nll[i] / (dimension * Math.log(2));
            }
            return b;
        }
    }

    /**
     * Computes the NLL of every row of {@code x}.
     *
     * @param x the data, shape {@code [n, ...sampleShape]}, any float type; not closed or mutated
     * @param noise one stream per row (for Hutchinson's probes; unused by the exact trace)
     * @throws org.score4j.api.NumericalException when the integration fails (step limit, NaN scores)
     */
    public Result evaluate(NDArray x, Conditioning cond, NoiseSource noise) {
        Objects.requireNonNull(cond, "cond");
        int n = Rows.count(x);
        if (noise.rows() != n) {
            throw new IllegalArgumentException("noise source has " + noise.rows() + " rows but the batch has " + n);
        }
        Shape sampleShape = x.getShape().slice(1);
        int d = Math.toIntExact(sampleShape.size());
        if (n == 0) {
            return new Result(new double[0], new double[0], new double[0], new double[0], d, 0, 0);
        }
        try (NDManager m = x.getManager().newSubManager()) {
            NDArray x64 = x.toType(DataType.FLOAT64, true);
            x64.attach(m);
            NDArray z0 = NDArrays.concat(new NDList(x64.reshape(n, d), m.zeros(new Shape(n, 1), DataType.FLOAT64)), 1);
            NDArray probes = trace.fixedNoise(sampleShape, noise, m);
            long[] evaluations = {0};
            DormandPrinceIntegrator.Field field = (z, t) -> {
                evaluations[0]++;
                return augmented(z, t, cond, probes, sampleShape, d);
            };
            FlowIntegration.Outcome o = FlowIntegration.integrate(z0, sde.t0(), sde.tEnd(), integrator, maxSteps,
                    "likelihood (" + trace.name() + " trace)", field);
            double[] zv = o.z().toDoubleArray();
            double[] latent = new double[n * d];
            double[] delta = new double[n];
            for (int i = 0; i < n; i++) {
                System.arraycopy(zv, i * (d + 1), latent, i * d, d);
                delta[i] = zv[i * (d + 1) + d];
            }
            double[] prior;
            try (NDArray xT = m.create(latent, new Shape(n).addAll(sampleShape));
                    NDArray lp = sde.priorLogProb(xT)) {
                prior = Rows.doubles(lp);
            }
            double[] nll = new double[n];
            for (int i = 0; i < n; i++) {
                nll[i] = -(prior[i] + delta[i]);
            }
            return new Result(nll, prior, delta, latent, d, o.attempts(), evaluations[0]);
        }
    }

    /** [f̃(x, t), ∇·f̃(x, t)] for the augmented state z = [x, Δlogp], shape [n, D + 1]. */
    private NDArray augmented(NDArray z, double[] t, Conditioning cond, NDArray probes, Shape sampleShape, int d) {
        NDManager parent = z.getManager();
        int n = t.length;
        try (NDManager sub = parent.newSubManager()) {
            NDArray xFlat = z.get(new NDIndex(":, 0:" + d));
            xFlat.attach(sub);
            NDArray x = xFlat.reshape(new Shape(n).addAll(sampleShape));
            Trace.Evaluation ev = trace.evaluate(x, t, score, cond, probes);
            NDArray v = FlowIntegration.velocity(x, ev.score(), t, sde).reshape(n, d);
            double[] div = ev.divergence();
            double[] dl = new double[n];
            for (int i = 0; i < n; i++) {
                double g = sde.diffusion(t[i]);
                dl[i] = sde.driftCoefficient(t[i]) * d - 0.5 * g * g * div[i];
            }
            NDArray out = NDArrays.concat(new NDList(v, sub.create(dl, new Shape(n, 1))), 1);
            out.attach(parent);
            return out;
        }
    }

    @Override
    public String toString() {
        return "probability-flow likelihood (" + trace + ", " + sde + ")";
    }
}
