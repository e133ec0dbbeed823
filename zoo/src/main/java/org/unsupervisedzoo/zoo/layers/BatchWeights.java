package org.unsupervisedzoo.zoo.layers;

import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A (transposed) convolution's weights repeated over the minibatch, {@code [b, rows, rest]}, for the batched
 * products of {@link CachedConvolutionLayer} and {@link CachedDeconvolution2D}: one buffer kept outside workspaces
 * and refilled by one broadcast copy on every forward pass; the backward pass of the same training forward pass
 * (the same input array, once) reuses it, as the weights have not changed in between. It was built twice per step
 * by two passes each (zeros, then a row-vector add): 590,000 floats per pass for the conv AE's 16-32 channel layers.
 */
final class BatchWeights {
    private INDArray buffer;
    private Object key;

    /** Fills the buffer with {@code w} repeated {@code b} times; {@code key}: the training input, or null. */
    INDArray fill(INDArray w, long b, Object key) {
        long per = w.length();
        if (buffer == null || buffer.size(0) != b || buffer.size(1) != per || buffer.dataType() != w.dataType()) {
            try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                buffer = Nd4j.createUninitialized(w.dataType(), new long[] {b, per}, 'c');
            }
        }
        buffer.putiRowVector(w.reshape('c', 1, per)); // one broadcast copy
        this.key = key;
        return shaped(w);
    }

    /** The buffer filled by the forward pass of {@code key}, used up; else filled anew. */
    INDArray reuse(INDArray w, long b, Object key) {
        if (key != null && key == this.key && buffer != null && buffer.size(0) == b
                && buffer.size(1) == w.length() && buffer.dataType() == w.dataType()) {
            this.key = null;
            return shaped(w);
        }
        return fill(w, b, null);
    }

    void invalidate() {
        key = null;
    }

    private INDArray shaped(INDArray w) {
        long rows = w.size(0);
        return buffer.reshape('c', buffer.size(0), rows, w.length() / rows);
    }
}
