package org.score4j.runner.io;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.score4j.api.Score4jException;
import org.score4j.api.event.RunCompleted;
import org.score4j.api.event.RunEvent;
import org.score4j.api.event.RunFailed;
import org.score4j.api.event.RunStarted;
import org.score4j.api.event.StepEvent;

/**
 * Converts {@link RunEvent}s to flat JSON-ready maps and back, for event logs and the bus's JSON codec.
 *
 * <p>Every map starts with {@code "type"} ({@code started}, {@code step}, {@code completed} or
 * {@code failed}) and {@code "run"} (the run id), followed by the record's other fields in snake_case:
 * <ul>
 *   <li>started: {@code n, batches, steps, pipeline}</li>
 *   <li>step: {@code batch, batches, step, steps, t, nfe, elapsed_seconds}</li>
 *   <li>completed: {@code n, nfe, elapsed_seconds, provenance}</li>
 *   <li>failed: {@code batch, step, reason}</li>
 * </ul>
 * Nested maps ({@code pipeline}, {@code provenance}) are copied; maps without an order of their own (the
 * events hold immutable copies) are written with sorted keys so that the output is reproducible.
 *
 * <p>{@link #fromJson(Map)} accepts what {@link #toJson(RunEvent)} produces after a trip through any JSON
 * library: numbers of any {@link Number} type (integral values where integers are expected), nested values
 * as {@link Map}s and {@link List}s. Unknown keys are ignored, so newer producers may add fields. Stateless
 * and thread-safe.
 */
public final class RunEventJson {
    private RunEventJson() {}

    /** A JSON-ready map of {@code event}. */
    public static Map<String, Object> toJson(RunEvent event) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", event.type());
        m.put("run", event.runId());
        if (event instanceof RunStarted e) {
            m.put("n", e.n());
            m.put("batches", e.batches());
            m.put("steps", e.steps());
            m.put("pipeline", copy(e.pipeline()));
        } else if (event instanceof StepEvent e) {
            m.put("batch", e.batch());
            m.put("batches", e.batches());
            m.put("step", e.step());
            m.put("steps", e.steps());
            m.put("t", e.t());
            m.put("nfe", e.nfe());
            m.put("elapsed_seconds", e.elapsedSeconds());
        } else if (event instanceof RunCompleted e) {
            m.put("n", e.n());
            m.put("nfe", e.nfe());
            m.put("elapsed_seconds", e.elapsedSeconds());
            m.put("provenance", copy(e.provenance()));
        } else if (event instanceof RunFailed e) {
            m.put("batch", e.batch());
            m.put("step", e.step());
            m.put("reason", e.reason());
        }
        return m;
    }

    /** {@code event} as one line of JSON (for event logs and text codecs). */
    public static String encode(RunEvent event) {
        return Json.toJson(toJson(event));
    }

    /**
     * The event a line of JSON describes (the inverse of {@link #encode(RunEvent)}); nested values come back
     * as plain maps and lists.
     *
     * @throws Score4jException when the text is not JSON or not a run event
     */
    public static RunEvent decode(String json) {
        return fromJson(Json.parseObject(json));
    }

    /**
     * The event a map describes.
     *
     * @throws Score4jException when the type is unknown or a field is missing or of the wrong type
     */
    public static RunEvent fromJson(Map<String, ?> json) {
        String type = string(json, "type");
        String run = string(json, "run");
        switch (type) {
            case "started":
                return new RunStarted(run, integer(json, "n"), integer(json, "batches"), integer(json, "steps"),
                        map(json, "pipeline"));
            case "step":
                return new StepEvent(run, integer(json, "batch"), integer(json, "batches"), integer(json, "step"),
                        integer(json, "steps"), number(json, "t"), longInteger(json, "nfe"),
                        number(json, "elapsed_seconds"));
            case "completed":
                return new RunCompleted(run, integer(json, "n"), longInteger(json, "nfe"),
                        number(json, "elapsed_seconds"), map(json, "provenance"));
            case "failed":
                return new RunFailed(run, integer(json, "batch"), integer(json, "step"), string(json, "reason"));
            default:
                throw new Score4jException("invalid run event: unknown type '" + type
                        + "'; expected started, step, completed or failed");
        }
    }

    private static Object require(Map<String, ?> json, String key) {
        Object v = json.get(key);
        if (v == null) {
            throw new Score4jException("invalid run event: missing '" + key + "'");
        }
        return v;
    }

    private static String string(Map<String, ?> json, String key) {
        Object v = require(json, key);
        if (!(v instanceof String s)) {
            throw wrong(key, "text", v);
        }
        return s;
    }

    private static double number(Map<String, ?> json, String key) {
        Object v = require(json, key);
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        if (v instanceof String s && (s.equals("NaN") || s.equals("Infinity") || s.equals("-Infinity"))) {
            return Double.parseDouble(s);
        }
        throw wrong(key, "a number", v);
    }

    private static long longInteger(Map<String, ?> json, String key) {
        Object v = require(json, key);
        if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        try {
            if (v instanceof BigInteger b) {
                return b.longValueExact();
            }
            if (v instanceof BigDecimal b) {
                return b.longValueExact();
            }
        } catch (ArithmeticException e) {
            throw wrong(key, "an integer", v);
        }
        if (v instanceof Number n) {
            double d = n.doubleValue();
            if (d == Math.rint(d) && Math.abs(d) < 0x1p53) {
                return (long) d;
            }
        }
        throw wrong(key, "an integer", v);
    }

    private static int integer(Map<String, ?> json, String key) {
        long v = longInteger(json, key);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw wrong(key, "a 32-bit integer", v);
        }
        return (int) v;
    }

    private static Map<String, Object> map(Map<String, ?> json, String key) {
        Object v = require(json, key);
        if (!(v instanceof Map<?, ?> m)) {
            throw wrong(key, "an object", v);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        m.forEach((k, x) -> {
            if (x != null) {
                out.put(String.valueOf(k), x);
            }
        });
        return out;
    }

    private static Score4jException wrong(String key, String expected, Object v) {
        String shown = v instanceof Map ? "an object" : v instanceof List ? "a list" : "'" + v + "'";
        return new Score4jException("invalid run event: '" + key + "' must be " + expected + ", got " + shown);
    }

    /** A deep copy with plain maps and lists; unordered maps get sorted keys. */
    private static Object copyValue(Object v) {
        if (v instanceof Map<?, ?> m) {
            return copy(m);
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            for (Object x : l) {
                out.add(copyValue(x));
            }
            return out;
        }
        return v;
    }

    private static Map<String, Object> copy(Map<?, ?> m) {
        boolean ordered = m instanceof LinkedHashMap || m instanceof SortedMap;
        Map<String, Object> out = ordered ? new LinkedHashMap<>() : new TreeMap<>();
        m.forEach((k, v) -> out.put(String.valueOf(k), copyValue(v)));
        return out;
    }
}
