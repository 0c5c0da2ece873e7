package org.score4j.runner.io;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;
import javax.imageio.ImageIO;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.XYSeries.XYSeriesRenderStyle;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.Marker;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.score4j.api.Score4jException;

/**
 * A PNG picture of samples (n rows of d values, row-major), drawn with XChart without a display.
 *
 * <ul>
 *   <li>d = 1: a histogram;</li>
 *   <li>d = 2: a scatter plot with axes;</li>
 *   <li>d ≥ 3: a matrix of pairwise projections over the first min(d, 4) dimensions, with scatter plots off
 *       the diagonal (row i, column j shows x[j] across, x[i] up) and the histogram of x[i] on it, composed
 *       into one image.</li>
 * </ul>
 * Points are small and semi-transparent; optional overlay points (e.g. the components' means) are drawn
 * on top as larger red diamonds. Rows with a non-finite value in a plotted dimension are left out; more than
 * {@link #maxPoints(int) maxPoints} rows are thinned with an even stride (deterministically), which
 * changes the picture little and keeps drawing fast.
 *
 * <pre>{@code
 * ScatterPlot.of(samples, 2).title("vp + pc, 1000 steps").overlay(means, "means").write(Path.of("samples.png"));
 * }</pre>
 *
 * <p>Default sizes: 800×500 (d = 1), 700×700 (d = 2), 1000×1000 (d ≥ 3); {@link #size(int, int)} changes
 * them. Sets {@code java.awt.headless=true} when that property is unset. Instances are immutable; the
 * {@code with}-style methods return new ones. Thread-safe.
 */
public final class ScatterPlot {
    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    /** Rows drawn at most by default. */
    public static final int DEFAULT_MAX_POINTS = 20_000;
    /** Dimensions shown at most in the projection matrix. */
    public static final int MAX_MATRIX_DIMS = 4;

    private static final Color POINT = new Color(31, 119, 180);
    private static final Color OVERLAY = new Color(214, 39, 40);
    private static final Color GRID = new Color(225, 225, 225);
    private static final int BINS = 40;

    private final float[] samples;
    private final int d;
    private final float[] overlay;
    private final String overlayLabel;
    private final String title;
    private final int width;
    private final int height;
    private final int maxPoints;

    private ScatterPlot(float[] samples, int d, float[] overlay, String overlayLabel, String title, int width,
            int height, int maxPoints) {
        this.samples = samples;
        this.d = d;
        this.overlay = overlay;
        this.overlayLabel = overlayLabel;
        this.title = title;
        this.width = width;
        this.height = height;
        this.maxPoints = maxPoints;
    }

    /**
     * A plot of {@code samples}: {@code samples.length / d} rows of {@code d} values. The array is not
     * copied; do not change it while the plot is in use.
     */
    public static ScatterPlot of(float[] samples, int d) {
        Objects.requireNonNull(samples, "samples");
        if (d < 1 || samples.length % d != 0) {
            throw new IllegalArgumentException("samples of length " + samples.length + " do not hold rows of " + d);
        }
        int w = d == 1 ? 800 : d == 2 ? 700 : 1000;
        int h = d == 1 ? 500 : w;
        return new ScatterPlot(samples, d, null, null, null, w, h, DEFAULT_MAX_POINTS);
    }

    /** A title drawn above the plot ({@code null} for none). */
    public ScatterPlot title(String text) {
        return new ScatterPlot(samples, d, overlay, overlayLabel, text, width, height, maxPoints);
    }

    /** Points drawn on top of the samples, rows of the same {@code d} values, with a legend label. */
    public ScatterPlot overlay(float[] points, String label) {
        if (points != null && points.length % d != 0) {
            throw new IllegalArgumentException("overlay of length " + points.length + " does not hold rows of " + d);
        }
        return new ScatterPlot(samples, d, points, label == null ? "overlay" : label, title, width, height,
                maxPoints);
    }

    /** The image size in pixels. */
    public ScatterPlot size(int w, int h) {
        if (w < 100 || h < 100 || w > 10_000 || h > 10_000) {
            throw new IllegalArgumentException("plot size must be within 100..10000 pixels, got " + w + "x" + h);
        }
        return new ScatterPlot(samples, d, overlay, overlayLabel, title, w, h, maxPoints);
    }

    /** The number of rows drawn at most (default {@value #DEFAULT_MAX_POINTS}). */
    public ScatterPlot maxPoints(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("maxPoints must be positive");
        }
        return new ScatterPlot(samples, d, overlay, overlayLabel, title, width, height, max);
    }

    /** The image width. */
    public int width() {
        return width;
    }

    /** The image height. */
    public int height() {
        return height;
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

    /** Renders the picture. */
    public BufferedImage render() {
        int k = Math.min(d, MAX_MATRIX_DIMS);
        float[][] cols = columns(k);
        float[][] over = overlayColumns(k);
        String label = sampleLabel(cols[0].length, k);
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            if (cols[0].length == 0) {
                message(g, "no finite samples to plot");
            } else if (d == 1) {
                XYChart c = histogram(cols[0], over == null ? null : over[0], 0, true, label);
                c.setTitle(title == null ? "" : title);
                c.getStyler().setChartTitleVisible(title != null);
                c.paint(g, width, height);
            } else if (d == 2) {
                XYChart c = scatter(cols[0], cols[1], over == null ? null : over[0], over == null ? null : over[1],
                        0, 1, true, label);
                c.setTitle(title == null ? "" : title);
                c.getStyler().setChartTitleVisible(title != null);
                c.paint(g, width, height);
            } else {
                matrix(g, k, cols, over, label);
            }
        } finally {
            g.dispose();
        }
        return img;
    }

    // ------------------------------------------------------------------ data

    private int rows() {
        return samples.length / d;
    }

    /** The first {@code k} dimensions as columns, over finite rows, thinned to at most maxPoints rows. */
    private float[][] columns(int k) {
        int n = rows();
        int[] keep = new int[n];
        int m = 0;
        for (int i = 0; i < n; i++) {
            boolean finite = true;
            for (int j = 0; j < k && finite; j++) {
                finite = Float.isFinite(samples[i * d + j]);
            }
            if (finite) {
                keep[m++] = i;
            }
        }
        int shown = Math.min(m, maxPoints);
        float[][] cols = new float[k][shown];
        for (int r = 0; r < shown; r++) {
            int i = keep[(int) ((long) r * m / shown)];
            for (int j = 0; j < k; j++) {
                cols[j][r] = samples[i * d + j];
            }
        }
        return cols;
    }

    /** The legend text of the samples: how many are shown, of how many, and how many were not finite. */
    private String sampleLabel(int shown, int k) {
        int n = rows();
        int finite = 0;
        for (int i = 0; i < n; i++) {
            boolean ok = true;
            for (int j = 0; j < k && ok; j++) {
                ok = Float.isFinite(samples[i * d + j]);
            }
            finite += ok ? 1 : 0;
        }
        StringBuilder sb = new StringBuilder();
        sb.append(shown);
        if (shown < n) {
            sb.append(" of ").append(n);
        }
        sb.append(n == 1 ? " sample" : " samples");
        if (finite < n) {
            sb.append(", ").append(n - finite).append(" not finite");
        }
        return sb.toString();
    }

    /** The overlay's first {@code k} dimensions as columns, over its finite rows; null when there are none. */
    private float[][] overlayColumns(int k) {
        if (overlay == null) {
            return null;
        }
        int m = overlay.length / d;
        int[] keep = new int[m];
        int kept = 0;
        for (int r = 0; r < m; r++) {
            boolean finite = true;
            for (int j = 0; j < k && finite; j++) {
                finite = Float.isFinite(overlay[r * d + j]);
            }
            if (finite) {
                keep[kept++] = r;
            }
        }
        if (kept == 0) {
            return null;
        }
        float[][] cols = new float[k][kept];
        for (int i = 0; i < kept; i++) {
            for (int j = 0; j < k; j++) {
                cols[j][i] = overlay[keep[i] * d + j];
            }
        }
        return cols;
    }

    /** A padded [min, max] of the values (and overlay) of one dimension. */
    private static double[] range(float[] values, float[] extra) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (float v : values) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        if (extra != null) {
            for (float v : extra) {
                if (Float.isFinite(v)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        double span = hi - lo;
        if (!(span > 0)) {
            span = Math.max(1, Math.abs(lo));
            return new double[] {lo - 0.5 * span, hi + 0.5 * span};
        }
        return new double[] {lo - 0.05 * span, hi + 0.05 * span};
    }

    private Color pointColor() {
        int n = rows();
        int alpha = n <= 500 ? 170 : n <= 5_000 ? 110 : 60;
        return new Color(POINT.getRed(), POINT.getGreen(), POINT.getBlue(), alpha);
    }

    // ------------------------------------------------------------------ charts

    private XYChart base(int w, int h, boolean large) {
        XYChart c = new XYChart(w, h);
        XYStyler s = c.getStyler();
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotBackgroundColor(Color.WHITE);
        s.setPlotBorderColor(Color.GRAY);
        s.setPlotGridLinesColor(GRID);
        s.setPlotGridLinesStroke(new BasicStroke(1f));
        s.setChartTitleBoxVisible(false);
        s.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, large ? 16 : 13));
        s.setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, large ? 14 : 11));
        s.setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, large ? 12 : 10));
        s.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, large ? 12 : 10));
        s.setLegendPosition(Styler.LegendPosition.InsideNE);
        s.setLegendBorderColor(Color.LIGHT_GRAY);
        s.setChartPadding(large ? 10 : 4);
        s.setAntiAlias(true);
        s.setToolTipsEnabled(false);
        s.setChartTitleVisible(false);
        return c;
    }

    private XYChart scatter(float[] x, float[] y, float[] ox, float[] oy, int dx, int dy, boolean large,
            String label) {
        XYChart c = base(large ? width : 300, large ? height : 300, large);
        XYStyler s = c.getStyler();
        s.setDefaultSeriesRenderStyle(XYSeriesRenderStyle.Scatter);
        s.setMarkerSize(large ? (rows() <= 2_000 ? 5 : 3) : 2);
        s.setLegendVisible(large);
        double[] rx = range(x, ox);
        double[] ry = range(y, oy);
        s.setXAxisMin(rx[0]).setXAxisMax(rx[1]).setYAxisMin(ry[0]).setYAxisMax(ry[1]);
        c.setXAxisTitle("x[" + dx + "]");
        c.setYAxisTitle("x[" + dy + "]");
        XYSeries pts = c.addSeries(label, x, y);
        pts.setMarker(SeriesMarkers.CIRCLE);
        pts.setMarkerColor(pointColor());
        if (ox != null) {
            XYSeries o = c.addSeries(overlayLabel, ox, oy);
            o.setMarker(new OverlayMarker(large ? 13 : 9));
            o.setMarkerColor(OVERLAY);
        }
        return c;
    }

    private XYChart histogram(float[] x, float[] ox, int dim, boolean large, String label) {
        XYChart c = base(large ? width : 300, large ? height : 300, large);
        XYStyler s = c.getStyler();
        s.setLegendVisible(large);
        double[] r = range(x, ox);
        int bins = large ? Math.max(10, Math.min(80, (int) Math.sqrt(x.length) * 2)) : BINS;
        double wbin = (r[1] - r[0]) / bins;
        double[] counts = new double[bins];
        for (float v : x) {
            int b = (int) Math.floor((v - r[0]) / wbin);
            counts[Math.max(0, Math.min(bins - 1, b))]++;
        }
        double top = Arrays.stream(counts).max().orElse(1);
        // the outline as a step line on the baseline: (e0, 0), (e0, c0), (e1, c0), (e1, c1), …, (eB, 0)
        double[] hx = new double[2 * bins + 2];
        double[] hy = new double[2 * bins + 2];
        for (int b = 0; b <= bins; b++) {
            double e = r[0] + b * wbin;
            hx[2 * b] = e;
            hx[2 * b + 1] = e;
            hy[2 * b] = b == 0 ? 0 : counts[b - 1];
            hy[2 * b + 1] = b == bins ? 0 : counts[b];
        }
        s.setXAxisMin(r[0]).setXAxisMax(r[1]).setYAxisMin(0.0).setYAxisMax(top * 1.08 + 1e-9);
        c.setXAxisTitle("x[" + dim + "]");
        c.setYAxisTitle("count");
        XYSeries h = c.addSeries(label, hx, hy);
        h.setXYSeriesRenderStyle(XYSeriesRenderStyle.Area);
        h.setMarker(SeriesMarkers.NONE);
        h.setLineColor(POINT);
        h.setFillColor(new Color(POINT.getRed(), POINT.getGreen(), POINT.getBlue(), 110));
        h.setLineWidth(1f);
        // XChart puts the ticks of equally spaced x values at those values (meant for categories; unreadable
        // for bin edges); one invisible point inside the first bin makes the distinct x values unequal
        XYSeries pad = c.addSeries(" ", new double[] {r[0] + 0.5 * wbin}, new double[] {0});
        pad.setXYSeriesRenderStyle(XYSeriesRenderStyle.Scatter);
        pad.setMarker(SeriesMarkers.NONE);
        pad.setShowInLegend(false);
        if (ox != null) {
            double[] oy = new double[ox.length];
            Arrays.fill(oy, top * 0.02);
            XYSeries o = c.addSeries(overlayLabel, toDoubles(ox), oy);
            o.setXYSeriesRenderStyle(XYSeriesRenderStyle.Scatter);
            o.setMarker(new OverlayMarker(large ? 13 : 9));
            o.setMarkerColor(OVERLAY);
        }
        if (!large) {
            s.setYAxisTicksVisible(false);
        }
        return c;
    }

    private void matrix(Graphics2D g, int k, float[][] cols, float[][] over, String label) {
        String note = "(" + (d > k ? "first " + k + " of " + d + " dimensions; " : "") + label
                + (over != null ? "; red: " + overlayLabel : "") + ")";
        int band = 36;
        Font bold = new Font(Font.SANS_SERIF, Font.BOLD, 16);
        Font plain = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
        FontMetrics fb = g.getFontMetrics(bold);
        FontMetrics fp = g.getFontMetrics(plain);
        String head = title == null ? "" : title + "   ";
        int x = Math.max(4, (width - fb.stringWidth(head) - fp.stringWidth(note)) / 2);
        int baseline = 8 + fb.getAscent();
        g.setColor(Color.BLACK);
        g.setFont(bold);
        g.drawString(head, x, baseline);
        g.setColor(Color.DARK_GRAY);
        g.setFont(plain);
        g.drawString(note, x + fb.stringWidth(head), baseline);
        int pw = width / k;
        int ph = (height - band) / k;
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                XYChart c = i == j
                        ? histogram(cols[i], over == null ? null : over[i], i, false, label)
                        : scatter(cols[j], cols[i], over == null ? null : over[j], over == null ? null : over[i],
                                j, i, false, label);
                Graphics2D panel = (Graphics2D) g.create(j * pw, band + i * ph, pw, ph);
                try {
                    c.paint(panel, pw, ph);
                } finally {
                    panel.dispose();
                }
            }
        }
    }

    private void message(Graphics2D g, String text) {
        g.setColor(Color.DARK_GRAY);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 16));
        FontMetrics fm = g.getFontMetrics();
        String line = title == null ? text : title + ": " + text;
        g.drawString(line, Math.max(4, (width - fm.stringWidth(line)) / 2), height / 2);
    }

    /** A diamond of a fixed size with a white rim, so overlay points stand out on dense samples. */
    private static final class OverlayMarker extends Marker {
        private final int size;

        OverlayMarker(int size) {
            this.size = size;
        }

        @Override
        public void paint(Graphics2D g, double x, double y, int ignored) {
            double h = size / 2.0;
            Path2D.Double p = new Path2D.Double();
            p.moveTo(x, y - h);
            p.lineTo(x + h, y);
            p.lineTo(x, y + h);
            p.lineTo(x - h, y);
            p.closePath();
            Color c = g.getColor();
            g.fill(p);
            g.setColor(Color.WHITE);
            g.setStroke(new BasicStroke(1.2f));
            g.draw(p);
            g.setColor(c);
        }
    }

    private static double[] toDoubles(float[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i];
        }
        return out;
    }
}
