package org.score4j.model.gmm;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.score4j.api.ConfigException;
import org.score4j.api.sde.Marginal;

/**
 * A mixture of isotropic Gaussians p(x) = Σ_k w_k N(x; μ_k, s_k²·I) in d dimensions: the data distribution
 * whose score under any linear SDE is known exactly (Song et al. 2021, §3.4: the perturbed mixture is again
 * a mixture, see {@link #perturbed(Marginal)}).
 *
 * <p>Valid by construction: K ≥ 1 components, d ≥ 1 dimensions, every weight &gt; 0 with the weights summing
 * to 1 within {@value #WEIGHT_SUM_TOLERANCE}, every standard deviation &gt; 0, every value finite, and every
 * mean of length d; otherwise the constructor throws {@link ConfigException}. Arrays are copied in and out,
 * so instances are immutable and thread-safe; {@code equals} compares contents.
 *
 * <p>A mixture is read from a JSON file of the form
 * {@code {"weights": [w_1, …], "means": [[…], …], "stds": [s_1, …]}} with {@link #fromJson(Path)}.
 *
 * @param weights the mixture weights w_k, length K
 * @param means the component means μ_k, K rows of length d
 * @param stds the component standard deviations s_k (component k is N(μ_k, s_k²·I)), length K
 */
public record GaussianMixture(double[] weights, double[][] means, double[] stds) {

    /** How far the weights may sum from 1. */
    public static final double WEIGHT_SUM_TOLERANCE = 1e-6;

    private static final double LOG_2PI = Math.log(2 * Math.PI);
    private static final Set<String> FIELDS = Set.of("weights", "means", "stds");

    /**
     * Validates and copies the parameters.
     *
     * @throws ConfigException naming the first invalid value and what is allowed
     */
    public GaussianMixture {
        String problem = validate(weights, means, stds);
        if (problem != null) {
            throw new ConfigException("invalid Gaussian mixture: " + problem);
        }
        weights = weights.clone();
        stds = stds.clone();
        double[][] m = new double[means.length][];
        for (int k = 0; k < m.length; k++) {
            m[k] = means[k].clone();
        }
        means = m;
    }

    /** A sample set drawn by {@link #sample(int, long)}: the points and the component each came from. */
    public record Samples(double[][] x, int[] components) {
        /** Wraps the arrays (not copied: the caller owns them). */
        public Samples {
            if (x.length != components.length) {
                throw new IllegalArgumentException("x and components differ in length");
            }
        }
    }

    /** The weights w_k (a copy). */
    @Override
    public double[] weights() {
        return weights.clone();
    }

    /** The means μ_k, one row per component (a copy). */
    @Override
    public double[][] means() {
        double[][] m = new double[means.length][];
        for (int k = 0; k < m.length; k++) {
            m[k] = means[k].clone();
        }
        return m;
    }

    /** The standard deviations s_k (a copy). */
    @Override
    public double[] stds() {
        return stds.clone();
    }

    /** The dimension d of a sample. */
    public int dimension() {
        return means[0].length;
    }

    /** The number of components K. */
    public int components() {
        return weights.length;
    }

    /** Weight {@code k} (no copy). */
    public double weight(int k) {
        return weights[k];
    }

    /** Coordinate {@code j} of mean {@code k} (no copy). */
    public double mean(int k, int j) {
        return means[k][j];
    }

    /** Standard deviation {@code k} (no copy). */
    public double std(int k) {
        return stds[k];
    }

    /**
     * The distribution of x_t = m·x_0 + σ·z for x_0 from this mixture: the same weights, means m·μ_k and
     * standard deviations √(m²s_k² + σ²).
     */
    public GaussianMixture perturbed(Marginal marginal) {
        double m = marginal.mean();
        double v = marginal.variance();
        double[][] mu = new double[means.length][];
        double[] s = new double[stds.length];
        for (int k = 0; k < mu.length; k++) {
            mu[k] = new double[means[k].length];
            for (int j = 0; j < mu[k].length; j++) {
                mu[k][j] = m * means[k][j];
            }
            s[k] = Math.sqrt(m * m * stds[k] * stds[k] + v);
        }
        return new GaussianMixture(weights, mu, s);
    }

    /**
     * The log-density log p(x) in double precision, computed as a log-sum-exp over the components.
     *
     * @param x a point of length d
     */
    public double logDensity(double[] x) {
        int d = dimension();
        if (x.length != d) {
            throw new IllegalArgumentException("point has length " + x.length + ", expected " + d);
        }
        int k = components();
        double[] l = new double[k];
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < k; c++) {
            double q = 0;
            for (int j = 0; j < d; j++) {
                double e = x[j] - means[c][j];
                q += e * e;
            }
            double var = stds[c] * stds[c];
            l[c] = Math.log(weights[c]) - 0.5 * q / var - 0.5 * d * (LOG_2PI + Math.log(var));
            max = Math.max(max, l[c]);
        }
        if (max == Double.NEGATIVE_INFINITY) {
            return max;
        }
        double s = 0;
        for (int c = 0; c < k; c++) {
            s += Math.exp(l[c] - max);
        }
        return max + Math.log(s);
    }

    /**
     * Draws {@code n} independent points with one {@link SplittableRandom} seeded with {@code seed}: a component
     * by its weight, then the point from that component.
     */
    public Samples sample(int n, long seed) {
        if (n < 0) {
            throw new IllegalArgumentException("n must be >= 0, got " + n);
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        int d = dimension();
        int kk = components();
        double[] cum = new double[kk];
        double acc = 0;
        for (int c = 0; c < kk; c++) {
            acc += weights[c];
            cum[c] = acc;
        }
        double[][] x = new double[n][d];
        int[] comp = new int[n];
        for (int i = 0; i < n; i++) {
            double u = rnd.nextDouble() * acc;
            int c = 0;
            while (c < kk - 1 && u >= cum[c]) {
                c++;
            }
            comp[i] = c;
            for (int j = 0; j < d; j++) {
                x[i][j] = means[c][j] + stds[c] * rnd.nextGaussian();
            }
        }
        return new Samples(x, comp);
    }

    /**
     * The built-in mixture, used when no {@code model.spec} is given: five well-separated 2-D components with
     * unequal weights and spreads.
     *
     * <table>
     * <caption>Components of the default mixture</caption>
     * <tr><th>k</th><th>weight</th><th>mean</th><th>std</th></tr>
     * <tr><td>0</td><td>0.30</td><td>(−3, 3)</td><td>0.5</td></tr>
     * <tr><td>1</td><td>0.25</td><td>(3, 3)</td><td>0.3</td></tr>
     * <tr><td>2</td><td>0.20</td><td>(0, 0)</td><td>0.6</td></tr>
     * <tr><td>3</td><td>0.15</td><td>(−3, −3)</td><td>0.2</td></tr>
     * <tr><td>4</td><td>0.10</td><td>(3.5, −2.5)</td><td>0.4</td></tr>
     * </table>
     */
    public static GaussianMixture defaultMixture() {
        return new GaussianMixture(
                new double[] {0.30, 0.25, 0.20, 0.15, 0.10},
                new double[][] {{-3, 3}, {3, 3}, {0, 0}, {-3, -3}, {3.5, -2.5}},
                new double[] {0.5, 0.3, 0.6, 0.2, 0.4});
    }

    /**
     * Reads a mixture from a JSON file {@code {"weights": [...], "means": [[...], ...], "stds": [...]}}.
     *
     * @throws ConfigException naming {@code model.spec} and the file when the file is missing or unreadable,
     *     is not valid JSON, lacks a field, has an unknown field or a value of the wrong type, or describes an
     *     invalid mixture
     */
    public static GaussianMixture fromJson(Path file) {
        return fromJson(file, "model.spec");
    }

    /**
     * Reads a mixture from a JSON file as {@link #fromJson(Path)} does, naming the config key {@code key}
     * (e.g. {@code data.spec}) in messages.
     */
    public static GaussianMixture fromJson(Path file, String key) {
        String where = key + " file '" + file + "'";
        if (!Files.exists(file)) {
            throw new ConfigException(where + " does not exist; expected a JSON Gaussian-mixture spec");
        }
        if (!Files.isRegularFile(file)) {
            throw new ConfigException(where + " is not a regular file; expected a JSON Gaussian-mixture spec");
        }
        ObjectMapper mapper = JsonMapper.builder()
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .build();
        JsonNode root;
        try {
            root = mapper.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            String loc = e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw new ConfigException(where + " is not valid JSON" + loc + ": " + firstLine(e.getOriginalMessage()), e);
        } catch (IOException e) {
            throw new ConfigException(where + " cannot be read: " + firstLine(e.getMessage()), e);
        }
        if (root == null || root.isMissingNode()) {
            throw new ConfigException(where + " is empty; expected {\"weights\": [...], \"means\": [[...]], "
                    + "\"stds\": [...]}");
        }
        if (!root.isObject()) {
            throw new ConfigException(where + " must hold a JSON object {\"weights\", \"means\", \"stds\"}, found "
                    + kind(root));
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!FIELDS.contains(f)) {
                throw new ConfigException(where + " has unknown field '" + f + "'; allowed fields: means, stds, weights");
            }
        }
        double[] weights = numbers(field(root, "weights", where), "weights", where);
        double[] stds = numbers(field(root, "stds", where), "stds", where);
        JsonNode meansNode = field(root, "means", where);
        if (!meansNode.isArray()) {
            throw new ConfigException(where + ": 'means' must be an array of arrays of numbers, found " + kind(meansNode));
        }
        List<double[]> means = new ArrayList<>();
        for (int k = 0; k < meansNode.size(); k++) {
            JsonNode row = meansNode.get(k);
            if (!row.isArray()) {
                throw new ConfigException(where + ": 'means[" + k + "]' must be an array of numbers, found " + kind(row));
            }
            means.add(numbers(row, "means[" + k + "]", where));
        }
        String problem = validate(weights, means.toArray(new double[0][]), stds);
        if (problem != null) {
            throw new ConfigException(where + " is not a valid Gaussian mixture: " + problem);
        }
        return new GaussianMixture(weights, means.toArray(new double[0][]), stds);
    }

    private static JsonNode field(JsonNode root, String name, String where) {
        JsonNode n = root.get(name);
        if (n == null) {
            throw new ConfigException(where + " lacks field '" + name
                    + "'; expected {\"weights\": [...], \"means\": [[...]], \"stds\": [...]}");
        }
        return n;
    }

    private static double[] numbers(JsonNode arr, String name, String where) {
        if (!arr.isArray()) {
            throw new ConfigException(where + ": '" + name + "' must be an array of numbers, found " + kind(arr));
        }
        double[] v = new double[arr.size()];
        for (int i = 0; i < v.length; i++) {
            JsonNode e = arr.get(i);
            if (!e.isNumber()) {
                throw new ConfigException(where + ": '" + name + "[" + i + "]' must be a number, found " + kind(e));
            }
            v[i] = e.doubleValue();
        }
        return v;
    }

    private static String kind(JsonNode n) {
        if (n.isTextual()) {
            return "a string";
        }
        if (n.isNumber()) {
            return "a number";
        }
        if (n.isBoolean()) {
            return "a boolean";
        }
        if (n.isNull()) {
            return "null";
        }
        if (n.isArray()) {
            return "an array";
        }
        if (n.isObject()) {
            return "an object";
        }
        return n.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "(no details)";
        }
        String line = s.strip().split("\\R", 2)[0]
                .replaceAll("\\[Source: [^\\]]*?; line: (\\d+), column: (\\d+)\\]", "line $1, column $2");
        return line.isEmpty() ? "(no details)" : line;
    }

    /** The first problem of the parameters, or {@code null} when they form a valid mixture. */
    private static String validate(double[] weights, double[][] means, double[] stds) {
        if (weights == null || means == null || stds == null) {
            return "weights, means and stds are required";
        }
        int k = weights.length;
        if (k == 0) {
            return "weights is empty; expected at least 1 component";
        }
        if (means.length != k) {
            return "means has " + means.length + " rows but weights has " + k + " entries; expected one mean per weight";
        }
        if (stds.length != k) {
            return "stds has " + stds.length + " entries but weights has " + k + "; expected one std per weight";
        }
        double sum = 0;
        for (int c = 0; c < k; c++) {
            if (!Double.isFinite(weights[c])) {
                return "weights[" + c + "] is " + weights[c] + "; expected a finite number > 0";
            }
            if (!(weights[c] > 0)) {
                return "weights[" + c + "] is " + weights[c] + "; expected a number > 0";
            }
            sum += weights[c];
        }
        if (Math.abs(sum - 1) > WEIGHT_SUM_TOLERANCE) {
            return "weights sum to " + sum + "; expected 1 (within " + WEIGHT_SUM_TOLERANCE + ")";
        }
        for (int c = 0; c < k; c++) {
            if (!Double.isFinite(stds[c])) {
                return "stds[" + c + "] is " + stds[c] + "; expected a finite number > 0";
            }
            if (!(stds[c] > 0)) {
                return "stds[" + c + "] is " + stds[c] + "; expected a number > 0";
            }
        }
        if (means[0] == null || means[0].length == 0) {
            return "means[0] is empty; expected at least 1 dimension";
        }
        int d = means[0].length;
        for (int c = 0; c < k; c++) {
            if (means[c] == null || means[c].length != d) {
                return "means[" + c + "] has " + (means[c] == null ? 0 : means[c].length) + " values but means[0] has "
                        + d + "; expected all means of the same dimension";
            }
            for (int j = 0; j < d; j++) {
                if (!Double.isFinite(means[c][j])) {
                    return "means[" + c + "][" + j + "] is " + means[c][j] + "; expected a finite number";
                }
            }
        }
        return null;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GaussianMixture g && Arrays.equals(weights, g.weights)
                && Arrays.deepEquals(means, g.means) && Arrays.equals(stds, g.stds);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(weights) + Arrays.deepHashCode(means)) + Arrays.hashCode(stds);
    }

    @Override
    public String toString() {
        return "GaussianMixture[K=" + components() + ", d=" + dimension() + ", weights=" + Arrays.toString(weights)
                + ", means=" + Arrays.deepToString(means) + ", stds=" + Arrays.toString(stds) + "]";
    }
}
