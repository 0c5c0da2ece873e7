package org.score4j.model.gmm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The closed-form posterior of a Gaussian mixture under y = A·x + σ·ε against the 1-D formula (Bayes' rule for
 * two Gaussians) and, in 3 dimensions, against self-normalized importance sampling from the prior; its sampler
 * against its own moments.
 */
class LinearGaussianPosteriorTest {
    static final GaussianMixture MIX3 = new GaussianMixture(new double[] {0.5, 0.3, 0.2},
            new double[][] {{1, 0, -1}, {-1.5, 1, 0.5}, {0, -2, 1}}, new double[] {0.6, 0.9, 0.4});

    @Test
    void oneDimensionMatchesBayesRuleForTwoGaussians() {
        GaussianMixture prior = new GaussianMixture(new double[] {0.3, 0.7}, new double[][] {{-1}, {2}},
                new double[] {0.5, 1.2});
        for (double a : new double[] {0.5, 1, 2.5}) {
            for (double sigma : new double[] {0.1, 0.8}) {
                double y = 0.7;
                LinearGaussianPosterior p = LinearGaussianPosterior.of(prior, new double[][] {{a}}, sigma,
                        new double[] {y});
                double[] logW = new double[2];
                for (int k = 0; k < 2; k++) {
                    double s2 = prior.std(k) * prior.std(k);
                    double var = 1 / (1 / s2 + a * a / (sigma * sigma));
                    double mean = var * (prior.mean(k, 0) / s2 + a * y / (sigma * sigma));
                    assertThat(p.means()[k][0]).isCloseTo(mean, within(1e-12));
                    assertThat(p.covariance(k)[0][0]).isCloseTo(var, within(1e-12));
                    double sy = a * a * s2 + sigma * sigma;   // y under component k
                    double d = y - a * prior.mean(k, 0);
                    logW[k] = Math.log(prior.weight(k)) - 0.5 * d * d / sy - 0.5 * Math.log(2 * Math.PI * sy);
                }
                double evidence = Math.log(Math.exp(logW[0]) + Math.exp(logW[1]));
                assertThat(p.logEvidence()).isCloseTo(evidence, within(1e-12));
                assertThat(p.weights()[0]).isCloseTo(Math.exp(logW[0] - evidence), within(1e-12));
            }
        }
    }

    /** Weighted prior samples: weights ∝ N(y; A·x, σ²·I). */
    record Importance(double[] weights, double ess, double logEvidence, int[] components, double[][] x) {}

    static Importance importance(GaussianMixture prior, double[][] a, double sigma, double[] y, int n, long seed) {
        GaussianMixture.Samples s = prior.sample(n, seed);
        double[] logL = new double[n];
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            double q = 0;
            for (int r = 0; r < a.length; r++) {
                double ax = 0;
                for (int j = 0; j < a[r].length; j++) {
                    ax += a[r][j] * s.x()[i][j];
                }
                q += (y[r] - ax) * (y[r] - ax);
            }
            logL[i] = -0.5 * q / (sigma * sigma) - 0.5 * a.length * Math.log(2 * Math.PI * sigma * sigma);
            max = Math.max(max, logL[i]);
        }
        double sum = 0;
        double sum2 = 0;
        double[] w = new double[n];
        for (int i = 0; i < n; i++) {
            w[i] = Math.exp(logL[i] - max);
            sum += w[i];
        }
        for (int i = 0; i < n; i++) {
            w[i] /= sum;
            sum2 += w[i] * w[i];
        }
        return new Importance(w, 1 / sum2, max + Math.log(sum / n), s.components(), s.x());
    }

    @Test
    void threeDimensionsMatchImportanceSamplingOfThePrior() {
        double[][] a = {{1, 0.5, 0}, {0, -1, 2}};
        double sigma = 0.5;
        for (double[] y : new double[][] {{0.8, -1.5}, {-1, 2}}) {
            LinearGaussianPosterior p = LinearGaussianPosterior.of(MIX3, a, sigma, y);
            Importance is = importance(MIX3, a, sigma, y, 400_000, 7);
            assertThat(is.ess()).isGreaterThan(20_000);
            double se = 1 / Math.sqrt(is.ess());
            // component weights
            double[] wIs = new double[3];
            for (int i = 0; i < is.weights().length; i++) {
                wIs[is.components()[i]] += is.weights()[i];
            }
            for (int k = 0; k < 3; k++) {
                assertThat(p.weights()[k]).as("weight %d", k).isCloseTo(wIs[k], within(5 * se));
            }
            // mixture mean and covariance
            double[] mean = new double[3];
            double[][] second = new double[3][3];
            for (int k = 0; k < 3; k++) {
                double[] m = p.means()[k];
                double[][] c = p.covariance(k);
                for (int i = 0; i < 3; i++) {
                    mean[i] += p.weights()[k] * m[i];
                    for (int j = 0; j < 3; j++) {
                        second[i][j] += p.weights()[k] * (c[i][j] + m[i] * m[j]);
                    }
                }
            }
            double[] meanIs = new double[3];
            double[][] secondIs = new double[3][3];
            for (int n = 0; n < is.weights().length; n++) {
                double[] x = is.x()[n];
                for (int i = 0; i < 3; i++) {
                    meanIs[i] += is.weights()[n] * x[i];
                    for (int j = 0; j < 3; j++) {
                        secondIs[i][j] += is.weights()[n] * x[i] * x[j];
                    }
                }
            }
            for (int i = 0; i < 3; i++) {
                assertThat(mean[i]).as("mean %d", i).isCloseTo(meanIs[i], within(5 * 1.5 * se));
                for (int j = 0; j < 3; j++) {
                    assertThat(second[i][j]).as("E[x%d x%d]", i, j).isCloseTo(secondIs[i][j], within(5 * 4 * se));
                }
            }
            assertThat(p.logEvidence()).isCloseTo(is.logEvidence(), within(0.02));
        }
    }

    @Test
    void samplesHaveThePosteriorMomentsAndWeights() {
        double[][] a = {{0.3, -1, 0.8}};
        double sigma = 0.2;
        double[] y = {0.4};
        LinearGaussianPosterior p = LinearGaussianPosterior.of(MIX3, a, sigma, y);
        int n = 200_000;
        double[][] x = p.sample(n, 3);
        assertThat(x).hasDimensions(n, 3);
        // the measured direction is pinned: A·x has mean and spread of the posterior's A·x
        for (int k = 0; k < 3; k++) {
            // a component's mean of A·x and variance A C Aᵀ
            double[] m = p.means()[k];
            double[][] c = p.covariance(k);
            double am = 0;
            double aca = 0;
            for (int i = 0; i < 3; i++) {
                am += a[0][i] * m[i];
                for (int j = 0; j < 3; j++) {
                    aca += a[0][i] * c[i][j] * a[0][j];
                }
            }
            assertThat(aca).isLessThan(sigma * sigma);
            assertThat(am).isCloseTo(y[0], within(3 * sigma));
        }
        double[] mean = new double[3];
        double[][] second = new double[3][3];
        for (double[] r : x) {
            for (int i = 0; i < 3; i++) {
                mean[i] += r[i] / n;
                for (int j = 0; j < 3; j++) {
                    second[i][j] += r[i] * r[j] / n;
                }
            }
        }
        double[] want = new double[3];
        double[][] want2 = new double[3][3];
        for (int k = 0; k < 3; k++) {
            double[] m = p.means()[k];
            double[][] c = p.covariance(k);
            for (int i = 0; i < 3; i++) {
                want[i] += p.weights()[k] * m[i];
                for (int j = 0; j < 3; j++) {
                    want2[i][j] += p.weights()[k] * (c[i][j] + m[i] * m[j]);
                }
            }
        }
        for (int i = 0; i < 3; i++) {
            assertThat(mean[i]).isCloseTo(want[i], within(0.01));
            for (int j = 0; j < 3; j++) {
                assertThat(second[i][j]).isCloseTo(want2[i][j], within(0.03));
            }
        }
        assertThat(p.sample(10, 3)[9]).containsExactly(p.sample(10, 3)[9]);
    }

    @Test
    void noiseFreeMeasurementsPinTheSamples() {
        double[][] a = {{1, 0, 0}, {0, 1, 1}};
        double[] y = {0.5, -0.25};
        LinearGaussianPosterior p = LinearGaussianPosterior.of(MIX3, a, 0, y);
        for (double[] x : p.sample(100, 1)) {
            assertThat(x[0]).isCloseTo(0.5, within(1e-12));
            assertThat(x[1] + x[2]).isCloseTo(-0.25, within(1e-12));
        }
        assertThatThrownBy(() -> LinearGaussianPosterior.of(MIX3, new double[][] {{1, 0, 0}, {2, 0, 0}}, 0,
                new double[] {1, 2})).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("full row rank");
        assertThatThrownBy(() -> LinearGaussianPosterior.of(MIX3, new double[][] {{1, 0}}, 0.1, new double[] {1}))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aWeakMeasurementLeavesThePriorAlmostUnchanged() {
        LinearGaussianPosterior p = LinearGaussianPosterior.of(MIX3, new double[][] {{1, 1, 1}}, 1e4,
                new double[] {new SplittableRandom(1).nextGaussian()});
        for (int k = 0; k < 3; k++) {
            assertThat(p.weights()[k]).isCloseTo(MIX3.weight(k), within(1e-6));
            assertThat(p.covariance(k)[1][1]).isCloseTo(MIX3.std(k) * MIX3.std(k), within(1e-6));
        }
    }
}
