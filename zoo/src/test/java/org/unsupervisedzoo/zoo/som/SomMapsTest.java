package org.unsupervisedzoo.zoo.som;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.unsupervisedzoo.zoo.ZooAssertions.rejects;

import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.unsupervisedzoo.zoo.viz.HeatMap;

/** Metrics and views of a 2x3 map with hand-made prototypes, against values computed by hand. */
class SomMapsTest {
    /** Unit j = (r, c); unit 2 is folded back next to unit 0 in data space. */
    private static final double[][] W = {{0, 0}, {1, 0}, {0.2, 0}, {0, 1}, {1, 1}, {2, 1}};
    /** BMU, second BMU: (0, 2), (4, 5), (5, 4), (2, 0), (0, 2), (0, 2). */
    private static final double[][] X = {{0.05, 0}, {1.1, 0.95}, {2, 1.2}, {0.3, 0.1}, {0, 0.05}, {0.02, 0.02}};
    private static final int[] LABELS = {1, 2, 3, 4, 1, 6};

    private static SomMaps maps(Topology t) {
        return new SomMaps(new SomGrid(2, 3, t), SomDistance.EUCLIDEAN, Nd4j.createFromArray(W));
    }

    private static INDArray x() {
        return Nd4j.createFromArray(X);
    }

    @Test
    void bestMatchingUnitsAndRunnersUp() {
        SomMaps.Matches m = maps(Topology.RECTANGULAR).match(x());
        assertArrayEquals(new int[] {0, 4, 5, 2, 0, 0}, m.bmu);
        assertArrayEquals(new int[] {2, 5, 4, 0, 2, 2}, m.second);
    }

    @Test
    void quantizationErrorIsTheMeanEuclideanDistanceToTheBmu() {
        double qe = (0.05 + Math.sqrt(0.01 + 0.0025) + 0.2 + Math.sqrt(0.02) + 0.05 + Math.sqrt(0.0008)) / 6;
        assertEquals(qe, maps(Topology.RECTANGULAR).quantizationError(x()), 1e-12);
        assertArrayEquals(new double[] {0.05, Math.sqrt(0.0125), 0.2, Math.sqrt(0.02), 0.05, Math.sqrt(0.0008)},
                maps(Topology.RECTANGULAR).anomalyScores(x()), 1e-12);
    }

    @Test
    void topographicErrorCountsRunnersUpThatAreNotGridNeighbours() {
        // (0, 2) are two columns apart on either grid: 4 of the 6 examples
        assertEquals(4 / 6.0, maps(Topology.RECTANGULAR).topographicError(x()), 1e-12);
        assertEquals(4 / 6.0, maps(Topology.HEXAGONAL).topographicError(x()), 1e-12);
        // a diagonal pair: neighbours on the rectangular grid (8-neighbourhood), not on the hexagonal one
        double[][] w = {{0, 0}, {5, 5}, {5, 6}, {6, 5}, {0.1, 0}, {6, 6}};
        INDArray one = Nd4j.createFromArray(new double[][] {{0.04, 0}});
        assertEquals(0.0, new SomMaps(new SomGrid(2, 3, Topology.RECTANGULAR), SomDistance.EUCLIDEAN,
                Nd4j.createFromArray(w)).topographicError(one));
        assertEquals(1.0, new SomMaps(new SomGrid(2, 3, Topology.HEXAGONAL), SomDistance.EUCLIDEAN,
                Nd4j.createFromArray(w)).topographicError(one));
    }

    @Test
    void gridAdjacencyOfRectangularAndHexagonalMaps() {
        SomGrid rect = new SomGrid(2, 3, Topology.RECTANGULAR);
        SomGrid hex = new SomGrid(2, 3, Topology.HEXAGONAL);
        assertArrayEquals(new int[] {1, 3, 4}, rect.neighbours(0));
        assertArrayEquals(new int[] {0, 2, 3, 4, 5}, rect.neighbours(1));
        // odd-r offset: row 1 sits half a cell right, so unit 3 touches 0 and 1, unit 4 touches 1 and 2
        assertArrayEquals(new int[] {1, 3}, hex.neighbours(0));
        assertArrayEquals(new int[] {0, 2, 3, 4}, hex.neighbours(1));
        assertArrayEquals(new int[] {1, 2, 3, 5}, hex.neighbours(4));
        assertFalse(hex.adjacent(0, 4));
        assertEquals(1.0, hex.distance2(1, 3), 1e-12);
        assertEquals(3.0, hex.distance2(0, 4), 1e-12);
    }

    @Test
    void uMatrixIsTheMeanPrototypeDistanceToGridNeighbours() {
        double[][] u = maps(Topology.RECTANGULAR).uMatrix();
        // unit 0: neighbours 1, 3, 4 at distances 1, 1, sqrt 2
        assertEquals((2 + Math.sqrt(2)) / 3, u[0][0], 1e-12);
        // unit 5 (row 1, col 2): neighbours 1, 2, 4 at sqrt 2, sqrt(1.8^2 + 1), 1
        assertEquals((Math.sqrt(2) + Math.sqrt(1.8 * 1.8 + 1) + 1) / 3, u[1][2], 1e-12);
        double[][] h = maps(Topology.HEXAGONAL).uMatrix();
        // hexagonal unit 0: neighbours 1 and 3 only
        assertEquals(1.0, h[0][0], 1e-12);
    }

    @Test
    void hitMapLabelMapAndClassifier() {
        SomMaps m = maps(Topology.RECTANGULAR);
        int[][] hits = m.hitMap(x());
        assertArrayEquals(new int[] {3, 0, 1}, hits[0]);
        assertArrayEquals(new int[] {0, 1, 1}, hits[1]);
        assertArrayEquals(new int[] {1, -1, 4, -1, 2, 3}, m.labelMap(x(), LABELS));
        SomClassifier c = m.classifier(x(), LABELS);
        // unit 1 and unit 3 have no hits; the nearest labelled units (grid distance 1) tie, the lower index (0) wins
        assertArrayEquals(new int[] {1, 1, 4, 1, 2, 3}, c.unitLabels());
        INDArray test = Nd4j.createFromArray(new double[][] {{1.0, 0.1}, {0.9, 1.0}, {1.9, 1.1}, {0.25, 0}});
        assertArrayEquals(new int[] {1, 2, 3, 4}, c.predict(test));
        assertEquals(0.75, c.accuracy(test, new int[] {1, 2, 3, 9}), 1e-12);
        rejects(() -> m.labelMap(x(), new int[] {1, 2}), "labels", "6", "2");
    }

    @Test
    void cosineMapsRankByAngleAndScoreOneMinusCosine() {
        SomMaps m = new SomMaps(new SomGrid(1, 2, Topology.RECTANGULAR), SomDistance.COSINE,
                Nd4j.createFromArray(new double[][] {{1, 0}, {0, 3}}));
        INDArray x = Nd4j.createFromArray(new double[][] {{2, 1}, {0.1, 5}});
        assertArrayEquals(new int[] {0, 1}, m.bmus(x));
        double cos = 2 / Math.sqrt(5);
        assertArrayEquals(new double[] {1 - cos, 1 - 5 / Math.sqrt(25.01)}, m.anomalyScores(x), 1e-9);
        // the quantization error stays Euclidean
        assertEquals((Math.sqrt(2) + Math.sqrt(0.01 + 4)) / 2, m.quantizationError(x), 1e-9);
    }

    @Test
    void inputsOfTheWrongWidthAreRejectedNamingBothWidths() {
        SomMaps m = maps(Topology.RECTANGULAR);
        rejects(() -> m.bmus(Nd4j.rand(DataType.DOUBLE, 3, 5)), "5 features", "[n, 2]");
        rejects(() -> new SomMaps(new SomGrid(2, 2, Topology.RECTANGULAR), SomDistance.EUCLIDEAN,
                Nd4j.createFromArray(W)), "[4, D]", "[6, 2]");
        rejects(() -> new SomGrid(0, 3, Topology.RECTANGULAR), "rows", "0");
    }

    @Test
    void heatMapsDrawLowValuesWhiteAndHighValuesBlackWithHexOffset() {
        BufferedImage img = HeatMap.render(new double[][] {{0, 1}, {0.5, 1}}, 10, true);
        assertEquals(25, img.getWidth());
        assertEquals(20, img.getHeight());
        assertEquals(255, img.getRaster().getSample(2, 2, 0));
        assertEquals(0, img.getRaster().getSample(12, 2, 0));
        assertEquals(128, img.getRaster().getSample(7, 12, 0), 1);   // row 1 shifted by 5 pixels
        assertEquals(255, img.getRaster().getSample(2, 12, 0));      // the offset margin stays white
    }
}
