package org.score4j.solver;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import org.score4j.api.model.Conditioning;
import org.score4j.api.model.ScoreFunction;
import org.score4j.api.sde.Marginal;
import org.score4j.api.sde.Sde;

/**
 * A 2-D Gaussian mixture with isotropic components of equal std c: under a linear SDE its perturbed density
 * is the mixture of N(m·μ_k, (m²c² + σ²)I), whose score −(x − m·Σ_k r_k(x)μ_k)/v with responsibilities r_k is
 * computed exactly here (in plain Java, test-only).
 */
record Mixture2d(double[][] means, double[] weights, double c) {

    /** Four well-separated components with unequal weights. */
    static Mixture2d fourModes() {
        return new Mixture2d(new double[][] {{-2, -2}, {-2, 2}, {2, -2}, {2, 2}}, new double[] {0.1, 0.2, 0.3, 0.4},
                0.1);
    }

    /** The index of the component mean nearest to (x, y). */
    int nearest(double x, double y) {
        int best = 0;
        double bd = Double.POSITIVE_INFINITY;
        for (int k = 0; k < means.length; k++) {
            double d = Math.hypot(x - means[k][0], y - means[k][1]);
            if (d < bd) {
                bd = d;
                best = k;
            }
        }
        return best;
    }

    ScoreFunction score(Sde sde) {
        return new ScoreFunction() {
            @Override
            public NDArray score(NDArray x, double t, Conditioning cond) {
                double[] v = Nd.toDoubles(x);
                double[] out = new double[v.length];
                for (int i = 0; i < v.length / 2; i++) {
                    scoreAt(sde.marginal(t), v, out, i);
                }
                NDArray r = x.getManager().create(out, x.getShape());
                return x.getDataType() == DataType.FLOAT64 ? r : r.toType(x.getDataType(), false);
            }

            @Override
            public NDArray score(NDArray x, NDArray t, Conditioning cond) {
                double[] ts = Nd.toDoubles(t);
                double[] v = Nd.toDoubles(x);
                double[] out = new double[v.length];
                for (int i = 0; i < ts.length; i++) {
                    scoreAt(sde.marginal(ts[i]), v, out, i);
                }
                NDArray r = x.getManager().create(out, x.getShape());
                return x.getDataType() == DataType.FLOAT64 ? r : r.toType(x.getDataType(), false);
            }
        };
    }

    private void scoreAt(Marginal mg, double[] v, double[] out, int row) {
        double m = mg.mean();
        double var = m * m * c * c + mg.variance();
        double x = v[2 * row];
        double y = v[2 * row + 1];
        double[] logw = new double[means.length];
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < means.length; k++) {
            double dx = x - m * means[k][0];
            double dy = y - m * means[k][1];
            logw[k] = Math.log(weights[k]) - (dx * dx + dy * dy) / (2 * var);
            max = Math.max(max, logw[k]);
        }
        double z = 0;
        double mx = 0;
        double my = 0;
        for (int k = 0; k < means.length; k++) {
            double w = Math.exp(logw[k] - max);
            z += w;
            mx += w * means[k][0];
            my += w * means[k][1];
        }
        out[2 * row] = -(x - m * mx / z) / var;
        out[2 * row + 1] = -(y - m * my / z) / var;
    }
}
