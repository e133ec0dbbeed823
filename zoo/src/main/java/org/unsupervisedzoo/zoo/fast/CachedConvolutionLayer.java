package org.unsupervisedzoo.zoo.fast;

import org.unsupervisedzoo.zoo.core.InputGradients;
import org.unsupervisedzoo.zoo.core.PreOutputCache;
import org.unsupervisedzoo.zoo.core.Runtimes;
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
import org.nd4j.linalg.factory.Nd4j;

/**
 * DL4J's {@link ConvolutionLayer} with the same parameters ({@code W [C_out, C_in, kH, kW]}, {@code b [1, C_out]}),
 * maths and JSON fields, computed by the zoo for NCHW data in {@code Same}, {@code Truncate} or {@code Strict} mode:
 * {@code im2col} into {@link BatchInner}'s layout {@code [C_in kH kW, B oH oW]} and one matrix product per pass over
 * the whole minibatch, with the forward columns and pre-activation kept for the backward pass (buffers outside
 * workspaces, no copies). DL4J 1.0.0-M2.1's layer writes the im2col
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
        CachedChecks.check(this, layerIndex, getWeightNoise() != null, "weight noise is", "ConvolutionLayer");
        Impl ret = new Impl(conf, dataType);
        ret.setListeners(trainingListeners);
        return Runtimes.wire(ret, this, conf, layerIndex, layerParamsView, initializeParams);
    }

    /** The layer at run time. */
    public static class Impl extends org.deeplearning4j.nn.layers.convolution.ConvolutionLayer
            implements InputGradients.Optional, FrozenBackprop {
        /** {z, columns} of a training forward pass, for the backward pass of the same input. */
        private final transient PreOutputCache cache = new PreOutputCache();
        /**
         * Flat buffers outside workspaces ({@link BatchInner#over}): a training pass's columns [iC, kH, kW, B, oH, oW]
         * and pre-activation, kept for its backward pass; the inference chunks' columns; the products z^T.
         */
        private final transient INDArray[] columns = new INDArray[1];
        private final transient INDArray[] kept = new INDArray[1];
        private final transient INDArray[] inferenceColumns = new INDArray[1];
        private final transient INDArray[] transposedOut = new INDArray[1];

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
            DataType type = w.dataType();
            INDArray x = input.castTo(type);
            INDArray z = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, type,
                    new long[] {g.b, g.oC, g.oH, g.oW}, 'c');
            INDArray b = layerConf().hasBias() ? getParamWithNoise(ConvolutionParamInitializer.BIAS_KEY, training,
                    workspaceMgr) : null;
            // behind DL4J's FrozenLayerWithBackprop the forward pass says "not training" and a backward pass follows
            if (keepsForward(training, g.b, layerConf().getIDropout())) { // the columns and a copy of z kept for the backward pass, in the layer's buffers
                INDArray cols = BatchInner.over(columns, type, g.iC, g.kH, g.kW, g.b, g.oH, g.oW);
                INDArray copy = BatchInner.over(kept, type, z.shape());
                convolve(w, g, x, cols, z, b, copy);
                cache.keepAll(input, copy, cols); // the activation below works in place on z
            } else { // chunks of images: no columns for a whole evaluation batch at once
                cache.invalidate();
                for (long s = 0; s < g.b; s += BatchInner.INFERENCE_CHUNK) {
                    long e = Math.min(g.b, s + BatchInner.INFERENCE_CHUNK);
                    INDArray cols = BatchInner.over(inferenceColumns, type, g.iC, g.kH, g.kW, e - s, g.oH, g.oW);
                    convolve(w, g, BatchInner.images(x, s, e), cols, BatchInner.images(z, s, e), b, null);
                }
            }
            return ActivationMath.activate(layerConf().getActivationFn(), z, training);
        }

        /**
         * {@code z = W * x + b} for images {@code x [m, iC, iH, iW]} into {@code z [m, oC, oH, oW]} through the
         * columns {@code cols [iC, kH, kW, m, oH, oW]}: im2col, one product {@code z^T [oC, m oH oW] = W [oC, iC kH
         * kW] x cols}, then z^T moved to NCHW with the bias (and into {@code copy} too, when not null).
         */
        private void convolve(INDArray w, ConvGeometry g, INDArray x, INDArray cols, INDArray z, INDArray b,
                              INDArray copy) {
            long m = x.size(0);
            long k = g.iC * g.kH * g.kW;
            long n = m * g.outPixels();
            BatchInner.im2col(x, g, g.kH, g.kW, g.oH, g.oW, g.pH, g.pW, cols);
            INDArray zT = BatchInner.over(transposedOut, w.dataType(), g.oC, n);
            Nd4j.gemm(w.reshape('c', g.oC, k), cols.reshape('c', k, n), zT, false, false, 1.0, 0.0);
            BatchInner.swap(zT, z, m, g.oC, false, b, copy);
        }

        @Override
        public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
            assertInputSet(true);
            ConvGeometry g = geometry();
            INDArray[] stored = cache.takeAll(input);
            if (g == null || stored == null) {
                return super.backpropGradient(epsilon, workspaceMgr);
            }
            INDArray w = getParamWithNoise(ConvolutionParamInitializer.WEIGHT_KEY, true, workspaceMgr);
            DataType type = w.dataType();
            long k = g.iC * g.kH * g.kW;
            long n = g.b * g.outPixels();
            INDArray z = stored[0];
            INDArray cols = stored[1].reshape('c', k, n);
            INDArray delta = ActivationMath.delta(layerConf().getActivationFn(), z, epsilon.castTo(type));
            INDArray deltaT = Nd4j.createUninitialized(type, new long[] {g.oC, n}, 'c');
            BatchInner.swap(delta, deltaT, g.b, g.oC, true, null, null);
            // dW [oC, iC kH kW] = delta^T x columns^T: one product over the minibatch, into the gradient view (not
            // behind FrozenLayerWithBackprop, which zeroes it)
            INDArray weightGrad = gradientViews.get(ConvolutionParamInitializer.WEIGHT_KEY);
            if (!isFrozenWithBackprop()) {
                Nd4j.gemm(deltaT, cols, weightGrad.reshape('c', g.oC, k), false, true, 1.0, 0.0);
            }
            // error columns W^T delta^T, folded back into the input's shape (none when the input is the data)
            INDArray epsNext = null;
            if (inputGradients.needed()) {
                INDArray dCols = Nd4j.createUninitialized(type, new long[] {g.iC, g.kH, g.kW, g.b, g.oH, g.oW}, 'c');
                Nd4j.gemm(w.reshape('c', g.oC, k), deltaT, dCols.reshape('c', k, n), true, false, 1.0, 0.0);
                epsNext = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, type,
                        new long[] {g.b, g.iC, g.iH, g.iW}, 'c');
                BatchInner.col2im(dCols, g, g.pH, g.pW, epsNext);
            }
            Gradient ret = new DefaultGradient();
            if (isFrozenWithBackprop()) {
                weightNoiseParams.clear();
                return new Pair<>(ret, epsNext == null ? null : backpropDropOutIfPresent(epsNext));
            }
            if (layerConf().hasBias()) {
                INDArray biasGrad = gradientViews.get(ConvolutionParamInitializer.BIAS_KEY);
                biasGrad.assign(deltaT.sum(1).reshape(biasGrad.shape()));
                ret.setGradientFor(ConvolutionParamInitializer.BIAS_KEY, biasGrad);
            }
            ret.setGradientFor(ConvolutionParamInitializer.WEIGHT_KEY, weightGrad, 'c');
            weightNoiseParams.clear();
            return new Pair<>(ret, epsNext == null ? null : backpropDropOutIfPresent(epsNext));
        }
    }
}
