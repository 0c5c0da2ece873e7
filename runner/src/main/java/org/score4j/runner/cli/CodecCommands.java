package org.score4j.runner.cli;

import java.nio.file.Path;
import java.util.Locale;
import org.score4j.api.model.Conditioning;
import org.score4j.api.pipeline.PipelineSpec;
import org.score4j.runner.io.AtomicFiles;
import org.score4j.runner.io.Json;
import org.score4j.runner.io.Npy;
import org.score4j.runner.io.Provenance;
import org.score4j.solver.likelihood.LatentCodec;

/**
 * The shared body of {@code score4j encode} and {@code score4j decode}. Their ODE tolerances default to
 * {@value #CODEC_TOLERANCE} (rtol and atol), tighter than the solver's 1e-5: at 1e-5 an encode–decode round trip
 * stays within 1e-3 for typical points but can exceed it for points in low-density regions between modes (1e-6 still left one point in 2000 samples of the default mixture at 1.2e-3; 1e-7 gives at most 1.4e-5 for about 30 % more evaluations).
 */
final class CodecCommands {
    /** The default rtol and atol of encoding and decoding. */
    static final String CODEC_TOLERANCE = "1e-7";

    private CodecCommands() {}

    /**
     * Encodes (data at t0 → latents at T) or decodes (latents at T → data at t0) every row of {@code data} and
     * writes float64 .npy of the same shape with provenance beside it.
     */
    static int run(Main main, PipelineOptions options, Path data, Path out, boolean encode) {
        String command = encode ? "encode" : "decode";
        Path provenance = Provenance.pathBeside(out);
        AtomicFiles.checkWritable(out, "--out");
        AtomicFiles.checkWritable(provenance, "provenance file");
        PipelineSpec spec = FlowSetup.spec(options, CODEC_TOLERANCE);
        try (FlowSetup.Flow flow = FlowSetup.open(main.score4j(), spec)) {
            FlowSetup.Data x = FlowSetup.read(data, "--data", flow.sampleShape(), spec.model().name());
            int n = x.n();
            LatentCodec codec = new LatentCodec(flow.pipeline().sde(), flow.pipeline().score(), flow.rtol(),
                    flow.atol(), flow.maxSteps());
            double[] result = new double[x.values().length];
            long[] evaluations = {0};
            long start = System.nanoTime();
            FlowSetup.forEachBatch(x.values(), n, flow.sampleShape(), spec.batchSize(), spec.seed(), command,
                    batch -> {
                        LatentCodec.Coded c = encode ? codec.encode(batch.array(), Conditioning.NONE)
                                : codec.decode(batch.array(), Conditioning.NONE);
                        double[] v = c.values().toDoubleArray();
                        System.arraycopy(v, 0, result, batch.from() * x.width(), v.length);
                        evaluations[0] += c.evaluations();
                    });
            double elapsed = FlowSetup.seconds(start);
            Npy.write(out, result, x.shape());
            double from = encode ? flow.pipeline().sde().t0() : flow.pipeline().sde().tEnd();
            double to = encode ? flow.pipeline().sde().tEnd() : flow.pipeline().sde().t0();
            Json.writeJson(provenance, flow.provenance(command, n)
                    .put("data", data.toString())
                    .put("output", out.toString())
                    .put("dtype", "float64")
                    .put("shape", x.shape())
                    .put("from_time", from)
                    .put("to_time", to)
                    .put("nfe", evaluations[0])
                    .put("elapsed_seconds", elapsed)
                    .build());
            main.out.printf(Locale.ROOT, "%s %d samples along the probability-flow ODE from t=%s to t=%s%n",
                    encode ? "encoded" : "decoded", n, from, to);
            main.out.printf(Locale.ROOT, "wrote %s, %s (%s)%n", out, provenance,
                    FlowSetup.timing(n, evaluations[0], elapsed));
        }
        return 0;
    }
}
