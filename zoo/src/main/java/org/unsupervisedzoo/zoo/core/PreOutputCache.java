package org.unsupervisedzoo.zoo.core;

import java.util.Arrays;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A copy of a layer's pre-activation {@code z = x W + b} from a training forward pass, handed once to the backward
 * pass (or the score) so that the layer does not compute the same matrix product again. DL4J 1.0.0-M2.1's dense,
 * output and transposed-convolution layers recompute {@code z} in {@code backpropGradient} (and the output layer once
 * more for the score): a third to a half more matrix work per training step than a forward and a backward pass need.
 *
 * <p>The copy lives in one buffer outside ND4J's workspaces, reused while the shape stays the same. It is valid for
 * one use, and only for the input array it was computed from: a new input ({@code setInput}), {@code clear()} or
 * an inference pass drops it, so a stale {@code z} is never used; without a valid copy the layer computes {@code z}
 * as DL4J does.
 */
public final class PreOutputCache {
    private INDArray[] buffers = new INDArray[0];
    /** Whether {@code buffers} are the caller's ({@link #keepAll}): never written here. */
    private boolean borrowed;
    private Object input;
    private boolean valid;
    private long reused;

    /** Keeps a copy of {@code z}, computed from {@code input}. */
    public void store(INDArray z, Object input) {
        storeAll(input, z);
    }

    /** Keeps copies of {@code arrays} (e.g. an activation and its derivatives), all computed from {@code input}. */
    public void storeAll(Object input, INDArray... arrays) {
        if (buffers.length != arrays.length || borrowed) {
            buffers = new INDArray[arrays.length];
            borrowed = false;
        }
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            for (int i = 0; i < arrays.length; i++) {
                INDArray z = arrays[i];
                INDArray buffer = buffers[i];
                if (buffer == null || buffer.dataType() != z.dataType() || !Arrays.equals(buffer.shape(), z.shape())
                        || buffer.ordering() != z.ordering()) {
                    buffers[i] = Nd4j.createUninitialized(z.dataType(), z.shape(), z.ordering());
                }
                buffers[i].assign(z);
            }
        }
        this.input = input;
        this.valid = true;
    }

    /**
     * Keeps {@code arrays} themselves, computed from {@code input}: buffers outside workspaces that the caller owns
     * and writes only in its next training forward pass (which keeps them again), so no copy is needed.
     */
    public void keepAll(Object input, INDArray... arrays) {
        buffers = arrays.clone();
        borrowed = true;
        this.input = input;
        this.valid = true;
    }

    /** The stored copy if it was computed from {@code input} and not used yet, else null; it is used up. */
    public INDArray take(Object input) {
        INDArray[] all = takeAll(input);
        return all == null ? null : all[0];
    }

    /** The stored copies if they were computed from {@code input} and not used yet, else null; they are used up. */
    public INDArray[] takeAll(Object input) {
        if (!valid || this.input != input) {
            invalidate();
            return null;
        }
        invalidate();
        reused++;
        return buffers;
    }

    /** How many times a stored copy was used instead of a new matrix product. */
    public long reused() {
        return reused;
    }

    public void invalidate() {
        valid = false;
        input = null;
    }
}
