package org.score4j.runner.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.score4j.runner.cli.CliTest.json;
import static org.score4j.runner.cli.CliTest.map;
import static org.score4j.runner.cli.CliTest.run;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.score4j.runner.eval.Evaluator;
import org.score4j.runner.io.Npy;
import org.score4j.runner.testing.SyntheticImages;

/**
 * {@code score4j evaluate} end to end on three classes of distinct 1×8×8 patterns with noise (the {@code npy}
 * data plugin with labels, bytes scaled to [−1, 1]): the classifier, its cache, the measures and bad input.
 */
class EvaluateCliTest {
    @TempDir
    Path dir;

    private static final int N = 600;

    private String p(String name) {
        return dir.resolve(name).toString();
    }

    @BeforeEach
    void data() throws Exception {
        SyntheticImages.write(dir.resolve("x.npy"), dir.resolve("y.npy"), SyntheticImages.cycle(N, 3), 40, 1);
    }

    private String[] evaluate(String samples, String classifier, String... more) {
        List<String> a = new ArrayList<>(List.of("evaluate", "--samples", samples, "--data", "npy", "--set",
                "data.path=" + p("x.npy"), "--set", "data.labels=" + p("y.npy"), "--set", "data.scale=bytes", "--set",
                "data.test_fraction=0.25", "--classifier", classifier, "--json", "--no-progress"));
        a.addAll(Arrays.asList(more));
        if (!a.contains("--epochs")) {
            a.addAll(List.of("--epochs", "6"));
        }
        return a.toArray(String[]::new);
    }

    private static Map<String, Object> ok(CliTest.Result r) throws Exception {
        assertThat(r.code()).as(r.err()).isZero();
        return json(r.out());
    }

    private static double num(Map<String, Object> m, String key) {
        return ((Number) m.get(key)).doubleValue();
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
    void measuresTheTestSplitAndGeneratedSetsAndCachesTheClassifier() throws Exception {
        String cls = p("cls");
        Map<String, Object> floor = ok(run(evaluate("test", cls)));
        assertThat(floor).containsKeys("fd", "confidence", "class_entropy", "n", "histogram", "classifier_accuracy");
        assertThat(floor.get("classifier_trained")).isEqualTo(true);
        assertThat(num(floor, "classifier_accuracy")).as("test accuracy").isGreaterThanOrEqualTo(0.95);
        assertThat(floor.get("n")).isEqualTo(75);
        assertThat(floor.get("reference_n")).isEqualTo(75);
        assertThat(num(floor, "confidence")).isGreaterThan(0.8).isLessThanOrEqualTo(1.0);
        assertThat(num(floor, "class_entropy")).isGreaterThan(0.95 * Math.log(3)).isLessThanOrEqualTo(Math.log(3));
        assertThat(num(floor, "class_entropy_max")).isEqualTo(Math.log(3));
        List<?> hist = (List<?>) floor.get("histogram");
        assertThat(hist).hasSize(3);
        assertThat(hist.stream().mapToLong(v -> ((Number) v).longValue()).sum()).isEqualTo(75);
        Map<String, Object> manifest = json(dir.resolve("cls/manifest.json"));
        assertThat(manifest.get("format")).isEqualTo("score4j-classifier");
        assertThat(map(manifest.get("architecture")).get("body")).isEqualTo("cnn");
        assertThat(map(manifest.get("data")).get("name")).isEqualTo("npy");
        assertThat(map(map(manifest.get("data")).get("config"))).doesNotContainKey("split").containsKey("path");
        assertThat(map(manifest.get("data")).get("train_examples")).isEqualTo(450);
        assertThat(map(manifest.get("training")).get("epochs")).isEqualTo(6);
        assertThat(manifest.get("seed")).isEqualTo(0);
        assertThat(map(manifest.get("metrics")).get("test_accuracy")).isEqualTo(floor.get("classifier_accuracy"));
        assertThat(map(map(manifest.get("files")).get("classifier.params"))).containsKeys("sha256", "bytes");
        String manifestText = Files.readString(dir.resolve("cls/manifest.json"));

        // a generated set of class 0 only, in the data's units: one class, confident, far from the test split
        SyntheticImages.write(dir.resolve("zeros.npy"), null, new int[200], 40, 99);
        Map<String, Object> zeros = ok(run(evaluate(p("zeros.npy"), cls)));
        assertThat(zeros.get("classifier_trained")).as("the cached classifier is reused").isEqualTo(false);
        assertThat(Files.readString(dir.resolve("cls/manifest.json"))).isEqualTo(manifestText);
        assertThat(zeros.get("n")).isEqualTo(200);
        assertThat(zeros.get("reference_n")).isEqualTo(150);
        assertThat(((Number) ((List<?>) zeros.get("histogram")).get(0)).intValue()).isGreaterThanOrEqualTo(195);
        assertThat(num(zeros, "class_entropy")).isLessThan(0.15);
        assertThat(num(zeros, "confidence")).isGreaterThan(0.8);
        assertThat(num(zeros, "fd")).isGreaterThan(10 * num(floor, "fd"));

        // a balanced generated set from the same distribution scores near the floor
        SyntheticImages.write(dir.resolve("mix.npy"), null, SyntheticImages.cycle(300, 3), 40, 7);
        Map<String, Object> mix = ok(run(evaluate(p("mix.npy"), cls)));
        assertThat(num(mix, "fd")).isLessThan(num(zeros, "fd") / 10);
        assertThat(num(mix, "class_entropy")).isGreaterThan(0.95 * Math.log(3));

        // the same samples in model space ([-1, 1]) with --scale model give the same measures
        float[] v = Npy.read(dir.resolve("mix.npy")).asFloats();
        float[] model = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            model[i] = (float) (v[i] / 127.5 - 1);
        }
        Npy.write(dir.resolve("mix-model.npy"), model, 300, SyntheticImages.SIZE, SyntheticImages.SIZE);
        Map<String, Object> inModel = ok(run(evaluate(p("mix-model.npy"), cls, "--scale", "model")));
        assertThat(num(inModel, "fd")).isCloseTo(num(mix, "fd"), org.assertj.core.data.Offset.offset(1e-3 * num(mix,
                "fd") + 1e-6));
        assertThat(inModel.get("histogram")).isEqualTo(mix.get("histogram"));
        CliTest.Result wrongScale = run(evaluate(p("mix-model.npy"), cls));
        assertThat(wrongScale.code()).isZero();
        assertThat(wrongScale.err()).contains("--scale model");

        // another seed or number of epochs does not match the cache: retrained, manifest replaced
        Map<String, Object> retrained = ok(run(evaluate("test", cls, "--epochs", "7")));
        assertThat(retrained.get("classifier_trained")).isEqualTo(true);
        assertThat(map(json(dir.resolve("cls/manifest.json")).get("training")).get("epochs")).isEqualTo(7);
        // the same settings in a fresh folder give the same parameters (same seed, same bits)
        ok(run(evaluate("test", p("cls2"), "--epochs", "7")));
        assertThat(Files.readAllBytes(dir.resolve("cls2/classifier.params")))
                .isEqualTo(Files.readAllBytes(dir.resolve("cls/classifier.params")));
        // a corrupted parameter file is noticed and the classifier retrained
        Path params = dir.resolve("cls2/classifier.params");
        byte[] bytes = Files.readAllBytes(params);
        bytes[bytes.length - 1] ^= 1;
        Files.write(params, bytes);
        CliTest.Result again = run(evaluate("test", p("cls2"), "--epochs", "7"));
        assertThat(ok(again).get("classifier_trained")).isEqualTo(true);
        assertThat(again.err()).contains("corrupt");
        try (var s = Files.list(dir)) {
            assertThat(s.map(x -> x.getFileName().toString())).noneMatch(name -> name.endsWith(".tmp")
                    || name.endsWith(".old"));
        }
    }

    @Test
    void textOutputNamesTheMeasures() throws Exception {
        CliTest.Result r = run("evaluate", "--samples", "test", "--data", "npy", "--set", "data.path=" + p("x.npy"),
                "--set", "data.labels=" + p("y.npy"), "--set", "data.scale=bytes", "--classifier", p("c"), "--epochs",
                "1", "--no-progress");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("fd ").contains("confidence").contains("class_entropy").contains("nats")
                .contains("histogram");
        assertThat(r.err()).contains("training the evaluation classifier");
    }

    @Test
    void badInputIsAOneLineErrorWithExitCodeTwo() throws Exception {
        String cls = p("bad-cls");
        Npy.write(dir.resolve("small.npy"), new float[10 * 49], 10, 1, 7, 7);
        assertOneLineError(run(evaluate(p("small.npy"), cls)), "has shape [10, 1, 7, 7]", "[n, 1, 8, 8] or [n, 8, 8]");
        assertOneLineError(run(evaluate(p("missing.npy"), cls)), "missing.npy", "does not exist");
        float[] nan = new float[2 * 64];
        nan[70] = Float.NaN;
        Npy.write(dir.resolve("nan.npy"), nan, 2, 8, 8);
        assertOneLineError(run(evaluate(p("nan.npy"), cls)), "non-finite", "sample 1");
        assertOneLineError(run("evaluate", "--samples", "test", "--data", "npy", "--set", "data.path=" + p("x.npy"),
                "--classifier", cls), "unlabelled", "data.labels");
        Npy.write(dir.resolve("vec.npy"), new float[40], 20, 2);
        SyntheticImages.writeLabels(dir.resolve("vl.npy"), SyntheticImages.cycle(20, 2));
        assertOneLineError(run("evaluate", "--samples", "test", "--data", "npy", "--set", "data.path=" + p("vec.npy"),
                "--set", "data.labels=" + p("vl.npy"), "--classifier", cls), "needs images");
        assertOneLineError(run(evaluate("test", cls, "--set", "data.split=train")), "data.split");
        assertOneLineError(run(evaluate("test", cls, "--scale", "pixels")), "--scale", "data or model");
        assertOneLineError(run(evaluate("test", cls, "--set", "sde.beta_max=3")), "data settings only");
        assertOneLineError(run("evaluate", "--samples", "test", "--data", "nope"), "unknown data 'nope'");
        assertOneLineError(run("evaluate", "--data", "npy"), "--samples");
        assertThat(Files.exists(dir.resolve("bad-cls"))).as("nothing trained on bad input").isFalse();
    }

    @Test
    void defaultCacheFolderFollowsTheDataRoot() {
        Path home = Path.of("/home/u");
        assertThat(Evaluator.defaultClassifierFolder("mnist", Map.of(), home))
                .isEqualTo(Path.of("/home/u/.score4j/data/classifiers/mnist"));
        assertThat(Evaluator.defaultClassifierFolder("mnist", Map.of("SCORE4J_DATA", "/data"), home))
                .isEqualTo(Path.of("/data/classifiers/mnist"));
    }
}
