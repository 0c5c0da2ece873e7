package org.score4j.api.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.Objects;

/**
 * What a score is conditioned on: nothing (unconditional) or a class label, either one for all rows or one
 * per row ({@code -1} meaning unconditional for that row); and, for inverse problems, optionally one
 * measurement y per row (API 1.4, {@link #withMeasurements}), read by the method's guidance and ignored by
 * models. Immutable: the measurement values are held in a Java array, copied in and out.
 */
public final class Conditioning {
    /** Unconditional. */
    public static final Conditioning NONE = new Conditioning(null, -1, null, null);

    private final int[] perRow;
    private final int shared;
    private final float[] measurements;     // rows × width, C order; null without measurements
    private final long[] measurementShape;  // shape of one measurement; null without measurements

    private Conditioning(int[] perRow, int shared, float[] measurements, long[] measurementShape) {
        this.perRow = perRow;
        this.shared = shared;
        this.measurements = measurements;
        this.measurementShape = measurementShape;
    }

    /** The same class for every row. */
    public static Conditioning ofClass(int label) {
        if (label < 0) {
            throw new IllegalArgumentException("class label must be >= 0, got " + label);
        }
        return new Conditioning(null, label, null, null);
    }

    /** One class per row; {@code -1} marks an unconditional row. */
    public static Conditioning ofClasses(int[] labels) {
        Objects.requireNonNull(labels, "labels");
        for (int l : labels) {
            if (l < -1) {
                throw new IllegalArgumentException("class label must be >= -1, got " + l);
            }
        }
        return new Conditioning(labels.clone(), -1, null, null);
    }

    /**
     * This conditioning with one measurement per row: row i of the batch is conditioned on measurement i.
     *
     * @param values the measurements, row after row, each of {@code shape} in C order (copied)
     * @param shape the shape of one measurement (every dimension &gt; 0)
     * @throws IllegalArgumentException when the values do not form whole rows, or their number of rows
     *     differs from this conditioning's per-row labels
     * @since 1.4
     */
    public Conditioning withMeasurements(float[] values, Shape shape) {
        Objects.requireNonNull(values, "values");
        Objects.requireNonNull(shape, "shape");
        long width = shape.size();
        if (shape.dimension() == 0 || width <= 0 || values.length == 0 || values.length % width != 0) {
            throw new IllegalArgumentException(values.length + " values do not form rows of measurements of shape "
                    + shape);
        }
        long rows = values.length / width;
        if (perRow != null && perRow.length != rows) {
            throw new IllegalArgumentException(rows + " measurements for " + perRow.length + " labelled rows");
        }
        return new Conditioning(perRow, shared, values.clone(), shape.getShape());
    }

    /** Whether no row is conditioned on a class (measurements aside: models ignore them). */
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

    /**
     * The number of rows the per-row parts (labels, measurements) cover, or 0 when everything is shared by all
     * rows.
     *
     * @since 1.4
     */
    public int rowCount() {
        if (perRow != null) {
            return perRow.length;
        }
        return measurements == null ? 0 : measurementRows();
    }

    /**
     * Whether the rows carry measurements.
     *
     * @since 1.4
     */
    public boolean hasMeasurements() {
        return measurements != null;
    }

    /**
     * The shape of one measurement.
     *
     * @throws IllegalStateException without measurements
     * @since 1.4
     */
    public Shape measurementShape() {
        requireMeasurements();
        return new Shape(measurementShape);
    }

    /**
     * The measurements as a float32 array of shape {@code [rows, ...measurementShape()]} created by
     * {@code manager} (the caller closes it, or lets its manager do so).
     *
     * @throws IllegalStateException without measurements
     * @since 1.4
     */
    public NDArray measurements(NDManager manager) {
        requireMeasurements();
        return manager.create(measurements, new Shape(measurementRows()).addAll(new Shape(measurementShape)));
    }

    /**
     * A copy of the measurement values, row after row.
     *
     * @throws IllegalStateException without measurements
     * @since 1.4
     */
    public float[] measurementValues() {
        requireMeasurements();
        return measurements.clone();
    }

    /** The rows {@code [from, to)} of this conditioning. */
    public Conditioning rows(int from, int to) {
        if (perRow == null && measurements == null) {
            return this;
        }
        int[] labels = perRow == null ? null : Arrays.copyOfRange(perRow, from, to);
        float[] m = null;
        if (measurements != null) {
            int rows = measurementRows();
            if (from < 0 || to > rows || from > to) {
                throw new IndexOutOfBoundsException("rows [" + from + ", " + to + ") of " + rows + " measurements");
            }
            int width = Math.toIntExact(new Shape(measurementShape).size());
            m = Arrays.copyOfRange(measurements, from * width, to * width);
        }
        return new Conditioning(labels, shared, m, measurementShape);
    }

    private int measurementRows() {
        return Math.toIntExact(measurements.length / new Shape(measurementShape).size());
    }

    private void requireMeasurements() {
        if (measurements == null) {
            throw new IllegalStateException("this conditioning carries no measurements");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Conditioning c && shared == c.shared && Arrays.equals(perRow, c.perRow)
                && Arrays.equals(measurements, c.measurements) && Arrays.equals(measurementShape, c.measurementShape);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(perRow) + shared) + Arrays.hashCode(measurements);
    }

    @Override
    public String toString() {
        String labels = perRow != null ? "classes" + Arrays.toString(perRow)
                : shared < 0 ? "unconditional" : "class " + shared;
        return measurements == null ? labels
                : labels + ", " + measurementRows() + " measurements of shape " + new Shape(measurementShape);
    }
}
