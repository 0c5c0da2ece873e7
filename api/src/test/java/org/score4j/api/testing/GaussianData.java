package org.score4j.api.testing;

import ai.djl.ndarray.NDArray;
import org.score4j.api.model.Conditioning;
import org.score4j.api.model.ScoreFunction;
import org.score4j.api.sde.Marginal;
import org.score4j.api.sde.Sde;

/**
 * Gaussian data N(mu·1, s²·I) in d dimensions: under any linear SDE its perturbed density, score,
 * probability-flow ODE solution and log-density are known in closed form, which makes it the reference for
 * solver contracts (convergence orders, exact likelihoods).
 *
 * <p>With v(t) = m(t)²s² + σ(t)², the perturbed density is N(m(t)·mu, v(t)·I), the score is
 * −(x − m(t)·mu)/v(t), and the probability-flow ODE maps x_T to x_t = m(t)·mu + √(v(t)/v(T))·(x_T − m(T)·mu).
 */
public record GaussianData(double mu, double s, int d) {

    /** v(t) = m(t)²s² + σ(t)². */
    public double variance(Sde sde, double t) {
        Marginal m = sde.marginal(t);
        return m.mean() * m.mean() * s * s + m.variance();
    }

    /** The exact score of the perturbed data; returns arrays owned by the manager of {@code x}. */
    public ScoreFunction score(Sde sde) {
        return new ScoreFunction() {
            @Override
            public NDArray score(NDArray x, double t, Conditioning cond) {
                double m = sde.marginal(t).mean();
                // the divisor in engine-owned memory: autograd keeps it until the backward pass (FreedMemory)
                NDArray c;
                try (NDArray blob = x.getManager().create(-variance(sde, t))) {
                    c = blob.duplicate();
                }
                try (c) {
                    return x.sub(m * mu).div(c);
                }
            }

            @Override
            public NDArray score(NDArray x, NDArray t, Conditioning cond) {
                double[] ts = t.toType(ai.djl.ndarray.types.DataType.FLOAT64, false).toDoubleArray();
                double[] mm = new double[ts.length];
                double[] iv = new double[ts.length];
                for (int i = 0; i < ts.length; i++) {
                    mm[i] = sde.marginal(ts[i]).mean() * mu;
                    iv[i] = -1.0 / variance(sde, ts[i]);
                }
                long[] bshape = new long[x.getShape().dimension()];
                java.util.Arrays.fill(bshape, 1);
                bshape[0] = ts.length;
                ai.djl.ndarray.types.Shape bs = new ai.djl.ndarray.types.Shape(bshape);
                // copies in engine-owned memory: autograd keeps the factor until the backward pass (FreedMemory)
                try (NDArray ma = x.getManager().create(mm, bs); NDArray ia = x.getManager().create(iv, bs);
                        NDArray a = ma.toType(x.getDataType(), true); NDArray b = ia.toType(x.getDataType(), true)) {
                    return x.sub(a).mul(b);
                }
            }
        };
    }

    /** The exact probability-flow ODE solution at time {@code t} started from {@code xEnd} at {@code tEnd}. */
    public NDArray flow(Sde sde, NDArray xEnd, double tEnd, double t) {
        double mT = sde.marginal(tEnd).mean();
        double mt = sde.marginal(t).mean();
        double r = Math.sqrt(variance(sde, t) / variance(sde, tEnd));
        return xEnd.sub(mT * mu).mul(r).add(mt * mu);
    }

    /** The exact negative log-likelihood of one data point (a row of d values) in nats. */
    public double nll(double[] x) {
        double q = 0;
        for (double v : x) {
            q += (v - mu) * (v - mu);
        }
        return 0.5 * q / (s * s) + 0.5 * d * Math.log(2 * Math.PI * s * s);
    }
}
