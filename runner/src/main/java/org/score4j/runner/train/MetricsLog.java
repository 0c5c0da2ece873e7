package org.score4j.runner.train;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.score4j.api.Score4jException;
import org.score4j.runner.io.AtomicFiles;
import org.score4j.runner.io.Json;

/**
 * The metrics file of a training run, {@code metrics.jsonl}: one JSON object per line,
 * {@code {"iteration", "loss", "lr", "grad_norm", "elapsed"}}, appended and flushed line by line so that it
 * can be followed while training runs. When a run resumes from a checkpoint, the lines after the checkpoint's
 * iteration (written by the interrupted run) are dropped first, atomically, so the file describes one history.
 * Not thread-safe.
 */
final class MetricsLog implements AutoCloseable {
    /** The file name inside a run's output folder. */
    static final String FILE = "metrics.jsonl";

    private final Path file;
    private final BufferedWriter out;

    private MetricsLog(Path file, BufferedWriter out) {
        this.file = file;
        this.out = out;
    }

    /**
     * Opens {@code runDir/metrics.jsonl} for appending, keeping only the lines up to {@code upTo} (all lines
     * of {@code from}'s metrics when it is another run folder; nothing when {@code upTo} is 0).
     */
    static MetricsLog open(Path runDir, Path from, int upTo) {
        Path file = runDir.resolve(FILE);
        Path source = from == null ? file : from.resolve(FILE);
        List<String> kept = new ArrayList<>();
        if (upTo > 0 && Files.isRegularFile(source)) {
            try {
                for (String line : Files.readAllLines(source, StandardCharsets.UTF_8)) {
                    if (line.isBlank()) {
                        continue;
                    }
                    Map<String, Object> m;
                    try {
                        m = Json.parseObject(line);
                    } catch (Score4jException e) {
                        continue; // a line cut short by a crash
                    }
                    if (m.get("iteration") instanceof Number n && n.longValue() <= upTo) {
                        kept.add(line);
                    }
                }
            } catch (IOException e) {
                throw new Score4jException("cannot read " + source + ": " + e.getMessage(), e);
            }
        }
        AtomicFiles.write(file, o -> {
            for (String line : kept) {
                o.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            }
        });
        try {
            return new MetricsLog(file, Files.newBufferedWriter(file, StandardCharsets.UTF_8,
                    StandardOpenOption.APPEND));
        } catch (IOException e) {
            throw new Score4jException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** Appends one line. */
    void write(Map<String, Object> entry) {
        try {
            out.write(Json.toJson(entry));
            out.write('\n');
            out.flush();
        } catch (IOException e) {
            throw new Score4jException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new Score4jException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
