package org.score4j.runner.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.score4j.api.Score4jException;

/**
 * Reads and writes NumPy {@code .npy} files (the NPY format, versions 1.0 and 2.0; see
 * {@code numpy.lib.format}): little-endian, C order.
 *
 * <p>Writing produces float32 ({@code <f4}) or float64 ({@code <f8}) files readable by {@code numpy.load},
 * in format 1.0 (2.0 only when the header does not fit 1.0's 64 KiB), with the header padded so that the
 * data starts at a multiple of 64 bytes. Files are written through {@link AtomicFiles}: they appear complete
 * or not at all. Reading accepts {@code <f4}, {@code <f8}, {@code <i4}, {@code <i8} and {@code |u1}
 * (the integer types are converted to doubles exactly), and reports anything else (Fortran order,
 * big-endian data, other dtypes, a malformed header, a data size that does not match the shape) as a
 * {@link Score4jException} naming the file.
 *
 * <p>Stateless and thread-safe.
 */
public final class Npy {
    /** The six magic bytes every NPY file starts with. */
    static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final int ALIGN = 64;
    private static final int CHUNK = 1 << 16;

    private Npy() {}

    // ------------------------------------------------------------------ writing

    /** Writes float32 data of the given shape (C order) to {@code file}. */
    public static void write(Path file, float[] data, long... shape) {
        checkSize(data.length, shape);
        AtomicFiles.write(file, out -> writeTo(out, data, shape));
    }

    /** Writes float64 data of the given shape (C order) to {@code file}. */
    public static void write(Path file, double[] data, long... shape) {
        checkSize(data.length, shape);
        AtomicFiles.write(file, out -> writeTo(out, data, shape));
    }

    /**
     * Writes an NDArray with its shape: float64 arrays as {@code <f8}, float32 ones as {@code <f4}.
     *
     * @throws Score4jException for another data type
     */
    public static void write(Path file, NDArray array) {
        long[] shape = array.getShape().getShape();
        DataType type = array.getDataType();
        if (type == DataType.FLOAT64) {
            write(file, array.toDoubleArray(), shape);
        } else if (type == DataType.FLOAT32) {
            write(file, array.toFloatArray(), shape);
        } else {
            throw new Score4jException("cannot write " + file + ": arrays of type " + type
                    + " are not supported; .npy output supports float32 and float64");
        }
    }

    /** Writes a complete float32 NPY file to a stream (not closed). */
    public static void writeTo(OutputStream out, float[] data, long... shape) throws IOException {
        checkSize(data.length, shape);
        out.write(header("<f4", shape));
        ByteBuffer buf = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : data) {
            if (buf.remaining() < Float.BYTES) {
                flush(buf, out);
            }
            buf.putFloat(v);
        }
        flush(buf, out);
    }

    /** Writes a complete float64 NPY file to a stream (not closed). */
    public static void writeTo(OutputStream out, double[] data, long... shape) throws IOException {
        checkSize(data.length, shape);
        out.write(header("<f8", shape));
        ByteBuffer buf = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
        for (double v : data) {
            if (buf.remaining() < Double.BYTES) {
                flush(buf, out);
            }
            buf.putDouble(v);
        }
        flush(buf, out);
    }

    private static void flush(ByteBuffer buf, OutputStream out) throws IOException {
        out.write(buf.array(), 0, buf.position());
        buf.clear();
    }

    /**
     * The header of an NPY file: magic, version, header length, and the dictionary text padded with spaces
     * and ended by a newline so that its total length is a multiple of 64.
     */
    static byte[] header(String descr, long[] shape) {
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shapeText(shape) + ", }";
        int major = 1;
        int prefix = MAGIC.length + 2 + 2;
        int total = pad(prefix + dict.length() + 1);
        if (total - prefix > 0xffff) {
            major = 2;
            prefix = MAGIC.length + 2 + 4;
            total = pad(prefix + dict.length() + 1);
        }
        int headerLen = total - prefix;
        ByteBuffer b = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).put((byte) major).put((byte) 0);
        if (major == 1) {
            b.putShort((short) headerLen);
        } else {
            b.putInt(headerLen);
        }
        b.put(dict.getBytes(StandardCharsets.US_ASCII));
        while (b.position() < total - 1) {
            b.put((byte) ' ');
        }
        b.put((byte) '\n');
        return b.array();
    }

    private static int pad(int n) {
        return (n + ALIGN - 1) / ALIGN * ALIGN;
    }

    /** A shape as a Python tuple: {@code ()}, {@code (5,)}, {@code (3, 2)}. */
    static String shapeText(long[] shape) {
        if (shape.length == 1) {
            return "(" + shape[0] + ",)";
        }
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            sb.append(i > 0 ? ", " : "").append(shape[i]);
        }
        return sb.append(')').toString();
    }

    /** The number of values a shape holds; -1 when a dimension is negative or the product overflows. */
    static long size(long[] shape) {
        long size = 1;
        for (long d : shape) {
            if (d < 0) {
                return -1;
            }
            try {
                size = Math.multiplyExact(size, d);
            } catch (ArithmeticException e) {
                return -1;
            }
        }
        return size;
    }

    private static void checkSize(int length, long[] shape) {
        long size = size(shape);
        if (size != length) {
            throw new IllegalArgumentException("shape " + shapeText(shape) + " holds " + size
                    + " values, data has " + length);
        }
    }

    // ------------------------------------------------------------------ reading

    /**
     * Reads a whole {@code .npy} file.
     *
     * @throws Score4jException naming the file: missing or unreadable, not an NPY file, an unsupported
     *     dtype or layout, a malformed header, or a data size that does not match the header's shape
     */
    public static NpyArray read(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            Header h = readHeader(ch, file);
            long size = size(h.shape);
            if (size < 0) {
                throw bad(file, "invalid shape " + shapeText(h.shape));
            }
            int item = itemSize(h.descr);
            long expected = size * (long) item;
            long available = ch.size() - h.dataOffset;
            if (available != expected) {
                throw bad(file, "data size mismatch: shape " + shapeText(h.shape) + " of " + h.descr + " needs "
                        + expected + " bytes, the file has " + available + (available < expected ? " (truncated)" : ""));
            }
            if (size > Integer.MAX_VALUE - 8) {
                throw bad(file, "too large: " + size + " values (at most " + (Integer.MAX_VALUE - 8) + ")");
            }
            return readData(ch, h, (int) size);
        } catch (NoSuchFileException e) {
            throw new Score4jException("cannot read " + file + ": no such file");
        } catch (IOException e) {
            throw new Score4jException("cannot read " + file + ": " + AtomicFiles.describe(e), e);
        }
    }

    /** The parsed header of an NPY file. */
    private record Header(String descr, long[] shape, long dataOffset) {}

    private static Header readHeader(FileChannel ch, Path file) throws IOException {
        if (Files.isDirectory(file)) {
            throw new Score4jException("cannot read " + file + ": it is a folder");
        }
        ByteBuffer pre = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, pre, file, "header");
        for (int i = 0; i < MAGIC.length; i++) {
            if (pre.get(i) != MAGIC[i]) {
                throw bad(file, "not a NumPy .npy file (bad magic)");
            }
        }
        int major = pre.get(6) & 0xff;
        int minor = pre.get(7) & 0xff;
        long headerLen;
        long offset;
        if (major == 1) {
            headerLen = pre.getShort(8) & 0xffff;
            offset = 10;
        } else if (major == 2 || major == 3) {
            ByteBuffer more = ByteBuffer.allocate(2);
            readFully(ch, more, file, "header");
            headerLen = ((pre.get(8) & 0xffL) | (pre.get(9) & 0xffL) << 8 | (more.get(0) & 0xffL) << 16
                    | (more.get(1) & 0xffL) << 24);
            offset = 12;
        } else {
            throw bad(file, "unsupported format version " + major + "." + minor + " (supported: 1.0, 2.0, 3.0)");
        }
        if (headerLen > (1 << 24)) {
            throw bad(file, "malformed header: length " + headerLen);
        }
        ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
        readFully(ch, hb, file, "header");
        String text = new String(hb.array(), major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Map<String, Object> dict;
        try {
            dict = new DictParser(text).parse();
        } catch (IllegalArgumentException e) {
            throw bad(file, "malformed header: " + e.getMessage());
        }
        if (!dict.keySet().equals(java.util.Set.of("descr", "fortran_order", "shape"))) {
            throw bad(file, "malformed header: expected the keys descr, fortran_order and shape, got "
                    + String.join(", ", dict.keySet()));
        }
        if (!(dict.get("descr") instanceof String descr)) {
            throw bad(file, "malformed header: descr is not a string");
        }
        if (!(dict.get("fortran_order") instanceof Boolean fortran)) {
            throw bad(file, "malformed header: fortran_order is not True or False");
        }
        if (!(dict.get("shape") instanceof long[] shape)) {
            throw bad(file, "malformed header: shape is not a tuple of integers");
        }
        if (descr.startsWith(">")) {
            throw bad(file, "big-endian data (" + descr + ") is not supported; save it little-endian, e.g. "
                    + "a.astype('<" + descr.substring(1) + "')");
        }
        if (itemSize(descr) < 0) {
            throw bad(file, "unsupported dtype '" + descr + "'; supported: <f4, <f8, <i4, <i8, |u1");
        }
        if (fortran) {
            throw bad(file, "fortran_order True is not supported; save a C-ordered array "
                    + "(numpy.ascontiguousarray)");
        }
        return new Header(descr, shape, offset + headerLen);
    }

    private static int itemSize(String descr) {
        switch (descr) {
            case "<f4":
            case "<i4":
                return 4;
            case "<f8":
            case "<i8":
                return 8;
            case "|u1":
                return 1;
            default:
                return -1;
        }
    }

    private static NpyArray readData(FileChannel ch, Header h, int size) throws IOException {
        ch.position(h.dataOffset);
        ByteBuffer buf = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
        int item = itemSize(h.descr);
        float[] floats = h.descr.equals("<f4") ? new float[size] : null;
        double[] doubles = floats == null ? new double[size] : null;
        int i = 0;
        while (i < size) {
            buf.clear();
            buf.limit((int) Math.min(buf.capacity(), (long) (size - i) * item));
            readFully(ch, buf, null, "data");
            while (buf.hasRemaining()) {
                switch (h.descr) {
                    case "<f4":
                        floats[i++] = buf.getFloat();
                        break;
                    case "<f8":
                        doubles[i++] = buf.getDouble();
                        break;
                    case "<i4":
                        doubles[i++] = buf.getInt();
                        break;
                    case "<i8":
                        doubles[i++] = buf.getLong();
                        break;
                    default:
                        doubles[i++] = buf.get() & 0xff;
                        break;
                }
            }
        }
        return new NpyArray(h.shape, h.descr, floats, doubles);
    }

    /** Fills {@code buf} from the channel and flips it (position 0, limit the bytes read). */
    private static void readFully(FileChannel ch, ByteBuffer buf, Path file, String what) throws IOException {
        while (buf.hasRemaining()) {
            if (ch.read(buf) < 0) {
                if (file != null) {
                    throw bad(file, "truncated " + what);
                }
                throw new EOFException("truncated " + what);
            }
        }
        buf.flip();
    }

    private static Score4jException bad(Path file, String what) {
        return new Score4jException("cannot read " + file + ": " + what);
    }

    /**
     * A parser for the Python dict literal of an NPY header: string keys; values that are strings,
     * {@code True}/{@code False} or tuples of non-negative integers.
     */
    private static final class DictParser {
        private final String s;
        private int i;

        DictParser(String s) {
            this.s = s;
        }

        Map<String, Object> parse() {
            Map<String, Object> out = new LinkedHashMap<>();
            expect('{');
            while (true) {
                skip();
                if (peek() == '}') {
                    i++;
                    break;
                }
                String key = string();
                expect(':');
                Object value = value();
                if (out.put(key, value) != null) {
                    throw new IllegalArgumentException("key '" + key + "' given twice");
                }
                skip();
                if (peek() == ',') {
                    i++;
                } else if (peek() != '}') {
                    throw error("',' or '}'");
                }
            }
            skip();
            if (i != s.length()) {
                throw new IllegalArgumentException("unexpected text after the dictionary");
            }
            return out;
        }

        private Object value() {
            skip();
            char c = peek();
            if (c == '\'' || c == '"') {
                return string();
            }
            if (c == '(') {
                return tuple();
            }
            if (s.startsWith("True", i)) {
                i += 4;
                return Boolean.TRUE;
            }
            if (s.startsWith("False", i)) {
                i += 5;
                return Boolean.FALSE;
            }
            throw error("a value");
        }

        private long[] tuple() {
            expect('(');
            List<Long> dims = new ArrayList<>();
            while (true) {
                skip();
                if (peek() == ')') {
                    i++;
                    break;
                }
                dims.add(integer());
                skip();
                if (peek() == ',') {
                    i++;
                } else if (peek() != ')') {
                    throw error("',' or ')'");
                }
            }
            return dims.stream().mapToLong(Long::longValue).toArray();
        }

        private long integer() {
            int start = i;
            while (i < s.length() && Character.isDigit(s.charAt(i))) {
                i++;
            }
            // Python 2 era files may write long integers as 3L
            String digits = s.substring(start, i);
            if (i < s.length() && s.charAt(i) == 'L') {
                i++;
            }
            if (digits.isEmpty()) {
                i = start;
                throw error("a non-negative integer");
            }
            try {
                return Long.parseLong(digits);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("dimension " + digits + " is too large");
            }
        }

        private String string() {
            skip();
            char q = peek();
            if (q != '\'' && q != '"') {
                throw error("a quoted string");
            }
            int end = s.indexOf(q, i + 1);
            if (end < 0) {
                throw new IllegalArgumentException("unterminated string");
            }
            String v = s.substring(i + 1, end);
            i = end + 1;
            return v;
        }

        private void expect(char c) {
            skip();
            if (peek() != c) {
                throw error("'" + c + "'");
            }
            i++;
        }

        private char peek() {
            return i < s.length() ? s.charAt(i) : '\0';
        }

        private void skip() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
        }

        private IllegalArgumentException error(String expected) {
            String found = i < s.length() ? "'" + s.substring(i, Math.min(s.length(), i + 12)).strip() + "'"
                    : "the end";
            return new IllegalArgumentException("expected " + expected + " at offset " + i + ", found " + found);
        }
    }
}
