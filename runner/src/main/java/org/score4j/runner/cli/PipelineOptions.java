package org.score4j.runner.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.score4j.api.pipeline.PipelineSpec;
import org.score4j.runner.io.PipelineFile;
import picocli.CommandLine.Option;

/**
 * The options that choose a pipeline's forward process, model and plugin settings, its seed and batch size:
 * a picocli mixin shared by {@code sample}, {@code likelihood}, {@code encode}, {@code decode} and
 * {@code interpolate}.
 */
final class PipelineOptions {
    @Option(names = "--pipeline", paramLabel = "FILE", description = "A YAML or JSON pipeline file.")
    Path pipeline;

    @Option(names = "--sde", paramLabel = "NAME", description = "Forward SDE (default vp).")
    String sde;

    @Option(names = "--model", paramLabel = "NAME", description = "Score model (default gmm).")
    String model;

    @Option(names = "--guidance", paramLabel = "NAME",
            description = "Guidance of the score, e.g. cfg (classifier-free) or classifier, configured with --set "
                    + "guidance.key=value (e.g. --set guidance.class=3 --set guidance.scale=2); replaces the "
                    + "pipeline file's guidances (default none).")
    String guidance;

    @Option(names = "--seed", paramLabel = "S",
            description = "Seed of the per-sample noise (default 0). Same seed, same bits.")
    Long seed;

    @Option(names = "--batch-size", paramLabel = "B",
            description = "Samples computed together (default 10000); does not change the result.")
    Integer batchSize;

    @Option(names = "--set", paramLabel = "KIND.KEY=VALUE",
            description = "A plugin setting, e.g. --set solver.rtol=1e-6 or --set model.spec=mix.json "
                    + "(kinds: sde, model, solver, predictor, corrector, schedule, guidance). Repeatable.")
    List<String> sets = new ArrayList<>();

    /** The pipeline file's spec, or the built-in default when no file is given. */
    PipelineSpec base() {
        return pipeline == null ? PipelineSpec.defaults() : PipelineFile.read(pipeline);
    }

    /** The flags of this mixin as overrides; commands add their own. */
    SpecOverrides overrides() {
        SpecOverrides o = new SpecOverrides();
        o.sde = sde;
        o.model = model;
        o.guidance = guidance;
        o.seed = seed;
        o.batchSize = batchSize;
        o.sets = sets;
        return o;
    }
}
