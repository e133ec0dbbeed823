package org.unsupervisedzoo.zoo.layers;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The wiring every zoo layer configuration (SameDiff or cached) does in {@code instantiate}, once. */
final class Runtimes {
    private Runtimes() {
    }

    /** Gives the runtime layer {@code ret} its index, parameter view, parameter table and configuration. */
    static <L extends Layer> L wire(L ret, org.deeplearning4j.nn.conf.layers.Layer layerConf,
                                    NeuralNetConfiguration conf,
                                    int layerIndex, INDArray layerParamsView, boolean initializeParams) {
        ret.setIndex(layerIndex);
        ret.setParamsViewArray(layerParamsView);
        ret.setParamTable(layerConf.initializer().init(conf, layerParamsView, initializeParams));
        ret.setConf(conf);
        return ret;
    }

    /**
     * The checks every cached layer configuration makes in {@code instantiate}: nIn and nOut set, and none of the DL4J
     * options it does not implement ({@code unsupported}, described by {@code what}; use {@code dl4jTwin} for them).
     */
    static void checkCached(FeedForwardLayer layerConf, int layerIndex, boolean unsupported, String what,
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
