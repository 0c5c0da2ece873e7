package org.score4j.runner.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.score4j.api.Score4jException;
import org.score4j.api.event.RunCompleted;
import org.score4j.api.event.RunEvent;
import org.score4j.api.event.RunFailed;
import org.score4j.api.event.RunStarted;
import org.score4j.api.event.StepEvent;

class EventLogTest {
    @TempDir
    Path dir;

    private static final List<RunEvent> RUN = List.of(
            new RunStarted("r", 10, 1, 2, Map.of("sde", "vp")),
            new StepEvent("r", 0, 1, 1, 2, 0.5, 2, 0.01),
            new StepEvent("r", 0, 1, 2, 2, 0.001, 4, 0.02));

    @Test
    void completedRunIsKeptAsOneJsonObjectPerLine() throws IOException {
        Path f = dir.resolve("events.jsonl");
        RunCompleted done = new RunCompleted("r", 10, 4, 0.03, Map.of("seed", 0));
        try (EventLog log = EventLog.open(f)) {
            RUN.forEach(log);
            assertThat(f).doesNotExist();
            log.accept(done);
            assertThat(log.willKeep()).isTrue();
        }
        List<String> lines = Files.readAllLines(f);
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0)).startsWith("{\"type\":\"started\",\"run\":\"r\"");
        for (int i = 0; i < 3; i++) {
            assertThat(RunEventJson.fromJson(Json.parseObject(lines.get(i)))).isEqualTo(RUN.get(i));
        }
        assertThat(RunEventJson.fromJson(Json.parseObject(lines.get(3)))).isEqualTo(done);
        assertThat(names()).containsExactly("events.jsonl");
    }

    @Test
    void failedRunLeavesNothingAndKeepsAnOldLog() throws IOException {
        Path f = dir.resolve("events.jsonl");
        Files.writeString(f, "old\n");
        try (EventLog log = EventLog.open(f)) {
            RUN.forEach(log);
            log.accept(new RunFailed("r", 0, 3, "NaN in the score"));
            assertThat(log.willKeep()).isFalse();
        }
        assertThat(f).hasContent("old");
        assertThat(names()).containsExactly("events.jsonl");
    }

    @Test
    void exceptionWithoutEventsOrAbortAfterCompletionLeavesNothing() {
        Path f = dir.resolve("e.jsonl");
        assertThatThrownBy(() -> {
            try (EventLog log = EventLog.open(f)) {
                RUN.forEach(log);
                throw new IllegalStateException("front end failed");
            }
        }).hasMessage("front end failed");
        try (EventLog log = EventLog.open(f)) {
            RUN.forEach(log);
            log.accept(new RunCompleted("r", 10, 4, 0.03, Map.of()));
            log.abort();
        }
        assertThat(names()).isEmpty();
    }

    @Test
    void closeIsIdempotentAndLaterEventsAreRejected() {
        Path f = dir.resolve("e.jsonl");
        EventLog log = EventLog.open(f);
        log.accept(new RunCompleted("r", 1, 1, 0, Map.of()));
        log.close();
        log.close();
        assertThat(f).exists();
        assertThatThrownBy(() -> log.accept(RUN.get(0))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void unwritableTargetFailsAtOpen() {
        Path f = dir.resolve("missing").resolve("e.jsonl");
        assertThatThrownBy(() -> EventLog.open(f)).isInstanceOf(Score4jException.class)
                .hasMessageContaining("event log").hasMessageContaining("does not exist");
    }

    private List<String> names() {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
