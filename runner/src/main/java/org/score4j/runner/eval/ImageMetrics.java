package org.score4j.runner.eval;

import java.util.Objects;

/**
 * Full-reference image quality of a reconstruction against its ground truth: the peak signal-to-noise ratio and
 * the structural similarity index (SSIM) of Wang, Bovik, Sheikh and Simoncelli 2004, "Image Quality Assessment:
 * From Error Visibility to Structural Similarity", eq. 13 with the settings of their Section III.C and reference
 * implementation.
 *
 * <ul>
 *   <li>PSNR = 10·log₁₀(L²/MSE) dB, the mean squared error over all values of the image (every channel), L the
 *       data range (255 for 8-bit images); +∞ for identical images.</li>
 *   <li>SSIM, per channel: local means μ, variances σ² and covariance σ_xy under a circular Gaussian window of
 *       standard deviation 1.5 normalized to sum 1 (11 × 11, or the largest odd size up to 11 that fits the
 *       image), evaluated at every position where the window lies inside the image (the "valid" region, as
 *       Wang et al.'s {@code ssim_index.m} with {@code filter2(..., 'valid')}); at each position
 *       SSIM = ((2μ_xμ_y + C₁)(2σ_xy + C₂)) / ((μ_x² + μ_y² + C₁)(σ_x² + σ_y² + C₂)) with C₁ = (0.01·L)²,
 *       C₂ = (0.03·L)²; the image's SSIM is the mean over positions and channels. The moments are the
 *       window-weighted ones (no N/(N−1) correction), as in the reference code.</li>
 * </ul>
 * Values are taken as they are (no rounding to integer levels, no down-sampling). Stateless and thread-safe.
 */
public final class ImageMetrics {
    /** K₁ of Wang et al. */
    public static final double K1 = 0.01;
    /** K₂ of Wang et al. */
    public static final double K2 = 0.03;
    /** The window's standard deviation in pixels. */
    public static final double WINDOW_SIGMA = 1.5;
    /** The window's full size in pixels when the image is large enough. */
    public static final int WINDOW_SIZE = 11;

    private ImageMetrics() {}

    /**
     * PSNR in dB of {@code x} against {@code truth} (same length), +∞ when they are equal.
     *
     * @param range the data range L (&gt; 0)
     */
    public static double psnr(float[] truth, int truthFrom, float[] x, int xFrom, int length, double range) {
        checkRange(range);
        double se = 0;
        for (int i = 0; i < length; i++) {
            double d = (double) x[xFrom + i] - truth[truthFrom + i];
            se += d * d;
        }
        double mse = se / length;
        return mse == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(range * range / mse);
    }

    /** PSNR of whole arrays. */
    public static double psnr(float[] truth, float[] x, double range) {
        if (truth.length != x.length) {
            throw new IllegalArgumentException(truth.length + " and " + x.length + " values");
        }
        return psnr(truth, 0, x, 0, truth.length, range);
    }

    /** The side of the Gaussian window used for images of {@code h} × {@code w} pixels: 11, or the largest odd side that fits. */
    public static int windowSize(int h, int w) {
        int s = Math.min(WINDOW_SIZE, Math.min(h, w));
        return s % 2 == 0 ? s - 1 : s;
    }

    /** The normalized Gaussian window of side {@code size} (odd), row-major. */
    static double[] window(int size) {
        double[] g = new double[size * size];
        int r = size / 2;
        double sum = 0;
        for (int i = 0; i < size; i++) {
            for (int j = 0; j < size; j++) {
                double u = i - r;
                double v = j - r;
                double e = Math.exp(-(u * u + v * v) / (2 * WINDOW_SIGMA * WINDOW_SIGMA));
                g[i * size + j] = e;
                sum += e;
            }
        }
        for (int i = 0; i < g.length; i++) {
            g[i] /= sum;
        }
        return g;
    }

    /**
     * SSIM of one image {@code x} against {@code truth}, both of shape (C, H, W) stored row-major from the given
     * offsets: the mean over channels of each channel's mean SSIM map.
     *
     * @param range the data range L (&gt; 0)
     * @throws IllegalArgumentException when an image side is below 1 or the range is not positive
     */
    public static double ssim(float[] truth, int truthFrom, float[] x, int xFrom, int c, int h, int w, double range) {
        checkRange(range);
        if (c < 1 || h < 1 || w < 1) {
            throw new IllegalArgumentException("image of shape (" + c + ", " + h + ", " + w + ")");
        }
        int size = windowSize(h, w);
        double[] g = window(size);
        double c1 = (K1 * range) * (K1 * range);
        double c2 = (K2 * range) * (K2 * range);
        int oh = h - size + 1;
        int ow = w - size + 1;
        double total = 0;
        for (int ch = 0; ch < c; ch++) {
            int tb = truthFrom + ch * h * w;
            int xb = xFrom + ch * h * w;
            double channel = 0;
            for (int i = 0; i < oh; i++) {
                for (int j = 0; j < ow; j++) {
                    double mx = 0;
                    double my = 0;
                    double xx = 0;
                    double yy = 0;
                    double xy = 0;
                    for (int a = 0; a < size; a++) {
                        for (int b = 0; b < size; b++) {
                            double wt = g[a * size + b];
                            int p = (i + a) * w + (j + b);
                            double u = truth[tb + p];
                            double v = x[xb + p];
                            mx += wt * u;
                            my += wt * v;
                            xx += wt * u * u;
                            yy += wt * v * v;
                            xy += wt * u * v;
                        }
                    }
                    double vx = xx - mx * mx;
                    double vy = yy - my * my;
                    double cov = xy - mx * my;
                    channel += ((2 * mx * my + c1) * (2 * cov + c2)) / ((mx * mx + my * my + c1) * (vx + vy + c2));
                }
            }
            total += channel / (oh * (double) ow);
        }
        return total / c;
    }

    private static void checkRange(double range) {
        if (!(range > 0) || !Double.isFinite(range)) {
            throw new IllegalArgumentException("invalid data range " + range + "; expected a finite number > 0");
        }
    }

    /** The mean of {@code v}, ignoring nothing (+∞ entries give +∞). */
    public static double mean(double[] v) {
        Objects.requireNonNull(v, "v");
        double s = 0;
        for (double d : v) {
            s += d;
        }
        return s / v.length;
    }
}
