package org.score4j.runner.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.score4j.api.ConfigException;
import org.score4j.api.inverse.MeasurementOperator;
import org.score4j.api.inverse.Operator;
import org.score4j.api.pipeline.PluginRef;
import org.score4j.runner.engine.Configured;
import org.score4j.runner.engine.Versions;
import org.score4j.runner.io.AtomicFiles;
import org.score4j.runner.io.Json;
import org.score4j.runner.io.Npy;
import org.score4j.runner.io.Provenance;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code score4j measure}: the measurements y = A(x) + σ_y·ε of every row of a data file or a data set under an
 * operator plugin, written as float32 {@code .npy} of shape [n, ...measurement shape] with provenance beside it.
 * The measurement, and its noise σ_y ({@code operator.noise}), are in the units of the rows: a data set's stored
 * units (e.g. [0, 255] for {@code mnist}), a file's values as they are. The noise of row i comes from stream i of
 * the seed, so the result does not depend on the batch size.
 */
@Command(name = "measure", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Measure data for an inverse problem: y = A(x) + noise for every row of --data.",
                "The operator plugin (inpaint, super-resolution, deblur, colorize, tomography, matrix) is bound to the "
                        + "shape of the data's rows (e.g. (1, 8, 8) images or (2) vectors) and configured with "
                        + "--set operator.KEY=VALUE; operator.noise is the standard deviation of the Gaussian "
                        + "noise (default 0), drawn in the units of the rows. Writes Y.npy (float32, shape [n, "
                        + "...measurement shape]) and Y.json (the provenance); score4j inverse reads Y.npy back.",
                "--data names a .npy file or a data set (mnist, fashion-mnist, ...; --set data.KEY=VALUE, e.g. "
                        + "data.limit=8; split test unless data.split says otherwise), read in its stored units "
                        + "(bytes: 0..255); --data-out writes the rows measured, the ground truth for score4j "
                        + "inverse --truth."})
final class MeasureCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Option(names = "--operator", required = true, paramLabel = "NAME",
            description = "Measurement operator: inpaint, super-resolution, deblur, colorize, tomography or matrix.")
    String operator;

    @Option(names = "--set", paramLabel = "KIND.KEY=VALUE",
            description = "An operator setting, e.g. --set operator.noise=0.05 or --set operator.pattern=box, or a "
                    + "setting of the data set named by --data, e.g. --set data.limit=8. Repeatable.")
    List<String> sets = new ArrayList<>();

    @Option(names = "--data", required = true, paramLabel = "X.npy|NAME",
            description = "Rows to measure: a .npy file of shape [n, ...sample shape] (float32/float64/integer) or a "
                    + "data set (mnist, fashion-mnist, ...; its test split unless --set data.split=train), read in "
                    + "its stored units.")
    String data;

    @Option(names = "--data-out", paramLabel = "X.npy",
            description = "Also write the rows measured (float32, shape [n, ...sample shape], in the units of "
                    + "--data): the ground truth for score4j inverse --truth.")
    Path dataOut;

    @Option(names = "--out", required = true, paramLabel = "Y.npy",
            description = "Measurements, float32 of shape [n, ...measurement shape].")
    Path out;

    @Option(names = "--seed", paramLabel = "S", description = "Seed of the per-row measurement noise (default 0).")
    long seed;

    @Option(names = "--batch-size", paramLabel = "B",
            description = "Rows computed together (default 10000); does not change the result.")
    int batchSize = 10_000;

    @Override
    public Integer call() {
        Map<String, Map<String, String>> byKind = SpecOverrides.parseSets(sets, Set.of("operator", "data"));
        PluginRef ref = new PluginRef(operator, byKind.getOrDefault("operator", Map.of()));
        if (batchSize < 1) {
            throw new ConfigException("--batch-size must be a positive integer, got " + batchSize);
        }
        Path provenance = Provenance.pathBeside(out);
        AtomicFiles.checkWritable(out, "--out");
        AtomicFiles.checkWritable(provenance, "provenance file");
        if (dataOut != null) {
            AtomicFiles.checkWritable(dataOut, "--data-out");
        }
        Configured<Operator> op = main.score4j().assembler().operator(ref);
        DataRows rows = DataRows.resolve(data, byKind.getOrDefault("data", Map.of()),
                main.score4j().assembler().registries().datasets());
        FlowSetup.Data x = rows.rows();
        long[] dataShape = x.shape();
        Shape sampleShape = new Shape(java.util.Arrays.copyOfRange(dataShape, 1, dataShape.length));
        MeasurementOperator a = op.instance().bind(sampleShape);
        Shape measurementShape = a.measurementShape();
        int n = x.n();
        int m = Math.toIntExact(measurementShape.size());
        double sigma = a.noiseStd();
        float[] y = new float[Math.multiplyExact(n, m)];
        long start = System.nanoTime();
        FlowSetup.forEachBatch(x.values(), n, sampleShape, batchSize, seed, "measure", batch -> {
            NDArray ax = a.apply(batch.array());
            NDArray noisy = ax;
            if (sigma > 0) {
                NDArray eps = batch.noise().normal(measurementShape, DataType.FLOAT64, batch.manager());
                noisy = ax.add(eps.mul(sigma));
            }
            float[] part = noisy.toType(DataType.FLOAT32, false).toFloatArray();
            System.arraycopy(part, 0, y, batch.from() * m, part.length);
        });
        double elapsed = FlowSetup.seconds(start);
        long[] outShape = new Shape(n).addAll(measurementShape).getShape();
        Npy.write(out, y, outShape);
        if (dataOut != null) {
            double[] v = x.values();
            float[] f = new float[v.length];
            for (int i = 0; i < v.length; i++) {
                f[i] = (float) v[i];
            }
            Npy.write(dataOut, f, dataShape);
        }
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("score4j_version", Versions.score4j());
        record.put("api_version", Versions.api());
        record.put("created", Instant.now().truncatedTo(ChronoUnit.MILLIS).toString());
        record.put("command", "measure");
        record.put("seed", seed);
        record.put("operator", op.describe());
        record.put("noise_std", sigma);
        record.put("data", rows.source());
        record.put("data_shape", dataShape);
        record.put("units", rows.scaling() == null ? "those of --data" : "the data set's stored units");
        if (rows.scaling() != null) {
            record.put("data_scaling", Map.of("scale", rows.scaling().scale(), "offset", rows.scaling().offset()));
        }
        if (dataOut != null) {
            record.put("data_out", dataOut.toString());
        }
        record.put("sample_shape", sampleShape.getShape());
        record.put("output", out.toString());
        record.put("dtype", "float32");
        record.put("shape", outShape);
        record.put("measurement_shape", measurementShape.getShape());
        record.put("batch_size", batchSize);
        record.put("elapsed_seconds", elapsed);
        Json.writeJson(provenance, record);
        main.out.printf(Locale.ROOT, "wrote %s%s, %s (%d measurements of shape %s by operator %s, noise %s, %.2f s)%n",
                out, dataOut == null ? "" : ", " + dataOut, provenance, n, FlowSetup.shapeText(measurementShape.getShape()), op.name(), sigma, elapsed);
        return 0;
    }
}
