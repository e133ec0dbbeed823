package org.unsupervisedzoo.zoo.fast;

import org.unsupervisedzoo.zoo.core.DenseMath;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Deconvolution2D;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.unsupervisedzoo.zoo.ZooAssertions;
import org.unsupervisedzoo.zoo.DoublePrecision;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The layers that keep their pre-activation from forward to backward: the same outputs, scores and gradients as
 * DL4J's own layers (and a hand-computed formula), gradient checks, round trips, and the same training trajectory.
 */
@ExtendWith(DoublePrecision.class)
@DoublePrecision.Seed(42)
class CachedLayersTest {
    @TempDir
    Path tmp;

    private static final org.nd4j.linalg.activations.IActivation SIGMOID_FN =
            Activation.SIGMOID.getActivationFunction();

    /** in(6) -> hidden(5, tanh, dropout) -> out(6, sigmoid, XENT); cached or DL4J's layers, same seed. */
    static ComputationGraph dense(boolean cached, double dropout, org.nd4j.linalg.learning.config.IUpdater updater) {
        NeuralNetConfiguration.Builder b = new NeuralNetConfiguration.Builder().seed(3).dataType(DataType.DOUBLE)
                .updater(updater);
        Dropout drop = dropout > 0 ? new Dropout(1 - dropout) : null;
        OutputLayer.Builder out = new OutputLayer.Builder(LossFunctions.LossFunction.XENT).nIn(5).nOut(6)
                .activation(Activation.SIGMOID);
        ComputationGraph g = new ComputationGraph(b.graphBuilder().addInputs("in")
                .setInputTypes(InputType.feedForward(6))
                .addLayer("hidden", cached ? CachedDenseLayer.of(6, 5, Activation.TANH, drop)
                        : new DenseLayer.Builder().nIn(6).nOut(5).activation(Activation.TANH).dropOut(drop).build(), "in")
                .addLayer("out", cached ? new CachedOutputLayer(out) : out.build(), "hidden")
                .setOutputs("out").build());
        g.init();
        return g;
    }

    /** in(2x3x3) -> transposed conv 3x3/2 (3, relu) -> sigmoid XENT on 3x6x6. */
    static ComputationGraph deconv(boolean cached) {
        return deconv(cached, ConvolutionMode.Same, 3, 2, 0, 1, true, 3, 3, Activation.RELU);
    }

    private static void sameGradients(ComputationGraph a, ComputationGraph b, INDArray x, INDArray y) {
        a.setInputs(x);
        a.setLabels(y);
        a.computeGradientAndScore();
        b.setInputs(x);
        b.setLabels(y);
        b.computeGradientAndScore();
        assertEquals(b.score(), a.score(), 1e-12, "score");
        Gradient ga = a.gradient();
        Gradient gb = b.gradient();
        for (Map.Entry<String, INDArray> e : gb.gradientForVariable().entrySet()) {
            INDArray other = ga.gradientForVariable().get(e.getKey());
            assertTrue(e.getValue().equalsWithEps(other, 1e-12), "gradient of " + e.getKey());
        }
    }

    @Test
    void denseAndOutputMatchTheFormulaAndDl4jLayers() {
        ComputationGraph cached = dense(true, 0, new NoOp());
        ComputationGraph plain = dense(false, 0, new NoOp());
        assertEquals(plain.params(), cached.params(), "same initialisation");
        INDArray x = Nd4j.rand(DataType.DOUBLE, 4, 6);
        // hand formula: sigmoid(tanh(x W1 + b1) W2 + b2)
        INDArray h = Transforms.tanh(x.mmul(cached.getParam("hidden_W")).addRowVector(cached.getParam("hidden_b")));
        INDArray expected = Transforms.sigmoid(h.mmul(cached.getParam("out_W")).addRowVector(cached.getParam("out_b")));
        assertTrue(expected.equalsWithEps(cached.outputSingle(x), 1e-12));
        // score: XENT summed over outputs, mean over the batch
        double xent = -(x.mul(Transforms.log(expected)).add(x.rsub(1).mul(Transforms.log(expected.rsub(1)))))
                .sumNumber().doubleValue() / 4;
        assertEquals(xent, cached.score(new org.nd4j.linalg.dataset.DataSet(x, x)), 1e-10);
        sameGradients(cached, plain, x, x);
        sameGradients(cached, plain, x.mul(0.5), x); // a second step with a new input uses no stale copy
    }

    /** In float, the dense layer's bias row and bias gradient come from Java passes: the same as DL4J's layer. */
    @Test
    void floatDenseLayerWithJavaBiasPassesMatchesDl4jsLayer() {
        ComputationGraph[] g = new ComputationGraph[2];
        for (int i = 0; i < 2; i++) {
            boolean cached = i == 0;
            g[i] = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(3).dataType(DataType.FLOAT)
                    .updater(new NoOp()).graphBuilder().addInputs("in").setInputTypes(InputType.feedForward(6))
                    .addLayer("hidden", cached ? CachedDenseLayer.of(6, 5, Activation.TANH, null)
                            : new DenseLayer.Builder().nIn(6).nOut(5).activation(Activation.TANH).build(), "in")
                    .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(5).nOut(3)
                            .activation(Activation.IDENTITY).build(), "hidden")
                    .setOutputs("out").build());
            g[i].init();
        }
        g[0].getParam("hidden_b").assign(Nd4j.createFromArray(0.3f, -0.2f, 0.1f, 0.5f, -0.4f).reshape(1, 5));
        g[1].setParams(g[0].params());
        INDArray x = Nd4j.rand(DataType.FLOAT, 7, 6);
        INDArray y = Nd4j.rand(DataType.FLOAT, 7, 3);
        assertTrue(g[1].outputSingle(x).equalsWithEps(g[0].outputSingle(x), 1e-6));
        for (ComputationGraph graph : g) {
            graph.setInputs(x);
            graph.setLabels(y);
            graph.computeGradientAndScore();
        }
        assertEquals(g[1].score(), g[0].score(), 1e-5);
        for (String key : new String[] {"hidden_W", "hidden_b", "out_W", "out_b"}) {
            assertTrue(g[1].gradient().getGradientFor(key).equalsWithEps(g[0].gradient().getGradientFor(key), 1e-5),
                    key);
        }
        // the passes themselves, against ND4J
        INDArray m = Nd4j.rand(DataType.FLOAT, 9, 4);
        INDArray sums = Nd4j.create(DataType.FLOAT, 1, 4);
        assertTrue(DenseMath.columnSums(m, sums));
        assertTrue(m.sum(true, 0).equalsWithEps(sums, 1e-6));
        INDArray filled = Nd4j.create(DataType.FLOAT, 3, 4);
        assertTrue(DenseMath.fillRows(filled, sums));
        assertEquals(sums.repeat(0, 3), filled);
        assertTrue(!DenseMath.columnSums(m.castTo(DataType.DOUBLE), sums), "double: ND4J's path");
    }

    /**
     * In float with the zoo's {@link FusedBinaryXENT}, a training step's score comes from the backward pass's loss
     * gradient; it equals the score of the same parameters computed the usual way (an inference pass), and a new
     * input or labels never reuse a stale gradient.
     */
    @Test
    void trainingScoreFromTheLossGradientEqualsTheUsualScore() {
        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
        OutputLayer.Builder out = new OutputLayer.Builder(new FusedBinaryXENT()).nIn(16).nOut(30)
                .activation(Activation.SIGMOID);
        ComputationGraph g = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(5)
                .dataType(DataType.FLOAT).updater(new NoOp()).graphBuilder().addInputs("in")
                .setInputTypes(InputType.feedForward(30))
                .addLayer("hidden", CachedDenseLayer.of(30, 16, Activation.TANH, null), "in")
                .addLayer("out", new CachedOutputLayer(out), "hidden").setOutputs("out").build());
        g.init();
        CachedOutputLayer.Impl layer = (CachedOutputLayer.Impl) g.getLayer("out");
        for (int step = 0; step < 3; step++) {
            INDArray x = Nd4j.rand(DataType.FLOAT, 8, 30).muli(step + 1).subi(step);
            INDArray y = Nd4j.rand(DataType.FLOAT, 8, 30);
            g.setInputs(x);
            g.setLabels(y);
            g.computeGradientAndScore();
            double training = g.score();
            double usual = g.score(new org.nd4j.linalg.dataset.DataSet(x, y));
            assertEquals(usual, training, 1e-6 * Math.abs(usual), "step " + step);
            assertEquals(step + 1, layer.scoresFromGradient(), "score from the gradient, step " + step);
        }
        // the layer alone: the same input and labels reuse the gradient; other labels after the backward pass do not
        org.deeplearning4j.nn.workspace.LayerWorkspaceMgr none =
                org.deeplearning4j.nn.workspace.LayerWorkspaceMgr.noWorkspaces();
        INDArray h = Nd4j.rand(DataType.FLOAT, 8, 16);
        INDArray y = Nd4j.rand(DataType.FLOAT, 8, 30);
        INDArray other = Nd4j.rand(DataType.FLOAT, 8, 30);
        INDArray z = h.mmul(g.getParam("out_W")).addiRowVector(g.getParam("out_b"));
        for (INDArray labels : new INDArray[] {y, other}) {
            layer.setInput(h, none);
            layer.setLabels(y);
            layer.backpropGradient(null, none);
            layer.setLabels(labels);
            double expected = new FusedBinaryXENT().computeScore(labels, z, SIGMOID_FN, null, true);
            assertEquals(expected, layer.computeScore(0, true, none), 1e-6 * Math.abs(expected));
        }
        assertEquals(4, layer.scoresFromGradient(), "reused for the same labels only");
    }

    /** The float leaky ReLU passes (the GANs' discriminators) equal DL4J's activation function, forward and backward. */
    @Test
    void floatLeakyReluPassesEqualDl4jsActivation() {
        for (double alpha : new double[] {0.2, 0.01}) {
            org.nd4j.linalg.activations.IActivation leaky = new org.nd4j.linalg.activations.impl.ActivationLReLU(alpha);
            INDArray z = Nd4j.randn(DataType.FLOAT, 37, 300); // three chunks
            z.putScalar(0, 0, 0f); // DL4J's slope at 0 is 1
            INDArray eps = Nd4j.randn(DataType.FLOAT, 37, 300);
            assertEquals(leaky.getActivation(z.dup(), true), ActivationMath.forward(leaky, z.dup()), "forward, alpha " + alpha);
            INDArray expected = leaky.backprop(z.dup(), eps.dup()).getFirst();
            INDArray actual = ActivationMath.backward(leaky, z.dup(), eps);
            INDArray diff = expected.sub(actual);
            long at = Nd4j.argMax(org.nd4j.linalg.ops.transforms.Transforms.abs(diff.reshape(-1))).getLong(0);
            assertTrue(expected.equalsWithEps(actual, 1e-7), "backward, alpha " + alpha + " at " + at + ": z "
                    + z.reshape(-1).getFloat(at) + " eps " + eps.reshape(-1).getFloat(at) + " dl4j "
                    + expected.reshape(-1).getFloat(at) + " zoo " + actual.reshape(-1).getFloat(at));
            assertEquals(null, ActivationMath.backward(leaky, z.castTo(DataType.DOUBLE), eps.castTo(DataType.DOUBLE)));
        }
    }

    /**
     * The softplus SIMD kernels equal DL4J's softplus, forward and backward, to float rounding; where ND4J's {@code
     * log(1 + e^z)} overflows (z above about 88) they give z. This module's tests run with the Vector API (zoo/pom.xml),
     * so the kernels must be on here; turned off, the methods leave softplus to DL4J.
     */
    @Test
    void softplusSimdKernelsEqualDl4jsActivation() {
        assertTrue(Simd.enabled(), "this module's tests run with --add-modules " + Simd.MODULE + " (zoo/pom.xml)");
        org.nd4j.linalg.activations.IActivation softplus = Activation.SOFTPLUS.getActivationFunction();
        INDArray z = Nd4j.randn(DataType.FLOAT, 37, 301).muli(8); // 11,137 elements: three chunks and a tail
        z.putScalar(0, 0, 0f);
        z.putScalar(0, 1, -40f);
        z.putScalar(0, 2, 40f);
        INDArray eps = Nd4j.randn(DataType.FLOAT, 37, 301);
        INDArray expected = softplus.getActivation(z.dup(), true);
        INDArray actual = ActivationMath.forward(softplus, z.dup());
        assertTrue(expected.equalsWithEps(actual, 1e-5), "forward, max difference "
                + Transforms.abs(expected.sub(actual)).maxNumber());
        // against softplus in double: ND4J's float log(1 + e^z) loses digits below z of about -5, the kernel does not
        double worst = 0;
        for (long i = 0; i < z.length(); i++) {
            double x = z.getDouble(i);
            double exact = Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
            worst = Math.max(worst, Math.abs(actual.getDouble(i) - exact) / exact);
        }
        assertTrue(worst < 1e-6, "forward, relative error " + worst);
        INDArray expectedDelta = softplus.backprop(z.dup(), eps.dup()).getFirst();
        INDArray delta = ActivationMath.backward(softplus, z.dup(), eps);
        assertTrue(expectedDelta.equalsWithEps(delta, 1e-6), "backward, max difference "
                + Transforms.abs(expectedDelta.sub(delta)).maxNumber());
        INDArray big = Nd4j.createFromArray(100f, 89f).reshape(1, 2);
        assertEquals(Float.POSITIVE_INFINITY, softplus.getActivation(big.dup(), true).getFloat(0), "ND4J overflows");
        assertEquals(big, ActivationMath.forward(softplus, big.dup()));
        assertEquals(null, ActivationMath.forward(softplus, z.castTo(DataType.DOUBLE)), "double: DL4J's");
        boolean was = Simd.enable(false);
        try {
            assertEquals(null, ActivationMath.forward(softplus, z.dup()), "kernels off: DL4J's");
            assertEquals(null, ActivationMath.backward(softplus, z.dup(), eps));
        } finally {
            Simd.enable(was);
        }
    }

    /** The float ReLU passes in Java equal DL4J's activation function, forward and backward, zeros included. */
    @Test
    void floatReluPassesEqualDl4jsActivation() {
        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
        org.nd4j.linalg.activations.IActivation relu = Activation.RELU.getActivationFunction();
        INDArray z = Nd4j.randn(DataType.FLOAT, 37, 300); // 11,100 elements: three chunks
        z.putScalar(0, 0, 0f);
        INDArray eps = Nd4j.randn(DataType.FLOAT, 37, 300);
        assertEquals(relu.getActivation(z.dup(), true), ActivationMath.forward(relu, z.dup()));
        INDArray expected = relu.backprop(z.dup(), eps.dup()).getFirst();
        assertEquals(expected, ActivationMath.backward(relu, z.dup(), eps));
        assertEquals(null, ActivationMath.forward(new org.nd4j.linalg.activations.impl.ActivationReLU(6.0, 0.0, 0.0), z),
                "capped ReLU: DL4J's");
        assertEquals(null, ActivationMath.forward(Activation.TANH.getActivationFunction(), z));
        assertEquals(null, ActivationMath.backward(relu, z.castTo(DataType.DOUBLE), eps.castTo(DataType.DOUBLE)));
        assertEquals(null, ActivationMath.backward(relu, z, eps.dup('f')), "other ordering");
        // in a float graph: the same step as DL4J's dense layer
        for (String act : new String[] {"relu"}) {
            ComputationGraph cached = floatDense(true);
            ComputationGraph plain = floatDense(false);
            INDArray x = Nd4j.rand(DataType.FLOAT, 8, 6).subi(0.5);
            for (ComputationGraph g : new ComputationGraph[] {cached, plain}) {
                g.setInputs(x);
                g.setLabels(x.add(0.5));
                g.computeGradientAndScore();
            }
            assertEquals(plain.score(), cached.score(), 1e-5 * Math.abs(plain.score()), act + " score");
            assertTrue(plain.gradient().gradient().equalsWithEps(cached.gradient().gradient(), 1e-5), act);
            assertEquals(plain.outputSingle(x), cached.outputSingle(x));
        }
    }

    /** in(6) -> hidden(16, relu) -> out(6, sigmoid, XENT) in float; the zoo's cached layers or DL4J's. */
    private static ComputationGraph floatDense(boolean cached) {
        OutputLayer.Builder out = new OutputLayer.Builder(LossFunctions.LossFunction.XENT).nIn(16).nOut(6)
                .activation(Activation.SIGMOID);
        ComputationGraph g = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(3)
                .dataType(DataType.FLOAT).updater(new NoOp()).graphBuilder().addInputs("in")
                .setInputTypes(InputType.feedForward(6))
                .addLayer("hidden", cached ? CachedDenseLayer.of(6, 16, Activation.RELU, null)
                        : new DenseLayer.Builder().nIn(6).nOut(16).activation(Activation.RELU).build(), "in")
                .addLayer("out", cached ? new CachedOutputLayer(out) : out.build(), "hidden")
                .setOutputs("out").build());
        g.init();
        return g;
    }

    @Test
    void deconvolutionMatchesDl4jLayer() {
        ComputationGraph cached = deconv(true);
        ComputationGraph plain = deconv(false);
        INDArray x = Nd4j.rand(DataType.DOUBLE, 2, 2, 3, 3);
        INDArray y = Nd4j.rand(DataType.DOUBLE, 2, 3, 6, 6);
        assertTrue(plain.outputSingle(x).equalsWithEps(cached.outputSingle(x), 1e-12));
        sameGradients(cached, plain, x, y);
        sameGradients(cached, plain, x.mul(2), y);
    }

    /**
     * ReLU convolutions in FLOAT under a second layer (the conv AE's setting: im2col and col2im as Java passes, the
     * error from above contiguous): the same outputs, scores and gradients as DL4J's layers to float rounding.
     */
    @Test
    void floatReluConvolutionsMatchDl4jLayers() {
        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
        for (boolean transposed : new boolean[] {false, true}) {
            int size = transposed ? 3 : 6;
            ComputationGraph[] g = new ComputationGraph[2];
            for (int i = 0; i < 2; i++) {
                boolean cached = i == 0;
                org.deeplearning4j.nn.conf.layers.Layer relu;
                if (transposed) {
                    Deconvolution2D.Builder d = new Deconvolution2D.Builder(3, 3).stride(2, 2).nOut(4)
                            .activation(Activation.RELU);
                    relu = cached ? new CachedDeconvolution2D(d) : d.build();
                } else {
                    ConvolutionLayer.Builder c = new ConvolutionLayer.Builder(3, 3).stride(2, 2).nOut(4)
                            .activation(Activation.RELU);
                    relu = cached ? new CachedConvolutionLayer(c) : c.build();
                }
                ConvolutionLayer.Builder top = new ConvolutionLayer.Builder(1, 1).nOut(2)
                        .activation(Activation.IDENTITY);
                g[i] = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(5).dataType(DataType.FLOAT)
                        .updater(new NoOp()).convolutionMode(ConvolutionMode.Same).graphBuilder().addInputs("in")
                        .setInputTypes(InputType.convolutional(size, size, 2))
                        .addLayer("relu", relu, "in")
                        .addLayer("top", cached ? new CachedConvolutionLayer(top) : top.build(), "relu")
                        .addLayer("out", new CnnLossLayer.Builder(LossFunctions.LossFunction.XENT)
                                .activation(Activation.SIGMOID).build(), "top")
                        .setOutputs("out").build());
                g[i].init();
            }
            String what = transposed ? "transposed: " : "convolution: ";
            INDArray x = Nd4j.rand(DataType.FLOAT, 5, 2, size, size).subi(0.5);
            INDArray hidden = g[1].feedForward(x, false).get("relu");
            assertTrue(hidden.eq(0).castTo(DataType.INT).sumNumber().intValue() > 0, what + "units cut by the ReLU");
            INDArray out = g[1].outputSingle(x);
            assertTrue(out.equalsWithEps(g[0].outputSingle(x), 1e-6), what + "output");
            INDArray y = Nd4j.rand(DataType.FLOAT, out.shape());
            for (ComputationGraph each : g) {
                each.setInputs(x);
                each.setLabels(y);
                each.computeGradientAndScore();
            }
            assertEquals(g[1].score(), g[0].score(), 1e-5, what + "score");
            for (Map.Entry<String, INDArray> e : g[1].gradient().gradientForVariable().entrySet()) {
                INDArray other = g[0].gradient().gradientForVariable().get(e.getKey());
                assertTrue(e.getValue().equalsWithEps(other, 1e-5), what + "gradient of " + e.getKey() + ": "
                        + e.getValue().sub(other).amaxNumber());
            }
            // inference on 269 images runs in chunks of 128 (the last one shorter) through views of the batch
            INDArray big = Nd4j.rand(DataType.FLOAT, 269, 2, size, size).subi(0.5);
            assertTrue(g[1].outputSingle(big).equalsWithEps(g[0].outputSingle(big), 1e-6), what + "chunked output");
        }
    }

    /** A batch of 269 images (above the 128 the layers were tuned at, not a multiple of it): the same maths. */
    @Test
    void convolutionsMatchDl4jInBatchesLargerThanOneChunk() {
        int n = 2 * 128 + 13;
        INDArray x = Nd4j.rand(DataType.DOUBLE, n, 2, 5, 5);
        ComputationGraph cachedUp = deconv(true, ConvolutionMode.Same, 3, 2, 0, 1, true, 5, 5, Activation.TANH);
        ComputationGraph plainUp = deconv(false, ConvolutionMode.Same, 3, 2, 0, 1, true, 5, 5, Activation.TANH);
        assertTrue(plainUp.outputSingle(x).equalsWithEps(cachedUp.outputSingle(x), 1e-12), "transposed, output");
        sameGradients(cachedUp, plainUp, x, Nd4j.rand(DataType.DOUBLE, n, 3, 10, 10));
        ComputationGraph cached = conv(true, ConvolutionMode.Same, 3, 2, 0, 1, true, 5, 5);
        ComputationGraph plain = conv(false, ConvolutionMode.Same, 3, 2, 0, 1, true, 5, 5);
        INDArray out = plain.outputSingle(x);
        assertTrue(out.equalsWithEps(cached.outputSingle(x), 1e-12), "convolution, output");
        sameGradients(cached, plain, x, Nd4j.rand(DataType.DOUBLE, out.shape()));
    }

    /** in(2 x h x w) -> a transposed convolution of the given geometry (3 channels) -> sigmoid XENT. */
    static ComputationGraph deconv(boolean cached, ConvolutionMode mode, int k, int stride, int pad, int dilation,
                                   boolean bias, int h, int w, Activation activation) {
        Deconvolution2D.Builder d = new Deconvolution2D.Builder(k, k).stride(stride, stride).padding(pad, pad)
                .dilation(dilation, dilation).hasBias(bias).nOut(3).activation(activation);
        return cnnWithLoss(mode, h, w, "up", cached ? new CachedDeconvolution2D(d) : d.build());
    }

    /** in(2 x h x w) -> {@code layer} named {@code name} -> sigmoid XENT; DOUBLE, no updates. */
    private static ComputationGraph cnnWithLoss(ConvolutionMode mode, int h, int w, String name,
                                                org.deeplearning4j.nn.conf.layers.Layer layer) {
        return cnnWithLoss(mode, h, w, name, layer, DataType.DOUBLE);
    }

    private static ComputationGraph cnnWithLoss(ConvolutionMode mode, int h, int w, String name,
                                                org.deeplearning4j.nn.conf.layers.Layer layer, DataType type) {
        ComputationGraph g = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(5)
                .dataType(type).updater(new NoOp()).convolutionMode(mode).graphBuilder()
                .addInputs("in").setInputTypes(InputType.convolutional(h, w, 2))
                .addLayer(name, layer, "in")
                .addLayer("out", new CnnLossLayer.Builder(LossFunctions.LossFunction.XENT)
                        .activation(Activation.SIGMOID).build(), name)
                .setOutputs("out").build());
        g.init();
        return g;
    }

    @Test
    void gemmTransposedConvolutionMatchesDl4jAcrossGeometries() {
        Object[][] cases = {
            // mode, kernel, stride, padding, dilation, bias, h, w
            {ConvolutionMode.Same, 5, 2, 0, 1, true, 3, 4},     // the DCGAN's generator
            {ConvolutionMode.Same, 3, 1, 0, 1, true, 4, 3},
            {ConvolutionMode.Same, 2, 2, 0, 1, false, 3, 3},
            {ConvolutionMode.Same, 3, 1, 0, 2, true, 4, 4},
            {ConvolutionMode.Truncate, 4, 2, 1, 1, true, 3, 2},
            {ConvolutionMode.Truncate, 3, 2, 0, 1, false, 2, 3},
        };
        for (Object[] c : cases) {
            ConvolutionMode mode = (ConvolutionMode) c[0];
            int k = (int) c[1];
            int stride = (int) c[2];
            int pad = (int) c[3];
            int dil = (int) c[4];
            boolean bias = (boolean) c[5];
            int h = (int) c[6];
            int w = (int) c[7];
            String what = java.util.Arrays.toString(c);
            ComputationGraph cached = deconv(true, mode, k, stride, pad, dil, bias, h, w, Activation.TANH);
            ComputationGraph plain = deconv(false, mode, k, stride, pad, dil, bias, h, w, Activation.TANH);
            INDArray x = Nd4j.rand(DataType.DOUBLE, 2, 2, h, w);
            INDArray out = plain.outputSingle(x);
            assertTrue(out.equalsWithEps(cached.outputSingle(x), 1e-12), what + " output");
            INDArray y = Nd4j.rand(DataType.DOUBLE, out.shape());
            sameGradients(cached, plain, x, y);
            assertTrue(GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(cached)
                    .inputs(new INDArray[] {x}).labels(new INDArray[] {y})), what + " gradient check");
        }
    }

    /** in(2 x h x w) -> a convolution of the given geometry (3 channels, tanh) -> sigmoid XENT. */
    static ComputationGraph conv(boolean cached, ConvolutionMode mode, int k, int stride, int pad, int dilation,
                                 boolean bias, int h, int w) {
        ConvolutionLayer.Builder c = new ConvolutionLayer.Builder(k, k).stride(stride, stride).padding(pad, pad)
                .dilation(dilation, dilation).hasBias(bias).nOut(3).activation(Activation.TANH);
        return cnnWithLoss(mode, h, w, "c", cached ? new CachedConvolutionLayer(c) : c.build());
    }

    @Test
    void convolutionMatchesDl4jAcrossGeometries() throws Exception {
        Object[][] cases = {
            // mode, kernel, stride, padding, dilation, bias, h, w
            {ConvolutionMode.Same, 3, 2, 0, 1, true, 6, 5},      // the conv AE's encoder (odd width: bottom pad)
            {ConvolutionMode.Same, 5, 2, 0, 1, true, 6, 6},      // the DCGAN's discriminator
            {ConvolutionMode.Same, 3, 1, 0, 1, false, 4, 5},
            {ConvolutionMode.Same, 3, 1, 0, 2, true, 6, 6},
            {ConvolutionMode.Truncate, 4, 2, 1, 1, true, 6, 7},
            {ConvolutionMode.Truncate, 3, 1, 0, 1, false, 5, 4},
        };
        for (Object[] c : cases) {
            String what = java.util.Arrays.toString(c);
            ConvolutionMode mode = (ConvolutionMode) c[0];
            ComputationGraph cached = conv(true, mode, (int) c[1], (int) c[2], (int) c[3], (int) c[4], (boolean) c[5],
                    (int) c[6], (int) c[7]);
            ComputationGraph plain = conv(false, mode, (int) c[1], (int) c[2], (int) c[3], (int) c[4], (boolean) c[5],
                    (int) c[6], (int) c[7]);
            INDArray x = Nd4j.rand(DataType.DOUBLE, 2, 2, (int) c[6], (int) c[7]);
            INDArray out = plain.outputSingle(x);
            assertTrue(out.equalsWithEps(cached.outputSingle(x), 1e-12), what + " output");
            INDArray y = Nd4j.rand(DataType.DOUBLE, out.shape());
            sameGradients(cached, plain, x, y);
            sameGradients(cached, plain, x.mul(0.5), y); // a new input: no stale columns
            assertTrue(GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(cached)
                    .inputs(new INDArray[] {x}).labels(new INDArray[] {y})), what + " gradient check");
        }
        ComputationGraph g = conv(true, ConvolutionMode.Same, 3, 2, 0, 1, true, 6, 5);
        INDArray x = Nd4j.rand(DataType.DOUBLE, 2, 2, 6, 5);
        g.fit(new INDArray[] {x}, new INDArray[] {Nd4j.rand(DataType.DOUBLE, 2, 3, 3, 3)});
        assertEquals(1, ((CachedConvolutionLayer.Impl) g.getLayer("c")).reusedForwards(), "one reuse a step");
        CachedConvolutionLayer back = ZooAssertions.layer(ZooAssertions.jsonRoundTrip(g, x).getConfiguration(), "c",
                CachedConvolutionLayer.class);
        assertEquals(2, back.getStride()[0]);
        ZooAssertions.serializerRoundTrip(g, tmp, x);
    }

    /** The batch-repeated weights kept from forward to backward are refilled when the weights change. */
    @Test
    void convolutionsUseTheCurrentWeightsWhenTheSameInputComesAgain() {
        ComputationGraph[] cached = {conv(true, ConvolutionMode.Same, 3, 2, 0, 1, true, 6, 5), deconv(true)};
        ComputationGraph[] plain = {conv(false, ConvolutionMode.Same, 3, 2, 0, 1, true, 6, 5), deconv(false)};
        INDArray[] xs = {Nd4j.rand(DataType.DOUBLE, 2, 2, 6, 5), Nd4j.rand(DataType.DOUBLE, 2, 2, 3, 3)};
        for (int i = 0; i < 2; i++) {
            INDArray x = xs[i];
            INDArray y = Nd4j.rand(DataType.DOUBLE, plain[i].outputSingle(x).shape());
            for (int step = 0; step < 3; step++) {
                sameGradients(cached[i], plain[i], x, y); // the same input array every time
                cached[i].feedForward(new INDArray[] {x}, true); // a training forward pass without a backward one
                INDArray delta = Nd4j.rand(DataType.DOUBLE, cached[i].params().shape()).subi(0.5).muli(0.2);
                cached[i].params().addi(delta);
                plain[i].params().addi(delta);
            }
        }
    }

    @Test
    void gradientChecksPass() {
        INDArray x = Nd4j.rand(DataType.DOUBLE, 3, 6);
        assertTrue(GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(dense(true, 0,
                new NoOp())).inputs(new INDArray[] {x}).labels(new INDArray[] {x})), "dense + output");
        INDArray xi = Nd4j.rand(DataType.DOUBLE, 2, 2, 3, 3);
        INDArray yi = Nd4j.rand(DataType.DOUBLE, 2, 3, 6, 6);
        assertTrue(GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(deconv(true))
                .inputs(new INDArray[] {xi}).labels(new INDArray[] {yi})), "transposed convolution");
    }

    @Test
    void trainingFollowsTheSameTrajectoryWithDropout() {
        ComputationGraph cached = dense(true, 0.2, new Adam(1e-2));
        ComputationGraph plain = dense(false, 0.2, new Adam(1e-2));
        INDArray x = Nd4j.rand(DataType.DOUBLE, 8, 6);
        for (int i = 0; i < 5; i++) {
            Nd4j.getRandom().setSeed(100 + i); // the same dropout masks on both
            cached.fit(new INDArray[] {x}, new INDArray[] {x});
            Nd4j.getRandom().setSeed(100 + i);
            plain.fit(new INDArray[] {x}, new INDArray[] {x});
        }
        assertTrue(plain.params().equalsWithEps(cached.params(), 1e-10), "same parameters after 5 Adam steps");
        assertEquals(5, ((CachedDenseLayer.Impl) cached.getLayer("hidden")).reusedPreOutputs(), "one reuse a step");
        assertEquals(5, ((CachedOutputLayer.Impl) cached.getLayer("out")).reusedPreOutputs(), "one reuse a step");
        ComputationGraph c = deconv(true);
        c.fit(new INDArray[] {Nd4j.rand(DataType.DOUBLE, 2, 2, 3, 3)}, new INDArray[] {Nd4j.rand(DataType.DOUBLE, 2, 3, 6, 6)});
        assertEquals(1, ((CachedDeconvolution2D.Impl) c.getLayer("up")).reusedPreOutputs(), "one reuse a step");
        assertEquals(plain.score(), cached.score(), 1e-10);
    }

    @Test
    void jsonAndSerializerRoundTrips() throws Exception {
        INDArray x = Nd4j.rand(DataType.DOUBLE, 3, 6);
        ComputationGraph g = dense(true, 0.3, new Adam(1e-3));
        ComputationGraph back = ZooAssertions.jsonRoundTrip(g, x);
        CachedDenseLayer d = ZooAssertions.layer(back.getConfiguration(), "hidden", CachedDenseLayer.class);
        assertEquals(5, d.getNOut());
        assertEquals(Activation.TANH.getActivationFunction(), d.getActivationFn());
        assertEquals(new Dropout(0.7), d.getIDropout());
        CachedOutputLayer o = ZooAssertions.layer(back.getConfiguration(), "out", CachedOutputLayer.class);
        assertEquals(LossFunctions.LossFunction.XENT.getILossFunction(), o.getLossFn());
        ZooAssertions.serializerRoundTrip(g, tmp, x);
        INDArray xi = Nd4j.rand(DataType.DOUBLE, 2, 2, 3, 3);
        ComputationGraph c = deconv(true);
        CachedDeconvolution2D up = ZooAssertions.layer(ZooAssertions.jsonRoundTrip(c, xi).getConfiguration(), "up",
                CachedDeconvolution2D.class);
        assertEquals(2, up.getStride()[0]);
        assertEquals(3, up.getKernelSize()[0]);
        ZooAssertions.serializerRoundTrip(c, tmp, xi);
    }
}
