package org.score4j.model.nn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import org.score4j.api.ConfigException;
import org.score4j.api.model.CheckpointLayout;
import org.score4j.api.plugin.ConfigKey;
import org.score4j.api.plugin.PluginConfig;

/**
 * What a model plugin reads of a training checkpoint ({@link CheckpointLayout}): the manifest's format, the
 * model entry, and the recorded SHA-256 of a file, which {@link #verify(String)} checks. Errors are
 * {@link ConfigException}s naming the {@code model.checkpoint} folder. Immutable.
 */
final class CheckpointManifest {
    private final Path dir;
    private final JsonNode root;

    private CheckpointManifest(Path dir, JsonNode root) {
        this.dir = dir;
        this.root = root;
    }

    /** Reads {@code dir/manifest.json}. */
    static CheckpointManifest read(Path dir) {
        String where = "model.checkpoint '" + dir + "'";
        if (!Files.isDirectory(dir)) {
            throw new ConfigException(where + " is not a folder; expected a checkpoint folder written by "
                    + "score4j train");
        }
        Path file = dir.resolve(CheckpointLayout.MANIFEST);
        if (!Files.isRegularFile(file)) {
            throw new ConfigException(where + " has no " + CheckpointLayout.MANIFEST
                    + "; expected a checkpoint folder written by score4j train");
        }
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new ConfigException(where + ": " + CheckpointLayout.MANIFEST + " is not valid JSON ("
                    + firstLine(e.getMessage()) + ")", e);
        }
        if (root == null || !root.isObject()
                || !CheckpointLayout.FORMAT.equals(root.path("format").asText(null))) {
            throw new ConfigException(where + ": " + CheckpointLayout.MANIFEST + " is not a score4j checkpoint "
                    + "manifest (format must be '" + CheckpointLayout.FORMAT + "')");
        }
        int version = root.path("format_version").asInt(-1);
        if (version != CheckpointLayout.FORMAT_VERSION) {
            throw new ConfigException(where + " has checkpoint format version " + version + "; this score4j "
                    + "reads version " + CheckpointLayout.FORMAT_VERSION);
        }
        return new CheckpointManifest(dir, root);
    }

    /** The checkpoint folder. */
    Path dir() {
        return dir;
    }

    /** The model plugin the checkpoint was trained with. */
    String modelName() {
        return root.path("model").path("name").asText("");
    }

    /**
     * Checks that the model the checkpoint was trained with is {@code name} with the same effective
     * configuration as {@code config}, ignoring {@code checkpoint} itself.
     *
     * @throws ConfigException naming the first key that differs
     */
    void checkModel(String name, Map<String, ConfigKey> keys, PluginConfig config) {
        String where = "model.checkpoint '" + dir + "'";
        if (!name.equals(modelName())) {
            throw new ConfigException(where + " was trained with model '" + modelName() + "', not '" + name
                    + "'; use --model " + modelName() + " (or score4j sample --checkpoint " + dir + ")");
        }
        JsonNode recorded = root.path("model").path("config");
        for (Map.Entry<String, ConfigKey> e : keys.entrySet()) {
            String key = e.getKey();
            if (key.equals(CheckpointLayout.CHECKPOINT_KEY)) {
                continue;
            }
            Object mine = config.values().get(key);
            JsonNode theirs = recorded.get(key);
            // a key the checkpoint does not record (added after it was written) had its default
            String text = theirs == null ? e.getValue().defaultValue() : theirs.isNull() ? null : theirs.asText();
            Object other = text == null ? null : e.getValue().parse(text, "model." + key);
            if (!java.util.Objects.equals(mine, other)) {
                throw new ConfigException(where + " was trained with model." + key + "=" + other + ", not " + mine
                        + "; drop the setting (or use score4j sample --checkpoint " + dir + ", which takes the "
                        + "model's settings from the checkpoint)");
            }
        }
    }

    /**
     * Whether training replaced labels by the null label, i.e. the manifest's
     * {@code conditioning.cond_dropout} is above 0 ({@link CheckpointLayout#CONDITIONING}); false when the
     * manifest records no conditioning (an unconditional model).
     */
    boolean nullLabelTrained() {
        return root.path(CheckpointLayout.CONDITIONING).path("cond_dropout").asDouble(0) > 0;
    }

    /**
     * The file {@code name} of the checkpoint, after checking its size and SHA-256 against the manifest.
     *
     * @throws ConfigException when the file is missing, not listed, or differs from what the manifest records
     */
    Path verify(String name) {
        String where = "model.checkpoint '" + dir + "'";
        JsonNode entry = root.path("files").path(name);
        String expected = entry.path("sha256").asText(null);
        if (expected == null) {
            throw new ConfigException(where + ": the manifest lists no SHA-256 for " + name);
        }
        Path file = dir.resolve(name);
        if (!Files.isRegularFile(file)) {
            throw new ConfigException(where + " is incomplete: " + name + " is missing");
        }
        String actual = sha256(file, where);
        if (!actual.equalsIgnoreCase(expected)) {
            throw new ConfigException(where + " is corrupt: " + name + " has SHA-256 " + abbreviate(actual)
                    + ", the manifest records " + abbreviate(expected) + " (the file was changed or truncated)");
        }
        return file;
    }

    static String sha256(Path file, String where) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int r; (r = in.read(buf)) > 0; ) {
                md.update(buf, 0, r);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new ConfigException(where + ": cannot read " + file.getFileName() + " (" + firstLine(e.getMessage())
                    + ")", e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String abbreviate(String hex) {
        return hex.length() > 12 ? hex.substring(0, 12) + "…" : hex;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unknown error";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
