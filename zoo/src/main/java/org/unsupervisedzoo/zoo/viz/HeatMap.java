package org.unsupervisedzoo.zoo.viz;

import java.awt.image.BufferedImage;

/**
 * A map of per-unit values ({@code [rows][cols]}, e.g. a SOM's U-matrix or hit map) as grey cells: the smallest
 * value white, the largest black (as MiniSom's U-matrix plots with {@code bone_r}). Hexagonal maps are drawn with
 * odd rows shifted right by half a cell ("odd-r" offset rows).
 */
public final class HeatMap {
    private HeatMap() {
    }

    /**
     * @param cell  side of a cell in pixels
     * @param hex   offset odd rows by half a cell
     */
    public static BufferedImage render(double[][] values, int cell, boolean hex) {
        if (values == null || values.length == 0 || values[0].length == 0) {
            throw new IllegalArgumentException("values must be a non-empty [rows][cols] array");
        }
        if (cell <= 1) {
            throw new IllegalArgumentException("cell must be at least 2 pixels, got " + cell);
        }
        int rows = values.length;
        int cols = values[0].length;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double[] row : values) {
            if (row.length != cols) {
                throw new IllegalArgumentException("rows of values differ in length: " + cols + " and " + row.length);
            }
            for (double v : row) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        }
        double range = max > min ? max - min : 1;
        int width = cols * cell + (hex ? cell / 2 : 0);
        BufferedImage img = new BufferedImage(width, rows * cell, BufferedImage.TYPE_BYTE_GRAY);
        java.awt.image.WritableRaster raster = img.getRaster();
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < width; x++) {
                raster.setSample(x, y, 0, 255);
            }
        }
        for (int r = 0; r < rows; r++) {
            int x0 = hex && r % 2 == 1 ? cell / 2 : 0;
            for (int c = 0; c < cols; c++) {
                int grey = (int) Math.round(255 * (1 - (values[r][c] - min) / range));
                for (int dy = 0; dy < cell - 1; dy++) {
                    for (int dx = 0; dx < cell - 1; dx++) {
                        raster.setSample(x0 + c * cell + dx, r * cell + dy, 0, grey);
                    }
                }
            }
        }
        return img;
    }

    /** Integer counts (a hit map) as a heat map. */
    public static BufferedImage render(int[][] counts, int cell, boolean hex) {
        double[][] v = new double[counts.length][];
        for (int r = 0; r < counts.length; r++) {
            v[r] = java.util.Arrays.stream(counts[r]).asDoubleStream().toArray();
        }
        return render(v, cell, hex);
    }
}
