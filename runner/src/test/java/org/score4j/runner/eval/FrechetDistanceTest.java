package org.score4j.runner.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The Fréchet distance against closed forms computed independently of the eigen-decomposition route. */
class FrechetDistanceTest {
    private static double[][] diag(double... v) {
        double[][] m = new double[v.length][v.length];
        for (int i = 0; i < v.length; i++) {
            m[i][i] = v[i];
        }
        return m;
    }

    private static double[][] multiply(double[][] a, double[][] b) {
        int n = a.length;
        double[][] c = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < n; k++) {
                for (int j = 0; j < n; j++) {
                    c[i][j] += a[i][k] * b[k][j];
                }
            }
        }
        return c;
    }

    private static double[][] transpose(double[][] a) {
        int n = a.length;
        double[][] t = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                t[j][i] = a[i][j];
            }
        }
        return t;
    }

    /** A rotation in the (i, j) plane. */
    private static double[][] rotation(int n, int i, int j, double angle) {
        double[][] r = diag(new double[n]);
        for (int k = 0; k < n; k++) {
            r[k][k] = 1;
        }
        r[i][i] = Math.cos(angle);
        r[j][j] = Math.cos(angle);
        r[i][j] = -Math.sin(angle);
        r[j][i] = Math.sin(angle);
        return r;
    }

    /** Q·diag(λ)·Qᵀ. */
    private static double[][] rotate(double[][] q, double... lambda) {
        return multiply(multiply(q, diag(lambda)), transpose(q));
    }

    private static double sqDist(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (a[i] - b[i]) * (a[i] - b[i]);
        }
        return s;
    }

    @Test
    void diagonalCovariances() {
        double[] mu1 = {0.5, -1, 2, 0};
        double[] mu2 = {1.5, 1, 2, -0.25};
        double[] a = {1, 4, 0.25, 2};
        double[] b = {9, 1, 0.25, 0.5};
        double expected = sqDist(mu1, mu2);
        for (int i = 0; i < a.length; i++) {
            expected += Math.pow(Math.sqrt(a[i]) - Math.sqrt(b[i]), 2);
        }
        assertThat(FrechetDistance.between(mu1, diag(a), mu2, diag(b))).isCloseTo(expected, within(1e-12));
    }

    /**
     * 2×2, non-commuting: Σ₁Σ₂ has non-negative eigenvalues λ₁, λ₂, and tr (Σ₁Σ₂)^{1/2} = √λ₁ + √λ₂
     * = √(tr(Σ₁Σ₂) + 2√(det Σ₁·det Σ₂)).
     */
    @Test
    void nonCommutingTwoByTwoAgainstTheExplicitFormula() {
        double[][] s1 = {{2, 0.8}, {0.8, 1}};
        double[][] s2 = {{0.5, -0.3}, {-0.3, 3}};
        double[][] p = multiply(s1, s2);
        double[][] q = multiply(s2, s1);
        assertThat(p[0][1]).as("the covariances do not commute").isNotCloseTo(q[0][1], within(0.1));
        double det1 = s1[0][0] * s1[1][1] - s1[0][1] * s1[1][0];
        double det2 = s2[0][0] * s2[1][1] - s2[0][1] * s2[1][0];
        double traceSqrt = Math.sqrt(p[0][0] + p[1][1] + 2 * Math.sqrt(det1 * det2));
        double[] mu1 = {1, 2};
        double[] mu2 = {-0.5, 2.5};
        double expected = sqDist(mu1, mu2) + s1[0][0] + s1[1][1] + s2[0][0] + s2[1][1] - 2 * traceSqrt;
        assertThat(FrechetDistance.traceSqrtProduct(s1, s2)).isCloseTo(traceSqrt, within(1e-12));
        assertThat(FrechetDistance.between(mu1, s1, mu2, s2)).isCloseTo(expected, within(1e-12));
        assertThat(FrechetDistance.between(mu2, s2, mu1, s1)).as("symmetric").isCloseTo(expected, within(1e-12));
    }

    /** Σ₂ = Q·diag(b)·Qᵀ with Σ₁ = Q·diag(a)·Qᵀ (same eigenvectors): FD = Σ(√aᵢ − √bᵢ)² for the covariances. */
    @Test
    void commutingRotatedCovariances() {
        double[][] q = multiply(rotation(3, 0, 1, 0.7), rotation(3, 1, 2, -1.1));
        double[] a = {3, 0.5, 1.2};
        double[] b = {0.1, 2, 1.2};
        double expected = 0;
        for (int i = 0; i < 3; i++) {
            expected += Math.pow(Math.sqrt(a[i]) - Math.sqrt(b[i]), 2);
        }
        double[] mu = {0, 0, 0};
        assertThat(FrechetDistance.between(mu, rotate(q, a), mu, rotate(q, b))).isCloseTo(expected, within(1e-10));
    }

    /** Σ₂ = c²·Σ₁: tr (Σ₁Σ₂)^{1/2} = c·tr Σ₁, so FD = (1 − c)²·tr Σ₁; also with a singular Σ₁. */
    @Test
    void scaledAndSingularCovariances() {
        double[][] q = rotation(3, 0, 2, 0.4);
        double[][] s = rotate(q, 2, 1, 0);
        double c = 3;
        double[][] s2 = rotate(q, 2 * c * c, c * c, 0);
        double[] mu = {1, 1, 1};
        assertThat(FrechetDistance.between(mu, s, mu, s2)).isCloseTo((1 - c) * (1 - c) * 3, within(1e-10));
        // orthogonal rank-one covariances: the product is 0, FD = tr Σ₁ + tr Σ₂
        assertThat(FrechetDistance.between(new double[2], diag(1, 0), new double[2], diag(0, 4)))
                .isCloseTo(5, within(1e-12));
    }

    @Test
    void gaussianFitIsTheMeanAndTheUnbiasedCovariance() {
        // points (0,0), (2,0), (0,4), (2,4): mean (1,2), variances 4/3 and 16/3, no correlation
        FrechetDistance.Gaussian g = FrechetDistance.Gaussian.fit(new float[] {0, 0, 2, 0, 0, 4, 2, 4}, 4, 2);
        assertThat(g.mean()).containsExactly(1, 2);
        assertThat(g.covariance()[0][0]).isCloseTo(4.0 / 3, within(1e-12));
        assertThat(g.covariance()[1][1]).isCloseTo(16.0 / 3, within(1e-12));
        assertThat(g.covariance()[0][1]).isCloseTo(0, within(1e-12));
        assertThat(g.n()).isEqualTo(4);
    }

    @Test
    void identicalFeatureSetsAreAtDistanceZeroAndShiftedOnesAtTheShift() {
        int n = 500;
        int d = 16;
        float[] f = new float[n * d];
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < n; i++) {
            double common = r.nextGaussian();
            for (int j = 0; j < d; j++) {
                f[i * d + j] = (float) (common * (j % 3) + r.nextGaussian() * (1 + 0.1 * j));
            }
        }
        FrechetDistance.Gaussian a = FrechetDistance.Gaussian.fit(f, n, d);
        double trace = 0;
        for (int j = 0; j < d; j++) {
            trace += a.covariance()[j][j];
        }
        assertThat(FrechetDistance.between(a, a)).isCloseTo(0, within(1e-9 * trace));
        float[] shifted = f.clone();
        for (int i = 0; i < n; i++) {
            shifted[i * d] += 2;
        }
        assertThat(FrechetDistance.between(a, FrechetDistance.Gaussian.fit(shifted, n, d)))
                .isCloseTo(4, within(1e-6));
    }
}
