package org.score4j.runner.cli;

import ai.djl.ndarray.NDArray;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.score4j.api.ConfigException;
import org.score4j.api.data.DataScaling;
import org.score4j.api.model.Conditioning;
import org.score4j.api.noise.NoiseSource;
import org.score4j.api.pipeline.PipelineSpec;
import org.score4j.runner.Score4j;
import org.score4j.runner.io.AtomicFiles;
import org.score4j.runner.io.Json;
import org.score4j.runner.io.Npy;
import org.score4j.runner.io.Provenance;
import org.score4j.solver.likelihood.ExactTrace;
import org.score4j.solver.likelihood.HutchinsonTrace;
import org.score4j.solver.likelihood.ProbabilityFlowLikelihood;
import org.score4j.solver.likelihood.Trace;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code score4j likelihood}: the negative log-likelihood of every row of a data file through the
 * probability-flow ODE (Song et al. 2021, eq. 39 and Appendix D.2), written as float64 .npy of shape [n]
 * (nats), with a summary: mean NLL, its standard error and bits/dim = NLL/(D·ln 2).
 */
@Command(name = "likelihood", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Negative log-likelihood (nats) of each data row through the probability-flow ODE.",
                "Integrates the ODE from t0 to T with the divergence of its velocity (per-row adaptive RK45, "
                        + "float64; tolerances from --set solver.rtol/solver.atol, default 1e-5) and writes "
                        + "NLL = -(log p_prior(x_T) + integral of the divergence) per row, with provenance "
                        + "beside it. The pipeline's SDE, model and guidances apply; its solver is always the "
                        + "adaptive ode.",
                "Prints the mean NLL, its standard error and bits/dim = NLL/(D ln 2)."})
final class LikelihoodCommand implements Callable<Integer> {
    static final String EXACT = "exact";
    static final String HUTCHINSON = "hutchinson";
    private static final String DATA_PREFIX = "data.";

    @ParentCommand
    Main main;

    @Mixin
    PipelineOptions options = new PipelineOptions();

    @Option(names = "--data", required = true, paramLabel = "X.npy|NAME",
            description = "Data rows: a .npy file of shape [n, ...sample shape of the model] (float32/float64/"
                    + "integer), or a data set (mnist, fashion-mnist, npy, ...; split test by default, set with "
                    + "--set data.key=value, e.g. data.limit=500). A byte image data set is dequantized with 256 "
                    + "levels and its NLL given for values in [0, 256).")
    String data;

    @Option(names = "--checkpoint", paramLabel = "DIR",
            description = "A trained model: a checkpoint (or training output) folder of score4j train; its model "
                    + "and SDE replace --model/--sde, which must not contradict it.")
    Path checkpoint;

    @Option(names = "--scale", paramLabel = "data|model",
            description = "For a .npy --data and a model whose checkpoint records the data's scaling: data (default)"
                    + " when the file holds values in the data's units (as score4j sample writes them), model "
                    + "when in model space. The NLL is that of the values in those units.")
    String scale = "data";

    @Option(names = "--out", required = true, paramLabel = "NLL.npy",
            description = "Per-row NLL in nats, float64 of shape [n] (with the --dequantize offset when given).")
    Path out;

    @Option(names = "--trace", paramLabel = "TYPE", defaultValue = EXACT,
            description = "Divergence: exact (one autograd pass per dimension) or hutchinson "
                    + "(Hutchinson-Skilling estimate, probes fixed along each trajectory). Default exact.")
    String trace;

    @Option(names = "--probes", paramLabel = "K",
            description = "Hutchinson probes per sample (default 1); the estimate's variance falls as 1/K.")
    Integer probes;

    @Option(names = "--probe", paramLabel = "DIST",
            description = "Hutchinson probe distribution: rademacher (default, lower variance) or gaussian.")
    String probe;

    @Option(names = "--dequantize", paramLabel = "K",
            description = "Discrete data with K levels (e.g. 256 for 8-bit images): every value must be an "
                    + "integer in [0, K-1]; value v becomes (v + u)/K with u ~ U(0, 1) from the per-sample "
                    + "noise, so the model sees data in [0, 1), and the reported NLL adds D ln K "
                    + "(an upper bound on the discrete NLL; bits/dim then includes log2 K).")
    Integer dequantize;

    @Override
    public Integer call() {
        Trace method = trace();
        if (dequantize != null && dequantize < 2) {
            throw new ConfigException("--dequantize must be the number of levels, an integer >= 2 (e.g. 256), got "
                    + dequantize);
        }
        if (!scale.equals("data") && !scale.equals("model")) {
            throw new ConfigException("invalid value '" + scale + "' for --scale; expected data or model");
        }
        Map<String, String> dataSettings = new TreeMap<>();
        List<String> pipelineSets = new ArrayList<>();
        for (String raw : options.sets) {
            if (raw.startsWith(DATA_PREFIX)) {
                int eq = raw.indexOf('=');
                if (eq <= DATA_PREFIX.length()) {
                    throw new ConfigException("invalid --set '" + raw + "'; expected data.key=value, e.g. data.limit=500");
                }
                dataSettings.put(raw.substring(DATA_PREFIX.length(), eq), raw.substring(eq + 1));
            } else {
                pipelineSets.add(raw);
            }
        }
        options.sets = pipelineSets;
        Path provenance = Provenance.pathBeside(out);
        AtomicFiles.checkWritable(out, "--out");
        AtomicFiles.checkWritable(provenance, "provenance file");
        PipelineSpec spec = FlowSetup.spec(options);
        if (checkpoint != null) {
            spec = CheckpointFlags.apply(spec, checkpoint, options.sde, options.model, options.sets);
        }
        Optional<DataScaling> recorded = CheckpointFlags.dataScaling(spec);
        Score4j score4j = main.score4j();
        try (FlowSetup.Flow flow = FlowSetup.open(score4j, spec)) {
            LikelihoodInput input = LikelihoodInput.resolve(data, dataSettings, scale.equals("model"), dequantize,
                    recorded, flow.sampleShape(), spec.model().name(),
                    score4j.assembler().registries().datasets());
            FlowSetup.Data x = input.rows();
            Integer levels = input.levels();
            DataScaling toModel = input.toModel();
            int n = x.n();
            int d = x.width();
            double offset = input.offsetNats();
            ProbabilityFlowLikelihood likelihood = new ProbabilityFlowLikelihood(flow.pipeline().sde(),
                    flow.pipeline().score(), method, flow.rtol(), flow.atol(), flow.maxSteps());
            double[] nll = new double[n];
            long[] evaluations = {0};
            long start = System.nanoTime();
            FlowSetup.forEachBatch(x.values(), n, flow.sampleShape(), spec.batchSize(), spec.seed(), "likelihood",
                    batch -> {
                        double[] values = levels != null ? dequantized(batch.values(), batch.count(), batch.noise())
                                : batch.values();
                        values = toModel(values, toModel);
                        NDArray xb = batch.manager().create(values, batch.shape());
                        ProbabilityFlowLikelihood.Result r = likelihood.evaluate(xb, Conditioning.NONE,
                                batch.noise());
                        double[] part = r.nll();
                        for (int i = 0; i < part.length; i++) {
                            nll[batch.from() + i] = part[i] + offset;
                        }
                        evaluations[0] += r.evaluations();
                    });
            double elapsed = FlowSetup.seconds(start);
            double mean = mean(nll);
            double se = standardError(nll, mean);
            double bpd = mean / (d * Math.log(2));
            Npy.write(out, nll, n);
            Provenance.Builder b = flow.provenance("likelihood", n)
                    .put("data", input.source())
                    .put("data_shape", x.shape())
                    .put("values", input.units())
                    .put("scaling", Map.of("scale", toModel.scale(), "offset", toModel.offset()))
                    .put("output", out.toString())
                    .put("dtype", "float64")
                    .put("shape", new long[] {n})
                    .put("units", "nats")
                    .put("trace", method.name());
            if (method instanceof HutchinsonTrace h) {
                b.put("probes", h.probes()).put("probe", h.probe().word());
            }
            if (levels != null) {
                b.put("dequantize", levels);
            }
            b.put("offset_nats", offset)
                    .put("mean_nll", mean)
                    .put("standard_error", Double.isFinite(se) ? se : "n/a")
                    .put("bits_per_dim", bpd)
                    .put("nfe", evaluations[0])
                    .put("elapsed_seconds", elapsed);
            Json.writeJson(provenance, b.build());
            main.out.printf(Locale.ROOT, "likelihood of %d samples (D=%d, trace %s%s): mean NLL %.6f nats, "
                    + "standard error %s; %.6f bits/dim%n", n, d, method.name(), levels == null ? ""
                    : ", dequantized with " + levels + " levels", mean,
                    Double.isFinite(se) ? String.format(Locale.ROOT, "%.6f", se) : "n/a (one sample)", bpd);
            main.out.printf(Locale.ROOT, "wrote %s, %s (%s)%n", out, provenance,
                    FlowSetup.timing(n, evaluations[0], elapsed));
        }
        return 0;
    }

    /** Values in the data's units mapped to model space. */
    private static double[] toModel(double[] values, DataScaling scaling) {
        if (scaling.equals(DataScaling.IDENTITY)) {
            return values;
        }
        double[] r = new double[values.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = scaling.toModel(values[i]);
        }
        return r;
    }

    /** The trace of the flags; checks them before any work. */
    private Trace trace() {
        if (!trace.equals(EXACT) && !trace.equals(HUTCHINSON)) {
            throw new ConfigException("unknown trace '" + trace + "' for --trace; allowed: exact, hutchinson");
        }
        if (trace.equals(EXACT)) {
            if (probes != null || probe != null) {
                throw new ConfigException((probes != null ? "--probes" : "--probe")
                        + " applies to --trace hutchinson only");
            }
            return new ExactTrace();
        }
        int k = probes == null ? 1 : probes;
        if (k < 1) {
            throw new ConfigException("--probes must be a positive integer, got " + k);
        }
        HutchinsonTrace.Probe dist;
        if (probe == null || probe.equals("rademacher")) {
            dist = HutchinsonTrace.Probe.RADEMACHER;
        } else if (probe.equals("gaussian")) {
            dist = HutchinsonTrace.Probe.GAUSSIAN;
        } else {
            throw new ConfigException("unknown probe distribution '" + probe + "' for --probe; allowed: rademacher,"
                    + " gaussian");
        }
        return new HutchinsonTrace(k, dist);
    }

    /**
     * v + u with u ~ U(0, 1): element j of every row takes the j-th uniform draw of that row's stream (drawn
     * before any probe), so a sample's noise does not depend on the batch.
     */
    static double[] dequantized(double[] values, int rows, NoiseSource noise) {
        int d = values.length / rows;
        double[] r = new double[values.length];
        for (int j = 0; j < d; j++) {
            double[] u = noise.uniform();
            for (int i = 0; i < rows; i++) {
                r[i * d + j] = values[i * d + j] + u[i];
            }
        }
        return r;
    }

    static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }

    /** The standard error of the mean (sample standard deviation / √n); NaN for one value. */
    static double standardError(double[] v, double mean) {
        if (v.length < 2) {
            return Double.NaN;
        }
        double q = 0;
        for (double x : v) {
            q += (x - mean) * (x - mean);
        }
        return Math.sqrt(q / (v.length - 1) / v.length);
    }
}
