package org.unsupervisedzoo.zoo.core;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.graph.vertex.VertexIndices;
import org.deeplearning4j.nn.graph.vertex.impl.LayerVertex;
import org.deeplearning4j.nn.graph.vertex.impl.MergeVertex;

/**
 * Skips the error for the network's input in the zoo's layers that read it directly. DL4J 1.0.0-M2.1 computes
 * every layer's error for the layer below, also when below is the data, where it is thrown away: for a first dense
 * layer {@code 784 -> n} that is a {@code [batch, n] x [n, 784]} product per step (7-15% of the step of the zoo's
 * dense autoencoders), which PyTorch does not compute for inputs without {@code requires_grad}.
 *
 * <p>{@link #skipAtNetworkInputs} marks, in a graph, each zoo layer ({@link Optional}) whose inputs are all network
 * inputs read by no other vertex and which has no input preprocessor; its backprop then returns no error
 * ({@code null}, as DL4J's own embedding layer does). (Where another vertex reads the same input, as the M2 model's
 * classifier and encoder both read the digits, DL4J adds the errors the readers return and fails on a missing one.) A layer that reads a {@code MergeVertex} of network inputs (the RBM's data and particles)
 * is marked when it returns a zero error instead ({@link Optional#zerosWhenNotNeeded()}): the merge vertex splits
 * whatever error it gets, and DL4J throws the pieces away. Parameter gradients are unchanged (test). The zoo's
 * factories apply it in {@code init()}; a graph built otherwise (restored from a file, made from JSON) computes the
 * error as DL4J does. Not for graphs whose input gradient you read (e.g. from the input vertex's epsilon for saliency
 * maps): use {@link #restore}.
 */
public final class InputGradients {
    private InputGradients() {
    }

    /** A zoo layer runtime that can skip its input error. */
    public interface Optional {
        /** The layer's flag (one {@link Flag} per layer runtime). */
        Flag inputGradientFlag();

        /** False: backprop returns no error for the layer below (it is the network's input). */
        default void setInputGradientNeeded(boolean needed) {
            inputGradientFlag().needed = needed;
        }

        default boolean isInputGradientNeeded() {
            return inputGradientFlag().needed;
        }

        /**
         * True for a layer that, when its error is not needed, returns zeros instead of no error: only such layers
         * are marked behind a {@code MergeVertex} (DL4J's merge vertex fails on a missing error).
         */
        default boolean zerosWhenNotNeeded() {
            return false;
        }
    }

    /** Whether a layer computes the error for the layer below (true unless {@link #skipAtNetworkInputs} marks it). */
    public static final class Flag {
        private boolean needed = true;

        /** True: the layer computes its input error. */
        public boolean needed() {
            return needed;
        }
    }

    /** Marks the layers described above; returns their names. */
    public static java.util.List<String> skipAtNetworkInputs(ComputationGraph graph) {
        java.util.List<String> marked = new java.util.ArrayList<>();
        GraphVertex[] vertices = graph.getVertices();
        for (GraphVertex v : vertices) {
            if (!(v instanceof LayerVertex) || !(v.getLayer() instanceof Optional) || v.getInputVertices() == null
                    || ((LayerVertex) v).getLayerPreProcessor() != null) {
                continue;
            }
            boolean zeros = ((Optional) v.getLayer()).zerosWhenNotNeeded();
            boolean fromInputs = true;
            for (VertexIndices in : v.getInputVertices()) {
                GraphVertex below = vertices[in.getVertexIndex()];
                // a network input read by other vertices too: DL4J adds their errors to this layer's, and fails on
                // a missing one, so only a layer that returns zeros may skip it there
                boolean alone = below.getOutputVertices() != null && below.getOutputVertices().length == 1;
                fromInputs &= below.isInputVertex() && (alone || zeros) || zeros && below instanceof MergeVertex
                        && onlyNetworkInputs(below, vertices);
            }
            if (fromInputs) {
                ((Optional) v.getLayer()).setInputGradientNeeded(false);
                marked.add(v.getVertexName());
            }
        }
        return marked;
    }

    private static boolean onlyNetworkInputs(GraphVertex v, GraphVertex[] vertices) {
        if (v.getInputVertices() == null) {
            return false;
        }
        for (VertexIndices in : v.getInputVertices()) {
            if (!vertices[in.getVertexIndex()].isInputVertex()) {
                return false;
            }
        }
        return true;
    }

    /** Undoes {@link #skipAtNetworkInputs}: every zoo layer computes its input error again. */
    public static void restore(ComputationGraph graph) {
        for (GraphVertex v : graph.getVertices()) {
            if (v.getLayer() instanceof Optional) {
                ((Optional) v.getLayer()).setInputGradientNeeded(true);
            }
        }
    }
}
