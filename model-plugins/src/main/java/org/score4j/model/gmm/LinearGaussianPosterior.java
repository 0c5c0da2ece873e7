package org.score4j.model.gmm;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.CholeskyDecomposition;
import org.apache.commons.math3.linear.DecompositionSolver;
import org.apache.commons.math3.linear.NonPositiveDefiniteMatrixException;
import org.apache.commons.math3.linear.RealMatrix;

/**
 * The exact posterior p(x | y) of a Gaussian-mixture prior under a linear measurement with Gaussian noise,
 * y = A·x + σ_y·ε, ε ~ N(0, I): again a Gaussian mixture, component by component the conditioning of a joint
 * Gaussian (Bishop 2006, "Pattern Recognition and Machine Learning", §2.3.3; the Kalman update).
 *
 * <p>For the prior Σ_k w_k N(μ_k, s_k²·I) in D dimensions and A of size M×D:
 * <ul>
 *   <li>S_k = s_k²·A·Aᵀ + σ_y²·I, the covariance of y under component k;</li>
 *   <li>K_k = s_k²·Aᵀ·S_k⁻¹, the gain;</li>
 *   <li>component mean m_k = μ_k + K_k·(y − A·μ_k) and covariance C_k = s_k²·(I − K_k·A);</li>
 *   <li>weight w'_k ∝ w_k·N(y; A·μ_k, S_k).</li>
 * </ul>
 * σ_y = 0 is allowed when A has full row rank (every S_k is then positive definite); the components are then
 * degenerate, supported on {x : A·x = y}.
 *
 * <p>{@link #sample} is exact by Matheron's rule: x = x₀ + K_k·(y − A·x₀ − σ_y·ε) with x₀ ~ N(μ_k, s_k²·I) and
 * ε ~ N(0, I) has the distribution N(m_k, C_k), with no square root of C_k needed.
 *
 * <p>Plain Java in double precision (linear algebra of Apache Commons Math). Immutable and thread-safe.
 */
public final class LinearGaussianPosterior {
    private static final double LOG_2PI = Math.log(2 * Math.PI);

    private final GaussianMixture prior;
    private final double[][] a;         // M×D
    private final double noise;
    private final double[] y;
    private final double[] weights;     // posterior weights
    private final double[][] means;     // K×D
    private final double[][][] gains;   // K × D×M
    private final double logEvidence;

    private LinearGaussianPosterior(GaussianMixture prior, double[][] a, double noise, double[] y, double[] weights,
            double[][] means, double[][][] gains, double logEvidence) {
        this.prior = prior;
        this.a = a;
        this.noise = noise;
        this.y = y;
        this.weights = weights;
        this.means = means;
        this.gains = gains;
        this.logEvidence = logEvidence;
    }

    /**
     * The posterior of {@code prior} given the measurement {@code y} of y = A·x + σ_y·ε.
     *
     * @param a the matrix A, M rows of length D (the prior's dimension); copied
     * @param noiseStd σ_y ≥ 0
     * @param y the measurement, length M; copied
     * @throws IllegalArgumentException for mismatched sizes, a negative or non-finite σ_y, or σ_y = 0 with an A
     *     that does not have full row rank
     */
    public static LinearGaussianPosterior of(GaussianMixture prior, double[][] a, double noiseStd, double[] y) {
        int d = prior.dimension();
        int m = a.length;
        if (m == 0 || y.length != m) {
            throw new IllegalArgumentException("A has " + m + " rows and y " + y.length + " values; expected equal, > 0");
        }
        double[][] ac = new double[m][];
        for (int i = 0; i < m; i++) {
            if (a[i].length != d) {
                throw new IllegalArgumentException("row " + i + " of A has " + a[i].length + " values, the prior "
                        + "dimension is " + d);
            }
            ac[i] = a[i].clone();
        }
        if (!(noiseStd >= 0) || !Double.isFinite(noiseStd)) {
            throw new IllegalArgumentException("noise std must be finite and >= 0, got " + noiseStd);
        }
        RealMatrix am = new Array2DRowRealMatrix(ac, false);
        RealMatrix aat = am.multiply(am.transpose());
        int k = prior.components();
        double[] logW = new double[k];
        double[][] means = new double[k][];
        double[][][] gains = new double[k][][];
        for (int c = 0; c < k; c++) {
            double s2 = prior.std(c) * prior.std(c);
            RealMatrix sk = aat.scalarMultiply(s2);
            for (int i = 0; i < m; i++) {
                sk.addToEntry(i, i, noiseStd * noiseStd);
            }
            CholeskyDecomposition chol;
            try {
                chol = new CholeskyDecomposition(sk, 1e-12, 1e-14);
            } catch (NonPositiveDefiniteMatrixException e) {
                throw new IllegalArgumentException("the covariance of y is singular: with noise std 0 the matrix A "
                        + "must have full row rank", e);
            }
            DecompositionSolver solver = chol.getSolver();
            double[] mu = new double[d];
            for (int j = 0; j < d; j++) {
                mu[j] = prior.mean(c, j);
            }
            double[] r = y.clone();
            double[] amu = am.operate(mu);
            for (int i = 0; i < m; i++) {
                r[i] -= amu[i];
            }
            // K = s²·Aᵀ·S⁻¹ = (S⁻¹·A·s²)ᵀ, S symmetric
            RealMatrix kT = solver.solve(am).scalarMultiply(s2);      // M×D
            double[] mean = mu.clone();
            double[] shift = kT.preMultiply(r);                         // Kᵀᵀ r = K r
            for (int j = 0; j < d; j++) {
                mean[j] += shift[j];
            }
            means[c] = mean;
            gains[c] = kT.transpose().getData();                        // D×M
            double[] sr = solver.solve(new ArrayRealVector(r, false)).toArray();
            double quad = 0;
            for (int i = 0; i < m; i++) {
                quad += r[i] * sr[i];
            }
            double logDet = 2 * Arrays.stream(diagonal(chol.getL())).map(Math::log).sum();
            logW[c] = Math.log(prior.weight(c)) - 0.5 * (quad + logDet + m * LOG_2PI);
        }
        double max = Arrays.stream(logW).max().orElseThrow();
        double sum = 0;
        for (double l : logW) {
            sum += Math.exp(l - max);
        }
        double logEvidence = max + Math.log(sum);
        double[] w = new double[k];
        for (int c = 0; c < k; c++) {
            w[c] = Math.exp(logW[c] - logEvidence);
        }
        return new LinearGaussianPosterior(prior, ac, noiseStd, y.clone(), w, means, gains, logEvidence);
    }

    private static double[] diagonal(RealMatrix l) {
        double[] v = new double[l.getRowDimension()];
        for (int i = 0; i < v.length; i++) {
            v[i] = l.getEntry(i, i);
        }
        return v;
    }

    /** The number of components K. */
    public int components() {
        return weights.length;
    }

    /** The dimension D. */
    public int dimension() {
        return prior.dimension();
    }

    /** The posterior weights w'_k (a copy). */
    public double[] weights() {
        return weights.clone();
    }

    /** The posterior component means m_k, one row per component (a copy). */
    public double[][] means() {
        double[][] c = new double[means.length][];
        for (int k = 0; k < c.length; k++) {
            c[k] = means[k].clone();
        }
        return c;
    }

    /** The covariance C_k = s_k²·(I − K_k·A) of component {@code k}, D×D. */
    public double[][] covariance(int k) {
        int d = dimension();
        double s2 = prior.std(k) * prior.std(k);
        double[][] g = gains[k];
        double[][] c = new double[d][d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                double ka = 0;
                for (int r = 0; r < a.length; r++) {
                    ka += g[i][r] * a[r][j];
                }
                c[i][j] = s2 * ((i == j ? 1 : 0) - ka);
            }
        }
        return c;
    }

    /** The log-evidence log p(y) = log Σ_k w_k·N(y; A·μ_k, S_k). */
    public double logEvidence() {
        return logEvidence;
    }

    /**
     * Draws {@code n} independent posterior samples with one {@link SplittableRandom} seeded with {@code seed}: a
     * component by its posterior weight, then the sample by Matheron's rule.
     *
     * @return n rows of length D
     */
    public double[][] sample(int n, long seed) {
        if (n < 0) {
            throw new IllegalArgumentException("n must be >= 0, got " + n);
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        int d = dimension();
        int m = a.length;
        int k = components();
        double[][] out = new double[n][];
        double[] x0 = new double[d];
        double[] r = new double[m];
        for (int i = 0; i < n; i++) {
            double u = rnd.nextDouble();
            int c = 0;
            double acc = weights[0];
            while (c < k - 1 && u >= acc) {
                c++;
                acc += weights[c];
            }
            double s = prior.std(c);
            for (int j = 0; j < d; j++) {
                x0[j] = prior.mean(c, j) + s * rnd.nextGaussian();
            }
            for (int q = 0; q < m; q++) {
                double ax = 0;
                for (int j = 0; j < d; j++) {
                    ax += a[q][j] * x0[j];
                }
                r[q] = y[q] - ax - noise * rnd.nextGaussian();
            }
            double[][] g = gains[c];
            double[] x = x0.clone();
            for (int j = 0; j < d; j++) {
                double v = 0;
                for (int q = 0; q < m; q++) {
                    v += g[j][q] * r[q];
                }
                x[j] += v;
            }
            out[i] = x;
        }
        return out;
    }
}
