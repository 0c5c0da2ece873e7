package org.score4j.runner.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import org.score4j.api.ConfigException;
import org.score4j.api.NumericalException;
import org.score4j.api.Score4jException;
import org.score4j.api.noise.NoiseSource;
import org.score4j.api.noise.PerSampleNoise;
import org.score4j.api.pipeline.PipelineSpec;
import org.score4j.api.pipeline.PluginRef;
import org.score4j.runner.Score4j;
import org.score4j.runner.engine.Pipeline;
import org.score4j.runner.engine.RunFailedException;
import org.score4j.runner.io.Npy;
import org.score4j.runner.io.NpyArray;
import org.score4j.runner.io.Provenance;
import org.score4j.solver.DormandPrinceSolver;

/**
 * What the probability-flow commands ({@code likelihood}, {@code encode}, {@code decode}, {@code interpolate})
 * share: their pipeline (the options' SDE, model and guidances with the {@code ode} solver, whose
 * {@code rtol}, {@code atol} and {@code max_steps} set the integration), reading and checking the data, the
 * batch loop with per-sample noise, and provenance.
 */
final class FlowSetup {
    static final String ODE = "ode";

    private FlowSetup() {}

    /**
     * The pipeline of a probability-flow command: the options' pipeline with the {@code ode} solver (a
     * pipeline file's other solver, with its predictor and corrector, is replaced; an {@code ode} entry keeps
     * its settings), then the flags.
     */
    static PipelineSpec spec(PipelineOptions options) {
        return spec(options, null);
    }

    /**
     * As {@link #spec(PipelineOptions)}, with {@code tolerance} as the default {@code rtol} and {@code atol}
     * of the ODE when neither the pipeline file nor {@code --set} gives one ({@code null}: the solver's own
     * default, 1e-5).
     */
    static PipelineSpec spec(PipelineOptions options, String tolerance) {
        PipelineSpec base = options.base();
        if (!base.solver().name().equals(ODE)) {
            base = base.withSolver(PluginRef.of(ODE)).withPredictor(null).withCorrector(null);
        }
        if (tolerance != null) {
            PluginRef solver = base.solver();
            for (String key : new String[] {"rtol", "atol"}) {
                if (!solver.config().containsKey(key)) {
                    solver = solver.with(key, tolerance);
                }
            }
            base = base.withSolver(solver);
        }
        return options.overrides().apply(base);
    }

    /** An assembled pipeline and the tolerances of its adaptive {@code ode} solver. */
    record Flow(PipelineSpec spec, Pipeline pipeline, double rtol, double atol, int maxSteps)
            implements AutoCloseable {
        @Override
        public void close() {
            pipeline.close();
        }

        /** The shape of one sample of the model. */
        Shape sampleShape() {
            return pipeline.model().sampleShape();
        }

        /** Provenance with the resolved SDE, model and solver configurations. */
        Provenance.Builder provenance(String command, int n) {
            Provenance.Builder b = Provenance.builder(spec.withN(Math.max(1, n)));
            Map<String, Object> d = pipeline.describe();
            for (String kind : new String[] {"sde", "model", "solver"}) {
                @SuppressWarnings("unchecked")
                Map<String, Object> entry = (Map<String, Object>) d.get(kind);
                @SuppressWarnings("unchecked")
                Map<String, Object> config = (Map<String, Object>) entry.get("config");
                b.plugin(kind, (String) entry.get("name"), config);
            }
            b.put("command", command);
            b.put("t0", pipeline.sde().t0());
            b.put("t_end", pipeline.sde().tEnd());
            return b;
        }
    }

    /**
     * Assembles {@code spec}.
     *
     * @throws ConfigException when the solver's method is not the adaptive rk45 (or anything the assembler
     *     rejects)
     */
    static Flow open(Score4j score4j, PipelineSpec spec) {
        Pipeline p = score4j.assemble(spec);
        if (!(p.solver() instanceof DormandPrinceSolver dp)) {
            Object config = ((Map<?, ?>) p.describe().get("solver")).get("config");
            Object method = config instanceof Map<?, ?> m ? m.get("method") : null;
            p.close();
            throw new ConfigException("the probability-flow ODE is integrated adaptively here: solver.method must"
                    + " be rk45, got " + method);
        }
        return new Flow(spec, p, dp.rtol(), dp.atol(), dp.maxSteps());
    }

    /** Rows of data from a {@code .npy} file, as doubles in row-major order. */
    record Data(Path file, double[] values, long[] shape) {
        int n() {
            return Math.toIntExact(shape[0]);
        }

        /** Values per row. */
        int width() {
            return n() == 0 ? 0 : values.length / n();
        }

        /** Row i. */
        double[] row(int i) {
            return Arrays.copyOfRange(values, i * width(), (i + 1) * width());
        }
    }

    /**
     * Reads a data file whose rows must be samples of {@code sampleShape} with finite values.
     *
     * @param option the flag that named the file, for messages
     * @param model the model's name, for messages
     * @throws Score4jException naming the file: unreadable, of the wrong shape, empty or not finite
     */
    static Data read(Path file, String option, Shape sampleShape, String model) {
        NpyArray a = Npy.read(file);
        long[] shape = a.shape();
        long[] want = sampleShape.getShape();
        boolean ok = shape.length == want.length + 1;
        for (int i = 0; ok && i < want.length; i++) {
            ok = shape[i + 1] == want[i];
        }
        if (!ok) {
            throw new Score4jException(option + " " + file + " has shape " + shapeText(shape) + "; model '" + model
                    + "' takes samples of shape " + shapeText(want) + ", so expected an array of shape "
                    + shapeText(prepend(want)));
        }
        return checked(a, file, option);
    }

    /**
     * Reads a data file of rows of any shape ({@code [n, ...]} with n ≥ 1 and at least 2 dimensions) with finite
     * values.
     *
     * @throws Score4jException naming the file: unreadable, not rows, empty or not finite
     */
    static Data readRows(Path file, String option) {
        NpyArray a = Npy.read(file);
        if (a.shape().length < 2) {
            throw new Score4jException(option + " " + file + " has shape " + shapeText(a.shape()) + "; expected rows, "
                    + "an array of shape (n, ...)");
        }
        return checked(a, file, option);
    }

    private static Data checked(NpyArray a, Path file, String option) {
        long[] shape = a.shape();
        if (shape[0] == 0) {
            throw new Score4jException(option + " " + file + " holds no samples (shape " + shapeText(shape) + ")");
        }
        double[] v = a.asDoubles();
        int width = v.length / Math.toIntExact(shape[0]);
        for (int i = 0; i < v.length; i++) {
            if (!Double.isFinite(v[i])) {
                throw new Score4jException(option + " " + file + " holds a non-finite value (" + v[i] + ") in row "
                        + i / width + "; every value must be finite");
            }
        }
        return new Data(file, v, shape);
    }

    private static long[] prepend(long[] sample) {
        long[] s = new long[sample.length + 1];
        System.arraycopy(sample, 0, s, 1, sample.length);
        s[0] = -1;
        return s;
    }

    /** A shape as text, e.g. {@code (5, 3)}; a leading −1 prints as n. */
    static String shapeText(long[] shape) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            sb.append(i > 0 ? ", " : "").append(shape[i] < 0 ? "n" : Long.toString(shape[i]));
        }
        return sb.append(shape.length == 1 ? ",)" : ")").toString();
    }

    /** One batch of a command's rows. */
    record Batch(NDManager manager, double[] values, Shape shape, int from, int count, NoiseSource noise) {
        /** The batch as a float64 array in the batch's manager. */
        NDArray array() {
            return manager.create(values, shape);
        }
    }

    /** Work on one batch. */
    @FunctionalInterface
    interface BatchWork {
        void run(Batch batch);
    }

    /**
     * Runs {@code work} on the rows of {@code values} in batches of at most {@code batchSize}, each in its own
     * native memory scope, with per-sample noise streams of {@code seed} (sample i uses stream i whatever the
     * batch size).
     *
     * @throws RunFailedException when the computation fails (NaN, the step limit, a plugin error)
     */
    static void forEachBatch(double[] values, int rows, Shape sampleShape, int batchSize, long seed, String what,
            BatchWork work) {
        int d = Math.toIntExact(sampleShape.size());
        int size = Math.min(batchSize, rows);
        int batches = (rows + size - 1) / size;
        for (int b = 0; b < batches; b++) {
            int from = b * size;
            int count = Math.min(size, rows - from);
            try (NDManager m = NDManager.newBaseManager()) {
                double[] slice = Arrays.copyOfRange(values, from * d, (from + count) * d);
                work.run(new Batch(m, slice, new Shape(count).addAll(sampleShape), from, count,
                        PerSampleNoise.create(seed, from, count)));
            } catch (RunFailedException e) {
                throw e;
            } catch (NumericalException e) {
                throw failed(what, b, batches, e.getMessage(), e);
            } catch (Score4jException e) {
                throw e;
            } catch (RuntimeException e) {
                String m = e.getMessage();
                throw failed(what, b, batches, e.getClass().getSimpleName() + (m == null ? ""
                        : ": " + m.replace('\n', ' ')), e);
            }
        }
    }

    private static RunFailedException failed(String what, int batch, int batches, String reason, Throwable cause) {
        String where = batches > 1 ? " at batch " + (batch + 1) + "/" + batches : "";
        return new RunFailedException(what + " failed" + where + ": " + reason, batch, 0, cause);
    }

    /** "n samples" with throughput, for summaries. */
    static String timing(int n, long evaluations, double seconds) {
        return String.format(Locale.ROOT, "nfe %d, %.2f s, %.1f samples/s", evaluations, seconds,
                seconds > 0 ? n / seconds : Double.POSITIVE_INFINITY);
    }

    static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
