package org.unsupervisedzoo.zoo.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class ImageGridTest {
    @TempDir
    Path tmp;

    private static int grey(BufferedImage img, int x, int y) {
        return img.getRaster().getSample(x, y, 0);
    }

    @Test
    void tilesAreLaidOutRowByRowWithBorders() {
        INDArray images = Nd4j.zeros(5, 4); // five 2x2 images
        images.putScalar(1, 3, 1.0);        // image 1, bottom-right pixel white
        images.putScalar(4, 0, 2.0);        // image 4, top-left pixel, clipped to white
        BufferedImage img = ImageGrid.tiles(images, 2, 2, 3, 2);
        assertEquals(3 * (2 * 2 + 1) + 1, img.getWidth());
        assertEquals(2 * (2 * 2 + 1) + 1, img.getHeight());
        assertEquals(0x80, grey(img, 0, 0), "border");
        // image 1 is at column 1 of row 0: x0 = 6, y0 = 1; its pixel (1,1) covers x 8..9, y 3..4
        assertEquals(255, grey(img, 9, 4));
        assertEquals(0, grey(img, 7, 2));
        // image 4 is at column 1 of row 1: x0 = 6, y0 = 6
        assertEquals(255, grey(img, 6, 6));
        // the missing sixth tile stays border grey
        assertEquals(0x80, grey(img, 12, 7));
    }

    @Test
    void comparisonPutsOriginalsAboveReconstructions() throws Exception {
        INDArray originals = Nd4j.ones(3, 1, 2, 2);
        INDArray recon = Nd4j.zeros(3, 4);
        BufferedImage img = ImageGrid.comparison(originals, recon, 2, 2, 2, 1);
        // 2 pairs of rows of 2 tiles: rows are originals, reconstructions, originals, reconstructions
        assertEquals(4 * 3 + 1, img.getHeight());
        assertEquals(255, grey(img, 1, 1));
        assertEquals(0, grey(img, 1, 4));
        assertEquals(255, grey(img, 1, 7));
        assertEquals(0, grey(img, 4, 7), "no third original: a black pad tile");
        Path png = ImageGrid.writePng(img, tmp.resolve("sub/grid.png"));
        assertTrue(Files.size(png) > 0);
        assertEquals(img.getWidth(), ImageIO.read(png.toFile()).getWidth());
        assertThrows(IllegalArgumentException.class, () -> ImageGrid.comparison(originals, Nd4j.zeros(2, 4), 2, 2, 2, 1));
        assertThrows(IllegalArgumentException.class, () -> ImageGrid.tiles(Nd4j.zeros(2, 5), 2, 2, 2, 1));
    }
}
