package org.unsupervisedzoo.zoo.core;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The wiring every zoo layer configuration (SameDiff, penalty head or fast layer) does in {@code instantiate}, once. */
public final class Runtimes {
    private Runtimes() {
    }

    /** Gives the runtime layer {@code ret} its index, parameter view, parameter table and configuration. */
    public static <L extends Layer> L wire(L ret, org.deeplearning4j.nn.conf.layers.Layer layerConf,
                                           NeuralNetConfiguration conf,
                                           int layerIndex, INDArray layerParamsView, boolean initializeParams) {
        ret.setIndex(layerIndex);
        ret.setParamsViewArray(layerParamsView);
        ret.setParamTable(layerConf.initializer().init(conf, layerParamsView, initializeParams));
        ret.setConf(conf);
        return ret;
    }
}
