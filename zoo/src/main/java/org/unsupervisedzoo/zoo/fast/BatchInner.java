package org.unsupervisedzoo.zoo.fast;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.convolution.Convolution;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The "batch-inner" layout of {@link CachedConvolutionLayer} and {@link CachedDeconvolution2D}: columns
 * {@code [c, kH, kW, b, oH, oW]}, one matrix {@code [c kH kW, b oH oW]} for the whole minibatch, and activations
 * {@code [c, b, h w]}, so that each product of a (transposed) convolution is one matrix product over the minibatch
 * instead of a batched one with the weights copied per image. At the conv AE's sizes (batch 128, 16-32 channels,
 * 3 x 3 kernels) ND4J's batched product ran at 40-60% of the single product's speed and the weight gradient needed
 * a per-image product and a sum (BENCHMARKS.md). The Java passes of {@link ColumnsMath} do the layout work for
 * contiguous float arrays; other arrays (e.g. DOUBLE in the gradient checks) take ND4J's ops and permuted copies,
 * the same maths.
 */
final class BatchInner {
    private BatchInner() {
    }

    /** im2col of {@code image [b, c, h, w]} into {@code cols [c, kH, kW, b, oH, oW]}. */
    static void im2col(INDArray image, ConvGeometry g, long kH, long kW, long oH, long oW, int pH, int pW,
                       INDArray cols) {
        if (ColumnsMath.im2col(image, g.sH, g.sW, pH, pW, g.dH, g.dW, g.same, cols, true)) {
            return;
        }
        INDArray natural = Nd4j.createUninitialized(cols.dataType(), new long[] {image.size(0), image.size(1), kH,
            kW, oH, oW}, 'c');
        Convolution.im2col(image, (int) kH, (int) kW, g.sH, g.sW, pH, pW, g.dH, g.dW, g.same, natural);
        cols.assign(natural.permute(1, 2, 3, 0, 4, 5));
    }

    /** col2im of {@code cols [c, kH, kW, b, oH, oW]} into {@code image [b, c, h, w]} (overwritten). */
    static void col2im(INDArray cols, ConvGeometry g, int pH, int pW, INDArray image) {
        if (ColumnsMath.col2im(cols, g.sH, g.sW, pH, pW, g.dH, g.dW, image, true)) {
            return;
        }
        INDArray natural = cols.permute(3, 0, 1, 2, 4, 5).dup('c');
        image.assign(0);
        Convolution.col2im(natural, image, g.sH, g.sW, pH, pW, (int) image.size(2), (int) image.size(3), g.dH, g.dW);
    }

    /**
     * {@code dst [c, b, hw] = src [b, c, hw] (+ bias[c])} ({@code toBatchInner}) or the reverse; {@code also}, when
     * not null, gets a copy of {@code dst}.
     */
    static void swap(INDArray src, INDArray dst, long batch, long channels, boolean toBatchInner, INDArray bias,
                     INDArray also) {
        if (ColumnsMath.swapBatchAndChannels(src, dst, (int) batch, (int) channels, toBatchInner, bias, also)) {
            return;
        }
        long hw = src.length() / (batch * channels);
        long[] from = toBatchInner ? new long[] {batch, channels, hw} : new long[] {channels, batch, hw};
        INDArray d3 = dst.reshape('c', from[1], from[0], hw);
        d3.assign(src.reshape('c', from).permute(1, 0, 2));
        if (bias != null) {
            Nd4j.exec(new BroadcastAddOp(d3, bias.reshape(channels).castTo(d3.dataType()), d3, toBatchInner ? 0 : 1));
        }
        if (also != null) {
            also.assign(dst);
        }
    }

    /** Images per product at inference: a large evaluation batch does not make columns for all its images at once. */
    static final int INFERENCE_CHUNK = 128;

    /** Images {@code [from, to)} of a 'c' array {@code [b, ...]}: a contiguous view (the array itself for all). */
    static INDArray images(INDArray a, long from, long to) {
        if (from == 0 && to == a.size(0)) {
            return a;
        }
        INDArrayIndex[] idx = new INDArrayIndex[a.rank()];
        idx[0] = NDArrayIndex.interval(from, to);
        for (int i = 1; i < idx.length; i++) {
            idx[i] = NDArrayIndex.all();
        }
        return a.get(idx);
    }

    /**
     * A 'c' array of this shape over the start of {@code holder[0]}, a flat buffer outside workspaces that grows
     * when too small: one allocation for every chunk, the last shorter one included.
     */
    static INDArray over(INDArray[] holder, DataType type, long... shape) {
        long length = 1;
        for (long d : shape) {
            length *= d;
        }
        if (holder[0] == null || holder[0].dataType() != type || holder[0].length() < length) {
            try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                holder[0] = Nd4j.createUninitialized(type, new long[] {length}, 'c');
            }
        }
        return Nd4j.create(holder[0].data(), shape, Nd4j.getStrides(shape, 'c'), 0, 'c');
    }
}
