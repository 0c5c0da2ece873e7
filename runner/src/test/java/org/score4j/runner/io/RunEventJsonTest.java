package org.score4j.runner.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.score4j.api.Score4jException;
import org.score4j.api.event.RunCompleted;
import org.score4j.api.event.RunEvent;
import org.score4j.api.event.RunFailed;
import org.score4j.api.event.RunStarted;
import org.score4j.api.event.StepEvent;

class RunEventJsonTest {
    private static final Map<String, Object> PIPELINE = Map.of("sde", "vp", "solver", "pc", "t0", 0.001,
            "t_end", 1.0, "configs", Map.of("snr", "0.16"));

    @Test
    void startedRoundTrip() {
        RunStarted e = new RunStarted("r1", 1000, 4, 500, PIPELINE);
        Map<String, Object> m = RunEventJson.toJson(e);
        assertThat(m.keySet()).containsExactly("type", "run", "n", "batches", "steps", "pipeline");
        assertThat(m).containsEntry("type", "started").containsEntry("run", "r1").containsEntry("batches", 4);
        assertThat(m.get("pipeline").toString()).startsWith("{configs=");
        assertRoundTrips(e);
    }

    @Test
    void stepRoundTrip() {
        StepEvent e = new StepEvent("r1", 2, 4, 420, 1000, 0.58, 3_000_000_000L, 12.25);
        Map<String, Object> m = RunEventJson.toJson(e);
        assertThat(m.keySet()).containsExactly("type", "run", "batch", "batches", "step", "steps", "t", "nfe",
                "elapsed_seconds");
        assertThat(m).containsEntry("type", "step").containsEntry("nfe", 3_000_000_000L);
        assertRoundTrips(e);
        assertRoundTrips(new StepEvent("r1", 0, 1, 3, -1, 0.25, 9, 0.0));
    }

    @Test
    void completedRoundTrip() {
        RunCompleted e = new RunCompleted("r1", 1000, 2000, 3.5, Map.of("seed", 0, "sde",
                Map.of("name", "vp", "config", Map.of()), "shape", List.of(1000, 2)));
        Map<String, Object> m = RunEventJson.toJson(e);
        assertThat(m.keySet()).containsExactly("type", "run", "n", "nfe", "elapsed_seconds", "provenance");
        assertRoundTrips(e);
    }

    @Test
    void failedRoundTrip() {
        RunFailed e = new RunFailed("r1", -1, 0, "unknown sde 'vq'; available: ve, vp");
        Map<String, Object> m = RunEventJson.toJson(e);
        assertThat(m.keySet()).containsExactly("type", "run", "batch", "step", "reason");
        assertThat(m).containsEntry("type", "failed").containsEntry("batch", -1);
        assertRoundTrips(e);
    }

    @Test
    void nonFiniteTimesSurviveJson() {
        StepEvent e = new StepEvent("r", 0, 1, 1, 10, Double.NaN, 1, 0.1);
        RunEvent back = RunEventJson.fromJson(Json.parseObject(Json.toJson(RunEventJson.toJson(e))));
        assertThat(((StepEvent) back).t()).isNaN();
    }

    @Test
    void acceptsNumbersOfAnyTypeAndIgnoresUnknownKeys() {
        Map<String, Object> m = new LinkedHashMap<>(RunEventJson.toJson(new StepEvent("r", 0, 1, 1, 10, 0.5, 2, 0.1)));
        m.put("step", 1.0);
        m.put("nfe", new java.math.BigInteger("2"));
        m.put("extra", "ignored");
        assertThat(RunEventJson.fromJson(m)).isEqualTo(new StepEvent("r", 0, 1, 1, 10, 0.5, 2, 0.1));
    }

    @Test
    void invalidMapsAreReported() {
        Map<String, Object> ok = RunEventJson.toJson(new RunFailed("r", 0, 1, "x"));
        Map<String, Object> noType = new LinkedHashMap<>(ok);
        noType.remove("type");
        assertThatThrownBy(() -> RunEventJson.fromJson(noType)).isInstanceOf(Score4jException.class)
                .hasMessage("invalid run event: missing 'type'");
        Map<String, Object> badType = new LinkedHashMap<>(ok);
        badType.put("type", "paused");
        assertThatThrownBy(() -> RunEventJson.fromJson(badType)).isInstanceOf(Score4jException.class)
                .hasMessageContaining("unknown type 'paused'");
        Map<String, Object> badStep = new LinkedHashMap<>(ok);
        badStep.put("step", 1.5);
        assertThatThrownBy(() -> RunEventJson.fromJson(badStep)).isInstanceOf(Score4jException.class)
                .hasMessage("invalid run event: 'step' must be an integer, got '1.5'");
        Map<String, Object> badReason = new LinkedHashMap<>(ok);
        badReason.put("reason", List.of());
        assertThatThrownBy(() -> RunEventJson.fromJson(badReason)).isInstanceOf(Score4jException.class)
                .hasMessage("invalid run event: 'reason' must be text, got a list");
    }

    /** Through a map, and through JSON text and back. */
    private static void assertRoundTrips(RunEvent e) {
        assertThat(RunEventJson.fromJson(RunEventJson.toJson(e))).isEqualTo(e);
        String text = RunEventJson.encode(e);
        assertThat(text).doesNotContain("\n").isEqualTo(Json.toJson(RunEventJson.toJson(e)));
        assertThat(RunEventJson.decode(text)).isEqualTo(e);
    }
}
