package org.score4j.model.gmm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Objects;
import org.score4j.api.ConfigException;
import org.score4j.api.model.Conditioning;
import org.score4j.api.model.ScoreFunction;
import org.score4j.api.model.ScoreModel;
import org.score4j.api.sde.Marginal;
import org.score4j.api.sde.Sde;
import org.score4j.model.nn.GraphConstants;

/**
 * The exact score of a Gaussian mixture perturbed by a linear SDE (Song et al. 2021, §3.4 and eq. 29): with
 * the kernel x_t = m(t)·x_0 + σ(t)·z, the perturbed density is p_t(x) = Σ_k w_k N(x; m(t)μ_k, v_k(t)·I) with
 * v_k(t) = m(t)²s_k² + σ(t)², and its score is
 * ∇ₓ log p_t(x) = Σ_k r_k(x) · (−(x − m(t)μ_k)/v_k(t)), where r_k = softmax_k(log w_k + log N_k(x)) are the
 * responsibilities.
 *
 * <p>Everything is computed with batched {@link NDArray} operations on {@code x} (so gradients can flow
 * through {@code x}) in the data type of {@code x} (float32 or float64). Squared distances come from
 * broadcasting x[n,1,d] − μ[1,K,d] rather than a matrix product, so each row's result is bit-identical whatever
 * the batch size. The mixture's constants stay in Java arrays; the few small arrays a call needs are created
 * in the manager of {@code x}, so the model holds nothing native and {@link #close()} has nothing to release.
 *
 * <p>Samples are vectors of shape {@code (d)} or, with {@link #GmmScoreModel(GaussianMixture, Shape)}, any
 * shape of d values such as an image {@code (C, H, W)}; batches of either the sample shape or {@code [n, d]}
 * are accepted.
 *
 * <p>Conditioning on class k ({@link Conditioning#classOf(int)} ≥ 0) gives the score of component k alone
 * (its perturbed Gaussian); −1 gives the mixture. A class outside [0, K) is a {@link ConfigException}.
 *
 * <p>Immutable and thread-safe; its score functions are too.
 */
public final class GmmScoreModel implements ScoreModel {
    private static final double LOG_2PI = Math.log(2 * Math.PI);

    private final GaussianMixture mixture;
    private final int k;
    private final int d;
    private final double[] mu;       // [K*d], row-major
    private final double[] var;      // s_k^2
    private final double[] logW;     // log w_k
    private final Shape sampleShape;

    /** A model of {@code mixture} with vector samples, shape {@code (d)}. */
    public GmmScoreModel(GaussianMixture mixture) {
        this(mixture, new Shape(mixture.dimension()));
    }

    /**
     * A model of {@code mixture} whose samples have shape {@code sampleShape}, for example {@code (1, 8, 8)} for
     * a 64-dimensional mixture: each sample is the mixture's d-vector laid out in C order, and the score is
     * the same as for vectors.
     *
     * @throws ConfigException when the shape's size is not the mixture's dimension d
     */
    public GmmScoreModel(GaussianMixture mixture, Shape sampleShape) {
        this.mixture = Objects.requireNonNull(mixture, "mixture");
        this.k = mixture.components();
        this.d = mixture.dimension();
        Objects.requireNonNull(sampleShape, "sampleShape");
        if (sampleShape.dimension() == 0 || sampleShape.size() != d) {
            throw new ConfigException("invalid value '" + GmmModelFactory.shapeText(sampleShape) + "' for model.shape;"
                    + " expected dimensions whose product is the mixture's dimension " + d);
        }
        this.sampleShape = sampleShape;
        this.mu = new double[k * d];
        this.var = new double[k];
        this.logW = new double[k];
        for (int c = 0; c < k; c++) {
            for (int j = 0; j < d; j++) {
                mu[c * d + j] = mixture.mean(c, j);
            }
            var[c] = mixture.std(c) * mixture.std(c);
            logW[c] = Math.log(mixture.weight(c));
        }
    }

    /** The mixture this model scores. */
    public GaussianMixture mixture() {
        return mixture;
    }

    @Override
    public Shape sampleShape() {
        return sampleShape;
    }

    /** The number of mixture components K: class k names component k. */
    @Override
    public int numClasses() {
        return k;
    }

    @Override
    public ScoreFunction scoreFunction(Sde sde) {
        return new Score(Objects.requireNonNull(sde, "sde"));
    }

    /**
     * The log-density log p_t(x) of the mixture perturbed by {@code sde} at time {@code t}, one value per row
     * (shape {@code [n]}, the data type of {@code x}), computed as a log-sum-exp over the components with
     * operations on {@code x} (differentiable in {@code x}; its gradient is the score). In float64 it agrees
     * with {@link GaussianMixture#logDensity(double[])} of the perturbed mixture to about 1e-12; unlike the
     * score, its last bits may depend on the batch size (the engine's vectorized {@code exp}).
     *
     * @param x the points, shape {@code [n, d]} or {@code [n, ...sampleShape]}
     * @param t the time
     * @param sde the forward process
     */
    public NDArray logDensity(NDArray x, double t, Sde sde) {
        NDArray x2 = checkShape(x);
        NDList tmp = new NDList();
        try {
            if (x2 != x) {
                tmp.add(x2);
            }
            Marginal mg = sde.marginal(t);
            double m = mg.mean();
            double s2 = mg.variance();
            double[] scaledMu = new double[k * d];
            double[] a = new double[k];
            double[] c = new double[k];
            fillRow(m, s2, -1, scaledMu, 0, a, null, c, 0, true);
            NDManager nd = x.getManager();
            NDArray muA = constant(nd, scaledMu, new Shape(1, k, d), x.getDataType());
            NDArray aA = constant(nd, a, new Shape(k), x.getDataType());
            NDArray cA = constant(nd, c, new Shape(k), x.getDataType());
            tmp.add(muA);
            tmp.add(aA);
            tmp.add(cA);
            NDArray logits = logits(x2, muA, aA, cA, tmp, null);
            NDArray max = logits.max(new int[] {1}, true);
            tmp.add(max);
            NDArray shifted = logits.sub(max);
            tmp.add(shifted);
            NDArray e = shifted.exp();
            tmp.add(e);
            NDArray s = e.sum(new int[] {1});
            tmp.add(s);
            NDArray ls = s.log();
            tmp.add(ls);
            NDArray maxFlat = max.squeeze(1);
            tmp.add(maxFlat);
            return ls.add(maxFlat);
        } finally {
            tmp.close();
        }
    }

    /** Holds nothing native: the arrays a call creates live in the manager of its input. */
    @Override
    public void close() {}

    @Override
    public String toString() {
        return "gmm(" + mixture + ")";
    }

    /** x as [n, d]; throws when its size does not match. */
    private NDArray checkShape(NDArray x) {
        Shape s = x.getShape();
        if (s.dimension() == 2 && s.get(1) == d) {
            return x;
        }
        if (s.dimension() < 1 || s.size() != s.get(0) * d) {
            throw new IllegalArgumentException("gmm model expects samples of shape (" + d + "), got batch " + s);
        }
        return x.reshape(s.get(0), d);
    }

    private void checkClass(int label) {
        if (label >= k) {
            throw new ConfigException("conditioning class " + label + " is outside [0, " + k + ") of model gmm (" + k
                    + " components); use a class in [0, " + (k - 1) + "] or -1 for the mixture");
        }
    }

    /**
     * Fills one row of constants for mean coefficient m and noise variance s2: the scaled means (when
     * {@code scaledMu} is not null), a_k = −1/(2v_k), g_k = −1/v_k (when not null) and the log-weights
     * c_k = log w_k − (d/2)·log v_k (plus −(d/2)·log 2π when {@code normalized}), masked to −∞ except the
     * component {@code label} when {@code label} ≥ 0.
     */
    private void fillRow(double m, double s2, int label, double[] scaledMu, int muOff,
            double[] a, double[] g, double[] c, int off, boolean normalized) {
        if (scaledMu != null) {
            for (int i = 0; i < k * d; i++) {
                scaledMu[muOff + i] = m * mu[i];
            }
        }
        double half = 0.5 * d;
        for (int j = 0; j < k; j++) {
            double v = m * m * var[j] + s2;
            if (a != null) {
                a[off + j] = -0.5 / v;
            }
            if (g != null) {
                g[off + j] = -1.0 / v;
            }
            if (c != null) {
                if (label >= 0 && j != label) {
                    c[off + j] = Double.NEGATIVE_INFINITY;
                } else {
                    c[off + j] = logW[j] - half * Math.log(v) - (normalized ? half * LOG_2PI : 0);
                }
            }
        }
    }

    /** log w_k + log N_k(x) up to the constants in c: sum_d (x − μ)² · a + c, shape [n, K]. */
    private NDArray logits(NDArray x, NDArray muA, NDArray aA, NDArray cA, NDList tmp, NDArray[] diffOut) {
        NDArray x3 = x.expandDims(1);
        tmp.add(x3);
        NDArray diff = x3.sub(muA);
        tmp.add(diff);
        NDArray sq = diff.square();
        tmp.add(sq);
        NDArray ss = sq.sum(new int[] {2});
        tmp.add(ss);
        NDArray scaled = ss.mul(aA);
        tmp.add(scaled);
        NDArray logits = scaled.add(cA);
        tmp.add(logits);
        if (diffOut != null) {
            diffOut[0] = diff;
        }
        return logits;
    }

    /**
     * {@code values} in engine-owned memory ({@link GraphConstants}): the products of a score keep its constants
     * for autograd, which differentiates the score after they are closed.
     */
    private static NDArray constant(NDManager nd, double[] values, Shape shape, DataType type) {
        if (type == DataType.FLOAT64) {
            return GraphConstants.create(nd, values, shape);
        }
        if (type == DataType.FLOAT32) {
            float[] f = new float[values.length];
            for (int i = 0; i < f.length; i++) {
                f[i] = (float) values[i];
            }
            return GraphConstants.create(nd, f, shape);
        }
        try (NDArray dbl = nd.create(values, shape)) {
            return dbl.toType(type, false);
        }
    }

    /** The score function of this mixture under one SDE. */
    private final class Score implements ScoreFunction {
        private final Sde sde;

        Score(Sde sde) {
            this.sde = sde;
        }

        @Override
        public NDArray score(NDArray x, NDArray t, Conditioning cond) {
            long n = x.getShape().dimension() == 0 ? 0 : x.getShape().get(0);
            if (t.getShape().dimension() != 1 || t.getShape().get(0) != n) {
                throw new IllegalArgumentException("times must have shape (" + n + "), got " + t.getShape());
            }
            NDArray t64 = t.toType(DataType.FLOAT64, false);
            double[] ts;
            try {
                ts = t64.toDoubleArray();
            } finally {
                if (t64 != t) {
                    t64.close();
                }
            }
            return compute(x, ts, true, cond);
        }

        @Override
        public NDArray score(NDArray x, double t, Conditioning cond) {
            return compute(x, new double[] {t}, false, cond);
        }

        /** {@code ts} has one time per row when {@code perRowT}, else the single shared time. */
        private NDArray compute(NDArray x, double[] ts, boolean perRowT, Conditioning cond) {
            Objects.requireNonNull(cond, "cond");
            checkClass(cond.maxClass());
            NDArray x2 = checkShape(x);
            int n = Math.toIntExact(x2.getShape().get(0));
            boolean perRowC = !cond.isShared() && !cond.isUnconditional();
            if (perRowC && n > 0) {
                try {
                    cond.classOf(n - 1);
                } catch (IndexOutOfBoundsException e) {
                    throw new IllegalArgumentException("conditioning has fewer rows than the batch of " + n);
                }
            }
            int sharedLabel = cond.isShared() ? cond.classOf(0) : -1;
            int rowsT = perRowT ? n : 1;
            int rowsC = perRowT || perRowC ? n : 1;

            double[] scaledMu = new double[rowsT * k * d];
            double[] a = new double[rowsT * k];
            double[] g = new double[rowsT * k];
            double[] c = new double[rowsC * k];
            if (perRowT) {
                for (int i = 0; i < n; i++) {
                    Marginal mg = sde.marginal(ts[i]);
                    int label = perRowC ? cond.classOf(i) : sharedLabel;
                    fillRow(mg.mean(), mg.variance(), label, scaledMu, i * k * d, a, g, c, i * k, false);
                }
            } else {
                Marginal mg = sde.marginal(ts[0]);
                fillRow(mg.mean(), mg.variance(), -1, scaledMu, 0, a, g, null, 0, false);
                for (int i = 0; i < rowsC; i++) {
                    int label = perRowC ? cond.classOf(i) : sharedLabel;
                    fillRow(mg.mean(), mg.variance(), label, null, 0, null, null, c, i * k, false);
                }
            }
            NDManager nd = x.getManager();
            DataType type = x.getDataType();
            NDList tmp = new NDList();
            try {
                if (x2 != x) {
                    tmp.add(x2);
                }
                NDArray muA = constant(nd, scaledMu, new Shape(rowsT, k, d), type);
                tmp.add(muA);
                NDArray aA = constant(nd, a, perRowT ? new Shape(n, k) : new Shape(k), type);
                tmp.add(aA);
                NDArray gA = constant(nd, g, perRowT ? new Shape(n, k) : new Shape(k), type);
                tmp.add(gA);
                NDArray cA = constant(nd, c, rowsC > 1 || perRowT ? new Shape(rowsC, k) : new Shape(k), type);
                tmp.add(cA);
                NDArray[] diff = new NDArray[1];
                NDArray logits = logits(x2, muA, aA, cA, tmp, diff);
                NDArray r = logits.softmax(1);
                tmp.add(r);
                NDArray rg = r.mul(gA);
                tmp.add(rg);
                NDArray coef = rg.expandDims(2);
                tmp.add(coef);
                NDArray terms = coef.mul(diff[0]);
                tmp.add(terms);
                NDArray out = terms.sum(new int[] {1});
                if (x2 != x) {
                    NDArray shaped = out.reshape(x.getShape());
                    out.close();
                    out = shaped;
                }
                return out;
            } finally {
                tmp.close();
            }
        }

        @Override
        public String toString() {
            return "gmm score (K=" + k + ", d=" + d + ") under " + sde;
        }
    }
}
