package org.unsupervisedzoo.zoo.core;

import java.util.Collection;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.samediff.SameDiffLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Base of the zoo's custom SameDiff layers (layers inside a graph, with parameters). It instantiates
 * {@link ZooSameDiffLayerImpl}, which corrects DL4J 1.0.0-M2.1's doubled SameDiff-layer gradient. Note also
 * that {@code defineLayer} receives no training flag, so nothing random or train-only belongs inside it:
 * noise is drawn in Java and fed in.
 *
 * <p>Subclasses need a no-arg constructor and a getter and setter for every hyper-parameter (Jackson).
 */
public abstract class ZooSameDiffLayer extends SameDiffLayer {
    protected ZooSameDiffLayer() {
    }

    protected ZooSameDiffLayer(Builder<?> builder) {
        super(builder);
    }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf,
            Collection<TrainingListener> trainingListeners, int layerIndex, INDArray layerParamsView,
            boolean initializeParams, DataType networkDataType) {
        return Runtimes.wire(new ZooSameDiffLayerImpl(conf, networkDataType), this, conf, layerIndex, layerParamsView,
                initializeParams);
    }
}
