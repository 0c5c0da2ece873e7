package org.score4j.runner.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.score4j.runner.cli.CliTest.run;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.score4j.runner.io.Json;
import org.score4j.runner.testing.SyntheticIdx;

/** {@code score4j data fetch|list} and the missing-data errors of the commands that read a data set. */
class DataCliTest {
    @TempDir
    Path dir;

    private static void assertOneLineError(CliTest.Result r, int code, String... fragments) {
        assertThat(r.code()).as(r.err()).isEqualTo(code);
        String[] lines = r.err().strip().split("\n");
        assertThat(lines).hasSize(1);
        assertThat(lines[0]).startsWith("score4j: error: ");
        for (String f : fragments) {
            assertThat(lines[0]).contains(f);
        }
    }

    @Test
    void fetchIntoAFolderThatHoldsAValidSetDoesNothing() throws Exception {
        Path mnist = SyntheticIdx.write(dir.resolve("m"), 30, 12, false);
        CliTest.Result r = run("data", "fetch", "mnist", "--root", mnist.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("mnist is already present in " + mnist)
                .contains("30 train + 12 test images of 8x8").contains("nothing to do");
        Path fashion = SyntheticIdx.write(dir.resolve("f"), 9, 6, true);
        CliTest.Result f = run("data", "fetch", "fashion-mnist", "--root", fashion.toString());
        assertThat(f.code()).as(f.err()).isZero();
        assertThat(f.out()).contains("fashion-mnist is already present in " + fashion).contains("9 train + 6 test");
    }

    @Test
    void badFetchInput() throws Exception {
        assertOneLineError(run("data", "fetch", "cifar10"), 2, "unknown data set 'cifar10'", "mnist, fashion-mnist");
        CliTest.Result none = run("data", "fetch");
        assertThat(none.code()).isEqualTo(2);
        assertThat(none.err()).contains("NAME");
        // roots that cannot be folders are refused before anything is downloaded
        Path file = dir.resolve("a-file");
        Files.writeString(file, "x");
        assertOneLineError(run("data", "fetch", "mnist", "--root", file.toString()), 2,
                file + " exists and is not a folder");
        assertOneLineError(run("data", "fetch", "mnist", "--root", file.resolve("sub").toString()), 2,
                "cannot create a folder beside " + file.resolve("sub"));
        assertThat(file).hasContent("x");
    }

    @Test
    void listShowsEverySetWithItsFolderAndState() throws Exception {
        CliTest.Result r = run("data", "list");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("data root:").contains("mnist").contains("fashion-mnist");
        CliTest.Result j = run("data", "list", "--json");
        assertThat(j.code()).as(j.err()).isZero();
        List<?> rows = Json.newMapper().readValue(j.out(), List.class);
        assertThat(rows).hasSize(2);
        for (Object o : rows) {
            @SuppressWarnings("unchecked")
            Map<String, Object> m = (Map<String, Object>) o;
            assertThat(m.keySet()).contains("name", "folder", "state", "train", "test", "bytes", "fetch");
            assertThat((String) m.get("state")).isIn("present", "missing", "invalid");
            assertThat((String) m.get("fetch")).isEqualTo("score4j data fetch " + m.get("name"));
        }
        assertThat(run("data").code()).isZero();
        assertThat(run("data", "fetch", "--help").out()).contains("--root");
    }

    @Test
    void missingDataNamesTheFetchCommand() throws Exception {
        Path missing = dir.resolve("nowhere");
        assertOneLineError(run("train", "--data", "mnist", "--set", "data.root=" + missing, "--iterations", "1",
                "--no-progress", "--out", dir.resolve("run").toString()), 2,
                "data mnist: folder " + missing + " does not exist",
                "fetch the data set with: score4j data fetch mnist --root " + missing);
        assertThat(dir.resolve("run")).doesNotExist();
        assertOneLineError(run("evaluate", "--samples", "test", "--data", "fashion-mnist", "--set",
                "data.root=" + missing, "--classifier", dir.resolve("cls").toString()), 2,
                "score4j data fetch fashion-mnist --root " + missing);
        Path partial = SyntheticIdx.write(dir.resolve("partial"), 6, 3, false);
        Files.delete(partial.resolve("train-images-idx3-ubyte"));
        assertOneLineError(run("evaluate", "--samples", "test", "--data", "mnist", "--set", "data.root=" + partial,
                "--classifier", dir.resolve("cls").toString()), 2, "train-images-idx3-ubyte (or train-images-idx3-ubyte.gz)"
                + " is missing");
    }
}
