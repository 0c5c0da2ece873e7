package org.score4j.runner.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.score4j.runner.cli.CliTest.json;
import static org.score4j.runner.cli.CliTest.map;
import static org.score4j.runner.cli.CliTest.run;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.score4j.runner.io.Npy;
import org.score4j.runner.io.NpyArray;

/** {@code score4j train} and {@code score4j sample --checkpoint} end to end, with a tiny network. */
class TrainCliTest {
    @TempDir
    Path dir;

    private String p(String name) {
        return dir.resolve(name).toString();
    }

    private static final String[] TINY = {"--set", "model.width=16", "--set", "model.depth=1", "--set",
        "data.n=500", "--batch", "32", "--no-progress"};

    private static String[] args(String[] head, String... tail) {
        String[] all = new String[head.length + tail.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(tail, 0, all, head.length, tail.length);
        return all;
    }

    private static void assertOneLineError(CliTest.Result r, int code, String... fragments) {
        assertThat(r.code()).as(r.err()).isEqualTo(code);
        String[] lines = r.err().strip().split("\n");
        assertThat(lines[lines.length - 1]).startsWith("score4j: error: ");
        for (String f : fragments) {
            assertThat(lines[lines.length - 1]).contains(f);
        }
        assertThat(r.err()).doesNotContain("\tat ");
    }

    @Test
    void trainThenSampleThenResume() throws Exception {
        CliTest.Result r = run(args(new String[] {"train", "--iterations", "30", "--checkpoint-every", "15",
            "--out", p("run")}, TINY));
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("trained to iteration 30 (30 this run)").contains("checkpoint-00000030");
        List<String> metrics = Files.readAllLines(dir.resolve("run/metrics.jsonl"));
        assertThat(metrics).hasSize(3);
        for (String line : metrics) {
            assertThat(json(line)).containsKeys("iteration", "loss", "lr", "elapsed");
        }
        Map<String, Object> manifest = json(dir.resolve("run/checkpoint-00000030/manifest.json"));
        assertThat(manifest).containsKeys("format", "model", "sde", "data", "training", "seed", "iteration",
                "score4j_version", "api_version", "djl_version", "engine", "files");
        assertThat(map(map(manifest.get("files")).get("ema.params"))).containsKeys("sha256", "bytes");
        assertThat(map(manifest.get("data")).get("sample_shape")).isEqualTo(List.of(2));
        assertThat(Files.isDirectory(dir.resolve("run/checkpoint-00000015"))).isTrue();

        CliTest.Result s = run("sample", "--checkpoint", p("run"), "--steps", "20", "--n", "10", "--out", p("s.npy"),
                "--no-progress");
        assertThat(s.code()).as(s.err()).isZero();
        NpyArray a = Npy.read(dir.resolve("s.npy"));
        assertThat(a.shape()).containsExactly(10, 2);
        Map<String, Object> prov = json(dir.resolve("s.json"));
        assertThat(map(prov.get("model")).get("name")).isEqualTo("mlp");
        assertThat(map(map(prov.get("model")).get("config")).get("checkpoint").toString())
                .endsWith("checkpoint-00000030");
        CliTest.Result ode = run("sample", "--checkpoint", p("run/checkpoint-00000015"), "--solver", "ode",
                "--set", "solver.method=rk45", "--n", "5", "--out", p("o.npy"), "--sde", "vp");
        assertThat(ode.code()).as(ode.err()).isZero();

        CliTest.Result more = run("train", "--resume", p("run"), "--iterations", "40", "--no-progress");
        assertThat(more.code()).as(more.err()).isZero();
        assertThat(more.out()).contains("trained to iteration 40 (10 this run)");
        assertThat(Files.readAllLines(dir.resolve("run/metrics.jsonl"))).hasSize(4);

        assertOneLineError(run("train", "--resume", p("run"), "--iterations", "50", "--set", "model.width=32"), 2,
                "model.width=32", "model.width=16");
        assertOneLineError(run("train", "--resume", p("run")), 2, "is at iteration 40", "--iterations");
        assertOneLineError(run(args(new String[] {"train", "--iterations", "5", "--out", p("run")}, TINY)), 2,
                "already holds a training run", "--resume");
        assertOneLineError(run("sample", "--checkpoint", p("run"), "--sde", "ve", "--out", p("x.npy")), 2,
                "--sde ve conflicts with --checkpoint", "sde 'vp'");
        assertOneLineError(run("sample", "--checkpoint", p("run"), "--set", "model.width=8", "--out", p("x.npy")),
                2, "model.width=8 conflicts with --checkpoint");

        Path ema = dir.resolve("run/checkpoint-00000040/ema.params");
        byte[] bytes = Files.readAllBytes(ema);
        bytes[bytes.length - 1] ^= 1;
        Files.write(ema, bytes);
        assertOneLineError(run("sample", "--checkpoint", p("run"), "--out", p("x.npy")), 2, "is corrupt",
                "ema.params", "checkpoint-00000030 is intact");
        assertThat(Files.exists(dir.resolve("x.npy"))).isFalse();
        assertThat(run("sample", "--checkpoint", p("run/checkpoint-00000030"), "--steps", "5", "--n", "3", "--out",
                p("y.npy")).code()).isZero();
    }

    @Test
    void untrainedModelsAreNotSampled() {
        assertOneLineError(run("sample", "--model", "mlp", "--steps", "5", "--out", p("u.npy")), 2,
                "model 'mlp' has no trained weights", "score4j train");
        assertThat(Files.exists(dir.resolve("u.npy"))).isFalse();
    }

    @Test
    void divergenceExitsWithOneAndNamesTheLastGoodCheckpoint() {
        CliTest.Result r = run(args(new String[] {"train", "--iterations", "200", "--checkpoint-every", "1", "--lr",
            "1e6", "--grad-clip", "0", "--out", p("nan")}, TINY));
        assertThat(r.code()).as(r.err()).isEqualTo(1);
        assertThat(r.err()).contains("training diverged at iteration").contains("last good checkpoint is")
                .doesNotContain("\tat ");
    }

    @Test
    void badTrainingInput() {
        assertOneLineError(run("train", "--data", "npy", "--out", p("a")), 2, "set data.path=FILE.npy");
        assertOneLineError(run("train", "--set", "solver.method=rk4", "--out", p("a")), 2, "unknown kind 'solver'",
                "data, model, sde");
        assertOneLineError(run("train", "--model", "gmm", "--out", p("a")), 2, "cannot be trained");
        assertOneLineError(run("train", "--loss", "l1", "--out", p("a")), 2, "--loss", "dsm or epsilon");
        assertOneLineError(run("train", "--ema", "1", "--out", p("a")), 2, "EMA decay");
        assertOneLineError(run("train", "--resume", p("nothing"), "--out", p("a")), 2, "does not exist");
        assertThat(Files.exists(dir.resolve("a"))).isFalse();
    }

    @Test
    void pluginsListTheDataKind() throws Exception {
        CliTest.Result r = run("plugins", "--json");
        assertThat(r.code()).isZero();
        assertThat(json(r.out()).get("data").toString()).contains("npy").contains("gmm-samples");
        assertThat(run("plugins").out()).contains("data:").contains("data.path");
    }

    /**
     * {@code --cond-dropout} trains a class-conditional network whose manifest says so; {@code --guidance cfg}
     * samples one class of it; an unconditional checkpoint, a class out of range, a resume with another dropout
     * and a bad probability are one-line errors that write nothing.
     */
    @Test
    void condDropoutTrainsAConditionalNetworkThatCfgSamples() throws Exception {
        CliTest.Result r = run(args(new String[] {"train", "--iterations", "20", "--cond-dropout", "0.2",
            "--out", p("cond")}, TINY));
        assertThat(r.code()).as(r.err()).isZero();
        Map<String, Object> manifest = json(dir.resolve("cond/checkpoint-00000020/manifest.json"));
        assertThat(map(manifest.get("conditioning"))).containsEntry("num_classes", 5).containsEntry("null_label", 5)
                .containsEntry("cond_dropout", 0.2);
        assertThat(map(map(manifest.get("model")).get("config"))).containsEntry("num_classes", 5);

        CliTest.Result s = run("sample", "--checkpoint", p("cond"), "--guidance", "cfg", "--set", "guidance.class=4",
                "--set", "guidance.scale=2", "--steps", "10", "--n", "6", "--out", p("c4.npy"), "--no-progress");
        assertThat(s.code()).as(s.err()).isZero();
        assertThat(Npy.read(dir.resolve("c4.npy")).shape()).containsExactly(6, 2);
        List<?> guidances = (List<?>) json(dir.resolve("c4.json")).get("guidances");
        assertThat(map(guidances.get(0)).get("name")).isEqualTo("cfg");
        assertThat(map(map(guidances.get(0)).get("config"))).containsEntry("class", 4);

        assertOneLineError(run("sample", "--checkpoint", p("cond"), "--guidance", "cfg", "--set", "guidance.class=5",
                "--out", p("bad.npy")), 2, "guidance.class 5", "[0, 4]");
        assertOneLineError(run("sample", "--checkpoint", p("cond"), "--set", "guidance.class=1", "--out",
                p("bad.npy")), 2, "--set guidance.class needs a guidance", "--guidance");
        assertOneLineError(run("train", "--resume", p("cond"), "--iterations", "30", "--cond-dropout", "0.1",
                "--no-progress"), 2, "--cond-dropout 0.1", "trained with 0.2");
        assertOneLineError(run(args(new String[] {"train", "--cond-dropout", "1", "--out", p("p1")}, TINY)), 2,
                "--cond-dropout", "[0, 1)");

        CliTest.Result u = run(args(new String[] {"train", "--iterations", "5", "--out", p("plain")}, TINY));
        assertThat(u.code()).as(u.err()).isZero();
        assertOneLineError(run("sample", "--checkpoint", p("plain"), "--guidance", "cfg", "--set", "guidance.class=0",
                "--out", p("bad.npy")), 2, "needs a class-conditional model");
        CliTest.Result k5 = run(args(new String[] {"train", "--iterations", "5", "--set", "model.num_classes=5",
            "--out", p("never")}, TINY));
        assertThat(k5.code()).as(k5.err()).isZero();
        assertOneLineError(run("sample", "--checkpoint", p("never"), "--guidance", "cfg", "--set", "guidance.class=0",
                "--out", p("bad.npy")), 2, "needs the unconditional score", "--cond-dropout");
        assertOneLineError(run("sample", "--checkpoint", p("never"), "--out", p("bad.npy")), 2,
                "has no unconditional score", "--guidance cfg --set guidance.scale=1");
        assertThat(Files.exists(dir.resolve("bad.npy"))).isFalse();
        assertThat(Files.exists(dir.resolve("p1"))).isFalse();
        assertThat(Files.exists(dir.resolve("cond/checkpoint-00000030"))).isFalse();
    }
}
