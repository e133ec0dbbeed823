package org.unsupervisedzoo.zoo.layers;

import java.nio.FloatBuffer;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * im2col and col2im for contiguous float arrays as Java loops over one image plane at a time, copied in bulk
 * ({@link FloatViews}): ND4J 1.0.0-M2.1's {@code im2col} and {@code col2im} ops took 2-3 ns per column element, 27% of
 * the conv AE's training step (BENCHMARKS.md, fifth round). The layouts and padding are the ops': images
 * {@code [b, c, h, w]}, columns {@code [b, c, kH, kW, oH, oW]}, explicit padding {@code pH, pW} at the top and left
 * (the callers pass what {@link ConvGeometry} computes, also in "same" mode), dilation {@code dH, dW}. Each method
 * returns false, before any work, where it does not apply (not float, not 'c', not contiguous, shapes that disagree);
 * the caller then runs ND4J's op. Tests compare both with ND4J's ops element by element.
 */
final class ColumnsMath {
    private ColumnsMath() {
    }

    private static boolean usable(INDArray a, int rank) {
        return a != null && a.rank() == rank && a.ordering() == 'c' && FloatViews.of(a) != null;
    }

    private static boolean applies(INDArray image, INDArray cols) {
        return usable(image, 4) && usable(cols, 6) && image.size(0) == cols.size(0) && image.size(1) == cols.size(1);
    }

    /** {h, w, kH, kW, oH, oW} of an image array {@code [b, c, h, w]} and its columns {@code [b, c, kH, kW, oH, oW]}. */
    private static int[] sizes(INDArray image, INDArray cols) {
        return new int[] {(int) image.size(2), (int) image.size(3), (int) cols.size(2), (int) cols.size(3),
            (int) cols.size(4), (int) cols.size(5)};
    }

    /**
     * {@code cols[b, c, i, j, y, x] = image[b, c, y sH - pH + i dH, x sW - pW + j dW]}, 0 outside the image; with
     * {@code same}, the padding as ND4J's op computes it for "same" mode (the given one ignored, as there).
     */
    static boolean im2col(INDArray image, int sH, int sW, int pH, int pW, int dH, int dW, boolean same,
                          INDArray cols) {
        if (!applies(image, cols)) {
            return false;
        }
        int[] d = sizes(image, cols); // h, w, kH, kW, oH, oW
        int h = d[0], w = d[1], kH = d[2], kW = d[3], oH = d[4], oW = d[5];
        if (same) { // libnd4j's ConvolutionUtils::calcPadding2D (C++ and Java divide alike, toward zero)
            pH = ((oH - 1) * sH + (kH - 1) * dH + 1 - h) / 2;
            pW = ((oW - 1) * sW + (kW - 1) * dW + 1 - w) / 2;
        }
        int planes = (int) (image.size(0) * image.size(1));
        int in = h * w;
        int out = kH * kW * oH * oW;
        FloatBuffer src = FloatViews.of(image);
        FloatBuffer dst = FloatViews.of(cols);
        float[] plane = FloatViews.scratch(0, in);
        float[] col = FloatViews.scratch(1, out);
        for (int p = 0; p < planes; p++) {
            src.get(src.position() + p * in, plane, 0, in);
            for (int i = 0; i < kH; i++) {
                for (int j = 0; j < kW; j++) {
                    int xOff = j * dW - pW;
                    int x0 = Math.min(oW, firstInside(xOff, sW));
                    int x1 = Math.max(x0, Math.min(oW, lastInside(xOff, sW, w) + 1));
                    for (int y = 0; y < oH; y++) {
                        int base = ((i * kW + j) * oH + y) * oW;
                        int iy = y * sH - pH + i * dH;
                        if (iy < 0 || iy >= h) {
                            Arrays.fill(col, base, base + oW, 0f);
                            continue;
                        }
                        int row = iy * w + xOff;
                        Arrays.fill(col, base, base + x0, 0f);
                        for (int x = x0; x < x1; x++) {
                            col[base + x] = plane[row + x * sW];
                        }
                        Arrays.fill(col, base + x1, base + oW, 0f);
                    }
                }
            }
            dst.put(dst.position() + p * out, col, 0, out);
        }
        return true;
    }

    /** The first {@code x >= 0} with {@code x s + off >= 0}. */
    private static int firstInside(int off, int s) {
        return off >= 0 ? 0 : (-off + s - 1) / s;
    }

    /** The last {@code x} with {@code x s + off < w} (negative when there is none). */
    private static int lastInside(int off, int s, int w) {
        int room = w - 1 - off;
        return room < 0 ? -1 : room / s;
    }

    /** The adjoint of {@link #im2col}: {@code image} set to the sum of the columns that read each pixel. */
    static boolean col2im(INDArray cols, int sH, int sW, int pH, int pW, int dH, int dW, INDArray image) {
        if (!applies(image, cols)) {
            return false;
        }
        int[] d = sizes(image, cols); // h, w, kH, kW, oH, oW
        int h = d[0], w = d[1], kH = d[2], kW = d[3], oH = d[4], oW = d[5];
        int planes = (int) (image.size(0) * image.size(1));
        int in = h * w;
        int out = kH * kW * oH * oW;
        FloatBuffer src = FloatViews.of(cols);
        FloatBuffer dst = FloatViews.of(image);
        float[] plane = FloatViews.scratch(0, in);
        float[] col = FloatViews.scratch(1, out);
        for (int p = 0; p < planes; p++) {
            src.get(src.position() + p * out, col, 0, out);
            Arrays.fill(plane, 0, in, 0f);
            for (int i = 0; i < kH; i++) {
                for (int j = 0; j < kW; j++) {
                    int xOff = j * dW - pW;
                    int x0 = Math.min(oW, firstInside(xOff, sW));
                    int x1 = Math.max(x0, Math.min(oW, lastInside(xOff, sW, w) + 1));
                    for (int y = 0; y < oH; y++) {
                        int iy = y * sH - pH + i * dH;
                        if (iy < 0 || iy >= h) {
                            continue;
                        }
                        int base = ((i * kW + j) * oH + y) * oW;
                        int row = iy * w + xOff;
                        for (int x = x0; x < x1; x++) {
                            plane[row + x * sW] += col[base + x];
                        }
                    }
                }
            }
            dst.put(dst.position() + p * in, plane, 0, in);
        }
        return true;
    }
}
