package org.unsupervisedzoo.zoo.core;

import java.nio.FloatBuffer;
import java.util.Arrays;
import org.deeplearning4j.nn.conf.graph.SubsetVertex;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.shade.jackson.annotation.JsonProperty;
import org.unsupervisedzoo.zoo.core.FloatViews;

/**
 * DL4J's {@link SubsetVertex} (columns {@code from..to} inclusive of its input, the same output type, JSON fields and
 * maths) whose forward and backward passes copy rows in bulk through heap arrays for contiguous 2-d float arrays.
 * DL4J's copies its strided column view element by element in ND4J (about 3 ns per float), and in the backward pass
 * zeroes a full-width array and then writes the error into it: 7% of the contractive AE's training step for its two
 * subsets of the {@code [h | q]} output (BENCHMARKS.md, fifth round). Other inputs take DL4J's path. Tests check both
 * passes against DL4J's vertex.
 */
public class ColumnSubsetVertex extends SubsetVertex {
    /**
     * @param from the first column, inclusive
     * @param to   the last column, inclusive
     */
    public ColumnSubsetVertex(@JsonProperty("from") int from, @JsonProperty("to") int to) {
        super(from, to);
    }

    @Override
    public ColumnSubsetVertex clone() {
        return new ColumnSubsetVertex(getFrom(), getTo());
    }

    @Override
    public boolean equals(Object o) {
        return o != null && o.getClass() == getClass() && super.equals(o);
    }

    @Override
    public int hashCode() {
        return 31 * super.hashCode() + 1;
    }

    @Override
    public String toString() {
        return "ColumnSubsetVertex(from=" + getFrom() + ", to=" + getTo() + ")";
    }

    @Override
    public org.deeplearning4j.nn.graph.vertex.GraphVertex instantiate(ComputationGraph graph, String name, int idx,
                                                                      INDArray paramsView, boolean initializeParams,
                                                                      DataType networkDatatype) {
        return new Impl(graph, name, idx, getFrom(), getTo(), networkDatatype);
    }

    /** The runtime: Java row copies where the input is a contiguous 2-d float array, else DL4J's vertex. */
    static final class Impl extends org.deeplearning4j.nn.graph.vertex.impl.SubsetVertex {
        private final int from;
        private final int to;
        /** The input's column count of the last Java forward pass; -1 when DL4J's pass ran. */
        private long inputColumns = -1;
        /** Java passes run (forward plus backward), for tests. */
        long javaPasses;

        Impl(ComputationGraph graph, String name, int vertexIndex, int from, int to, DataType dataType) {
            super(graph, name, vertexIndex, from, to, dataType);
            this.from = from;
            this.to = to;
        }

        private static boolean fast(INDArray a) {
            return a != null && a.rank() == 2 && a.ordering() == 'c' && FloatViews.of(a) != null;
        }

        @Override
        public INDArray doForward(boolean training, LayerWorkspaceMgr workspaceMgr) {
            INDArray in = inputs == null ? null : inputs[0];
            if (!fast(in) || to >= in.size(1)) {
                inputColumns = -1;
                return super.doForward(training, workspaceMgr);
            }
            int rows = (int) in.size(0);
            int cols = (int) in.size(1);
            int width = to - from + 1;
            INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT,
                    new long[] {rows, width}, 'c');
            FloatBuffer src = FloatViews.of(in);
            FloatBuffer dst = FloatViews.of(out);
            float[] row = FloatViews.scratch(0, width);
            for (int r = 0; r < rows; r++) {
                src.get(src.position() + r * cols + from, row, 0, width);
                dst.put(dst.position() + r * width, row, 0, width);
            }
            inputColumns = cols;
            javaPasses++;
            return out;
        }

        @Override
        public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr workspaceMgr) {
            if (inputColumns < 0) {
                return super.doBackward(tbptt, workspaceMgr); // after DL4J's forward pass
            }
            if (!fast(epsilon) || epsilon.size(1) != to - from + 1) { // as DL4J's backward pass
                INDArray out = workspaceMgr.create(ArrayType.ACTIVATION_GRAD, epsilon.dataType(),
                        epsilon.size(0), inputColumns);
                out.get(NDArrayIndex.all(), NDArrayIndex.interval(from, to, true)).assign(epsilon);
                return new Pair<>(null, new INDArray[] {out});
            }
            int rows = (int) epsilon.size(0);
            int cols = (int) inputColumns;
            int width = to - from + 1;
            INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, DataType.FLOAT,
                    new long[] {rows, cols}, 'c');
            FloatBuffer src = FloatViews.of(epsilon);
            FloatBuffer dst = FloatViews.of(out);
            float[] row = FloatViews.scratch(0, cols);
            Arrays.fill(row, 0, cols, 0f);
            for (int r = 0; r < rows; r++) {
                src.get(src.position() + r * width, row, from, width); // the columns outside stay 0
                dst.put(dst.position() + r * cols, row, 0, cols);
            }
            javaPasses++;
            return new Pair<>(null, new INDArray[] {out});
        }
    }
}
