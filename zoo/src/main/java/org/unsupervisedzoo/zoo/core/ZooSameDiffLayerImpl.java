package org.unsupervisedzoo.zoo.core;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.samediff.SameDiffLayer;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Runtime side of a {@link ZooSameDiffLayer}: DL4J 1.0.0-M2.1's SameDiff layer returned exactly twice the true
 * gradient, for its own parameters and for everything upstream (a gradient check of a layer computing
 * {@code 3x} failed with relative error 1/3 on every parameter). Halving the incoming epsilon gives the true
 * gradient; the zoo's gradient checks in DOUBLE precision hold this in place.
 */
public class ZooSameDiffLayerImpl extends SameDiffLayer {
    public ZooSameDiffLayerImpl(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        return super.backpropGradient(epsilon.mul(0.5), workspaceMgr);
    }
}
