package org.score4j.runner.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.score4j.runner.io.Npy;
import org.score4j.runner.io.NpyArray;
import org.score4j.runner.testing.PluginJars;

class CliTest {
    @TempDir
    Path dir;

    record Result(int code, String out, String err) {}

    static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> json(String text) throws Exception {
        return new ObjectMapper().readValue(text, Map.class);
    }

    static Map<String, Object> json(Path file) throws Exception {
        return json(Files.readString(file));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    private String p(String name) {
        return dir.resolve(name).toString();
    }

    private List<String> files() throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(x -> x.getFileName().toString()).sorted().toList();
        }
    }

    static void assertOneLineError(Result r, int code, String... fragments) {
        assertThat(r.code()).as(r.err()).isEqualTo(code);
        String[] lines = r.err().strip().split("\n");
        assertThat(lines[0]).startsWith("score4j: error: ");
        for (String f : fragments) {
            assertThat(lines[0]).contains(f);
        }
        assertThat(r.err()).doesNotContain("\tat ").doesNotContain("Exception");
    }

    @Test
    void samplesWithOutputsAndProvenance() throws Exception {
        Result r = run("sample", "--steps", "30", "--n", "25", "--seed", "3", "--out", p("s.npy"), "--png",
                p("s.png"), "--events", p("e.jsonl"));
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("wrote").contains("25 samples");
        NpyArray a = Npy.read(dir.resolve("s.npy"));
        assertThat(a.shape()).containsExactly(25, 2);
        assertThat(a.dtype()).isEqualTo("<f4");
        assertThat(files()).containsExactlyInAnyOrder("s.npy", "s.png", "s.json", "e.jsonl");
        Map<String, Object> prov = json(dir.resolve("s.json"));
        assertThat(prov.get("seed")).isEqualTo(3);
        assertThat(map(prov.get("sde")).get("name")).isEqualTo("vp");
        assertThat(prov).containsKeys("score4j_version", "api_version", "nfe", "model", "solver");
        List<String> lines = Files.readAllLines(dir.resolve("e.jsonl"));
        assertThat(lines).hasSize(32);
        List<String> types = new ArrayList<>();
        for (String line : lines) {
            Map<String, Object> e = json(line);
            types.add((String) e.get("type"));
            assertThat(e.get("run")).isEqualTo(json(lines.get(0)).get("run"));
        }
        assertThat(types.get(0)).isEqualTo("started");
        assertThat(types.subList(1, 31)).containsOnly("step");
        assertThat(types.get(31)).isEqualTo("completed");
        Map<String, Object> step5 = json(lines.get(5));
        assertThat(step5.get("step")).isEqualTo(5);
        assertThat(step5.get("steps")).isEqualTo(30);
        assertThat(step5).containsKeys("t", "nfe");
    }

    @Test
    void sameSeedSameBitsWhateverNAndBatchSize() throws Exception {
        assertThat(run("sample", "--steps", "40", "--n", "100", "--seed", "9", "--out", p("a.npy")).code()).isZero();
        assertThat(run("sample", "--steps", "40", "--n", "100", "--seed", "9", "--out", p("b.npy")).code()).isZero();
        assertThat(run("sample", "--steps", "40", "--n", "7", "--seed", "9", "--batch-size", "3", "--out",
                p("c.npy")).code()).isZero();
        float[] a = Npy.read(dir.resolve("a.npy")).asFloats();
        assertThat(Npy.read(dir.resolve("b.npy")).asFloats()).containsExactly(a);
        assertThat(Npy.read(dir.resolve("c.npy")).asFloats()).containsExactly(Arrays.copyOf(a, 14));
    }

    @Test
    void pipelineFileWithFlagsOnTop() throws Exception {
        Files.writeString(dir.resolve("p.yaml"), """
                sde: {name: ve, sigma_max: 40}
                solver: {name: ode, method: heun}
                steps: 20
                n: 12
                """);
        Result r = run("sample", "--pipeline", p("p.yaml"), "--n", "5", "--set", "solver.method=rk4", "--out",
                p("x.npy"));
        assertThat(r.code()).as(r.err()).isZero();
        Map<String, Object> prov = json(dir.resolve("x.json"));
        assertThat(prov.get("n")).isEqualTo(5);
        assertThat(prov.get("steps")).isEqualTo(20);
        assertThat(prov.get("sde").toString()).contains("sigma_max=40.0");
        assertThat(prov.get("solver").toString()).contains("method=rk4");
    }

    @Test
    void badInputGivesOneLineErrorsAndWritesNothing() throws Exception {
        Files.writeString(dir.resolve("trunc.json"), "{\"weights\":[0.5,0.5],\"means\":[[0,0],[1");
        Files.writeString(dir.resolve("incons.json"), "{\"weights\":[0.5,0.5],\"means\":[[0,0]],\"stds\":[1,1]}");
        String out = p("o.npy");
        assertOneLineError(run("sample", "--sde", "vpp", "--out", out), 2, "unknown sde 'vpp'", "ddpm, subvp, ve, vp");
        assertOneLineError(run("sample", "--solver", "nope", "--out", out), 2, "available:", "ode", "pc");
        assertOneLineError(run("sample", "--set", "solver.bogus=1", "--out", out), 2, "solver.bogus");
        assertOneLineError(run("sample", "--set", "corrector.snr=NaN", "--out", out), 2, "corrector.snr");
        assertOneLineError(run("sample", "--set", "sde.beta_max=-3", "--out", out), 2, "sde");
        assertOneLineError(run("sample", "--set", "nokind", "--out", out), 2, "--set");
        assertOneLineError(run("sample", "--steps", "0", "--out", out), 2, "steps");
        assertOneLineError(run("sample", "--n", "-4", "--out", out), 2, "n must be");
        assertOneLineError(run("sample", "--batch-size", "0", "--out", out), 2, "batch size");
        assertOneLineError(run("sample", "--steps", "abc", "--out", out), 2, "abc");
        assertOneLineError(run("sample", "--set", "model.spec=" + p("missing.json"), "--out", out), 2,
                "missing.json");
        assertOneLineError(run("sample", "--set", "model.spec=" + p("trunc.json"), "--out", out), 2, "trunc.json");
        assertOneLineError(run("sample", "--set", "model.spec=" + p("incons.json"), "--out", out), 2,
                "incons.json");
        assertOneLineError(run("sample", "--out", p("no/such/dir/o.npy")), 2, "no/such/dir");
        assertOneLineError(run("sample", "--pipeline", p("nope.yaml")), 2, "nope.yaml");
        assertOneLineError(run("sample", "--solver", "ode", "--predictor", "ancestral", "--out", out), 2,
                "does not use a predictor");
        assertOneLineError(run("sample", "--plugins-dir", p("noplugins"), "--out", out), 2, "noplugins");
        assertThat(files()).containsExactlyInAnyOrder("trunc.json", "incons.json");
    }

    @Test
    void aSolverWithoutScheduleRunsOnItsDefaultGrid() throws Exception {
        Result r = run("sample", "--solver", "dpm-solver-pp", "--steps", "8", "--n", "5", "--out", p("d.npy"));
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(map(json(dir.resolve("d.json")).get("schedule")).get("name")).isEqualTo("quadratic");
        r = run("sample", "--solver", "edm", "--steps", "8", "--n", "5", "--out", p("e.npy"));
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(map(json(dir.resolve("e.json")).get("schedule")).get("name")).isEqualTo("karras");
        r = run("sample", "--solver", "dpm-solver-pp", "--schedule", "karras", "--set", "schedule.rho=5",
                "--steps", "8", "--n", "5", "--out", p("k.npy"));
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(map(map(json(dir.resolve("k.json")).get("schedule")).get("config")).get("rho")).isIn(5.0, "5");
        assertOneLineError(run("sample", "--solver", "dpm-solver-pp", "--set", "schedule.rho=5", "--out",
                p("x.npy")), 2, "--schedule NAME");
    }

    @Test
    void verboseShowsTheStackTrace() {
        Result r = run("sample", "--sde", "vpp", "--verbose", "--out", p("o.npy"));
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("\tat ").contains("score4j: error: unknown sde 'vpp'");
    }

    @Test
    void aRunThatTurnsNaNFailsNamingTheStepAndWritesNothing() throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        PluginJars.buildFromSource("org.other.NanModel", """
                package org.other;
                import ai.djl.ndarray.NDArray;
                import ai.djl.ndarray.types.Shape;
                import java.util.List;
                import java.util.Map;
                import org.score4j.api.model.*;
                import org.score4j.api.plugin.*;
                import org.score4j.api.sde.Sde;
                public final class NanModel implements Score4jPlugin {
                    public int apiMajor() { return org.score4j.api.ApiVersion.MAJOR; }
                    public List<ModelFactory> models() {
                        return List.of(new ModelFactory() {
                            public String name() { return "nan-later"; }
                            public String description() { return "turns NaN at its 9th evaluation"; }
                            public Map<String, ConfigKey> configKeys() { return Map.of(); }
                            public ScoreModel create(PluginConfig c) {
                                int[] calls = {0};
                                return new ScoreModel() {
                                    public Shape sampleShape() { return new Shape(2); }
                                    public ScoreFunction scoreFunction(Sde sde) {
                                        return (x, t, cond) -> ++calls[0] >= 9 ? x.mul(Float.NaN) : x.neg();
                                    }
                                };
                            }
                        });
                    }
                }
                """, plugins.resolve("nan.jar"), Files.createDirectories(dir.resolve("work")));
        Path out = Files.createDirectories(dir.resolve("out"));
        Result r = run("sample", "--plugins-dir", plugins.toString(), "--model", "nan-later", "--solver", "ode",
                "--set", "solver.method=euler", "--steps", "20", "--n", "4", "--out", out.resolve("s.npy").toString(),
                "--events", out.resolve("e.jsonl").toString());
        assertThat(r.code()).as(r.err()).isEqualTo(1);
        assertThat(r.err().strip()).startsWith("score4j: error: run failed at step 9").contains("NaN");
        assertThat(r.err()).doesNotContain("\tat ");
        try (Stream<Path> s = Files.list(out)) {
            assertThat(s.toList()).isEmpty();
        }
        // the plugin directory is still usable for a good run in the same process
        Result ok = run("sample", "--plugins-dir", plugins.toString(), "--steps", "5", "--n", "3", "--out",
                out.resolve("ok.npy").toString());
        assertThat(ok.code()).as(ok.err()).isZero();
    }

    @Test
    void pluginsListsEveryKindAsJson() throws Exception {
        Result r = run("plugins", "--json");
        assertThat(r.code()).as(r.err()).isZero();
        Map<String, Object> m = json(r.out());
        assertThat(m).containsKeys("sde", "model", "predictor", "corrector", "solver", "schedule", "guidance");
        assertThat(m.get("sde").toString()).contains("name=vp").contains("name=ve").contains("name=subvp");
        for (Object kind : m.values()) {
            for (Object p : (List<?>) kind) {
                assertThat(map(p)).containsKeys("name", "description", "config");
            }
        }
        Result text = run("plugins");
        assertThat(text.out()).contains("corrector:").contains("langevin").contains("corrector.snr");
    }

    /**
     * {@code --guidance NAME} with {@code --set guidance.key=value}: cfg at scale 1 on the exact mixture samples one
     * component; a pipeline file's single guidance keeps its settings under {@code --set}; ambiguous or missing
     * guidances are one-line errors.
     */
    @Test
    void guidanceFlagAndSetConfigureTheGuidance() throws Exception {
        Result r = run("sample", "--guidance", "cfg", "--set", "guidance.class=3", "--set", "guidance.scale=1",
                "--n", "200", "--steps", "200", "--out", p("c3.npy"), "--no-progress");
        assertThat(r.code()).as(r.err()).isZero();
        float[] x = org.score4j.runner.io.Npy.read(dir.resolve("c3.npy")).asFloats();
        double mx = 0;
        double my = 0;
        for (int i = 0; i < x.length; i += 2) {
            mx += x[i] / 200.0;
            my += x[i + 1] / 200.0;
        }
        // component 3 of the built-in mixture: mean (-3, -3), std 0.2
        assertThat(mx).isCloseTo(-3, org.assertj.core.api.Assertions.within(0.1));
        assertThat(my).isCloseTo(-3, org.assertj.core.api.Assertions.within(0.1));
        Map<String, Object> g = map(((List<?>) json(dir.resolve("c3.json")).get("guidances")).get(0));
        assertThat(g.get("name")).isEqualTo("cfg");
        assertThat(map(g.get("config"))).containsEntry("class", 3).containsEntry("scale", 1.0);

        Path file = Files.writeString(dir.resolve("p.yaml"), "guidance: {name: cfg, class: 1, t_min: 0.5}\n");
        Result f = run("sample", "--pipeline", file.toString(), "--guidance", "cfg", "--set", "guidance.scale=3",
                "--n", "5", "--steps", "20", "--out", p("f.npy"), "--no-progress");
        assertThat(f.code()).as(f.err()).isZero();
        Map<String, Object> fc = map(map(((List<?>) json(dir.resolve("f.json")).get("guidances")).get(0)).get("config"));
        assertThat(fc).containsEntry("class", 1).containsEntry("t_min", 0.5).containsEntry("scale", 3.0);

        Path two = Files.writeString(dir.resolve("two.yaml"),
                "guidance: [{name: cfg, class: 1}, {name: classifier, class: 2}]\n");
        assertOneLineError(run("sample", "--pipeline", two.toString(), "--set", "guidance.scale=2", "--out",
                p("x.npy")), 2, "ambiguous", "2 guidances");
        assertOneLineError(run("sample", "--set", "guidance.scale=2", "--out", p("x.npy")), 2,
                "--set guidance.scale needs a guidance");
        assertOneLineError(run("sample", "--guidance", "cfg", "--out", p("x.npy")), 2, "guidance.class");
        assertOneLineError(run("sample", "--guidance", "cfg", "--set", "guidance.class=5", "--out", p("x.npy")), 2,
                "guidance.class 5", "[0, 4]");
        assertThat(Files.exists(dir.resolve("x.npy"))).isFalse();
    }
}
