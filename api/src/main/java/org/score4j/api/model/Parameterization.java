package org.score4j.api.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import org.score4j.api.sde.Marginal;

/**
 * What a network predicts, and the one place where it is converted to a score using the forward process's
 * marginal x_t = m·x_0 + σ·z: score = −ε/σ = (m·x̂_0 − x)/σ² (Song et al. 2021, Appendix C; Ho et al. 2020;
 * Salimans &amp; Ho 2022 for v).
 *
 * <p>Two forms: {@link #toScore(NDArray, NDArray, Marginal)} for a batch at one time, and
 * {@link #toScore(NDArray, NDArray, NDArray, NDArray)} with one marginal per row (training draws a time per
 * example). Neither closes or mutates its arguments; {@link #SCORE} returns {@code output} itself. The
 * per-row form returns arrays owned by the manager of {@code output}.
 *
 * <p>Under autograd the conversion records the scalars and arrays it multiplies and divides by: the scalar form
 * makes its scalars in engine-owned memory, so its result may be differentiated after any garbage collection;
 * the per-row form records {@code mean} and {@code std} themselves, so when they were made from Java data
 * ({@code NDManager.create}) they must stay open until the backward pass, or be copies in engine-owned memory
 * ({@code duplicate()}).
 */
public enum Parameterization {
    /** The network outputs the score itself. */
    SCORE,
    /** The network outputs the noise ε: score = −ε/σ. */
    EPSILON,
    /** The network outputs the clean data x̂_0: score = (m·x̂_0 − x)/σ². */
    X0,
    /** The network outputs v = m·ε − σ·x_0 (for VP, m² + σ² = 1): ε = σ·x + m·v (scaled), score = −ε/σ. */
    V,
    /**
     * The network outputs σ(t)·score, i.e. the score scaled by 1/σ(t) as score_sde's {@code scale_by_sigma}
     * (Song et al. 2021, Appendix H): score = output/σ. It is −ε with the sign kept as a score.
     */
    SCALED_SCORE;

    /**
     * Converts a network output to a score.
     *
     * @param output the network's output for {@code x}
     * @param x the noisy input
     * @param marginal m(t) and σ(t) at the (shared) time of the batch
     */
    public NDArray toScore(NDArray output, NDArray x, Marginal marginal) {
        double m = marginal.mean();
        double s = marginal.std();
        switch (this) {
            case SCORE:
                return output;
            case EPSILON:
                return GraphConstants.div(output, -s);
            case X0:
                return GraphConstants.div(GraphConstants.mul(output, m).sub(x), s * s);
            case V: {
                // x = m x0 + s eps, v = m eps - s x0  =>  eps = (s x + m v) / (m^2 + s^2)
                double n2 = m * m + s * s;
                return GraphConstants.div(GraphConstants.mul(x, s / n2).add(GraphConstants.mul(output, m / n2)), -s);
            }
            case SCALED_SCORE:
                return GraphConstants.div(output, s);
            default:
                throw new AssertionError(this);
        }
    }

    /**
     * Converts a network output to a score with one marginal per row: the same formulas as
     * {@link #toScore(NDArray, NDArray, Marginal)}, with m and σ broadcast over each row's trailing axes.
     *
     * @param output the network's output for {@code x}, shape {@code [n, ...]}
     * @param x the noisy input, shape {@code [n, ...]}
     * @param mean m(t_i) of each row, shape {@code [n]}, the data type of {@code output}
     * @param std σ(t_i) of each row, shape {@code [n]}, the data type of {@code output}
     */
    public NDArray toScore(NDArray output, NDArray x, NDArray mean, NDArray std) {
        Shape shape = output.getShape();
        long n = shape.get(0);
        if (mean.getShape().dimension() != 1 || mean.getShape().get(0) != n
                || std.getShape().dimension() != 1 || std.getShape().get(0) != n) {
            throw new IllegalArgumentException("per-row marginals need shape (" + n + "), got mean "
                    + mean.getShape() + " and std " + std.getShape());
        }
        long[] b = new long[shape.dimension()];
        java.util.Arrays.fill(b, 1);
        b[0] = n;
        Shape rows = new Shape(b);
        try (NDArray m = mean.reshape(rows); NDArray s = std.reshape(rows)) {
            switch (this) {
                case SCORE:
                    return output;
                case EPSILON:
                    try (NDArray e = output.div(s)) {
                        return e.neg();
                    }
                case X0:
                    try (NDArray mx = output.mul(m); NDArray r = mx.sub(x); NDArray s2 = s.square()) {
                        return r.div(s2);
                    }
                case V:
                    // eps = (s x + m v) / (m^2 + s^2), score = -eps / s
                    try (NDArray mv = output.mul(m); NDArray sx = x.mul(s); NDArray e = mv.add(sx);
                            NDArray m2 = m.square(); NDArray s2 = s.square(); NDArray n2 = m2.add(s2);
                            NDArray en = e.div(n2); NDArray sc = en.div(s)) {
                        return sc.neg();
                    }
                case SCALED_SCORE:
                    return output.div(s);
                default:
                    throw new AssertionError(this);
            }
        }
    }
}
