package org.score4j.guidance.inverse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/** Small float64 {@code .npy} files for the operator keys that name one. */
final class TestFiles {
    private TestFiles() {}

    /** Writes {@code values} of {@code shape} as a float64 .npy file (format 1.0, C order). */
    static Path npy(Path dir, String name, double[] values, long... shape) {
        StringBuilder dims = new StringBuilder();
        for (long s : shape) {
            dims.append(s).append(", ");
        }
        String dict = "{'descr': '<f8', 'fortran_order': False, 'shape': (" + (shape.length == 1 ? shape[0] + ","
                : dims.substring(0, dims.length() - 2)) + "), }";
        int total = 10 + dict.length() + 1;
        int pad = (64 - total % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        ByteBuffer b = ByteBuffer.allocate(10 + header.length() + 8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
        b.putShort((short) header.length());
        b.put(header.getBytes(StandardCharsets.ISO_8859_1));
        for (double v : values) {
            b.putDouble(v);
        }
        Path file = dir.resolve(name);
        try {
            Files.write(file, b.array());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /** A random rows×cols Gaussian matrix as a .npy file. */
    static Path matrix(Path dir, String name, int rows, int cols, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] v = new double[rows * cols];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextGaussian();
        }
        return npy(dir, name, v, rows, cols);
    }
}
