package org.score4j.runner.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.score4j.api.data.Dataset;
import org.score4j.model.nn.Classifier;

/**
 * What a clean classifier says about a set of examples: the penultimate-layer features of each, its
 * top-class probability and its predicted class. Computed batch by batch, each batch in its own sub-manager,
 * and kept as Java arrays. Immutable by convention (the arrays are not copied).
 *
 * @param n the number of examples
 * @param featureDim the feature dimension
 * @param features the features, row-major {@code n × featureDim}
 * @param topProbability max_k p(k | x) per example
 * @param predicted arg max_k p(k | x) per example
 */
public record ClassifierOutputs(int n, int featureDim, float[] features, double[] topProbability, int[] predicted) {
    /** Rows {@code [from, from + count)} of a set of examples, in model space, as float32. */
    @FunctionalInterface
    public interface Rows {
        NDArray rows(int from, int count, NDManager manager);
    }

    /** Examples held in a Java array (row-major, model space). */
    public static Rows of(float[] values, Shape sampleShape) {
        int row = Math.toIntExact(sampleShape.size());
        return (from, count, manager) -> {
            float[] part = new float[count * row];
            System.arraycopy(values, from * row, part, 0, part.length);
            return manager.create(part, new Shape(count).addAll(sampleShape));
        };
    }

    /** The examples of a data set at {@code indices}, in that order. */
    public static Rows of(Dataset data, int[] indices) {
        return (from, count, manager) -> {
            int[] idx = new int[count];
            System.arraycopy(indices, from, idx, 0, count);
            NDArray x = data.batch(idx, manager);
            return x.getDataType() == DataType.FLOAT32 ? x : x.toType(DataType.FLOAT32, false);
        };
    }

    /** Runs {@code classifier} over {@code n} rows, {@code batch} at a time. */
    public static ClassifierOutputs compute(Classifier classifier, int n, Rows rows, int batch) {
        int d = classifier.architecture().hidden();
        float[] features = new float[Math.multiplyExact(n, d)];
        double[] top = new double[n];
        int[] predicted = new int[n];
        try (NDManager root = NDManager.newBaseManager()) {
            for (int from = 0; from < n; from += batch) {
                int count = Math.min(batch, n - from);
                try (NDManager step = root.newSubManager()) {
                    NDList out = classifier.forward(rows.rows(from, count, step), null);
                    NDArray probs = out.get(0).softmax(1);
                    float[] f = out.get(1).toFloatArray();
                    System.arraycopy(f, 0, features, from * d, f.length);
                    float[] p = probs.max(new int[] {1}).toFloatArray();
                    long[] a = probs.argMax(1).toType(DataType.INT64, false).toLongArray();
                    for (int i = 0; i < count; i++) {
                        top[from + i] = p[i];
                        predicted[from + i] = (int) a[i];
                    }
                }
            }
        }
        return new ClassifierOutputs(n, d, features, top, predicted);
    }

    /** The Gaussian fit of the features. */
    public FrechetDistance.Gaussian gaussian() {
        return FrechetDistance.Gaussian.fit(features, n, featureDim);
    }

    /** The mean top-class probability. */
    public double confidence() {
        double s = 0;
        for (double p : topProbability) {
            s += p;
        }
        return s / n;
    }

    /** The histogram of predicted classes. */
    public ClassHistogram histogram(int classes) {
        return ClassHistogram.of(predicted, classes);
    }
}
