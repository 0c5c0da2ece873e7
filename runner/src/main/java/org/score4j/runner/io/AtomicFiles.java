package org.score4j.runner.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;
import org.score4j.api.Score4jException;

/**
 * Output files that appear complete or not at all.
 *
 * <p>{@link #write(Path, IoWriter)} writes to a temporary file in the target's folder (a hidden name
 * ending in {@code .tmp}), forces it to disk and renames it over the target in one atomic step where the
 * file system allows (otherwise a plain replacing move). If anything fails the temporary file is deleted and
 * an existing target keeps its old content. {@link #checkWritable(Path, String)} lets a front end reject an
 * unusable output path before any work starts.
 *
 * <p>Stateless and thread-safe; two concurrent writes of the same target leave one of the two complete
 * contents.
 */
public final class AtomicFiles {
    private AtomicFiles() {}

    /**
     * Writes {@code target} through {@code writer}.
     *
     * @throws Score4jException naming the target when the file cannot be written (I/O errors of the writer
     *     included); unchecked exceptions of the writer are rethrown as they are, after clean-up
     */
    public static void write(Path target, IoWriter writer) {
        Path tmp = createTemp(target);
        boolean moved = false;
        try {
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE);
                    OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16)) {
                writer.write(out);
                out.flush();
                channel.force(true);
            }
            moveIntoPlace(tmp, target);
            moved = true;
        } catch (IOException | UncheckedIOException e) {
            throw new Score4jException("cannot write " + target + ": " + describe(e), e);
        } finally {
            if (!moved) {
                deleteQuietly(tmp);
            }
        }
    }

    /**
     * Fails fast when {@code target} cannot be written: its folder does not exist, is not a folder or is not
     * writable, or the target itself is a folder.
     *
     * @param what names the file for the message, e.g. {@code "output file"} or {@code "--out"}
     * @throws Score4jException with a one-line message naming {@code what} and the path
     */
    public static void checkWritable(Path target, String what) {
        if (target.getFileName() == null) {
            throw new Score4jException(what + " " + target + " is not a file name");
        }
        if (Files.isDirectory(target)) {
            throw new Score4jException(what + " " + target + " is a folder; give a file name");
        }
        Path parent = parentOf(target);
        if (!Files.exists(parent)) {
            throw new Score4jException(what + " " + target + ": folder " + parent + " does not exist");
        }
        if (!Files.isDirectory(parent)) {
            throw new Score4jException(what + " " + target + ": " + parent + " is not a folder");
        }
        if (!Files.isWritable(parent)) {
            throw new Score4jException(what + " " + target + ": folder " + parent + " is not writable");
        }
    }

    /** The folder a file is created in: its parent, or the working folder for a bare file name. */
    static Path parentOf(Path target) {
        Path parent = target.toAbsolutePath().getParent();
        return parent == null ? target.toAbsolutePath() : parent;
    }

    /**
     * Creates an empty temporary file beside {@code target} (same folder, so the final move is a rename).
     * The file gets the default permissions of new files, as the target would.
     */
    static Path createTemp(Path target) {
        Path parent = parentOf(target);
        String name = target.getFileName() == null ? "out" : target.getFileName().toString();
        for (int attempt = 0; ; attempt++) {
            String suffix = Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffffL);
            Path tmp = parent.resolve("." + name + "." + suffix + ".tmp");
            try {
                Files.newByteChannel(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
                return tmp;
            } catch (FileAlreadyExistsException e) {
                if (attempt > 100) {
                    throw new Score4jException("cannot create a temporary file in " + parent + " for " + target, e);
                }
            } catch (IOException e) {
                throw new Score4jException("cannot write " + target + ": " + describe(e), e);
            }
        }
    }

    /** Renames {@code tmp} over {@code target}, atomically where the file system can. */
    static void moveIntoPlace(Path tmp, Path target) throws IOException {
        if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException("it is a folder");
        }
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    static void deleteQuietly(Path tmp) {
        try {
            Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
            // best effort: the original error matters more
        }
    }

    /** A one-line description of an I/O error. */
    static String describe(Exception e) {
        Throwable c = e instanceof UncheckedIOException && e.getCause() != null ? e.getCause() : e;
        String msg = c.getMessage();
        String kind = c.getClass().getSimpleName();
        if (c instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        if (c instanceof java.nio.file.NoSuchFileException) {
            return "no such file or folder";
        }
        if (msg == null || msg.isBlank()) {
            return kind;
        }
        return msg.replace('\n', ' ').replace('\r', ' ');
    }
}
