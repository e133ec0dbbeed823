package org.unsupervisedzoo.zoo.vae;

import java.util.Map;
import java.util.Objects;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams;
import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.unsupervisedzoo.zoo.core.ZooSameDiffLayer;

/**
 * The VAE reparameterization {@code z = mu + exp(logvar / 2) * eps} (Kingma &amp; Welling 2014), as a
 * parameter-free custom SameDiff layer.
 *
 * <p>Its input is {@code [mu | logvar | eps]}, {@code [batch, 3 * latentSize]}: the encoder's Gaussian
 * parameters merged with standard-normal noise that arrives as a second network input. The noise is drawn in
 * Java for each minibatch (fresh every batch, the same in the forward and the backward pass, reproducible from a
 * seed), because random ops inside DL4J 1.0.0-M2.1's SameDiff layers repeated the same draw and a layer gets no
 * training flag. Feeding {@code eps = 0} gives {@code z = mu} exactly: the encoder's mean at inference. The
 * gradient flows to {@code mu} and {@code logvar}; {@code eps} is data.
 */
public class ReparameterizationLayer extends ZooSameDiffLayer {
    private long latentSize;
    private boolean sameDiffRuntime;

    /** For JSON. */
    public ReparameterizationLayer() {
    }

    public ReparameterizationLayer(long latentSize) {
        if (latentSize <= 0) {
            throw new IllegalArgumentException("latentSize must be positive, got " + latentSize);
        }
        this.latentSize = latentSize;
    }

    @Override
    public SDVariable defineLayer(SameDiff sd, SDVariable in, Map<String, SDVariable> params, SDVariable mask) {
        long l = latentSize;
        SDVariable mu = in.get(SDIndex.all(), SDIndex.interval(0L, l));
        SDVariable logvar = in.get(SDIndex.all(), SDIndex.interval(l, 2 * l));
        SDVariable eps = in.get(SDIndex.all(), SDIndex.interval(2 * l, 3 * l));
        return mu.add(sd.math().exp(logvar.mul(0.5)).mul(eps));
    }

    /**
     * The runtime: {@link ReparameterizationImpl}, the same formula and gradient as {@link #defineLayer} written with
     * ND4J ops, without SameDiff's fixed cost per step. {@link #sameDiffRuntime} gives the SameDiff one.
     */
    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(org.deeplearning4j.nn.conf.NeuralNetConfiguration conf,
            java.util.Collection<org.deeplearning4j.optimize.api.TrainingListener> trainingListeners, int layerIndex,
            INDArray layerParamsView, boolean initializeParams, org.nd4j.linalg.api.buffer.DataType networkDataType) {
        if (sameDiffRuntime) {
            return super.instantiate(conf, trainingListeners, layerIndex, layerParamsView, initializeParams,
                    networkDataType);
        }
        ReparameterizationImpl ret = new ReparameterizationImpl(conf, networkDataType);
        ret.setListeners(trainingListeners);
        ret.setIndex(layerIndex);
        ret.setConf(conf);
        return ret;
    }

    /** True: run {@link #defineLayer} through SameDiff (the reference; slower). Default false. */
    public boolean isSameDiffRuntime() {
        return sameDiffRuntime;
    }

    public void setSameDiffRuntime(boolean sameDiffRuntime) {
        this.sameDiffRuntime = sameDiffRuntime;
    }

    @Override
    public void defineParameters(SDLayerParams params) {
        // none
    }

    @Override
    public void initializeParameters(Map<String, INDArray> params) {
        // none
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        return InputType.feedForward(latentSize);
    }

    public long getLatentSize() {
        return latentSize;
    }

    public void setLatentSize(long latentSize) {
        this.latentSize = latentSize;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ReparameterizationLayer && super.equals(o)
                && ((ReparameterizationLayer) o).latentSize == latentSize
                && ((ReparameterizationLayer) o).sameDiffRuntime == sameDiffRuntime;
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), latentSize, sameDiffRuntime);
    }
}
