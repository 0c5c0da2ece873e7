package org.score4j.runner.cli;

import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.score4j.api.ConfigException;
import org.score4j.api.Score4jException;
import org.score4j.api.inverse.MeasurementOperator;
import org.score4j.api.model.Conditioning;
import org.score4j.api.pipeline.PipelineSpec;
import org.score4j.api.pipeline.PluginRef;
import org.score4j.runner.engine.InverseSpec;
import org.score4j.runner.engine.Pipeline;
import org.score4j.runner.engine.SampleResult;
import org.score4j.runner.io.AtomicFiles;
import org.score4j.runner.io.Json;
import org.score4j.runner.io.Npy;
import org.score4j.runner.io.NpyArray;
import org.score4j.runner.io.Provenance;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code score4j inverse}: posterior samples x ~ p(x | y) for every row y of a measurement file, with the
 * pipeline's model as the prior, an operator plugin as the measurement and a method plugin as the way to
 * condition on it. All rows are sampled in one run; the output holds the {@code --n} samples of row 0, then
 * those of row 1, and so on.
 */
@Command(name = "inverse", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Solve an inverse problem: draw --n posterior samples x ~ p(x | y) for every row y of "
                + "--measurement, with the pipeline's model as the prior.",
                "The operator (inpaint, super-resolution, deblur, colorize, tomography, matrix) is bound to the "
                        + "model's samples and configured with --set operator.KEY=VALUE as for score4j measure (give "
                        + "the same settings, operator.noise included). The method is projection (measurement-"
                        + "consistent replacement after every step; linear operators, pc solver) or dps (diffusion "
                        + "posterior sampling; needs operator.noise > 0; any solver), configured with "
                        + "--set method.KEY=VALUE.",
                "Writes X.npy (float32, shape [rows*n, ...sample shape], in the model's space: samples i*n to "
                        + "i*n+n-1 belong to measurement row i) and X.json (the provenance). Sampling flags and the "
                        + "pipeline file apply as for score4j sample; the pipeline's n is replaced by rows*n."})
final class InverseCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Mixin
    PipelineOptions options = new PipelineOptions();

    @Option(names = "--operator", required = true, paramLabel = "NAME",
            description = "Measurement operator: inpaint, super-resolution, deblur, colorize, tomography or matrix.")
    String operator;

    @Option(names = "--method", required = true, paramLabel = "NAME",
            description = "Posterior sampling method: projection or dps.")
    String method;

    @Option(names = "--measurement", required = true, paramLabel = "Y.npy",
            description = "Measurements, one per row: shape [rows, ...measurement shape of the operator] (as "
                    + "written by score4j measure).")
    Path measurement;

    @Option(names = "--n", paramLabel = "N", description = "Posterior samples per measurement row (default 1).")
    int n = 1;

    @Option(names = "--out", required = true, paramLabel = "X.npy",
            description = "Posterior samples, float32 of shape [rows*n, ...sample shape].")
    Path out;

    @Option(names = "--solver", paramLabel = "NAME", description = "Solver (default pc; projection needs pc).")
    String solver;

    @Option(names = "--predictor", paramLabel = "NAME",
            description = "Predictor of the pc solver (default reverse-diffusion).")
    String predictor;

    @Option(names = "--corrector", paramLabel = "NAME", description = "Corrector of the pc solver (default langevin).")
    String corrector;

    @Option(names = "--schedule", paramLabel = "NAME", description = "Time grid (default: the solver's own).")
    String schedule;

    @Option(names = "--steps", paramLabel = "N", description = "Steps of the time grid (default 1000).")
    Integer steps;

    @Option(names = "--events", paramLabel = "FILE.jsonl",
            description = "Every bus event of the run, one JSON object per line (kept for completed runs).")
    Path events;

    @Option(names = "--no-progress", description = "No progress bar (it shows only on a terminal anyway).")
    boolean noProgress;

    @Option(names = "--checkpoint", paramLabel = "DIR",
            description = "A trained model as the prior: a checkpoint (or training output) folder of score4j train; "
                    + "its model and SDE replace --model/--sde.")
    Path checkpoint;

    @Override
    public Integer call() throws Exception {
        SpecOverrides o = options.overrides();
        o.solver = solver;
        o.predictor = predictor;
        o.corrector = corrector;
        o.schedule = schedule;
        o.steps = steps;
        o.extraKinds = Set.of("operator", "method");
        PipelineSpec spec = o.apply(options.base());
        if (checkpoint != null) {
            spec = CheckpointFlags.apply(spec, checkpoint, options.sde, options.model, options.sets);
        }
        if (n < 1) {
            throw new ConfigException("invalid value '" + n + "' for --n; expected the number of posterior samples per "
                    + "measurement, an integer >= 1");
        }
        Path provenance = Provenance.pathBeside(out);
        AtomicFiles.checkWritable(out, "--out");
        AtomicFiles.checkWritable(provenance, "provenance file");
        if (events != null) {
            AtomicFiles.checkWritable(events, "--events");
        }
        NpyArray y = Npy.read(measurement);
        long[] yShape = y.shape();
        if (yShape.length < 2 || yShape[0] < 1) {
            throw new Score4jException("--measurement " + measurement + " has shape " + FlowSetup.shapeText(yShape)
                    + "; expected one measurement per row, an array of shape (rows, ...)");
        }
        int rows = Math.toIntExact(yShape[0]);
        long total = (long) rows * n;
        if (total > Integer.MAX_VALUE) {
            throw new ConfigException(rows + " measurements × --n " + n + " samples are too many for one run");
        }
        spec = spec.withN((int) total);
        InverseSpec inverse = new InverseSpec(new PluginRef(operator, o.extra.getOrDefault("operator", Map.of())),
                new PluginRef(method, o.extra.getOrDefault("method", Map.of())));
        try (Pipeline p = main.score4j().assemble(spec, inverse)) {
            MeasurementOperator op = p.operator().orElseThrow();
            long[] want = new Shape(rows).addAll(op.measurementShape()).getShape();
            if (!Arrays.equals(yShape, want)) {
                throw new Score4jException("--measurement " + measurement + " has shape " + FlowSetup.shapeText(yShape)
                        + "; operator '" + operator + "' on samples of shape "
                        + FlowSetup.shapeText(op.sampleShape().getShape()) + " measures "
                        + FlowSetup.shapeText(op.measurementShape().getShape()) + ", so expected "
                        + FlowSetup.shapeText(want) + " (measure with the same operator settings)");
            }
            float[] values = y.asFloats();
            for (int i = 0; i < values.length; i++) {
                if (!Float.isFinite(values[i])) {
                    throw new Score4jException("--measurement " + measurement + " holds a non-finite value ("
                            + values[i] + ") in row " + i / (values.length / rows) + "; every value must be finite");
                }
            }
            Conditioning cond = p.measurementConditioning(values, rows, n);
            SampleResult r = BusRun.run(p, cond, events, noProgress);
            Npy.write(out, r.data(), r.shape());
            Map<String, Object> record = new LinkedHashMap<>(r.provenance());
            record.put("command", "inverse");
            record.put("measurement", measurement.toString());
            record.put("measurement_rows", rows);
            record.put("samples_per_measurement", n);
            record.put("layout", "samples i*n to i*n+n-1 belong to measurement row i");
            record.put("output", out.toString());
            record.put("dtype", "float32");
            record.put("shape", r.shape());
            Json.writeJson(provenance, record);
            main.out.printf(Locale.ROOT, "wrote %s, %s (%d posterior samples for each of %d measurements by %s on %s, "
                    + "nfe %d, %.2f s)%n", out, provenance, n, rows, method, operator, r.nfe(), r.elapsedSeconds());
        }
        return 0;
    }
}
