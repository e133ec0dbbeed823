package org.unsupervisedzoo.zoo.layers;

import java.util.Collection;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * DL4J's {@link OutputLayer}, {@code y = phi(x W + b)} with a loss, with the same parameters, maths and JSON fields,
 * that computes {@code x W + b} once per training step instead of twice: DL4J 1.0.0-M2.1 computes it in the
 * backward pass and again for the score; this layer keeps a copy from the first for the second (see {@link
 * PreOutputCache}); its products go through {@code Nd4j.gemm} ({@link DenseMath}). Outputs, scores and gradients
 * are those of {@link OutputLayer}.
 *
 * <p>Shapes: {@code [B, nIn] -> [B, nOut]}. Build with {@code new CachedOutputLayer(new OutputLayer.Builder(loss)
 * .nIn(..).nOut(..).activation(..))}.
 */
public class CachedOutputLayer extends OutputLayer {
    /** For JSON. */
    public CachedOutputLayer() {
    }

    /** The output layer the builder describes. */
    public CachedOutputLayer(OutputLayer.Builder builder) {
        super(builder);
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> trainingListeners,
                             int layerIndex, INDArray layerParamsView, boolean initializeParams, DataType dataType) {
        Runtimes.checkCached(this, layerIndex, getWeightNoise() != null, "weight noise is", "OutputLayer");
        Impl ret = new Impl(conf, dataType);
        ret.setListeners(trainingListeners);
        return Runtimes.wire(ret, this, conf, layerIndex, layerParamsView, initializeParams);
    }

    /** The layer at run time: DL4J's output layer with the pre-activation kept from backward pass to score. */
    public static class Impl extends org.deeplearning4j.nn.layers.OutputLayer {
        private final transient PreOutputCache cache = new PreOutputCache();

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
        protected INDArray preOutput2d(boolean training, LayerWorkspaceMgr workspaceMgr) {
            if (!training) {
                cache.invalidate();
                return super.preOutput2d(false, workspaceMgr);
            }
            INDArray z = cache.take(input);
            if (z != null) {
                return z;
            }
            z = super.preOutput2d(true, workspaceMgr);
            cache.store(z, input); // a clean copy: the first user's loss may overwrite z
            return z;
        }

        @Override
        protected Pair<INDArray, INDArray> preOutputWithPreNorm(boolean training, boolean forBackprop,
                                                                LayerWorkspaceMgr workspaceMgr) {
            if (hasLayerNorm()) {
                return super.preOutputWithPreNorm(training, forBackprop, workspaceMgr);
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

        /** DL4J's {@code BaseOutputLayer.backpropGradient}, its products through {@link DenseMath}. */
        @Override
        public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
            assertInputSet(true);
            INDArray preOut = preOutput2d(true, workspaceMgr);
            INDArray labels2d = getLabels2d(workspaceMgr, ArrayType.BP_WORKING_MEM);
            INDArray delta = layerConf().getLossFn().computeGradient(labels2d, preOut, layerConf().getActivationFn(),
                    maskArray);
            INDArray w = getParamWithNoise(DefaultParamInitializer.WEIGHT_KEY, true, workspaceMgr);
            Pair<Gradient, INDArray> ret = DenseMath.gradients(input, delta, w, gradientViews, hasBias(), true,
                    workspaceMgr);
            return new Pair<>(ret.getFirst(), backpropDropOutIfPresent(ret.getSecond()));
        }
    }
}
