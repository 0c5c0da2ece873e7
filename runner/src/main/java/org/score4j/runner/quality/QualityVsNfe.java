package org.score4j.runner.quality;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.score4j.api.ConfigException;
import org.score4j.api.pipeline.PipelineSpec;
import org.score4j.api.pipeline.PluginRef;
import org.score4j.model.gmm.GaussianMixture;
import org.score4j.runner.Score4j;
import org.score4j.runner.engine.RunFailedException;
import org.score4j.runner.engine.Versions;

/**
 * Sample quality against the number of score evaluations (NFE), the logic of {@code score4j bench-quality}: for
 * every sampler and every NFE budget, the step count that spends the budget, one run of it on a Gaussian mixture
 * whose score is exact, and the SW₂ ratio of its samples ({@link Distributions.Reference}: the sliced Wasserstein
 * distance to true sample sets in units of the distance between true sets, about 1 for an exact sampler; the
 * sampler quality tests allow at most 1.6), together with whether the samples meet every bound of those tests
 * ({@link MixtureQuality#failedChecks}: ratio, component weights, component spreads).
 *
 * <p><b>Budgets.</b> A fixed-step sampler spends {@code perStep · steps + offset} evaluations (see
 * {@link Sampler}); for a budget B it runs the largest step count whose NFE does not exceed B, provided that NFE
 * comes within max(1, B/10) of B, and otherwise leaves the cell out (e.g. RK4, 4 per step, cannot spend 10). The
 * measured NFE is recorded with every cell. The adaptive Dormand–Prince solver ({@code ode}, {@code rk45}) has no
 * step count to choose: it runs at each of a list of tolerances (rtol = atol) and reports the NFE it used.
 *
 * <p><b>Targets.</b> The built-in 2-D mixture ({@link GaussianMixture#defaultMixture()}) and optionally
 * {@link MixtureQuality#MIXTURE_8D}; every run draws {@code n} samples in one batch with the run seed, and is
 * compared with {@value MixtureQuality#DEFAULT_TRUE_SETS} true sets of {@code n} samples of the mixture perturbed
 * to the SDE's t0 ({@link MixtureQuality}).
 *
 * <p>A run that fails (e.g. turns NaN with too few steps) gives a failed cell, not an error. Stateless; the
 * static methods are thread-safe.
 */
public final class QualityVsNfe {
    /** NFE budgets by default. */
    public static final List<Integer> DEFAULT_TARGETS = List.of(5, 10, 20, 50, 100, 1000);
    /** Tolerances (rtol = atol) of the adaptive solver by default. */
    public static final List<Double> DEFAULT_RK45_TOLERANCES = List.of(1e-2, 1e-3, 1e-4, 1e-5);
    /** Samples per run by default. */
    public static final int DEFAULT_N = 2000;
    /** Run seed by default (the seed of the sampler quality tests). */
    public static final long DEFAULT_SEED = 1;
    /** The id of the adaptive solver in {@link Settings#samplers()}. */
    public static final String RK45 = "ode-rk45";

    private QualityVsNfe() {}

    /**
     * A fixed-step sampler of the benchmark.
     *
     * @param id the short name used on the command line, e.g. {@code edm}
     * @param label the name shown in tables and plots
     * @param sde the SDE plugin it runs on
     * @param grid how its time steps are chosen, for the table
     * @param perStep score evaluations per step
     * @param offset evaluations added to {@code perStep · steps} (−1 for EDM, whose last step is an Euler step)
     * @param maxSteps the largest step count it accepts
     * @param configure completes a base spec (SDE, model, sizes) with solver, predictor, corrector and schedule
     */
    public record Sampler(String id, String label, String sde, String grid, int perStep, int offset, int maxSteps,
            UnaryOperator<PipelineSpec> configure) {
        public Sampler {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(configure, "configure");
            if (perStep < 1 || maxSteps < 1) {
                throw new IllegalArgumentException("perStep and maxSteps must be positive");
            }
        }

        /** The score evaluations of a run of {@code steps} steps. */
        public int nfe(int steps) {
            return perStep * steps + offset;
        }

        /**
         * The step count for a budget of {@code target} evaluations: the largest whose NFE does not exceed it, if
         * that NFE comes within max(1, target/10) of it; otherwise empty.
         */
        public Optional<Integer> stepsFor(int target) {
            int steps = Math.min(maxSteps, Math.floorDiv(target - offset, perStep));
            if (steps < 1 || target - nfe(steps) > Math.max(1, target / 10)) {
                return Optional.empty();
            }
            return Optional.of(steps);
        }

        @Override
        public String toString() {
            return id;
        }
    }

    /** The fixed-step samplers, in table order. */
    public static List<Sampler> samplers() {
        PluginRef uniform = PluginRef.of("uniform");
        return List.of(
                new Sampler("pc", "pc reverse-diffusion + langevin", "vp", "uniform", 2, 0, Integer.MAX_VALUE,
                        s -> s.withSolver(PluginRef.of("pc")).withPredictor(PluginRef.of("reverse-diffusion"))
                                .withCorrector(PluginRef.of("langevin")).withSchedule(uniform)),
                new Sampler("pc-em", "pc euler-maruyama", "vp", "uniform", 1, 0, Integer.MAX_VALUE,
                        s -> s.withSolver(PluginRef.of("pc")).withPredictor(PluginRef.of("euler-maruyama"))
                                .withCorrector(PluginRef.of("none")).withSchedule(uniform)),
                ode("euler", 1),
                ode("heun", 2),
                ode("rk4", 4),
                new Sampler("ddim", "ddim", "ddpm", "leading timesteps", 1, 0, 1000,
                        s -> s.withSolver(PluginRef.of("ddim")).withSchedule(uniform)),
                dpm("logsnr"),
                dpm("quadratic"),
                dpm("karras"),
                new Sampler("edm", "edm (Heun)", "vp", "karras", 2, -1, Integer.MAX_VALUE,
                        s -> s.withSolver(PluginRef.of("edm")).withSchedule(PluginRef.of("karras"))));
    }

    private static Sampler ode(String method, int perStep) {
        return new Sampler("ode-" + method, "ode " + method, "vp", "uniform", perStep, 0, Integer.MAX_VALUE,
                s -> s.withSolver(PluginRef.of("ode").with("method", method)).withSchedule(PluginRef.of("uniform")));
    }

    private static Sampler dpm(String grid) {
        String id = grid.equals("logsnr") ? "dpm-solver-pp" : "dpm-solver-pp-" + grid;
        return new Sampler(id, "dpm-solver-pp (2M)", "vp", grid, 1, 0, Integer.MAX_VALUE,
                s -> s.withSolver(PluginRef.of("dpm-solver-pp")).withSchedule(PluginRef.of(grid)));
    }

    /** The ids a {@link Settings} may name: the fixed-step samplers and {@value #RK45}. */
    public static List<String> ids() {
        List<String> ids = new ArrayList<>();
        samplers().forEach(s -> ids.add(s.id()));
        ids.add(RK45);
        return ids;
    }

    /**
     * What to run.
     *
     * @param n samples per run and per true set, at least 2
     * @param seed the run seed
     * @param targets NFE budgets, positive, in column order
     * @param samplers ids of the samplers to run ({@link #ids()}), in row order
     * @param rk45Tolerances tolerances of {@value #RK45} when it is among the samplers, each in (0, 1)
     * @param with8d whether the 8-D mixture is benchmarked after the 2-D one
     */
    public record Settings(int n, long seed, List<Integer> targets, List<String> samplers,
            List<Double> rk45Tolerances, boolean with8d) {
        /** Checks the values; throws {@link ConfigException} with a one-line message. */
        public Settings {
            if (n < 2) {
                throw new ConfigException("--n must be at least 2, got " + n);
            }
            targets = List.copyOf(new LinkedHashSet<>(targets));
            samplers = List.copyOf(new LinkedHashSet<>(samplers));
            rk45Tolerances = List.copyOf(new LinkedHashSet<>(rk45Tolerances));
            if (targets.isEmpty()) {
                throw new ConfigException("give at least one NFE target");
            }
            for (int t : targets) {
                if (t < 1) {
                    throw new ConfigException("NFE targets must be positive, got " + t);
                }
            }
            if (samplers.isEmpty()) {
                throw new ConfigException("give at least one sampler; available: " + String.join(", ", ids()));
            }
            for (String s : samplers) {
                if (!ids().contains(s)) {
                    throw new ConfigException("unknown sampler '" + s + "'; available: " + String.join(", ", ids()));
                }
            }
            for (double tol : rk45Tolerances) {
                if (!(tol > 0 && tol < 1)) {
                    throw new ConfigException("rk45 tolerances must lie in (0, 1), got " + tol);
                }
            }
        }

        /** Every sampler, the default budgets and tolerances, the 2-D mixture only. */
        public static Settings defaults() {
            return new Settings(DEFAULT_N, DEFAULT_SEED, DEFAULT_TARGETS, ids(), DEFAULT_RK45_TOLERANCES, false);
        }
    }

    /**
     * One fixed-step sampler at one budget.
     *
     * @param sampler the sampler's id
     * @param target the NFE budget
     * @param steps the step count run, 0 when no step count fits the budget (the cell is left out)
     * @param nfe the measured score evaluations per sample (0 when left out)
     * @param ratio the SW₂ ratio (NaN when left out or failed)
     * @param failedChecks the checks of the sampler quality tests the samples fail
     *     ({@link MixtureQuality#failedChecks}; empty when they meet every bound or the cell holds no run)
     * @param seconds the run's time
     * @param failure why the run failed, or {@code null}
     */
    public record Cell(String sampler, int target, int steps, long nfe, double ratio, List<String> failedChecks,
            double seconds, String failure) {
        public Cell {
            failedChecks = List.copyOf(failedChecks);
        }

        /** Whether a step count fits the budget. */
        public boolean matched() {
            return steps > 0;
        }

        /** Whether the cell holds a ratio. */
        public boolean ok() {
            return matched() && failure == null;
        }

        /** Whether the samples meet every bound of the sampler quality tests (ratio, weights, spreads). */
        public boolean meetsBounds() {
            return ok() && failedChecks.isEmpty();
        }
    }

    /**
     * One run of the adaptive solver.
     *
     * @param tolerance rtol = atol
     * @param nfe the measured score evaluations per sample
     * @param ratio the SW₂ ratio (NaN when failed)
     * @param failedChecks the checks of the sampler quality tests the samples fail (empty when they meet every
     *     bound or the run failed)
     * @param seconds the run's time
     * @param failure why the run failed, or {@code null}
     */
    public record AdaptiveRun(double tolerance, long nfe, double ratio, List<String> failedChecks, double seconds,
            String failure) {
        public AdaptiveRun {
            failedChecks = List.copyOf(failedChecks);
        }

        /** Whether the samples meet every bound of the sampler quality tests. */
        public boolean meetsBounds() {
            return failure == null && failedChecks.isEmpty();
        }
    }

    /**
     * The results on one mixture.
     *
     * @param mixture its description, e.g. {@code "2-D mixture"}
     * @param dimension d
     * @param noiseFloor the RMS SW₂ between true sets of the first reference used, the unit of the ratios (NaN
     *     when no run succeeded); the references of different SDEs differ only by the tiny noise at their t0
     * @param cells the fixed-step cells, by sampler then budget
     * @param rk45 the adaptive runs, by tolerance
     * @param seconds the time spent on this mixture
     */
    public record Table(String mixture, int dimension, double noiseFloor, List<Cell> cells, List<AdaptiveRun> rk45,
            double seconds) {
        public Table {
            cells = List.copyOf(cells);
            rk45 = List.copyOf(rk45);
        }

        /** The cell of {@code sampler} at budget {@code target}. */
        public Optional<Cell> cell(String sampler, int target) {
            return cells.stream().filter(c -> c.sampler().equals(sampler) && c.target() == target).findFirst();
        }
    }

    /**
     * A finished benchmark.
     *
     * @param settings what was run
     * @param samplers the fixed-step samplers run, in row order
     * @param tables one per mixture
     * @param seconds the total time
     */
    public record Result(Settings settings, List<Sampler> samplers, List<Table> tables, double seconds) {
        public Result {
            samplers = List.copyOf(samplers);
            tables = List.copyOf(tables);
        }
    }

    /**
     * Runs the benchmark.
     *
     * @param workDir an existing folder for the 8-D mixture's spec file
     * @param progress receives one line per run (e.g. for stderr)
     */
    public static Result run(Score4j score4j, Settings settings, Path workDir, Consumer<String> progress) {
        long start = System.nanoTime();
        List<Sampler> chosen = new ArrayList<>();
        for (Sampler s : samplers()) {
            if (settings.samplers().contains(s.id())) {
                chosen.add(s);
            }
        }
        // the order of the settings
        chosen.sort((a, b) -> settings.samplers().indexOf(a.id()) - settings.samplers().indexOf(b.id()));
        MixtureQuality quality = new MixtureQuality(score4j, settings.n(), workDir);
        List<Table> tables = new ArrayList<>();
        tables.add(table(quality, "2-D mixture", GaussianMixture.defaultMixture(), chosen, settings, progress));
        if (settings.with8d()) {
            tables.add(table(quality, "8-D mixture", MixtureQuality.MIXTURE_8D, chosen, settings, progress));
        }
        return new Result(settings, chosen, tables, seconds(start));
    }

    private static Table table(MixtureQuality quality, String name, GaussianMixture mixture, List<Sampler> samplers,
            Settings settings, Consumer<String> progress) {
        long start = System.nanoTime();
        int d = mixture.dimension();
        double floor = Double.NaN;
        List<Cell> cells = new ArrayList<>();
        for (Sampler s : samplers) {
            for (int target : settings.targets()) {
                Optional<Integer> steps = s.stepsFor(target);
                if (steps.isEmpty()) {
                    cells.add(new Cell(s.id(), target, 0, 0, Double.NaN, List.of(), 0, null));
                    continue;
                }
                PipelineSpec spec = s.configure().apply(quality.base(s.sde(), mixture, settings.seed()))
                        .withSteps(steps.get());
                Cell c;
                long t0 = System.nanoTime();
                try {
                    MixtureQuality.Outcome o = quality.run(spec, mixture);
                    floor = Double.isNaN(floor) ? o.report().noiseFloor() : floor;
                    c = new Cell(s.id(), target, steps.get(), o.nfe(), o.report().ratio(),
                            MixtureQuality.failedChecks(o.report()), o.seconds(), null);
                } catch (RunFailedException e) {
                    c = new Cell(s.id(), target, steps.get(), s.nfe(steps.get()), Double.NaN, List.of(),
                            seconds(t0), e.getMessage());
                }
                cells.add(c);
                progress.accept(String.format(Locale.ROOT, "d=%d %-22s budget %4d: %4d steps, nfe %4d, %s (%.1f s)",
                        d, s.id(), target, c.steps(), c.nfe(), outcome(c.ratio(), c.failedChecks(), c.failure()),
                        c.seconds()));
            }
        }
        List<AdaptiveRun> adaptive = new ArrayList<>();
        if (settings.samplers().contains(RK45)) {
            for (double tol : settings.rk45Tolerances()) {
                String v = Double.toString(tol);
                PipelineSpec spec = quality.base("vp", mixture, settings.seed()).withSolver(PluginRef.of("ode")
                        .with("method", "rk45").with("rtol", v).with("atol", v)).withSteps(1);
                AdaptiveRun a;
                long t0 = System.nanoTime();
                try {
                    MixtureQuality.Outcome o = quality.run(spec, mixture);
                    floor = Double.isNaN(floor) ? o.report().noiseFloor() : floor;
                    a = new AdaptiveRun(tol, o.nfe(), o.report().ratio(), MixtureQuality.failedChecks(o.report()),
                            o.seconds(), null);
                } catch (RunFailedException e) {
                    a = new AdaptiveRun(tol, 0, Double.NaN, List.of(), seconds(t0), e.getMessage());
                }
                adaptive.add(a);
                progress.accept(String.format(Locale.ROOT, "d=%d %-22s tol %.0e: nfe %4d, %s (%.1f s)", d,
                        RK45, tol, a.nfe(), outcome(a.ratio(), a.failedChecks(), a.failure()), a.seconds()));
            }
        }
        return new Table(name, d, floor, cells, adaptive, seconds(start));
    }

    /**
     * The result as a Markdown page: settings and timing, one table of SW₂ ratios per mixture (a row per
     * sampler, a column per budget), the adaptive runs, and the plot when {@code pngLink} is given.
     */
    public static String markdown(Result r, String pngLink) {
        Settings s = r.settings();
        StringBuilder b = new StringBuilder();
        b.append("# Sample quality versus score evaluations\n\n");
        b.append(String.format(Locale.ROOT,
                "Generated by `%s` (score4j %s): n = %d samples per run, seed %d, %d true sets per reference; "
                        + "%.0f s in all.\n\n",
                command(s), Versions.score4j(), s.n(), s.seed(), MixtureQuality.DEFAULT_TRUE_SETS, r.seconds()));
        b.append("Each cell is the SW₂ ratio of one run: the sliced Wasserstein distance of its samples to true "
                + "samples of the mixture, in units of the distance between two true sample sets (about 1 for an "
                + "exact sampler). Every sampler integrates the exact score of the mixture, so the ratio measures "
                + "the sampler alone. **Bold**: the samples meet every bound of the sampler quality tests, those the "
                + "1000-step predictor-corrector sampler meets (SW₂ ratio ≤ 1.6, component weights within 4.5 "
                + "standard errors, component spreads within 4.5 standard errors + 2%). A column is a budget of "
                + "score evaluations (NFE): the sampler runs the largest step count whose NFE does not exceed it, "
                + "and the cell shows the NFE in parentheses when it falls short of the budget; — : no step count "
                + "comes within 10% of the budget.\n");
        for (Table t : r.tables()) {
            b.append(String.format(Locale.ROOT, "%n## %s (d = %d)%n%n", t.mixture(), t.dimension()));
            b.append(String.format(Locale.ROOT, "Noise floor (SW₂ between true sets): %.4f; %.0f s.%n%n",
                    t.noiseFloor(), t.seconds()));
            b.append("| sampler | SDE | grid | NFE per step |");
            StringBuilder rule = new StringBuilder("|---|---|---|---:|");
            for (int target : s.targets()) {
                b.append(" ").append(target).append(" |");
                rule.append("---:|");
            }
            b.append('\n').append(rule).append('\n');
            for (Sampler sm : r.samplers()) {
                String perStep = sm.offset() == 0 ? Integer.toString(sm.perStep())
                        : sm.perStep() + " (" + (sm.offset() > 0 ? "+" : "−") + Math.abs(sm.offset()) + " per run)";
                b.append("| ").append(sm.label()).append(" | ").append(sm.sde()).append(" | ").append(sm.grid())
                        .append(" | ").append(perStep).append(" |");
                for (int target : s.targets()) {
                    b.append(' ').append(t.cell(sm.id(), target).map(QualityVsNfe::cellText).orElse("")).append(" |");
                }
                b.append('\n');
            }
            if (!t.rk45().isEmpty()) {
                b.append("\nAdaptive Dormand–Prince (`ode`, `method=rk45`, vp):\n\n");
                b.append("| rtol = atol | NFE | SW₂ ratio |\n|---:|---:|---:|\n");
                for (AdaptiveRun a : t.rk45()) {
                    String v = a.failure() == null ? ratioText(a.ratio()) : "failed";
                    b.append(String.format(Locale.ROOT, "| %.0e | %d | %s |%n", a.tolerance(), a.nfe(),
                            a.meetsBounds() ? "**" + v + "**" : v));
                }
            }
        }
        if (pngLink != null) {
            b.append("\n![SW₂ ratio against NFE](").append(pngLink).append(")\n");
        }
        return b.toString();
    }

    /** The command line that runs {@code s}. */
    static String command(Settings s) {
        StringBuilder b = new StringBuilder("score4j bench-quality --n ").append(s.n()).append(" --seed ")
                .append(s.seed());
        if (!s.targets().equals(DEFAULT_TARGETS)) {
            b.append(" --nfe ").append(String.join(",", s.targets().stream().map(String::valueOf).toList()));
        }
        if (!s.samplers().equals(ids())) {
            b.append(" --sampler ").append(String.join(",", s.samplers()));
        }
        if (s.samplers().contains(RK45) && !s.rk45Tolerances().equals(DEFAULT_RK45_TOLERANCES)) {
            b.append(" --rk45-tol ").append(String.join(",", s.rk45Tolerances().stream().map(String::valueOf)
                    .toList()));
        }
        return s.with8d() ? b.append(" --8d").toString() : b.toString();
    }

    /** The text of a cell: the ratio, with the NFE when it falls short of the budget; — when left out. */
    static String cellText(Cell c) {
        if (!c.matched()) {
            return "—";
        }
        String value = c.failure() == null ? ratioText(c.ratio()) : "failed";
        if (c.meetsBounds()) {
            value = "**" + value + "**";
        }
        return c.nfe() == c.target() ? value : value + " (" + c.nfe() + ")";
    }

    static String ratioText(double ratio) {
        if (!Double.isFinite(ratio)) {
            return "n/a";
        }
        return String.format(Locale.ROOT, ratio < 10 ? "%.2f" : ratio < 100 ? "%.1f" : "%.0f", ratio);
    }

    private static String outcome(double ratio, List<String> failedChecks, String failure) {
        if (failure != null) {
            return failure;
        }
        return String.format(Locale.ROOT, "SW ratio %.3f, %s", ratio,
                failedChecks.isEmpty() ? "meets the bounds" : "fails " + String.join(", ", failedChecks));
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }
}
