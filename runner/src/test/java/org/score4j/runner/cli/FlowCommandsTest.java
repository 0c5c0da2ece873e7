package org.score4j.runner.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.score4j.api.model.Conditioning;
import org.score4j.api.noise.NoiseSource;
import org.score4j.api.noise.PerSampleNoise;
import org.score4j.model.gmm.GaussianMixture;
import org.score4j.model.gmm.GmmScoreModel;
import org.score4j.runner.io.Json;
import org.score4j.runner.io.Npy;
import org.score4j.runner.io.NpyArray;
import org.score4j.sde.VpSde;
import org.score4j.solver.likelihood.ExactTrace;
import org.score4j.solver.likelihood.ProbabilityFlowLikelihood;

/** {@code likelihood}, {@code encode}, {@code decode} and {@code interpolate} through {@link Main#run}. */
class FlowCommandsTest {
    private static final GaussianMixture MIX = GaussianMixture.defaultMixture();

    @TempDir
    Path dir;

    record Outcome(int code, String out, String err) {}

    static Outcome run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private Path mixtureData(int n, long seed) {
        double[][] x = MIX.sample(n, seed).x();
        double[] flat = new double[n * 2];
        for (int i = 0; i < n; i++) {
            System.arraycopy(x[i], 0, flat, 2 * i, 2);
        }
        Path p = dir.resolve("x.npy");
        Npy.write(p, flat, n, 2);
        return p;
    }

    private String p(String name) {
        return dir.resolve(name).toString();
    }

    @Test
    void likelihoodWritesPerSampleNllsProvenanceAndASummary() {
        Path x = mixtureData(20, 1);
        Outcome o = run("likelihood", "--data", x.toString(), "--out", p("nll.npy"));
        assertThat(o.code()).as(o.err()).isZero();
        assertThat(o.out()).contains("mean NLL").contains("standard error").contains("bits/dim")
                .contains("samples/s");
        NpyArray nll = Npy.read(dir.resolve("nll.npy"));
        assertThat(nll.shape()).containsExactly(20);
        assertThat(nll.dtype()).isEqualTo("<f8");
        double[][] rows = MIX.sample(20, 1).x();
        for (int i = 0; i < 20; i++) {
            // the true density, up to the perturbation at t0 and the prior mismatch (bounded in the solver tests)
            assertThat(nll.doubles()[i]).isCloseTo(-MIX.logDensity(rows[i]), org.assertj.core.data.Offset.offset(2e-2));
        }
        Map<String, Object> prov = Json.readObject(dir.resolve("nll.json"));
        assertThat(prov).containsEntry("command", "likelihood").containsEntry("trace", "exact")
                .containsEntry("units", "nats").containsKeys("mean_nll", "standard_error", "bits_per_dim", "nfe");
        assertThat(prov.get("solver").toString()).contains("rtol=1.0E-5");
    }

    @Test
    void hutchinsonResultsDependOnTheSeedButNotOnTheBatchSize() throws Exception {
        Path x = mixtureData(12, 2);
        String[] base = {"likelihood", "--data", x.toString(), "--trace", "hutchinson", "--probes", "2",
            "--probe", "gaussian", "--seed", "5"};
        assertThat(run(concat(base, "--out", p("a.npy"))).code()).isZero();
        assertThat(run(concat(base, "--out", p("b.npy"), "--batch-size", "5")).code()).isZero();
        base[base.length - 1] = "6";
        assertThat(run(concat(base, "--out", p("c.npy"))).code()).isZero();
        double[] a = Npy.read(dir.resolve("a.npy")).doubles();
        assertThat(Npy.read(dir.resolve("b.npy")).doubles()).containsExactly(a);
        assertThat(Npy.read(dir.resolve("c.npy")).doubles()).isNotEqualTo(a);
        assertThat(Json.readObject(dir.resolve("a.json"))).containsEntry("probes", 2).containsEntry("probe",
                "gaussian");
    }

    @Test
    void dequantizationAddsDTimesLogKToTheNllOfTheDequantizedData() {
        int n = 6;
        double[] levels = {0, 3, 1, 2, 3, 3, 0, 0, 2, 1, 1, 3};
        Path x = dir.resolve("q.npy");
        Npy.write(x, levels, n, 2);
        Outcome o = run("likelihood", "--data", x.toString(), "--out", p("q-nll.npy"), "--dequantize", "4",
                "--seed", "9");
        assertThat(o.code()).as(o.err()).isZero();
        assertThat(o.out()).contains("dequantized with 4 levels");
        double[] got = Npy.read(dir.resolve("q-nll.npy")).doubles();
        NoiseSource noise = PerSampleNoise.create(9, 0, n);
        double[] u = LikelihoodCommand.dequantized(levels, n, noise);
        for (int i = 0; i < u.length; i++) {
            u[i] = u[i] * (1.0 / 4);
        }
        for (double v : u) {
            assertThat(v).isBetween(0.0, 1.0);
        }
        try (NDManager nd = NDManager.newBaseManager()) {
            VpSde sde = VpSde.defaults();
            double[] cont = new ProbabilityFlowLikelihood(sde, new GmmScoreModel(MIX).scoreFunction(sde),
                    new ExactTrace()).evaluate(nd.create(u, new Shape(n, 2)), Conditioning.NONE, noise).nll();
            for (int i = 0; i < n; i++) {
                assertThat(got[i]).isCloseTo(cont[i] + 2 * Math.log(4), org.assertj.core.data.Offset.offset(1e-12));
            }
        }
    }

    @Test
    void decodingTheEncodingReturnsTheData() {
        // enough samples to include points in the low-density regions between modes, where the flow is hardest
        Path x = mixtureData(400, 3);
        assertThat(run("encode", "--data", x.toString(), "--out", p("z.npy")).code()).isZero();
        Outcome o = run("decode", "--data", p("z.npy"), "--out", p("back.npy"));
        assertThat(o.code()).as(o.err()).isZero();
        assertThat(o.out()).startsWith("decoded 400 samples");
        NpyArray z = Npy.read(dir.resolve("z.npy"));
        assertThat(z.shape()).containsExactly(400, 2);
        assertThat(z.dtype()).isEqualTo("<f8");
        double[] back = Npy.read(dir.resolve("back.npy")).doubles();
        double[] data = Npy.read(x).doubles();
        for (int i = 0; i < data.length; i++) {
            assertThat(Math.abs(back[i] - data[i])).isLessThan(1e-3);
        }
        assertThat(Json.readObject(dir.resolve("z.json"))).containsEntry("command", "encode")
                .containsEntry("from_time", 0.001).containsEntry("to_time", 1.0);
    }

    @Test
    void interpolationWritesTheDecodedPathBetweenTwoRows() {
        Path x = mixtureData(5, 4);
        Outcome o = run("interpolate", "--data", x.toString(), "--a", "1", "--b", "3", "--steps-between", "4",
                "--out", p("path.npy"));
        assertThat(o.code()).as(o.err()).isZero();
        NpyArray path = Npy.read(dir.resolve("path.npy"));
        assertThat(path.shape()).containsExactly(6, 2);
        double[] data = Npy.read(x).doubles();
        double[] v = path.doubles();
        for (int j = 0; j < 2; j++) {
            assertThat(Math.abs(v[j] - data[2 + j])).isLessThan(1e-3);
            assertThat(Math.abs(v[10 + j] - data[6 + j])).isLessThan(1e-3);
        }
        assertThat(Json.readObject(dir.resolve("path.json"))).containsEntry("method", "slerp")
                .containsEntry("steps_between", 4);
        assertThat(run("interpolate", "--data", x.toString(), "--sde", "ve", "--steps-between", "1", "--out",
                p("ve.npy")).code()).isZero();
        assertThat(Json.readObject(dir.resolve("ve.json"))).containsEntry("method", "linear");
    }

    @Test
    void sampleStillTakesTheSharedPipelineOptions() {
        Outcome o = run("sample", "--solver", "ode", "--n", "4", "--seed", "2", "--batch-size", "3", "--set",
                "solver.rtol=1e-4", "--out", p("s.npy"), "--no-progress");
        assertThat(o.code()).as(o.err()).isZero();
        assertThat(Npy.read(dir.resolve("s.npy")).shape()).containsExactly(4, 2);
        assertThat(Json.readObject(dir.resolve("s.json")).get("solver").toString()).contains("rtol=1.0E-4");
    }

    @Test
    void badInputIsOneLineWithExitCode2AndNoOutput() throws Exception {
        Path good = mixtureData(4, 5);
        Path wide = dir.resolve("wide.npy");
        Npy.write(wide, new double[15], 5, 3);
        Path nan = dir.resolve("nan.npy");
        Npy.write(nan, new double[] {0, 1, Double.NaN, 2}, 2, 2);
        Path frac = dir.resolve("frac.npy");
        Npy.write(frac, new double[] {0, 1.5, 3, 2}, 2, 2);
        String out = p("out.npy");
        String g = good.toString();
        List<String[]> cases = List.of(
                new String[] {"likelihood", "--data", wide.toString(), "--out", out},
                new String[] {"likelihood", "--data", nan.toString(), "--out", out},
                new String[] {"likelihood", "--data", g, "--out", out, "--trace", "hutchinson", "--probes", "0"},
                new String[] {"likelihood", "--data", g, "--out", out, "--probes", "2"},
                new String[] {"likelihood", "--data", g, "--out", out, "--set", "solver.rtol=0"},
                new String[] {"likelihood", "--data", g, "--out", out, "--set", "solver.atol=-1e-5"},
                new String[] {"likelihood", "--data", g, "--out", out, "--set", "solver.method=euler"},
                new String[] {"likelihood", "--data", g, "--out", out, "--trace", "skilling"},
                new String[] {"likelihood", "--data", g, "--out", out, "--trace", "hutchinson", "--probe", "cauchy"},
                new String[] {"likelihood", "--data", p("missing.npy"), "--out", out},
                new String[] {"likelihood", "--data", frac.toString(), "--out", out, "--dequantize", "4"},
                new String[] {"likelihood", "--data", g, "--out", out, "--dequantize", "1"},
                new String[] {"encode", "--data", wide.toString(), "--out", out},
                new String[] {"encode", "--data", p("missing.npy"), "--out", out},
                new String[] {"decode", "--data", nan.toString(), "--out", out},
                new String[] {"decode", "--data", g, "--out", out, "--set", "solver.rtol=0"},
                new String[] {"interpolate", "--data", g, "--b", "9", "--out", out},
                new String[] {"interpolate", "--data", g, "--a", "1", "--b", "1", "--out", out},
                new String[] {"interpolate", "--data", g, "--method", "arc", "--out", out},
                new String[] {"interpolate", "--data", g, "--steps-between", "-1", "--out", out});
        List<String> messages = new ArrayList<>();
        for (String[] args : cases) {
            Outcome o = run(args);
            String what = String.join(" ", args) + " -> " + o.err();
            assertThat(o.code()).as(what).isEqualTo(Main.EXIT_BAD_INPUT);
            assertThat(o.err().lines().count()).as(what).isEqualTo(1);
            assertThat(o.err()).as(what).startsWith("score4j: error: ").doesNotContain("\tat ")
                    .doesNotContain("Exception");
            assertThat(Files.list(dir).map(f -> f.getFileName().toString()))
                    .as(what).doesNotContain("out.npy", "out.json");
            messages.add(o.err().trim());
        }
        assertThat(messages.get(0)).contains("shape (5, 3)").contains("(n, 2)");
        assertThat(messages.get(1)).contains("non-finite value (NaN) in row 1");
        assertThat(messages.get(2)).contains("--probes must be a positive integer, got 0");
        assertThat(messages.get(3)).contains("--probes applies to --trace hutchinson only");
        assertThat(messages.get(4)).contains("solver.rtol").contains("(0, 1]");
        assertThat(messages.get(5)).contains("solver.atol");
        assertThat(messages.get(6)).contains("solver.method must be rk45, got euler");
        assertThat(messages.get(7)).contains("unknown trace 'skilling'").contains("exact, hutchinson");
        assertThat(messages.get(8)).contains("rademacher, gaussian");
        assertThat(messages.get(9)).contains("missing.npy: no such file");
        assertThat(messages.get(10)).contains("integer in [0, 3]");
        assertThat(messages.get(16)).contains("--b 9 is not a row").contains("0 to 3");
    }

    private static String[] concat(String[] a, String... b) {
        String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
