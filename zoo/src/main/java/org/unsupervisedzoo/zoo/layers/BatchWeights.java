package org.unsupervisedzoo.zoo.layers;

import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A (transposed) convolution's weights repeated over the minibatch, {@code [b, rows, rest]}, for the batched
 * products of {@link CachedConvolutionLayer} and {@link CachedDeconvolution2D}: one buffer kept outside workspaces
 * and refilled by one broadcast copy on every forward pass. The backward pass reads it again only where the layer's
 * {@link PreOutputCache} holds the forward pass of the same input (or has just run it again): then the buffer was
 * filled by that pass, with the same weights. It was built twice per step by two passes each (zeros, then a
 * row-vector add): 590,000 floats per pass for the conv AE's 16-32 channel layers. {@link #sumInto} sums the
 * per-image weight gradients of the backward pass.
 */
final class BatchWeights {
    private INDArray buffer;
    /** A row of ones {@code [1, b]} for {@link #sumInto}, outside workspaces. */
    private INDArray ones;

    /**
     * Images per batched product: the buffer holds at most this many copies of the weights, so a large inference
     * batch does not replicate them per image (at 1,000 images, 18 MB for each of the conv AE's 32 x 16 x 3 x 3
     * layers).
     */
    static final int CHUNK = 128;

    /**
     * {@code out3[i] = W x in3[i]} (or {@code W^T x in3[i]} with {@code transposeW}) for every image {@code i}, with
     * {@code W} the weights as {@code [rows, rest]}, in batched products of at most {@link #CHUNK} images into
     * {@code out3}. {@code refill}: copy {@code w} into the buffer first (the forward pass); without it the buffer is
     * as the forward pass of the same input left it (see the class comment).
     */
    INDArray product(INDArray w, INDArray in3, INDArray out3, boolean transposeW, boolean refill) {
        long b = in3.size(0);
        long chunk = Math.min(b, CHUNK);
        INDArray weights = refill ? fill(w, chunk) : filled(w);
        if (weights.size(0) != chunk) {
            throw new IllegalStateException("batch weights hold " + weights.size(0) + " copies, the product needs "
                    + chunk);
        }
        if (chunk == b) {
            Nd4j.matmul(weights, in3, out3, transposeW, false, false);
            return out3;
        }
        for (long s = 0; s < b; s += chunk) {
            long e = Math.min(b, s + chunk);
            INDArray wv = e - s == chunk ? weights
                    : weights.get(NDArrayIndex.interval(0, e - s), NDArrayIndex.all(), NDArrayIndex.all());
            Nd4j.matmul(wv, in3.get(NDArrayIndex.interval(s, e), NDArrayIndex.all(), NDArrayIndex.all()),
                    out3.get(NDArrayIndex.interval(s, e), NDArrayIndex.all(), NDArrayIndex.all()), transposeW, false,
                    false);
        }
        return out3;
    }

    /** Fills the buffer with {@code w} repeated {@code b} times and returns it as {@code [b, rows, rest]}. */
    INDArray fill(INDArray w, long b) {
        long per = w.length();
        if (buffer == null || buffer.size(0) != b || buffer.size(1) != per || buffer.dataType() != w.dataType()) {
            try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                buffer = Nd4j.createUninitialized(w.dataType(), new long[] {b, per}, 'c');
            }
        }
        buffer.putiRowVector(w.reshape('c', 1, per)); // one broadcast copy
        return filled(w);
    }

    /**
     * {@code into = sum_b perImage[b]} for the per-image weight gradients {@code [b, rows, rest]} of a batched
     * product, as one product {@code 1^T [b, rows rest]} written straight into {@code into} (a contiguous 'c' array
     * of {@code rows rest} elements, e.g. the gradient view): ND4J's {@code sum(0)} over the batch axis and the copy
     * into the view took 1.1-1.5 ms for the conv AE's 32 x 144 weights at batch 128, the product 0.3-0.4 ms.
     * Other layouts take {@code sum(0)} and {@code assign}.
     */
    void sumInto(INDArray perImage, INDArray into) {
        long b = perImage.size(0);
        long per = perImage.length() / b;
        if (into.ordering() != 'c' || into.elementWiseStride() != 1 || into.length() != per
                || into.dataType() != perImage.dataType() || perImage.ordering() != 'c'
                || perImage.elementWiseStride() != 1) {
            into.assign(perImage.sum(0).reshape(into.shape()));
            return;
        }
        if (ones == null || ones.length() != b || ones.dataType() != perImage.dataType()) {
            try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                ones = Nd4j.ones(perImage.dataType(), 1, b);
            }
        }
        Nd4j.gemm(ones, perImage.reshape('c', b, per), into.reshape('c', 1, per), false, false, 1.0, 0.0);
    }

    /** The buffer as the last {@link #fill} of {@code w} left it, {@code [b, rows, rest]}. */
    INDArray filled(INDArray w) {
        long rows = w.size(0);
        return buffer.reshape('c', buffer.size(0), rows, w.length() / rows);
    }
}
