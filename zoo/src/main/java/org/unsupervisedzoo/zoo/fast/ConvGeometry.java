package org.unsupervisedzoo.zoo.fast;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Sizes of one convolution or transposed convolution on NCHW data, with ND4J's padding rules: input {@code [b, iC,
 * iH, iW]}, output {@code [b, oC, oH, oW]}, kernel {@code kH x kW}, stride, dilation and top-left padding.
 * <ul>
 *   <li>Convolution, weights {@code [oC, iC, kH, kW]}: in {@code Same} mode {@code o = ceil(i / s)} and
 *       {@code p = ((o - 1) s + (k - 1) d + 1 - i) / 2} (im2col pads the bottom/right itself), otherwise the
 *       configured padding and {@code o = (i + 2 p - (k - 1) d - 1) / s + 1}.</li>
 *   <li>Transposed convolution, weights {@code [iC, oC, kH, kW]} (as libnd4j's {@code deconv2d}): in {@code Same}
 *       mode {@code o = i s} and {@code p = ((i - 1) s + (k - 1) d + 1 - o) / 2}, otherwise
 *       {@code o = (i - 1) s + (k - 1) d + 1 - 2 p}.</li>
 * </ul>
 */
final class ConvGeometry {
    final long b;
    final long iC;
    final long oC;
    final long iH;
    final long iW;
    final long kH;
    final long kW;
    final long oH;
    final long oW;
    final int sH;
    final int sW;
    final int dH;
    final int dW;
    final int pH;
    final int pW;
    /** Same mode: im2col must be told (it checks the output size, and pads the bottom/right itself). */
    final boolean same;

    private ConvGeometry(boolean transposed, INDArray input, INDArray w, int[] stride, int[] dilation, int[] padding) {
        b = input.size(0);
        iC = transposed ? w.size(0) : w.size(1);
        oC = transposed ? w.size(1) : w.size(0);
        kH = w.size(2);
        kW = w.size(3);
        iH = input.size(2);
        iW = input.size(3);
        sH = stride[0];
        sW = stride[1];
        dH = dilation[0];
        dW = dilation[1];
        long eKH = (kH - 1) * dH + 1;
        long eKW = (kW - 1) * dW + 1;
        same = padding == null;
        if (transposed) {
            oH = same ? iH * sH : (iH - 1) * sH + eKH - 2L * padding[0];
            oW = same ? iW * sW : (iW - 1) * sW + eKW - 2L * padding[1];
            pH = same ? (int) (((iH - 1) * sH + eKH - oH) / 2) : padding[0];
            pW = same ? (int) (((iW - 1) * sW + eKW - oW) / 2) : padding[1];
        } else {
            oH = same ? (iH + sH - 1) / sH : (iH + 2L * padding[0] - eKH) / sH + 1;
            oW = same ? (iW + sW - 1) / sW : (iW + 2L * padding[1] - eKW) / sW + 1;
            pH = same ? (int) Math.max(0, ((oH - 1) * sH + eKH - iH) / 2) : padding[0];
            pW = same ? (int) Math.max(0, ((oW - 1) * sW + eKW - iW) / 2) : padding[1];
        }
    }

    /** A convolution's sizes; {@code padding} null for {@code Same} mode. */
    static ConvGeometry convolution(INDArray input, INDArray w, int[] stride, int[] dilation, int[] padding) {
        return new ConvGeometry(false, input, w, stride, dilation, padding);
    }

    /** A transposed convolution's sizes; {@code padding} null for {@code Same} mode. */
    static ConvGeometry transposed(INDArray input, INDArray w, int[] stride, int[] dilation, int[] padding) {
        return new ConvGeometry(true, input, w, stride, dilation, padding);
    }

    long inPixels() {
        return iH * iW;
    }

    long outPixels() {
        return oH * oW;
    }
}
