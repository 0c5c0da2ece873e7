package org.score4j.runner.quality;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Distribution checks of generated samples against a known target (architecture guide §8): the sliced
 * Wasserstein-2 distance, compared with the distance between independent sets of true samples (the noise floor
 * of the estimate), and, for a mixture of isotropic Gaussians, the weight and spread of each component.
 *
 * <p><b>Sliced Wasserstein-2.</b> SW₂(P, Q) = (E_θ W₂²(θ·P, θ·Q))^{1/2} over unit directions θ. The expectation
 * is taken over a fixed set of {@value #PROJECTIONS} directions drawn from seed {@value #DIRECTION_SEED} (so two
 * calls compare the same projections), and each one-dimensional W₂ between the two empirical measures is exact:
 * by sorting, pairing order statistics when the sizes are equal and matching the piecewise-constant quantile
 * functions when they differ. Even for an exact sampler SW₂ is not 0 but the sampling error of two finite sets;
 * a {@link Reference} states it in units of that error, the distance between independent true sets.
 *
 * <p><b>Mixture statistics.</b> Each sample is assigned to the component of largest posterior responsibility
 * w_k N(x; μ_k, s_k²I) / p(x); the component weights are the assigned fractions and the spread of a component is
 * the RMS distance of its samples to μ_k divided by √d, which estimates s_k. For n exact samples the weight of
 * component k has the binomial standard error √(w_k(1 − w_k)/n), and the spread over n_k samples the relative
 * standard error 1/√(2·n_k·d) (the sum of squares is s_k²·χ²(n_k·d)); the report states errors in both absolute
 * and standard-error units. Assignment by posterior is exact only for well-separated components: use mixtures
 * whose means lie many standard deviations apart.
 *
 * <p>Used by the sampler quality tests and by the quality-versus-NFE benchmark ({@link QualityVsNfe}); one
 * implementation for both. Plain Java (no engine). The static methods and {@link Reference} are thread-safe;
 * inputs are not modified. Invalid arguments (empty sets, mismatched dimensions) are programming errors and throw
 * {@link IllegalArgumentException}.
 */
public final class Distributions {
    /** Directions of {@link #slicedWasserstein(double[][], double[][])}. */
    public static final int PROJECTIONS = 200;
    /** Seed of the directions of {@link #slicedWasserstein(double[][], double[][])}. */
    public static final long DIRECTION_SEED = 20210101L;

    private Distributions() {}

    /**
     * A mixture of isotropic Gaussians Σ_k w_k N(μ_k, s_k²·I) given as plain arrays (validated, copied).
     *
     * @param weights w_k, positive, summing to 1 within 1e-6
     * @param means μ_k, one row of length d per component
     * @param stds s_k, positive
     */
    public record Mixture(double[] weights, double[][] means, double[] stds) {
        public Mixture {
            int k = weights.length;
            if (k == 0 || means.length != k || stds.length != k) {
                throw new IllegalArgumentException("need K >= 1 weights, means and stds of equal count");
            }
            int d = means[0].length;
            double sum = 0;
            for (int c = 0; c < k; c++) {
                if (!(weights[c] > 0) || !(stds[c] > 0) || means[c].length != d || d == 0) {
                    throw new IllegalArgumentException("invalid component " + c);
                }
                sum += weights[c];
            }
            if (Math.abs(sum - 1) > 1e-6) {
                throw new IllegalArgumentException("weights sum to " + sum);
            }
            weights = weights.clone();
            stds = stds.clone();
            means = copy(means);
        }

        /** The number of components K. */
        public int components() {
            return weights.length;
        }

        /** The dimension d. */
        public int dimension() {
            return means[0].length;
        }

        @Override
        public double[] weights() {
            return weights.clone();
        }

        @Override
        public double[][] means() {
            return copy(means);
        }

        @Override
        public double[] stds() {
            return stds.clone();
        }

        private static double[][] copy(double[][] a) {
            double[][] c = new double[a.length][];
            for (int i = 0; i < a.length; i++) {
                c[i] = a[i].clone();
            }
            return c;
        }
    }

    /**
     * The comparison of a generated sample set with a mixture and independent true sample sets ({@link Reference}).
     *
     * @param sw the RMS over the true sets T_j of SW₂(generated, T_j)
     * @param noiseFloor the RMS of SW₂(T_i, T_j) over pairs of true sets of the generated set's size: what an
     *     exact sampler gets
     * @param ratio sw / noiseFloor, about 1 for an exact sampler
     * @param dimension the dimension d of the samples
     * @param weights the assigned weight of each component in the generated set
     * @param spreads the spread of each component in the generated set divided by its s_k (NaN when empty)
     * @param counts the generated samples assigned to each component
     * @param maxWeightError max_k |weight_k − w_k|
     * @param maxSpreadError max_k |spread_k/s_k − 1| (infinite when a component received no sample)
     * @param weightErrorSe max_k |weight_k − w_k| / √(w_k(1 − w_k)/n)
     * @param spreadErrorSe max_k |spread_k/s_k − 1| · √(2·n_k·d)
     */
    public record Report(double sw, double noiseFloor, double ratio, int dimension, double[] weights,
            double[] spreads, int[] counts, double maxWeightError, double maxSpreadError, double weightErrorSe,
            double spreadErrorSe) {
        public Report {
            weights = weights.clone();
            spreads = spreads.clone();
            counts = counts.clone();
        }

        @Override
        public double[] weights() {
            return weights.clone();
        }

        @Override
        public double[] spreads() {
            return spreads.clone();
        }

        @Override
        public int[] counts() {
            return counts.clone();
        }

        /**
         * The largest excess of a relative spread error over its allowance z·SE_k + bias, with SE_k =
         * 1/√(2·n_k·d); at most 0 when every component is within its allowance, infinite when a component
         * received no sample.
         */
        public double spreadExcess(double z, double bias) {
            double worst = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < spreads.length; k++) {
                if (counts[k] == 0) {
                    return Double.POSITIVE_INFINITY;
                }
                double allowed = z * spreadStandardError(counts[k], dimension) + bias;
                worst = Math.max(worst, Math.abs(spreads[k] - 1) - allowed);
            }
            return worst;
        }

        /** One line: ratio, floor, weight and spread errors. */
        public String summary() {
            return String.format(Locale.ROOT,
                    "SW %.4f / floor %.4f = ratio %.3f, weight err %.4f (%.2f SE), spread err %.4f (%.2f SE)",
                    sw, noiseFloor, ratio, maxWeightError, weightErrorSe, maxSpreadError, spreadErrorSe);
        }

        @Override
        public String toString() {
            return summary() + ", weights " + Arrays.toString(weights) + ", spreads/std " + Arrays.toString(spreads)
                    + ", counts " + Arrays.toString(counts);
        }
    }

    /** Rows of {@code d} values from row-major data. */
    public static double[][] rows(double[] data, int d) {
        checkRowMajor(data.length, d);
        double[][] x = new double[data.length / d][];
        for (int i = 0; i < x.length; i++) {
            x[i] = Arrays.copyOfRange(data, i * d, (i + 1) * d);
        }
        return x;
    }

    /** Rows of {@code d} values from row-major float data. */
    public static double[][] rows(float[] data, int d) {
        checkRowMajor(data.length, d);
        double[][] x = new double[data.length / d][d];
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < d; j++) {
                x[i][j] = data[i * d + j];
            }
        }
        return x;
    }

    /** {@code count} unit vectors in d dimensions, uniform on the sphere, from {@code seed}. */
    public static double[][] directions(int d, int count, long seed) {
        if (d < 1 || count < 1) {
            throw new IllegalArgumentException("need d >= 1 and count >= 1");
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        double[][] u = new double[count][d];
        for (int i = 0; i < count; i++) {
            double norm;
            do {
                norm = 0;
                for (int j = 0; j < d; j++) {
                    u[i][j] = rnd.nextGaussian();
                    norm += u[i][j] * u[i][j];
                }
            } while (norm < 1e-300);
            norm = Math.sqrt(norm);
            for (int j = 0; j < d; j++) {
                u[i][j] /= norm;
            }
        }
        return u;
    }

    /** SW₂ over the {@value #PROJECTIONS} fixed directions of seed {@value #DIRECTION_SEED}. */
    public static double slicedWasserstein(double[][] a, double[][] b) {
        return slicedWasserstein(a, b, directions(dimension(a, b), PROJECTIONS, DIRECTION_SEED));
    }

    /** SW₂ of row-major sample sets of dimension {@code d}, over the fixed directions. */
    public static double slicedWasserstein(double[] a, double[] b, int d) {
        return slicedWasserstein(rows(a, d), rows(b, d));
    }

    /** SW₂ = √(mean over {@code directions} of W₂² of the projections). */
    public static double slicedWasserstein(double[][] a, double[][] b, double[][] directions) {
        int d = dimension(a, b);
        double sum = 0;
        for (double[] u : directions) {
            if (u.length != d) {
                throw new IllegalArgumentException("direction of length " + u.length + ", samples of " + d);
            }
            double w = wasserstein2(project(a, u), project(b, u));
            sum += w * w;
        }
        return Math.sqrt(sum / directions.length);
    }

    /**
     * The exact W₂ between the empirical measures of two one-dimensional sample sets: √(∫₀¹ (F⁻¹(u) − G⁻¹(u))² du)
     * with the piecewise-constant empirical quantile functions, which pairs the order statistics when the sizes
     * are equal.
     */
    public static double wasserstein2(double[] a, double[] b) {
        if (a.length == 0 || b.length == 0) {
            throw new IllegalArgumentException("empty sample set");
        }
        double[] x = a.clone();
        double[] y = b.clone();
        Arrays.sort(x);
        Arrays.sort(y);
        long n = x.length;
        long m = y.length;
        // quantile breakpoints i/n and j/m in units of 1/(n·m)
        long u = 0;
        int i = 0;
        int j = 0;
        double acc = 0;
        while (i < n && j < m) {
            long ea = (i + 1) * m;
            long eb = (j + 1) * n;
            long next = Math.min(ea, eb);
            double diff = x[i] - y[j];
            acc += (next - u) * diff * diff;
            u = next;
            if (ea == next) {
                i++;
            }
            if (eb == next) {
                j++;
            }
        }
        return Math.sqrt(acc / ((double) n * m));
    }

    /** The component of largest posterior responsibility for each row. */
    public static int[] assign(double[][] x, Mixture mixture) {
        int k = mixture.components();
        int d = mixture.dimension();
        double[] logPrior = new double[k];
        double[] inv = new double[k];
        for (int c = 0; c < k; c++) {
            double s = mixture.stds[c];
            logPrior[c] = Math.log(mixture.weights[c]) - d * Math.log(s);
            inv[c] = 0.5 / (s * s);
        }
        int[] out = new int[x.length];
        for (int i = 0; i < x.length; i++) {
            if (x[i].length != d) {
                throw new IllegalArgumentException("row " + i + " has " + x[i].length + " values, expected " + d);
            }
            int best = 0;
            double bestL = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < k; c++) {
                double l = logPrior[c] - inv[c] * squaredDistance(x[i], mixture.means[c]);
                if (l > bestL) {
                    bestL = l;
                    best = c;
                }
            }
            out[i] = best;
        }
        return out;
    }

    /** The fraction of rows assigned to each of {@code k} components. */
    public static double[] componentWeights(int[] assignment, int k) {
        double[] w = new double[k];
        for (int c : assignment) {
            w[c]++;
        }
        for (int c = 0; c < k; c++) {
            w[c] /= assignment.length;
        }
        return w;
    }

    /**
     * The spread of each component, √(Σ_{i→k} ‖x_i − μ_k‖² / (n_k·d)), or NaN for a component without rows.
     */
    public static double[] componentSpreads(double[][] x, int[] assignment, Mixture mixture) {
        int k = mixture.components();
        int d = mixture.dimension();
        double[] sq = new double[k];
        int[] n = new int[k];
        for (int i = 0; i < x.length; i++) {
            int c = assignment[i];
            sq[c] += squaredDistance(x[i], mixture.means[c]);
            n[c]++;
        }
        double[] s = new double[k];
        for (int c = 0; c < k; c++) {
            s[c] = n[c] == 0 ? Double.NaN : Math.sqrt(sq[c] / ((double) n[c] * d));
        }
        return s;
    }

    /** The binomial standard error √(w(1 − w)/n) of a weight estimated from n samples. */
    public static double weightStandardError(double w, int n) {
        return Math.sqrt(w * (1 - w) / n);
    }

    /** The relative standard error 1/√(2·count·d) of a spread estimated from {@code count} rows of d values. */
    public static double spreadStandardError(int count, int d) {
        return 1 / Math.sqrt(2.0 * count * d);
    }

    /**
     * Compares {@code generated} with {@code mixture}, using two independent true sample sets of the same size
     * as {@code generated} (for example {@code GaussianMixture.sample(n, seed)} with two seeds): the noise floor
     * is SW₂(truthA, truthB) and the distance the RMS of SW₂(generated, truthA) and SW₂(generated, truthB). With
     * two sets the ratio of an exact sampler still varies by a factor of about 2 from one draw to the next on a
     * multimodal target; a {@link Reference} of more sets narrows that.
     */
    public static Report compare(double[][] generated, Mixture mixture, double[][] truthA, double[][] truthB) {
        return Reference.of(mixture, List.of(truthA, truthB)).compare(generated);
    }

    /**
     * A target for repeated comparisons: a mixture and M ≥ 2 independent true sample sets of equal size n, with
     * their projections on the fixed directions sorted once.
     *
     * <p>The distance of a generated set G is the RMS over the true sets T_j of SW₂(G, T_j), and the noise floor
     * the RMS of SW₂(T_i, T_j) over all pairs i &lt; j, so an exact sampler has E[distance²] = E[floor²]. The
     * sampling error of SW₂ on a well-separated mixture is dominated by the binomial fluctuation of the
     * component weights, which leaves a single SW₂ between two sets with a spread of a factor 2 or more; averaging
     * over several true sets removes the true sets' share of that spread from both numbers, so the ratio
     * varies with the generated set's own fluctuation only. Immutable and thread-safe.
     */
    public static final class Reference {
        private final Mixture mixture;
        private final int n;
        private final double[][] directions;
        /** sorted[j][p]: the sorted projections of true set j on direction p. */
        private final double[][][] sorted;
        private final double floor;

        private Reference(Mixture mixture, List<double[][]> truths) {
            if (truths.size() < 2) {
                throw new IllegalArgumentException("need at least 2 true sample sets, got " + truths.size());
            }
            this.mixture = mixture;
            this.n = truths.get(0).length;
            dimension(truths.get(0), truths.get(0));
            int d = mixture != null ? mixture.dimension() : truths.get(0)[0].length;
            this.directions = directions(d, PROJECTIONS, DIRECTION_SEED);
            this.sorted = new double[truths.size()][][];
            for (int j = 0; j < sorted.length; j++) {
                double[][] t = truths.get(j);
                if (t.length != n) {
                    throw new IllegalArgumentException("true sets differ in size: " + t.length + " and " + n);
                }
                dimension(t, t);
                if (t[0].length != d) {
                    throw new IllegalArgumentException("true set of dimension " + t[0].length + ", expected " + d);
                }
                sorted[j] = sortedProjections(t, directions);
            }
            double sum = 0;
            int pairs = 0;
            for (int i = 0; i < sorted.length; i++) {
                for (int j = i + 1; j < sorted.length; j++) {
                    sum += meanSquared(sorted[i], sorted[j]);
                    pairs++;
                }
            }
            this.floor = Math.sqrt(sum / pairs);
        }

        /**
         * A reference of {@code mixture} and independent true sample sets of one size (the size generated sets
         * must have).
         */
        public static Reference of(Mixture mixture, List<double[][]> truths) {
            return new Reference(mixture, truths);
        }

        /**
         * A reference of independent sample sets of one size from a target that is not an isotropic mixture (for
         * example a posterior with full covariances): it measures distances ({@link #distance}, {@link #noiseFloor})
         * but has no component statistics ({@link #compare} is refused).
         */
        public static Reference ofSamples(List<double[][]> truths) {
            return new Reference(null, truths);
        }

        /** The mixture, or {@code null} for a reference {@link #ofSamples of samples only}. */
        public Mixture mixture() {
            return mixture;
        }

        /** The dimension of the samples. */
        public int sampleDimension() {
            return directions[0].length;
        }

        /** The size of every true set, and of the generated sets this reference compares. */
        public int size() {
            return n;
        }

        /** The number of true sets. */
        public int sets() {
            return sorted.length;
        }

        /** The RMS of SW₂ between pairs of true sets. */
        public double noiseFloor() {
            return floor;
        }

        /** The RMS over the true sets of SW₂(generated, T_j). */
        public double distance(double[][] generated) {
            if (generated.length != n) {
                throw new IllegalArgumentException("generated set has " + generated.length
                        + " samples, the true sets " + n);
            }
            dimension(generated, generated);
            if (generated[0].length != sampleDimension()) {
                throw new IllegalArgumentException("generated samples of dimension " + generated[0].length
                        + ", the reference's " + sampleDimension());
            }
            double[][] g = sortedProjections(generated, directions);
            double sum = 0;
            for (double[][] t : sorted) {
                sum += meanSquared(g, t);
            }
            return Math.sqrt(sum / sorted.length);
        }

        /** Compares {@code generated} (of {@link #size()} samples) with this reference. */
        public Report compare(double[][] generated) {
            if (mixture == null) {
                throw new IllegalStateException("a reference of samples only has no mixture to compare weights and "
                        + "spreads with; use distance()");
            }
            double sw = distance(generated);
            int k = mixture.components();
            int d = mixture.dimension();
            int[] assignment = assign(generated, mixture);
            double[] weights = componentWeights(assignment, k);
            double[] spreads = componentSpreads(generated, assignment, mixture);
            int[] counts = new int[k];
            for (int c : assignment) {
                counts[c]++;
            }
            double maxW = 0;
            double maxWSe = 0;
            double maxS = 0;
            double maxSSe = 0;
            for (int c = 0; c < k; c++) {
                double w = mixture.weights[c];
                double e = Math.abs(weights[c] - w);
                maxW = Math.max(maxW, e);
                maxWSe = Math.max(maxWSe, e / weightStandardError(w, n));
                spreads[c] /= mixture.stds[c];
                double r = counts[c] == 0 ? Double.POSITIVE_INFINITY : Math.abs(spreads[c] - 1);
                maxS = Math.max(maxS, r);
                maxSSe = Math.max(maxSSe, counts[c] == 0 ? r : r / spreadStandardError(counts[c], d));
            }
            return new Report(sw, floor, sw / floor, d, weights, spreads, counts, maxW, maxS, maxWSe, maxSSe);
        }

        private static double[][] sortedProjections(double[][] x, double[][] directions) {
            double[][] p = new double[directions.length][];
            for (int i = 0; i < p.length; i++) {
                p[i] = project(x, directions[i]);
                Arrays.sort(p[i]);
            }
            return p;
        }

        /** The mean over directions of W₂² between equal-size sorted projections. */
        private static double meanSquared(double[][] a, double[][] b) {
            double sum = 0;
            for (int i = 0; i < a.length; i++) {
                double[] x = a[i];
                double[] y = b[i];
                double q = 0;
                for (int j = 0; j < x.length; j++) {
                    double e = x[j] - y[j];
                    q += e * e;
                }
                sum += q / x.length;
            }
            return sum / a.length;
        }
    }

    private static double[] project(double[][] x, double[] u) {
        double[] p = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            double s = 0;
            for (int j = 0; j < u.length; j++) {
                s += x[i][j] * u[j];
            }
            p[i] = s;
        }
        return p;
    }

    private static double squaredDistance(double[] a, double[] b) {
        double q = 0;
        for (int j = 0; j < a.length; j++) {
            double e = a[j] - b[j];
            q += e * e;
        }
        return q;
    }

    private static int dimension(double[][] a, double[][] b) {
        if (a.length == 0 || b.length == 0) {
            throw new IllegalArgumentException("empty sample set");
        }
        int d = a[0].length;
        for (double[] r : a) {
            if (r.length != d) {
                throw new IllegalArgumentException("rows of different lengths");
            }
        }
        for (double[] r : b) {
            if (r.length != d) {
                throw new IllegalArgumentException("sample sets of different dimensions");
            }
        }
        return d;
    }

    private static void checkRowMajor(int length, int d) {
        if (d < 1 || length % d != 0) {
            throw new IllegalArgumentException(length + " values do not form rows of " + d);
        }
    }
}
