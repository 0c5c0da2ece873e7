package org.score4j.runner.train;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.score4j.api.Score4jException;
import org.score4j.api.data.DataScaling;
import org.score4j.api.model.CheckpointLayout;
import org.score4j.api.pipeline.PluginRef;
import org.score4j.runner.io.IoWriter;
import org.score4j.runner.io.Json;

/**
 * A training checkpoint: a folder {@code checkpoint-NNNNNNNN} (the iteration, eight digits) inside a run's
 * output folder, laid out as {@link CheckpointLayout} describes — {@code manifest.json}, the averaged and raw
 * weights, the optimizer state — with the SHA-256 and size of every file in the manifest.
 *
 * <p>{@link #write} creates the folder under a hidden temporary name ({@code .checkpoint-NNNNNNNN.<random>.tmp})
 * beside its final place, writes and syncs every file, the manifest last, and renames the folder into place in
 * one step: a checkpoint is complete or absent, and a failure leaves the earlier ones untouched.
 * {@link #open} verifies every checksum before anything is read, so a corrupt or truncated checkpoint is a
 * one-line {@link Score4jException} naming the file (and an earlier checkpoint that is intact) rather than
 * silently wrong weights. Instances are immutable.
 */
public final class Checkpoint {
    private static final Pattern NAME = Pattern.compile("checkpoint-(\\d{8,})");

    private final Path dir;
    private final Map<String, Object> manifest;

    private Checkpoint(Path dir, Map<String, Object> manifest) {
        this.dir = dir;
        this.manifest = manifest;
    }

    /** The folder name of the checkpoint at {@code iteration}. */
    public static String name(int iteration) {
        return String.format(Locale.ROOT, "checkpoint-%08d", iteration);
    }

    /** The checkpoint folders in {@code runDir}, oldest (lowest iteration) first; empty when there are none. */
    public static List<Path> list(Path runDir) {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(runDir)) {
            return out;
        }
        try (DirectoryStream<Path> s = Files.newDirectoryStream(runDir)) {
            for (Path p : s) {
                if (Files.isDirectory(p) && NAME.matcher(p.getFileName().toString()).matches()) {
                    out.add(p);
                }
            }
        } catch (IOException e) {
            throw new Score4jException("cannot list " + runDir + ": " + e.getMessage(), e);
        }
        out.sort(Comparator.comparingLong(Checkpoint::iterationOf));
        return out;
    }

    /** The iteration a checkpoint folder's name records. */
    static long iterationOf(Path dir) {
        Matcher m = NAME.matcher(dir.getFileName().toString());
        return m.matches() ? Long.parseLong(m.group(1)) : -1;
    }

    /**
     * Opens and verifies a checkpoint: {@code path} is a checkpoint folder, or a run's output folder, whose
     * newest checkpoint is taken.
     *
     * @throws Score4jException when the folder is missing, is not a checkpoint, its manifest is unreadable, or a
     *     file is missing or differs from the manifest's size or SHA-256
     */
    public static Checkpoint open(Path path) {
        if (!Files.exists(path)) {
            throw new Score4jException("checkpoint " + path + " does not exist");
        }
        if (!Files.isDirectory(path)) {
            throw new Score4jException("checkpoint " + path + " is not a folder; give a checkpoint folder or a "
                    + "training output folder");
        }
        Path dir = path;
        if (!Files.exists(path.resolve(CheckpointLayout.MANIFEST))) {
            List<Path> all = list(path);
            if (all.isEmpty()) {
                throw new Score4jException(path + " is not a checkpoint: it has no " + CheckpointLayout.MANIFEST
                        + " and no checkpoint-* folders");
            }
            dir = all.get(all.size() - 1);
        }
        Map<String, Object> m;
        try {
            m = read(dir);
        } catch (Score4jException e) {
            throw new Score4jException(e.getMessage() + previousHint(dir), e);
        }
        return new Checkpoint(dir.toAbsolutePath().normalize(), m);
    }

    /** Reads and verifies the checkpoint in {@code dir}. */
    private static Map<String, Object> read(Path dir) {
        Path file = dir.resolve(CheckpointLayout.MANIFEST);
        if (!Files.isRegularFile(file)) {
            throw new Score4jException("checkpoint " + dir + " has no " + CheckpointLayout.MANIFEST);
        }
        Map<String, Object> m;
        try {
            m = Json.readObject(file);
        } catch (Score4jException e) {
            throw new Score4jException("checkpoint " + dir + " is corrupt: " + CheckpointLayout.MANIFEST
                    + " is not a valid manifest (" + e.getMessage().replace(file.toString(), "").trim() + ")", e);
        }
        if (!CheckpointLayout.FORMAT.equals(m.get("format"))) {
            throw new Score4jException("checkpoint " + dir + ": " + CheckpointLayout.MANIFEST + " is not a score4j "
                    + "checkpoint manifest (format must be '" + CheckpointLayout.FORMAT + "')");
        }
        if (!(m.get("format_version") instanceof Number v) || v.intValue() != CheckpointLayout.FORMAT_VERSION) {
            throw new Score4jException("checkpoint " + dir + " has format version " + m.get("format_version")
                    + "; this score4j reads version " + CheckpointLayout.FORMAT_VERSION);
        }
        if (!(m.get("files") instanceof Map<?, ?> files)) {
            throw new Score4jException("checkpoint " + dir + " is corrupt: its manifest lists no files");
        }
        for (String required : List.of(CheckpointLayout.EMA_WEIGHTS, CheckpointLayout.WEIGHTS,
                CheckpointLayout.OPTIMIZER)) {
            if (!files.containsKey(required)) {
                throw new Score4jException("checkpoint " + dir + " is corrupt: its manifest does not list "
                        + required);
            }
        }
        for (Map.Entry<?, ?> e : files.entrySet()) {
            String name = String.valueOf(e.getKey());
            if (!(e.getValue() instanceof Map<?, ?> entry) || !(entry.get("sha256") instanceof String sha)
                    || !(entry.get("bytes") instanceof Number bytes)) {
                throw new Score4jException("checkpoint " + dir + " is corrupt: the manifest entry of " + name
                        + " has no sha256 and bytes");
            }
            Path f = dir.resolve(name);
            if (!f.normalize().startsWith(dir.normalize()) || !Files.isRegularFile(f)) {
                throw new Score4jException("checkpoint " + dir + " is incomplete: " + name + " is missing");
            }
            long size;
            try {
                size = Files.size(f);
            } catch (IOException ex) {
                throw new Score4jException("checkpoint " + dir + ": cannot read " + name + ": " + ex.getMessage(), ex);
            }
            if (size != bytes.longValue()) {
                throw new Score4jException("checkpoint " + dir + " is corrupt: " + name + " has " + size
                        + " bytes, the manifest records " + bytes.longValue() + " (truncated or changed)");
            }
            String actual = sha256(f);
            if (!actual.equalsIgnoreCase(sha)) {
                throw new Score4jException("checkpoint " + dir + " is corrupt: " + name + " has SHA-256 "
                        + abbreviate(actual) + ", the manifest records " + abbreviate(sha) + " (changed on disk)");
            }
        }
        return m;
    }

    /** " ; the previous checkpoint X is intact" when the run folder holds an earlier checkpoint that verifies. */
    private static String previousHint(Path dir) {
        Path parent = dir.toAbsolutePath().getParent();
        if (parent == null || iterationOf(dir) < 0) {
            return "";
        }
        long it = iterationOf(dir);
        List<Path> all = list(parent);
        for (int i = all.size() - 1; i >= 0; i--) {
            Path p = all.get(i);
            if (iterationOf(p) < it) {
                try {
                    read(p);
                    return "; the previous checkpoint " + p + " is intact";
                } catch (Score4jException e) {
                    // try an older one
                }
            }
        }
        return "";
    }

    /**
     * Writes a checkpoint folder atomically.
     *
     * @param runDir the run's output folder (it exists)
     * @param iteration the iteration, which names the folder
     * @param manifest the manifest's entries; {@code format}, {@code format_version} and {@code files} are added
     * @param files the files to write, name → writer, in order
     * @return the checkpoint folder
     * @throws Score4jException when the folder cannot be written (the temporary folder is removed) or a
     *     checkpoint of that iteration already exists
     */
    public static Path write(Path runDir, int iteration, Map<String, Object> manifest, Map<String, IoWriter> files) {
        Path target = runDir.resolve(name(iteration));
        if (Files.exists(target)) {
            throw new Score4jException("cannot write checkpoint " + target + ": it already exists");
        }
        Path tmp = runDir.resolve("." + name(iteration) + "."
                + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffffL) + ".tmp");
        boolean moved = false;
        try {
            Files.createDirectory(tmp);
            Map<String, Object> listed = new TreeMap<>();
            for (Map.Entry<String, IoWriter> f : files.entrySet()) {
                listed.put(f.getKey(), writeFile(tmp.resolve(f.getKey()), f.getValue()));
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("format", CheckpointLayout.FORMAT);
            m.put("format_version", CheckpointLayout.FORMAT_VERSION);
            manifest.forEach(m::putIfAbsent);
            m.put("files", listed);
            byte[] json = Json.prettyWriter().writeValueAsBytes(m);
            writeFile(tmp.resolve(CheckpointLayout.MANIFEST), out -> {
                out.write(json);
                out.write('\n');
            });
            syncFolder(tmp);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target);
            }
            moved = true;
            syncFolder(runDir);
            return target;
        } catch (FileAlreadyExistsException e) {
            throw new Score4jException("cannot write checkpoint " + target + ": it already exists", e);
        } catch (JsonProcessingException e) {
            throw new Score4jException("cannot write checkpoint " + target + ": " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new Score4jException("cannot write checkpoint " + target + ": " + describe(e), e);
        } finally {
            if (!moved) {
                deleteTree(tmp);
            }
        }
    }

    /** Writes one file, forced to disk; returns its manifest entry {@code {sha256, bytes}}. */
    static Map<String, Object> writeFile(Path file, IoWriter writer) throws IOException {
        MessageDigest md = digest();
        long size;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            OutputStream out = new DigestOutputStream(new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16), md);
            writer.write(out);
            out.flush();
            ch.force(true);
            size = ch.size();
        }
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("sha256", HexFormat.of().formatHex(md.digest()));
        e.put("bytes", size);
        return e;
    }

    static void syncFolder(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // not every platform can sync a folder; the files themselves are synced
        }
    }

    /**
     * Deletes all but the newest {@code keep} checkpoints of {@code runDir} ({@code keep} 0: none).
     *
     * @return the folders deleted
     */
    public static List<Path> prune(Path runDir, int keep) {
        List<Path> deleted = new ArrayList<>();
        if (keep <= 0) {
            return deleted;
        }
        List<Path> all = list(runDir);
        for (int i = 0; i < all.size() - keep; i++) {
            deleteTree(all.get(i));
            deleted.add(all.get(i));
        }
        return deleted;
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // best effort: a leftover folder is harmless (hidden, or an older checkpoint)
        }
    }

    /** The SHA-256 of a file, lower-case hex. */
    static String sha256(Path file) {
        MessageDigest md = digest();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int r; (r = in.read(buf)) > 0; ) {
                md.update(buf, 0, r);
            }
        } catch (IOException e) {
            throw new Score4jException("cannot read " + file + ": " + describe(e), e);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String abbreviate(String hex) {
        return hex.length() > 12 ? hex.substring(0, 12) + "…" : hex;
    }

    private static String describe(IOException e) {
        String m = e.getMessage();
        return (m == null ? e.getClass().getSimpleName() : m).replace('\n', ' ');
    }

    // ------------------------------------------------------------------ reading the manifest

    /** The checkpoint folder (absolute). */
    public Path dir() {
        return dir;
    }

    /** The run's output folder: the checkpoint folder's parent. */
    public Path runDir() {
        return dir.getParent();
    }

    /** A file of the checkpoint (verified when the checkpoint was opened). */
    public Path file(String name) {
        return dir.resolve(name);
    }

    /** The parsed manifest. */
    public Map<String, Object> manifest() {
        return manifest;
    }

    /** The iterations done. */
    public int iteration() {
        return number("iteration").intValue();
    }

    /** The iteration the run was asked to reach. */
    public int iterations() {
        return number("iterations").intValue();
    }

    /** The training time before this checkpoint, in seconds. */
    public double elapsedSeconds() {
        Object metrics = manifest.get("metrics");
        if (metrics instanceof Map<?, ?> mm && mm.get("elapsed_seconds") instanceof Number n) {
            return n.doubleValue();
        }
        return 0;
    }

    /** The optimizer's step count. */
    long optimizerStep() {
        return number(section("training"), "optimizer_step", "training.optimizer_step").longValue();
    }

    /** The model entry as a plugin reference (config values as text). */
    public PluginRef model() {
        return ref("model");
    }

    /** The SDE entry as a plugin reference. */
    public PluginRef sde() {
        return ref("sde");
    }

    /** The data entry as a plugin reference. */
    public PluginRef data() {
        return ref("data");
    }

    /** The training run this checkpoint belongs to. */
    public TrainingSpec spec() {
        Map<?, ?> t = section("training");
        String lossWord = String.valueOf(t.get("loss"));
        ScoreMatchingLoss loss;
        try {
            loss = ScoreMatchingLoss.ofWord(lossWord);
        } catch (IllegalArgumentException e) {
            throw corrupt("training.loss '" + lossWord + "' is not a known loss");
        }
        return new TrainingSpec(data(), model(), sde(),
                number(t, "batch", "training.batch").intValue(),
                number(t, "lr", "training.lr").doubleValue(),
                number(t, "ema", "training.ema").doubleValue(),
                number("seed").longValue(),
                loss,
                number(t, "grad_clip", "training.grad_clip").doubleValue(),
                number(t, "warmup", "training.warmup").intValue(),
                condDropout());
    }

    /**
     * The class count K of the model ({@link CheckpointLayout#CONDITIONING}'s {@code num_classes}); 0 for an
     * unconditional model, and for a manifest written before class conditioning existed.
     */
    public int numClasses() {
        return conditioning("num_classes").intValue();
    }

    /**
     * The probability with which training replaced a label by the null label
     * ({@link CheckpointLayout#CONDITIONING}'s {@code cond_dropout}); 0 when the manifest records none.
     */
    public double condDropout() {
        return conditioning("cond_dropout").doubleValue();
    }

    private Number conditioning(String key) {
        Object c = manifest.get(CheckpointLayout.CONDITIONING);
        if (c == null) {
            return 0;
        }
        if (!(c instanceof Map<?, ?> m)) {
            throw corrupt("'" + CheckpointLayout.CONDITIONING + "' is not an object");
        }
        return number(m, key, CheckpointLayout.CONDITIONING + "." + key);
    }

    private PluginRef ref(String key) {
        Map<?, ?> s = section(key);
        if (!(s.get("name") instanceof String name)) {
            throw corrupt(key + ".name is missing");
        }
        Map<String, String> config = new TreeMap<>();
        if (s.get("config") instanceof Map<?, ?> c) {
            c.forEach((k, v) -> {
                if (v != null) {
                    config.put(String.valueOf(k), String.valueOf(v));
                }
            });
        }
        return new PluginRef(name, config);
    }

    private Map<?, ?> section(String key) {
        if (manifest.get(key) instanceof Map<?, ?> m) {
            return m;
        }
        throw corrupt("'" + key + "' is missing");
    }

    private Number number(String key) {
        return number(manifest, key, key);
    }

    private Number number(Map<?, ?> m, String key, String where) {
        if (m.get(key) instanceof Number n) {
            return n;
        }
        throw corrupt("'" + where + "' is missing or not a number");
    }

    private Score4jException corrupt(String what) {
        return new Score4jException("checkpoint " + dir + ": invalid manifest: " + what);
    }

    /** The sample shape of the data the model was trained on. */
    public Optional<long[]> sampleShape() {
        if (manifest.get("data") instanceof Map<?, ?> d && d.get("sample_shape") instanceof List<?> l) {
            return Optional.of(l.stream().mapToLong(v -> ((Number) v).longValue()).toArray());
        }
        return Optional.empty();
    }

    /**
     * The scaling from the data's units to model space that the model was trained with (the manifest's
     * {@code data.scaling}); empty when the manifest does not record one.
     */
    public Optional<DataScaling> dataScaling() {
        if (manifest.get("data") instanceof Map<?, ?> d && d.get("scaling") instanceof Map<?, ?> s) {
            if (s.get("scale") instanceof Number scale && s.get("offset") instanceof Number offset) {
                try {
                    return Optional.of(new DataScaling(scale.doubleValue(), offset.doubleValue()));
                } catch (IllegalArgumentException e) {
                    throw corrupt("data.scaling is invalid (" + e.getMessage() + ")");
                }
            }
            throw corrupt("data.scaling needs numbers scale and offset");
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return dir.toString();
    }
}
