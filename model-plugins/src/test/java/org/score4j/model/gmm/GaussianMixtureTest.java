package org.score4j.model.gmm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.score4j.api.ConfigException;
import org.score4j.api.sde.Marginal;

class GaussianMixtureTest {
    @TempDir
    Path dir;

    private Path write(String name, String content) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, content);
        return p;
    }

    @Test
    void defaultMixtureIsTwoDimensionalWithUnequalWeightsAndSpreads() {
        GaussianMixture g = GaussianMixture.defaultMixture();
        assertThat(g.dimension()).isEqualTo(2);
        assertThat(g.components()).isEqualTo(5);
        assertThat(g.weights()).doesNotHaveDuplicates();
        assertThat(g.stds()).doesNotHaveDuplicates();
        for (int k = 0; k < 5; k++) {
            assertThat(g.std(k)).isBetween(0.2, 0.6);
            assertThat(Math.abs(g.mean(k, 0))).isLessThanOrEqualTo(4);
            assertThat(Math.abs(g.mean(k, 1))).isLessThanOrEqualTo(4);
        }
    }

    @Test
    void accessorsCopyAndEqualityComparesContents() {
        double[] w = {0.4, 0.6};
        double[][] mu = {{0, 1}, {2, 3}};
        double[] s = {1, 2};
        GaussianMixture g = new GaussianMixture(w, mu, s);
        w[0] = 9;
        mu[0][0] = 9;
        g.means()[1][1] = 9;
        g.stds()[0] = 9;
        assertThat(g).isEqualTo(new GaussianMixture(new double[] {0.4, 0.6}, new double[][] {{0, 1}, {2, 3}},
                new double[] {1, 2}));
        assertThat(g.hashCode()).isEqualTo(new GaussianMixture(new double[] {0.4, 0.6},
                new double[][] {{0, 1}, {2, 3}}, new double[] {1, 2}).hashCode());
        assertThat(g.mean(1, 1)).isEqualTo(3);
    }

    @Test
    void perturbedScalesMeansAndWidensStds() {
        GaussianMixture g = new GaussianMixture(new double[] {0.25, 0.75}, new double[][] {{1, -2}, {0, 3}},
                new double[] {0.5, 2});
        GaussianMixture p = g.perturbed(new Marginal(0.5, 0.6));
        assertThat(p.weights()).containsExactly(0.25, 0.75);
        assertThat(p.means()).isDeepEqualTo(new double[][] {{0.5, -1}, {0, 1.5}});
        assertThat(p.std(0)).isCloseTo(Math.sqrt(0.25 * 0.25 + 0.36), within(1e-15));
        assertThat(p.std(1)).isCloseTo(Math.sqrt(1 + 0.36), within(1e-15));
    }

    @Test
    void logDensityMatchesTheDirectSumAndStaysFiniteFarAway() {
        GaussianMixture g = new GaussianMixture(new double[] {0.3, 0.7}, new double[][] {{1, -2}, {0, 3}},
                new double[] {0.5, 2});
        double[] x = {0.3, 0.4};
        double direct = 0;
        for (int k = 0; k < 2; k++) {
            double q = 0;
            for (int j = 0; j < 2; j++) {
                q += Math.pow(x[j] - g.mean(k, j), 2);
            }
            double v = g.std(k) * g.std(k);
            direct += g.weight(k) * Math.exp(-0.5 * q / v) / (2 * Math.PI * v);
        }
        assertThat(g.logDensity(x)).isCloseTo(Math.log(direct), within(1e-14));
        // far away the direct sum underflows; the log-sum-exp follows the widest component
        double far = g.logDensity(new double[] {200, 0});
        double wide = Math.log(0.7) - 0.5 * (200 * 200 + 9) / 4 - Math.log(2 * Math.PI * 4);
        assertThat(far).isCloseTo(wide, within(1e-9));
        assertThatThrownBy(() -> g.logDensity(new double[] {1})).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void samplesFollowWeightsMeansAndSpreads() {
        GaussianMixture g = GaussianMixture.defaultMixture();
        int n = 40_000;
        GaussianMixture.Samples s = g.sample(n, 42);
        assertThat(s.x()).hasNumberOfRows(n);
        assertThat(g.sample(n, 42).x()[123]).containsExactly(s.x()[123]);
        int k = g.components();
        int[] count = new int[k];
        double[][] sum = new double[k][2];
        double[] sq = new double[k];
        for (int i = 0; i < n; i++) {
            int c = s.components()[i];
            count[c]++;
            for (int j = 0; j < 2; j++) {
                sum[c][j] += s.x()[i][j];
            }
        }
        for (int i = 0; i < n; i++) {
            int c = s.components()[i];
            for (int j = 0; j < 2; j++) {
                double e = s.x()[i][j] - sum[c][j] / count[c];
                sq[c] += e * e;
            }
        }
        for (int c = 0; c < k; c++) {
            double w = g.weight(c);
            assertThat((double) count[c] / n).as("weight %d", c)
                    .isCloseTo(w, within(4 * Math.sqrt(w * (1 - w) / n)));
            double std = Math.sqrt(sq[c] / (2.0 * count[c] - 2));
            assertThat(std).as("std %d", c).isCloseTo(g.std(c), within(0.05 * g.std(c)));
            for (int j = 0; j < 2; j++) {
                assertThat(sum[c][j] / count[c]).isCloseTo(g.mean(c, j), within(5 * g.std(c) / Math.sqrt(count[c])));
            }
        }
    }

    @Test
    void constructorRejectsInvalidMixtures() {
        double[][] mu = {{0, 0}, {1, 1}};
        assertThatThrownBy(() -> new GaussianMixture(new double[] {}, new double[][] {}, new double[] {}))
                .isInstanceOf(ConfigException.class).hasMessageContaining("at least 1 component");
        assertThatThrownBy(() -> new GaussianMixture(new double[] {0.5, 0.6}, mu, new double[] {1, 1}))
                .isInstanceOf(ConfigException.class).hasMessageContaining("sum to");
        assertThatThrownBy(() -> new GaussianMixture(new double[] {0.5, 0.5}, mu, new double[] {1, 0}))
                .isInstanceOf(ConfigException.class).hasMessageContaining("stds[1]");
        assertThatThrownBy(() -> new GaussianMixture(new double[] {0.5, 0.5}, new double[][] {{0, 0}, {1}},
                new double[] {1, 1})).isInstanceOf(ConfigException.class).hasMessageContaining("means[1]");
        assertThatThrownBy(() -> new GaussianMixture(new double[] {1}, new double[][] {{}}, new double[] {1}))
                .isInstanceOf(ConfigException.class).hasMessageContaining("at least 1 dimension");
        assertThatThrownBy(() -> new GaussianMixture(new double[] {1}, new double[][] {{Double.NaN}},
                new double[] {1})).isInstanceOf(ConfigException.class).hasMessageContaining("NaN");
    }

    @Test
    void readsAValidSpec() throws IOException {
        Path p = write("gmm.json", "{\"weights\": [0.2, 0.3, 0.5],\n \"means\": [[0, 1, 2], [-1, -2, -3], [4, 4, 4]],"
                + "\n \"stds\": [0.1, 1e0, 2.5]}\n");
        GaussianMixture g = GaussianMixture.fromJson(p);
        assertThat(g).isEqualTo(new GaussianMixture(new double[] {0.2, 0.3, 0.5},
                new double[][] {{0, 1, 2}, {-1, -2, -3}, {4, 4, 4}}, new double[] {0.1, 1, 2.5}));
        assertThat(g.dimension()).isEqualTo(3);
        assertThat(g.components()).isEqualTo(3);
    }

    @Test
    void missingFileIsAConfigError() {
        Path p = dir.resolve("nope.json");
        assertThatThrownBy(() -> GaussianMixture.fromJson(p)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("model.spec").hasMessageContaining("nope.json").hasMessageContaining("not exist");
        assertThatThrownBy(() -> GaussianMixture.fromJson(dir)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("model.spec").hasMessageContaining("not a regular file");
    }

    @Test
    void everyBadSpecIsAOneLineConfigErrorNamingTheFileAndTheProblem() throws IOException {
        String ok = "\"means\": [[0, 0], [1, 1]], \"stds\": [1, 2]";
        String[][] cases = {
            {"", "empty"},
            {"   \n", "empty"},
            {"{\"weights\": [0.5, 0.5], " + ok, "not valid JSON"},
            {"{\"weights\": [0.5, 0.5], \"means\": [[0, 0], [1, 1", "not valid JSON"},
            {"{weights: [1]}", "not valid JSON"},
            {"{\"weights\": [0.5, 0.5], " + ok + "} trailing", "not valid JSON"},
            {"{\"weights\": [0.5, 0.5], \"weights\": [0.5, 0.5], " + ok + "}", "not valid JSON"},
            {"[1, 2]", "JSON object"},
            {"{" + ok + "}", "lacks field 'weights'"},
            {"{\"weights\": [0.5, 0.5], \"stds\": [1, 2]}", "lacks field 'means'"},
            {"{\"weights\": [0.5, 0.5], \"means\": [[0, 0], [1, 1]]}", "lacks field 'stds'"},
            {"{\"weights\": [0.5, 0.5], " + ok + ", \"dim\": 2}", "unknown field 'dim'"},
            {"{\"weights\": \"0.5,0.5\", " + ok + "}", "'weights' must be an array"},
            {"{\"weights\": [0.5, \"0.5\"], " + ok + "}", "'weights[1]' must be a number"},
            {"{\"weights\": [0.5, null], " + ok + "}", "'weights[1]' must be a number"},
            {"{\"weights\": [0.5, 0.5], \"means\": [0, 1], \"stds\": [1, 2]}", "'means[0]' must be an array"},
            {"{\"weights\": [0.5, 0.5], \"means\": {\"a\": 1}, \"stds\": [1, 2]}", "'means' must be an array"},
            {"{\"weights\": [0.5, 0.5], \"means\": [[0, 0], [1, true]], \"stds\": [1, 2]}", "'means[1][1]' must be"},
            {"{\"weights\": [0.5, 0.5], \"means\": [[0, 0], [1, 1]], \"stds\": [1, 2, 3]}", "stds has 3"},
            {"{\"weights\": [0.5, 0.5], \"means\": [[0, 0]], \"stds\": [1, 2]}", "means has 1"},
            {"{\"weights\": [0.5, 0.5], \"means\": [[0, 0], [1, 1, 1]], \"stds\": [1, 2]}", "means[1] has 3"},
            {"{\"weights\": [0.5, 0.5], \"means\": [[0, 0], [1, 1]], \"stds\": [1, 0]}", "stds[1]"},
            {"{\"weights\": [0.5, 0.5], \"means\": [[0, 0], [1, 1]], \"stds\": [-1, 2]}", "stds[0]"},
            {"{\"weights\": [1.5, -0.5], " + ok + "}", "weights[1]"},
            {"{\"weights\": [1.0, 0], " + ok + "}", "weights[1]"},
            {"{\"weights\": [0.5, 0.49], " + ok + "}", "sum to"},
            {"{\"weights\": [0.5, NaN], " + ok + "}", "NaN"},
            {"{\"weights\": [0.5, 0.5], \"means\": [[0, 0], [1, Infinity]], \"stds\": [1, 2]}", "Infinity"},
            {"{\"weights\": [0.5, 0.5], \"means\": [[0, 0], [1, 1e999]], \"stds\": [1, 2]}", "Infinity"},
            {"{\"weights\": [], \"means\": [], \"stds\": []}", "at least 1 component"},
            {"{\"weights\": [1], \"means\": [[]], \"stds\": [1]}", "at least 1 dimension"},
            {"{}", "lacks field"},
        };
        for (int i = 0; i < cases.length; i++) {
            Path p = write("bad" + i + ".json", cases[i][0]);
            assertThatThrownBy(() -> GaussianMixture.fromJson(p))
                    .as("case %d: %s", i, cases[i][0])
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("model.spec")
                    .hasMessageContaining("bad" + i + ".json")
                    .hasMessageContaining(cases[i][1])
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        }
    }
}
