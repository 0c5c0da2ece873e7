package org.score4j.runner.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ImageGridTest {
    @TempDir
    Path dir;

    /** n grey images of h x w whose pixel (i, y, x) is (i·h·w + y·w + x) mod 256. */
    private static float[] ramp(int n, int c, int h, int w) {
        float[] v = new float[n * c * h * w];
        for (int i = 0; i < v.length; i++) {
            v[i] = i % 256;
        }
        return v;
    }

    @ParameterizedTest
    @CsvSource({
        // n, h, w, grid, columns, expected columns, rows
        "1, 3, 3, 64, 0, 1, 1",
        "5, 4, 2, 64, 0, 3, 2",
        "64, 28, 28, 64, 0, 8, 8",
        "100, 8, 8, 64, 0, 8, 8",
        "100, 8, 8, 10, 0, 4, 3",
        "10, 5, 7, 64, 4, 4, 3",
        "3, 5, 7, 64, 10, 3, 1"})
    void layoutAndDimensions(int n, int h, int w, int grid, int columns, int cols, int rows) {
        ImageGrid g = ImageGrid.of(ramp(n, 1, h, w), new long[] {n, 1, h, w}).maxImages(grid).columns(columns);
        assertThat(g.columnCount()).isEqualTo(cols);
        assertThat(g.rowCount()).isEqualTo(rows);
        int z = Math.max(1, Math.min(8, 64 / Math.max(h, w)));
        assertThat(g.zoomFactor()).isEqualTo(z);
        assertThat(g.width()).isEqualTo(cols * w * z + (cols + 1) * 2);
        assertThat(g.height()).isEqualTo(rows * h * z + (rows + 1) * 2);
        BufferedImage img = g.render();
        assertThat(img.getWidth()).isEqualTo(g.width());
        assertThat(img.getHeight()).isEqualTo(g.height());
        assertThat(img.getType()).isEqualTo(BufferedImage.TYPE_BYTE_GRAY);
    }

    @Test
    void greyPixelsPaddingAndZoomOfAKnownInput() {
        // two 2x3 images, values in [0, 255]; zoom 2, padding 1, one row
        float[] v = {0, 50, 100, 150, 200, 255, 10, 20, 30, 40, 300, -5};
        BufferedImage img = ImageGrid.of(v, new long[] {2, 1, 2, 3}).zoom(2).padding(1).columns(2).render();
        assertThat(img.getWidth()).isEqualTo(2 * 3 * 2 + 3);
        assertThat(img.getHeight()).isEqualTo(2 * 2 + 2);
        Raster r = img.getRaster();
        for (int i = 0; i < 2; i++) {
            int x0 = 1 + i * (6 + 1);
            for (int y = 0; y < 2; y++) {
                for (int x = 0; x < 3; x++) {
                    int expected = (int) Math.round(Math.max(0, Math.min(255, v[i * 6 + y * 3 + x])));
                    for (int dy = 0; dy < 2; dy++) {
                        for (int dx = 0; dx < 2; dx++) {
                            assertThat(r.getSample(x0 + 2 * x + dx, 1 + 2 * y + dy, 0)).as("image %d (%d, %d)", i, y, x)
                                    .isEqualTo(expected);
                        }
                    }
                }
            }
        }
        // the padding: the frame and the gap between the tiles
        for (int y = 0; y < img.getHeight(); y++) {
            assertThat(r.getSample(0, y, 0)).isEqualTo(ImageGrid.PAD_LEVEL);
            assertThat(r.getSample(7, y, 0)).isEqualTo(ImageGrid.PAD_LEVEL);
        }
        for (int x = 0; x < img.getWidth(); x++) {
            assertThat(r.getSample(x, 0, 0)).isEqualTo(ImageGrid.PAD_LEVEL);
            assertThat(r.getSample(x, 5, 0)).isEqualTo(ImageGrid.PAD_LEVEL);
        }
    }

    @Test
    void rangeMapsLinearlyAndClipsAndNonFiniteIsBlack() {
        float[] v = {-1, -0.5f, 0, 0.5f, 1, 2, Float.NaN, Float.POSITIVE_INFINITY};
        BufferedImage img = ImageGrid.of(v, new long[] {1, 1, 1, 8}).range(-1, 1).zoom(1).padding(0).render();
        int[] expected = {0, 64, 128, 191, 255, 255, 0, 0};
        for (int x = 0; x < 8; x++) {
            assertThat(img.getRaster().getSample(x, 0, 0)).as("x=%d", x).isEqualTo(expected[x]);
        }
    }

    @Test
    void threeChannelsAreRgbOtherCountsShowTheFirstChannel() {
        // one 1x2 image: pixel 0 red, pixel 1 (G=100, B=200)
        float[] v = {255, 0, 0, 100, 0, 200};
        ImageGrid g = ImageGrid.of(v, new long[] {1, 3, 1, 2}).zoom(1).padding(0);
        assertThat(g.isRgb()).isTrue();
        BufferedImage img = g.render();
        assertThat(img.getType()).isEqualTo(BufferedImage.TYPE_INT_RGB);
        assertThat(img.getRGB(0, 0) & 0xffffff).isEqualTo(0xff0000);
        assertThat(img.getRGB(1, 0) & 0xffffff).isEqualTo(0x0064c8);

        float[] two = {10, 20, 250, 250};
        BufferedImage g2 = ImageGrid.of(two, new long[] {1, 2, 1, 2}).zoom(1).padding(0).render();
        assertThat(g2.getType()).isEqualTo(BufferedImage.TYPE_BYTE_GRAY);
        assertThat(g2.getRaster().getSample(0, 0, 0)).isEqualTo(10);
        assertThat(g2.getRaster().getSample(1, 0, 0)).isEqualTo(20);
    }

    @Test
    void writesAPngAtomicallyThatReadsBackAsRendered() throws Exception {
        ImageGrid g = ImageGrid.of(ramp(7, 3, 5, 4), new long[] {7, 3, 5, 4});
        Path png = dir.resolve("grid.png");
        g.write(png);
        BufferedImage back = ImageIO.read(png.toFile());
        BufferedImage rendered = g.render();
        assertThat(back.getWidth()).isEqualTo(rendered.getWidth());
        assertThat(back.getHeight()).isEqualTo(rendered.getHeight());
        for (int y = 0; y < back.getHeight(); y++) {
            for (int x = 0; x < back.getWidth(); x++) {
                assertThat(back.getRGB(x, y)).isEqualTo(rendered.getRGB(x, y));
            }
        }
        try (var s = Files.list(dir)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("grid.png");
        }
    }

    @Test
    void badShapesAndSettingsAreRefused() {
        assertThatThrownBy(() -> ImageGrid.of(new float[4], new long[] {4})).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ImageGrid.of(new float[5], new long[] {1, 1, 2, 2}))
                .isInstanceOf(IllegalArgumentException.class);
        ImageGrid g = ImageGrid.of(new float[4], new long[] {1, 1, 2, 2});
        assertThatThrownBy(() -> g.range(1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> g.maxImages(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> g.columns(-1)).isInstanceOf(IllegalArgumentException.class);
    }
}
