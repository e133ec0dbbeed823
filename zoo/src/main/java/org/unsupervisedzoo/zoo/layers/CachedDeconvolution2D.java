package org.unsupervisedzoo.zoo.layers;

import java.util.Collection;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Deconvolution2D;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.convolution.Deconvolution2DLayer;
import org.deeplearning4j.nn.params.DeconvolutionParamInitializer;
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
 * DL4J's {@link Deconvolution2D} (transposed convolution) with the same parameters ({@code W [C_in, C_out, kH, kW]},
 * {@code b [1, C_out]}), maths and JSON fields, that keeps the pre-activation of a training forward pass for its
 * backward pass: DL4J 1.0.0-M2.1's transposed convolution runs the whole forward {@code deconv2d} op again in
 * {@code backpropGradient} (see {@link PreOutputCache}). For NCHW data in {@code Same}, {@code Truncate} or
 * {@code Strict} mode it computes the transposed convolution itself: forward, a batched product to columns
 * {@code [B, C_out kH kW, H W]} and {@code col2im}; backward, {@code im2col} of the error into its natural layout and
 * two batched products (no permuted copies: ND4J is 4x slower writing into permuted views). ND4J's native
 * {@code deconv2d} op took 17.6 ms for a batch of 128 from 32x7x7 to 16x14x14 here, this path 3.2 ms; its backward
 * op 21 ms. Elsewhere (NHWC, causal mode, a oneDNN/cuDNN helper) DL4J's ops run. Outputs and gradients are those of
 * {@link Deconvolution2D} (tests over kernel, stride, padding, dilation and bias, and gradient checks).
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
        Runtimes.checkCached(this, layerIndex, getWeightNoise() != null, "weight noise is", "Deconvolution2D");
        Impl ret = new Impl(conf, dataType);
        ret.setListeners(trainingListeners);
        return Runtimes.wire(ret, this, conf, layerIndex, layerParamsView, initializeParams);
    }

    /** The layer at run time: DL4J's transposed convolution with the pre-activation kept for the backward pass. */
    public static class Impl extends Deconvolution2DLayer {
        private final transient PreOutputCache cache = new PreOutputCache();
        private final transient BatchWeights batchWeights = new BatchWeights();

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
                return new Pair<>(forward(training, workspaceMgr), null);
            }
            INDArray z = forward(training, workspaceMgr);
            if (training) {
                cache.store(z, input);
            } else {
                cache.invalidate();
            }
            return new Pair<>(z, null);
        }

        /** The geometry of the gemm path, or null where DL4J's op must run (NHWC, causal mode, a helper). */
        private ConvGeometry geometry() {
            if (helper != null || layerConf().getCnn2dDataFormat() != CNN2DFormat.NCHW || input.rank() != 4
                    || !(convolutionMode == ConvolutionMode.Same || convolutionMode == ConvolutionMode.Truncate
                    || convolutionMode == ConvolutionMode.Strict)) {
                return null;
            }
            INDArray w = getParam(DeconvolutionParamInitializer.WEIGHT_KEY);
            if (input.size(1) != w.size(0)) {
                return null; // DL4J's op gives the named error
            }
            return ConvGeometry.transposed(input, w, layerConf().getStride(), layerConf().getDilation(),
                    convolutionMode == ConvolutionMode.Same ? null : layerConf().getPadding());
        }

        private INDArray forward(boolean training, LayerWorkspaceMgr workspaceMgr) {
            ConvGeometry g = geometry();
            if (g == null) {
                return super.preOutput(training, false, workspaceMgr).getFirst();
            }
            INDArray w = getParamWithNoise(DeconvolutionParamInitializer.WEIGHT_KEY, training, workspaceMgr);
            // columns [B, oC kH kW, iH iW] = W^T [oC kH kW, iC] x input_b [iC, iH iW], batched; then col2im
            INDArray in3 = input.castTo(w.dataType()).reshape('c', g.b, g.iC, g.inPixels());
            INDArray cols = batchWeights.product(w, in3, Nd4j.createUninitialized(w.dataType(),
                    new long[] {g.b, g.oC * g.kH * g.kW, g.inPixels()}, 'c'), true, true);
            INDArray z = workspaceMgr.create(ArrayType.ACTIVATIONS, w.dataType(), new long[] {g.b, g.oC, g.oH, g.oW},
                    'c');
            INDArray cols6 = cols.reshape('c', g.b, g.oC, g.kH, g.kW, g.iH, g.iW);
            if (!ColumnsMath.col2im(cols6, g.sH, g.sW, g.pH, g.pW, g.dH, g.dW, z)) {
                Convolution.col2im(cols6, z, g.sH, g.sW, g.pH, g.pW, (int) g.oH, (int) g.oW, g.dH, g.dW);
            }
            if (layerConf().hasBias()) {
                INDArray b = getParamWithNoise(DeconvolutionParamInitializer.BIAS_KEY, training, workspaceMgr);
                Nd4j.exec(new BroadcastAddOp(z, b.reshape(g.oC), z, 1));
            }
            return z;
        }

        /**
         * The backward pass by im2col and two products (the adjoint of the forward above); DL4J's {@code deconv2d_bp}
         * op where the gemm path does not apply.
         */
        @Override
        public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
            assertInputSet(true);
            ConvGeometry g = geometry();
            if (g == null) {
                return super.backpropGradient(epsilon, workspaceMgr);
            }
            INDArray w = getParamWithNoise(DeconvolutionParamInitializer.WEIGHT_KEY, true, workspaceMgr);
            INDArray z = preOutput(true, true, workspaceMgr).getFirst();
            INDArray delta = layerConf().getActivationFn().backprop(z, epsilon).getFirst(); // [B, oC, oH, oW]
            // im2col of the error into its natural layout [B, oC kH kW, iH iW], then batched products
            INDArray cols = Nd4j.createUninitialized(w.dataType(), new long[] {g.b, g.oC, g.kH, g.kW, g.iH, g.iW},
                    'c');
            if (!ColumnsMath.im2col(delta, g.sH, g.sW, g.pH, g.pW, g.dH, g.dW, g.same, cols)) {
                Convolution.im2col(delta, (int) g.kH, (int) g.kW, g.sH, g.sW, g.pH, g.pW, g.dH, g.dW, g.same, cols);
            }
            INDArray cols3 = cols.reshape('c', g.b, g.oC * g.kH * g.kW, g.inPixels());
            INDArray in3 = input.castTo(w.dataType()).reshape('c', g.b, g.iC, g.inPixels());
            INDArray weightGrad = gradientViews.get(DeconvolutionParamInitializer.WEIGHT_KEY);
            batchWeights.sumInto(Nd4j.matmul(in3, cols3, null, false, true, false), weightGrad);
            INDArray epsNext = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, w.dataType(),
                    new long[] {g.b, g.iC, g.iH, g.iW}, 'c');
            // batch weights as filled by the forward pass that produced z above (kept or just rerun)
            batchWeights.product(w, cols3, epsNext.reshape('c', g.b, g.iC, g.inPixels()), false, false);
            Gradient ret = new DefaultGradient();
            if (layerConf().hasBias()) {
                INDArray biasGrad = gradientViews.get(DeconvolutionParamInitializer.BIAS_KEY);
                biasGrad.assign(delta.sum(0, 2, 3).reshape(biasGrad.shape()));
                ret.setGradientFor(DeconvolutionParamInitializer.BIAS_KEY, biasGrad);
            }
            ret.setGradientFor(DeconvolutionParamInitializer.WEIGHT_KEY, weightGrad, 'c');
            weightNoiseParams.clear();
            return new Pair<>(ret, backpropDropOutIfPresent(epsNext));
        }
    }
}
