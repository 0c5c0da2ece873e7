package org.score4j.model.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Objects;
import org.score4j.api.data.DataScaling;
import org.score4j.api.data.Dataset;

/**
 * Labelled 8-bit images held compactly in Java byte arrays (one byte per pixel, one per label) and mapped to
 * model space only when a batch is taken: {@link #batch} looks every byte up in a 256-entry table of
 * {@code (float) scaling.toModel(v)} and creates one float32 array per batch. Holds nothing native. Immutable
 * (the arrays are handed over, not copied) and thread-safe.
 */
public final class ByteImageDataset implements Dataset {
    private final byte[] pixels;
    private final byte[] labels;
    private final Shape sampleShape;
    private final int rowSize;
    private final int size;
    private final int numClasses;
    private final DataScaling scaling;
    private final float[] table = new float[256];

    /**
     * @param pixels {@code size × sampleShape.size()} unsigned bytes, row-major
     * @param labels one label per image in [0, numClasses)
     * @param sampleShape the shape of one image, (C, H, W)
     */
    public ByteImageDataset(byte[] pixels, Shape sampleShape, byte[] labels, int numClasses, DataScaling scaling) {
        this.pixels = Objects.requireNonNull(pixels, "pixels");
        this.labels = Objects.requireNonNull(labels, "labels");
        this.sampleShape = Objects.requireNonNull(sampleShape, "sampleShape");
        this.scaling = Objects.requireNonNull(scaling, "scaling");
        if (sampleShape.dimension() != 3) {
            throw new IllegalArgumentException("images have shape (C, H, W), not " + sampleShape);
        }
        this.rowSize = Math.toIntExact(sampleShape.size());
        if (rowSize <= 0 || pixels.length == 0 || pixels.length % rowSize != 0) {
            throw new IllegalArgumentException(pixels.length + " bytes do not form images of shape " + sampleShape);
        }
        this.size = pixels.length / rowSize;
        if (labels.length != size) {
            throw new IllegalArgumentException(labels.length + " labels for " + size + " images");
        }
        if (numClasses < 1) {
            throw new IllegalArgumentException("numClasses " + numClasses);
        }
        for (int i = 0; i < size; i++) {
            if ((labels[i] & 0xff) >= numClasses) {
                throw new IllegalArgumentException("label " + (labels[i] & 0xff) + " of image " + i + " is not in [0, "
                        + numClasses + ")");
            }
        }
        this.numClasses = numClasses;
        for (int v = 0; v < 256; v++) {
            table[v] = (float) scaling.toModel(v);
        }
    }

    @Override
    public Shape sampleShape() {
        return sampleShape;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public NDArray batch(int[] indices, NDManager manager) {
        float[] out = new float[Math.multiplyExact(indices.length, rowSize)];
        for (int i = 0; i < indices.length; i++) {
            int r = indices[i];
            if (r < 0 || r >= size) {
                throw new IndexOutOfBoundsException("example " + r + " of " + size);
            }
            int from = r * rowSize;
            int to = i * rowSize;
            for (int j = 0; j < rowSize; j++) {
                out[to + j] = table[pixels[from + j] & 0xff];
            }
        }
        return manager.create(out, new Shape(indices.length).addAll(sampleShape));
    }

    @Override
    public DataScaling scaling() {
        return scaling;
    }

    @Override
    public int numClasses() {
        return numClasses;
    }

    @Override
    public int[] labels(int[] indices) {
        int[] out = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            int r = indices[i];
            if (r < 0 || r >= size) {
                throw new IndexOutOfBoundsException("example " + r + " of " + size);
            }
            out[i] = labels[r] & 0xff;
        }
        return out;
    }

    /** The stored bytes (0..255) of image {@code row}, a copy. */
    public int[] storedPixels(int row) {
        int[] p = new int[rowSize];
        for (int j = 0; j < rowSize; j++) {
            p[j] = pixels[row * rowSize + j] & 0xff;
        }
        return p;
    }

    @Override
    public String toString() {
        return size + " images of shape " + sampleShape + ", " + numClasses + " classes";
    }
}
