package org.unsupervisedzoo.zoo.fast;

import org.unsupervisedzoo.zoo.core.FloatViews;
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
 *
 * <p>The {@code batchInner} forms take the columns as {@code [c, kH, kW, b, oH, oW]}, i.e. one matrix
 * {@code [c kH kW, b oH oW]} for the whole minibatch, so that a convolution is one matrix product instead of a
 * batched one ({@link CachedConvolutionLayer}); {@link #swapBatchAndChannels} moves activations between
 * {@code [b, c, hw]} and that layout.
 */
final class ColumnsMath {
    private ColumnsMath() {
    }

    private static boolean usable(INDArray a, int rank) {
        return a != null && a.rank() == rank && a.ordering() == 'c' && FloatViews.of(a) != null;
    }

    private static boolean applies(INDArray image, INDArray cols, boolean batchInner) {
        return usable(image, 4) && usable(cols, 6) && image.size(0) == cols.size(batchInner ? 3 : 0)
                && image.size(1) == cols.size(batchInner ? 0 : 1);
    }

    /**
     * {h, w, kH, kW, oH, oW} of an image array {@code [b, c, h, w]} and its columns {@code [b, c, kH, kW, oH, oW]}
     * (or, {@code batchInner}, {@code [c, kH, kW, b, oH, oW]}).
     */
    private static int[] sizes(INDArray image, INDArray cols, boolean batchInner) {
        return new int[] {(int) image.size(2), (int) image.size(3), (int) cols.size(batchInner ? 1 : 2),
            (int) cols.size(batchInner ? 2 : 3), (int) cols.size(4), (int) cols.size(5)};
    }

    /**
     * Where plane {@code p = b c + ch}'s kernel offset {@code k} (of {@code kk}) starts in the columns, each
     * {@code ohw} long: {@code [b, c, kk, ohw]} or, {@code batchInner}, {@code [c, kk, b, ohw]}.
     */
    private static int columnOffset(int p, int k, int kk, int ohw, int batch, int channels, boolean batchInner) {
        if (!batchInner) {
            return (p * kk + k) * ohw;
        }
        int b = p / channels;
        int ch = p - b * channels;
        return ((ch * kk + k) * batch + b) * ohw;
    }

    /**
     * {@code cols[b, c, i, j, y, x] = image[b, c, y sH - pH + i dH, x sW - pW + j dW]}, 0 outside the image; with
     * {@code same}, the padding as ND4J's op computes it for "same" mode (the given one ignored, as there).
     */
    static boolean im2col(INDArray image, int sH, int sW, int pH, int pW, int dH, int dW, boolean same,
                          INDArray cols) {
        return im2col(image, sH, sW, pH, pW, dH, dW, same, cols, false);
    }

    /** {@link #im2col} into columns {@code [c, kH, kW, b, oH, oW]} when {@code batchInner}. */
    static boolean im2col(INDArray image, int sH, int sW, int pH, int pW, int dH, int dW, boolean same,
                          INDArray cols, boolean batchInner) {
        if (!applies(image, cols, batchInner)) {
            return false;
        }
        int[] d = sizes(image, cols, batchInner); // h, w, kH, kW, oH, oW
        int h = d[0], w = d[1], kH = d[2], kW = d[3], oH = d[4], oW = d[5];
        if (same) { // libnd4j's ConvolutionUtils::calcPadding2D (C++ and Java divide alike, toward zero)
            pH = ((oH - 1) * sH + (kH - 1) * dH + 1 - h) / 2;
            pW = ((oW - 1) * sW + (kW - 1) * dW + 1 - w) / 2;
        }
        int batch = (int) image.size(0);
        int channels = (int) image.size(1);
        int planes = batch * channels;
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
            if (!batchInner) {
                dst.put(dst.position() + p * out, col, 0, out);
                continue;
            }
            int ohw = oH * oW;
            for (int k = 0; k < kH * kW; k++) {
                dst.put(dst.position() + columnOffset(p, k, kH * kW, ohw, batch, channels, true), col, k * ohw, ohw);
            }
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
        return col2im(cols, sH, sW, pH, pW, dH, dW, image, false);
    }

    /** {@link #col2im} from columns {@code [c, kH, kW, b, oH, oW]} when {@code batchInner}. */
    static boolean col2im(INDArray cols, int sH, int sW, int pH, int pW, int dH, int dW, INDArray image,
                          boolean batchInner) {
        if (!applies(image, cols, batchInner)) {
            return false;
        }
        int[] d = sizes(image, cols, batchInner); // h, w, kH, kW, oH, oW
        int h = d[0], w = d[1], kH = d[2], kW = d[3], oH = d[4], oW = d[5];
        int batch = (int) image.size(0);
        int channels = (int) image.size(1);
        int planes = batch * channels;
        int in = h * w;
        int out = kH * kW * oH * oW;
        int ohw = oH * oW;
        FloatBuffer src = FloatViews.of(cols);
        FloatBuffer dst = FloatViews.of(image);
        float[] plane = FloatViews.scratch(0, in);
        float[] col = FloatViews.scratch(1, out);
        for (int p = 0; p < planes; p++) {
            if (batchInner) {
                for (int k = 0; k < kH * kW; k++) {
                    src.get(src.position() + columnOffset(p, k, kH * kW, ohw, batch, channels, true), col, k * ohw,
                            ohw);
                }
            } else {
                src.get(src.position() + p * out, col, 0, out);
            }
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

    /**
     * {@code dst[c, b, :] = src[b, c, :] + bias[c]} for activations {@code src [b, c, ...]} (rank 4, or rank 2 with
     * {@code hw = 1}) and {@code dst} of the same length as {@code [c, b, hw]}; or the reverse,
     * {@code dst[b, c, :] = src[c, b, :] + bias[c]}, with {@code toBatchInner} false. {@code bias} may be null;
     * {@code also}, when not null, receives the same values as {@code dst} (a cached copy). Both 'c', contiguous,
     * float; false before any work where that does not hold.
     */
    static boolean swapBatchAndChannels(INDArray src, INDArray dst, int batch, int channels, boolean toBatchInner,
                                        INDArray bias, INDArray also) {
        FloatBuffer s = src.ordering() == 'c' ? FloatViews.of(src) : null;
        FloatBuffer d = dst.ordering() == 'c' ? FloatViews.of(dst) : null;
        FloatBuffer a = also == null ? null : also.ordering() == 'c' ? FloatViews.of(also) : null;
        FloatBuffer bb = bias == null ? null : FloatViews.of(bias);
        long len = src.length();
        if (s == null || d == null || dst.length() != len || (also != null && (a == null || also.length() != len))
                || (bias != null && (bb == null || bias.length() != channels)) || len % ((long) batch * channels) != 0) {
            return false;
        }
        int hw = (int) (len / ((long) batch * channels));
        float[] b = null;
        if (bias != null) {
            b = FloatViews.scratch(2, channels);
            bb.get(bb.position(), b, 0, channels);
        }
        int outer = toBatchInner ? batch : channels;
        int inner = toBatchInner ? channels : batch;
        float[] block = FloatViews.scratch(0, inner * hw); // one image's channels [c, hw], or one channel's images
        for (int o = 0; o < outer; o++) {
            s.get(s.position() + o * inner * hw, block, 0, inner * hw);
            if (b != null) {
                for (int i = 0; i < inner; i++) {
                    float bi = b[toBatchInner ? i : o];
                    for (int x = i * hw; x < (i + 1) * hw; x++) {
                        block[x] += bi;
                    }
                }
            }
            for (int i = 0; i < inner; i++) {
                int at = (i * outer + o) * hw;
                d.put(d.position() + at, block, i * hw, hw);
                if (a != null) {
                    a.put(a.position() + at, block, i * hw, hw);
                }
            }
        }
        return true;
    }
}
