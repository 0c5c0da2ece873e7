package org.score4j.guidance;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.score4j.api.sde.Marginal;
import org.score4j.api.sde.Sde;
import org.score4j.model.gmm.GaussianMixture;

/**
 * Closed forms of Gaussian-mixture scores and posteriors in plain Java doubles, computed from
 * {@link GaussianMixture} alone (independently of the NDArray code of the model and of the guidances).
 */
final class Exact {
    private Exact() {}

    /** A 3-component 8-D mixture with unequal weights and spreads and overlapping components. */
    static GaussianMixture mixture8d() {
        double[][] mu = new double[3][8];
        for (int j = 0; j < 8; j++) {
            mu[0][j] = j % 2 == 0 ? 1.0 : -0.5;
            mu[1][j] = -1.0 + 0.25 * j;
            mu[2][j] = j < 4 ? 1.5 : 0.0;
        }
        return new GaussianMixture(new double[] {0.5, 0.3, 0.2}, mu, new double[] {0.6, 0.8, 0.45});
    }

    /** A two-component 2-D mixture, means (−2, 0) and (2, 0). */
    static GaussianMixture pair() {
        return new GaussianMixture(new double[] {0.5, 0.5}, new double[][] {{-2, 0}, {2, 0}},
                new double[] {0.5, 0.5});
    }

    /** ∇ log N(x; m·μ_c, v_c·I) of component c of the mixture perturbed at t. */
    static double[] componentScore(GaussianMixture g, Sde sde, double t, int c, double[] x) {
        GaussianMixture p = g.perturbed(sde.marginal(t));
        double v = p.std(c) * p.std(c);
        double[] s = new double[x.length];
        for (int j = 0; j < x.length; j++) {
            s[j] = -(x[j] - p.mean(c, j)) / v;
        }
        return s;
    }

    /** The posterior responsibilities p_t(k | x) of the perturbed mixture. */
    static double[] responsibilities(GaussianMixture g, Sde sde, double t, double[] x) {
        GaussianMixture p = g.perturbed(sde.marginal(t));
        int k = p.components();
        double[] l = new double[k];
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < k; c++) {
            l[c] = Math.log(p.weight(c)) + component(p, c).logDensity(x);
            max = Math.max(max, l[c]);
        }
        double sum = 0;
        for (int c = 0; c < k; c++) {
            l[c] = Math.exp(l[c] - max);
            sum += l[c];
        }
        for (int c = 0; c < k; c++) {
            l[c] /= sum;
        }
        return l;
    }

    /** ∇ log p_t(x) = Σ_k r_k(x)·(component score k). */
    static double[] mixtureScore(GaussianMixture g, Sde sde, double t, double[] x) {
        double[] r = responsibilities(g, sde, t, x);
        double[] s = new double[x.length];
        for (int c = 0; c < r.length; c++) {
            double[] sc = componentScore(g, sde, t, c, x);
            for (int j = 0; j < x.length; j++) {
                s[j] += r[c] * sc[j];
            }
        }
        return s;
    }

    /** s_u + w·(s_c − s_u). */
    static double[] cfg(GaussianMixture g, Sde sde, double t, int c, double w, double[] x) {
        double[] sc = componentScore(g, sde, t, c, x);
        double[] su = mixtureScore(g, sde, t, x);
        double[] s = new double[x.length];
        for (int j = 0; j < x.length; j++) {
            s[j] = su[j] + w * (sc[j] - su[j]);
        }
        return s;
    }

    /** log p_t(c | x) = log w_c + log N_c(x) − log p_t(x), from log-densities of the perturbed mixture. */
    static double logPosterior(GaussianMixture g, Sde sde, double t, int c, double[] x) {
        GaussianMixture p = g.perturbed(sde.marginal(t));
        return Math.log(p.weight(c)) + component(p, c).logDensity(x) - p.logDensity(x);
    }

    /** Central finite differences of {@link #logPosterior} with step h·(smallest perturbed std). */
    static double[] fdGradLogPosterior(GaussianMixture g, Sde sde, double t, int c, double[] x) {
        Marginal marg = sde.marginal(t);
        GaussianMixture p = g.perturbed(marg);
        double minStd = Double.MAX_VALUE;
        for (int k = 0; k < p.components(); k++) {
            minStd = Math.min(minStd, p.std(k));
        }
        double h = 1e-4 * minStd;
        double[] grad = new double[x.length];
        for (int j = 0; j < x.length; j++) {
            double[] a = x.clone();
            double[] b = x.clone();
            a[j] += h;
            b[j] -= h;
            grad[j] = (logPosterior(g, sde, t, c, a) - logPosterior(g, sde, t, c, b)) / (2 * h);
        }
        return grad;
    }

    /** Component c alone, as a one-component mixture. */
    static GaussianMixture component(GaussianMixture p, int c) {
        return new GaussianMixture(new double[] {1}, new double[][] {p.means()[c]}, new double[] {p.std(c)});
    }

    /** Points of the perturbed mixture at t plus the midpoints between consecutive scaled means. */
    static double[][] points(GaussianMixture g, Sde sde, double t, int n, long seed) {
        GaussianMixture p = g.perturbed(sde.marginal(t));
        double[][] smp = p.sample(n, seed).x();
        int k = g.components();
        int d = g.dimension();
        double[][] pts = new double[n + k - 1][];
        System.arraycopy(smp, 0, pts, 0, n);
        for (int c = 0; c + 1 < k; c++) {
            double[] m = new double[d];
            for (int j = 0; j < d; j++) {
                m[j] = 0.5 * (p.mean(c, j) + p.mean(c + 1, j));
            }
            pts[n + c] = m;
        }
        return pts;
    }

    static NDArray array(NDManager nd, double[][] x) {
        int n = x.length;
        int d = x[0].length;
        double[] flat = new double[n * d];
        for (int i = 0; i < n; i++) {
            System.arraycopy(x[i], 0, flat, i * d, d);
        }
        return nd.create(flat, new Shape(n, d));
    }

    /** The rows of a 2-D array as doubles (closes nothing). */
    static double[][] rows(NDArray a) {
        int n = Math.toIntExact(a.getShape().get(0));
        int d = Math.toIntExact(a.getShape().get(1));
        double[] flat;
        if (a.getDataType() == DataType.FLOAT64) {
            flat = a.toDoubleArray();
        } else {
            try (NDArray b = a.toType(DataType.FLOAT64, true)) {
                flat = b.toDoubleArray();
            }
        }
        double[][] r = new double[n][d];
        for (int i = 0; i < n; i++) {
            System.arraycopy(flat, i * d, r[i], 0, d);
        }
        return r;
    }

    static double norm(double[] a) {
        double s = 0;
        for (double v : a) {
            s += v * v;
        }
        return Math.sqrt(s);
    }

    static double dist(double[] a, double[] b) {
        double s = 0;
        for (int j = 0; j < a.length; j++) {
            double e = a[j] - b[j];
            s += e * e;
        }
        return Math.sqrt(s);
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int j = 0; j < a.length; j++) {
            s += a[j] * b[j];
        }
        return s;
    }
}
