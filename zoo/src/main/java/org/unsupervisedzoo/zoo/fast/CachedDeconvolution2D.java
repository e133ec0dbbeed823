package org.unsupervisedzoo.zoo.fast;

import org.unsupervisedzoo.zoo.core.PreOutputCache;
import org.unsupervisedzoo.zoo.core.Runtimes;
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
import org.nd4j.linalg.factory.Nd4j;

/**
 * DL4J's {@link Deconvolution2D} (transposed convolution) with the same parameters ({@code W [C_in, C_out, kH, kW]},
 * {@code b [1, C_out]}), maths and JSON fields, that keeps the pre-activation of a training forward pass for its
 * backward pass: DL4J 1.0.0-M2.1's transposed convolution runs the whole forward {@code deconv2d} op again in
 * {@code backpropGradient} (see {@link PreOutputCache}). For NCHW data in {@code Same}, {@code Truncate} or
 * {@code Strict} mode it computes the transposed convolution itself, in {@link BatchInner}'s layout: forward, one
 * product to columns {@code [C_out kH kW, B H W]} and {@code col2im}; backward, {@code im2col} of the error and two
 * products over the whole minibatch (the layout moves are Java passes: ND4J was 4x slower writing into permuted
 * views). ND4J's native
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
        CachedChecks.check(this, layerIndex, getWeightNoise() != null, "weight noise is", "Deconvolution2D");
        Impl ret = new Impl(conf, dataType);
        ret.setListeners(trainingListeners);
        return Runtimes.wire(ret, this, conf, layerIndex, layerParamsView, initializeParams);
    }

    /** The layer at run time: DL4J's transposed convolution with the pre-activation kept for the backward pass. */
    public static class Impl extends Deconvolution2DLayer {
        private final transient PreOutputCache cache = new PreOutputCache();

        /** Flat buffers outside workspaces: the columns, and the input (or the error below) as [iC, B iH iW]. */
        private final transient INDArray[] columns = new INDArray[1];
        private final transient INDArray[] inputT = new INDArray[1];

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

        /** Images {@code x [m, iC, iH, iW]} as {@code [iC, m iH iW]}, in the layer's buffer. */
        private INDArray batchInner(DataType type, ConvGeometry g, INDArray x) {
            long m = x.size(0);
            INDArray xT = BatchInner.over(inputT, type, g.iC, m * g.inPixels());
            BatchInner.swap(x.castTo(type), xT, m, g.iC, true, null, null);
            return xT;
        }

        /**
         * {@code z} (without the bias) for images {@code x [m, iC, iH, iW]} into {@code z [m, oC, oH, oW]}: columns
         * {@code [oC kH kW, m iH iW] = W^T [oC kH kW, iC] x x^T [iC, m iH iW]}, one product, then col2im.
         */
        private void transposedConvolution(INDArray w, ConvGeometry g, INDArray x, INDArray z) {
            long m = x.size(0);
            long k = g.oC * g.kH * g.kW;
            INDArray cols = BatchInner.over(columns, w.dataType(), g.oC, g.kH, g.kW, m, g.iH, g.iW);
            Nd4j.gemm(w.reshape('c', g.iC, k), batchInner(w.dataType(), g, x), cols.reshape('c', k, m * g.inPixels()),
                    true, false, 1.0, 0.0);
            BatchInner.col2im(cols, g, g.pH, g.pW, z);
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
            DataType type = w.dataType();
            INDArray x = input.castTo(type);
            INDArray z = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, type,
                    new long[] {g.b, g.oC, g.oH, g.oW}, 'c');
            long chunk = training ? g.b : BatchInner.INFERENCE_CHUNK; // inference: no columns for a whole batch
            for (long s = 0; s < g.b; s += chunk) {
                long e = Math.min(g.b, s + chunk);
                transposedConvolution(w, g, BatchInner.images(x, s, e), BatchInner.images(z, s, e));
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
            DataType type = w.dataType();
            long k = g.oC * g.kH * g.kW;
            long n = g.b * g.inPixels();
            INDArray z = preOutput(true, true, workspaceMgr).getFirst();
            INDArray delta = ActivationMath.delta(layerConf().getActivationFn(), z, epsilon); // [B, oC, oH, oW]
            // im2col of the error, [oC kH kW, B iH iW]; dW [iC, oC kH kW] = input^T x columns^T (one product) and
            // the error below W x columns, moved back to NCHW
            INDArray cols = BatchInner.over(columns, type, g.oC, g.kH, g.kW, g.b, g.iH, g.iW);
            BatchInner.im2col(delta.castTo(type), g, g.kH, g.kW, g.iH, g.iW, g.pH, g.pW, cols);
            INDArray cols2 = cols.reshape('c', k, n);
            INDArray weightGrad = gradientViews.get(DeconvolutionParamInitializer.WEIGHT_KEY);
            Nd4j.gemm(batchInner(type, g, input), cols2, weightGrad.reshape('c', g.iC, k), false, true, 1.0, 0.0);
            INDArray epsT = BatchInner.over(inputT, type, g.iC, n); // x^T is used up: its buffer takes the error
            Nd4j.gemm(w.reshape('c', g.iC, k), cols2, epsT, false, false, 1.0, 0.0);
            INDArray epsNext = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, type,
                    new long[] {g.b, g.iC, g.iH, g.iW}, 'c');
            BatchInner.swap(epsT, epsNext, g.b, g.iC, false, null, null);
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
