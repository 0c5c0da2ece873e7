package org.score4j.model.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.score4j.api.ConfigException;

/**
 * A NumPy {@code .npy} file read whole (NPY format 1.0–3.0, C order, little-endian): its shape, its dtype and
 * its values as doubles. Supported dtypes: {@code <f4}, {@code <f8}, {@code |u1}, {@code <i4}, {@code <i8}.
 * Anything else — another dtype, Fortran order, a malformed header, a size that does not match the shape —
 * is a {@link ConfigException} naming the key and the file. Used by the data sets of this package and by
 * plugins that read arrays named by a key (masks and matrices of inverse-problem operators). The arrays are
 * not copied; treat them as read-only.
 *
 * @param shape the array's shape
 * @param dtype the NumPy type string
 * @param values the values in C order
 */
public record NpyFile(long[] shape, String dtype, double[] values) {
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    /** Whether the file held bytes ({@code |u1}). */
    public boolean isBytes() {
        return dtype.equals("|u1");
    }

    /** Whether the file held integers. */
    public boolean isInteger() {
        return dtype.equals("|u1") || dtype.equals("<i4") || dtype.equals("<i8");
    }

    /** Reads {@code file}; {@code key} names the config key for messages, e.g. {@code data.path}. */
    public static NpyFile read(Path file, String key) {
        String where = key + " file '" + file + "'";
        if (!Files.exists(file)) {
            throw new ConfigException(where + " does not exist; expected a NumPy .npy file");
        }
        if (!Files.isRegularFile(file)) {
            throw new ConfigException(where + " is not a regular file; expected a NumPy .npy file");
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer pre = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, pre, where);
            byte[] magic = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
            for (int i = 0; i < magic.length; i++) {
                if (pre.get(i) != magic[i]) {
                    throw new ConfigException(where + " is not a NumPy .npy file (bad magic)");
                }
            }
            int major = pre.get(6) & 0xff;
            long headerLen;
            long offset;
            if (major == 1) {
                headerLen = pre.getShort(8) & 0xffff;
                offset = 10;
            } else if (major == 2 || major == 3) {
                ByteBuffer more = ByteBuffer.allocate(2);
                readFully(ch, more, where);
                headerLen = (pre.get(8) & 0xffL) | (pre.get(9) & 0xffL) << 8 | (more.get(0) & 0xffL) << 16
                        | (more.get(1) & 0xffL) << 24;
                offset = 12;
            } else {
                throw new ConfigException(where + " has unsupported .npy format version " + major);
            }
            if (headerLen > (1 << 24)) {
                throw new ConfigException(where + " has a malformed header");
            }
            ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
            readFully(ch, hb, where);
            String header = new String(hb.array(), StandardCharsets.ISO_8859_1);
            Matcher d = DESCR.matcher(header);
            Matcher f = FORTRAN.matcher(header);
            Matcher s = SHAPE.matcher(header);
            if (!d.find() || !f.find() || !s.find()) {
                throw new ConfigException(where + " has a malformed header: " + header.trim());
            }
            String dtype = d.group(1);
            if (f.group(1).equals("True")) {
                throw new ConfigException(where + " is in Fortran order; save a C-ordered array "
                        + "(numpy.ascontiguousarray)");
            }
            int item = itemSize(dtype);
            if (item < 0) {
                throw new ConfigException(where + " has unsupported dtype '" + dtype + "'; supported: <f4, <f8, |u1, "
                        + "<i4, <i8");
            }
            List<Long> dims = new ArrayList<>();
            for (String part : s.group(1).split(",")) {
                if (!part.isBlank()) {
                    dims.add(Long.parseLong(part.trim()));
                }
            }
            long[] shape = dims.stream().mapToLong(Long::longValue).toArray();
            long size = 1;
            for (long v : shape) {
                size = Math.multiplyExact(size, v);
            }
            long available = ch.size() - offset - headerLen;
            if (available != size * item) {
                throw new ConfigException(where + " is truncated or malformed: shape " + dims + " of " + dtype
                        + " needs " + size * item + " bytes of data, the file has " + available);
            }
            if (size > Integer.MAX_VALUE - 8) {
                throw new ConfigException(where + " is too large: " + size + " values");
            }
            double[] values = new double[(int) size];
            ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
            int i = 0;
            while (i < values.length) {
                buf.clear();
                buf.limit((int) Math.min(buf.capacity(), (long) (values.length - i) * item));
                readFully(ch, buf, where);
                while (buf.hasRemaining()) {
                    switch (dtype) {
                        case "<f4" -> values[i++] = buf.getFloat();
                        case "<f8" -> values[i++] = buf.getDouble();
                        case "<i4" -> values[i++] = buf.getInt();
                        case "<i8" -> values[i++] = buf.getLong();
                        default -> values[i++] = buf.get() & 0xff;
                    }
                }
            }
            return new NpyFile(shape, dtype, values);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new ConfigException(where + " has a malformed shape in its header");
        } catch (IOException e) {
            throw new ConfigException(where + " cannot be read: " + e.getMessage(), e);
        }
    }

    private static int itemSize(String dtype) {
        return switch (dtype) {
            case "<f4", "<i4" -> 4;
            case "<f8", "<i8" -> 8;
            case "|u1" -> 1;
            default -> -1;
        };
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, String where) throws IOException {
        while (buf.hasRemaining()) {
            if (ch.read(buf) < 0) {
                throw new ConfigException(where + " is truncated");
            }
        }
        buf.flip();
    }
}
