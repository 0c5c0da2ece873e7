package org.score4j.runner.io;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.score4j.api.data.DataScaling;

/**
 * The units image samples are written in. A model samples in model space (e.g. [−1, 1]); when the data's
 * {@link DataScaling} is known (a checkpoint's manifest records it) the samples are mapped back with
 * {@link DataScaling#toStored} — for byte data ({@link DataScaling#BYTES_TO_SYMMETRIC}) to [0, 255], clipped to
 * that range (not rounded) — so that they compare directly with the data set and {@code score4j evaluate} reads
 * them with its default {@code --scale data}. Without a known scaling they stay in model space. Stateless.
 */
public final class SampleUnits {
    private static final double TOLERANCE = 1e-12;

    private SampleUnits() {}

    /** Whether {@code s} is the byte scaling [0, 255] → [−1, 1] (compared with a tolerance: it passed through JSON). */
    public static boolean isBytes(DataScaling s) {
        DataScaling b = DataScaling.BYTES_TO_SYMMETRIC;
        return Math.abs(s.scale() - b.scale()) < TOLERANCE && Math.abs(s.offset() - b.offset()) < TOLERANCE;
    }

    /** The model-space values {@code model} in the data's units (a new array); byte data clipped to [0, 255]. */
    public static float[] toStored(float[] model, DataScaling s) {
        Objects.requireNonNull(s, "scaling");
        boolean bytes = isBytes(s);
        float[] out = new float[model.length];
        for (int i = 0; i < model.length; i++) {
            double v = s.toStored(model[i]);
            out[i] = (float) (bytes ? Math.max(0, Math.min(255, v)) : v);
        }
        return out;
    }

    /**
     * The display range of data in the units {@code s} maps from: the stored values of model-space [−1, 1] (for
     * byte data [0, 255]; identity [−1, 1]), in increasing order.
     */
    public static double[] displayRange(DataScaling s) {
        double a = s.toStored(-1);
        double b = s.toStored(1);
        return new double[] {Math.min(a, b), Math.max(a, b)};
    }

    /**
     * The provenance entry of the values written: {@code units} ({@code data} or {@code model}), the
     * {@code scaling} applied ({@code scale}, {@code offset}: model = stored·scale + offset) and {@code clip}
     * ([0, 255] for byte data, else {@code null}).
     *
     * @param scaling the data's scaling, or {@code null} when unknown (values left in model space)
     */
    public static Map<String, Object> describe(DataScaling scaling) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("units", scaling == null ? "model" : "data");
        if (scaling != null) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("scale", scaling.scale());
            s.put("offset", scaling.offset());
            m.put("scaling", s);
        } else {
            m.put("scaling", null);
        }
        m.put("clip", scaling != null && isBytes(scaling) ? List.of(0, 255) : null);
        return m;
    }
}
