package org.score4j.runner.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.score4j.api.Score4jException;
import org.score4j.runner.io.AtomicFiles;
import org.score4j.runner.quality.QualityVsNfe;
import org.score4j.runner.quality.QualityVsNfePlot;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code score4j bench-quality}: sample quality (SW₂ ratio against the exact mixture) of every sampler at a
 * range of score-evaluation budgets, as a Markdown table on stdout and optionally in a file and a PNG plot. The
 * logic is {@link QualityVsNfe}'s; this class only parses flags and writes files.
 */
@Command(name = "bench-quality", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Sample quality versus score evaluations (NFE) on Gaussian mixtures with exact score.",
                "For each sampler and NFE budget, runs the step count that spends the budget and reports the "
                        + "sliced Wasserstein ratio to true samples (about 1 for an exact sampler).",
                "Prints a Markdown table; progress goes to stderr."})
final class BenchQualityCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Option(names = "--n", paramLabel = "N", description = "Samples per run and per true set (default 2000).")
    int n = QualityVsNfe.DEFAULT_N;

    @Option(names = "--seed", paramLabel = "S", description = "Seed of the sampling runs (default 1).")
    long seed = QualityVsNfe.DEFAULT_SEED;

    @Option(names = "--nfe", paramLabel = "B", split = ",",
            description = "NFE budgets, comma-separated (default 5,10,20,50,100,1000).")
    List<Integer> nfe = new ArrayList<>(QualityVsNfe.DEFAULT_TARGETS);

    @Option(names = "--sampler", paramLabel = "ID", split = ",",
            description = "Samplers to run, comma-separated or repeated (default all: ${COMPLETION-CANDIDATES}).",
            completionCandidates = Ids.class)
    List<String> samplers;

    @Option(names = "--rk45-tol", paramLabel = "TOL", split = ",",
            description = "Tolerances (rtol = atol) of ode-rk45 (default 1e-2,1e-3,1e-4,1e-5).")
    List<Double> tolerances = new ArrayList<>(QualityVsNfe.DEFAULT_RK45_TOLERANCES);

    @Option(names = "--8d", description = "Also benchmark the 8-D mixture (4 components).")
    boolean with8d;

    @Option(names = "--markdown", paramLabel = "FILE.md", description = "Write the Markdown page to FILE.")
    Path markdown;

    @Option(names = "--png", paramLabel = "FILE.png", description = "Write the plot (log NFE against SW ratio).")
    Path png;

    /** The sampler ids, for the help text. */
    static final class Ids implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return QualityVsNfe.ids().iterator();
        }
    }

    @Override
    public Integer call() {
        QualityVsNfe.Settings settings = new QualityVsNfe.Settings(n, seed, nfe,
                samplers == null ? QualityVsNfe.ids() : samplers, tolerances, with8d);
        if (markdown != null) {
            AtomicFiles.checkWritable(markdown, "--markdown");
        }
        if (png != null) {
            AtomicFiles.checkWritable(png, "--png");
        }
        Path work = createWorkDir();
        QualityVsNfe.Result result;
        try {
            result = QualityVsNfe.run(main.score4j(), settings, work,
                    line -> main.err.println("bench-quality: " + line));
        } finally {
            deleteTree(work);
        }
        String link = null;
        if (png != null) {
            QualityVsNfePlot.write(result, png);
            Path base = markdown == null ? null : markdown.toAbsolutePath().getParent();
            link = base == null ? png.toString() : base.relativize(png.toAbsolutePath()).toString();
        }
        String page = QualityVsNfe.markdown(result, link);
        main.out.print(page);
        if (markdown != null) {
            byte[] bytes = page.getBytes(StandardCharsets.UTF_8);
            AtomicFiles.write(markdown, out -> out.write(bytes));
        }
        main.err.printf(Locale.ROOT, "bench-quality: done in %.1f s%n", result.seconds());
        return 0;
    }

    private static Path createWorkDir() {
        try {
            return Files.createTempDirectory("score4j-bench-quality");
        } catch (IOException e) {
            throw new Score4jException("cannot create a temporary folder: " + e.getMessage(), e);
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | UncheckedIOException e) {
            // best effort: a leftover temporary folder is harmless
        }
    }
}
