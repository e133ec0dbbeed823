package org.unsupervisedzoo.zoo.layers;

import java.util.Collection;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.convolution.Convolution;
import org.nd4j.linalg.factory.Nd4j;

/**
 * DL4J's {@link ConvolutionLayer} with the same parameters ({@code W [C_out, C_in, kH, kW]}, {@code b [1, C_out]}),
 * maths and JSON fields, computed by the zoo for NCHW data in {@code Same}, {@code Truncate} or {@code Strict} mode:
 * {@code im2col} into its natural layout {@code [B, C_in, kH, kW, oH, oW]} and one batched product per pass, with
 * the forward columns and pre-activation kept for the backward pass. DL4J 1.0.0-M2.1's layer writes the im2col
 * into a permuted view (about 4x slower in ND4J than the natural layout), multiplies with {@code mmuli} and, with a
 * cache mode, copies the im2col once more per step. Elsewhere (NHWC, causal mode, a oneDNN/cuDNN helper) DL4J's code
 * runs. Outputs and gradients are those of {@link ConvolutionLayer} (tests over kernel, stride, padding, dilation and
 * bias, with gradient checks).
 *
 * <p>Shapes: {@code [B, C_in, H, W] -> [B, C_out, oH, oW]}. Build with {@code new CachedConvolutionLayer(new
 * ConvolutionLayer.Builder(k, k).stride(s, s).nOut(c).activation(..))}.
 */
public class CachedConvolutionLayer extends ConvolutionLayer {
    /** For JSON. */
    public CachedConvolutionLayer() {
    }

    /** The convolution the builder describes. */
    public CachedConvolutionLayer(ConvolutionLayer.Builder builder) {
        super(builder);
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> trainingListeners,
                             int layerIndex, INDArray layerParamsView, boolean initializeParams, DataType dataType) {
        Runtimes.checkCached(this, layerIndex, getWeightNoise() != null, "weight noise is", "ConvolutionLayer");
        Impl ret = new Impl(conf, dataType);
        ret.setListeners(trainingListeners);
        return Runtimes.wire(ret, this, conf, layerIndex, layerParamsView, initializeParams);
    }

    /** The layer at run time. */
    public static class Impl extends org.deeplearning4j.nn.layers.convolution.ConvolutionLayer
            implements InputGradients.Optional {
        /** {z, columns} of a training forward pass, for the backward pass of the same input. */
        private final transient PreOutputCache cache = new PreOutputCache();
        private final transient BatchWeights batchWeights = new BatchWeights();

        private final transient InputGradients.Flag inputGradients = new InputGradients.Flag();

        @Override
        public InputGradients.Flag inputGradientFlag() {
            return inputGradients;
        }

        public Impl(NeuralNetConfiguration conf, DataType dataType) {
            super(conf, dataType);
        }

        /** How many backward passes reused the forward pass's pre-activation and columns. */
        public long reusedForwards() {
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

        private ConvGeometry geometry() {
            if (helper != null || layerConf().getCnn2dDataFormat() != CNN2DFormat.NCHW || input == null
                    || input.rank() != 4 || !(convolutionMode == ConvolutionMode.Same
                    || convolutionMode == ConvolutionMode.Truncate || convolutionMode == ConvolutionMode.Strict)) {
                return null;
            }
            INDArray w = getParam(ConvolutionParamInitializer.WEIGHT_KEY);
            if (input.size(1) != w.size(1)) {
                return null; // DL4J's code gives the named error
            }
            ConvGeometry g = ConvGeometry.convolution(input, w, layerConf().getStride(), layerConf().getDilation(),
                    convolutionMode == ConvolutionMode.Same ? null : layerConf().getPadding());
            return g.oH > 0 && g.oW > 0 ? g : null;
        }

        @Override
        public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
            assertInputSet(false);
            ConvGeometry g = geometry();
            if (g == null) {
                return super.activate(training, workspaceMgr);
            }
            applyDropOutIfNecessary(training, workspaceMgr);
            INDArray w = getParamWithNoise(ConvolutionParamInitializer.WEIGHT_KEY, training, workspaceMgr);
            INDArray cols = Nd4j.createUninitialized(w.dataType(), new long[] {g.b, g.iC, g.kH, g.kW, g.oH, g.oW},
                    'c');
            INDArray x = input.castTo(w.dataType());
            if (!ColumnsMath.im2col(x, g.sH, g.sW, g.pH, g.pW, g.dH, g.dW, g.same, cols)) {
                Convolution.im2col(x, (int) g.kH, (int) g.kW, g.sH, g.sW, g.pH, g.pW, g.dH, g.dW, g.same, cols);
            }
            INDArray z = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, w.dataType(),
                    new long[] {g.b, g.oC, g.oH, g.oW}, 'c');
            batchWeights.product(w, cols.reshape('c', g.b, g.iC * g.kH * g.kW, g.outPixels()),
                    z.reshape('c', g.b, g.oC, g.outPixels()), false, true);
            if (layerConf().hasBias()) {
                INDArray b = getParamWithNoise(ConvolutionParamInitializer.BIAS_KEY, training, workspaceMgr);
                Nd4j.exec(new BroadcastAddOp(z, b.reshape(g.oC), z, 1));
            }
            if (training) {
                cache.storeAll(input, z, cols); // copies: the activation below works in place
            } else {
                cache.invalidate();
            }
            return layerConf().getActivationFn().getActivation(z, training);
        }

        @Override
        public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
            assertInputSet(true);
            ConvGeometry g = geometry();
            INDArray[] kept = cache.takeAll(input);
            if (g == null || kept == null) {
                return super.backpropGradient(epsilon, workspaceMgr);
            }
            INDArray w = getParamWithNoise(ConvolutionParamInitializer.WEIGHT_KEY, true, workspaceMgr);
            INDArray z = kept[0];
            INDArray cols3 = kept[1].reshape('c', g.b, g.iC * g.kH * g.kW, g.outPixels());
            INDArray delta = layerConf().getActivationFn().backprop(z, epsilon.castTo(w.dataType())).getFirst();
            INDArray delta3 = delta.reshape('c', g.b, g.oC, g.outPixels());
            // dW = sum_b delta_b cols_b^T
            INDArray weightGrad = gradientViews.get(ConvolutionParamInitializer.WEIGHT_KEY);
            batchWeights.sumInto(Nd4j.matmul(delta3, cols3, null, false, true, false), weightGrad);
            // error columns W^T delta_b, folded back into the input's shape (none when the input is the data)
            INDArray epsNext = null;
            if (inputGradients.needed()) {
                // the batch weights of the forward pass whose columns were kept (same input, same weights)
                INDArray dCols = batchWeights.product(w, delta3, Nd4j.createUninitialized(w.dataType(),
                        new long[] {g.b, g.iC * g.kH * g.kW, g.outPixels()}, 'c'), true, false);
                epsNext = workspaceMgr.create(ArrayType.ACTIVATION_GRAD, w.dataType(),
                        new long[] {g.b, g.iC, g.iH, g.iW}, 'c');
                INDArray dCols6 = dCols.reshape('c', g.b, g.iC, g.kH, g.kW, g.oH, g.oW);
                if (!ColumnsMath.col2im(dCols6, g.sH, g.sW, g.pH, g.pW, g.dH, g.dW, epsNext)) {
                    Convolution.col2im(dCols6, epsNext, g.sH, g.sW, g.pH, g.pW, (int) g.iH, (int) g.iW, g.dH, g.dW);
                }
            }
            Gradient ret = new DefaultGradient();
            if (layerConf().hasBias()) {
                INDArray biasGrad = gradientViews.get(ConvolutionParamInitializer.BIAS_KEY);
                biasGrad.assign(delta.sum(0, 2, 3).reshape(biasGrad.shape()));
                ret.setGradientFor(ConvolutionParamInitializer.BIAS_KEY, biasGrad);
            }
            ret.setGradientFor(ConvolutionParamInitializer.WEIGHT_KEY, weightGrad, 'c');
            weightNoiseParams.clear();
            return new Pair<>(ret, epsNext == null ? null : backpropDropOutIfPresent(epsNext));
        }
    }
}
