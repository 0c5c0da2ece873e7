package org.score4j.model.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.score4j.api.ConfigException;
import org.score4j.api.data.DataScaling;
import org.score4j.api.data.Dataset;
import org.score4j.api.plugin.DatasetFactory;
import org.score4j.api.plugin.PluginConfig;
import org.score4j.model.gmm.GaussianMixture;

class DatasetsTest {
    @TempDir
    Path dir;

    private static Dataset create(DatasetFactory f, Map<String, String> given) {
        return f.create(PluginConfig.of("data", f, given));
    }

    /** A little-endian C-order .npy file with the given dtype and raw data. */
    private Path npy(String name, String descr, long[] shape, ByteBuffer data) throws IOException {
        StringBuilder sh = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            sh.append(i > 0 ? ", " : "").append(shape[i]);
        }
        sh.append(shape.length == 1 ? ",)" : ")");
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + sh + ", }";
        int total = (10 + dict.length() + 1 + 63) / 64 * 64;
        ByteBuffer h = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
        h.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) (total - 10));
        h.put(dict.getBytes(StandardCharsets.US_ASCII));
        while (h.position() < total - 1) {
            h.put((byte) ' ');
        }
        h.put((byte) '\n');
        Path p = dir.resolve(name);
        byte[] body = new byte[data.remaining()];
        data.get(body);
        byte[] all = Arrays.copyOf(h.array(), total + body.length);
        System.arraycopy(body, 0, all, total, body.length);
        Files.write(p, all);
        return p;
    }

    private Path floats(String name, long[] shape, float... v) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : v) {
            b.putFloat(x);
        }
        return npy(name, "<f4", shape, b.flip());
    }

    @Test
    void gmmSamplesAreTheMixturesDrawsWithComponentLabels() {
        GmmSamplesFactory f = new GmmSamplesFactory();
        try (Dataset d = create(f, Map.of("n", "500", "seed", "4")); NDManager nd = NDManager.newBaseManager()) {
            GaussianMixture.Samples ref = GaussianMixture.defaultMixture().sample(500, 4);
            assertThat(d.size()).isEqualTo(500);
            assertThat(d.sampleShape()).isEqualTo(new Shape(2));
            assertThat(d.numClasses()).isEqualTo(5);
            assertThat(d.scaling()).isEqualTo(DataScaling.IDENTITY);
            float[] b = d.batch(new int[] {7, 3, 7}, nd).toFloatArray();
            assertThat(b).containsExactly((float) ref.x()[7][0], (float) ref.x()[7][1], (float) ref.x()[3][0],
                    (float) ref.x()[3][1], (float) ref.x()[7][0], (float) ref.x()[7][1]);
            assertThat(d.labels(new int[] {7, 3})).containsExactly(ref.components()[7], ref.components()[3]);
        }
    }

    @Test
    void splitsPartitionTheRowsReproducibly() {
        GmmSamplesFactory f = new GmmSamplesFactory();
        Dataset all = create(f, Map.of("n", "100"));
        Dataset train = create(f, Map.of("n", "100", "split", "train", "test_fraction", "0.25"));
        Dataset test = create(f, Map.of("n", "100", "split", "test", "test_fraction", "0.25"));
        assertThat(train.size()).isEqualTo(75);
        assertThat(test.size()).isEqualTo(25);
        Set<String> rows = new HashSet<>();
        for (Dataset d : new Dataset[] {train, test}) {
            for (int i = 0; i < d.size(); i++) {
                rows.add(Arrays.toString(((ArrayDataset) d).row(i)));
            }
        }
        Set<String> expected = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            expected.add(Arrays.toString(((ArrayDataset) all).row(i)));
        }
        assertThat(rows).isEqualTo(expected);
        Dataset again = create(f, Map.of("n", "100", "split", "test", "test_fraction", "0.25"));
        assertThat(((ArrayDataset) again).row(3)).containsExactly(((ArrayDataset) test).row(3));
        Dataset other = create(f, Map.of("n", "100", "split", "test", "test_fraction", "0.25", "split_seed", "9"));
        assertThat(Arrays.equals(((ArrayDataset) other).row(0), ((ArrayDataset) test).row(0))
                && Arrays.equals(((ArrayDataset) other).row(1), ((ArrayDataset) test).row(1))).isFalse();
        assertThatThrownBy(() -> create(f, Map.of("n", "3", "split", "train", "test_fraction", "0.999")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("empty train part");
    }

    @Test
    void npyFloatVectorsAreUsedAsStored() throws IOException {
        Path p = floats("v.npy", new long[] {3, 2}, 1, 2, 3, 4, 5, 6);
        NpyDatasetFactory f = new NpyDatasetFactory();
        try (Dataset d = create(f, Map.of("path", p.toString())); NDManager nd = NDManager.newBaseManager()) {
            assertThat(d.size()).isEqualTo(3);
            assertThat(d.sampleShape()).isEqualTo(new Shape(2));
            assertThat(d.scaling()).isEqualTo(DataScaling.IDENTITY);
            assertThat(d.batch(new int[] {2, 0}, nd).toFloatArray()).containsExactly(5, 6, 1, 2);
            assertThat(d.numClasses()).isZero();
            assertThat(d.labels(new int[] {0})).containsExactly(-1);
        }
        try (Dataset d = create(f, Map.of("path", p.toString(), "scale", "bytes"));
                NDManager nd = NDManager.newBaseManager()) {
            assertThat(d.batch(new int[] {0}, nd).toFloatArray()).containsExactly(1 / 127.5f - 1, 2 / 127.5f - 1);
        }
    }

    @Test
    void npyBytesImagesAreScaledToPlusMinusOneWithLabels() throws IOException {
        ByteBuffer b = ByteBuffer.allocate(2 * 2 * 2);
        b.put(new byte[] {0, (byte) 255, (byte) 128, 64, 1, 2, 3, 4}).flip();
        Path img = npy("img.npy", "|u1", new long[] {2, 2, 2}, b);
        ByteBuffer l = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(3).putLong(1).flip();
        Path labels = npy("labels.npy", "<i8", new long[] {2}, l);
        NpyDatasetFactory f = new NpyDatasetFactory();
        try (Dataset d = create(f, Map.of("path", img.toString(), "labels", labels.toString()));
                NDManager nd = NDManager.newBaseManager()) {
            assertThat(d.sampleShape()).isEqualTo(new Shape(1, 2, 2));
            assertThat(d.scaling()).isEqualTo(DataScaling.BYTES_TO_SYMMETRIC);
            float[] v = d.batch(new int[] {0}, nd).toFloatArray();
            assertThat(v[0]).isEqualTo(-1f);
            assertThat(v[1]).isEqualTo(1f);
            assertThat(d.numClasses()).isEqualTo(4);
            assertThat(d.labels(new int[] {1, 0})).containsExactly(1, 3);
        }
    }

    @Test
    void badNpyInputIsAOneLineConfigError() throws IOException {
        NpyDatasetFactory f = new NpyDatasetFactory();
        assertThatThrownBy(() -> create(f, Map.of())).isInstanceOf(ConfigException.class)
                .hasMessageContaining("set data.path=FILE.npy");
        assertThatThrownBy(() -> create(f, Map.of("path", dir.resolve("nope.npy").toString())))
                .isInstanceOf(ConfigException.class).hasMessageContaining("does not exist");
        Path text = Files.writeString(dir.resolve("text.npy"), "hello, not numpy at all");
        assertThatThrownBy(() -> create(f, Map.of("path", text.toString())))
                .isInstanceOf(ConfigException.class).hasMessageContaining("bad magic");
        Path p = floats("v.npy", new long[] {3, 2}, 1, 2, 3, 4, 5, 6);
        byte[] all = Files.readAllBytes(p);
        Path cut = Files.write(dir.resolve("cut.npy"), Arrays.copyOf(all, all.length - 5));
        assertThatThrownBy(() -> create(f, Map.of("path", cut.toString())))
                .isInstanceOf(ConfigException.class).hasMessageContaining("truncated");
        Path nan = floats("nan.npy", new long[] {2, 1}, 1, Float.NaN);
        assertThatThrownBy(() -> create(f, Map.of("path", nan.toString())))
                .isInstanceOf(ConfigException.class).hasMessageContaining("non-finite");
        ByteBuffer l = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(1).flip();
        Path labels = npy("l.npy", "<i8", new long[] {1}, l);
        assertThatThrownBy(() -> create(f, Map.of("path", p.toString(), "labels", labels.toString())))
                .isInstanceOf(ConfigException.class).hasMessageContaining("must hold 3 integer labels");
        for (String e : new String[] {"<f2", ">f4"}) {
            Path other = npy("o.npy", e, new long[] {1}, ByteBuffer.allocate(e.equals("<f2") ? 2 : 4));
            assertThatThrownBy(() -> create(f, Map.of("path", other.toString())))
                    .isInstanceOf(ConfigException.class).hasMessageContaining("unsupported dtype");
        }
    }
}
