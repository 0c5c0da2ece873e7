package org.score4j.runner.quality;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.score4j.api.ConfigException;
import org.score4j.api.pipeline.PipelineSpec;
import org.score4j.api.pipeline.PluginRef;
import org.score4j.api.sde.Sde;
import org.score4j.model.gmm.GaussianMixture;
import org.score4j.runner.Score4j;
import org.score4j.runner.engine.Cancellation;
import org.score4j.runner.engine.Pipeline;
import org.score4j.runner.engine.RunLoop;
import org.score4j.runner.engine.SampleResult;
import org.score4j.runner.io.Json;

/**
 * Sampling pipelines run on a Gaussian mixture whose score is exact (the {@code gmm} model) and compared with
 * that mixture, so that any difference comes from the sampler: what the sampler quality tests and the
 * quality-versus-NFE benchmark ({@link QualityVsNfe}) share.
 *
 * <p>The samples of a run are compared ({@link Distributions.Reference}) with {@code trueSets} independent sets
 * of {@code n} true samples of the target mixture perturbed to the SDE's t0, the time every sampler stops at,
 * drawn with {@link GaussianMixture#sample(int, long)} and seeds {@code truthSeed}, {@code truthSeed + 1}, ….
 * A reference is built once per perturbed mixture and kept. Mixtures other than the built-in 2-D one reach the
 * {@code gmm} model as JSON spec files ({@code model.spec}), written once per mixture into a working folder
 * that the caller owns.
 *
 * <p>Every run draws its {@code n} samples in one batch, so the run's score evaluations (NFE) are those of one
 * sample path. Thread-safe: references and spec files are kept in concurrent maps.
 */
public final class MixtureQuality {
    /** True sample sets per reference by default. */
    public static final int DEFAULT_TRUE_SETS = 8;
    /** Seed of the first true sample set by default. */
    public static final long DEFAULT_TRUTH_SEED = 100;

    /**
     * Bound on the SW₂ ratio in the sampler quality tests (independent exact sample sets of 2000 gave ratios
     * between 0.76 and 1.55 on the test mixtures).
     */
    public static final double MAX_RATIO = 1.6;
    /** Bound on every component weight error, in binomial standard errors √(w(1 − w)/n). */
    public static final double MAX_WEIGHT_SE = 4.5;
    /** Relative standard errors 1/√(2·n_k·d) allowed in every component spread, ... */
    public static final double SPREAD_SE = 4.5;
    /** ... plus this relative discretization allowance. */
    public static final double SPREAD_BIAS = 0.02;

    /** An 8-D mixture of 4 components with unequal weights and spreads, means 4.6 to 6.1 apart. */
    public static final GaussianMixture MIXTURE_8D = new GaussianMixture(
            new double[] {0.4, 0.3, 0.2, 0.1},
            new double[][] {
                {2, 2, 0, 0, 1, -1, 0, 0},
                {-2, 2, 1, 0, 0, 0, -1, 1},
                {0, -2, -1, 2, 0, 1, 0, 0},
                {1, -1, 0, -2, -1, 0, 2, -1}},
            new double[] {0.5, 0.3, 0.7, 0.4});

    private final Score4j score4j;
    private final int n;
    private final int trueSets;
    private final long truthSeed;
    private final Path workDir;
    private final Map<GaussianMixture, PluginRef> models = new ConcurrentHashMap<>();
    private final Map<GaussianMixture, Distributions.Reference> references = new ConcurrentHashMap<>();

    /**
     * @param score4j runs the pipelines
     * @param n the samples of every run and of every true set, at least 2
     * @param trueSets the true sample sets of a reference, at least 2
     * @param truthSeed the seed of the first true sample set
     * @param workDir an existing folder for the spec files of mixtures other than the built-in one
     */
    public MixtureQuality(Score4j score4j, int n, int trueSets, long truthSeed, Path workDir) {
        this.score4j = Objects.requireNonNull(score4j, "score4j");
        if (n < 2) {
            throw new ConfigException("the quality comparison needs n >= 2 samples, got " + n);
        }
        if (trueSets < 2) {
            throw new ConfigException("the quality comparison needs at least 2 true sample sets, got " + trueSets);
        }
        this.n = n;
        this.trueSets = trueSets;
        this.truthSeed = truthSeed;
        this.workDir = Objects.requireNonNull(workDir, "workDir");
    }

    /** {@link #DEFAULT_TRUE_SETS} true sets from seed {@link #DEFAULT_TRUTH_SEED}. */
    public MixtureQuality(Score4j score4j, int n, Path workDir) {
        this(score4j, n, DEFAULT_TRUE_SETS, DEFAULT_TRUTH_SEED, workDir);
    }

    /** The result of one run: its comparison with the mixture, its score evaluations and its time. */
    public record Outcome(Distributions.Report report, long nfe, double seconds) {}

    /** The samples per run. */
    public int n() {
        return n;
    }

    /** The runner of the pipelines. */
    public Score4j score4j() {
        return score4j;
    }

    /**
     * The {@code gmm} model of {@code mixture}: the built-in one without a spec, any other through a spec file
     * written into the working folder on first use.
     */
    public PluginRef model(GaussianMixture mixture) {
        if (mixture.equals(GaussianMixture.defaultMixture())) {
            return PluginRef.of("gmm");
        }
        return models.computeIfAbsent(mixture, m -> {
            Path file = workDir.resolve("mixture-" + models.size() + "-" + Integer.toHexString(m.hashCode())
                    + ".json");
            writeSpec(file, m);
            return PluginRef.of("gmm").with("spec", file.toString());
        });
    }

    /**
     * The default pipeline on {@code sde} and the exact score of {@code mixture}, {@link #n()} samples in one
     * batch, seed {@code seed}; a sampler completes it.
     */
    public PipelineSpec base(String sde, GaussianMixture mixture, long seed) {
        return PipelineSpec.defaults().withSde(PluginRef.of(sde)).withModel(model(mixture)).withN(n)
                .withBatchSize(n).withSeed(seed);
    }

    /**
     * Runs {@code spec} (of {@link #n()} samples) and compares its samples with {@code target} perturbed to the
     * SDE's t0.
     *
     * @throws org.score4j.runner.engine.RunFailedException when the run fails (e.g. turns NaN)
     */
    public Outcome run(PipelineSpec spec, GaussianMixture target) {
        if (spec.n() != n) {
            throw new ConfigException("the spec draws " + spec.n() + " samples, the references hold " + n);
        }
        try (Pipeline p = score4j.assemble(spec)) {
            SampleResult r = RunLoop.run(p, "quality", e -> { }, new Cancellation());
            Sde sde = p.sde();
            GaussianMixture atT0 = target.perturbed(sde.marginal(sde.t0()));
            Distributions.Report report = reference(atT0).compare(Distributions.rows(r.data(), atT0.dimension()));
            long batches = (spec.n() + spec.batchSize() - 1) / spec.batchSize();
            return new Outcome(report, r.nfe() / batches, r.elapsedSeconds());
        }
    }

    /** The reference of {@code mixture}: its true sample sets, built on first use. */
    public Distributions.Reference reference(GaussianMixture mixture) {
        return references.computeIfAbsent(mixture, m -> {
            List<double[][]> truths = new ArrayList<>();
            for (int j = 0; j < trueSets; j++) {
                truths.add(m.sample(n, truthSeed + j).x());
            }
            return Distributions.Reference.of(mixture(m), truths);
        });
    }

    /**
     * The checks of the sampler quality tests that {@code report} fails: {@code "ratio"} (SW₂ ratio above
     * {@value #MAX_RATIO}), {@code "weights"} (a weight more than {@value #MAX_WEIGHT_SE} standard errors off),
     * {@code "spreads"} (a spread off by more than {@value #SPREAD_SE} standard errors plus {@value #SPREAD_BIAS});
     * empty when it meets every bound.
     */
    public static List<String> failedChecks(Distributions.Report report) {
        List<String> out = new ArrayList<>();
        if (!(report.ratio() <= MAX_RATIO)) {
            out.add("ratio");
        }
        if (!(report.weightErrorSe() <= MAX_WEIGHT_SE)) {
            out.add("weights");
        }
        if (!(report.spreadExcess(SPREAD_SE, SPREAD_BIAS) <= 0)) {
            out.add("spreads");
        }
        return out;
    }

    /** The plain-array form of a mixture that {@link Distributions} compares with. */
    public static Distributions.Mixture mixture(GaussianMixture g) {
        return new Distributions.Mixture(g.weights(), g.means(), g.stds());
    }

    /** Writes {@code mixture} as a {@code gmm} spec file {@code {"weights": …, "means": …, "stds": …}}. */
    public static void writeSpec(Path file, GaussianMixture mixture) {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("weights", mixture.weights());
        spec.put("means", mixture.means());
        spec.put("stds", mixture.stds());
        Json.writeJson(file, spec);
    }
}
