package org.score4j.runner.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.score4j.api.ConfigException;
import org.score4j.runner.Score4j;
import org.score4j.runner.cli.Main;

/**
 * The quality-versus-NFE benchmark end to end on small sizes: the step counts it picks for a budget, a run of
 * two samplers at two budgets (table shape, measured NFE, Markdown, plot), and the {@code bench-quality}
 * command.
 */
class QualityVsNfeTest {
    @TempDir
    Path dir;

    private static final Map<String, QualityVsNfe.Sampler> SAMPLERS = QualityVsNfe.samplers().stream()
            .collect(Collectors.toMap(QualityVsNfe.Sampler::id, Function.identity()));

    @Test
    void choosesTheStepsThatSpendABudget() {
        assertThat(SAMPLERS.get("dpm-solver-pp").stepsFor(20)).contains(20);
        assertThat(SAMPLERS.get("ode-heun").stepsFor(20)).contains(10);
        assertThat(SAMPLERS.get("pc").stepsFor(1000)).contains(500);
        // EDM's last step is an Euler step: 2N − 1 evaluations
        assertThat(SAMPLERS.get("edm").nfe(10)).isEqualTo(19);
        assertThat(SAMPLERS.get("edm").stepsFor(20)).contains(10);
        assertThat(SAMPLERS.get("edm").stepsFor(5)).contains(3);
        // within max(1, 10%) of the budget, or left out
        assertThat(SAMPLERS.get("ode-rk4").stepsFor(5)).contains(1);
        assertThat(SAMPLERS.get("ode-rk4").stepsFor(10)).isEmpty();
        assertThat(SAMPLERS.get("ode-rk4").stepsFor(50)).contains(12);
        assertThat(SAMPLERS.get("ode-rk4").stepsFor(3)).isEmpty();
        // ddim takes at most the ddpm SDE's 1000 timesteps
        assertThat(SAMPLERS.get("ddim").stepsFor(1000)).contains(1000);
        assertThat(SAMPLERS.get("ddim").stepsFor(2000)).isEmpty();
        assertThat(QualityVsNfe.ids()).hasSize(SAMPLERS.size() + 1).contains(QualityVsNfe.RK45);
    }

    @Test
    void runsTwoSamplersAtTwoBudgets() {
        QualityVsNfe.Settings settings = new QualityVsNfe.Settings(500, 1, List.of(5, 20),
                List.of("dpm-solver-pp", "edm"), List.of(), false);
        QualityVsNfe.Result r = QualityVsNfe.run(Score4j.create(null), settings, dir, line -> { });

        assertThat(r.samplers()).extracting(QualityVsNfe.Sampler::id).containsExactly("dpm-solver-pp", "edm");
        assertThat(r.tables()).hasSize(1);
        QualityVsNfe.Table t = r.tables().get(0);
        assertThat(t.dimension()).isEqualTo(2);
        assertThat(t.rk45()).isEmpty();
        assertThat(t.noiseFloor()).isPositive();
        assertThat(t.cells()).hasSize(4).allSatisfy(c -> {
            assertThat(c.ok()).as(c.toString()).isTrue();
            assertThat(c.nfe()).isEqualTo(SAMPLERS.get(c.sampler()).nfe(c.steps())).isLessThanOrEqualTo(c.target());
            assertThat(c.ratio()).isPositive().isFinite();
        });
        assertThat(t.cell("edm", 20).orElseThrow().nfe()).isEqualTo(19);
        double coarse = t.cell("dpm-solver-pp", 5).orElseThrow().ratio();
        double fine = t.cell("dpm-solver-pp", 20).orElseThrow().ratio();
        assertThat(fine).as("dpm-solver-pp: 20 evaluations vs 5").isLessThan(coarse);
        assertThat(t.cell("dpm-solver-pp", 20).orElseThrow().failedChecks()).isEmpty();

        String md = QualityVsNfe.markdown(r, "plot.png");
        List<String> rows = Arrays.stream(md.split("\n")).filter(l -> l.startsWith("|")).toList();
        assertThat(rows).hasSize(4);
        assertThat(rows.get(0)).isEqualTo("| sampler | SDE | grid | NFE per step | 5 | 20 |");
        assertThat(rows.get(1)).isEqualTo("|---|---|---|---:|---:|---:|");
        assertThat(rows.get(2)).startsWith("| dpm-solver-pp (2M) | vp | logsnr | 1 |");
        assertThat(rows.get(3)).startsWith("| edm (Heun) | vp | karras | 2 (−1 per run) |").contains("(19)");
        assertThat(rows).allSatisfy(l -> assertThat(l.chars().filter(ch -> ch == '|').count()).isEqualTo(7));
        assertThat(md).contains("![SW₂ ratio against NFE](plot.png)").contains("n = 500")
                .contains("`score4j bench-quality --n 500 --seed 1 --nfe 5,20 --sampler dpm-solver-pp,edm`");

        BufferedImage img = QualityVsNfePlot.render(r);
        assertThat(img.getWidth()).isEqualTo(QualityVsNfePlot.PANEL_WIDTH);
        assertThat(img.getHeight()).isEqualTo(QualityVsNfePlot.HEIGHT);
    }

    @Test
    void leftOutAndFailedCellsRead() {
        QualityVsNfe.Cell none = new QualityVsNfe.Cell("ode-rk4", 10, 0, 0, Double.NaN, List.of(), 0, null);
        QualityVsNfe.Cell failed = new QualityVsNfe.Cell("ode-euler", 5, 5, 5, Double.NaN, List.of(), 0, "NaN");
        QualityVsNfe.Cell good = new QualityVsNfe.Cell("pc", 5, 2, 4, 1.234, List.of(), 0, null);
        QualityVsNfe.Cell bad = new QualityVsNfe.Cell("pc", 20, 10, 20, 12.34, List.of("ratio"), 0, null);
        assertThat(QualityVsNfe.cellText(none)).isEqualTo("—");
        assertThat(QualityVsNfe.cellText(failed)).isEqualTo("failed");
        assertThat(QualityVsNfe.cellText(good)).isEqualTo("**1.23** (4)");
        assertThat(QualityVsNfe.cellText(bad)).isEqualTo("12.3");
    }

    @Test
    void settingsAreChecked() {
        assertThatThrownBy(() -> new QualityVsNfe.Settings(1, 0, List.of(5), List.of("edm"), List.of(), false))
                .isInstanceOf(ConfigException.class).hasMessageContaining("--n");
        assertThatThrownBy(() -> new QualityVsNfe.Settings(10, 0, List.of(5), List.of("heun"), List.of(), false))
                .isInstanceOf(ConfigException.class).hasMessageContaining("unknown sampler 'heun'")
                .hasMessageContaining("ode-heun");
        assertThatThrownBy(() -> new QualityVsNfe.Settings(10, 0, List.of(0), List.of("edm"), List.of(), false))
                .isInstanceOf(ConfigException.class);
    }

    @Test
    void theCommandPrintsTheTableAndWritesThePageAndThePlot() throws Exception {
        Path md = dir.resolve("q.md");
        Path png = dir.resolve("q.png");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"bench-quality", "--n", "200", "--nfe", "5", "--sampler",
            "dpm-solver-pp,ode-rk45", "--rk45-tol", "1e-2", "--markdown", md.toString(), "--png", png.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        String stdout = out.toString(StandardCharsets.UTF_8);
        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(stdout).contains("| dpm-solver-pp (2M) | vp | logsnr | 1 |").contains("| 1e-02 |")
                .contains("![SW₂ ratio against NFE](q.png)");
        assertThat(Files.readString(md)).isEqualTo(stdout);
        byte[] head = Arrays.copyOf(Files.readAllBytes(png), 4);
        assertThat(head).containsExactly(0x89, 'P', 'N', 'G');
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("bench-quality: d=2 dpm-solver-pp");

        ByteArrayOutputStream err2 = new ByteArrayOutputStream();
        int bad = Main.run(new String[] {"bench-quality", "--sampler", "nope"},
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(err2, true, StandardCharsets.UTF_8));
        assertThat(bad).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(err2.toString(StandardCharsets.UTF_8).strip()).startsWith("score4j: error: unknown sampler 'nope'")
                .doesNotContain("\n");
    }
}
