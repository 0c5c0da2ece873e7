package org.score4j.api.model;

import java.util.Arrays;
import java.util.Objects;

/**
 * What a score is conditioned on: nothing (unconditional) or a class label, either one for all rows or one
 * per row ({@code -1} meaning unconditional for that row). Immutable.
 */
public final class Conditioning {
    /** Unconditional. */
    public static final Conditioning NONE = new Conditioning(null, -1);

    private final int[] perRow;
    private final int shared;

    private Conditioning(int[] perRow, int shared) {
        this.perRow = perRow;
        this.shared = shared;
    }

    /** The same class for every row. */
    public static Conditioning ofClass(int label) {
        if (label < 0) {
            throw new IllegalArgumentException("class label must be >= 0, got " + label);
        }
        return new Conditioning(null, label);
    }

    /** One class per row; {@code -1} marks an unconditional row. */
    public static Conditioning ofClasses(int[] labels) {
        Objects.requireNonNull(labels, "labels");
        for (int l : labels) {
            if (l < -1) {
                throw new IllegalArgumentException("class label must be >= -1, got " + l);
            }
        }
        return new Conditioning(labels.clone(), -1);
    }

    /** Whether no row is conditioned. */
    public boolean isUnconditional() {
        if (perRow == null) {
            return shared < 0;
        }
        return Arrays.stream(perRow).allMatch(l -> l < 0);
    }

    /** The class of {@code row}, or {@code -1} when that row is unconditional. */
    public int classOf(int row) {
        return perRow == null ? shared : perRow[row];
    }

    /** The largest label used, or {@code -1}. */
    public int maxClass() {
        return perRow == null ? shared : Arrays.stream(perRow).max().orElse(-1);
    }

    /** Whether the label is shared by all rows. */
    public boolean isShared() {
        return perRow == null;
    }

    /**
     * The label of each of the first {@code rows} rows as a class-conditional network takes it: the row's class,
     * or {@code nullLabel} for an unconditional row (see {@link TrainableScoreModel}, whose null label is the
     * number of classes K).
     *
     * @throws IllegalArgumentException when {@code rows} is negative, a per-row conditioning has fewer rows, or
     *     a class is {@code >= nullLabel}
     * @since 1.3
     */
    public int[] labels(int rows, int nullLabel) {
        if (rows < 0) {
            throw new IllegalArgumentException("rows must be >= 0, got " + rows);
        }
        if (perRow != null && perRow.length < rows) {
            throw new IllegalArgumentException("conditioning has " + perRow.length + " rows, fewer than the batch of "
                    + rows);
        }
        int[] out = new int[rows];
        for (int i = 0; i < rows; i++) {
            int c = classOf(i);
            if (c >= nullLabel) {
                throw new IllegalArgumentException("class " + c + " is not below the null label " + nullLabel);
            }
            out[i] = c < 0 ? nullLabel : c;
        }
        return out;
    }

    /** The rows {@code [from, to)} of this conditioning. */
    public Conditioning rows(int from, int to) {
        return perRow == null ? this : new Conditioning(Arrays.copyOfRange(perRow, from, to), -1);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Conditioning c && shared == c.shared && Arrays.equals(perRow, c.perRow);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(perRow) + shared;
    }

    @Override
    public String toString() {
        if (perRow != null) {
            return "classes" + Arrays.toString(perRow);
        }
        return shared < 0 ? "unconditional" : "class " + shared;
    }
}
