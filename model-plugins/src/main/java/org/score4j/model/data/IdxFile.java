package org.score4j.model.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.score4j.api.ConfigException;

/**
 * An IDX file of unsigned bytes, the format of the MNIST files (LeCun et al., "The MNIST database of handwritten
 * digits"): a big-endian magic number {@code 0x0000 08 D} (type 0x08 = unsigned byte, D dimensions), D
 * big-endian 32-bit sizes, then the values in row-major order. Images are {@code idx3-ubyte} (count, rows,
 * columns; magic {@code 0x00000803}), labels {@code idx1-ubyte} (count; magic {@code 0x00000801}). A file may
 * be stored raw or gzip-compressed ({@code .gz}); the format is recognised from its first bytes, not its name.
 *
 * <p>{@link #read} checks the magic number, that every size is positive, and that the file holds exactly the
 * bytes the sizes announce — nothing missing, nothing after — and reports any violation as a one-line
 * {@link ConfigException} naming the file and what is wrong. Instances are immutable (the array is not copied
 * out: callers must not change it).
 *
 * @param file the file read
 * @param dims the sizes, first the count
 * @param data the values, row-major
 */
public record IdxFile(Path file, int[] dims, byte[] data) {
    /** The magic number of {@code idx1-ubyte} (label) files. */
    public static final int LABELS_MAGIC = 0x00000801;
    /** The magic number of {@code idx3-ubyte} (image) files. */
    public static final int IMAGES_MAGIC = 0x00000803;

    public IdxFile {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(dims, "dims");
        Objects.requireNonNull(data, "data");
    }

    /** The number of items (the first size). */
    public int count() {
        return dims[0];
    }

    /**
     * Reads and validates {@code file}, which must have magic number {@code magic}.
     *
     * @throws ConfigException naming the file: missing, unreadable, not gzip although it starts like it, another
     *     magic number, a size that is not positive or too large, truncated, or followed by extra bytes
     */
    public static IdxFile read(Path file, int magic) {
        return parse(file, magic, true);
    }

    /** Validates {@code file} like {@link #read} without keeping its values; returns its sizes. */
    public static int[] check(Path file, int magic) {
        return parse(file, magic, false).dims();
    }

    private static IdxFile parse(Path file, int magic, boolean keep) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException("IDX file " + file + (Files.exists(file) ? " is not a regular file"
                    : " does not exist"));
        }
        boolean gzip;
        long fileSize;
        try (InputStream head = Files.newInputStream(file)) {
            gzip = head.read() == 0x1f && head.read() == 0x8b;
            fileSize = Files.size(file);
        } catch (IOException e) {
            throw unreadable(file, e);
        }
        String what = "IDX file " + file;
        try (InputStream raw = Files.newInputStream(file);
                DataInputStream in = new DataInputStream(new BufferedInputStream(
                        gzip ? new GZIPInputStream(raw, 1 << 16) : raw, 1 << 16))) {
            int found;
            try {
                found = in.readInt();
            } catch (EOFException e) {
                throw new ConfigException(what + " is truncated: it ends within its 4-byte magic number");
            }
            if (found != magic) {
                throw new ConfigException(String.format(Locale.ROOT, "%s is corrupt or not an IDX file of this kind: "
                        + "magic number 0x%08x, expected 0x%08x (%s)", what, found, magic, describe(magic)));
            }
            int d = magic & 0xff;
            int[] dims = new int[d];
            long size = 1;
            for (int i = 0; i < d; i++) {
                try {
                    dims[i] = in.readInt();
                } catch (EOFException e) {
                    throw new ConfigException(what + " is truncated: it ends within its header (" + d + " sizes)");
                }
                if (dims[i] <= 0) {
                    throw new ConfigException(what + " is corrupt: size " + (i + 1) + " of its header is " + dims[i]
                            + "; sizes must be positive");
                }
                size *= dims[i];
                if (size > Integer.MAX_VALUE - 8) {
                    throw new ConfigException(what + " is corrupt: its header announces " + shape(dims, i + 1)
                            + " values, more than score4j reads from one file");
                }
            }
            long header = 4 + 4L * d;
            if (!gzip && fileSize != header + size) {
                throw new ConfigException(what + (fileSize < header + size ? " is truncated" : " is corrupt")
                        + ": its header announces " + shape(dims, d) + " = " + size + " bytes of data, the file has "
                        + (fileSize - header));
            }
            byte[] data = new byte[keep ? (int) size : 0];
            long got = keep ? readFully(in, data) : skipFully(in, size);
            if (got < size) {
                throw new ConfigException(what + " is truncated: its header announces " + shape(dims, d) + " = "
                        + size + " bytes of data, the file has " + got);
            }
            if (in.read() >= 0) {
                throw new ConfigException(what + " is corrupt: it has bytes after the " + shape(dims, d)
                        + " values its header announces");
            }
            return new IdxFile(file, dims, data);
        } catch (EOFException e) {
            throw new ConfigException(what + " is truncated: its gzip stream ends early");
        } catch (ZipException e) {
            throw new ConfigException(what + " is not a valid gzip file (" + e.getMessage() + ")");
        } catch (IOException e) {
            throw unreadable(file, e);
        }
    }

    private static long readFully(InputStream in, byte[] data) throws IOException {
        int off = 0;
        while (off < data.length) {
            int r = in.read(data, off, data.length - off);
            if (r < 0) {
                break;
            }
            off += r;
        }
        return off;
    }

    private static long skipFully(InputStream in, long n) throws IOException {
        byte[] buf = new byte[1 << 16];
        long done = 0;
        while (done < n) {
            int r = in.read(buf, 0, (int) Math.min(buf.length, n - done));
            if (r < 0) {
                break;
            }
            done += r;
        }
        return done;
    }

    private static String shape(int[] dims, int upTo) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < upTo; i++) {
            b.append(i == 0 ? "" : " × ").append(dims[i]);
        }
        return b.toString();
    }

    private static String describe(int magic) {
        return switch (magic) {
            case IMAGES_MAGIC -> "idx3-ubyte images";
            case LABELS_MAGIC -> "idx1-ubyte labels";
            default -> "ubyte, " + (magic & 0xff) + " dimensions";
        };
    }

    private static ConfigException unreadable(Path file, IOException e) {
        String m = e instanceof NoSuchFileException ? "no such file" : e.getMessage();
        return new ConfigException("IDX file " + file + " cannot be read: " + (m == null ? e.getClass().getSimpleName()
                : m.replace('\n', ' ')), e);
    }

    @Override
    public String toString() {
        return file + " " + Arrays.toString(dims);
    }
}
