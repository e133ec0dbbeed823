package org.unsupervisedzoo.zoo.fast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.convolution.Convolution;
import org.nd4j.linalg.factory.Nd4j;

/** The Java im2col and col2im against ND4J's ops, element by element, over strides, padding, dilation and modes. */
class ColumnsMathTest {
    /** {b, c, h, w, k, s, p, d, same(0/1)} */
    private static final int[][] CASES = {
        {2, 1, 28, 28, 3, 2, 0, 1, 1}, // the conv AE's first layer
        {3, 4, 14, 14, 3, 2, 0, 1, 1},
        {2, 3, 7, 9, 3, 1, 1, 1, 0}, // truncate mode, padding 1
        {2, 2, 9, 8, 2, 3, 0, 1, 1}, // stride 3, same mode with a negative pad by libnd4j's formula
        {1, 2, 10, 10, 3, 2, 2, 2, 0}, // dilation 2, padding 2
        {2, 2, 5, 6, 1, 1, 0, 1, 0},
        {1, 2, 3, 3, 3, 1, 3, 1, 0}, // padding 3 on a 3x3 image: whole rows and columns of the columns outside it
    };

    private static long out(int size, int k, int s, int p, int d, boolean same) {
        int ek = (k - 1) * d + 1;
        return same ? (size + s - 1) / s : (size + 2L * p - ek) / s + 1;
    }

    /** {image, ND4J's columns of it} for a case, the image random in [-0.5, 0.5). */
    private static INDArray[] imageAndNd4jColumns(int[] c) {
        boolean same = c[8] == 1;
        long oH = out(c[2], c[4], c[5], c[6], c[7], same);
        long oW = out(c[3], c[4], c[5], c[6], c[7], same);
        INDArray image = Nd4j.rand(DataType.FLOAT, c[0], c[1], c[2], c[3]).subi(0.5);
        INDArray cols = Nd4j.create(DataType.FLOAT, c[0], c[1], c[4], c[4], oH, oW);
        Convolution.im2col(image, c[4], c[4], c[5], c[5], c[6], c[6], c[7], c[7], same, cols);
        return new INDArray[] {image, cols};
    }

    @Test
    void im2colEqualsNd4jsOp() {
        for (int[] c : CASES) {
            boolean same = c[8] == 1;
            INDArray[] ic = imageAndNd4jColumns(c);
            INDArray image = ic[0];
            INDArray expected = ic[1];
            INDArray actual = Nd4j.valueArrayOf(expected.shape(), 7f, DataType.FLOAT);
            assertTrue(ColumnsMath.im2col(image, c[5], c[5], c[6], c[6], c[7], c[7], same, actual));
            assertEquals(expected, actual, java.util.Arrays.toString(c));
        }
    }

    @Test
    void col2imEqualsNd4jsOp() {
        for (int[] c : CASES) {
            if (c[8] == 1) {
                continue; // col2im takes explicit padding
            }
            long oH = out(c[2], c[4], c[5], c[6], c[7], false);
            long oW = out(c[3], c[4], c[5], c[6], c[7], false);
            INDArray cols = Nd4j.rand(DataType.FLOAT, c[0], c[1], c[4], c[4], oH, oW).subi(0.5);
            INDArray expected = Nd4j.create(DataType.FLOAT, c[0], c[1], c[2], c[3]);
            Convolution.col2im(cols, expected, c[5], c[5], c[6], c[6], c[2], c[3], c[7], c[7]);
            INDArray actual = Nd4j.valueArrayOf(new long[] {c[0], c[1], c[2], c[3]}, 7f, DataType.FLOAT);
            assertTrue(ColumnsMath.col2im(cols, c[5], c[5], c[6], c[6], c[7], c[7], actual));
            assertTrue(expected.equalsWithEps(actual, 1e-6), java.util.Arrays.toString(c));
        }
        // the conv AE's stride-2 "same" layers: explicit padding 0, as the layers pass it
        INDArray cols = Nd4j.rand(DataType.FLOAT, 2, 3, 3, 3, 14, 14);
        INDArray expected = Nd4j.create(DataType.FLOAT, 2, 3, 28, 28);
        Convolution.col2im(cols, expected, 2, 2, 0, 0, 28, 28, 1, 1);
        INDArray actual = Nd4j.create(DataType.FLOAT, 2, 3, 28, 28);
        assertTrue(ColumnsMath.col2im(cols, 2, 2, 0, 0, 1, 1, actual));
        assertTrue(expected.equalsWithEps(actual, 1e-6));
    }

    @Test
    void declinesOtherTypesAndLayouts() {
        INDArray cols = Nd4j.create(DataType.FLOAT, 1, 1, 3, 3, 2, 2);
        assertFalse(ColumnsMath.im2col(Nd4j.rand(DataType.DOUBLE, 1, 1, 4, 4), 1, 1, 0, 0, 1, 1, false, cols));
        assertFalse(ColumnsMath.im2col(Nd4j.rand(DataType.FLOAT, 1, 1, 4, 4).dup('f'), 1, 1, 0, 0, 1, 1, false,
                cols));
        assertFalse(ColumnsMath.im2col(Nd4j.rand(DataType.FLOAT, 1, 2, 4, 4), 1, 1, 0, 0, 1, 1, false, cols),
                "channel counts differ");
        assertFalse(ColumnsMath.col2im(cols, 1, 1, 0, 0, 1, 1, Nd4j.create(DataType.DOUBLE, 1, 1, 4, 4)));
    }

    /** The batch-inner layouts {@code [c, kH, kW, b, oH, oW]} are ND4J's columns permuted, in both directions. */
    @Test
    void batchInnerColumnsArePermutedNd4jColumns() {
        for (int[] c : CASES) {
            boolean same = c[8] == 1;
            INDArray[] ic = imageAndNd4jColumns(c);
            INDArray image = ic[0];
            INDArray cols = ic[1];
            long[] n = cols.shape(); // [b, c, kH, kW, oH, oW]
            INDArray inner = Nd4j.valueArrayOf(new long[] {n[1], n[2], n[3], n[0], n[4], n[5]}, 7f, DataType.FLOAT);
            assertTrue(ColumnsMath.im2col(image, c[5], c[5], c[6], c[6], c[7], c[7], same, inner, true));
            assertEquals(cols.permute(1, 2, 3, 0, 4, 5), inner, "im2col " + java.util.Arrays.toString(c));
            if (same) {
                continue;
            }
            INDArray expected = Nd4j.create(DataType.FLOAT, c[0], c[1], c[2], c[3]);
            Convolution.col2im(cols, expected, c[5], c[5], c[6], c[6], c[2], c[3], c[7], c[7]);
            INDArray actual = Nd4j.valueArrayOf(new long[] {c[0], c[1], c[2], c[3]}, 7f, DataType.FLOAT);
            assertTrue(ColumnsMath.col2im(inner, c[5], c[5], c[6], c[6], c[7], c[7], actual, true));
            assertTrue(expected.equalsWithEps(actual, 1e-6), "col2im " + java.util.Arrays.toString(c));
        }
        INDArray image = Nd4j.rand(DataType.FLOAT, 2, 3, 5, 5);
        assertFalse(ColumnsMath.im2col(image, 1, 1, 0, 0, 1, 1, false, Nd4j.create(DataType.FLOAT, 2, 3, 3, 3, 3, 3),
                true), "batch-inner columns of the wrong shape");
    }

    /** [b, c, hw] to [c, b, hw] and back, with a bias per channel and a second copy; rank 2; inputs it refuses. */
    @Test
    void swapBatchAndChannelsPermutesAndAddsTheBias() {
        INDArray x = Nd4j.rand(DataType.FLOAT, 3, 4, 2, 5);
        INDArray bias = Nd4j.rand(DataType.FLOAT, 1, 4);
        INDArray t = Nd4j.create(DataType.FLOAT, 4, 3, 10);
        assertTrue(ColumnsMath.swapBatchAndChannels(x, t, 3, 4, true, null, null));
        assertEquals(x.reshape(3, 4, 10).permute(1, 0, 2), t);
        INDArray back = Nd4j.create(DataType.FLOAT, 3, 4, 2, 5);
        INDArray copy = Nd4j.create(DataType.FLOAT, 3, 4, 2, 5);
        assertTrue(ColumnsMath.swapBatchAndChannels(t, back, 3, 4, false, bias, copy));
        INDArray expected = x.add(bias.reshape(1, 4, 1, 1));
        assertTrue(expected.equalsWithEps(back, 1e-7));
        assertEquals(back, copy);
        INDArray withBias = Nd4j.create(DataType.FLOAT, 4, 3, 10);
        assertTrue(ColumnsMath.swapBatchAndChannels(x, withBias, 3, 4, true, bias, null));
        assertTrue(expected.reshape(3, 4, 10).permute(1, 0, 2).equalsWithEps(withBias, 1e-7));
        INDArray m = Nd4j.rand(DataType.FLOAT, 6, 4);
        INDArray mt = Nd4j.create(DataType.FLOAT, 4, 6);
        assertTrue(ColumnsMath.swapBatchAndChannels(m, mt, 6, 4, true, null, null));
        assertEquals(m.transpose(), mt);
        assertFalse(ColumnsMath.swapBatchAndChannels(x, Nd4j.create(DataType.FLOAT, 4, 3, 9), 3, 4, true, null,
                null), "lengths differ");
        assertFalse(ColumnsMath.swapBatchAndChannels(x.castTo(DataType.DOUBLE), t, 3, 4, true, null, null), "double");
        assertFalse(ColumnsMath.swapBatchAndChannels(x, t, 3, 4, true, Nd4j.rand(DataType.FLOAT, 1, 3), null),
                "bias of another length");
    }
}
