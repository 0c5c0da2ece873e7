package org.score4j.runner.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Consumer;
import org.score4j.api.ConfigException;
import org.score4j.api.Score4jException;

/**
 * {@code score4j data fetch fashion-mnist}: Fashion-MNIST comes from Debian's {@code dataset-fashion-mnist}
 * package, which installs the four gzip-compressed IDX files in {@code /usr/share/datasets/fashion-mnist}.
 *
 * <ul>
 *   <li>Already there (in the system folder, or in the requested folder): reported, nothing done.</li>
 *   <li>Missing, running as root: {@code apt-get install -y dataset-fashion-mnist} (its output streamed when
 *       verbose, else summarized; when apt does not know the package yet, {@code apt-get update} runs once and the
 *       install is retried), then the files are validated.</li>
 *   <li>Missing, not root: a one-line error giving the exact {@code sudo apt-get install dataset-fashion-mnist}
 *       command.</li>
 *   <li>With a folder other than the system folder ({@code --root DIR}): the package's files are then copied
 *       there, through a temporary folder renamed into place ({@link StagedFolder}).</li>
 * </ul>
 * The host (whether it runs as root, how commands run) is injectable for tests. Not thread-safe.
 */
public final class FashionMnistInstall {
    /** The Debian package. */
    public static final String PACKAGE = "dataset-fashion-mnist";
    /** The command a non-root user is told to run. */
    public static final String SUDO_COMMAND = "sudo apt-get install " + PACKAGE;

    /** What the installer needs from the machine. */
    public interface Host {
        /** Whether this process runs as root. */
        boolean isRoot();

        /**
         * Runs {@code command}, giving each line of its output (stdout and stderr merged) to {@code lines}.
         *
         * @return its exit code
         */
        int run(List<String> command, Consumer<String> lines) throws IOException, InterruptedException;
    }

    /** This machine: root when {@code user.name} is {@code root}; commands through {@link ProcessBuilder}. */
    public static Host system() {
        return new Host() {
            @Override
            public boolean isRoot() {
                return "root".equals(System.getProperty("user.name"));
            }

            @Override
            public int run(List<String> command, Consumer<String> lines) throws IOException, InterruptedException {
                ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
                pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
                Process p = pb.start();
                p.getOutputStream().close();
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        lines.accept(line);
                    }
                }
                return p.waitFor();
            }
        };
    }

    /**
     * What a fetch did.
     *
     * @param folder the folder that holds the data set now
     * @param installed whether the Debian package was installed now
     * @param copied whether the files were copied into the requested folder now
     * @param status what the folder holds
     */
    public record Result(Path folder, boolean installed, boolean copied, DataFolder status) {}

    private final Path systemFolder;
    private final Host host;

    public FashionMnistInstall(Path systemFolder, Host host) {
        this.systemFolder = Objects.requireNonNull(systemFolder, "systemFolder");
        this.host = Objects.requireNonNull(host, "host");
    }

    /**
     * Makes sure Fashion-MNIST is available.
     *
     * @param target the requested folder, or {@code null} for the default (the system folder; an existing valid
     *     copy in {@code fallback} also counts)
     * @param fallback the data-root folder read when the system folder does not exist
     * @param verbose stream apt-get's output to {@code out}
     * @param out receives notes (and apt-get's output when verbose)
     * @throws ConfigException when not root and the package is missing (naming the sudo command)
     * @throws Score4jException when apt-get fails or the installed files are invalid
     */
    public Result fetch(Path target, Path fallback, boolean verbose, Consumer<String> out) {
        if (target != null && !target.toAbsolutePath().normalize().equals(systemFolder.toAbsolutePath().normalize())) {
            StagedFolder.checkTarget(target);
            DataFolder there = DataFolder.inspect(target);
            if (there.present()) {
                return new Result(target, false, false, there);
            }
            boolean installed = ensureSystemFolder(verbose, out);
            try (StagedFolder staged = StagedFolder.beside(target)) {
                DataFolder source = DataFolder.inspect(systemFolder);
                for (Path f : source.files()) {
                    Files.copy(f, staged.dir().resolve(f.getFileName().toString()));
                }
                staged.commit(MnistFetch.replaceable());
            } catch (IOException e) {
                throw new Score4jException("cannot copy fashion-mnist into " + target + ": " + StagedFolder.describe(e)
                        + "; nothing was written", e);
            }
            return new Result(target, installed, true, DataFolder.inspect(target));
        }
        if (target == null && !Files.isDirectory(systemFolder) && fallback != null) {
            DataFolder there = DataFolder.inspect(fallback);
            if (there.present()) {
                return new Result(fallback, false, false, there);
            }
        }
        boolean installed = ensureSystemFolder(verbose, out);
        return new Result(systemFolder, installed, false, DataFolder.inspect(systemFolder));
    }

    /** Installs the package unless the system folder is valid; returns whether it installed. */
    private boolean ensureSystemFolder(boolean verbose, Consumer<String> out) {
        DataFolder s = DataFolder.inspect(systemFolder);
        if (s.present()) {
            return false;
        }
        if (s.state() == DataFolder.State.INVALID) {
            throw new Score4jException("fashion-mnist in " + systemFolder + " is invalid (" + s.detail()
                    + "); reinstall it with: " + (host.isRoot() ? "" : "sudo ") + "apt-get install --reinstall "
                    + PACKAGE);
        }
        if (!host.isRoot()) {
            throw new ConfigException("fashion-mnist is not installed (" + s.detail() + "); install it with: "
                    + SUDO_COMMAND);
        }
        long start = System.nanoTime();
        List<String> install = List.of("apt-get", "install", "-y", PACKAGE);
        out.accept("installing Debian package " + PACKAGE + ": " + String.join(" ", install));
        List<String> log = new ArrayList<>();
        int rc = run(install, verbose, out, log);
        if (rc != 0 && log.stream().anyMatch(l -> l.contains("Unable to locate package"))) {
            out.accept("apt does not know " + PACKAGE + " yet: running apt-get update, then installing again");
            List<String> update = new ArrayList<>();
            int u = run(List.of("apt-get", "update"), verbose, out, update);
            if (u != 0) {
                throw new Score4jException("apt-get update failed (exit " + u + "): " + last(update));
            }
            log.clear();
            rc = run(install, verbose, out, log);
        }
        if (rc != 0) {
            throw new Score4jException(String.join(" ", install) + " failed (exit " + rc + "): " + last(log));
        }
        DataFolder after = DataFolder.inspect(systemFolder);
        if (!after.present()) {
            throw new Score4jException("after installing " + PACKAGE + ", fashion-mnist in " + systemFolder
                    + " is not usable: " + after.detail());
        }
        out.accept(String.format(Locale.ROOT, "installed %s in %.1f s (apt-get printed %d lines%s)", PACKAGE,
                (System.nanoTime() - start) / 1e9, log.size(), verbose ? "" : "; --verbose shows them"));
        return true;
    }

    private int run(List<String> command, boolean verbose, Consumer<String> out, List<String> log) {
        try {
            return host.run(command, line -> {
                log.add(line);
                if (verbose) {
                    out.accept(line);
                }
            });
        } catch (IOException e) {
            throw new Score4jException("cannot run " + String.join(" ", command) + ": " + StagedFolder.describe(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Score4jException(String.join(" ", command) + " was interrupted", e);
        }
    }

    private static String last(List<String> lines) {
        for (int i = lines.size() - 1; i >= 0; i--) {
            if (!lines.get(i).isBlank()) {
                return lines.get(i).trim();
            }
        }
        return "no output";
    }
}
