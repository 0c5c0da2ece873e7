package org.score4j.runner.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.score4j.api.Score4jException;

class AtomicFilesTest {
    @TempDir
    Path dir;

    @Test
    void writesANewFileAndReplacesAnOldOne() throws IOException {
        Path f = dir.resolve("out.txt");
        AtomicFiles.write(f, out -> out.write("first".getBytes(StandardCharsets.UTF_8)));
        assertThat(f).hasContent("first");
        AtomicFiles.write(f, out -> out.write("second".getBytes(StandardCharsets.UTF_8)));
        assertThat(f).hasContent("second");
        assertThat(names()).containsExactly("out.txt");
    }

    @Test
    void failureInTheMiddleKeepsTheOldContentAndLeavesNoTemporaryFile() throws IOException {
        Path f = dir.resolve("samples.npy");
        Files.writeString(f, "old");
        assertThatThrownBy(() -> AtomicFiles.write(f, out -> {
            out.write(new byte[100_000]);
            throw new IOException("disk full");
        })).isInstanceOf(Score4jException.class).hasMessage("cannot write " + f + ": disk full");
        assertThat(f).hasContent("old");
        assertThat(names()).containsExactly("samples.npy");
    }

    @Test
    void uncheckedFailureIsRethrownAsItIsAndCleanedUp() {
        Path f = dir.resolve("new.bin");
        IllegalStateException boom = new IllegalStateException("boom");
        assertThatThrownBy(() -> AtomicFiles.write(f, out -> {
            out.write(1);
            throw boom;
        })).isSameAs(boom);
        assertThat(f).doesNotExist();
        assertThat(names()).isEmpty();
    }

    @Test
    void aFolderInTheWayFailsAndLeavesNoTemporaryFile() throws IOException {
        Path f = Files.createDirectory(dir.resolve("taken"));
        assertThatThrownBy(() -> AtomicFiles.write(f, out -> out.write(1)))
                .isInstanceOf(Score4jException.class).hasMessageContaining("cannot write " + f);
        assertThat(names()).containsExactly("taken");
    }

    @Test
    void newFilesGetTheUsualPermissionsNotThoseOfATemporaryFile() throws IOException {
        assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"));
        Path plain = Files.createFile(dir.resolve("plain"));
        Path atomic = dir.resolve("atomic");
        AtomicFiles.write(atomic, out -> out.write(1));
        Set<PosixFilePermission> expected = Files.getPosixFilePermissions(plain);
        assertThat(Files.getPosixFilePermissions(atomic)).isEqualTo(expected);
    }

    @Test
    void checkWritableAcceptsAWritableFolder() throws IOException {
        assertThatCode(() -> AtomicFiles.checkWritable(dir.resolve("x.npy"), "output")).doesNotThrowAnyException();
        Path existing = Files.writeString(dir.resolve("y.npy"), "old");
        assertThatCode(() -> AtomicFiles.checkWritable(existing, "output")).doesNotThrowAnyException();
        assertThatCode(() -> AtomicFiles.checkWritable(Path.of("relative-name.npy"), "output"))
                .doesNotThrowAnyException();
    }

    @Test
    void checkWritableRejectsAMissingFolder() {
        Path f = dir.resolve("missing").resolve("x.npy");
        assertThatThrownBy(() -> AtomicFiles.checkWritable(f, "--out"))
                .isInstanceOf(Score4jException.class)
                .hasMessage("--out " + f + ": folder " + dir.resolve("missing") + " does not exist");
    }

    @Test
    void checkWritableRejectsAFileAsFolder() throws IOException {
        Path file = Files.writeString(dir.resolve("file"), "x");
        Path f = file.resolve("x.npy");
        assertThatThrownBy(() -> AtomicFiles.checkWritable(f, "--out"))
                .isInstanceOf(Score4jException.class).hasMessageContaining("is not a folder");
    }

    @Test
    void checkWritableRejectsAFolderAsTarget() {
        assertThatThrownBy(() -> AtomicFiles.checkWritable(dir, "--out"))
                .isInstanceOf(Score4jException.class).hasMessage("--out " + dir + " is a folder; give a file name");
    }

    @Test
    void checkWritableRejectsAReadOnlyFolder() throws IOException {
        assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"));
        Path ro = Files.createDirectory(dir.resolve("ro"));
        Files.setPosixFilePermissions(ro, Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_EXECUTE));
        try {
            assumeTrue(!Files.isWritable(ro), "the user can write anywhere (root)");
            assertThatThrownBy(() -> AtomicFiles.checkWritable(ro.resolve("x.npy"), "--out"))
                    .isInstanceOf(Score4jException.class).hasMessageContaining("is not writable");
        } finally {
            Files.setPosixFilePermissions(ro, Set.of(PosixFilePermission.values()));
        }
    }

    private List<String> names() {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
