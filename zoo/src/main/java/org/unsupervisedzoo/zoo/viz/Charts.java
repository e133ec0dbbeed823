package org.unsupervisedzoo.zoo.viz;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

/** Small line and bar charts (Java2D, no dependencies) for training curves and histograms. */
public final class Charts {
    private static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c),
        new Color(0xd62728), new Color(0x9467bd), new Color(0x8c564b)};
    private static final int MARGIN = 50;

    private Charts() {
    }

    /**
     * Line chart of {@code series[s][i]} against {@code i + 1} (e.g. epochs), one colour per series, legend on top.
     * NaN values are skipped.
     */
    public static BufferedImage lines(String title, String xLabel, String[] names, double[][] series, int width,
                                      int height) {
        if (names.length != series.length || series.length == 0) {
            throw new IllegalArgumentException("need one name per series, got " + names.length + " names and "
                    + series.length + " series");
        }
        int n = 0;
        double lo = Double.MAX_VALUE;
        double hi = -Double.MAX_VALUE;
        for (double[] s : series) {
            n = Math.max(n, s.length);
            for (double v : s) {
                if (Double.isFinite(v)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        if (lo > hi) {
            lo = 0;
            hi = 1;
        }
        if (hi - lo < 1e-12) {
            hi = lo + 1;
        }
        BufferedImage img = canvas(width, height);
        Graphics2D g = graphics(img);
        axes(g, width, height, title, xLabel, lo, hi, 1, Math.max(n, 2));
        double sx = (width - 2.0 * MARGIN) / Math.max(1, n - 1);
        double sy = (height - 2.0 * MARGIN) / (hi - lo);
        g.setStroke(new BasicStroke(1.5f));
        for (int s = 0; s < series.length; s++) {
            g.setColor(PALETTE[s % PALETTE.length]);
            int px = -1;
            int py = -1;
            for (int i = 0; i < series[s].length; i++) {
                double v = series[s][i];
                if (!Double.isFinite(v)) {
                    px = -1;
                    continue;
                }
                int x = MARGIN + (int) Math.round(i * sx);
                int y = height - MARGIN - (int) Math.round((v - lo) * sy);
                if (px >= 0) {
                    g.drawLine(px, py, x, y);
                }
                g.fillOval(x - 2, y - 2, 4, 4);
                px = x;
                py = y;
            }
            g.fillRect(MARGIN + 110 * s, 28, 12, 4);
            g.setColor(Color.BLACK);
            g.drawString(names[s], MARGIN + 110 * s + 16, 34);
        }
        g.dispose();
        return img;
    }

    /** Bar chart of {@code values} (labelled 0, 1, ...), with a dashed horizontal line at {@code threshold}. */
    public static BufferedImage bars(String title, double[] values, double threshold, int width, int height) {
        double hi = threshold;
        for (double v : values) {
            hi = Math.max(hi, v);
        }
        hi = hi <= 0 ? 1 : hi * 1.1;
        BufferedImage img = canvas(width, height);
        Graphics2D g = graphics(img);
        axes(g, width, height, title, null, 0, hi, 0, 0);
        double slot = (width - 2.0 * MARGIN) / values.length;
        double sy = (height - 2.0 * MARGIN) / hi;
        for (int i = 0; i < values.length; i++) {
            int x = MARGIN + (int) Math.round(i * slot + slot * 0.15);
            int w = (int) Math.round(slot * 0.7);
            int h = (int) Math.round(values[i] * sy);
            g.setColor(values[i] < threshold ? PALETTE[3] : PALETTE[0]);
            g.fillRect(x, height - MARGIN - h, w, h);
            g.setColor(Color.BLACK);
            g.drawString(Integer.toString(i), x + w / 2 - 3, height - MARGIN + 15);
        }
        int ty = height - MARGIN - (int) Math.round(threshold * sy);
        g.setColor(PALETTE[3]);
        g.setStroke(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
        g.drawLine(MARGIN, ty, width - MARGIN, ty);
        g.dispose();
        return img;
    }

    private static BufferedImage canvas(int width, int height) {
        if (width <= 2 * MARGIN || height <= 2 * MARGIN) {
            throw new IllegalArgumentException("width and height must exceed " + 2 * MARGIN + ", got " + width + "x"
                    + height);
        }
        return new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    }

    private static Graphics2D graphics(BufferedImage img) {
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        return g;
    }

    private static void axes(Graphics2D g, int width, int height, String title, String xLabel, double lo, double hi,
                             int xFrom, int xTo) {
        g.setColor(Color.LIGHT_GRAY);
        g.drawRect(MARGIN, MARGIN, width - 2 * MARGIN, height - 2 * MARGIN);
        g.setColor(Color.BLACK);
        g.drawString(title, MARGIN, 16);
        g.drawString(String.format("%.3g", hi), 4, MARGIN + 4);
        g.drawString(String.format("%.3g", lo), 4, height - MARGIN + 4);
        if (xLabel != null) {
            g.drawString(xLabel + " " + xFrom, MARGIN, height - MARGIN + 15);
            g.drawString(Integer.toString(xTo), width - MARGIN - 10, height - MARGIN + 15);
        }
    }
}
