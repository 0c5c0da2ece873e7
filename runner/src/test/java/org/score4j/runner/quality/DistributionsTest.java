package org.score4j.runner.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DistributionsTest {
    private static final Distributions.Mixture MIXTURE = new Distributions.Mixture(
            new double[] {0.5, 0.3, 0.2},
            new double[][] {{-4, 0, 0}, {4, 0, 0}, {0, 5, 0}},
            new double[] {0.5, 0.8, 0.3});

    private static double[][] gaussian(int n, int d, double shift, double std, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[][] x = new double[n][d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                x[i][j] = (j == 0 ? shift : 0) + std * r.nextGaussian();
            }
        }
        return x;
    }

    /** Draws from {@link #MIXTURE}, optionally with the stds scaled and the component choice given by w. */
    private static double[][] mixture(int n, double[] w, double stdScale, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[][] mu = MIXTURE.means();
        double[] s = MIXTURE.stds();
        double[][] x = new double[n][3];
        for (int i = 0; i < n; i++) {
            double u = r.nextDouble();
            int c = 0;
            while (c < w.length - 1 && u >= w[c]) {
                u -= w[c];
                c++;
            }
            for (int j = 0; j < 3; j++) {
                x[i][j] = mu[c][j] + stdScale * s[c] * r.nextGaussian();
            }
        }
        return x;
    }

    @Test
    void oneDimensionalDistanceIsExact() {
        // equal sizes pair the order statistics: |(1,2,3) - (2,3,4)| = 1 everywhere
        assertThat(Distributions.wasserstein2(new double[] {3, 1, 2}, new double[] {4, 2, 3}))
                .isCloseTo(1, within(1e-15));
        // unequal sizes: quantiles of {0, 1} against {0, 0, 3}: on (0,1/3] 0, (1/3,1/2] 0, (1/2,2/3] 1, (2/3,1] 4
        double expected = Math.sqrt((1.0 / 6) * 1 + (1.0 / 3) * 4);
        assertThat(Distributions.wasserstein2(new double[] {1, 0}, new double[] {0, 3, 0}))
                .isCloseTo(expected, within(1e-15));
        // a point mass against itself repeated
        assertThat(Distributions.wasserstein2(new double[] {2}, new double[] {2, 2, 2, 2})).isZero();
    }

    @Test
    void twoSamplesOfTheSameGaussianAreClose() {
        double[][] a = gaussian(2000, 4, 0, 1, 1);
        double[][] b = gaussian(2000, 4, 0, 1, 2);
        double sw = Distributions.slicedWasserstein(a, b);
        // the sampling error of W2 between two sets of 2000 standard normals is about 0.07 (mostly from the
        // tails) and falls with n
        assertThat(sw).isGreaterThan(0).isLessThan(0.1);
        double big = Distributions.slicedWasserstein(gaussian(16000, 4, 0, 1, 1), gaussian(16000, 4, 0, 1, 2));
        assertThat(big).isLessThan(0.6 * sw);
        assertThat(Distributions.slicedWasserstein(a, a)).isZero();
        assertThat(Distributions.slicedWasserstein(b, a)).isCloseTo(sw, within(1e-12));
    }

    @Test
    void shiftedGaussiansAreAsFarApartAsTheShiftAlongTheAverageDirection() {
        // W2 of projections shifted by c·u_0 is |c·u_0| up to sampling error, so SW2 = c·√(E u_0²) = c/√d
        double[][] a = gaussian(4000, 2, 0, 1, 3);
        double[][] b = gaussian(4000, 2, 3, 1, 4);
        double[][] bSame = gaussian(4000, 2, 3, 1, 3);
        double[][] dirs = Distributions.directions(2, Distributions.PROJECTIONS, Distributions.DIRECTION_SEED);
        double meanSq = 0;
        for (double[] u : dirs) {
            meanSq += u[0] * u[0];
        }
        double exact = 3 * Math.sqrt(meanSq / dirs.length);
        // the same draws shifted: exactly the shift on every projection
        assertThat(Distributions.slicedWasserstein(a, bSame)).isCloseTo(exact, within(1e-9));
        assertThat(exact).isCloseTo(3 / Math.sqrt(2), within(0.15));
        assertThat(Distributions.slicedWasserstein(a, b)).isCloseTo(exact, within(0.05));
    }

    @Test
    void rowMajorAndUnequalSizesAgreeWithRows() {
        double[][] a = gaussian(300, 3, 0, 1, 5);
        double[][] b = gaussian(300, 3, 0.5, 1, 6);
        double[] flatA = new double[900];
        double[] flatB = new double[900];
        for (int i = 0; i < 300; i++) {
            System.arraycopy(a[i], 0, flatA, 3 * i, 3);
            System.arraycopy(b[i], 0, flatB, 3 * i, 3);
        }
        assertThat(Distributions.slicedWasserstein(flatA, flatB, 3)).isEqualTo(Distributions.slicedWasserstein(a, b));
        // doubling every point of b changes nothing: the empirical measure is the same
        double[][] b2 = new double[600][];
        for (int i = 0; i < 300; i++) {
            b2[2 * i] = b[i];
            b2[2 * i + 1] = b[i];
        }
        assertThat(Distributions.slicedWasserstein(a, b2))
                .isCloseTo(Distributions.slicedWasserstein(a, b), within(1e-12));
    }

    @Test
    void directionsAreSeededUnitVectors() {
        double[][] u = Distributions.directions(5, 50, 9);
        assertThat(Distributions.directions(5, 50, 9)).isDeepEqualTo(u);
        for (double[] v : u) {
            double q = 0;
            for (double x : v) {
                q += x * x;
            }
            assertThat(q).isCloseTo(1, within(1e-12));
        }
    }

    @Test
    void trueSamplesMatchWeightsAndSpreads() {
        int n = 4000;
        double[][] g = mixture(n, MIXTURE.weights(), 1, 11);
        Distributions.Report r = Distributions.compare(g, MIXTURE, mixture(n, MIXTURE.weights(), 1, 12),
                mixture(n, MIXTURE.weights(), 1, 13));
        assertThat(r.weightErrorSe()).as(r.toString()).isLessThan(4);
        assertThat(r.spreadErrorSe()).as(r.toString()).isLessThan(4);
        assertThat(r.maxWeightError()).isLessThan(0.03);
        assertThat(r.maxSpreadError()).isLessThan(0.05);
        assertThat(r.ratio()).as(r.toString()).isBetween(0.6, 1.5);
        assertThat(r.spreadExcess(4, 0)).isLessThanOrEqualTo(0);
        int[] counts = r.counts();
        assertThat(counts[0] + counts[1] + counts[2]).isEqualTo(n);
    }

    @Test
    void wrongWeightsOrSpreadsAreDetected() {
        int n = 4000;
        double[][] a = mixture(n, MIXTURE.weights(), 1, 12);
        double[][] b = mixture(n, MIXTURE.weights(), 1, 13);
        Distributions.Report weights = Distributions.compare(mixture(n, new double[] {0.4, 0.4, 0.2}, 1, 11),
                MIXTURE, a, b);
        assertThat(weights.maxWeightError()).isCloseTo(0.1, within(0.03));
        assertThat(weights.weightErrorSe()).isGreaterThan(8);
        assertThat(weights.ratio()).as(weights.toString()).isGreaterThan(2);
        Distributions.Report spreads = Distributions.compare(mixture(n, MIXTURE.weights(), 1.15, 11), MIXTURE, a, b);
        assertThat(spreads.maxSpreadError()).isCloseTo(0.15, within(0.03));
        assertThat(spreads.spreadErrorSe()).isGreaterThan(8);
        assertThat(spreads.spreadExcess(4, 0)).isGreaterThan(0);
        assertThat(spreads.weightErrorSe()).isLessThan(4);
    }

    @Test
    void referenceAveragesOverItsTrueSets() {
        int n = 500;
        List<double[][]> truths = new ArrayList<>();
        for (int j = 0; j < 4; j++) {
            truths.add(mixture(n, MIXTURE.weights(), 1, 20 + j));
        }
        Distributions.Reference ref = Distributions.Reference.of(MIXTURE, truths);
        assertThat(ref.size()).isEqualTo(n);
        assertThat(ref.sets()).isEqualTo(4);
        double pairs = 0;
        for (int i = 0; i < 4; i++) {
            for (int j = i + 1; j < 4; j++) {
                double sw = Distributions.slicedWasserstein(truths.get(i), truths.get(j));
                pairs += sw * sw;
            }
        }
        assertThat(ref.noiseFloor()).isCloseTo(Math.sqrt(pairs / 6), within(1e-12));
        double[][] g = mixture(n, MIXTURE.weights(), 1, 30);
        double sq = 0;
        for (double[][] t : truths) {
            double sw = Distributions.slicedWasserstein(g, t);
            sq += sw * sw;
        }
        Distributions.Report r = ref.compare(g);
        assertThat(r.sw()).isCloseTo(Math.sqrt(sq / 4), within(1e-12));
        assertThat(r.ratio()).isCloseTo(r.sw() / ref.noiseFloor(), within(1e-15));
        assertThat(r.dimension()).isEqualTo(3);
        // two sets: the floor is their distance
        Distributions.Report two = Distributions.compare(g, MIXTURE, truths.get(0), truths.get(1));
        assertThat(two.noiseFloor()).isCloseTo(
                Distributions.slicedWasserstein(truths.get(0), truths.get(1)), within(1e-12));
        assertThatThrownBy(() -> ref.compare(mixture(n + 1, MIXTURE.weights(), 1, 31)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Distributions.Reference.of(MIXTURE, truths.subList(0, 1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void assignmentFollowsThePosterior() {
        // midway between two equal-width components the heavier one wins; a narrow component loses far from it
        Distributions.Mixture m = new Distributions.Mixture(new double[] {0.7, 0.3},
                new double[][] {{0}, {2}}, new double[] {1, 1});
        assertThat(Distributions.assign(new double[][] {{1}, {0.9}, {1.5}, {3}}, m)).containsExactly(0, 0, 1, 1);
        Distributions.Mixture narrow = new Distributions.Mixture(new double[] {0.5, 0.5},
                new double[][] {{0}, {0}}, new double[] {1, 0.1});
        assertThat(Distributions.assign(new double[][] {{0}, {2}}, narrow)).containsExactly(1, 0);
        assertThat(Distributions.componentWeights(new int[] {0, 1, 1, 1}, 3)).containsExactly(0.25, 0.75, 0);
        double[] s = Distributions.componentSpreads(new double[][] {{1}, {-1}, {2}}, new int[] {0, 0, 1}, m);
        assertThat(s[0]).isEqualTo(1);
        assertThat(s[1]).isEqualTo(0);
    }
}
