package org.score4j.runner.quality;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.knowm.xchart.AnnotationText;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.XYSeries.XYSeriesRenderStyle;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.Marker;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.score4j.runner.io.AtomicFiles;

/**
 * The PNG of a {@link QualityVsNfe.Result}, drawn with XChart without a display: one panel per mixture, side by
 * side, with the NFE on a logarithmic x axis, the SW₂ ratio on a logarithmic y axis, one line per sampler
 * (through its measured NFE; failed and left-out cells are skipped), the adaptive solver as one line through its
 * tolerances, and dashed lines at ratio 1 (exact sampling) and 1.6 (the bound of the quality tests).
 *
 * <p>Sets {@code java.awt.headless=true} when that property is unset. Stateless and thread-safe.
 */
public final class QualityVsNfePlot {
    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    /** The width of one panel in pixels. */
    public static final int PANEL_WIDTH = 900;
    /** The height of the image in pixels. */
    public static final int HEIGHT = 650;
    /** The bound on the SW₂ ratio that the quality tests use, drawn as a dashed line. */
    public static final double BOUND = 1.6;

    private static final Color[] COLORS = {
        new Color(31, 119, 180), new Color(255, 127, 14), new Color(44, 160, 44), new Color(214, 39, 40),
        new Color(148, 103, 189), new Color(140, 86, 75), new Color(227, 119, 194), new Color(127, 127, 127),
        new Color(188, 189, 34), new Color(23, 190, 207), new Color(0, 0, 0), new Color(100, 60, 160)};
    private static final Marker[] MARKERS = {SeriesMarkers.CIRCLE, SeriesMarkers.SQUARE, SeriesMarkers.DIAMOND,
        SeriesMarkers.TRIANGLE_UP, SeriesMarkers.TRIANGLE_DOWN, SeriesMarkers.CROSS};

    /** Ratios labelled inside the plot, between the powers of ten the logarithmic axis labels. */
    private static final double[] INTERMEDIATE_LABELS = {0.5, 2, 3, 5, 20, 50, 200, 500};

    private QualityVsNfePlot() {}

    /**
     * Renders and writes the PNG atomically.
     *
     * @throws org.score4j.api.Score4jException naming the file when it cannot be written
     */
    public static void write(QualityVsNfe.Result result, Path png) {
        BufferedImage img = render(result);
        AtomicFiles.write(png, out -> {
            if (!ImageIO.write(img, "png", out)) {
                throw new java.io.IOException("no PNG writer available");
            }
        });
    }

    /** Renders the picture: one panel per mixture. */
    public static BufferedImage render(QualityVsNfe.Result result) {
        List<QualityVsNfe.Table> tables = result.tables();
        int width = PANEL_WIDTH * Math.max(1, tables.size());
        BufferedImage img = new BufferedImage(width, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, HEIGHT);
            for (int i = 0; i < tables.size(); i++) {
                XYChart chart = chart(result, tables.get(i));
                Graphics2D panel = (Graphics2D) g.create(i * PANEL_WIDTH, 0, PANEL_WIDTH, HEIGHT);
                try {
                    chart.paint(panel, PANEL_WIDTH, HEIGHT);
                } finally {
                    panel.dispose();
                }
            }
        } finally {
            g.dispose();
        }
        return img;
    }

    private static XYChart chart(QualityVsNfe.Result result, QualityVsNfe.Table table) {
        XYChart c = new XYChart(PANEL_WIDTH, HEIGHT);
        c.setTitle(String.format(Locale.ROOT, "%s (d = %d): SW2 ratio vs score evaluations, n = %d",
                table.mixture(), table.dimension(), result.settings().n()));
        c.setXAxisTitle("score evaluations per sample (NFE)");
        c.setYAxisTitle("SW2 ratio (1 = exact)");
        XYStyler s = c.getStyler();
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotBackgroundColor(Color.WHITE);
        s.setPlotBorderColor(Color.GRAY);
        s.setPlotGridLinesColor(new Color(225, 225, 225));
        s.setChartTitleBoxVisible(false);
        s.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        s.setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        s.setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        s.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        s.setLegendPosition(Styler.LegendPosition.InsideNE);
        s.setLegendBorderColor(Color.LIGHT_GRAY);
        s.setXAxisLogarithmic(true);
        s.setYAxisLogarithmic(true);
        s.setDefaultSeriesRenderStyle(XYSeriesRenderStyle.Line);
        s.setMarkerSize(8);
        s.setToolTipsEnabled(false);
        s.setAntiAlias(true);

        double xMin = Double.POSITIVE_INFINITY;
        double xMax = Double.NEGATIVE_INFINITY;
        double yMax = BOUND;
        double yMin = 1;
        int k = 0;
        for (QualityVsNfe.Sampler sm : result.samplers()) {
            List<double[]> pts = new ArrayList<>();
            for (QualityVsNfe.Cell cell : table.cells()) {
                if (cell.sampler().equals(sm.id()) && cell.ok() && cell.ratio() > 0) {
                    pts.add(new double[] {cell.nfe(), cell.ratio()});
                }
            }
            if (!pts.isEmpty()) {
                String name = sm.label() + (sm.grid().equals("uniform") ? "" : ", " + sm.grid())
                        + (sm.sde().equals("vp") ? "" : " (" + sm.sde() + ")");
                addSeries(c, name, pts, k++);
            }
            for (double[] p : pts) {
                xMin = Math.min(xMin, p[0]);
                xMax = Math.max(xMax, p[0]);
                yMin = Math.min(yMin, p[1]);
                yMax = Math.max(yMax, p[1]);
            }
        }
        List<double[]> adaptive = new ArrayList<>();
        for (QualityVsNfe.AdaptiveRun a : table.rk45()) {
            if (a.failure() == null && a.ratio() > 0 && a.nfe() > 0) {
                adaptive.add(new double[] {a.nfe(), a.ratio()});
            }
        }
        if (!adaptive.isEmpty()) {
            adaptive.sort(Comparator.comparingDouble(p -> p[0]));
            addSeries(c, "ode rk45 (tolerances)", adaptive, k++);
            for (double[] p : adaptive) {
                xMin = Math.min(xMin, p[0]);
                xMax = Math.max(xMax, p[0]);
                yMin = Math.min(yMin, p[1]);
                yMax = Math.max(yMax, p[1]);
            }
        }
        if (xMin > xMax) {
            xMin = 1;
            xMax = 1000;
        }
        double x0 = Math.pow(10, Math.floor(Math.log10(xMin)));
        double x1 = Math.pow(10, Math.ceil(Math.log10(Math.max(xMax, x0 * 10))));
        double y0 = Math.min(0.5, yMin * 0.9);
        double y1 = yMax * 1.2;
        s.setXAxisMin(x0).setXAxisMax(x1);
        s.setYAxisMin(y0).setYAxisMax(y1);
        guide(c, "exact (ratio 1)", x0, x1, 1, new Color(90, 90, 90));
        guide(c, "test bound (ratio 1.6)", x0, x1, BOUND, new Color(200, 0, 0));
        // a logarithmic axis labels only powers of ten: label a few values in between inside the plot
        s.setAnnotationTextFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        s.setAnnotationTextFontColor(Color.DARK_GRAY);
        for (double v : INTERMEDIATE_LABELS) {
            if (v > y0 && v < y1) {
                c.addAnnotation(new AnnotationText(ratioLabel(v), x0 * 1.18, v, false));
            }
        }
        return c;
    }

    private static String ratioLabel(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    private static void addSeries(XYChart c, String name, List<double[]> pts, int k) {
        double[] x = new double[pts.size()];
        double[] y = new double[pts.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = pts.get(i)[0];
            y[i] = pts.get(i)[1];
        }
        XYSeries series = c.addSeries(name, x, y);
        Color color = COLORS[k % COLORS.length];
        series.setLineColor(color);
        series.setMarkerColor(color);
        series.setMarker(MARKERS[k % MARKERS.length]);
        series.setLineWidth(1.6f);
    }

    private static void guide(XYChart c, String name, double x0, double x1, double y, Color color) {
        XYSeries g = c.addSeries(name, new double[] {x0, x1}, new double[] {y, y});
        g.setMarker(SeriesMarkers.NONE);
        g.setLineColor(color);
        g.setLineStyle(new BasicStroke(1.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                new float[] {6f, 5f}, 0f));
        g.setShowInLegend(true);
    }
}
