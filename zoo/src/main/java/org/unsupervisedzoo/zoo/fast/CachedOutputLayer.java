package org.unsupervisedzoo.zoo.fast;

import org.unsupervisedzoo.zoo.core.PreOutputCache;
import org.unsupervisedzoo.zoo.core.DenseMath;
import org.unsupervisedzoo.zoo.core.Runtimes;
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
        CachedChecks.check(this, layerIndex, getWeightNoise() != null, "weight noise is", "OutputLayer");
        Impl ret = new Impl(conf, dataType);
        ret.setListeners(trainingListeners);
        return Runtimes.wire(ret, this, conf, layerIndex, layerParamsView, initializeParams);
    }

    /** The layer at run time: DL4J's output layer with the pre-activation kept from backward pass to score. */
    public static class Impl extends org.deeplearning4j.nn.layers.OutputLayer {
        private final transient PreOutputCache cache = new PreOutputCache();
        /** The loss gradient of the last training backward pass, for the score (see {@link #computeScore}). */
        private final transient PreOutputCache lossGradient = new PreOutputCache();
        private transient INDArray lossGradientLabels;

        public Impl(NeuralNetConfiguration conf, DataType dataType) {
            super(conf, dataType);
        }

        /** How many times this layer reused its pre-activation instead of computing it again. */
        public long reusedPreOutputs() {
            return cache.reused();
        }

        /** How many scores came from the backward pass's loss gradient instead of a softplus pass. */
        public long scoresFromGradient() {
            return lossGradient.reused();
        }

        @Override
        public void setInput(INDArray input, LayerWorkspaceMgr workspaceMgr) {
            cache.invalidate();
            lossGradient.invalidate();
            super.setInput(input, workspaceMgr);
        }

        @Override
        public void clear() {
            cache.invalidate();
            lossGradient.invalidate();
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

        /** The loss is {@link FusedBinaryXENT} on a sigmoid output, without mask: its score can reuse the gradient. */
        private boolean scoreFromGradient() {
            return layerConf().getLossFn() instanceof FusedBinaryXENT && layerConf().getActivationFn()
                    instanceof org.nd4j.linalg.activations.impl.ActivationSigmoid && maskArray == null
                    && dataType == DataType.FLOAT;
        }

        /**
         * DL4J's {@code BaseOutputLayer.computeScore}; in training, right after a backward pass on the same input and
         * labels, the {@link FusedBinaryXENT} sum comes from that pass's loss gradient ({@link
         * FusedBinaryXENT#sumFromGradient}) instead of a softplus pass over the output.
         */
        @Override
        public double computeScore(double fullNetRegTerm, boolean training, LayerWorkspaceMgr workspaceMgr) {
            boolean usable = training && lossGradientLabels == labels && scoreFromGradient();
            lossGradientLabels = null;
            INDArray[] gradient = usable ? lossGradient.takeAll(input) : null;
            lossGradient.invalidate();
            if (gradient == null) {
                return super.computeScore(fullNetRegTerm, training, workspaceMgr);
            }
            if (input == null || labels == null) {
                throw new IllegalStateException("Cannot calculate score without input and labels " + layerId());
            }
            INDArray preOut = preOutput2d(true, workspaceMgr);
            INDArray labels2d = getLabels2d(workspaceMgr, ArrayType.FF_WORKING_MEM);
            double score = FusedBinaryXENT.sumFromGradient(labels2d, preOut, gradient[0]);
            if (Double.isNaN(score)) {
                score = layerConf().getLossFn().computeScore(labels2d, preOut, layerConf().getActivationFn(), null,
                        false);
            }
            if (conf().isMiniBatch()) {
                score /= getInputMiniBatchSize();
            }
            score += fullNetRegTerm;
            this.score = score;
            return score;
        }

        /** DL4J's {@code BaseOutputLayer.backpropGradient}, its products through {@link DenseMath}. */
        @Override
        public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
            assertInputSet(true);
            INDArray preOut = preOutput2d(true, workspaceMgr);
            INDArray labels2d = getLabels2d(workspaceMgr, ArrayType.BP_WORKING_MEM);
            INDArray delta = layerConf().getLossFn().computeGradient(labels2d, preOut, layerConf().getActivationFn(),
                    maskArray);
            if (scoreFromGradient()) {
                lossGradient.storeAll(input, delta); // DL4J asks for the score right after this backward pass
                lossGradientLabels = labels;
            }
            INDArray w = getParamWithNoise(DefaultParamInitializer.WEIGHT_KEY, true, workspaceMgr);
            Pair<Gradient, INDArray> ret = DenseMath.gradients(input, delta, w, gradientViews, hasBias(), true,
                    workspaceMgr);
            return new Pair<>(ret.getFirst(), backpropDropOutIfPresent(ret.getSecond()));
        }
    }
}
