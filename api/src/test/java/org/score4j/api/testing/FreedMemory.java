package org.score4j.api.testing;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * Frees the memory of closed arrays that were made from Java data, and reuses it, so that a test can show that a
 * gradient does not read such memory.
 *
 * <p>DJL's PyTorch engine backs an array made from Java data ({@code NDManager.create}, and the scalar of the
 * {@code Number} overloads of {@code mul}, {@code div}, …) with a direct buffer that only the Java array object
 * keeps alive. An operation recorded by autograd may keep such an array for its backward pass; once the array is
 * closed, a garbage collection frees the buffer, the allocator writes its bookkeeping into it and hands it out
 * again, and the backward pass reads whatever is there. {@link #churn} makes that happen between a forward and a
 * backward pass: garbage collections, each followed by a pause for the buffers' cleaners, with many small arrays
 * of {@link #MARKER} made from Java data in between, which take the freed memory.
 */
public final class FreedMemory {
    /** The value of the arrays that take the freed memory. */
    public static final float MARKER = 1000f;

    private static final int ROUNDS = 3;
    private static final long PAUSE_MS = 10;
    private static final int ARRAYS_PER_ROUND = 50;

    private FreedMemory() {}

    /**
     * Runs garbage collections and fills freed memory with {@link #MARKER}; the filling arrays are made in
     * {@code manager} and stay there (so that their memory stays taken) until it is closed. A fraction of a second.
     */
    public static void churn(NDManager manager) {
        for (int round = 0; round < ROUNDS; round++) {
            System.gc();
            try {
                Thread.sleep(PAUSE_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while freeing memory", e);
            }
            for (int j = 0; j < ARRAYS_PER_ROUND; j++) {
                manager.create(MARKER);
                manager.create((double) MARKER);
                manager.create(new float[] {MARKER, MARKER});
                manager.create(new long[] {(long) MARKER, (long) MARKER});
                float[] f = new float[1 + j % 32];
                java.util.Arrays.fill(f, MARKER);
                manager.create(f);
                double[] d = new double[1 + j % 32];
                java.util.Arrays.fill(d, MARKER);
                manager.create(d);
            }
        }
    }

    /**
     * How {@code churned} differs from {@code quiet}: empty when they hold the same bits, else the number of
     * values that differ and the first of them.
     */
    public static String difference(float[] quiet, float[] churned) {
        double[] a = new double[quiet.length];
        double[] b = new double[churned.length];
        for (int i = 0; i < a.length; i++) {
            a[i] = quiet[i];
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = churned[i];
        }
        return difference(a, b);
    }

    /**
     * How {@code churned} differs from {@code quiet}: empty when they hold the same bits, else the number of
     * values that differ and the first of them.
     */
    public static String difference(double[] quiet, double[] churned) {
        if (quiet.length != churned.length) {
            return churned.length + " values instead of " + quiet.length;
        }
        int count = 0;
        int first = -1;
        for (int i = 0; i < quiet.length; i++) {
            if (Double.doubleToRawLongBits(quiet[i]) != Double.doubleToRawLongBits(churned[i])) {
                count++;
                first = first < 0 ? i : first;
            }
        }
        return count == 0 ? "" : count + " of " + quiet.length + " values differ, the first at " + first + ": "
                + churned[first] + " instead of " + quiet[first];
    }

    /** Whether {@code a} and {@code b} have the same shape, type and bits. */
    public static boolean sameBits(NDArray a, NDArray b) {
        return a.getShape().equals(b.getShape()) && a.getDataType() == b.getDataType()
                && java.util.Arrays.equals(a.toByteArray(), b.toByteArray());
    }
}
