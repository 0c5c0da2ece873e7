package org.score4j.runner.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.score4j.api.data.DataScaling;
import org.score4j.api.inverse.LinearOperator;
import org.score4j.api.inverse.MeasurementOperator;
import org.score4j.runner.eval.ImageMetrics;
import org.score4j.runner.io.SampleUnits;

/**
 * What {@code score4j inverse} computes around the sampling: the measurement in the model's units, the image a
 * measurement is shown as, and the quality of the reconstructions (PSNR, SSIM against the ground truth, the
 * measurement residual). Stateless.
 */
final class InverseReport {
    /** Rows per native batch when applying the operator outside the run. */
    private static final int CHUNK = 256;

    private InverseReport() {}

    /**
     * Measurements in the units of the data mapped to the model's: for x_model = a·x + b and a linear A,
     * A(x_model) = a·A(x) + b·A(1), so y_model = a·y + b·A(1) (and the noise σ_y becomes |a|·σ_y).
     */
    static float[] toModel(float[] y, int rows, MeasurementOperator op, DataScaling s) {
        int m = Math.toIntExact(op.measurementShape().size());
        double[] a1 = new double[m];
        if (s.offset() != 0) {
            try (NDManager nd = NDManager.newBaseManager()) {
                double[] ones = new double[Math.toIntExact(op.sampleShape().size())];
                Arrays.fill(ones, 1);
                NDArray x = nd.create(ones, new Shape(1).addAll(op.sampleShape()));
                a1 = op.apply(x).toType(DataType.FLOAT64, false).toDoubleArray();
            }
        }
        float[] out = new float[y.length];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < m; j++) {
                out[i * m + j] = (float) (s.scale() * y[i * m + j] + s.offset() * a1[j]);
            }
        }
        return out;
    }

    /**
     * The picture of every measurement row, in the output's units, shape [rows, ...sample shape]: the
     * measurement itself when it has the sample's shape (deblur: the blurred image); a one-channel measurement
     * of a multi-channel image repeated over the channels (colorize: the gray image); else, for a linear
     * operator, the least-norm solution A⁺·y of the model-space measurement (inpaint: the observed pixels, the
     * missing ones at the model's 0, mid grey for byte data; super-resolution: the nearest upsampling of the low
     * resolution image; tomography: the least-norm reconstruction from the projections); NaN (drawn black) for a
     * non-linear operator of another shape.
     *
     * @param y the measurements as given (the output's units)
     * @param yModel the measurements in the model's units
     * @param toOutput the map from model space to the output's units, or {@code null} when they are the model's
     */
    static float[] displays(MeasurementOperator op, float[] y, float[] yModel, int rows, DataScaling toOutput) {
        Shape sample = op.sampleShape();
        Shape meas = op.measurementShape();
        int d = Math.toIntExact(sample.size());
        int m = Math.toIntExact(meas.size());
        float[] out = new float[rows * d];
        if (meas.equals(sample)) {
            return Arrays.copyOf(y, rows * d);
        }
        if (sample.dimension() == 3 && meas.dimension() == 3 && meas.get(0) == 1 && meas.get(1) == sample.get(1)
                && meas.get(2) == sample.get(2)) {
            int plane = m;
            int c = Math.toIntExact(sample.get(0));
            for (int i = 0; i < rows; i++) {
                for (int ch = 0; ch < c; ch++) {
                    System.arraycopy(y, i * m, out, i * d + ch * plane, plane);
                }
            }
            return out;
        }
        if (!(op instanceof LinearOperator linear)) {
            Arrays.fill(out, Float.NaN);
            return out;
        }
        for (int from = 0; from < rows; from += CHUNK) {
            int count = Math.min(CHUNK, rows - from);
            try (NDManager nd = NDManager.newBaseManager()) {
                double[] part = new double[count * m];
                for (int i = 0; i < part.length; i++) {
                    part[i] = yModel[from * m + i];
                }
                NDArray ya = nd.create(part, new Shape(count).addAll(meas));
                float[] back = linear.pseudoInverse(ya).toType(DataType.FLOAT32, false).toFloatArray();
                if (toOutput != null) {
                    back = SampleUnits.toStored(back, toOutput);
                }
                System.arraycopy(back, 0, out, from * d, back.length);
            }
        }
        return out;
    }

    /** ‖y_row − A(x_k)‖ for every sample k (samples k·… of row k / perRow), in the units of {@code y}. */
    static double[] residuals(MeasurementOperator op, float[] x, float[] y, int rows, int perRow) {
        int d = Math.toIntExact(op.sampleShape().size());
        int m = Math.toIntExact(op.measurementShape().size());
        int total = rows * perRow;
        double[] r = new double[total];
        for (int from = 0; from < total; from += CHUNK) {
            int count = Math.min(CHUNK, total - from);
            try (NDManager nd = NDManager.newBaseManager()) {
                double[] part = new double[count * d];
                for (int i = 0; i < part.length; i++) {
                    part[i] = x[from * d + i];
                }
                double[] ax = op.apply(nd.create(part, new Shape(count).addAll(op.sampleShape())))
                        .toType(DataType.FLOAT64, false).toDoubleArray();
                for (int k = 0; k < count; k++) {
                    int row = (from + k) / perRow;
                    double q = 0;
                    for (int j = 0; j < m; j++) {
                        double e = y[row * m + j] - ax[k * m + j];
                        q += e * e;
                    }
                    r[from + k] = Math.sqrt(q);
                }
            }
        }
        return r;
    }

    /** PSNR (dB) of every sample against its row's truth. */
    static double[] psnr(float[] x, float[] truth, int rows, int perRow, int d, double range) {
        double[] v = new double[rows * perRow];
        for (int k = 0; k < v.length; k++) {
            v[k] = ImageMetrics.psnr(truth, (k / perRow) * d, x, k * d, d, range);
        }
        return v;
    }

    /** SSIM of every (C, H, W) sample against its row's truth. */
    static double[] ssim(float[] x, float[] truth, int rows, int perRow, Shape image, double range) {
        int c = Math.toIntExact(image.get(0));
        int h = Math.toIntExact(image.get(1));
        int w = Math.toIntExact(image.get(2));
        int d = c * h * w;
        double[] v = new double[rows * perRow];
        for (int k = 0; k < v.length; k++) {
            v[k] = ImageMetrics.ssim(truth, (k / perRow) * d, x, k * d, c, h, w, range);
        }
        return v;
    }

    /** {mean, standard deviation, per sample} of {@code v}, for the provenance. */
    static Map<String, Object> summary(double[] v) {
        Map<String, Object> s = new LinkedHashMap<>();
        double mean = ImageMetrics.mean(v);
        double q = 0;
        for (double x : v) {
            q += (x - mean) * (x - mean);
        }
        s.put("mean", finite(mean));
        s.put("std", v.length > 1 ? finite(Math.sqrt(q / (v.length - 1))) : null);
        List<Object> per = new ArrayList<>(v.length);
        for (double x : v) {
            per.add(finite(x));
        }
        s.put("per_sample", per);
        return s;
    }

    /** JSON has no infinity: +∞ (identical images' PSNR) is written as the string "inf". */
    private static Object finite(double v) {
        return Double.isFinite(v) ? (Object) v : v > 0 ? "inf" : v < 0 ? "-inf" : "nan";
    }

    /**
     * The panel: for each of the first {@code shownRows} rows, [truth] | measurement picture | the first
     * {@code shownSamples} samples, as tiles [rows·columns, ...sample shape] in the output's units.
     */
    static float[] panel(float[] truth, float[] displays, float[] x, int shownRows, int perRow, int shownSamples,
            int d) {
        int columns = (truth != null ? 1 : 0) + 1 + shownSamples;
        float[] tiles = new float[shownRows * columns * d];
        for (int i = 0; i < shownRows; i++) {
            int t = i * columns;
            if (truth != null) {
                System.arraycopy(truth, i * d, tiles, t++ * d, d);
            }
            System.arraycopy(displays, i * d, tiles, t++ * d, d);
            for (int j = 0; j < shownSamples; j++) {
                System.arraycopy(x, (i * perRow + j) * d, tiles, t++ * d, d);
            }
        }
        return tiles;
    }
}
