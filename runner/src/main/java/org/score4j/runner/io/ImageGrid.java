package org.score4j.runner.io;

import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;
import javax.imageio.ImageIO;
import org.score4j.api.Score4jException;

/**
 * A PNG grid of images: the first {@link #maxImages(int) m} of n images of shape (C, H, W) (row-major
 * [n, C, H, W] values), laid out row by row in K columns (default ⌈√m⌉, so 64 images make an 8 × 8 grid),
 * each pixel enlarged to a z × z block (nearest neighbour), tiles separated and framed by a padding of p pixels
 * (default 2, as torchvision's {@code make_grid}) in mid grey (128), which stands out against both black and
 * white backgrounds.
 *
 * <p>C = 1 gives a grey image, C = 3 an RGB one (channels in R, G, B order); any other channel count shows its
 * first channel in grey. A value v becomes the level round(255 · clip((v − lo)/(hi − lo), 0, 1)) for the
 * {@link #range(double, double) display range} [lo, hi] (default [0, 255], so byte data show as they are);
 * non-finite values show black. The default zoom z is ⌊64 / max(H, W)⌋ clamped to [1, 8] (28 × 28 images
 * become 56 × 56 tiles).
 *
 * <p>Sets {@code java.awt.headless=true} when that property is unset. Instances are immutable; the
 * {@code with}-style methods return new ones. Thread-safe.
 */
public final class ImageGrid {
    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    /** Images drawn at most by default. */
    public static final int DEFAULT_MAX_IMAGES = 64;
    /** The default padding, in pixels. */
    public static final int DEFAULT_PADDING = 2;
    /** The padding's grey level. */
    public static final int PAD_LEVEL = 128;

    private final float[] values;
    private final int n;
    private final int c;
    private final int h;
    private final int w;
    private final double lo;
    private final double hi;
    private final int maxImages;
    private final int columns;
    private final int zoom;
    private final int padding;

    private ImageGrid(float[] values, int n, int c, int h, int w, double lo, double hi, int maxImages, int columns,
            int zoom, int padding) {
        this.values = values;
        this.n = n;
        this.c = c;
        this.h = h;
        this.w = w;
        this.lo = lo;
        this.hi = hi;
        this.maxImages = maxImages;
        this.columns = columns;
        this.zoom = zoom;
        this.padding = padding;
    }

    /**
     * A grid of the images {@code values} of shape {@code [n, C, H, W]} (the array is not copied: do not change
     * it while the grid is in use).
     *
     * @throws IllegalArgumentException when the shape is not [n, C, H, W] with positive sizes matching the values
     */
    public static ImageGrid of(float[] values, long[] shape) {
        Objects.requireNonNull(values, "values");
        if (shape.length != 4 || Arrays.stream(shape).anyMatch(s -> s <= 0 || s > Integer.MAX_VALUE)) {
            throw new IllegalArgumentException("an image grid needs a shape [n, C, H, W], not " + Arrays.toString(shape));
        }
        long size = shape[0] * shape[1] * shape[2] * shape[3];
        if (size != values.length) {
            throw new IllegalArgumentException(values.length + " values for shape " + Arrays.toString(shape));
        }
        int h = (int) shape[2];
        int w = (int) shape[3];
        int zoom = Math.max(1, Math.min(8, 64 / Math.max(h, w)));
        return new ImageGrid(values, (int) shape[0], (int) shape[1], h, w, 0, 255, DEFAULT_MAX_IMAGES, 0, zoom,
                DEFAULT_PADDING);
    }

    /** Values lo and below show black, hi and above white (lo &lt; hi, both finite). */
    public ImageGrid range(double lo, double hi) {
        if (!Double.isFinite(lo) || !Double.isFinite(hi) || !(lo < hi)) {
            throw new IllegalArgumentException("invalid display range [" + lo + ", " + hi + "]");
        }
        return new ImageGrid(values, n, c, h, w, lo, hi, maxImages, columns, zoom, padding);
    }

    /** Draws at most the first {@code m} images (m ≥ 1). */
    public ImageGrid maxImages(int m) {
        if (m < 1) {
            throw new IllegalArgumentException("maxImages " + m);
        }
        return new ImageGrid(values, n, c, h, w, lo, hi, m, columns, zoom, padding);
    }

    /** {@code k} columns (k ≥ 1); 0 for the default ⌈√m⌉. */
    public ImageGrid columns(int k) {
        if (k < 0) {
            throw new IllegalArgumentException("columns " + k);
        }
        return new ImageGrid(values, n, c, h, w, lo, hi, maxImages, k, zoom, padding);
    }

    /** Each pixel as a z × z block (1 ≤ z ≤ 64). */
    public ImageGrid zoom(int z) {
        if (z < 1 || z > 64) {
            throw new IllegalArgumentException("zoom " + z);
        }
        return new ImageGrid(values, n, c, h, w, lo, hi, maxImages, columns, z, padding);
    }

    /** A padding of {@code p} pixels (p ≥ 0) between and around the tiles. */
    public ImageGrid padding(int p) {
        if (p < 0 || p > 64) {
            throw new IllegalArgumentException("padding " + p);
        }
        return new ImageGrid(values, n, c, h, w, lo, hi, maxImages, columns, zoom, p);
    }

    /** The number of images drawn. */
    public int shown() {
        return Math.min(n, maxImages);
    }

    /** The number of columns. */
    public int columnCount() {
        int m = shown();
        int k = columns > 0 ? columns : (int) Math.ceil(Math.sqrt(m));
        return Math.max(1, Math.min(k, m));
    }

    /** The number of rows. */
    public int rowCount() {
        int k = columnCount();
        return (shown() + k - 1) / k;
    }

    /** The zoom factor. */
    public int zoomFactor() {
        return zoom;
    }

    /** The picture's width in pixels. */
    public int width() {
        return Math.toIntExact(columnCount() * (long) w * zoom + (columnCount() + 1L) * padding);
    }

    /** The picture's height in pixels. */
    public int height() {
        return Math.toIntExact(rowCount() * (long) h * zoom + (rowCount() + 1L) * padding);
    }

    /** Whether the picture is RGB (C = 3) rather than grey. */
    public boolean isRgb() {
        return c == 3;
    }

    /** The grey level (or channel level) of value {@code v}. */
    int level(float v) {
        if (!Float.isFinite(v)) {
            return 0;
        }
        double u = (v - lo) / (hi - lo);
        return (int) Math.round(255 * Math.max(0, Math.min(1, u)));
    }

    /** Renders the picture: {@code TYPE_BYTE_GRAY} for grey images, {@code TYPE_INT_RGB} for RGB ones. */
    public BufferedImage render() {
        int width = width();
        int height = height();
        boolean rgb = isRgb();
        BufferedImage img = new BufferedImage(width, height, rgb ? BufferedImage.TYPE_INT_RGB
                : BufferedImage.TYPE_BYTE_GRAY);
        WritableRaster raster = img.getRaster();
        int bands = rgb ? 3 : 1;
        int[] pad = new int[bands];
        Arrays.fill(pad, PAD_LEVEL);
        int[] row = new int[width * bands];
        for (int i = 0; i < width; i++) {
            System.arraycopy(pad, 0, row, i * bands, bands);
        }
        for (int y = 0; y < height; y++) {
            raster.setPixels(0, y, width, 1, row);
        }
        int k = columnCount();
        int plane = h * w;
        int[] block = new int[zoom * zoom * bands];
        for (int i = 0; i < shown(); i++) {
            int x0 = padding + (i % k) * (w * zoom + padding);
            int y0 = padding + (i / k) * (h * zoom + padding);
            int base = i * c * plane;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    for (int b = 0; b < bands; b++) {
                        int level = level(values[base + b * plane + y * w + x]);
                        for (int j = b; j < block.length; j += bands) {
                            block[j] = level;
                        }
                    }
                    raster.setPixels(x0 + x * zoom, y0 + y * zoom, zoom, zoom, block);
                }
            }
        }
        return img;
    }

    /**
     * Renders and writes the PNG (atomically, through {@link AtomicFiles}).
     *
     * @throws Score4jException naming the file when it cannot be written
     */
    public void write(Path png) {
        BufferedImage img = render();
        AtomicFiles.write(png, out -> {
            if (!ImageIO.write(img, "png", out)) {
                throw new java.io.IOException("no PNG writer available");
            }
        });
    }
}
