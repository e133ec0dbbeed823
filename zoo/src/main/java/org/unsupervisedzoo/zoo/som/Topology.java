package org.unsupervisedzoo.zoo.som;

/** The lattice a self-organizing map's units sit on. */
public enum Topology {
    /**
     * Square cells: unit {@code (r, c)} at {@code (x, y) = (c, r)}. Grid neighbours (for the topographic error and
     * the U-matrix) are the 8 surrounding cells, diagonals included, as MiniSom's (grid distance at most
     * {@code sqrt(2)}).
     */
    RECTANGULAR,
    /**
     * Hexagonal cells with offset rows ("odd-r"): unit {@code (r, c)} at {@code (c + (r odd ? 1/2 : 0),
     * r * sqrt(3)/2)}, so each unit has 6 neighbours at grid distance exactly 1.
     */
    HEXAGONAL
}
