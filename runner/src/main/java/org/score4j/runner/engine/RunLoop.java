package org.score4j.runner.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.score4j.api.NumericalException;
import org.score4j.api.Score4jException;
import org.score4j.api.event.RunCompleted;
import org.score4j.api.event.RunEvent;
import org.score4j.api.event.RunFailed;
import org.score4j.api.event.RunStarted;
import org.score4j.api.event.StepEvent;
import org.score4j.api.model.Conditioning;
import org.score4j.api.model.ScoreFunction;
import org.score4j.api.noise.NoiseSource;
import org.score4j.api.noise.PerSampleNoise;
import org.score4j.api.solver.SamplingContext;
import org.score4j.api.solver.Solver;
import org.score4j.api.solver.SolverState;

/**
 * Runs a {@link Pipeline}: draws the prior, steps the solver batch by batch, and reports every step to a
 * plain listener. Memory: each step runs inside a sub-manager of the batch's manager; the solver state's
 * arrays move into it before the step and the new state's arrays move out after it, so native memory stays
 * flat however many steps run. Randomness: sample i of the run uses stream i of the seed, so results do not
 * depend on the batch size.
 *
 * <p>Listeners run on the sampling thread and must not throw or block for long.
 */
public final class RunLoop {
    private RunLoop() {}

    /**
     * Samples {@code pipeline.spec().n()} samples.
     *
     * @throws RunFailedException after emitting a {@link RunFailed} event, when a plugin throws, the state
     *     becomes NaN or infinite, or the run is cancelled
     */
    public static SampleResult run(Pipeline pipeline, String runId, Consumer<RunEvent> listener,
            Cancellation cancellation) {
        return run(pipeline, Conditioning.NONE, runId, listener, cancellation);
    }

    /**
     * Samples {@code pipeline.spec().n()} samples conditioned on {@code cond}: shared by every sample, or with
     * one row per sample (for example the measurements of {@link Pipeline#measurementConditioning}), which each
     * batch receives sliced to its rows.
     *
     * @throws IllegalArgumentException when {@code cond} has per-row parts for another number of samples
     * @throws RunFailedException after emitting a {@link RunFailed} event, when a plugin throws, the state
     *     becomes NaN or infinite, or the run is cancelled
     */
    public static SampleResult run(Pipeline pipeline, Conditioning cond, String runId, Consumer<RunEvent> listener,
            Cancellation cancellation) {
        int n = pipeline.spec().n();
        if (cond.rowCount() != 0 && cond.rowCount() != n) {
            throw new IllegalArgumentException("the conditioning has " + cond.rowCount() + " rows for " + n
                    + " samples");
        }
        int batchSize = Math.min(pipeline.spec().batchSize(), n);
        int batches = (n + batchSize - 1) / batchSize;
        Shape sampleShape = pipeline.model().sampleShape();
        int d = Math.toIntExact(sampleShape.size());
        long start = System.nanoTime();
        long[] nfe = {0};
        ScoreFunction counted = counting(pipeline.score(), nfe);
        Solver solver = pipeline.solver();
        SamplingContext base = pipeline.context(counted, PerSampleNoise.create(pipeline.spec().seed(), 0, 0),
                Conditioning.NONE);
        int planned = solver.plannedSteps(base);
        Map<String, Object> description = pipeline.describe();
        listener.accept(new RunStarted(runId, n, batches, planned, flat(description)));
        float[] out = new float[Math.multiplyExact(n, d)];
        int batch = 0;
        int step = 0;
        try {
            for (batch = 0; batch < batches; batch++) {
                int from = batch * batchSize;
                int count = Math.min(batchSize, n - from);
                NoiseSource noise = PerSampleNoise.create(pipeline.spec().seed(), from, count);
                SamplingContext ctx = base.forBatch(noise, cond.rows(from, from + count));
                step = 0;
                try (NDManager batchManager = NDManager.newBaseManager()) {
                    NDArray x = pipeline.sde().priorSample(sampleShape, noise, batchManager);
                    SolverState state = solver.start(x, ctx);
                    state.arrays().attach(batchManager);
                    while (!state.done()) {
                        if (cancellation.isCancelled()) {
                            throw new Score4jException("cancelled");
                        }
                        step++;
                        try (NDManager stepManager = batchManager.newSubManager()) {
                            state.arrays().attach(stepManager);
                            SolverState next = solver.step(state, ctx);
                            checkFinite(next.x());
                            NDList keep = next.arrays();
                            keep.attach(batchManager);
                            state = next;
                        }
                        listener.accept(new StepEvent(runId, batch, batches, step, planned, state.t(), nfe[0],
                                seconds(start)));
                    }
                    NDArray result = state.result();
                    checkFinite(result);
                    float[] values = (result.getDataType() == DataType.FLOAT32 ? result
                            : result.toType(DataType.FLOAT32, false)).toFloatArray();
                    System.arraycopy(values, 0, out, from * d, count * d);
                }
            }
        } catch (RuntimeException | LinkageError e) {
            String reason = reason(e);
            String where = batches > 1 ? "batch " + (batch + 1) + "/" + batches + ", " : "";
            String message = "run failed at " + where + "step " + step + ": " + reason;
            listener.accept(new RunFailed(runId, batch, step, message));
            throw new RunFailedException(message, batch, step, e);
        }
        double elapsed = seconds(start);
        Map<String, Object> provenance = new LinkedHashMap<>();
        provenance.put("run", runId);
        provenance.put("score4j_version", Versions.score4j());
        provenance.put("api_version", Versions.api());
        provenance.put("created", Instant.now().toString());
        provenance.putAll(description);
        provenance.put("sample_shape", sampleShape.getShape());
        provenance.put("nfe", nfe[0]);
        provenance.put("elapsed_seconds", elapsed);
        long[] shape = new Shape(n).addAll(sampleShape).getShape();
        SampleResult r = new SampleResult(runId, out, shape, nfe[0], elapsed, provenance);
        listener.accept(new RunCompleted(runId, n, nfe[0], elapsed, flat(provenance)));
        return r;
    }

    private static String reason(Throwable e) {
        if (e instanceof Score4jException) {
            return e.getMessage();
        }
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m.replace('\n', ' '));
    }

    private static void checkFinite(NDArray x) {
        NDArray s = x.sum();
        double v = s.getDataType() == DataType.FLOAT64 ? s.getDouble() : s.getFloat();
        if (!Double.isFinite(v)) {
            throw new NumericalException("the state became NaN or infinite");
        }
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }

    /** Event payloads hold scalars, strings and small maps/lists only. */
    private static Map<String, Object> flat(Map<String, Object> m) {
        Map<String, Object> c = new LinkedHashMap<>();
        m.forEach((k, v) -> {
            if (v instanceof long[] a) {
                c.put(k, java.util.Arrays.stream(a).boxed().toList());
            } else if (v != null) {
                c.put(k, v);
            }
        });
        return c;
    }

    /** A score function that counts batched evaluations. */
    static ScoreFunction counting(ScoreFunction inner, long[] counter) {
        return new ScoreFunction() {
            @Override
            public NDArray score(NDArray x, NDArray t, Conditioning cond) {
                counter[0]++;
                return inner.score(x, t, cond);
            }

            @Override
            public NDArray score(NDArray x, double t, Conditioning cond) {
                counter[0]++;
                return inner.score(x, t, cond);
            }

            @Override
            public ai.djl.ndarray.types.DataType gradientType() {
                return inner.gradientType();
            }
        };
    }
}
