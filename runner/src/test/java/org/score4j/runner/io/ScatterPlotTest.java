package org.score4j.runner.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScatterPlotTest {
    private static final int WHITE = 0xffffff;

    @TempDir
    Path dir;

    @Test
    void twoDimensionalPlotIsAPngWithPointsAndOverlay() throws IOException {
        float[] means = {-3, -3, 3, 3};
        float[] s = mixture(2000, 2, means, 0.4, 1);
        Path png = dir.resolve("samples.png");
        ScatterPlot.of(s, 2).title("two modes").overlay(means, "means").write(png);
        BufferedImage img = read(png);
        assertThat(img.getWidth()).isEqualTo(700);
        assertThat(img.getHeight()).isEqualTo(700);
        assertThat(System.getProperty("java.awt.headless")).isEqualTo("true");
        // the plot area (the middle of the image) holds drawn pixels, bluish points and red overlay diamonds
        assertThat(nonWhite(img, 100, 100, 600, 600)).isGreaterThan(2_000);
        assertThat(count(img, 100, 100, 600, 600, ScatterPlotTest::bluish)).isGreaterThan(500);
        assertThat(count(img, 100, 100, 600, 600, ScatterPlotTest::red)).isGreaterThan(20);
        assertThat(names()).containsExactly("samples.png");
    }

    @Test
    void pointsLandWhereTheSamplesAre() {
        // all mass in the lower-left and upper-right quarters of the data range
        float[] s = mixture(3000, 2, new float[] {-3, -3, 3, 3}, 0.3, 2);
        BufferedImage img = ScatterPlot.of(s, 2).render();
        int w = img.getWidth();
        int h = img.getHeight();
        long lowerLeft = count(img, w / 8, h / 2, w / 2, h - h / 8, ScatterPlotTest::bluish);
        long upperLeft = count(img, w / 8, h / 8, w / 2, h / 2, ScatterPlotTest::bluish);
        assertThat(lowerLeft).isGreaterThan(10 * Math.max(1, upperLeft));
    }

    @Test
    void highDimensionalPlotIsAProjectionMatrix() throws IOException {
        float[] s = mixture(1000, 8, null, 1.0, 3);
        Path png = dir.resolve("m.png");
        ScatterPlot.of(s, 8).title("8-D").size(800, 836).write(png);
        BufferedImage img = read(png);
        assertThat(img.getWidth()).isEqualTo(800);
        assertThat(img.getHeight()).isEqualTo(836);
        // 4 × 4 panels of 200 × 200 below a 36-pixel title band: every panel has drawn content
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 4; j++) {
                int x = j * 200;
                int y = 36 + i * 200;
                assertThat(count(img, x + 40, y + 10, x + 195, y + 160, ScatterPlotTest::bluish))
                        .as("panel %d,%d", i, j).isGreaterThan(100);
            }
        }
    }

    @Test
    void oneDimensionalPlotIsAHistogram() throws IOException {
        float[] s = mixture(500, 1, new float[] {-2, 2}, 0.5, 4);
        Path png = dir.resolve("h.png");
        ScatterPlot.of(s, 1).write(png);
        BufferedImage img = read(png);
        assertThat(img.getWidth()).isEqualTo(800);
        assertThat(img.getHeight()).isEqualTo(500);
        assertThat(count(img, 100, 50, 700, 420, ScatterPlotTest::bluish)).isGreaterThan(5_000);
    }

    @Test
    void nonFiniteSamplesStillGiveAPicture() throws IOException {
        Path png = dir.resolve("nan.png");
        ScatterPlot.of(new float[] {Float.NaN, 1, 2, Float.POSITIVE_INFINITY}, 2).title("diverged").write(png);
        BufferedImage img = read(png);
        assertThat(nonWhite(img, 0, 0, img.getWidth(), img.getHeight())).isGreaterThan(50);

        float[] some = mixture(100, 3, null, 1, 5);
        some[0] = Float.NaN;
        BufferedImage partly = ScatterPlot.of(some, 3).overlay(new float[] {Float.NaN, 0, 0, 1, 1, 1}, "m")
                .size(300, 336).render();
        assertThat(nonWhite(partly, 0, 40, 300, 336)).isGreaterThan(1_000);
    }

    @Test
    void rejectsRaggedInput() {
        assertThatThrownBy(() -> ScatterPlot.of(new float[5], 2)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ScatterPlot.of(new float[4], 2).overlay(new float[3], "m"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static float[] mixture(int n, int d, float[] means, double std, long seed) {
        Random r = new Random(seed);
        int k = means == null ? 3 : means.length / d;
        float[] m = means;
        if (m == null) {
            m = new float[k * d];
            for (int i = 0; i < m.length; i++) {
                m[i] = (float) (4 * r.nextGaussian());
            }
        }
        float[] s = new float[n * d];
        for (int i = 0; i < n; i++) {
            int c = r.nextInt(k);
            for (int j = 0; j < d; j++) {
                s[i * d + j] = (float) (m[c * d + j] + std * r.nextGaussian());
            }
        }
        return s;
    }

    private static BufferedImage read(Path png) throws IOException {
        byte[] head = Files.readAllBytes(png);
        assertThat(head).startsWith(0x89 - 256, 'P', 'N', 'G');
        BufferedImage img = ImageIO.read(png.toFile());
        assertThat(img).isNotNull();
        return img;
    }

    private static long nonWhite(BufferedImage img, int x0, int y0, int x1, int y1) {
        return count(img, x0, y0, x1, y1, rgb -> rgb != WHITE);
    }

    private static long count(BufferedImage img, int x0, int y0, int x1, int y1, java.util.function.IntPredicate p) {
        long n = 0;
        for (int y = y0; y < y1; y++) {
            for (int x = x0; x < x1; x++) {
                if (p.test(img.getRGB(x, y) & 0xffffff)) {
                    n++;
                }
            }
        }
        return n;
    }

    private static boolean bluish(int rgb) {
        int r = rgb >> 16 & 0xff;
        int g = rgb >> 8 & 0xff;
        int b = rgb & 0xff;
        return b > r + 25 && b > 120;
    }

    private static boolean red(int rgb) {
        int r = rgb >> 16 & 0xff;
        int g = rgb >> 8 & 0xff;
        int b = rgb & 0xff;
        return r > 180 && g < 90 && b < 90;
    }

    private java.util.List<String> names() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).toList();
        }
    }
}
