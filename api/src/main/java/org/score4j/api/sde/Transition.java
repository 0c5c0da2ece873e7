package org.score4j.api.sde;

/**
 * The Gaussian transition kernel of a linear SDE between two times s &lt; t: x_t = scale·x_s + √variance·z.
 *
 * <p>From the marginals: scale = m(t)/m(s) and variance = σ(t)² − scale²·σ(s)², which holds for every SDE
 * with affine drift f(t)·x started from a point.
 *
 * @param scale the mean coefficient of x_t given x_s
 * @param variance the variance of x_t given x_s
 */
public record Transition(double scale, double variance) {
    public Transition {
        if (!(scale > 0) || !Double.isFinite(scale) || !(variance >= 0) || !Double.isFinite(variance)) {
            throw new IllegalArgumentException("invalid transition: scale=" + scale + ", variance=" + variance);
        }
    }
}
