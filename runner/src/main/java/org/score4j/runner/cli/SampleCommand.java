package org.score4j.runner.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.score4j.api.ConfigException;
import org.score4j.api.data.DataScaling;
import org.score4j.api.model.Conditioning;
import org.score4j.api.pipeline.PipelineSpec;
import org.score4j.runner.Score4j;
import org.score4j.runner.engine.Pipeline;
import org.score4j.runner.engine.SampleResult;
import org.score4j.runner.io.AtomicFiles;
import org.score4j.runner.io.Json;
import org.score4j.runner.io.Npy;
import org.score4j.runner.io.Provenance;
import org.score4j.runner.io.ImageGrid;
import org.score4j.runner.io.SampleUnits;
import org.score4j.runner.io.ScatterPlot;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code score4j sample}: assembles a pipeline from the built-in default or a pipeline file plus flags, runs
 * it with its events on the Vert.x bus (driving the progress bar and the event log), and writes the samples.
 */
@Command(name = "sample", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Draw samples from a pipeline.",
                "With no options: VP SDE, the built-in 2-D Gaussian mixture, predictor-corrector sampling "
                        + "(reverse diffusion + Langevin), 1000 steps, 1000 samples, seed 0; writes samples.npy "
                        + "and samples.png (with samples.json, the provenance) in the working folder.",
                "Image samples (C, H, W) from a checkpoint are written in the data's units (the manifest's data "
                        + "scaling inverted; byte data in [0, 255], clipped) and drawn as a grid of the first 64; "
                        + "without a recorded scaling they stay in model space and the grid shows [-1, 1].",
                "Classifier-free guidance: --guidance cfg --set guidance.class=C [--set guidance.scale=W] "
                        + "(scale 0 unconditional, 1 class C exactly, > 1 sharper; default 2), on the gmm model or a "
                        + "checkpoint trained with score4j train --cond-dropout P.",
                "Flags override the pipeline file; a flag naming another plugin drops the file's configuration "
                        + "for it; --set entries apply last."})
final class SampleCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Mixin
    PipelineOptions options = new PipelineOptions();

    @Option(names = "--solver", paramLabel = "NAME", description = "Solver: pc or ode (default pc).")
    String solver;

    @Option(names = "--predictor", paramLabel = "NAME",
            description = "Predictor of the pc solver (default reverse-diffusion).")
    String predictor;

    @Option(names = "--corrector", paramLabel = "NAME", description = "Corrector of the pc solver (default langevin).")
    String corrector;

    @Option(names = "--schedule", paramLabel = "NAME", description = "Time grid (default: the solver's own: uniform for pc, ode, ddim; "
            + "quadratic for dpm-solver-pp; karras for edm).")
    String schedule;

    @Option(names = "--steps", paramLabel = "N", description = "Steps of the time grid (default 1000).")
    Integer steps;

    @Option(names = "--n", paramLabel = "N", description = "Number of samples (default 1000).")
    Integer n;

    @Option(names = "--out", paramLabel = "FILE.npy", description = "Samples as float32 .npy of shape [n, ...]; images "
            + "[n, C, H, W] in the data's units when the model's checkpoint records the data scaling (byte data: "
            + "[0, 255], clipped), else in model space.")
    Path out;

    @Option(names = "--png", paramLabel = "FILE.png",
            description = "Picture: for images (C, H, W) a grid (grey for C=1, RGB for C=3); for vectors a scatter "
                    + "plot (2-D) or pairwise projections (more dimensions).")
    Path png;

    @Option(names = "--grid", paramLabel = "N",
            description = "Images: draw at most the first N samples in the PNG grid (default "
                    + ImageGrid.DEFAULT_MAX_IMAGES + ").")
    Integer grid;

    @Option(names = "--grid-columns", paramLabel = "K",
            description = "Images: columns of the PNG grid (default ceil(sqrt(images drawn)): 8 for 64).")
    Integer gridColumns;

    @Option(names = "--events", paramLabel = "FILE.jsonl",
            description = "Every bus event of the run, one JSON object per line (kept for completed runs).")
    Path events;

    @Option(names = "--no-progress", description = "No progress bar (it shows only on a terminal anyway).")
    boolean noProgress;

    @Option(names = "--checkpoint", paramLabel = "DIR",
            description = "Sample a trained model: a checkpoint (or training output) folder of score4j train; "
                    + "its model and SDE replace --model/--sde, which must not contradict it.")
    Path checkpoint;

    @Override
    public Integer call() throws Exception {
        SpecOverrides o = options.overrides();
        o.solver = solver;
        o.predictor = predictor;
        o.corrector = corrector;
        o.schedule = schedule;
        o.steps = steps;
        o.n = n;
        PipelineSpec spec = o.apply(options.base());
        if (checkpoint != null) {
            spec = CheckpointFlags.apply(spec, checkpoint, options.sde, options.model, options.sets);
        }

        Path npy = out;
        Path plot = png;
        if (npy == null && plot == null) {
            npy = Path.of("samples.npy");
            plot = Path.of("samples.png");
        }
        Path provenance = Provenance.pathBeside(npy != null ? npy : plot);
        if (npy != null) {
            AtomicFiles.checkWritable(npy, "--out");
        }
        if (plot != null) {
            AtomicFiles.checkWritable(plot, "--png");
        }
        AtomicFiles.checkWritable(provenance, "provenance file");
        if (events != null) {
            AtomicFiles.checkWritable(events, "--events");
        }

        if (grid != null && grid < 1) {
            throw new ConfigException("invalid value '" + grid + "' for --grid; expected an integer >= 1");
        }
        if (gridColumns != null && gridColumns < 1) {
            throw new ConfigException("invalid value '" + gridColumns + "' for --grid-columns; expected an integer >= 1");
        }
        Optional<DataScaling> scaling = CheckpointFlags.dataScaling(spec);

        Score4j score4j = main.score4j();
        try (Pipeline p = score4j.assemble(spec)) {
            boolean images = p.model().sampleShape().dimension() == 3;
            if (!images && (grid != null || gridColumns != null)) {
                throw new ConfigException((grid != null ? "--grid" : "--grid-columns") + " applies to image samples "
                        + "(C, H, W); model '" + spec.model().name() + "' gives samples of shape "
                        + p.model().sampleShape());
            }
            SampleResult r = BusRun.run(p, Conditioning.NONE, events, noProgress);
            float[] values = r.data();
            Map<String, Object> record = new LinkedHashMap<>(r.provenance());
            if (images) {
                values = scaling.isPresent() ? SampleUnits.toStored(r.data(), scaling.get()) : r.data();
                record.put("values", SampleUnits.describe(scaling.orElse(null)));
            }
            if (npy != null) {
                Npy.write(npy, values, r.shape());
            }
            if (plot != null && images) {
                double[] range = SampleUnits.displayRange(scaling.orElse(DataScaling.IDENTITY));
                ImageGrid g = ImageGrid.of(values, r.shape()).range(range[0], range[1])
                        .maxImages(grid == null ? ImageGrid.DEFAULT_MAX_IMAGES : grid)
                        .columns(gridColumns == null ? 0 : gridColumns);
                g.write(plot);
                Map<String, Object> png = new LinkedHashMap<>();
                png.put("images", g.shown());
                png.put("columns", g.columnCount());
                png.put("range", List.of(range[0], range[1]));
                record.put("png_grid", png);
            } else if (plot != null) {
                ScatterPlot.of(r.data(), r.dimension())
                        .title(String.format(Locale.ROOT, "%d samples: %s, %s", r.n(), spec.sde().name(),
                                spec.solver().name()))
                        .write(plot);
            }
            Json.writeJson(provenance, record);
            StringBuilder wrote = new StringBuilder();
            for (Path f : new Path[] {npy, plot, provenance}) {
                if (f != null) {
                    wrote.append(wrote.length() == 0 ? "" : ", ").append(f);
                }
            }
            String units = !images ? "" : scaling.isPresent() ? ", images in the data's units"
                    + (SampleUnits.isBytes(scaling.get()) ? " [0, 255]" : "") : ", images in model space";
            main.out.printf(Locale.ROOT, "wrote %s (%d samples, nfe %d, %.2f s%s)%n", wrote, r.n(), r.nfe(),
                    r.elapsedSeconds(), units);
        }
        return 0;
    }
}
