package org.score4j.runner.eval;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.RealMatrix;

/**
 * The Fréchet (2-Wasserstein) distance between two Gaussians, as in the FID of Heusel et al. 2017 ("GANs
 * Trained by a Two Time-Scale Update Rule Converge to a Local Nash Equilibrium", eq. 6):
 * FD = |μ₁ − μ₂|² + tr(Σ₁ + Σ₂ − 2·(Σ₁Σ₂)^{1/2}).
 *
 * <p>The product Σ₁Σ₂ is not symmetric, but it is similar to the symmetric positive semi-definite matrix
 * M = Σ₁^{1/2}·Σ₂·Σ₁^{1/2} (Σ₁^{1/2}·M·Σ₁^{−1/2} = Σ₁Σ₂), so tr (Σ₁Σ₂)^{1/2} = tr M^{1/2} = Σᵢ √λᵢ(M) (Dowson &amp;
 * Landau 1982). Both square roots come from symmetric eigen-decompositions (Apache Commons Math), in double
 * precision, with eigenvalues below zero — rounding of a semi-definite matrix — taken as zero; no complex
 * arithmetic is needed, unlike {@code scipy.linalg.sqrtm} on the product. The result is clamped at 0 (a
 * negative value can only be rounding). Stateless.
 */
public final class FrechetDistance {
    private FrechetDistance() {}

    /**
     * The Gaussian fit of a set of feature vectors: their mean and their unbiased
     * sample covariance (divisor n − 1, as {@code numpy.cov}, which FID implementations use).
     *
     * @param mean the mean, length d
     * @param covariance the d × d covariance, symmetric
     * @param n the number of vectors
     */
    public record Gaussian(double[] mean, double[][] covariance, int n) {
        /**
         * Fits {@code n} vectors of dimension {@code d} stored row-major in {@code features}, accumulating in
         * double precision (two passes: the mean, then the centred products).
         *
         * @throws IllegalArgumentException for fewer than 2 vectors or a size that is not n·d
         */
        public static Gaussian fit(float[] features, int n, int d) {
            if (n < 2) {
                throw new IllegalArgumentException("a covariance needs at least 2 vectors, got " + n);
            }
            if ((long) n * d != features.length) {
                throw new IllegalArgumentException(features.length + " values are not " + n + " vectors of " + d);
            }
            double[] mean = new double[d];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < d; j++) {
                    mean[j] += features[i * d + j];
                }
            }
            for (int j = 0; j < d; j++) {
                mean[j] /= n;
            }
            double[][] cov = new double[d][d];
            double[] c = new double[d];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < d; j++) {
                    c[j] = features[i * d + j] - mean[j];
                }
                for (int a = 0; a < d; a++) {
                    double ca = c[a];
                    double[] row = cov[a];
                    for (int b = a; b < d; b++) {
                        row[b] += ca * c[b];
                    }
                }
            }
            for (int a = 0; a < d; a++) {
                for (int b = a; b < d; b++) {
                    cov[a][b] /= (n - 1);
                    cov[b][a] = cov[a][b];
                }
            }
            return new Gaussian(mean, cov, n);
        }

        /** The dimension d. */
        public int dimension() {
            return mean.length;
        }
    }

    /** FD between the two fits. */
    public static double between(Gaussian a, Gaussian b) {
        return between(a.mean(), a.covariance(), b.mean(), b.covariance());
    }

    /**
     * FD between N(μ₁, Σ₁) and N(μ₂, Σ₂).
     *
     * @throws IllegalArgumentException when the dimensions differ or a covariance is not square
     */
    public static double between(double[] mu1, double[][] sigma1, double[] mu2, double[][] sigma2) {
        int d = mu1.length;
        if (mu2.length != d || sigma1.length != d || sigma2.length != d) {
            throw new IllegalArgumentException("dimensions differ: " + d + ", " + mu2.length + ", " + sigma1.length
                    + ", " + sigma2.length);
        }
        double meanTerm = 0;
        for (int j = 0; j < d; j++) {
            double diff = mu1[j] - mu2[j];
            meanTerm += diff * diff;
        }
        double trace = 0;
        for (int j = 0; j < d; j++) {
            trace += sigma1[j][j] + sigma2[j][j];
        }
        double fd = meanTerm + trace - 2 * traceSqrtProduct(sigma1, sigma2);
        return Math.max(0, fd);
    }

    /** tr (Σ₁Σ₂)^{1/2} = tr (Σ₁^{1/2}·Σ₂·Σ₁^{1/2})^{1/2}. */
    public static double traceSqrtProduct(double[][] sigma1, double[][] sigma2) {
        RealMatrix root = sqrtPsd(symmetric(sigma1));
        RealMatrix m = root.multiply(symmetric(sigma2)).multiply(root);
        double sum = 0;
        for (double lambda : new EigenDecomposition(symmetrize(m)).getRealEigenvalues()) {
            sum += Math.sqrt(Math.max(0, lambda));
        }
        return sum;
    }

    /** The symmetric square root of a symmetric positive semi-definite matrix (negative eigenvalues → 0). */
    static RealMatrix sqrtPsd(RealMatrix s) {
        EigenDecomposition e = new EigenDecomposition(s);
        RealMatrix v = e.getV();
        double[] lambda = e.getRealEigenvalues();
        int d = lambda.length;
        double[][] scaled = new double[d][d];
        for (int i = 0; i < d; i++) {
            for (int k = 0; k < d; k++) {
                scaled[i][k] = v.getEntry(i, k) * Math.sqrt(Math.max(0, lambda[k]));
            }
        }
        return symmetrize(new Array2DRowRealMatrix(scaled, false).multiply(v.transpose()));
    }

    private static RealMatrix symmetric(double[][] a) {
        int d = a.length;
        double[][] s = new double[d][d];
        for (int i = 0; i < d; i++) {
            if (a[i].length != d) {
                throw new IllegalArgumentException("covariance is not square: row " + i + " has " + a[i].length
                        + " entries, expected " + d);
            }
            for (int j = 0; j < d; j++) {
                s[i][j] = 0.5 * (a[i][j] + a[j][i]);
            }
        }
        return new Array2DRowRealMatrix(s, false);
    }

    /** (A + Aᵀ)/2, so that rounding cannot send the decomposition down its non-symmetric path. */
    private static RealMatrix symmetrize(RealMatrix m) {
        return m.add(m.transpose()).scalarMultiply(0.5);
    }
}
