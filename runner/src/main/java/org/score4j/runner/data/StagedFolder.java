package org.score4j.runner.data;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.score4j.api.Score4jException;

/**
 * A folder filled under a hidden temporary name beside its target ({@code .<name>.<random>.tmp}) and renamed
 * into place in one step by {@link #commit}: the target is complete or absent, never half-written. Closing
 * without committing deletes the temporary folder, and so does a shutdown hook (Ctrl-C) while it is open;
 * temporary folders older than an hour left by a killed process are removed when the next one is created.
 *
 * <p>A target that already exists is replaced only when it holds nothing but files named in
 * {@code replaceable} (it is moved aside, the new folder renamed into place, the old one deleted); anything
 * else in it is an error, so a user's own files are never removed. Not thread-safe.
 */
final class StagedFolder implements AutoCloseable {
    private static final Duration STALE = Duration.ofHours(1);

    private final Path target;
    private final Path tmp;
    private final Thread hook;
    private boolean committed;

    private StagedFolder(Path target, Path tmp) {
        this.target = target;
        this.tmp = tmp;
        this.hook = new Thread(() -> deleteTree(tmp), "score4j-staged-folder-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Creates the temporary folder beside {@code target} (creating the target's parent folders). */
    static StagedFolder beside(Path target) {
        Path abs = target.toAbsolutePath().normalize();
        Path parent = abs.getParent();
        String name = abs.getFileName().toString();
        try {
            Files.createDirectories(parent);
            removeStale(parent, name);
            Path tmp = parent.resolve("." + name + "."
                    + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffffL) + ".tmp");
            Files.createDirectory(tmp);
            return new StagedFolder(abs, tmp);
        } catch (IOException e) {
            throw new Score4jException("cannot create a folder beside " + abs + ": " + describe(e), e);
        }
    }

    /** Fails when {@code target} exists and is not a folder (before any work). */
    static void checkTarget(Path target) {
        if (Files.exists(target) && !Files.isDirectory(target)) {
            throw new Score4jException(target + " exists and is not a folder; remove it or choose another folder");
        }
    }

    /** The temporary folder to fill. */
    Path dir() {
        return tmp;
    }

    /** The target folder. */
    Path target() {
        return target;
    }

    /**
     * Renames the temporary folder to the target, replacing an existing target that holds only
     * {@code replaceable} names.
     */
    void commit(Set<String> replaceable) {
        try {
            Path aside = null;
            if (Files.exists(target)) {
                if (!Files.isDirectory(target)) {
                    throw new Score4jException(target + " exists and is not a folder; remove it or choose another "
                            + "folder");
                }
                try (DirectoryStream<Path> s = Files.newDirectoryStream(target)) {
                    for (Path p : s) {
                        if (!replaceable.contains(p.getFileName().toString()) || Files.isDirectory(p)) {
                            throw new Score4jException(target + " holds other files (" + p.getFileName()
                                    + "); remove them or choose another folder (--root)");
                        }
                    }
                }
                aside = target.resolveSibling("." + target.getFileName() + ".old."
                        + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffffL) + ".tmp");
                move(target, aside);
            }
            move(tmp, target);
            committed = true;
            if (aside != null) {
                deleteTree(aside);
            }
        } catch (IOException e) {
            throw new Score4jException("cannot move the new files into " + target + ": " + describe(e), e);
        }
    }

    @Override
    public void close() {
        if (!committed) {
            deleteTree(tmp);
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // shutting down: the hook runs anyway
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to);
        }
    }

    private static void removeStale(Path parent, String name) throws IOException {
        Instant before = Instant.now().minus(STALE);
        try (DirectoryStream<Path> s = Files.newDirectoryStream(parent, "." + name + ".*.tmp")) {
            for (Path p : s) {
                FileTime t = Files.getLastModifiedTime(p);
                if (t.toInstant().isBefore(before)) {
                    deleteTree(p);
                }
            }
        }
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // best effort: a hidden leftover is removed by the next fetch
        }
    }

    static String describe(Exception e) {
        String m = e.getMessage();
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied (" + m + ")";
        }
        return m == null ? e.getClass().getSimpleName() : m.replace('\n', ' ');
    }
}
