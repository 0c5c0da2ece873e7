package org.score4j.runner.train;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import org.score4j.api.Score4jException;
import org.score4j.model.nn.Classifier;
import org.score4j.model.nn.ClassifierCheckpoint;
import org.score4j.runner.engine.Versions;
import org.score4j.runner.io.Json;

/**
 * Writes a classifier folder ({@link ClassifierCheckpoint}: {@code manifest.json} and {@code classifier.params})
 * atomically: the files go into a hidden temporary folder beside the target, each synced, the manifest last
 * (with the parameters' SHA-256 and size, the format, the versions and the creation time), and the folder is
 * renamed into place. A folder already there is first renamed aside and deleted after the new one is in place,
 * so readers see the old classifier, none, or the new one — never a mix. Stateless.
 */
public final class ClassifierFolder {
    private ClassifierFolder() {}

    /**
     * Writes {@code classifier} with {@code manifest} (the entries {@code format}, {@code format_version},
     * {@code files}, {@code score4j_version}, {@code api_version} and {@code created} are added) to {@code dir}.
     *
     * @param replace whether an existing folder is replaced; otherwise one is an error
     * @throws Score4jException when the folder cannot be written (the temporary folder is removed), or it
     *     exists and {@code replace} is false
     */
    public static Path write(Path dir, Map<String, Object> manifest, Classifier classifier, boolean replace) {
        Path target = dir.toAbsolutePath().normalize();
        Path parent = target.getParent();
        String name = target.getFileName().toString();
        if (Files.exists(target) && !Files.isDirectory(target)) {
            throw new Score4jException("cannot write classifier " + target + ": it is a file");
        }
        if (Files.exists(target) && !replace && !isEmptyFolder(target)) {
            throw new Score4jException("cannot write classifier " + target + ": the folder exists and is not empty");
        }
        String suffix = Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffffL);
        Path tmp = parent.resolve("." + name + "." + suffix + ".tmp");
        Path old = parent.resolve("." + name + "." + suffix + ".old");
        boolean moved = false;
        try {
            Files.createDirectories(parent);
            Files.createDirectory(tmp);
            Map<String, Object> files = new TreeMap<>();
            files.put(ClassifierCheckpoint.PARAMETERS,
                    Checkpoint.writeFile(tmp.resolve(ClassifierCheckpoint.PARAMETERS), classifier::saveParameters));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("format", ClassifierCheckpoint.FORMAT);
            m.put("format_version", ClassifierCheckpoint.FORMAT_VERSION);
            manifest.forEach(m::putIfAbsent);
            m.putIfAbsent("score4j_version", Versions.score4j());
            m.putIfAbsent("api_version", Versions.api());
            m.putIfAbsent("created", Instant.now().truncatedTo(ChronoUnit.MILLIS).toString());
            m.put("files", files);
            byte[] json = Json.prettyWriter().writeValueAsBytes(m);
            Checkpoint.writeFile(tmp.resolve(ClassifierCheckpoint.MANIFEST), out -> {
                out.write(json);
                out.write('\n');
            });
            Checkpoint.syncFolder(tmp);
            if (Files.exists(target)) {
                move(target, old);
            }
            move(tmp, target);
            moved = true;
            Checkpoint.syncFolder(parent);
            return target;
        } catch (JsonProcessingException e) {
            throw new Score4jException("cannot write classifier " + target + ": " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().replace('\n', ' ');
            throw new Score4jException("cannot write classifier " + target + ": " + msg, e);
        } finally {
            if (!moved) {
                Checkpoint.deleteTree(tmp);
            }
            Checkpoint.deleteTree(old);
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to);
        }
    }

    private static boolean isEmptyFolder(Path dir) {
        try (var s = Files.list(dir)) {
            return s.findAny().isEmpty();
        } catch (IOException e) {
            return false;
        }
    }
}
