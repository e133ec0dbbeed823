package org.unsupervisedzoo.zoo.contractive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.unsupervisedzoo.zoo.ZooAssertions.rejects;

import java.nio.file.Path;
import java.util.Collection;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.SubsetVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.unsupervisedzoo.zoo.ZooAssertions;
import org.unsupervisedzoo.zoo.DoublePrecision;
import org.junit.jupiter.api.extension.ExtendWith;
import org.unsupervisedzoo.zoo.core.ActivityPenalty;

/** The contractive encoder layer: value, gradients, the doubled-gradient fix, round trips, weight layout. */
@ExtendWith(DoublePrecision.class)
@DoublePrecision.Seed(11)
class ContractiveDenseLayerTest {
    @TempDir
    Path tmp;

    private static final DataType FLOAT = DataType.FLOAT;

    /** in -> contractive -> code (subset) -> reconstruction; contractive -> jacobian (subset) -> penalty. */
    private static ComputationGraph graph(ContractiveDenseLayer layer, int nIn, double lambda) {
        int k = (int) layer.getNOut();
        ComputationGraph g = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(3)
                .dataType(DataType.DOUBLE).updater(new NoOp()).graphBuilder()
                .addInputs("in").setInputTypes(InputType.feedForward(nIn))
                .addLayer("encoder", layer, "in")
                .addVertex("code", new SubsetVertex(0, k - 1), "encoder")
                .addVertex("jacobian", new SubsetVertex(k, 2 * k - 1), "encoder")
                .addLayer("reconstruction", new OutputLayer.Builder(LossFunctions.LossFunction.XENT).nOut(nIn)
                        .activation(Activation.SIGMOID).build(), "code")
                .addLayer("penalty", new ActivityPenalty(ActivityPenalty.Norm.L1, lambda), "jacobian")
                .setOutputs("reconstruction", "penalty").build());
        g.init();
        return g;
    }

    private static ContractiveDenseLayer layer(Activation a, int nOut) {
        return ContractiveDenseLayer.builder().nOut(nOut).activation(a).build();
    }

    @Test
    void outputsTheCodeAndTheClosedFormJacobianTermForSigmoid() {
        ComputationGraph g = graph(layer(Activation.SIGMOID, 3), 4, 1.0);
        INDArray x = Nd4j.rand(DataType.DOUBLE, 5, 4);
        INDArray w = g.getParam("encoder_W");
        INDArray b = g.getParam("encoder_b");
        INDArray h = Transforms.sigmoid(x.mmul(w).addiRowVector(b));
        INDArray q = h.mul(h.rsub(1.0)).muli(h.rsub(1.0).muli(h)).muliRowVector(w.mul(w).sum(0));
        INDArray out = g.feedForward(x, false).get("encoder");
        assertArrayEquals(new long[] {5, 6}, out.shape());
        assertTrue(h.equalsWithEps(g.feedForward(x, false).get("code"), 1e-12));
        assertTrue(q.equalsWithEps(g.feedForward(x, false).get("jacobian"), 1e-12));
    }

    @Test
    void penaltyEqualsTheJacobianMeasuredByFiniteDifferencesForEveryActivation() {
        for (Activation a : ContractiveDenseLayer.SUPPORTED) {
            ComputationGraph g = graph(layer(a, 3), 4, 0.7);
            INDArray x = Nd4j.rand(DataType.DOUBLE, 6, 4).subi(0.5);
            INDArray measured = JacobianNorm.finiteDifference(g, "code", x, 1e-6);
            double expectedPenalty = 0.7 * measured.meanNumber().doubleValue();
            ComputationGraph penaltyOnly = graph(layer(a, 3), 4, 0.7);
            penaltyOnly.setParams(g.params());
            // score = mean reconstruction BCE + penalty; take the reconstruction out with lambda = 0
            ComputationGraph noPenalty = graph(layer(a, 3), 4, 0.0);
            noPenalty.setParams(g.params());
            MultiDataSet mds = new MultiDataSet(new INDArray[] {x}, new INDArray[] {x, null});
            double penalty = penaltyOnly.score(mds) - noPenalty.score(mds);
            assertEquals(expectedPenalty, penalty, 1e-6 * Math.max(1, expectedPenalty), a.toString());
        }
    }

    @Test
    void gradientsPassADoublePrecisionCheckForEveryActivation() {
        INDArray x = Nd4j.rand(DataType.DOUBLE, 4, 5).subi(0.5);
        for (Activation a : new Activation[] {Activation.SIGMOID, Activation.TANH, Activation.SOFTPLUS,
            Activation.IDENTITY}) {
            ComputationGraph g = graph(layer(a, 3), 5, 0.5);
            assertTrue(GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(g)
                    .inputs(new INDArray[] {x}).labels(new INDArray[] {x, null})), a.toString());
        }
    }

    @Test
    void gradientCheckAlsoPassesWithAnUpstreamLayerAndReluAwayFromTheKink() {
        ComputationGraph g = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(5)
                .dataType(DataType.DOUBLE).updater(new NoOp()).graphBuilder()
                .addInputs("in").setInputTypes(InputType.feedForward(5))
                .addLayer("hidden", new DenseLayer.Builder().nOut(4).activation(Activation.TANH).build(), "in")
                .addLayer("encoder", layer(Activation.RELU, 3), "hidden")
                .addVertex("code", new SubsetVertex(0, 2), "encoder")
                .addVertex("jacobian", new SubsetVertex(3, 5), "encoder")
                .addLayer("reconstruction", new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(5)
                        .activation(Activation.IDENTITY).build(), "code")
                .addLayer("penalty", new ActivityPenalty(ActivityPenalty.Norm.L1, 1.0), "jacobian")
                .setOutputs("reconstruction", "penalty").build());
        g.init();
        INDArray x = Nd4j.rand(DataType.DOUBLE, 3, 5);
        // away from the kink: every pre-activation of the ReLU far from 0 next to the check's 1e-6 steps, and
        // both signs present, so that the Jacobian term 1[z > 0] both keeps and drops units
        INDArray hidden = g.feedForward(new INDArray[] {x}, false).get("hidden");
        INDArray z = hidden.mmul(g.getParam("encoder_" + ContractiveDenseLayer.WEIGHT_KEY))
                .addRowVector(g.getParam("encoder_" + ContractiveDenseLayer.BIAS_KEY));
        assertTrue(org.nd4j.linalg.ops.transforms.Transforms.abs(z).minNumber().doubleValue() > 1e-3, z.toString());
        assertTrue(z.maxNumber().doubleValue() > 0 && z.minNumber().doubleValue() < 0, z.toString());
        assertTrue(GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(g)
                .inputs(new INDArray[] {x}).labels(new INDArray[] {x, null})), "upstream params get the true gradient");
    }

    /** Dropout on the layer, its own or the network's default, is refused by name (it was silently SameDiff's). */
    @Test
    void dropoutIsRefused() {
        for (boolean sameDiff : new boolean[] {false, true}) {
            ContractiveDenseLayer own = layer(Activation.SIGMOID, 3);
            own.setSameDiffRuntime(sameDiff);
            own.setIDropout(new org.deeplearning4j.nn.conf.dropout.Dropout(0.8));
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> graph(own, 4, 1.0));
            assertTrue(e.getMessage().contains("does not take dropout"), e.getMessage());
        }
        ComputationGraph inherited = new ComputationGraph(new NeuralNetConfiguration.Builder().dropOut(0.8)
                .graphBuilder().addInputs("in").setInputTypes(InputType.feedForward(4))
                .addLayer("encoder", layer(Activation.SIGMOID, 3), "in")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(4)
                        .activation(Activation.IDENTITY).build(), "encoder")
                .setOutputs("out").build());
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                inherited::init);
        assertTrue(e.getMessage().contains("does not take dropout"), e.getMessage());
    }

    /** DL4J's own SameDiff layer runtime, without the zoo's fix. */
    static class StockRuntime extends ContractiveDenseLayer {
        StockRuntime() {
        }

        StockRuntime(ContractiveDenseLayer copy) {
            setNIn(copy.getNIn());
            setNOut(copy.getNOut());
            setActivation(copy.getActivation());
        }

        @Override
        public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf,
                Collection<TrainingListener> listeners, int index, INDArray view, boolean init, DataType dt) {
            org.deeplearning4j.nn.layers.samediff.SameDiffLayer ret =
                    new org.deeplearning4j.nn.layers.samediff.SameDiffLayer(conf, dt);
            ret.setIndex(index);
            ret.setParamsViewArray(view);
            ret.setParamTable(initializer().init(conf, view, init));
            ret.setConf(conf);
            return ret;
        }
    }

    @Test
    void canaryDl4jsStockRuntimeStillDoublesTheGradient() {
        // If this starts failing, DL4J fixed its SameDiff layer: remove the halving in ZooSameDiffLayerImpl.
        ComputationGraph g = graph(new StockRuntime(layer(Activation.SIGMOID, 3)), 5, 0.5);
        INDArray x = Nd4j.rand(DataType.DOUBLE, 4, 5);
        assertFalse(GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(g)
                .inputs(new INDArray[] {x}).labels(new INDArray[] {x, null})));
    }

    @Test
    void weightsCopyIntoAnOrdinaryDenseLayer() {
        ComputationGraph g = graph(layer(Activation.SIGMOID, 3), 4, 1.0);
        ComputationGraph dense = new ComputationGraph(new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE)
                .graphBuilder().addInputs("in").setInputTypes(InputType.feedForward(4))
                .addLayer("code", new DenseLayer.Builder().nOut(3).activation(Activation.SIGMOID).build(), "in")
                .setOutputs("code").build());
        dense.init();
        dense.getLayer("code").setParam("W", g.getParam("encoder_W"));
        dense.getLayer("code").setParam("b", g.getParam("encoder_b"));
        INDArray x = Nd4j.rand(DataType.DOUBLE, 5, 4);
        assertTrue(g.feedForward(x, false).get("code").equalsWithEps(dense.outputSingle(x), 1e-12));
    }

    @Test
    void jsonAndSerializerRoundTripsKeepEveryHyperParameter() throws Exception {
        ComputationGraph g = graph(layer(Activation.TANH, 3), 4, 0.3);
        INDArray x = Nd4j.rand(DataType.DOUBLE, 3, 4);
        ComputationGraph back = ZooAssertions.jsonRoundTrip(g, x);
        ContractiveDenseLayer l = ZooAssertions.layer(back.getConfiguration(), "encoder", ContractiveDenseLayer.class);
        assertEquals(Activation.TANH, l.getActivation());
        assertEquals(4, l.getNIn());
        assertEquals(3, l.getNOut());
        ZooAssertions.serializerRoundTrip(g, tmp, x);
    }

    @Test
    void invalidSettingsAreRejected() {
        rejects(() -> ContractiveDenseLayer.builder().nOut(0).build(), "nOut", "0");
        rejects(() -> ContractiveDenseLayer.builder().nOut(3).nIn(-2).build(), "nIn", "-2");
        rejects(() -> ContractiveDenseLayer.builder().nOut(3).activation(Activation.SOFTMAX).build(), "activation",
                "SOFTMAX");
    }
}
