package org.unsupervisedzoo.zoo.fast;

import org.unsupervisedzoo.zoo.core.Runtimes;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.LayerValidation;

/** The checks every fast layer configuration makes in {@code instantiate}, once. */
final class CachedChecks {
    private CachedChecks() {
    }

    /**
     * nIn and nOut set, and none of the DL4J options the layer does not implement ({@code unsupported}, described by
     * {@code what}; use {@code dl4jTwin} for them).
     */
    static void check(FeedForwardLayer layerConf, int layerIndex, boolean unsupported, String what,
                      String dl4jTwin) {
        String kind = layerConf.getClass().getSimpleName();
        LayerValidation.assertNInNOutSet(kind, layerConf.getLayerName(), layerIndex, layerConf.getNIn(),
                layerConf.getNOut());
        if (unsupported) {
            throw new IllegalStateException(kind + " " + layerConf.getLayerName() + ": " + what
                    + " not supported; use DL4J's " + dl4jTwin);
        }
    }
}
