package org.score4j.model.nn;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.score4j.api.ConfigException;

/**
 * A classifier folder, as {@code score4j train-classifier} and {@code score4j evaluate}'s cache write it:
 * <ul>
 *   <li>{@value #MANIFEST}: a JSON object with {@code "format": "score4j-classifier"}, {@code "format_version"},
 *       {@code "architecture"} ({@link ClassifierArchitecture#toMap()}), the data set and training settings, and
 *       {@code "files": {"classifier.params": {"sha256", "bytes"}}}; a noisy classifier also records the forward
 *       SDE ({@code "sde": {"name", "config", "t0", "t_end", "marginals": [[t, m(t), σ(t)], …]}});</li>
 *   <li>{@value #PARAMETERS}: the parameters in DJL's parameter format.</li>
 * </ul>
 * {@link #read} checks the manifest and {@link #load()} the parameters' size and SHA-256 before loading them.
 * Errors are {@link ConfigException}s naming the folder and the key or flag that gave it. Immutable.
 */
public final class ClassifierCheckpoint {
    /** The manifest's file name. */
    public static final String MANIFEST = "manifest.json";
    /** The parameters' file name. */
    public static final String PARAMETERS = "classifier.params";
    /** The manifest's {@code format} value. */
    public static final String FORMAT = "score4j-classifier";
    /** The manifest's {@code format_version} value. */
    public static final int FORMAT_VERSION = 1;

    private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {};

    private final Path dir;
    private final String where;
    private final Map<String, Object> manifest;
    private final ClassifierArchitecture architecture;

    private ClassifierCheckpoint(Path dir, String where, Map<String, Object> manifest,
            ClassifierArchitecture architecture) {
        this.dir = dir;
        this.where = where;
        this.manifest = manifest;
        this.architecture = architecture;
    }

    /**
     * Reads the manifest of the classifier folder {@code dir}.
     *
     * @param what names the source for messages, e.g. {@code "guidance.classifier"} or {@code "--classifier"}
     * @throws ConfigException when the folder is missing, is not a classifier folder, or its manifest is
     *     unreadable or invalid
     */
    public static ClassifierCheckpoint read(Path dir, String what) {
        String where = what + " '" + dir + "'";
        if (!Files.exists(dir)) {
            throw new ConfigException(where + " does not exist; expected a classifier folder written by score4j "
                    + "train-classifier");
        }
        if (!Files.isDirectory(dir)) {
            throw new ConfigException(where + " is not a folder; expected a classifier folder written by score4j "
                    + "train-classifier");
        }
        Path file = dir.resolve(MANIFEST);
        if (!Files.isRegularFile(file)) {
            throw new ConfigException(where + " has no " + MANIFEST + "; expected a classifier folder written by "
                    + "score4j train-classifier");
        }
        Map<String, Object> m;
        try {
            m = new ObjectMapper().readValue(file.toFile(), MAP);
        } catch (IOException e) {
            throw new ConfigException(where + ": " + MANIFEST + " is not valid JSON (" + firstLine(e.getMessage())
                    + ")", e);
        }
        if (m == null || !FORMAT.equals(m.get("format"))) {
            throw new ConfigException(where + ": " + MANIFEST + " is not a classifier manifest (format must be '"
                    + FORMAT + "')");
        }
        if (!(m.get("format_version") instanceof Number v) || v.intValue() != FORMAT_VERSION) {
            throw new ConfigException(where + " has classifier format version " + m.get("format_version")
                    + "; this score4j reads version " + FORMAT_VERSION);
        }
        ClassifierArchitecture arch;
        try {
            arch = ClassifierArchitecture.fromMap(m.get("architecture") instanceof Map<?, ?> a ? a : null);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(where + ": invalid manifest: " + e.getMessage(), e);
        }
        return new ClassifierCheckpoint(dir.toAbsolutePath().normalize(), where, m, arch);
    }

    /** The folder (absolute). */
    public Path dir() {
        return dir;
    }

    /** The parsed manifest (plain maps, lists, strings, numbers, booleans). */
    public Map<String, Object> manifest() {
        return manifest;
    }

    /** The classifier's architecture. */
    public ClassifierArchitecture architecture() {
        return architecture;
    }

    /** A section of the manifest, when it is an object. */
    public Optional<Map<?, ?>> section(String key) {
        return manifest.get(key) instanceof Map<?, ?> m ? Optional.of(m) : Optional.empty();
    }

    /**
     * The SHA-256 of the parameter file as the manifest records it, after checking that the file exists and
     * has the recorded size and checksum.
     *
     * @throws ConfigException when the file is missing, not listed, or differs from the manifest
     */
    public String verify() {
        if (!(manifest.get("files") instanceof Map<?, ?> files) || !(files.get(PARAMETERS) instanceof Map<?, ?> e)
                || !(e.get("sha256") instanceof String sha) || !(e.get("bytes") instanceof Number bytes)) {
            throw new ConfigException(where + ": the manifest lists no sha256 and bytes for " + PARAMETERS);
        }
        Path file = dir.resolve(PARAMETERS);
        if (!Files.isRegularFile(file)) {
            throw new ConfigException(where + " is incomplete: " + PARAMETERS + " is missing");
        }
        long size;
        try {
            size = Files.size(file);
        } catch (IOException ex) {
            throw new ConfigException(where + ": cannot read " + PARAMETERS + " (" + firstLine(ex.getMessage()) + ")",
                    ex);
        }
        if (size != bytes.longValue()) {
            throw new ConfigException(where + " is corrupt: " + PARAMETERS + " has " + size + " bytes, the manifest "
                    + "records " + bytes.longValue());
        }
        String actual = CheckpointManifest.sha256(file, where);
        if (!actual.equalsIgnoreCase(sha)) {
            throw new ConfigException(where + " is corrupt: " + PARAMETERS + " has SHA-256 " + actual.substring(0, 12)
                    + "…, the manifest records " + sha.substring(0, Math.min(12, sha.length())) + "…");
        }
        return sha;
    }

    /**
     * The classifier with the folder's parameters, after {@link #verify()}; its parameters are frozen (no
     * gradients). The caller closes it.
     *
     * @throws ConfigException when the parameters are corrupt or of another network
     */
    public Classifier load() {
        verify();
        Classifier c = new Classifier(architecture);
        try (InputStream in = Files.newInputStream(dir.resolve(PARAMETERS))) {
            c.loadParameters(in);
        } catch (IOException | RuntimeException e) {
            c.close();
            throw new ConfigException(where + ": cannot load " + PARAMETERS + ": " + firstLine(e.getMessage()), e);
        }
        c.freeze(true);
        return c;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unknown error";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    @Override
    public String toString() {
        return dir.toString();
    }
}
