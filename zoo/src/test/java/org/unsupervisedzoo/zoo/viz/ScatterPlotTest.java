package org.unsupervisedzoo.zoo.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class ScatterPlotTest {
    @Test
    void pointsAreDrawnInTheirClassColourAtScaledPositions() {
        INDArray p = Nd4j.createFromArray(new double[][] {{0, 0}, {10, 10}});
        BufferedImage img = ScatterPlot.plot(p, new int[] {0, 3}, "t", 200);
        assertEquals(290, img.getWidth());
        // the first point sits at the bottom-left corner of the plot area, the second at the top-right
        assertEquals(0x1f77b4, img.getRGB(40, 160) & 0xffffff);
        assertEquals(0xd62728, img.getRGB(160, 40) & 0xffffff);
        assertThrows(IllegalArgumentException.class, () -> ScatterPlot.plot(p, new int[] {1}, "t", 200));
    }

    @Test
    void pcaFindsTheDirectionsOfLargestVariance() {
        Nd4j.getRandom().setSeed(1);
        INDArray x = Nd4j.randn(DataType.DOUBLE, 500, 3);
        x.getColumn(0).muli(10);  // largest spread along axis 0, then axis 2
        x.getColumn(2).muli(3);
        INDArray p = ScatterPlot.pca2(x);
        assertEquals(2, p.columns());
        double v0 = p.getColumn(0).varNumber().doubleValue();
        double v1 = p.getColumn(1).varNumber().doubleValue();
        assertEquals(100, v0, 15);
        assertEquals(9, v1, 2);
        assertNotEquals(0, Math.abs(p.getColumn(0).getDouble(0)), 0);
    }
}
