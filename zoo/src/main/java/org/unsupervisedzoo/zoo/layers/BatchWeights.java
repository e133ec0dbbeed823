package org.unsupervisedzoo.zoo.layers;

import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A (transposed) convolution's weights repeated over the minibatch, {@code [b, rows, rest]}, for the batched
 * products of {@link CachedConvolutionLayer} and {@link CachedDeconvolution2D}: one buffer kept outside workspaces
 * and refilled by one broadcast copy on every forward pass. The backward pass reads it again only where the layer's
 * {@link PreOutputCache} holds the forward pass of the same input (or has just run it again): then the buffer was
 * filled by that pass, with the same weights. It was built twice per step by two passes each (zeros, then a
 * row-vector add): 590,000 floats per pass for the conv AE's 16-32 channel layers.
 */
final class BatchWeights {
    private INDArray buffer;

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

    /** The buffer as the last {@link #fill} of {@code w} left it, {@code [b, rows, rest]}. */
    INDArray filled(INDArray w) {
        long rows = w.size(0);
        return buffer.reshape('c', buffer.size(0), rows, w.length() / rows);
    }
}
