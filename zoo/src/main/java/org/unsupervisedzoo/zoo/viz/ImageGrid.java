package org.unsupervisedzoo.zoo.viz;

import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Tiles grey-scale images into one picture: MNIST digits, reconstructions, samples, filters. Values are
 * clipped to [0,1] and drawn as 0 = black, 1 = white, with a one-pixel grey border between tiles.
 */
public final class ImageGrid {
    private static final int BORDER_GREY = 0x80;

    private ImageGrid() {
    }

    /**
     * Tiles {@code images} ({@code [n, h*w]} or {@code [n, 1, h, w]}) left to right, top to bottom.
     *
     * @param cols  tiles per row
     * @param scale each pixel becomes a {@code scale x scale} block
     */
    public static BufferedImage tiles(INDArray images, int h, int w, int cols, int scale) {
        long n = images.size(0);
        if (images.length() != n * h * w) {
            throw new IllegalArgumentException("images of shape " + java.util.Arrays.toString(images.shape())
                    + " are not " + n + " images of " + h + "x" + w);
        }
        if (cols <= 0 || scale <= 0) {
            throw new IllegalArgumentException("cols and scale must be positive, got " + cols + ", " + scale);
        }
        int rows = (int) ((n + cols - 1) / cols);
        int tileW = w * scale + 1;
        int tileH = h * scale + 1;
        BufferedImage img = new BufferedImage(cols * tileW + 1, rows * tileH + 1, BufferedImage.TYPE_BYTE_GRAY);
        WritableRaster raster = img.getRaster();
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                raster.setSample(x, y, 0, BORDER_GREY);
            }
        }
        float[] px = images.reshape(n, (long) h * w).castTo(DataType.FLOAT)
                .dup('c').data().asFloat();
        for (int i = 0; i < n; i++) {
            int x0 = (i % cols) * tileW + 1;
            int y0 = (i / cols) * tileH + 1;
            for (int r = 0; r < h; r++) {
                for (int c = 0; c < w; c++) {
                    float v = Math.max(0f, Math.min(1f, px[i * h * w + r * w + c]));
                    int g = Math.round(v * 255);
                    for (int dy = 0; dy < scale; dy++) {
                        for (int dx = 0; dx < scale; dx++) {
                            raster.setSample(x0 + c * scale + dx, y0 + r * scale + dy, 0, g);
                        }
                    }
                }
            }
        }
        return img;
    }

    /**
     * Originals above their reconstructions: rows alternate {@code cols} originals, then the same
     * {@code cols} reconstructed, for {@code ceil(n / cols)} pairs of rows; a short last pair is padded with
     * black tiles.
     */
    public static BufferedImage comparison(INDArray originals, INDArray reconstructions, int h, int w, int cols,
                                           int scale) {
        long n = originals.size(0);
        if (reconstructions.size(0) != n) {
            throw new IllegalArgumentException("originals (" + n + ") and reconstructions ("
                    + reconstructions.size(0) + ") differ in count");
        }
        INDArray a = originals.reshape(n, (long) h * w);
        INDArray b = reconstructions.reshape(n, (long) h * w);
        long pairs = (n + cols - 1) / cols;
        INDArray both = Nd4j.create(a.dataType(), 2 * pairs * cols, (long) h * w);
        long out = 0;
        for (long p = 0; p < pairs; p++) {
            long from = p * cols;
            long to = Math.min(n, from + cols);
            for (long i = from; i < to; i++) {
                both.putRow(out++, a.getRow(i));
            }
            out += cols - (to - from);
            for (long i = from; i < to; i++) {
                both.putRow(out++, b.getRow(i));
            }
            out += cols - (to - from);
        }
        return tiles(both, h, w, cols, scale);
    }

    /**
     * The first {@code count} filters of a dense layer's weights {@code W [h*w, units]} as tiles: column j
     * becomes an {@code h x w} image, scaled to [0,1] on its own (min to black, max to white), as feature
     * detectors are usually shown.
     */
    public static BufferedImage filters(INDArray weights, int h, int w, int count, int cols, int scale) {
        if (weights.rank() != 2 || weights.size(0) != (long) h * w) {
            throw new IllegalArgumentException("weights must be [" + (h * w) + ", units], got "
                    + java.util.Arrays.toString(weights.shape()));
        }
        int n = (int) Math.min(count, weights.size(1));
        INDArray tiles = weights.get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
                org.nd4j.linalg.indexing.NDArrayIndex.interval(0, n)).transpose().dup('c');
        INDArray min = tiles.min(1);
        INDArray range = tiles.max(1).subi(min).addi(1e-12);
        tiles.subiColumnVector(min.reshape(n, 1)).diviColumnVector(range.reshape(n, 1));
        return tiles(tiles, h, w, cols, scale);
    }

    /** Writes a picture as PNG, creating parent folders. */
    public static Path writePng(BufferedImage image, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        // written whole or not at all (a temporary file renamed over it): a kill never leaves half a picture
        return org.unsupervisedzoo.zoo.core.AtomicFiles.write(file, tmp -> {
            if (!ImageIO.write(image, "png", tmp.toFile())) {
                throw new IOException("no PNG writer available for " + file);
            }
        });
    }
}
