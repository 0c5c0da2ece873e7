package org.score4j.runner.testing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.score4j.runner.io.Npy;

/**
 * A small labelled image set for tests: 1×8×8 images in [0, 255] of up to three distinct patterns — class 0 a
 * horizontal bar, class 1 a vertical bar, class 2 the diagonal — with Gaussian pixel noise, clipped to
 * [0, 255]. Written as a float32 {@code .npy} (use {@code data.scale=bytes}) and an int64 label file.
 */
public final class SyntheticImages {
    public static final int SIZE = 8;

    private SyntheticImages() {}

    /** The clean pattern of {@code label}, 64 values in [0, 255]. */
    public static float[] pattern(int label) {
        float[] p = new float[SIZE * SIZE];
        for (int r = 0; r < SIZE; r++) {
            for (int c = 0; c < SIZE; c++) {
                boolean on = switch (label) {
                    case 0 -> r == 3 || r == 4;
                    case 1 -> c == 3 || c == 4;
                    case 2 -> Math.abs(r - c) <= 1;
                    default -> throw new IllegalArgumentException("label " + label);
                };
                p[r * SIZE + c] = on ? 220 : 30;
            }
        }
        return p;
    }

    /** {@code labels.length} noisy images, row-major [n, 64]. */
    public static float[] images(int[] labels, double noise, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] out = new float[labels.length * SIZE * SIZE];
        for (int i = 0; i < labels.length; i++) {
            float[] p = pattern(labels[i]);
            for (int j = 0; j < p.length; j++) {
                double v = p[j] + noise * r.nextGaussian();
                out[i * p.length + j] = (float) Math.max(0, Math.min(255, v));
            }
        }
        return out;
    }

    /** Labels 0, 1, …, classes − 1, 0, 1, … (n of them). */
    public static int[] cycle(int n, int classes) {
        int[] l = new int[n];
        for (int i = 0; i < n; i++) {
            l[i] = i % classes;
        }
        return l;
    }

    /** Writes images [n, 1, 8, 8] (float32) and, when {@code labelFile} is not null, labels [n] (int64). */
    public static void write(Path imageFile, Path labelFile, int[] labels, double noise, long seed) throws IOException {
        Npy.write(imageFile, images(labels, noise, seed), labels.length, 1, SIZE, SIZE);
        if (labelFile != null) {
            writeLabels(labelFile, labels);
        }
    }

    /** An int64 {@code .npy} of shape [n]. */
    public static void writeLabels(Path file, int[] labels) throws IOException {
        String dict = "{'descr': '<i8', 'fortran_order': False, 'shape': (" + labels.length + ",), }";
        int unpadded = 10 + dict.length() + 1;
        int pad = (64 - unpadded % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        ByteBuffer b = ByteBuffer.allocate(10 + header.length() + 8 * labels.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
        b.putShort((short) header.length());
        b.put(header.getBytes(StandardCharsets.ISO_8859_1));
        for (int l : labels) {
            b.putLong(l);
        }
        Files.write(file, b.array());
    }
}
