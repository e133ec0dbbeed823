package org.unsupervisedzoo.zoo.core;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;

/** Parameters shared by name between graphs of one model (a GAN's or an adversarial autoencoder's parts). */
public final class GraphParameters {
    private GraphParameters() {
    }

    /**
     * Copies the parameters of every layer of {@code from} into the layer of the same name in {@code to}, where
     * there is one (a frozen copy included: its wrapper keeps the name). Layers without parameters are skipped.
     */
    public static void copyByName(ComputationGraph from, ComputationGraph to) {
        for (Layer l : from.getLayers()) {
            if (l.numParams() == 0) {
                continue;
            }
            String name = l.conf().getLayer().getLayerName();
            if (to.getConfiguration().getVertices().containsKey(name)) {
                to.getLayer(name).params().assign(l.params());
            }
        }
    }
}
