package org.score4j.runner.cli;

import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import org.score4j.api.ConfigException;
import org.score4j.api.Score4jException;
import org.score4j.api.data.DataScaling;
import org.score4j.api.inverse.LinearOperator;
import org.score4j.api.inverse.MeasurementOperator;
import org.score4j.api.model.Conditioning;
import org.score4j.api.pipeline.PipelineSpec;
import org.score4j.api.pipeline.PluginRef;
import org.score4j.api.plugin.ConfigKey;
import org.score4j.api.plugin.OperatorFactory;
import org.score4j.runner.engine.InverseSpec;
import org.score4j.runner.engine.Pipeline;
import org.score4j.runner.engine.SampleResult;
import org.score4j.runner.eval.ImageMetrics;
import org.score4j.runner.io.AtomicFiles;
import org.score4j.runner.io.ImageGrid;
import org.score4j.runner.io.Json;
import org.score4j.runner.io.Npy;
import org.score4j.runner.io.NpyArray;
import org.score4j.runner.io.Provenance;
import org.score4j.runner.io.SampleUnits;
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
                "Writes X.npy (float32, shape [rows*n, ...sample shape]: samples i*n to i*n+n-1 belong to "
                        + "measurement row i) and X.json (the provenance). Sampling flags and the pipeline file apply "
                        + "as for score4j sample; the pipeline's n is replaced by rows*n.",
                "Units: with --checkpoint of a model trained on scaled data (bytes: x_model = x/127.5 - 1), the "
                        + "measurement, operator.noise, --truth and X.npy are in the data's units (--scale data, the "
                        + "default; byte reconstructions clipped to [0, 255]): the measurement is mapped to the "
                        + "model's units as y_model = a*y + b*A(1) and sigma_y as |a|*sigma_y (linear operators). "
                        + "With --scale model, or a model without a recorded scaling, all are in the model's units.",
                "With --truth, prints and records PSNR and SSIM (11x11 Gaussian window, Wang et al. 2004) against "
                        + "the ground truth; always the measurement residual ||y - A(x)|| against sigma_y*sqrt(m). "
                        + "--png draws, for every row, truth | measurement | reconstructions."})
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
            description = "Posterior samples, float32 of shape [rows*n, ...sample shape], in the units of the "
                    + "measurement (see --scale).")
    Path out;

    @Option(names = "--scale", paramLabel = "data|model",
            description = "For a model whose checkpoint records the data's scaling: data (default) when the "
                    + "measurement, operator.noise and --truth are in the data's units (as score4j measure writes "
                    + "them from a data set; X.npy is then written in those units), model when all are in the "
                    + "model's units.")
    String scale = "data";

    @Option(names = "--truth", paramLabel = "X.npy",
            description = "The ground truth of every measurement row, shape [rows, ...sample shape], in the units of "
                    + "the measurement (e.g. score4j measure --data-out): PSNR and SSIM of every posterior sample.")
    Path truth;

    @Option(names = "--data-range", paramLabel = "L",
            description = "The data range L of PSNR and SSIM (default: 255 for byte data in its units, 2 for byte "
                    + "data in model units, else max - min of --truth).")
    Double dataRange;

    @Option(names = "--png", paramLabel = "FILE.png",
            description = "Image samples: a panel with one line per measurement row: truth (with --truth) | the "
                    + "measurement as an image | the reconstructions.")
    Path png;

    @Option(names = "--png-rows", paramLabel = "R",
            description = "Draw at most the first R measurement rows in --png (default 16).")
    int pngRows = 16;

    @Option(names = "--png-samples", paramLabel = "K",
            description = "Draw at most the first K reconstructions of each row in --png (default min(n, 8)).")
    Integer pngSamples;

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
        if (!scale.equals("data") && !scale.equals("model")) {
            throw new ConfigException("invalid value '" + scale + "' for --scale; expected data or model");
        }
        if (dataRange != null && !(dataRange > 0 && Double.isFinite(dataRange))) {
            throw new ConfigException("invalid value '" + dataRange + "' for --data-range; expected a number > 0");
        }
        if (pngRows < 1 || (pngSamples != null && pngSamples < 1)) {
            throw new ConfigException((pngRows < 1 ? "--png-rows" : "--png-samples") + " must be an integer >= 1");
        }
        Optional<DataScaling> recorded = CheckpointFlags.dataScaling(spec);
        // the map from the files' units to the model's, null when they are the model's
        DataScaling toModel = recorded.filter(x -> scale.equals("data") && !x.equals(DataScaling.IDENTITY))
                .orElse(null);
        Path provenance = Provenance.pathBeside(out);
        AtomicFiles.checkWritable(out, "--out");
        AtomicFiles.checkWritable(provenance, "provenance file");
        if (events != null) {
            AtomicFiles.checkWritable(events, "--events");
        }
        if (png != null) {
            AtomicFiles.checkWritable(png, "--png");
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
        Map<String, String> operatorConfig = new LinkedHashMap<>(o.extra.getOrDefault("operator", Map.of()));
        double noiseGiven = noiseOf(operatorConfig);
        if (toModel != null) {
            operatorConfig.put(NOISE_KEY, Double.toString(Math.abs(toModel.scale()) * noiseGiven));
        }
        InverseSpec inverse = new InverseSpec(new PluginRef(operator, operatorConfig),
                new PluginRef(method, o.extra.getOrDefault("method", Map.of())));
        try (Pipeline p = main.score4j().assemble(spec, inverse)) {
            MeasurementOperator op = p.operator().orElseThrow();
            Shape sampleShape = op.sampleShape();
            long[] want = new Shape(rows).addAll(op.measurementShape()).getShape();
            if (!Arrays.equals(yShape, want)) {
                throw new Score4jException("--measurement " + measurement + " has shape " + FlowSetup.shapeText(yShape)
                        + "; operator '" + operator + "' on samples of shape "
                        + FlowSetup.shapeText(sampleShape.getShape()) + " measures "
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
            boolean images = sampleShape.dimension() == 3;
            if (png != null && !images) {
                throw new ConfigException("--png draws image samples (C, H, W); model '" + spec.model().name()
                        + "' gives samples of shape " + FlowSetup.shapeText(sampleShape.getShape()));
            }
            float[] truthValues = null;
            if (truth != null) {
                NpyArray t = Npy.read(truth);
                long[] tWant = new Shape(rows).addAll(sampleShape).getShape();
                if (!Arrays.equals(t.shape(), tWant)) {
                    throw new Score4jException("--truth " + truth + " has shape " + FlowSetup.shapeText(t.shape())
                            + "; expected one sample per measurement row, shape " + FlowSetup.shapeText(tWant));
                }
                truthValues = t.asFloats();
                for (float v : truthValues) {
                    if (!Float.isFinite(v)) {
                        throw new Score4jException("--truth " + truth + " holds a non-finite value (" + v + ")");
                    }
                }
            }
            float[] modelValues = values;
            if (toModel != null) {
                if (!(op instanceof LinearOperator)) {
                    throw new ConfigException("operator '" + operator + "' is not linear: a measurement in the data's "
                            + "units cannot be mapped to the model's; give one in the model's units with --scale model");
                }
                modelValues = InverseReport.toModel(values, rows, op, toModel);
            }
            Conditioning cond = p.measurementConditioning(modelValues, rows, n);
            SampleResult r = BusRun.run(p, cond, events, noProgress);
            float[] x = toModel != null ? SampleUnits.toStored(r.data(), toModel) : r.data();
            Map<String, Object> record = new LinkedHashMap<>(r.provenance());
            record.put("command", "inverse");
            record.put("measurement", measurement.toString());
            record.put("measurement_rows", rows);
            record.put("samples_per_measurement", n);
            record.put("layout", "samples i*n to i*n+n-1 belong to measurement row i");
            record.put("output", out.toString());
            record.put("dtype", "float32");
            record.put("shape", r.shape());
            record.put("values", SampleUnits.describe(toModel));
            Map<String, Object> units = new LinkedHashMap<>();
            units.put("measurement", toModel != null ? "data" : "model");
            units.put("noise_std", noiseGiven);
            units.put("noise_std_model", op.noiseStd());
            record.put("measurement_units", units);

            int m = Math.toIntExact(op.measurementShape().size());
            double[] res = InverseReport.residuals(op, x, values, rows, n);
            double expected = noiseGiven * Math.sqrt(m);
            Map<String, Object> metrics = new LinkedHashMap<>();
            metrics.put("residual", InverseReport.summary(res));
            metrics.put("expected_residual", expected);
            metrics.put("measurement_size", m);
            String quality = "";
            if (truthValues != null) {
                double range = dataRange != null ? dataRange : defaultRange(recorded.orElse(null), toModel, truthValues);
                int d = Math.toIntExact(sampleShape.size());
                double[] psnr = InverseReport.psnr(x, truthValues, rows, n, d, range);
                metrics.put("truth", truth.toString());
                metrics.put("data_range", range);
                metrics.put("psnr_db", InverseReport.summary(psnr));
                quality = String.format(Locale.ROOT, "PSNR %.2f dB", ImageMetrics.mean(psnr));
                if (images) {
                    double[] ssim = InverseReport.ssim(x, truthValues, rows, n, sampleShape, range);
                    metrics.put("ssim", InverseReport.summary(ssim));
                    metrics.put("ssim_window", Map.of("size", ImageMetrics.windowSize(
                            Math.toIntExact(sampleShape.get(1)), Math.toIntExact(sampleShape.get(2))),
                            "sigma", ImageMetrics.WINDOW_SIGMA, "k1", ImageMetrics.K1, "k2", ImageMetrics.K2));
                    quality += String.format(Locale.ROOT, ", SSIM %.3f", ImageMetrics.mean(ssim));
                }
                quality += ", ";
            }
            float[] displays = null;
            if (images && (png != null || truthValues != null)) {
                displays = InverseReport.displays(op, values, modelValues, rows, toModel);
                if (truthValues != null && op instanceof LinearOperator && !Float.isNaN(displays[0])) {
                    double range = (double) metrics.get("data_range");
                    Map<String, Object> base = new LinkedHashMap<>();
                    base.put("what", "the measurement as an image (--png's middle column): y itself, its channels, "
                            + "or A+ y");
                    base.put("psnr_db", ImageMetrics.mean(InverseReport.psnr(displays, truthValues, rows, 1,
                            Math.toIntExact(sampleShape.size()), range)));
                    base.put("ssim", ImageMetrics.mean(InverseReport.ssim(displays, truthValues, rows, 1, sampleShape,
                            range)));
                    metrics.put("measurement_image", base);
                }
            }
            record.put("metrics", metrics);
            Npy.write(out, x, r.shape());
            if (png != null) {
                int shownRows = Math.min(rows, pngRows);
                int shownSamples = Math.min(n, pngSamples != null ? pngSamples : 8);
                int columns = (truthValues != null ? 1 : 0) + 1 + shownSamples;
                float[] tiles = InverseReport.panel(truthValues, displays, x, shownRows, n, shownSamples,
                        Math.toIntExact(sampleShape.size()));
                long[] tileShape = new Shape(shownRows * (long) columns).addAll(sampleShape).getShape();
                double[] range = SampleUnits.displayRange(toModel != null ? toModel : DataScaling.IDENTITY);
                ImageGrid g = ImageGrid.of(tiles, tileShape).range(range[0], range[1]).columns(columns)
                        .maxImages(shownRows * columns);
                g.write(png);
                Map<String, Object> panel = new LinkedHashMap<>();
                panel.put("file", png.toString());
                panel.put("rows", shownRows);
                panel.put("columns", (truthValues != null ? "truth | " : "") + "measurement | "
                        + shownSamples + " reconstruction" + (shownSamples > 1 ? "s" : ""));
                panel.put("range", List.of(range[0], range[1]));
                record.put("png", panel);
            }
            Json.writeJson(provenance, record);
            main.out.printf(Locale.ROOT, "wrote %s, %s%s (%d posterior samples for each of %d measurements by %s on "
                    + "%s, nfe %d, %.2f s%s)%n", out, png == null ? "" : png + ", ", provenance, n, rows, method,
                    operator, r.nfe(), r.elapsedSeconds(), toModel == null ? "" : ", in the data's units");
            main.out.printf(Locale.ROOT, "%sresidual ||y - A(x)|| %.4g (expected under the noise sigma_y*sqrt(m) = "
                    + "%.4g)%n", quality, ImageMetrics.mean(res), expected);
        }
        return 0;
    }

    private static final String NOISE_KEY = "noise";

    /** The operator's noise σ_y as given (its {@code noise} setting, or the plugin's default; 0 without the key). */
    private double noiseOf(Map<String, String> config) {
        String given = config.get(NOISE_KEY);
        if (given == null) {
            OperatorFactory f = main.score4j().assembler().registries().operators().get(operator);
            ConfigKey key = f == null ? null : f.configKeys().get(NOISE_KEY);
            given = key == null ? "0" : key.defaultValue();
        }
        try {
            return Double.parseDouble(given.strip());
        } catch (NumberFormatException e) {
            throw new ConfigException("invalid value '" + given + "' for operator.noise; expected a number >= 0");
        }
    }

    /** 255 for byte data in its units, 255·|a| in the model's, else the range of the truth (1 when flat). */
    private static double defaultRange(DataScaling recorded, DataScaling toModel, float[] truth) {
        if (recorded != null && SampleUnits.isBytes(recorded)) {
            return toModel != null ? 255 : 255 * Math.abs(recorded.scale());
        }
        float lo = Float.POSITIVE_INFINITY;
        float hi = Float.NEGATIVE_INFINITY;
        for (float v : truth) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        return hi > lo ? hi - lo : 1;
    }
}
