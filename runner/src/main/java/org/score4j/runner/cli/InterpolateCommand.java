package org.score4j.runner.cli;

import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.score4j.api.ConfigException;
import org.score4j.api.model.Conditioning;
import org.score4j.api.pipeline.PipelineSpec;
import org.score4j.runner.io.AtomicFiles;
import org.score4j.runner.io.Json;
import org.score4j.runner.io.Npy;
import org.score4j.runner.io.Provenance;
import org.score4j.solver.likelihood.LatentCodec;
import org.score4j.solver.likelihood.LatentInterpolation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code score4j interpolate}: a path between two data rows through their latent codes: encode both, interpolate
 * the codes (spherically for VP/sub-VP, linearly for VE; see {@link LatentInterpolation}), decode every point.
 */
@Command(name = "interpolate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Interpolate between two data rows through their probability-flow latent codes.",
                "Encodes rows --a and --b, interpolates the codes with --steps-between points strictly between "
                        + "them, decodes every point and writes the path (both ends included) as float64 .npy of "
                        + "shape [K+2, ...sample shape], with provenance beside it.",
                "Method auto: slerp when the latents are centred on 0 (m(T) <= 0.1: VP, sub-VP), linear "
                        + "otherwise (VE, whose latents are centred on the data)."})
final class InterpolateCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Mixin
    PipelineOptions options = new PipelineOptions();

    @Option(names = "--data", required = true, paramLabel = "X.npy",
            description = "Data rows, shape [n, ...sample shape of the model].")
    Path data;

    @Option(names = "--a", paramLabel = "ROW", defaultValue = "0", description = "Row of the start (default 0).")
    int a;

    @Option(names = "--b", paramLabel = "ROW", defaultValue = "1", description = "Row of the end (default 1).")
    int b;

    @Option(names = "--steps-between", paramLabel = "K", defaultValue = "8",
            description = "Points strictly between the two rows (default 8).")
    int between;

    @Option(names = "--method", paramLabel = "M", defaultValue = "auto",
            description = "auto (default), slerp or linear.")
    String method;

    @Option(names = "--out", required = true, paramLabel = "PATH.npy", description = "The decoded path, float64.")
    Path out;

    @Override
    public Integer call() {
        if (between < 0) {
            throw new ConfigException("--steps-between must be an integer >= 0, got " + between);
        }
        if (!List.of("auto", "slerp", "linear").contains(method)) {
            throw new ConfigException("unknown --method '" + method + "'; allowed: auto, slerp, linear");
        }
        Path provenance = Provenance.pathBeside(out);
        AtomicFiles.checkWritable(out, "--out");
        AtomicFiles.checkWritable(provenance, "provenance file");
        PipelineSpec spec = FlowSetup.spec(options, CodecCommands.CODEC_TOLERANCE);
        try (FlowSetup.Flow flow = FlowSetup.open(main.score4j(), spec)) {
            FlowSetup.Data x = FlowSetup.read(data, "--data", flow.sampleShape(), spec.model().name());
            int n = x.n();
            checkRow("--a", a, n);
            checkRow("--b", b, n);
            if (a == b) {
                throw new ConfigException("--a and --b name the same row " + a + "; choose two different rows");
            }
            LatentInterpolation.Method m = method.equals("auto")
                    ? LatentInterpolation.defaultFor(flow.pipeline().sde())
                    : LatentInterpolation.Method.valueOf(method.toUpperCase(Locale.ROOT));
            LatentCodec codec = new LatentCodec(flow.pipeline().sde(), flow.pipeline().score(), flow.rtol(),
                    flow.atol(), flow.maxSteps());
            Shape sample = flow.sampleShape();
            int d = x.width();
            double[] ends = new double[2 * d];
            System.arraycopy(x.row(a), 0, ends, 0, d);
            System.arraycopy(x.row(b), 0, ends, d, d);
            double[] codes = new double[2 * d];
            long[] evaluations = {0};
            long start = System.nanoTime();
            FlowSetup.forEachBatch(ends, 2, sample, spec.batchSize(), spec.seed(), "interpolate (encode)", batch -> {
                LatentCodec.Coded c = codec.encode(batch.array(), Conditioning.NONE);
                double[] v = c.values().toDoubleArray();
                System.arraycopy(v, 0, codes, batch.from() * d, v.length);
                evaluations[0] += c.evaluations();
            });
            double[] za = java.util.Arrays.copyOfRange(codes, 0, d);
            double[] zb = java.util.Arrays.copyOfRange(codes, d, 2 * d);
            double[][] points = LatentInterpolation.path(za, zb, between, m);
            int count = points.length;
            double[] latentPath = new double[count * d];
            for (int k = 0; k < count; k++) {
                System.arraycopy(points[k], 0, latentPath, k * d, d);
            }
            double[] path = new double[count * d];
            FlowSetup.forEachBatch(latentPath, count, sample, spec.batchSize(), spec.seed(), "interpolate (decode)",
                    batch -> {
                        LatentCodec.Coded c = codec.decode(batch.array(), Conditioning.NONE);
                        double[] v = c.values().toDoubleArray();
                        System.arraycopy(v, 0, path, batch.from() * d, v.length);
                        evaluations[0] += c.evaluations();
                    });
            double elapsed = FlowSetup.seconds(start);
            long[] shape = new Shape(count).addAll(sample).getShape();
            Npy.write(out, path, shape);
            List<Double> alphas = new ArrayList<>();
            for (int k = 0; k < count; k++) {
                alphas.add((double) k / (count - 1));
            }
            Json.writeJson(provenance, flow.provenance("interpolate", count)
                    .put("data", data.toString())
                    .put("a", a)
                    .put("b", b)
                    .put("steps_between", between)
                    .put("method", m.word())
                    .put("alphas", alphas)
                    .put("output", out.toString())
                    .put("dtype", "float64")
                    .put("shape", shape)
                    .put("nfe", evaluations[0])
                    .put("elapsed_seconds", elapsed)
                    .build());
            main.out.printf(Locale.ROOT, "interpolated rows %d and %d of %s through their latents (%s, %d points)%n",
                    a, b, data, m.word(), count);
            main.out.printf(Locale.ROOT, "wrote %s, %s (%s)%n", out, provenance,
                    FlowSetup.timing(count, evaluations[0], elapsed));
        }
        return 0;
    }

    private void checkRow(String flag, int row, int n) {
        if (row < 0 || row >= n) {
            throw new ConfigException(flag + " " + row + " is not a row of " + data + "; allowed: 0 to " + (n - 1));
        }
    }
}
