package org.score4j.solver.likelihood;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;
import org.score4j.api.sde.Marginal;
import org.score4j.api.sde.Sde;
import org.score4j.api.testing.GaussianData;

/** Closed forms for Gaussian data N(mu·1, s²·I) under a linear SDE, in plain Java. */
final class ClosedForms {
    private ClosedForms() {}

    /** n points of {@code data}, drawn with one seeded generator. */
    static double[][] draw(GaussianData data, int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[][] x = new double[n][data.d()];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < data.d(); j++) {
                x[i][j] = data.mu() + data.s() * r.nextGaussian();
            }
        }
        return x;
    }

    /** The rows as a float64 array of shape [n, d]. */
    static NDArray array(NDManager nd, double[][] x) {
        int d = x[0].length;
        double[] flat = new double[x.length * d];
        for (int i = 0; i < x.length; i++) {
            System.arraycopy(x[i], 0, flat, i * d, d);
        }
        return nd.create(flat, new Shape(x.length, d));
    }

    /** log N(x; mean·1, var·I). */
    static double logNormal(double[] x, double mean, double var) {
        double q = 0;
        for (double v : x) {
            q += (v - mean) * (v - mean);
        }
        return -0.5 * q / var - 0.5 * x.length * Math.log(2 * Math.PI * var);
    }

    /** log p_t(x) of the perturbed data: N(m(t)·mu, v(t)). */
    static double logDensity(GaussianData data, Sde sde, double t, double[] x) {
        return logNormal(x, sde.marginal(t).mean() * data.mu(), data.variance(sde, t));
    }

    /** The exact probability-flow map of x from time a to time b. */
    static double[] flow(GaussianData data, Sde sde, double[] x, double a, double b) {
        Marginal ma = sde.marginal(a);
        Marginal mb = sde.marginal(b);
        double r = Math.sqrt(data.variance(sde, b) / data.variance(sde, a));
        double[] y = new double[x.length];
        for (int j = 0; j < x.length; j++) {
            y[j] = mb.mean() * data.mu() + r * (x[j] - ma.mean() * data.mu());
        }
        return y;
    }

    /**
     * The model's exact NLL of x under the exact flow: −log p_ε(x) + log p_T(x_T) − log p_prior(x_T), with
     * x_T the exact latent.
     */
    static double modelNll(GaussianData data, Sde sde, double[] x) {
        double[] xT = flow(data, sde, x, sde.t0(), sde.tEnd());
        double prior = logNormal(xT, 0, sde.priorStd() * sde.priorStd());
        return -logDensity(data, sde, sde.t0(), x) + logDensity(data, sde, sde.tEnd(), xT) - prior;
    }

    static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }

    /** The standard error of the mean. */
    static double standardError(double[] v) {
        double m = mean(v);
        double q = 0;
        for (double x : v) {
            q += (x - m) * (x - m);
        }
        return Math.sqrt(q / (v.length - 1) / v.length);
    }
}
