package org.score4j.model.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.score4j.api.ConfigException;
import org.score4j.api.data.DataScaling;
import org.score4j.api.data.Dataset;
import org.score4j.api.plugin.PluginConfig;

class IdxImagesTest {
    @TempDir
    Path dir;

    /** Pixel j of image i of a synthetic set: distinct for small sets, covering 0..255. */
    static int pixel(int i, int j, int seed) {
        return (i * 37 + j * 11 + seed * 101) % 256;
    }

    static int label(int i, int seed) {
        return (i * 3 + seed) % 10;
    }

    /** The bytes of an IDX file: magic, sizes, values. */
    static byte[] idx(int magic, int[] dims, byte[] values) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + values.length);
        b.putInt(magic);
        for (int d : dims) {
            b.putInt(d);
        }
        b.put(values);
        return b.array();
    }

    static byte[] images(int n, int h, int w, int seed) {
        byte[] v = new byte[n * h * w];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < h * w; j++) {
                v[i * h * w + j] = (byte) pixel(i, j, seed);
            }
        }
        return idx(IdxFile.IMAGES_MAGIC, new int[] {n, h, w}, v);
    }

    static byte[] labels(int n, int seed) {
        byte[] v = new byte[n];
        for (int i = 0; i < n; i++) {
            v[i] = (byte) label(i, seed);
        }
        return idx(IdxFile.LABELS_MAGIC, new int[] {n}, v);
    }

    static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream gz = new GZIPOutputStream(out)) {
            gz.write(raw);
        }
        return out.toByteArray();
    }

    /** Writes the four files of an MNIST-layout folder; train has seed 0, test seed 1. */
    static Path writeSet(Path folder, int nTrain, int nTest, int h, int w, boolean gz) throws IOException {
        Files.createDirectories(folder);
        write(folder, "train-images-idx3-ubyte", images(nTrain, h, w, 0), gz);
        write(folder, "train-labels-idx1-ubyte", labels(nTrain, 0), gz);
        write(folder, "t10k-images-idx3-ubyte", images(nTest, h, w, 1), gz);
        write(folder, "t10k-labels-idx1-ubyte", labels(nTest, 1), gz);
        return folder;
    }

    static void write(Path folder, String base, byte[] raw, boolean gz) throws IOException {
        if (gz) {
            Files.write(folder.resolve(base + ".gz"), gzip(raw));
        } else {
            Files.write(folder.resolve(base), raw);
        }
    }

    private IdxImagesFactory factory(String name, Path systemFolder) {
        return new IdxImagesFactory(name, "test", () -> dir.resolve("root"), systemFolder);
    }

    private static Dataset create(IdxImagesFactory f, Map<String, String> given) {
        return f.create(PluginConfig.of("data", f, given));
    }

    private Dataset mnist(Path root, String... kv) {
        Map<String, String> m = new HashMap<>();
        m.put("root", root.toString());
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return create(factory("mnist", null), m);
    }

    @ParameterizedTest
    @CsvSource({"5, 3, 4, 5, false", "9, 4, 2, 3, true", "2, 1, 28, 28, true", "12, 6, 1, 7, false"})
    void readsEveryShapeRawAndCompressedWithTheOfficialSplit(int nTrain, int nTest, int h, int w, boolean gz)
            throws IOException {
        Path root = writeSet(dir.resolve("set"), nTrain, nTest, h, w, gz);
        for (String split : new String[] {"train", "test"}) {
            int n = split.equals("train") ? nTrain : nTest;
            int seed = split.equals("train") ? 0 : 1;
            try (Dataset d = mnist(root, "split", split); NDManager nd = NDManager.newBaseManager()) {
                assertThat(d.sampleShape()).isEqualTo(new Shape(1, h, w));
                assertThat(d.size()).isEqualTo(n);
                assertThat(d.numClasses()).isEqualTo(10);
                assertThat(d.scaling()).isEqualTo(DataScaling.BYTES_TO_SYMMETRIC);
                int[] all = new int[n];
                Arrays.setAll(all, i -> i);
                NDArray x = d.batch(all, nd);
                assertThat(x.getShape()).isEqualTo(new Shape(n, 1, h, w));
                assertThat(x.getDataType()).isEqualTo(DataType.FLOAT32);
                float[] v = x.toFloatArray();
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < h * w; j++) {
                        assertThat(v[i * h * w + j]).isEqualTo((float) (pixel(i, j, seed) / 127.5 - 1));
                    }
                }
                int[] l = d.labels(all);
                for (int i = 0; i < n; i++) {
                    assertThat(l[i]).isEqualTo(label(i, seed));
                }
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"train, 7, 3, 4", "test, 5, 2, 2"})
    void tintMakesRgbImagesOfTheGreyValuesTimesAHuePerImage(String split, int n, int h, int w) throws IOException {
        Path root = writeSet(dir.resolve("set"), 7, 5, h, w, false);
        int seed = split.equals("train") ? 0 : 1;
        double[][] hueSeen = new double[n][];
        try (Dataset d = mnist(root, "split", split, "color", "tint"); Dataset grey = mnist(root, "split", split);
                Dataset two = mnist(root, "split", split, "color", "tint", "limit", "2");
                NDManager nd = NDManager.newBaseManager()) {
            assertThat(d.sampleShape()).isEqualTo(new Shape(3, h, w));
            assertThat(d.size()).isEqualTo(n);
            int[] all = new int[n];
            Arrays.setAll(all, i -> i);
            assertThat(d.labels(all)).containsExactly(grey.labels(all));
            float[] v = d.batch(all, nd).toFloatArray();
            for (int i = 0; i < n; i++) {
                double[] rgb = IdxImagesFactory.tintColor(split, i);
                hueSeen[i] = rgb;
                assertThat(Arrays.stream(rgb).max().getAsDouble()).isEqualTo(1.0);
                assertThat(Arrays.stream(rgb).min().getAsDouble()).isEqualTo(0.0);
                for (int c = 0; c < 3; c++) {
                    for (int j = 0; j < h * w; j++) {
                        long expected = Math.round(pixel(i, j, seed) * rgb[c]);
                        assertThat(v[(3 * i + c) * h * w + j]).isEqualTo((float) (expected / 127.5 - 1));
                    }
                }
            }
            // a row's colour depends on its split and index only, not on the limit
            assertThat(two.batch(new int[] {1}, nd).toFloatArray())
                    .containsExactly(d.batch(new int[] {1}, nd).toFloatArray());
        }
        assertThat(Arrays.stream(hueSeen).map(Arrays::toString).distinct().count()).isEqualTo(n);
        assertThat(IdxImagesFactory.tintColor("train", 3)).isNotEqualTo(IdxImagesFactory.tintColor("test", 3));
        assertThatThrownBy(() -> mnist(root, "color", "rgb")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("color");
    }

    @Test
    void tintHuesCoverTheColourCircle() {
        // hues of 6000 images in six bins of 60°: each near 1000 (binomial sd ≈ 29)
        int[] bins = new int[6];
        for (int i = 0; i < 6000; i++) {
            double[] rgb = IdxImagesFactory.tintColor("train", i);
            float[] hsb = java.awt.Color.RGBtoHSB((int) Math.round(rgb[0] * 255), (int) Math.round(rgb[1] * 255),
                    (int) Math.round(rgb[2] * 255), null);
            assertThat(hsb[1]).as("saturation").isEqualTo(1f);
            assertThat(hsb[2]).as("brightness").isEqualTo(1f);
            bins[Math.min(5, (int) (hsb[0] * 6))]++;
        }
        for (int count : bins) {
            assertThat(count).isBetween(880, 1120);
        }
    }

    @Test
    void defaultSplitIsTrainAndEvaluateFindsTrainAndTest() throws IOException {
        Path root = writeSet(dir.resolve("set"), 4, 2, 3, 3, false);
        IdxImagesFactory f = factory("mnist", null);
        assertThat(f.configKeys().get("split").defaultValue()).isEqualTo("train");
        assertThat(f.configKeys().get("split").choices()).containsExactly("train", "test");
        try (Dataset d = mnist(root)) {
            assertThat(d.size()).isEqualTo(4);
        }
        assertThatThrownBy(() -> mnist(root, "split", "all")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("split");
    }

    @Test
    void rawFileIsPreferredOverGz() throws IOException {
        Path root = writeSet(dir.resolve("set"), 4, 2, 3, 3, true);
        write(root, "train-images-idx3-ubyte", images(4, 3, 3, 5), false);
        try (Dataset d = mnist(root); NDManager nd = NDManager.newBaseManager()) {
            assertThat(d.batch(new int[] {1}, nd).toFloatArray()[2]).isEqualTo((float) (pixel(1, 2, 5) / 127.5 - 1));
        }
    }

    @Test
    void limitTakesTheFirstExamples() throws IOException {
        Path root = writeSet(dir.resolve("set"), 10, 6, 2, 2, true);
        try (Dataset all = mnist(root); Dataset three = mnist(root, "limit", "3");
                Dataset test = mnist(root, "split", "test", "limit", "4");
                Dataset more = mnist(root, "limit", "50"); NDManager nd = NDManager.newBaseManager()) {
            assertThat(three.size()).isEqualTo(3);
            assertThat(test.size()).isEqualTo(4);
            assertThat(more.size()).isEqualTo(10);
            int[] idx = {0, 1, 2};
            assertThat(three.batch(idx, nd).toFloatArray()).containsExactly(all.batch(idx, nd).toFloatArray());
            assertThat(three.labels(idx)).containsExactly(all.labels(idx));
            assertThat(test.labels(new int[] {3})).containsExactly(label(3, 1));
            assertThatThrownBy(() -> three.batch(new int[] {3}, nd)).isInstanceOf(IndexOutOfBoundsException.class);
        }
        assertThatThrownBy(() -> mnist(root, "limit", "-1")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("limit");
    }

    @Test
    void batchIsDeterministicAndFollowsTheIndices() throws IOException {
        Path root = writeSet(dir.resolve("set"), 8, 2, 3, 2, false);
        try (Dataset a = mnist(root); Dataset b = mnist(root); NDManager nd = NDManager.newBaseManager()) {
            int[] idx = {5, 0, 5, 7, 2};
            float[] first = a.batch(idx, nd).toFloatArray();
            assertThat(a.batch(idx, nd).toFloatArray()).containsExactly(first);
            assertThat(b.batch(idx, nd).toFloatArray()).containsExactly(first);
            float[] five = a.batch(new int[] {5}, nd).toFloatArray();
            assertThat(Arrays.copyOfRange(first, 0, 6)).containsExactly(five);
            assertThat(Arrays.copyOfRange(first, 12, 18)).containsExactly(five);
            assertThat(a.labels(idx)).containsExactly(label(5, 0), label(0, 0), label(5, 0), label(7, 0), label(2, 0));
        }
    }

    @Test
    void missingFolderNamesItAndTheFetchCommand() {
        Path missing = dir.resolve("root").resolve("mnist");
        assertThatThrownBy(() -> create(factory("mnist", null), Map.of())).isInstanceOf(ConfigException.class)
                .hasMessage("data mnist: folder " + missing + " does not exist; fetch the data set with: "
                        + "score4j data fetch mnist")
                .hasMessageNotContaining("\n");
        Path elsewhere = dir.resolve("elsewhere");
        assertThatThrownBy(() -> mnist(elsewhere)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("folder " + elsewhere + " does not exist")
                .hasMessageEndingWith("score4j data fetch mnist --root " + elsewhere);
        assertThatThrownBy(() -> create(factory("fashion-mnist", dir.resolve("no-system")), Map.of()))
                .hasMessageContaining(dir.resolve("root").resolve("fashion-mnist").toString())
                .hasMessageEndingWith("score4j data fetch fashion-mnist");
    }

    @Test
    void missingFileNamesItAndTheFetchCommand() throws IOException {
        Path root = writeSet(dir.resolve("set"), 4, 2, 3, 3, false);
        Files.delete(root.resolve("t10k-labels-idx1-ubyte"));
        try (Dataset d = mnist(root)) {
            assertThat(d.size()).isEqualTo(4);
        }
        assertThatThrownBy(() -> mnist(root, "split", "test")).isInstanceOf(ConfigException.class)
                .hasMessage("data mnist: " + root.resolve("t10k-labels-idx1-ubyte") + " (or t10k-labels-idx1-ubyte.gz)"
                        + " is missing; fetch the data set with: score4j data fetch mnist --root " + root);
    }

    @Test
    void fashionMnistReadsTheSystemFolderWhenItExists() throws IOException {
        Path system = writeSet(dir.resolve("system"), 3, 2, 2, 2, true);
        IdxImagesFactory f = factory("fashion-mnist", system);
        assertThat(f.defaultRoot()).isEqualTo(system);
        try (Dataset d = create(f, Map.of())) {
            assertThat(d.size()).isEqualTo(3);
        }
        IdxImagesFactory without = factory("fashion-mnist", dir.resolve("absent"));
        assertThat(without.defaultRoot()).isEqualTo(dir.resolve("root").resolve("fashion-mnist"));
        assertThat(factory("mnist", null).defaultRoot()).isEqualTo(dir.resolve("root").resolve("mnist"));
    }

    @Test
    void corruptMagicIsNamed() throws IOException {
        Path root = writeSet(dir.resolve("set"), 4, 2, 3, 3, false);
        // a label file where the images should be
        Files.write(root.resolve("train-images-idx3-ubyte"), labels(4, 0));
        Path file = root.resolve("train-images-idx3-ubyte");
        assertThatThrownBy(() -> mnist(root)).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("data mnist: IDX file " + file + " is corrupt or not an IDX file of this kind:"
                        + " magic number 0x00000801, expected 0x00000803 (idx3-ubyte images)")
                .hasMessageNotContaining("\n");
        Files.write(root.resolve("train-images-idx3-ubyte.gz"), gzip(images(4, 3, 3, 0)));
        Files.delete(file);
        byte[] gz = Files.readAllBytes(root.resolve("train-images-idx3-ubyte.gz"));
        gz[12] ^= 0x55; // inside the deflate stream
        Files.write(root.resolve("train-images-idx3-ubyte.gz"), gz);
        assertThatThrownBy(() -> mnist(root)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("train-images-idx3-ubyte.gz");
    }

    @Test
    void truncatedAndOverlongFilesAreNamed() throws IOException {
        Path root = writeSet(dir.resolve("set"), 4, 2, 3, 3, false);
        Path file = root.resolve("train-images-idx3-ubyte");
        byte[] full = images(4, 3, 3, 0);
        Files.write(file, Arrays.copyOf(full, full.length - 5));
        assertThatThrownBy(() -> mnist(root)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("IDX file " + file + " is truncated: its header announces 4 × 3 × 3 = 36 bytes "
                        + "of data, the file has 31");
        Files.write(file, Arrays.copyOf(full, 10));
        assertThatThrownBy(() -> mnist(root)).hasMessageContaining(file + " is truncated: it ends within its header");
        Files.write(file, Arrays.copyOf(full, full.length + 2));
        assertThatThrownBy(() -> mnist(root)).hasMessageContaining(file + " is corrupt: its header announces");

        Files.delete(file);
        Path gz = root.resolve("train-images-idx3-ubyte.gz");
        Files.write(gz, gzip(Arrays.copyOf(full, full.length - 1)));
        assertThatThrownBy(() -> mnist(root)).hasMessageContaining("IDX file " + gz + " is truncated: its header "
                + "announces 4 × 3 × 3 = 36 bytes of data, the file has 35");
        byte[] cut = gzip(full);
        Files.write(gz, Arrays.copyOf(cut, cut.length / 2));
        assertThatThrownBy(() -> mnist(root)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("IDX file " + gz + " is truncated");
        Files.write(gz, gzip(Arrays.copyOf(full, full.length + 1)));
        assertThatThrownBy(() -> mnist(root)).hasMessageContaining(gz + " is corrupt: it has bytes after");
    }

    @Test
    void badSizesCountsAndLabelsAreNamed() throws IOException {
        Path root = writeSet(dir.resolve("set"), 4, 2, 3, 3, false);
        Path images = root.resolve("train-images-idx3-ubyte");
        Path labels = root.resolve("train-labels-idx1-ubyte");
        Files.write(labels, labels(5, 0));
        assertThatThrownBy(() -> mnist(root)).isInstanceOf(ConfigException.class)
                .hasMessage("data mnist: " + images + " holds 4 images but " + labels + " holds 5 labels; they must "
                        + "match");
        byte[] bad = labels(4, 0);
        bad[8 + 2] = 10;
        Files.write(labels, bad);
        assertThatThrownBy(() -> mnist(root)).hasMessage("data mnist: " + labels + " has label 10 at index 2; labels "
                + "must be in 0..9");
        Files.write(labels, labels(4, 0));
        Files.write(images, idx(IdxFile.IMAGES_MAGIC, new int[] {4, 0, 3}, new byte[0]));
        assertThatThrownBy(() -> mnist(root)).hasMessageContaining(images + " is corrupt: size 2 of its header is 0");
    }

    @Test
    void checkValidatesWithoutKeepingValues() throws IOException {
        Path root = writeSet(dir.resolve("set"), 6, 2, 3, 4, true);
        assertThat(IdxFile.check(root.resolve("train-images-idx3-ubyte.gz"), IdxFile.IMAGES_MAGIC))
                .containsExactly(6, 3, 4);
        assertThat(IdxFile.check(root.resolve("t10k-labels-idx1-ubyte.gz"), IdxFile.LABELS_MAGIC)).containsExactly(2);
        assertThatThrownBy(() -> IdxFile.check(root.resolve("nope"), IdxFile.LABELS_MAGIC))
                .isInstanceOf(ConfigException.class).hasMessageContaining("does not exist");
    }

    @Test
    void dataRootComesFromTheEnvironmentElseTheHomeFolder() {
        Path home = Path.of("/home/u");
        assertThat(DataRoot.of(Map.of(), home)).isEqualTo(Path.of("/home/u/.score4j/data"));
        assertThat(DataRoot.of(Map.of("SCORE4J_DATA", " "), home)).isEqualTo(Path.of("/home/u/.score4j/data"));
        assertThat(DataRoot.of(Map.of("SCORE4J_DATA", "/data"), home)).isEqualTo(Path.of("/data"));
    }
}
