package org.unsupervisedzoo.zoo.core;

import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A contiguous float array's elements as a {@link FloatBuffer}, for Java passes that copy chunks of it into small
 * heap arrays in bulk and loop over them (the JIT compiles such loops to vector instructions; ND4J 1.0.0-M2.1's
 * element-wise ops pay 5-50 us of fixed cost each and some, e.g. {@code sqrt}, run at about 4 ns per float).
 */
public final class FloatViews {
    /** Scratch slots per thread: a pass uses at most this many arrays at once. */
    public static final int SLOTS = 6;
    /** Heap scratch arrays of the calling thread for the Java passes, by slot (see {@link #scratch}). */
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[SLOTS][]);

    private FloatViews() {
    }

    /**
     * A float array of at least {@code length} elements, owned by the calling thread and reused by every pass that asks
     * for the same {@code slot} (its contents are left from the last use). The Java passes run several times per
     * training step: new arrays each time were most of the step's Java-heap allocation (and so of its garbage
     * collections, BENCHMARKS.md). A pass must not call another pass while it holds a slot.
     */
    public static float[] scratch(int slot, int length) {
        float[][] slots = SCRATCH.get();
        float[] a = slots[slot];
        if (a == null || a.length < length) {
            a = new float[length];
            slots[slot] = a;
        }
        return a;
    }

    /**
     * The buffer whose element {@code position() + i} is the array's element {@code i} in its ordering, or null where
     * that does not hold (not float, not contiguous, over 2^30 elements, a buffer ND4J cannot expose).
     */
    public static FloatBuffer of(INDArray a) {
        if (a == null || a.dataType() != DataType.FLOAT || a.length() > Integer.MAX_VALUE / 2
                || a.elementWiseStride() != 1) {
            return null;
        }
        FloatBuffer b = a.data().asNioFloat();
        if (b == null || b.position() != a.offset() || b.capacity() - b.position() < a.length()) {
            return null;
        }
        return b;
    }
}
