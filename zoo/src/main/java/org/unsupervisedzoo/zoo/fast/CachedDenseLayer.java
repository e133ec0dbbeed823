package org.unsupervisedzoo.zoo.fast;

import org.unsupervisedzoo.zoo.core.InputGradients;
import org.unsupervisedzoo.zoo.core.PreOutputCache;
import org.unsupervisedzoo.zoo.core.DenseMath;
import org.unsupervisedzoo.zoo.core.Runtimes;
import java.util.Collection;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.dropout.IDropout;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * DL4J's {@link DenseLayer}, {@code a = phi(x W + b)}, with the same parameters ({@code W [nIn, nOut]}, {@code b
 * [1, nOut]}), maths and JSON fields, that keeps the pre-activation of a training forward pass for its backward pass
 * instead of computing {@code x W + b} a second time (DL4J 1.0.0-M2.1's dense layer does; see {@link
 * PreOutputCache}), and multiplies through {@code Nd4j.gemm} ({@link DenseMath}: DL4J's {@code mmuli} copies its
 * operands first). Outputs and gradients are those of {@link DenseLayer}; a training step does one matrix product
 * fewer. Layer norm and weight noise are not supported (use {@link DenseLayer}).
 *
 * <p>Shapes: {@code [B, nIn] -> [B, nOut]}. Build with {@link #of}; a saved graph reloads it by class name.
 */
public class CachedDenseLayer extends DenseLayer {
    /** For JSON; use {@link #of}. */
    public CachedDenseLayer() {
        setHasBias(true);
    }

    /**
     * A dense layer.
     *
     * @param nIn        input width (0: inferred from the graph's input types)
     * @param nOut       output width
     * @param activation phi
     * @param dropout    input dropout or corruption while training, or null
     */
    public static CachedDenseLayer of(long nIn, long nOut, Activation activation, IDropout dropout) {
        return of(nIn, nOut, activation.getActivationFunction(), dropout);
    }

    /** A dense layer with any activation function (e.g. a custom {@link IActivation}). */
    public static CachedDenseLayer of(long nIn, long nOut, IActivation activation, IDropout dropout) {
        CachedDenseLayer layer = new CachedDenseLayer();
        layer.setNIn(nIn);
        layer.setNOut(nOut);
        layer.setActivationFn(activation);
        layer.setIDropout(dropout);
        return layer;
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> trainingListeners,
                             int layerIndex, INDArray layerParamsView, boolean initializeParams, DataType dataType) {
        CachedChecks.check(this, layerIndex, hasLayerNorm() || getWeightNoise() != null,
                "layer norm and weight noise are", "DenseLayer");
        Impl ret = new Impl(conf, dataType);
        ret.setListeners(trainingListeners);
        return Runtimes.wire(ret, this, conf, layerIndex, layerParamsView, initializeParams);
    }

    /** The layer at run time: DL4J's dense layer with the pre-activation kept from forward to backward. */
    public static class Impl extends org.deeplearning4j.nn.layers.feedforward.dense.DenseLayer
            implements InputGradients.Optional, FrozenBackprop {
        private final transient PreOutputCache cache = new PreOutputCache();

        private final transient InputGradients.Flag inputGradients = new InputGradients.Flag();
        private final transient FrozenBackprop.Flag frozenBackprop = new FrozenBackprop.Flag();

        @Override
        public InputGradients.Flag inputGradientFlag() {
            return inputGradients;
        }

        @Override
        public FrozenBackprop.Flag frozenBackpropFlag() {
            return frozenBackprop;
        }

        public Impl(NeuralNetConfiguration conf, DataType dataType) {
            super(conf, dataType);
        }

        /** How many times this layer reused its pre-activation instead of computing it again. */
        public long reusedPreOutputs() {
            return cache.reused();
        }

        @Override
        public void setInput(INDArray input, LayerWorkspaceMgr workspaceMgr) {
            cache.invalidate();
            super.setInput(input, workspaceMgr);
        }

        @Override
        public void clear() {
            cache.invalidate();
            super.clear();
        }

        @Override
        public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
            // behind DL4J's FrozenLayerWithBackprop the forward pass says "not training" and a backward pass follows
            if (input == null || !keepsForward(training, input.size(0), layerConf().getIDropout())) {
                cache.invalidate();
                return super.activate(false, workspaceMgr);
            }
            INDArray z = preOutputWithPreNorm(training, false, workspaceMgr).getFirst();
            cache.store(z, input); // input: after dropout, as the backward pass reads it
            INDArray ret = ActivationMath.activate(layerConf().getActivationFn(), z, training);
            if (maskArray != null) {
                applyMask(ret);
            }
            return ret;
        }

        @Override
        protected Pair<INDArray, INDArray> preOutputWithPreNorm(boolean training, boolean forBackprop,
                                                                LayerWorkspaceMgr workspaceMgr) {
            if (forBackprop) {
                INDArray z = cache.take(input);
                if (z != null) {
                    return new Pair<>(z, null);
                }
            }
            assertInputSet(forBackprop);
            applyDropOutIfNecessary(training, workspaceMgr);
            INDArray z = DenseMath.affine(input.castTo(dataType), getParamWithNoise(DefaultParamInitializer.WEIGHT_KEY,
                    training, workspaceMgr), hasBias() ? getParamWithNoise(DefaultParamInitializer.BIAS_KEY, training,
                    workspaceMgr) : null, workspaceMgr, layerId());
            if (maskArray != null) {
                applyMask(z);
            }
            return new Pair<>(z, z);
        }

        /** DL4J's {@code BaseLayer.backpropGradient} (no layer norm), its products through {@link DenseMath}. */
        @Override
        public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
            assertInputSet(true);
            INDArray z = preOutputWithPreNorm(true, true, workspaceMgr).getFirst();
            INDArray delta = ActivationMath.delta(layerConf().getActivationFn(), z, epsilon);
            if (maskArray != null) {
                applyMask(delta);
            }
            INDArray w = getParamWithNoise(DefaultParamInitializer.WEIGHT_KEY, true, workspaceMgr);
            if (isFrozenWithBackprop()) { // the error below only: FrozenLayerWithBackprop zeroes the parameter gradient
                INDArray below = inputGradients.needed() ? DenseMath.backError(delta, w, workspaceMgr) : null;
                weightNoiseParams.clear();
                return new Pair<>(new DefaultGradient(), below == null ? null : backpropDropOutIfPresent(below));
            }
            // (no error for the layer below when below is the network's input: InputGradients)
            Pair<Gradient, INDArray> ret = DenseMath.gradients(input, delta, w, gradientViews, hasBias(),
                    inputGradients.needed(), workspaceMgr);
            weightNoiseParams.clear();
            INDArray epsilonNext = ret.getSecond();
            return new Pair<>(ret.getFirst(), epsilonNext == null ? null : backpropDropOutIfPresent(epsilonNext));
        }
    }
}
