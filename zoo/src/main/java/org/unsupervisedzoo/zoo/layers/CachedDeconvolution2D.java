package org.unsupervisedzoo.zoo.layers;

import java.util.Collection;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Deconvolution2D;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.nn.layers.convolution.Deconvolution2DLayer;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * DL4J's {@link Deconvolution2D} (transposed convolution) with the same parameters ({@code W [C_in, C_out, kH, kW]},
 * {@code b [1, C_out]}), maths and JSON fields, that keeps the pre-activation of a training forward pass for its
 * backward pass: DL4J 1.0.0-M2.1's transposed convolution runs the whole forward {@code deconv2d} op again in
 * {@code backpropGradient} (see {@link PreOutputCache}). Outputs and gradients are those of {@link Deconvolution2D}.
 *
 * <p>Shapes: {@code [B, C_in, H, W] -> [B, C_out, H s, W s]} in {@code Same} mode with stride {@code s}. Build with
 * {@code new CachedDeconvolution2D(new Deconvolution2D.Builder(k, k).stride(s, s).nOut(c).activation(..))}.
 */
public class CachedDeconvolution2D extends Deconvolution2D {
    /** For JSON. */
    public CachedDeconvolution2D() {
    }

    /** The transposed convolution the builder describes. */
    public CachedDeconvolution2D(Deconvolution2D.Builder builder) {
        super(builder);
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> trainingListeners,
                             int layerIndex, INDArray layerParamsView, boolean initializeParams, DataType dataType) {
        LayerValidation.assertNInNOutSet("CachedDeconvolution2D", getLayerName(), layerIndex, getNIn(), getNOut());
        if (getWeightNoise() != null) {
            throw new IllegalStateException("CachedDeconvolution2D " + getLayerName()
                    + ": weight noise is not supported; use DL4J's Deconvolution2D");
        }
        Impl ret = new Impl(conf, dataType);
        ret.setListeners(trainingListeners);
        ret.setIndex(layerIndex);
        ret.setParamsViewArray(layerParamsView);
        Map<String, INDArray> paramTable = initializer().init(conf, layerParamsView, initializeParams);
        ret.setParamTable(paramTable);
        ret.setConf(conf);
        return ret;
    }

    /** The layer at run time: DL4J's transposed convolution with the pre-activation kept for the backward pass. */
    public static class Impl extends Deconvolution2DLayer {
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
        protected Pair<INDArray, INDArray> preOutput(boolean training, boolean forBackprop,
                                                     LayerWorkspaceMgr workspaceMgr) {
            if (forBackprop) {
                INDArray z = cache.take(input);
                if (z != null) {
                    return new Pair<>(z, null);
                }
                return super.preOutput(training, true, workspaceMgr);
            }
            Pair<INDArray, INDArray> p = super.preOutput(training, false, workspaceMgr);
            if (training) {
                cache.store(p.getFirst(), input);
            } else {
                cache.invalidate();
            }
            return p;
        }
    }
}
