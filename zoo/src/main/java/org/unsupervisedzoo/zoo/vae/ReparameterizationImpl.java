package org.unsupervisedzoo.zoo.vae;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.AbstractLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The runtime of {@link ReparameterizationLayer} without SameDiff: {@code z = mu + exp(logvar / 2) * eps} on the
 * input {@code [mu | logvar | eps]} ({@code [B, 3L] -> [B, L]}) and its gradient written out,
 * <pre>
 *   dL/dmu = g,   dL/dlogvar = g * eps * exp(logvar / 2) / 2,   dL/deps = g * exp(logvar / 2)   (g = dL/dz).
 * </pre>
 * A handful of element-wise ND4J ops: the SameDiff runtime of the same formula cost about 2 ms per training step
 * in fixed overhead (its own session, placeholders and copies; BENCHMARKS.md), more than the arithmetic. The
 * layer's {@code defineLayer} stays the reference definition; a test checks that both give the same outputs and
 * gradients.
 */
public class ReparameterizationImpl extends AbstractLayer<ReparameterizationLayer> {
    public ReparameterizationImpl(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    private INDArray part(int i) {
        long l = layerConf().getLatentSize();
        return input.get(NDArrayIndex.all(), NDArrayIndex.interval(i * l, (i + 1) * l));
    }

    private void checkInput() {
        long l = layerConf().getLatentSize();
        if (input.rank() != 2 || input.size(1) != 3 * l) {
            throw new IllegalArgumentException("ReparameterizationLayer " + layerId() + ": expected input [B, "
                    + 3 * l + "] ([mu | logvar | eps], latentSize " + l + "), got "
                    + java.util.Arrays.toString(input.shape()));
        }
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        checkInput();
        INDArray z = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, input.dataType(),
                new long[] {input.size(0), layerConf().getLatentSize()}, 'c');
        // z = exp(0.5 logvar) * eps + mu
        z.assign(Transforms.exp(part(1).mul(0.5), false).muli(part(2)).addi(part(0)));
        return z;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        checkInput();
        long l = layerConf().getLatentSize();
        INDArray std = Transforms.exp(part(1).mul(0.5), false);
        INDArray dIn = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, input.dataType(), input.shape(),
                'c');
        dIn.get(NDArrayIndex.all(), NDArrayIndex.interval(0, l)).assign(epsilon);
        dIn.get(NDArrayIndex.all(), NDArrayIndex.interval(l, 2 * l)).assign(epsilon.mul(part(2)).muli(std).muli(0.5));
        dIn.get(NDArrayIndex.all(), NDArrayIndex.interval(2 * l, 3 * l)).assign(epsilon.mul(std));
        return new Pair<>(new DefaultGradient(), dIn);
    }

    @Override
    public double calcRegularizationScore(boolean backpropParamsOnly) {
        return 0;
    }

    @Override
    public Type type() {
        return Type.FEED_FORWARD;
    }

    @Override
    public boolean isPretrainLayer() {
        return false;
    }

    @Override
    public void clearNoiseWeightParams() {
        // no parameters
    }

    @Override
    public INDArray params() {
        return null;
    }
}
