package org.unsupervisedzoo.zoo.fast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * {@link FastBatchNormalization} against DL4J's {@link BatchNormalization} in the same graph with the same
 * parameters: the training output, the score, every gradient (gamma, beta and the running statistics' updates), the
 * parameters after Adam steps, the inference output; DL4J's own code wherever the Java loops do not apply.
 */
class FastBatchNormalizationTest {
    private static ComputationGraphConfiguration conf(DataType type, InputType in, boolean logStd, double decay) {
        return new NeuralNetConfiguration.Builder().seed(3).dataType(type).updater(new Adam(1e-2)).graphBuilder()
                .addInputs("in").setInputTypes(in)
                .addLayer("bn", new BatchNormalization.Builder().useLogStd(logStd).decay(decay).eps(1e-4).build(), "in")
                .addLayer("act", new ActivationLayer.Builder().activation(Activation.TANH).build(), "bn")
                .addLayer("out", in.getType() == InputType.Type.CNN
                        ? new CnnLossLayer.Builder(LossFunctions.LossFunction.MSE).activation(Activation.IDENTITY).build()
                        : new LossLayer.Builder(LossFunctions.LossFunction.MSE).activation(Activation.IDENTITY).build(),
                        "act")
                .setOutputs("out").build();
    }

    private static ComputationGraph[] pair(ComputationGraphConfiguration conf) {
        ComputationGraph stock = new ComputationGraph(conf);
        stock.init();
        // gamma and beta away from 1 and 0, running statistics away from their start
        INDArray p = stock.params();
        p.assign(Nd4j.rand(p.dataType(), p.shape()).muli(0.8).addi(0.3));
        ComputationGraph fast = new ComputationGraph(Accelerate.apply(conf));
        fast.init();
        fast.setParams(stock.params().dup());
        return new ComputationGraph[] {stock, fast};
    }

    private static void assertClose(INDArray expected, INDArray actual, double tol, String what) {
        double scale = Math.max(1e-3, expected.amaxNumber().doubleValue());
        double diff = expected.castTo(DataType.DOUBLE).sub(actual.castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
        assertTrue(diff <= tol * scale, what + ": differ by " + diff + " (scale " + scale + ")");
    }

    private static void checkSameAsDl4j(InputType type, long[] shape, boolean logStd) {
        ComputationGraph[] g = pair(conf(DataType.FLOAT, type, logStd, 0.9));
        assertInstanceOf(FastBatchNormalization.Impl.class, g[1].getLayer("bn"));
        Nd4j.getRandom().setSeed(7);
        for (int step = 0; step < 4; step++) {
            INDArray x = Nd4j.rand(DataType.FLOAT, shape).muli(3).addi(step - 1.0);
            INDArray y = Nd4j.rand(DataType.FLOAT, shape).subi(0.5);
            assertClose(g[0].outputSingle(true, x), g[1].outputSingle(true, x), 1e-5, "training output " + step);
            for (ComputationGraph c : g) {
                c.setInputs(x);
                c.setLabels(y);
                c.computeGradientAndScore();
            }
            assertEquals(g[0].score(), g[1].score(), 1e-5 * Math.max(1, Math.abs(g[0].score())), "score " + step);
            // gamma, beta, the running mean and log10(std) or variance: every gradient DL4J's updater reads
            assertClose(g[0].gradient().gradient(), g[1].gradient().gradient(), 1e-4, "gradient " + step);
            MultiDataSet data = new MultiDataSet(x, y);
            g[0].fit(data);
            g[1].fit(data);
            assertClose(g[0].params(), g[1].params(), 1e-4, "parameters after fit " + step);
            assertClose(g[0].outputSingle(false, x), g[1].outputSingle(false, x), 1e-4, "inference output " + step);
        }
        FastBatchNormalization.Impl impl = (FastBatchNormalization.Impl) g[1].getLayer("bn");
        assertTrue(impl.fastForwards() >= 12 && impl.fastBackwards() >= 8,
                "the Java loops ran: " + impl.fastForwards() + " / " + impl.fastBackwards());
    }

    @Test
    void denseInputMatchesDl4jsBatchNorm() {
        checkSameAsDl4j(InputType.feedForward(6), new long[] {9, 6}, true);
        checkSameAsDl4j(InputType.feedForward(6), new long[] {9, 6}, false);
    }

    @Test
    void convolutionalInputMatchesDl4jsBatchNorm() {
        checkSameAsDl4j(InputType.convolutional(5, 4, 3), new long[] {4, 3, 5, 4}, true);
        checkSameAsDl4j(InputType.convolutional(5, 4, 3), new long[] {4, 3, 5, 4}, false);
    }

    /** Double precision runs DL4J's code in the fast class: the same numbers to the last bit. */
    @Test
    void doublePrecisionRunsDl4jsCode() {
        ComputationGraph[] g = pair(conf(DataType.DOUBLE, InputType.convolutional(3, 3, 2), true, 0.9));
        INDArray x = Nd4j.rand(DataType.DOUBLE, 4, 2, 3, 3);
        INDArray y = Nd4j.rand(DataType.DOUBLE, 4, 2, 3, 3);
        for (ComputationGraph c : g) {
            c.setInputs(x);
            c.setLabels(y);
            c.computeGradientAndScore();
        }
        assertEquals(g[0].gradient().gradient(), g[1].gradient().gradient());
        assertEquals(0, ((FastBatchNormalization.Impl) g[1].getLayer("bn")).fastForwards());
    }

    /** A backward pass after an inference-mode forward pass (as behind FrozenLayerWithBackprop) is DL4J's. */
    @Test
    void backwardAfterAnInferenceForwardIsDl4js() {
        ComputationGraph[] g = pair(conf(DataType.FLOAT, InputType.feedForward(5), true, 0.9));
        INDArray x = Nd4j.rand(DataType.FLOAT, 6, 5);
        INDArray eps = Nd4j.rand(DataType.FLOAT, 6, 5);
        INDArray[] grads = new INDArray[2];
        for (ComputationGraph c : g) {
            c.initGradientsView();
        }
        for (int i = 0; i < 2; i++) {
            org.deeplearning4j.nn.api.Layer bn = g[i].getLayer("bn");
            bn.setInput(x, org.deeplearning4j.nn.workspace.LayerWorkspaceMgr.noWorkspaces());
            bn.activate(false, org.deeplearning4j.nn.workspace.LayerWorkspaceMgr.noWorkspaces());
            grads[i] = bn.backpropGradient(eps, org.deeplearning4j.nn.workspace.LayerWorkspaceMgr.noWorkspaces())
                    .getSecond().dup();
        }
        assertEquals(grads[0], grads[1]);
        // and a training forward pass followed by a backward pass on an epsilon the loops cannot read (a view)
        for (int i = 0; i < 2; i++) {
            org.deeplearning4j.nn.api.Layer bn = g[i].getLayer("bn");
            bn.setInput(x, org.deeplearning4j.nn.workspace.LayerWorkspaceMgr.noWorkspaces());
            bn.activate(true, org.deeplearning4j.nn.workspace.LayerWorkspaceMgr.noWorkspaces());
            INDArray view = Nd4j.rand(DataType.FLOAT, 5, 6).transpose(); // 'f' order
            view.assign(eps);
            grads[i] = bn.backpropGradient(view, org.deeplearning4j.nn.workspace.LayerWorkspaceMgr.noWorkspaces())
                    .getSecond().dup();
        }
        assertClose(grads[0], grads[1], 1e-6, "fallback backward after a fast forward");
    }

    /** Settings the loops do not implement keep DL4J's class; the fast class refuses them when built directly. */
    @Test
    void unsupportedSettingsKeepDl4jsClass() {
        for (BatchNormalization bn : new BatchNormalization[] {
                new BatchNormalization.Builder().lockGammaBeta(true).build(),
                new BatchNormalization.Builder().dataFormat(CNN2DFormat.NHWC).build(),
                new BatchNormalization.Builder().dropOut(0.5).build()}) {
            ComputationGraphConfiguration c = new NeuralNetConfiguration.Builder().graphBuilder().addInputs("in")
                    .setInputTypes(InputType.feedForward(4)).addLayer("bn", bn, "in")
                    .addLayer("out", new LossLayer.Builder(LossFunctions.LossFunction.MSE)
                            .activation(Activation.IDENTITY).build(), "bn").setOutputs("out").build();
            ComputationGraphConfiguration fast = Accelerate.apply(c);
            assertFalse(fast.getVertices().toString().contains("FastBatchNormalization"), fast.toJson());
        }
        FastBatchNormalization locked = new FastBatchNormalization();
        locked.setLockGammaBeta(true);
        locked.setNIn(3);
        locked.setNOut(3);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> locked.instantiate(
                new NeuralNetConfiguration.Builder().layer(locked).build(), null, 0, Nd4j.create(DataType.FLOAT, 1,
                        locked.initializer().numParams(locked)), true, DataType.FLOAT));
        assertTrue(e.getMessage().contains("lockGammaBeta=true"), e.getMessage());
    }

    /** The swap round-trips through JSON and ModelSerializer, and toStock gives back DL4J's class. */
    @Test
    void roundTrips() throws Exception {
        ComputationGraphConfiguration c = conf(DataType.FLOAT, InputType.convolutional(3, 3, 2), true, 0.9);
        ComputationGraph fast = Accelerate.init(c);
        assertTrue(fast.getConfiguration().toJson().contains("FastBatchNormalization"));
        assertEquals(fast.getConfiguration(), ComputationGraphConfiguration.fromJson(fast.getConfiguration().toJson()));
        assertFalse(Accelerate.toStock(fast.getConfiguration()).toJson().contains("FastBatchNormalization"));
        fast.fit(new MultiDataSet(Nd4j.rand(DataType.FLOAT, 4, 2, 3, 3), Nd4j.rand(DataType.FLOAT, 4, 2, 3, 3)));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ModelSerializer.writeModel(fast, bytes, true);
        ComputationGraph back = ModelSerializer.restoreComputationGraph(new ByteArrayInputStream(bytes.toByteArray()), true);
        assertInstanceOf(FastBatchNormalization.Impl.class, back.getLayer("bn"));
        assertEquals(fast.params(), back.params());
        INDArray x = Nd4j.rand(DataType.FLOAT, 2, 2, 3, 3);
        assertEquals(fast.outputSingle(false, x), back.outputSingle(false, x));
    }
}
