package org.score4j.api.sde;

/**
 * The Gaussian perturbation kernel of a linear forward SDE at one time: x_t = mean·x_0 + std·z, z ~ N(0, I)
 * (Song et al. 2021, eq. 29 and Appendix B).
 *
 * @param mean the mean coefficient m(t)
 * @param std the standard deviation σ(t)
 */
public record Marginal(double mean, double std) {
    public Marginal {
        if (!(mean > 0) || !Double.isFinite(mean) || !(std >= 0) || !Double.isFinite(std)) {
            throw new IllegalArgumentException("invalid marginal: mean=" + mean + ", std=" + std);
        }
    }

    /** σ(t)². */
    public double variance() {
        return std * std;
    }
}
