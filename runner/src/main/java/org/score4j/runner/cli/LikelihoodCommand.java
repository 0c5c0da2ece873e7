package org.score4j.runner.cli;

import ai.djl.ndarray.NDArray;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.score4j.api.ConfigException;
import org.score4j.api.Score4jException;
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

    @ParentCommand
    Main main;

    @Mixin
    PipelineOptions options = new PipelineOptions();

    @Option(names = "--data", required = true, paramLabel = "X.npy",
            description = "Data rows, shape [n, ...sample shape of the model] (float32/float64/integer .npy).")
    Path data;

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
        Path provenance = Provenance.pathBeside(out);
        AtomicFiles.checkWritable(out, "--out");
        AtomicFiles.checkWritable(provenance, "provenance file");
        PipelineSpec spec = FlowSetup.spec(options);
        Score4j score4j = main.score4j();
        try (FlowSetup.Flow flow = FlowSetup.open(score4j, spec)) {
            FlowSetup.Data x = FlowSetup.read(data, "--data", flow.sampleShape(), spec.model().name());
            if (dequantize != null) {
                checkLevels(x, dequantize);
            }
            int n = x.n();
            int d = x.width();
            double offset = dequantize == null ? 0 : d * Math.log(dequantize);
            ProbabilityFlowLikelihood likelihood = new ProbabilityFlowLikelihood(flow.pipeline().sde(),
                    flow.pipeline().score(), method, flow.rtol(), flow.atol(), flow.maxSteps());
            double[] nll = new double[n];
            long[] evaluations = {0};
            long start = System.nanoTime();
            FlowSetup.forEachBatch(x.values(), n, flow.sampleShape(), spec.batchSize(), spec.seed(), "likelihood",
                    batch -> {
                        double[] values = batch.values();
                        if (dequantize != null) {
                            values = dequantized(values, batch.count(), dequantize, batch.noise());
                        }
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
                    .put("data", data.toString())
                    .put("data_shape", x.shape())
                    .put("output", out.toString())
                    .put("dtype", "float64")
                    .put("shape", new long[] {n})
                    .put("units", "nats")
                    .put("trace", method.name());
            if (method instanceof HutchinsonTrace h) {
                b.put("probes", h.probes()).put("probe", h.probe().word());
            }
            if (dequantize != null) {
                b.put("dequantize", dequantize).put("dequantization_offset_nats", offset);
            }
            b.put("mean_nll", mean)
                    .put("standard_error", Double.isFinite(se) ? se : "n/a")
                    .put("bits_per_dim", bpd)
                    .put("nfe", evaluations[0])
                    .put("elapsed_seconds", elapsed);
            Json.writeJson(provenance, b.build());
            main.out.printf(Locale.ROOT, "likelihood of %d samples (D=%d, trace %s%s): mean NLL %.6f nats, "
                    + "standard error %s; %.6f bits/dim%n", n, d, method.name(), dequantize == null ? ""
                    : ", dequantized with " + dequantize + " levels", mean,
                    Double.isFinite(se) ? String.format(Locale.ROOT, "%.6f", se) : "n/a (one sample)", bpd);
            main.out.printf(Locale.ROOT, "wrote %s, %s (%s)%n", out, provenance,
                    FlowSetup.timing(n, evaluations[0], elapsed));
        }
        return 0;
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

    private static void checkLevels(FlowSetup.Data x, int levels) {
        double[] v = x.values();
        int w = x.width();
        for (int i = 0; i < v.length; i++) {
            if (v[i] != Math.rint(v[i]) || v[i] < 0 || v[i] > levels - 1) {
                throw new Score4jException("with --dequantize " + levels + " every value of --data must be an "
                        + "integer in [0, " + (levels - 1) + "]; " + x.file() + " holds " + v[i] + " in row " + i / w);
            }
        }
    }

    /**
     * (v + u)/K with u ~ U(0, 1): element j of every row takes the j-th uniform draw of that row's stream (drawn
     * before any probe), so a sample's noise does not depend on the batch.
     */
    static double[] dequantized(double[] values, int rows, int levels, NoiseSource noise) {
        int d = values.length / rows;
        double[] r = new double[values.length];
        for (int j = 0; j < d; j++) {
            double[] u = noise.uniform();
            for (int i = 0; i < rows; i++) {
                r[i * d + j] = (values[i * d + j] + u[i]) / levels;
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
