package org.score4j.api.sde;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.score4j.api.noise.NoiseSource;

/**
 * A forward SDE dx = f(t)·x dt + g(t) dw with an affine drift and therefore a Gaussian perturbation kernel
 * x_t = m(t)·x_0 + σ(t)·z (Song et al. 2021, "Score-Based Generative Modeling through SDEs", eq. 5 and §3.4).
 *
 * <p>Scalars (times, coefficients) are plain doubles; arrays hold a batch with the sample index first.
 * Implementations are immutable and thread-safe. Array methods return arrays owned by the manager of their
 * input array (or by the given manager) and never close or mutate their inputs.
 */
public interface Sde {
    /** The earliest time sampling reaches (the ε of score_sde); 0 &lt; t0() &lt; tEnd(). */
    double t0();

    /** The terminal time T, where the prior is used. */
    double tEnd();

    /** The drift coefficient f(t): the drift is f(t)·x. */
    double driftCoefficient(double t);

    /** The diffusion coefficient g(t). */
    double diffusion(double t);

    /** The perturbation kernel's mean coefficient m(t) and standard deviation σ(t). */
    Marginal marginal(double t);

    /** The standard deviation of the isotropic Gaussian prior N(0, priorStd²·I) used at {@link #tEnd()}. */
    double priorStd();

    /** The drift f(t)·x. */
    default NDArray drift(NDArray x, double t) {
        return x.mul(driftCoefficient(t));
    }

    /**
     * The transition kernel from time {@code s} to a later time {@code t} (s &lt; t), derived from the
     * marginals; used by the reverse-diffusion and ancestral predictors (Song et al. 2021, eq. 46–47).
     */
    default Transition transition(double s, double t) {
        if (!(s < t)) {
            throw new IllegalArgumentException("transition needs s < t, got s=" + s + ", t=" + t);
        }
        Marginal ms = marginal(s);
        Marginal mt = marginal(t);
        double scale = mt.mean() / ms.mean();
        double variance = Math.max(0, mt.variance() - scale * scale * ms.variance());
        return new Transition(scale, variance);
    }

    /**
     * Draws a batch from the prior: N(0, priorStd²·I), one row per sample of {@code noise}.
     *
     * @param sampleShape the shape of one sample (without the batch axis)
     */
    default NDArray priorSample(Shape sampleShape, NoiseSource noise, NDManager manager) {
        NDArray z = noise.normal(sampleShape, manager);
        double s = priorStd();
        return s == 1.0 ? z : z.muli(s);
    }

    /** The prior log-density of each row of {@code z}, as a 1-D array of length {@code z.size(0)}. */
    default NDArray priorLogProb(NDArray z) {
        long n = z.getShape().get(0);
        long d = z.size() / Math.max(1, n);
        double s = priorStd();
        NDArray flat = z.reshape(n, d);
        NDArray sq = flat.square().sum(new int[] {1});
        return sq.mul(-0.5 / (s * s)).sub(0.5 * d * Math.log(2 * Math.PI * s * s));
    }
}
