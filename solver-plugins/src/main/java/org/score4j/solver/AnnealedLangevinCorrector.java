package org.score4j.solver;

import ai.djl.ndarray.NDArray;
import org.score4j.api.ConfigException;
import org.score4j.api.model.Conditioning;
import org.score4j.api.model.ScoreFunction;
import org.score4j.api.noise.NoiseSource;
import org.score4j.api.sde.Sde;
import org.score4j.api.solver.Corrector;
import org.score4j.api.solver.Step;

/**
 * Annealed Langevin dynamics, Song &amp; Ermon 2019 ("Generative Modeling by Estimating Gradients of the Data
 * Distribution"), Algorithm 1: at noise level σ(t), {@code n_steps} Langevin steps with
 * α = step_size·σ(t)²/σ(t0)², each mean = x + (α/2)·s(x, t) and x = mean + √α·z.
 *
 * <p>σ(t0) = {@code sde.marginal(sde.t0()).std()} is the smallest noise level of the grid (σ_L of the paper).
 * The relative step α/σ(t)² = step_size/σ(t0)² is the same at every level. Since −∇²log p_t ≼ I/σ(t)² for
 * any data, the chain is stable when step_size &lt; 4σ(t0)², and on a Gaussian of variance v ≥ σ(t)² its
 * stationary variance v/(1 − α/(4v)) is inflated by at most step_size/(4σ(t0)²). The default step_size =
 * 2e-5 is the paper's ε for σ_L = 0.01; with the default VE and VP SDEs (σ(t0) ≈ 0.01) it gives α ≈ 0.2·σ(t)²:
 * a factor 20 inside the stability bound, at most 5% variance inflation, and on a Gaussian mixture (whose
 * perturbed components have variance m²c² + σ(t)² ≥ σ(t)²) a step small against every component's width, so
 * samples stay in their mode while the predictor moves them between levels. Use a proportionally smaller
 * step_size for an SDE with a smaller σ(t0): the bound step_size &lt; 4σ(t0)² is the SDE's, not this class's.
 * Hence the default is relative: without {@code step_size}, ε = 0.2·σ(t0)² (the paper's 2e-5 when
 * σ(t0) = 0.01), which suits every SDE (sub-VP's σ(t0) is about 1e-4, where 2e-5 would diverge). A given
 * step_size at or beyond the stability bound of the pipeline's SDE is refused with a one-line error.
 *
 * <p>Keys: {@code step_size} (optional, in (0, 1]; default 0.2·σ(t0)²) and {@code n_steps} (default 1,
 * 1..1000). Each step
 * uses one score evaluation and one noise draw. Stateless and thread-safe.
 */
public final class AnnealedLangevinCorrector implements Corrector {
    private final double stepSize;
    private final int nSteps;

    /** The relative default step: ε = DEFAULT_RELATIVE_STEP·σ(t0)². */
    public static final double DEFAULT_RELATIVE_STEP = 0.2;

    /**
     * @param stepSize the paper's ε, the step at the smallest noise level σ(t0); {@code NaN} for the default
     *     0.2·σ(t0)²
     * @param nSteps Langevin steps per call, at least 1
     */
    public AnnealedLangevinCorrector(double stepSize, int nSteps) {
        if (!Double.isNaN(stepSize) && !(stepSize > 0 && stepSize <= 1)) {
            throw new ConfigException("corrector.step_size must be a number in (0, 1], got " + stepSize);
        }
        if (nSteps < 1) {
            throw new ConfigException("corrector.n_steps must be a positive integer, got " + nSteps);
        }
        this.stepSize = stepSize;
        this.nSteps = nSteps;
    }

    /** The step at the smallest noise level as configured ({@code NaN}: the default 0.2·σ(t0)²). */
    public double stepSize() {
        return stepSize;
    }

    /** Langevin steps per call. */
    public int nSteps() {
        return nSteps;
    }

    /** The step α = step_size·σ(t)²/σ(t0)² at time t. */
    public double alpha(Sde sde, double t) {
        double s0 = sde.marginal(sde.t0()).std();
        if (!(s0 > 0)) {
            throw new ConfigException("corrector annealed-langevin needs an SDE with σ(t0) > 0");
        }
        double eps = Double.isNaN(stepSize) ? DEFAULT_RELATIVE_STEP * s0 * s0 : stepSize;
        if (eps >= 4 * s0 * s0) {
            throw new ConfigException("corrector.step_size=" + eps + " is unstable for this SDE; it must be below "
                    + "4*sigma(t0)^2 = " + (4 * s0 * s0) + " (omit it for the default 0.2*sigma(t0)^2)");
        }
        double r = sde.marginal(t).std() / s0;
        return eps * r * r;
    }

    @Override
    public Step correct(NDArray x, double t, Sde sde, ScoreFunction score, Conditioning cond, NoiseSource noise) {
        double alpha = alpha(sde, t);
        double noiseStd = Math.sqrt(alpha);
        NDArray cur = x;
        NDArray mean = null;
        for (int k = 0; k < nSteps; k++) {
            NDArray s = score.score(cur, t, cond);
            NDArray m = Nd.axpy(cur, alpha / 2, s);
            Nd.closeUnless(s, cur, x);
            NDArray z = Nd.normalLike(cur, noise);
            NDArray next = Nd.axpy(m, noiseStd, z);
            z.close();
            Nd.closeUnless(cur, x);
            Nd.closeUnless(mean, x);
            mean = m;
            cur = next;
        }
        return new Step(cur, mean);
    }

    @Override
    public String toString() {
        return "annealed-langevin(step_size=" + stepSize + ", n_steps=" + nSteps + ")";
    }
}
