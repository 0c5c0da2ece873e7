package org.score4j.solver.likelihood;

import java.util.Locale;
import org.score4j.api.sde.Sde;

/**
 * Interpolation between two latent codes of the probability-flow ODE (Song et al. 2021, §4.3; spherical
 * interpolation after Shoemake 1985 and White 2016): the path's points are decoded back to data by
 * {@link LatentCodec#decode}.
 *
 * <p><b>Spherical (slerp)</b>: slerp(a, b; α) = sin((1−α)θ)/sin θ·a + sin(αθ)/sin θ·b with θ the angle between
 * a and b. Latents drawn from a zero-mean isotropic Gaussian concentrate on a thin shell; slerp between two of
 * them stays near that shell (equal norms are kept exactly), where linear interpolation would pass through
 * the low-norm interior (its midpoint has about 1/√2 of the norm). Suited to VP and sub-VP, whose latents are
 * N(0, I) distributed up to the vanishing m(T)·x_0 term (m(T) ≈ 0.0066 for score_sde's VP).
 *
 * <p><b>Linear</b>: (1−α)·a + α·b. Under VE the latent is x(T) ≈ x_0 + (noise of std σ_max): m(T) = 1, so the
 * latents are centred on the data, not on the origin, and a path on a sphere about the origin has no special
 * meaning; linear interpolation moves the data part of the code straight from a to b. Its cost is the
 * shrinking of the noise part's norm towards the middle of the path; choose slerp explicitly when σ_max
 * dwarfs the data so that the latents are effectively centred.
 *
 * <p>{@link #defaultFor} picks slerp when m(T) ≤ {@value #CENTRED_MEAN} (the latents' mean m(T)·E[x_0] has
 * shrunk at least tenfold) and linear otherwise. Static methods on plain arrays; thread-safe.
 */
public final class LatentInterpolation {
    /** The largest mean coefficient m(T) for which {@link #defaultFor} chooses slerp. */
    public static final double CENTRED_MEAN = 0.1;

    private LatentInterpolation() {}

    /** How to interpolate. */
    public enum Method {
        /** Spherical linear interpolation. */
        SLERP,
        /** Straight-line interpolation. */
        LINEAR;

        /** The lower-case name users type. */
        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Slerp when m(T) ≤ {@link #CENTRED_MEAN} (VP, sub-VP), linear otherwise (VE). */
    public static Method defaultFor(Sde sde) {
        return sde.marginal(sde.tEnd()).mean() <= CENTRED_MEAN ? Method.SLERP : Method.LINEAR;
    }

    /**
     * The path from a to b: {@code between + 2} points at α = k/(between + 1), k = 0 … between + 1, whose
     * first and last are exactly a and b.
     *
     * @param between the points strictly between a and b, ≥ 0
     */
    public static double[][] path(double[] a, double[] b, int between, Method method) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("latents differ in length: " + a.length + " and " + b.length);
        }
        if (between < 0) {
            throw new IllegalArgumentException("between must be >= 0, got " + between);
        }
        int points = between + 2;
        double[][] p = new double[points][];
        p[0] = a.clone();
        p[points - 1] = b.clone();
        for (int k = 1; k < points - 1; k++) {
            double alpha = (double) k / (points - 1);
            p[k] = method == Method.SLERP ? slerp(a, b, alpha) : lerp(a, b, alpha);
        }
        return p;
    }

    /** (1−α)·a + α·b. */
    public static double[] lerp(double[] a, double[] b, double alpha) {
        double[] r = new double[a.length];
        for (int j = 0; j < r.length; j++) {
            r[j] = (1 - alpha) * a[j] + alpha * b[j];
        }
        return r;
    }

    /**
     * Spherical interpolation; falls back to {@link #lerp} when a or b is zero or they are (anti)parallel
     * (sin θ &lt; 1e-9), where the great circle through them is undefined or every one is.
     */
    public static double[] slerp(double[] a, double[] b, double alpha) {
        double ab = 0;
        double aa = 0;
        double bb = 0;
        for (int j = 0; j < a.length; j++) {
            ab += a[j] * b[j];
            aa += a[j] * a[j];
            bb += b[j] * b[j];
        }
        double norms = Math.sqrt(aa) * Math.sqrt(bb);
        if (!(norms > 0)) {
            return lerp(a, b, alpha);
        }
        double cos = Math.max(-1, Math.min(1, ab / norms));
        double theta = Math.acos(cos);
        double sin = Math.sin(theta);
        if (sin < 1e-9) {
            return lerp(a, b, alpha);
        }
        double wa = Math.sin((1 - alpha) * theta) / sin;
        double wb = Math.sin(alpha * theta) / sin;
        double[] r = new double[a.length];
        for (int j = 0; j < r.length; j++) {
            r[j] = wa * a[j] + wb * b[j];
        }
        return r;
    }
}
