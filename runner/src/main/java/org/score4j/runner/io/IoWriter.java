package org.score4j.runner.io;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes the content of one file to a stream; used by {@link AtomicFiles#write(java.nio.file.Path, IoWriter)}.
 * The stream is buffered and closed by the caller: an implementation writes and returns, or throws to
 * abandon the file.
 */
@FunctionalInterface
public interface IoWriter {
    /** Writes the whole content to {@code out}. */
    void write(OutputStream out) throws IOException;
}
