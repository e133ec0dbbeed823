package org.unsupervisedzoo.zoo.core;

import org.deeplearning4j.nn.conf.dropout.IDropout;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.IActivation;

/** Short forms of DL4J's own layers as the zoo's factories declare them. */
public final class StockLayers {
    private StockLayers() {
    }

    /**
     * DL4J's dense layer {@code a = phi(x W + b)}, {@code [B, nIn] -> [B, nOut]}.
     *
     * @param nIn        input width (0: inferred from the graph's input types)
     * @param nOut       output width
     * @param activation phi
     * @param dropout    input dropout or corruption while training, or null
     */
    public static DenseLayer dense(long nIn, long nOut, Activation activation, IDropout dropout) {
        return dense(nIn, nOut, activation.getActivationFunction(), dropout);
    }

    /** A dense layer with any activation function (e.g. a custom {@link IActivation}). */
    public static DenseLayer dense(long nIn, long nOut, IActivation activation, IDropout dropout) {
        DenseLayer.Builder b = new DenseLayer.Builder().nIn(nIn).nOut(nOut).activation(activation);
        if (dropout != null) {
            b.dropOut(dropout);
        }
        return b.build();
    }
}
