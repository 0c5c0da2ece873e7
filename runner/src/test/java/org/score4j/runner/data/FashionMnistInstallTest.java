package org.score4j.runner.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.score4j.api.ConfigException;
import org.score4j.api.Score4jException;

class FashionMnistInstallTest {
    @TempDir
    Path dir;

    /** A host whose apt-get "installs" the package by writing the files into the system folder. */
    static final class FakeHost implements FashionMnistInstall.Host {
        final boolean root;
        final Path system;
        final List<List<String>> commands = new ArrayList<>();
        boolean knowsPackage;

        FakeHost(boolean root, Path system, boolean knowsPackage) {
            this.root = root;
            this.system = system;
            this.knowsPackage = knowsPackage;
        }

        @Override
        public boolean isRoot() {
            return root;
        }

        @Override
        public int run(List<String> command, Consumer<String> lines) throws IOException {
            commands.add(command);
            if (command.equals(List.of("apt-get", "update"))) {
                lines.accept("Reading package lists... Done");
                knowsPackage = true;
                return 0;
            }
            if (!knowsPackage) {
                lines.accept("E: Unable to locate package dataset-fashion-mnist");
                return 100;
            }
            lines.accept("Setting up dataset-fashion-mnist ...");
            write(system);
            return 0;
        }
    }

    static void write(Path folder) throws IOException {
        Files.createDirectories(folder);
        for (Map.Entry<String, byte[]> e : MnistFetchTest.smallSet().entrySet()) {
            Files.write(folder.resolve(e.getKey() + ".gz"), gzip(e.getValue()));
        }
    }

    static byte[] gzip(byte[] raw) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(out)) {
            gz.write(raw);
        }
        return out.toByteArray();
    }

    @Test
    void presentSystemFolderIsReportedWithoutRunningAnything() throws IOException {
        Path system = dir.resolve("system");
        write(system);
        FakeHost host = new FakeHost(true, system, true);
        FashionMnistInstall.Result r = new FashionMnistInstall(system, host).fetch(null, dir.resolve("fb"), false,
                n -> { });
        assertThat(r.installed()).isFalse();
        assertThat(r.folder()).isEqualTo(system);
        assertThat(r.status().train()).isEqualTo(6);
        assertThat(host.commands).isEmpty();
    }

    @Test
    void notRootGivesTheSudoCommand() {
        Path system = dir.resolve("system");
        FakeHost host = new FakeHost(false, system, true);
        assertThatThrownBy(() -> new FashionMnistInstall(system, host).fetch(null, dir.resolve("fb"), false, n -> { }))
                .isInstanceOf(ConfigException.class)
                .hasMessageEndingWith("install it with: sudo apt-get install dataset-fashion-mnist")
                .hasMessageContaining(system.toString())
                .hasMessageNotContaining("\n");
        assertThat(host.commands).isEmpty();
    }

    @Test
    void asRootInstallsThePackageUpdatingAptOnceWhenItDoesNotKnowIt() {
        Path system = dir.resolve("system");
        FakeHost host = new FakeHost(true, system, false);
        List<String> quiet = new ArrayList<>();
        FashionMnistInstall.Result r = new FashionMnistInstall(system, host).fetch(null, dir.resolve("fb"), false,
                quiet::add);
        assertThat(r.installed()).isTrue();
        assertThat(r.status().present()).isTrue();
        assertThat(host.commands).containsExactly(List.of("apt-get", "install", "-y", "dataset-fashion-mnist"),
                List.of("apt-get", "update"), List.of("apt-get", "install", "-y", "dataset-fashion-mnist"));
        assertThat(quiet).noneMatch(l -> l.startsWith("Setting up"));
        assertThat(quiet.get(quiet.size() - 1)).startsWith("installed dataset-fashion-mnist in");
    }

    @Test
    void verboseStreamsAptOutputAndFailuresNameTheLastLine() throws IOException {
        Path system = dir.resolve("system");
        List<String> loud = new ArrayList<>();
        new FashionMnistInstall(system, new FakeHost(true, system, true)).fetch(null, null, true, loud::add);
        assertThat(loud).contains("Setting up dataset-fashion-mnist ...");

        Path other = dir.resolve("other-system");
        FashionMnistInstall.Host failing = new FashionMnistInstall.Host() {
            @Override
            public boolean isRoot() {
                return true;
            }

            @Override
            public int run(List<String> command, Consumer<String> lines) {
                lines.accept("E: Could not get lock /var/lib/dpkg/lock-frontend");
                return 100;
            }
        };
        assertThatThrownBy(() -> new FashionMnistInstall(other, failing).fetch(null, null, false, n -> { }))
                .isInstanceOf(Score4jException.class)
                .hasMessage("apt-get install -y dataset-fashion-mnist failed (exit 100): E: Could not get lock "
                        + "/var/lib/dpkg/lock-frontend");
    }

    @Test
    void rootFolderGetsACopyAndAnExistingCopyCounts() throws IOException {
        Path system = dir.resolve("system");
        write(system);
        FakeHost host = new FakeHost(false, system, true);
        Path mine = dir.resolve("mine").resolve("fashion");
        FashionMnistInstall.Result r = new FashionMnistInstall(system, host).fetch(mine, null, false, n -> { });
        assertThat(r.copied()).isTrue();
        assertThat(r.status().present()).isTrue();
        assertThat(r.status().test()).isEqualTo(4);
        assertThat(mine.resolve("train-images-idx3-ubyte.gz")).exists();
        FashionMnistInstall.Result again = new FashionMnistInstall(system, host).fetch(mine, null, false, n -> { });
        assertThat(again.copied()).isFalse();

        // without the system folder, a valid copy in the data root counts as present
        Path absent = dir.resolve("absent");
        FashionMnistInstall.Result fb = new FashionMnistInstall(absent, host).fetch(null, mine, false, n -> { });
        assertThat(fb.folder()).isEqualTo(mine);
        assertThat(fb.installed()).isFalse();
        assertThat(host.commands).isEmpty();
    }
}
