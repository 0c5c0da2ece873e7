package org.score4j.runner.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** PSNR and SSIM against closed forms and an independent reference implementation. */
class ImageMetricsTest {
    /** A smooth pattern and a perturbed copy, (C, H, W) row-major: the same formulas as the reference values' script. */
    static float[][] pair(int c, int h, int w) {
        float[] x = new float[c * h * w];
        float[] y = new float[x.length];
        for (int k = 0; k < c; k++) {
            for (int i = 0; i < h; i++) {
                for (int j = 0; j < w; j++) {
                    double v = 127.5 + 100 * Math.sin(0.3 * i + 0.2 * j + k) * Math.cos(0.17 * j);
                    double u = v + 30 * Math.sin(1.7 * i * j + 0.3 + k) + 10 * Math.cos(0.5 * i);
                    x[(k * h + i) * w + j] = (float) v;
                    y[(k * h + i) * w + j] = (float) u;
                }
            }
        }
        return new float[][] {x, y};
    }

    @Test
    void psnrOfAKnownPerturbation() {
        float[] x = new float[28 * 28];
        new SplittableRandom(1).doubles(x.length, 0, 255).forEach(new java.util.function.DoubleConsumer() {
            int i;

            @Override
            public void accept(double v) {
                x[i++] = (float) Math.rint(v);
            }
        });
        float[] y = x.clone();
        for (int i = 0; i < y.length; i++) {
            y[i] += i % 2 == 0 ? 5 : -5;   // MSE exactly 25
        }
        assertThat(ImageMetrics.psnr(x, y, 255)).isCloseTo(20 * Math.log10(255 / 5.0), within(1e-9));
        assertThat(ImageMetrics.psnr(x, y, 2)).isCloseTo(20 * Math.log10(2 / 5.0), within(1e-9));
        assertThat(ImageMetrics.psnr(x, x, 255)).isInfinite();
        // offsets select the right rows
        float[] both = new float[2 * x.length];
        System.arraycopy(y, 0, both, x.length, x.length);
        assertThat(ImageMetrics.psnr(x, 0, both, x.length, x.length, 255)).isCloseTo(20 * Math.log10(51), within(1e-9));
        assertThatThrownBy(() -> ImageMetrics.psnr(x, y, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void ssimOfAnImageWithItselfIsOne() {
        float[][] p = pair(3, 16, 20);
        assertThat(ImageMetrics.ssim(p[0], 0, p[0], 0, 3, 16, 20, 255)).isCloseTo(1, within(1e-12));
        assertThat(ImageMetrics.ssim(p[1], 0, p[1], 0, 3, 16, 20, 255)).isCloseTo(1, within(1e-12));
    }

    @Test
    void ssimOfConstantImagesIsTheLuminanceTerm() {
        // no variance: SSIM = (2ab + C1)/(a² + b² + C1) at every position
        int h = 12;
        int w = 15;
        float[] a = new float[h * w];
        float[] b = new float[h * w];
        Arrays.fill(a, 40);
        Arrays.fill(b, 200);
        double c1 = Math.pow(0.01 * 255, 2);
        double expect = (2 * 40 * 200 + c1) / (40 * 40 + 200 * 200 + c1);
        assertThat(ImageMetrics.ssim(a, 0, b, 0, 1, h, w, 255)).isCloseTo(expect, within(1e-12));
    }

    @Test
    void ssimOfAShiftedCheckerboardIsItsLuminanceTerm() {
        // y = x + d: σ_y = σ_x and σ_xy = σ_x², so the contrast-structure term is exactly 1 and SSIM is the
        // luminance term (2μ(μ + d) + C1)/(μ² + (μ + d)² + C1). For x = 100 + 50·(−1)^(i+j) the window mean is
        // 100 ± 50·S, S = Σ g(a, b)·(−1)^(a+b), by the parity of the window's corner.
        int h = 20;
        int w = 17;
        double d = 30;
        float[] x = new float[h * w];
        float[] y = new float[h * w];
        for (int i = 0; i < h; i++) {
            for (int j = 0; j < w; j++) {
                x[i * w + j] = (float) (100 + 50 * ((i + j) % 2 == 0 ? 1 : -1));
                y[i * w + j] = (float) (x[i * w + j] + d);
            }
        }
        double[] g = ImageMetrics.window(11);
        double sum = 0;
        for (int a = 0; a < 11; a++) {
            for (int b = 0; b < 11; b++) {
                sum += g[a * 11 + b] * ((a + b) % 2 == 0 ? 1 : -1);
            }
        }
        double c1 = Math.pow(0.01 * 255, 2);
        double total = 0;
        int positions = 0;
        for (int i = 0; i + 11 <= h; i++) {
            for (int j = 0; j + 11 <= w; j++) {
                double mu = 100 + 50 * ((i + j) % 2 == 0 ? sum : -sum);
                total += (2 * mu * (mu + d) + c1) / (mu * mu + (mu + d) * (mu + d) + c1);
                positions++;
            }
        }
        assertThat(positions).isEqualTo(10 * 7);
        assertThat(ImageMetrics.ssim(x, 0, y, 0, 1, h, w, 255)).isCloseTo(total / positions, within(1e-12));
        assertThat(ImageMetrics.ssim(y, 0, x, 0, 1, h, w, 255)).as("symmetric")
                .isCloseTo(total / positions, within(1e-12));
    }

    @Test
    void ssimMatchesScikitImage() {
        // skimage.metrics.structural_similarity(x, y, gaussian_weights=True, sigma=1.5,
        // use_sample_covariance=False, data_range=255) per channel, averaged (scikit-image 0.26, float64 inputs
        // from these float32 images), and peak_signal_noise_ratio(x, y, data_range=255)
        float[][] gray = pair(1, 28, 28);
        assertThat(ImageMetrics.ssim(gray[0], 0, gray[1], 0, 1, 28, 28, 255)).isCloseTo(0.7106266221673001,
                within(1e-6));
        assertThat(ImageMetrics.psnr(gray[0], gray[1], 255)).isCloseTo(21.39556523444755, within(1e-6));
        float[][] rgb = pair(3, 16, 20);
        assertThat(ImageMetrics.ssim(rgb[0], 0, rgb[1], 0, 3, 16, 20, 255)).isCloseTo(0.6631409087531619,
                within(1e-6));
        assertThat(ImageMetrics.psnr(rgb[0], rgb[1], 255)).isCloseTo(20.902601507501586, within(1e-6));
    }

    @Test
    void smallImagesUseTheLargestOddWindowThatFits() {
        assertThat(ImageMetrics.windowSize(28, 28)).isEqualTo(11);
        assertThat(ImageMetrics.windowSize(8, 8)).isEqualTo(7);
        assertThat(ImageMetrics.windowSize(10, 30)).isEqualTo(9);
        assertThat(ImageMetrics.windowSize(1, 5)).isEqualTo(1);
        double[] g = ImageMetrics.window(11);
        assertThat(Arrays.stream(g).sum()).isCloseTo(1, within(1e-12));
        assertThat(g[5 * 11 + 5] / g[5 * 11 + 6]).isCloseTo(Math.exp(1 / (2 * 1.5 * 1.5)), within(1e-12));
        float[][] p = pair(1, 8, 8);
        double s = ImageMetrics.ssim(p[0], 0, p[1], 0, 1, 8, 8, 255);
        assertThat(s).isBetween(-1.0, 1.0);
        assertThat(ImageMetrics.ssim(p[0], 0, p[0], 0, 1, 8, 8, 255)).isCloseTo(1, within(1e-12));
    }
}
