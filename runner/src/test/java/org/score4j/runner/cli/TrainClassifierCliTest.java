package org.score4j.runner.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.score4j.runner.cli.CliTest.json;
import static org.score4j.runner.cli.CliTest.map;
import static org.score4j.runner.cli.CliTest.run;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.score4j.api.model.Conditioning;
import org.score4j.api.pipeline.PipelineSpec;
import org.score4j.api.pipeline.PluginRef;
import org.score4j.api.sde.Marginal;
import org.score4j.model.nn.Classifier;
import org.score4j.model.nn.ClassifierCheckpoint;
import org.score4j.runner.Score4j;
import org.score4j.runner.engine.Pipeline;
import org.score4j.runner.engine.SampleResult;
import org.score4j.runner.testing.SyntheticImages;
import org.score4j.sde.VpSde;

/**
 * {@code score4j train-classifier} and classifier guidance with the classifier it writes: on images (accuracy
 * on perturbed held-out images at small t) and on a two-component 2-D mixture, where the exact noisy posterior
 * is known in closed form and guided sampling can be compared with unguided.
 */
class TrainClassifierCliTest {
    @TempDir
    Path dir;

    private String p(String name) {
        return dir.resolve(name).toString();
    }

    private static void assertOneLineError(CliTest.Result r, String... fragments) {
        assertThat(r.code()).as(r.err()).isEqualTo(2);
        String[] lines = r.err().strip().split("\n");
        assertThat(lines[0]).startsWith("score4j: error: ");
        for (String f : fragments) {
            assertThat(lines[0]).contains(f);
        }
        assertThat(r.err()).doesNotContain("\tat ");
    }

    @Test
    void noisyImageClassifierBeatsChanceClearlyAtSmallT() throws Exception {
        int[] labels = SyntheticImages.cycle(400, 2);
        SyntheticImages.write(dir.resolve("x.npy"), dir.resolve("y.npy"), labels, 40, 3);
        CliTest.Result r = run("train-classifier", "--data", "npy", "--set", "data.path=" + p("x.npy"), "--set",
                "data.labels=" + p("y.npy"), "--set", "data.scale=bytes", "--sde", "vp", "--iterations", "300",
                "--batch", "32", "--out", p("noisy"), "--no-progress");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("trained cnn(1x8x8 -> 2 classes").contains("300 iterations");
        Map<String, Object> m = json(dir.resolve("noisy/manifest.json"));
        assertThat(map(m.get("architecture")).get("time_conditioned")).isEqualTo(true);
        assertThat(map(m.get("data")).get("sample_shape")).isEqualTo(List.of(1, 8, 8));
        assertThat(map(m.get("data")).get("classes")).isEqualTo(2);
        assertThat(map(m.get("sde")).get("name")).isEqualTo("vp");
        assertThat((List<?>) map(m.get("sde")).get("marginals")).hasSize(9);
        assertThat(m.get("seed")).isEqualTo(0);
        assertThat(map(map(m.get("files")).get("classifier.params"))).containsKeys("sha256", "bytes");

        // held-out images (another noise seed), perturbed at t = 0.05
        int n = 200;
        int[] test = SyntheticImages.cycle(n, 2);
        float[] x0 = SyntheticImages.images(test, 40, 77);
        double t = 0.05;
        Marginal mg = VpSde.defaults().marginal(t);
        SplittableRandom rnd = new SplittableRandom(5);
        float[] xt = new float[x0.length];
        for (int i = 0; i < x0.length; i++) {
            xt[i] = (float) (mg.mean() * (x0[i] / 127.5 - 1) + mg.std() * rnd.nextGaussian());
        }
        float[] tt = new float[n];
        java.util.Arrays.fill(tt, (float) t);
        try (Classifier c = ClassifierCheckpoint.read(dir.resolve("noisy"), "test").load();
                NDManager nd = NDManager.newBaseManager()) {
            long[] predicted = c.forward(nd.create(xt, new Shape(n, 1, 8, 8)), nd.create(tt)).get(0).argMax(1)
                    .toType(DataType.INT64, false).toLongArray();
            int correct = 0;
            for (int i = 0; i < n; i++) {
                correct += predicted[i] == test[i] ? 1 : 0;
            }
            assertThat((double) correct / n).as("accuracy at t = 0.05 (chance 0.5)").isGreaterThan(0.9);
        }

        assertOneLineError(run("train-classifier", "--data", "npy", "--set", "data.path=" + p("x.npy"), "--out",
                p("other")), "unlabelled");
        assertOneLineError(run("train-classifier", "--data", "npy", "--set", "data.path=" + p("x.npy"), "--set",
                "data.labels=" + p("y.npy"), "--out", p("noisy")), "already holds a classifier");
        assertOneLineError(run("train-classifier", "--data", "npy", "--set", "data.path=" + p("x.npy"), "--set",
                "solver.method=rk4", "--out", p("other")), "unknown kind 'solver'");
        assertOneLineError(run("train-classifier", "--data", "npy", "--set", "data.path=" + p("x.npy")), "--out");
        assertThat(Files.exists(dir.resolve("other"))).isFalse();
    }

    /**
     * Two equally weighted isotropic components N((∓2, 0), 0.5²·I) under VP: the exact noisy posterior is
     * p_t(0 | x) = sigmoid(−4·m(t)·x₁ / v(t)) with v = m²·0.25 + σ². The trained classifier approximates it, and
     * guiding the exact mixture score with it towards class 0 moves the samples to the left component.
     */
    @Test
    void vectorClassifierApproximatesTheExactNoisyPosteriorAndGuidesSampling() throws Exception {
        Files.writeString(dir.resolve("pair.json"),
                "{\"weights\":[0.5,0.5],\"means\":[[-2,0],[2,0]],\"stds\":[0.5,0.5]}");
        CliTest.Result r = run("train-classifier", "--data", "gmm-samples", "--set", "data.spec=" + p("pair.json"),
                "--set", "data.n=4000", "--iterations", "600", "--out", p("pair-cls"), "--no-progress");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("mlp(2 -> 2 classes");
        VpSde sde = VpSde.defaults();
        try (Classifier c = ClassifierCheckpoint.read(dir.resolve("pair-cls"), "test").load();
                NDManager nd = NDManager.newBaseManager()) {
            SplittableRandom rnd = new SplittableRandom(12);
            for (double t : new double[] {0.05, 0.3, 0.6}) {
                Marginal mg = sde.marginal(t);
                double v = mg.mean() * mg.mean() * 0.25 + mg.variance();
                // on average over x ~ p_t, where the classifier saw data
                int n = 400;
                float[] x = new float[2 * n];
                double[] exact = new double[n];
                for (int i = 0; i < n; i++) {
                    double mu = (i % 2 == 0 ? -2 : 2) * mg.mean();
                    x[2 * i] = (float) (mu + Math.sqrt(v) * rnd.nextGaussian());
                    x[2 * i + 1] = (float) (Math.sqrt(v) * rnd.nextGaussian());
                    exact[i] = 1 / (1 + Math.exp(4 * mg.mean() * x[2 * i] / v));
                }
                double mean = 0;
                for (int i = 0; i < n; i++) {
                    mean += Math.abs(posterior0(c, nd, x[2 * i], x[2 * i + 1], t) - exact[i]) / n;
                }
                assertThat(mean).as("mean |p_trained(0|x,t) - p_exact(0|x,t)| over x ~ p_t at t=" + t)
                        .isLessThan(0.05);
                if (t < 0.2) {
                    continue; // at small t the components are apart: no data near the boundary to learn it from
                }
                // across the boundary: exact posteriors 0.88, 0.62, 0.5, 0.38, 0.12
                for (double q : new double[] {-2, -0.5, 0, 0.5, 2}) {
                    double x1 = q * v / (4 * mg.mean());
                    assertThat(posterior0(c, nd, x1, 0.3, t)).as("p_t(0|x) at t=%s, x1=%s", t, x1)
                            .isCloseTo(1 / (1 + Math.exp(q)), org.assertj.core.data.Offset.offset(0.1));
                }
            }
        }

        Score4j score4j = Score4j.create(null);
        PluginRef model = new PluginRef("gmm", Map.of("spec", p("pair.json")));
        PipelineSpec base = PipelineSpec.defaults().withModel(model).withN(200).withSteps(200).withSeed(4);
        double unguided = leftFraction(score4j.sample(base, e -> { }));
        PipelineSpec guided = base.withGuidances(List.of(new PluginRef("classifier", Map.of("class", "0", "scale", "2",
                "classifier", p("pair-cls")))));
        try (Pipeline pipeline = score4j.assemble(guided)) {
            assertThat(pipeline.describe().get("guidances").toString()).contains("pair-cls");
            try (NDManager nd = NDManager.newBaseManager()) {
                NDArray x = nd.create(new double[][] {{0.2, 0.1}});
                assertThat(pipeline.score().score(x, 0.5, Conditioning.NONE).toDoubleArray()[0])
                        .as("pulled towards class 0 (left)")
                        .isLessThan(pipeline.model().scoreFunction(pipeline.sde()).score(x, 0.5, Conditioning.NONE)
                                .toDoubleArray()[0]);
            }
        }
        double towardsZero = leftFraction(score4j.sample(guided, e -> { }));
        assertThat(unguided).isBetween(0.35, 0.65);
        assertThat(towardsZero).as("fraction of guided samples in the class-0 component").isGreaterThan(0.9);
    }

    private static double posterior0(Classifier c, NDManager nd, double x1, double x2, double t) {
        try (NDManager sub = nd.newSubManager()) {
            NDArray x = sub.create(new float[] {(float) x1, (float) x2}, new Shape(1, 2));
            return c.forward(x, sub.create(new float[] {(float) t})).get(0).softmax(1).toFloatArray()[0];
        }
    }

    private static double leftFraction(SampleResult r) {
        float[] d = r.data();
        int left = 0;
        for (int i = 0; i < r.n(); i++) {
            left += d[2 * i] < 0 ? 1 : 0;
        }
        return (double) left / r.n();
    }
}
