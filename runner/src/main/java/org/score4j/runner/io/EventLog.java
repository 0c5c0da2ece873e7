package org.score4j.runner.io;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Consumer;
import org.score4j.api.Score4jException;
import org.score4j.api.event.RunCompleted;
import org.score4j.api.event.RunEvent;

/**
 * Records run events as JSON Lines: one single-line JSON object per event ({@link RunEventJson#toJson}),
 * in the order received.
 *
 * <p>The lines go to a temporary file beside the target; {@link #close()} moves it into place only when the
 * log is complete: the last event was a {@link RunCompleted} and {@link #abort()} was not called. Otherwise
 * (the run failed, or the front end failed after the run, e.g. while writing the samples, and called
 * {@code abort()}) the temporary file is deleted and the target is left as it was. A typical use:
 *
 * <pre>{@code
 * try (EventLog log = EventLog.open(path)) {
 *     try {
 *         runner.run(spec, log.andThen(progress));
 *         writeOutputs();
 *     } catch (RuntimeException e) {
 *         log.abort();
 *         throw e;
 *     }
 * }
 * }</pre>
 *
 * <p>Thread-safe: events may arrive from any thread.
 */
public final class EventLog implements Consumer<RunEvent>, AutoCloseable {
    private final Path target;
    private final Path tmp;
    private final BufferedWriter writer;
    private boolean completed;
    private boolean aborted;
    private boolean closed;

    private EventLog(Path target, Path tmp, BufferedWriter writer) {
        this.target = target;
        this.tmp = tmp;
        this.writer = writer;
    }

    /**
     * Starts a log that will become {@code target}.
     *
     * @throws Score4jException when the target's folder is missing or not writable, or the target is a
     *     folder
     */
    public static EventLog open(Path target) {
        AtomicFiles.checkWritable(target, "event log");
        Path tmp = AtomicFiles.createTemp(target);
        try {
            BufferedWriter w = new BufferedWriter(new OutputStreamWriter(
                    Files.newOutputStream(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING),
                    StandardCharsets.UTF_8));
            return new EventLog(target, tmp, w);
        } catch (IOException e) {
            AtomicFiles.deleteQuietly(tmp);
            throw new Score4jException("cannot write event log " + target + ": " + AtomicFiles.describe(e), e);
        }
    }

    /** The file the log becomes. */
    public Path target() {
        return target;
    }

    /**
     * Appends one line.
     *
     * @throws Score4jException when the line cannot be written
     * @throws IllegalStateException after {@link #close()}
     */
    @Override
    public synchronized void accept(RunEvent event) {
        if (closed) {
            throw new IllegalStateException("event log " + target + " is closed");
        }
        try {
            writer.write(RunEventJson.encode(event));
            writer.write('\n');
        } catch (IOException e) {
            throw new Score4jException("cannot write event log " + target + ": " + AtomicFiles.describe(e), e);
        }
        completed = event instanceof RunCompleted;
    }

    /** Marks the log as not to be kept: {@link #close()} will delete it. */
    public synchronized void abort() {
        aborted = true;
    }

    /**
     * Whether {@link #close()} will keep the log: the last event was a {@link RunCompleted} and the log was
     * not aborted.
     */
    public synchronized boolean willKeep() {
        return completed && !aborted;
    }

    /**
     * Finishes the log: moves it into place when {@link #willKeep()}, else deletes it. Idempotent.
     *
     * @throws Score4jException when the kept log cannot be moved into place (the temporary file is deleted)
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        boolean moved = false;
        try {
            writer.close();
            if (willKeep()) {
                AtomicFiles.moveIntoPlace(tmp, target);
                moved = true;
            }
        } catch (IOException e) {
            throw new Score4jException("cannot write event log " + target + ": " + AtomicFiles.describe(e), e);
        } finally {
            if (!moved) {
                AtomicFiles.deleteQuietly(tmp);
            }
        }
    }
}
