package org.unsupervisedzoo.zoo.fast;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.layers.FrozenLayerWithBackprop;

/**
 * A zoo layer runtime that can run behind DL4J's {@code FrozenLayerWithBackprop}, as every layer of a GAN's
 * discriminator does in the combined graph that trains the generator (and the adversarial autoencoder's in its).
 *
 * <p>DL4J 1.0.0-M2.1's wrapper runs the inside layer's forward pass in inference mode ({@code activate(false)}) also
 * while the graph trains, then its backward pass, and zeroes the parameter gradient the inside layer computed. The
 * zoo's layers keep a forward pass's arrays for the backward pass only in training mode, so behind the wrapper every
 * backward pass fell to DL4J's own code, which computes the forward products again (46% of the DCGAN's step in a
 * deep profile, {@code bench-torch --profile deep}), and the parameter gradients were computed to be thrown away.
 *
 * <p>{@link #mark} ({@link Accelerate#speedUp}) marks the zoo layers inside such wrappers. A marked layer keeps its
 * forward arrays behind the wrapper too, for minibatches of up to {@link #KEEP_LIMIT} examples (a larger inference
 * batch is computed in chunks, as before), and its backward pass computes only the error for the layer below. A
 * layer with dropout is left to DL4J's code: DL4J's backward pass behind the wrapper draws a dropout mask the
 * forward pass never used, which the zoo does not imitate. The error that reaches G is unchanged (the DOUBLE gradient
 * checks of {@code GanGradientCheckTest} run through marked layers; {@code FrozenBackpropTest}).
 */
public interface FrozenBackprop {
    /** The largest minibatch whose forward arrays a marked layer keeps when run in inference mode. */
    int KEEP_LIMIT = 512;

    /** The layer's mark (one {@link Flag} per layer runtime). */
    Flag frozenBackpropFlag();

    /** True: the layer runs behind a {@code FrozenLayerWithBackprop} (set by {@link #mark}). */
    default void setFrozenWithBackprop(boolean frozen) {
        frozenBackpropFlag().frozen = frozen;
    }

    /** Whether {@link #mark} marked the layer. */
    default boolean isFrozenWithBackprop() {
        return frozenBackpropFlag().frozen;
    }

    /**
     * Whether a forward pass keeps its arrays for a backward pass: in training, and behind the wrapper (inference
     * mode, a backward pass follows) for a minibatch of up to {@link #KEEP_LIMIT} without dropout.
     */
    default boolean keepsForward(boolean training, long batch, org.deeplearning4j.nn.conf.dropout.IDropout dropout) {
        return training || isFrozenWithBackprop() && dropout == null && batch <= KEEP_LIMIT;
    }

    /** A layer runtime's mark. */
    final class Flag {
        private boolean frozen;
    }

    /** Marks the zoo layers behind {@code FrozenLayerWithBackprop} wrappers in {@code graph}; returns their names. */
    static List<String> mark(ComputationGraph graph) {
        List<String> marked = new ArrayList<>();
        for (GraphVertex v : graph.getVertices()) {
            Layer layer = v.hasLayer() ? v.getLayer() : null;
            if (layer instanceof FrozenLayerWithBackprop
                    && ((FrozenLayerWithBackprop) layer).getInsideLayer() instanceof FrozenBackprop) {
                ((FrozenBackprop) ((FrozenLayerWithBackprop) layer).getInsideLayer()).setFrozenWithBackprop(true);
                marked.add(v.getVertexName());
            }
        }
        return marked;
    }
}
