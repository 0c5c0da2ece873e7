package org.score4j.runner.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.score4j.api.Score4jException;

class NpyTest {
    @TempDir
    Path dir;

    @Test
    void float32RoundTripKeepsShapeAndBits() {
        float[] data = {1f, -2.5f, 3e-8f, Float.MAX_VALUE, Float.NaN, -0f};
        Path f = dir.resolve("a.npy");
        Npy.write(f, data, 3, 2);
        NpyArray a = Npy.read(f);
        assertThat(a.dtype()).isEqualTo("<f4");
        assertThat(a.shape()).containsExactly(3, 2);
        assertThat(a.isFloat32()).isTrue();
        assertThat(a.doubles()).isNull();
        assertThat(Arrays.equals(a.floats(), data)).isTrue();
        assertThat(a.columns()).isEqualTo(2);
    }

    @Test
    void float64RoundTripIncludingScalarAndEmptyShapes() {
        double[] data = {Math.PI, -1e300, Double.MIN_VALUE, Double.NEGATIVE_INFINITY, 0};
        Path f = dir.resolve("b.npy");
        Npy.write(f, data, 5);
        NpyArray a = Npy.read(f);
        assertThat(a.dtype()).isEqualTo("<f8");
        assertThat(a.shape()).containsExactly(5);
        assertThat(a.doubles()).containsExactly(data);

        Npy.write(f, new double[] {7.5});
        NpyArray scalar = Npy.read(f);
        assertThat(scalar.shape()).isEmpty();
        assertThat(scalar.doubles()).containsExactly(7.5);

        Npy.write(f, new float[0], 0, 3);
        NpyArray empty = Npy.read(f);
        assertThat(empty.shape()).containsExactly(0, 3);
        assertThat(empty.size()).isZero();
    }

    @Test
    void headerBytesFollowTheNpyFormat() throws IOException {
        Path f = dir.resolve("h.npy");
        Npy.write(f, new float[] {1, 2, 3, 4, 5, 6}, 3, 2);
        byte[] bytes = Files.readAllBytes(f);
        assertThat(Arrays.copyOf(bytes, 6)).containsExactly(0x93 - 256, 'N', 'U', 'M', 'P', 'Y');
        assertThat(bytes[6]).isEqualTo((byte) 1);
        assertThat(bytes[7]).isEqualTo((byte) 0);
        int headerLen = (bytes[8] & 0xff) | (bytes[9] & 0xff) << 8;
        int total = 10 + headerLen;
        assertThat(total % 64).isZero();
        assertThat(bytes.length).isEqualTo(total + 6 * 4);
        String dict = new String(bytes, 10, headerLen, StandardCharsets.US_ASCII);
        String expected = "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 2), }";
        assertThat(dict).startsWith(expected).endsWith("\n");
        assertThat(dict.substring(expected.length(), dict.length() - 1)).matches(" *");
        ByteBuffer data = ByteBuffer.wrap(bytes, total, 24).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(data.getFloat()).isEqualTo(1f);
        assertThat(data.getFloat()).isEqualTo(2f);
    }

    @Test
    void oneDimensionalShapeIsAOneTuple() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Npy.writeTo(out, new double[] {1, 2, 3, 4, 5}, 5);
        String text = new String(out.toByteArray(), StandardCharsets.ISO_8859_1);
        assertThat(text).contains("{'descr': '<f8', 'fortran_order': False, 'shape': (5,), }");
        assertThat(Npy.shapeText(new long[0])).isEqualTo("()");
    }

    @Test
    void writesNdArraysWithTheirShapeAndType() {
        try (NDManager nd = NDManager.newBaseManager()) {
            NDArray x = nd.create(new float[] {1, 2, 3, 4, 5, 6}, new Shape(2, 3));
            Path f = dir.resolve("nd.npy");
            Npy.write(f, x);
            NpyArray a = Npy.read(f);
            assertThat(a.dtype()).isEqualTo("<f4");
            assertThat(a.shape()).containsExactly(2, 3);
            assertThat(a.floats()).containsExactly(1, 2, 3, 4, 5, 6);

            Npy.write(f, x.toType(DataType.FLOAT64, false).div(4));
            NpyArray b = Npy.read(f);
            assertThat(b.dtype()).isEqualTo("<f8");
            assertThat(b.doubles()).containsExactly(0.25, 0.5, 0.75, 1, 1.25, 1.5);

            NDArray ints = nd.create(new int[] {1, 2});
            assertThatThrownBy(() -> Npy.write(f, ints))
                    .isInstanceOf(Score4jException.class)
                    .hasMessageContaining("int32")
                    .hasMessageContaining("float32 and float64");
        }
    }

    @Test
    void readsAFileWrittenByNumpy() throws IOException {
        // numpy 2.4: np.save(f, np.array([-1, 2, 3], dtype='<i4'))
        String hex = "934e554d5059010076007b276465736372273a20273c6934272c2027666f727472616e5f6f72646572273a2046616c"
                + "73652c20277368617065273a2028332c292c207d" + "20".repeat(60) + "0affffffff0200000003000000";
        Path f = dir.resolve("np.npy");
        Files.write(f, HexFormat.of().parseHex(hex));
        NpyArray a = Npy.read(f);
        assertThat(a.dtype()).isEqualTo("<i4");
        assertThat(a.shape()).containsExactly(3);
        assertThat(a.doubles()).containsExactly(-1, 2, 3);
    }

    @Test
    void readsIntegerTypesAndVersion2Headers() throws IOException {
        ByteBuffer i8 = le(16).putLong(-5).putLong(1L << 40);
        Path f = file("i8.npy", 1, "{'descr': '<i8', 'fortran_order': False, 'shape': (1, 2), }", i8.array());
        assertThat(Npy.read(f).doubles()).containsExactly(-5, 1L << 40);

        Path u = file("u1.npy", 1, "{'shape': (3,), 'fortran_order': False, 'descr': '|u1'}",
                new byte[] {0, 7, (byte) 255});
        NpyArray ua = Npy.read(u);
        assertThat(ua.dtype()).isEqualTo("|u1");
        assertThat(ua.doubles()).containsExactly(0, 7, 255);

        Path v2 = file("v2.npy", 2, "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }",
                le(16).putDouble(0.5).putDouble(-1).array());
        assertThat(Npy.read(v2).doubles()).containsExactly(0.5, -1);
        assertThat(Npy.read(v2).asFloats()).containsExactly(0.5f, -1f);
    }

    @Test
    void missingFileIsReported() {
        Path f = dir.resolve("nope.npy");
        assertThatThrownBy(() -> Npy.read(f))
                .isInstanceOf(Score4jException.class)
                .hasMessage("cannot read " + f + ": no such file");
    }

    @Test
    void badMagicIsReported() throws IOException {
        Path f = dir.resolve("text.npy");
        Files.writeString(f, "hello, this is not numpy data at all");
        assertThatThrownBy(() -> Npy.read(f)).isInstanceOf(Score4jException.class)
                .hasMessageContaining(f.toString()).hasMessageContaining("bad magic");
        Path tiny = dir.resolve("tiny.npy");
        Files.write(tiny, new byte[] {(byte) 0x93, 'N'});
        assertThatThrownBy(() -> Npy.read(tiny)).isInstanceOf(Score4jException.class)
                .hasMessageContaining("truncated header");
    }

    @Test
    void unsupportedDtypeIsReported() throws IOException {
        Path f = file("c.npy", 1, "{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }", new byte[8]);
        assertThatThrownBy(() -> Npy.read(f)).isInstanceOf(Score4jException.class)
                .hasMessageContaining("unsupported dtype '<c8'").hasMessageContaining("<f4, <f8");
    }

    @Test
    void fortranOrderIsReported() throws IOException {
        Path f = file("fo.npy", 1, "{'descr': '<f8', 'fortran_order': True, 'shape': (2, 2), }", new byte[32]);
        assertThatThrownBy(() -> Npy.read(f)).isInstanceOf(Score4jException.class)
                .hasMessageContaining("fortran_order True is not supported");
    }

    @Test
    void bigEndianIsReported() throws IOException {
        Path f = file("be.npy", 1, "{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }", new byte[4]);
        assertThatThrownBy(() -> Npy.read(f)).isInstanceOf(Score4jException.class)
                .hasMessageContaining("big-endian");
    }

    @Test
    void headerGarbageIsReported() throws IOException {
        Path a = file("g1.npy", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, x), }", new byte[8]);
        assertThatThrownBy(() -> Npy.read(a)).isInstanceOf(Score4jException.class)
                .hasMessageContaining("malformed header");
        Path b = file("g2.npy", 1, "{'descr': '<f4', 'shape': (2,), }", new byte[8]);
        assertThatThrownBy(() -> Npy.read(b)).isInstanceOf(Score4jException.class)
                .hasMessageContaining("malformed header");
        Path c = file("g3.npy", 1, "not a dict at all", new byte[8]);
        assertThatThrownBy(() -> Npy.read(c)).isInstanceOf(Score4jException.class)
                .hasMessageContaining("malformed header");
        Path d = file("g4.npy", 7, "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", new byte[8]);
        assertThatThrownBy(() -> Npy.read(d)).isInstanceOf(Score4jException.class)
                .hasMessageContaining("unsupported format version 7.0");
    }

    @Test
    void dataSizeMismatchIsReported() throws IOException {
        Path f = dir.resolve("t.npy");
        Npy.write(f, new float[] {1, 2, 3, 4}, 2, 2);
        byte[] full = Files.readAllBytes(f);
        Files.write(f, Arrays.copyOf(full, full.length - 3));
        assertThatThrownBy(() -> Npy.read(f)).isInstanceOf(Score4jException.class)
                .hasMessageContaining("data size mismatch").hasMessageContaining("truncated")
                .hasMessageContaining("needs 16 bytes, the file has 13");
        Files.write(f, Arrays.copyOf(full, full.length + 4));
        assertThatThrownBy(() -> Npy.read(f)).isInstanceOf(Score4jException.class)
                .hasMessageContaining("data size mismatch");
    }

    @Test
    void wrongShapeForDataIsRejectedBeforeWriting() {
        Path f = dir.resolve("w.npy");
        assertThatThrownBy(() -> Npy.write(f, new float[5], 2, 3)).isInstanceOf(IllegalArgumentException.class);
        assertThat(f).doesNotExist();
    }

    private static ByteBuffer le(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** A hand-made NPY file with the given version, header dictionary and data. */
    private Path file(String name, int major, String dict, byte[] data) throws IOException {
        int prefix = major == 1 ? 10 : 12;
        int total = (prefix + dict.length() + 1 + 63) / 64 * 64;
        ByteBuffer b = le(total + data.length);
        b.put(Npy.MAGIC).put((byte) major).put((byte) 0);
        if (major == 1 || major > 3) {
            b.putShort((short) (total - prefix));
        } else {
            b.putInt(total - prefix);
        }
        b.put(dict.getBytes(StandardCharsets.US_ASCII));
        while (b.position() < total - 1) {
            b.put((byte) ' ');
        }
        b.put((byte) '\n').put(data);
        Path f = dir.resolve(name);
        Files.write(f, b.array());
        return f;
    }
}
