package org.score4j.runner.engine;

import java.util.Map;

/**
 * The output of a sampling run: {@code n} samples as float32 values in row-major order with shape
 * {@code [n, ...sampleShape]}, and what produced them.
 */
public record SampleResult(String runId, float[] data, long[] shape, long nfe, double elapsedSeconds,
        Map<String, Object> provenance) {
    public SampleResult {
        shape = shape.clone();
        provenance = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(provenance));
    }

    /** The number of samples. */
    public int n() {
        return (int) shape[0];
    }

    /** The number of values per sample. */
    public int dimension() {
        return data.length / n();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }
}
