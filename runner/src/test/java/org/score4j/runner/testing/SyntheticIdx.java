package org.score4j.runner.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/**
 * A folder of the MNIST layout (four IDX files) holding {@link SyntheticImages}' 1×8×8 patterns as bytes, with
 * labels cycling over three classes: what the {@code mnist} and {@code fashion-mnist} plugins read with
 * {@code data.root}.
 */
public final class SyntheticIdx {
    private SyntheticIdx() {}

    /** Writes {@code train} training and {@code test} test images (noise 40, seeds 1 and 2) into {@code folder}. */
    public static Path write(Path folder, int train, int test, boolean gzip) throws IOException {
        Files.createDirectories(folder);
        writeSplit(folder, "train", SyntheticImages.cycle(train, 3), 1, gzip);
        writeSplit(folder, "t10k", SyntheticImages.cycle(test, 3), 2, gzip);
        return folder;
    }

    private static void writeSplit(Path folder, String prefix, int[] labels, long seed, boolean gzip)
            throws IOException {
        float[] v = SyntheticImages.images(labels, 40, seed);
        int s = SyntheticImages.SIZE;
        ByteBuffer img = ByteBuffer.allocate(16 + v.length);
        img.putInt(0x803).putInt(labels.length).putInt(s).putInt(s);
        for (float f : v) {
            img.put((byte) Math.round(f));
        }
        ByteBuffer lab = ByteBuffer.allocate(8 + labels.length);
        lab.putInt(0x801).putInt(labels.length);
        for (int l : labels) {
            lab.put((byte) l);
        }
        put(folder, prefix + "-images-idx3-ubyte", img.array(), gzip);
        put(folder, prefix + "-labels-idx1-ubyte", lab.array(), gzip);
    }

    private static void put(Path folder, String base, byte[] bytes, boolean gzip) throws IOException {
        if (!gzip) {
            Files.write(folder.resolve(base), bytes);
            return;
        }
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(folder.resolve(base + ".gz")))) {
            out.write(bytes);
        }
    }
}
