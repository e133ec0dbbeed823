package org.unsupervisedzoo.zoo.som;

/**
 * The units' positions: {@code rows x cols} units, unit index {@code j = r * cols + c} (row-major, as the
 * prototype rows and every per-unit array of this package).
 */
public final class SomGrid {
    private static final double HEX_DY = Math.sqrt(3) / 2;
    /** Grid distance up to which two distinct units are neighbours (rectangular: 8-neighbourhood, as MiniSom). */
    private static final double RECT_ADJACENT = 1.42;
    private static final double HEX_ADJACENT = 1.0 + 1e-9;

    private final int rows;
    private final int cols;
    private final Topology topology;

    public SomGrid(int rows, int cols, Topology topology) {
        if (rows <= 0) {
            throw new IllegalArgumentException("rows must be positive, got " + rows);
        }
        if (cols <= 0) {
            throw new IllegalArgumentException("cols must be positive, got " + cols);
        }
        if (topology == null) {
            throw new IllegalArgumentException("topology must not be null");
        }
        this.rows = rows;
        this.cols = cols;
        this.topology = topology;
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    public Topology topology() {
        return topology;
    }

    public int units() {
        return rows * cols;
    }

    public int row(int unit) {
        return unit / cols;
    }

    public int col(int unit) {
        return unit % cols;
    }

    /** Plane position {@code x} of a unit (see {@link Topology}). */
    public double x(int unit) {
        int r = row(unit);
        return col(unit) + (topology == Topology.HEXAGONAL && r % 2 == 1 ? 0.5 : 0.0);
    }

    /** Plane position {@code y} of a unit. */
    public double y(int unit) {
        return topology == Topology.HEXAGONAL ? row(unit) * HEX_DY : row(unit);
    }

    /** Squared grid distance between two units. */
    public double distance2(int a, int b) {
        double dx = x(a) - x(b);
        double dy = y(a) - y(b);
        return dx * dx + dy * dy;
    }

    /** All squared grid distances, {@code [units][units]}. */
    public double[][] distances2() {
        int n = units();
        double[][] d = new double[n][n];
        for (int a = 0; a < n; a++) {
            for (int b = 0; b < n; b++) {
                d[a][b] = distance2(a, b);
            }
        }
        return d;
    }

    /**
     * Whether two distinct units are grid neighbours: rectangular, one of the 8 surrounding cells; hexagonal, one
     * of the 6 adjacent hexagons.
     */
    public boolean adjacent(int a, int b) {
        if (a == b) {
            return false;
        }
        double limit = topology == Topology.HEXAGONAL ? HEX_ADJACENT : RECT_ADJACENT;
        return distance2(a, b) <= limit * limit;
    }

    /** The grid neighbours of a unit, in index order. */
    public int[] neighbours(int unit) {
        java.util.List<Integer> list = new java.util.ArrayList<>();
        for (int r = Math.max(0, row(unit) - 1); r <= Math.min(rows - 1, row(unit) + 1); r++) {
            for (int c = Math.max(0, col(unit) - 1); c <= Math.min(cols - 1, col(unit) + 1); c++) {
                int j = r * cols + c;
                if (adjacent(unit, j)) {
                    list.add(j);
                }
            }
        }
        return list.stream().mapToInt(Integer::intValue).toArray();
    }

    @Override
    public String toString() {
        return rows + "x" + cols + " " + topology.name().toLowerCase();
    }
}
