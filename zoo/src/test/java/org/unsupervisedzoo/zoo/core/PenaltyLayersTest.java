package org.unsupervisedzoo.zoo.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.unsupervisedzoo.zoo.ZooAssertions.rejects;

import java.nio.file.Path;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.unsupervisedzoo.zoo.ZooAssertions;
import org.unsupervisedzoo.zoo.DoublePrecision;
import org.junit.jupiter.api.extension.ExtendWith;
import org.unsupervisedzoo.zoo.sparse.KLSparsityPenalty;

/** The KL sparsity and activity penalty heads: value, gradient, round trips. */
@ExtendWith(DoublePrecision.class)
@DoublePrecision.Seed(42)
class PenaltyLayersTest {
    @TempDir
    Path tmp;

    /** in -> head (the head alone: its score is the penalty of the input). */
    private static ComputationGraph headOnly(PenaltyLayer head, int n) {
        ComputationGraph g = new ComputationGraph(new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE)
                .graphBuilder().addInputs("in").setInputTypes(InputType.feedForward(n))
                .addLayer("penalty", head, "in").setOutputs("penalty").build());
        g.init();
        return g;
    }

    /** in -> code (dense, sigmoid) -> reconstruction, and code -> penalty head. */
    static ComputationGraph withCode(PenaltyLayer head, int nIn, int nCode) {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(7).dataType(DataType.DOUBLE)
                .updater(new NoOp()).graphBuilder().addInputs("in").setInputTypes(InputType.feedForward(nIn))
                .addLayer("code", new DenseLayer.Builder().nOut(nCode).activation(Activation.SIGMOID).build(), "in")
                .addLayer("reconstruction", new OutputLayer.Builder(LossFunctions.LossFunction.XENT).nOut(nIn)
                        .activation(Activation.SIGMOID).build(), "code")
                .addLayer("penalty", head, "code")
                .setOutputs("reconstruction", "penalty").build();
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        return g;
    }

    private static MultiDataSet unsupervised(INDArray x) {
        return new MultiDataSet(new INDArray[] {x}, new INDArray[] {null});
    }

    private static double klByHand(INDArray h, double rho, double beta) {
        double total = 0;
        for (int j = 0; j < h.columns(); j++) {
            double q = h.getColumn(j).meanNumber().doubleValue();
            total += rho * Math.log(rho / q) + (1 - rho) * Math.log((1 - rho) / (1 - q));
        }
        return beta * total;
    }

    @Test
    void klPenaltyEqualsTheFormulaByHandAtEveryBatchSize() {
        for (int batch : new int[] {1, 5, 32}) {
            INDArray h = Nd4j.rand(DataType.DOUBLE, batch, 6).muli(0.9).addi(0.05);
            ComputationGraph g = headOnly(new KLSparsityPenalty(0.1, 2.5), 6);
            assertEquals(klByHand(h, 0.1, 2.5), g.score(unsupervised(h)), 1e-10, "batch " + batch);
        }
    }

    @Test
    void activityPenaltiesEqualTheFormulaByHand() {
        INDArray h = Nd4j.rand(DataType.DOUBLE, 7, 4).subi(0.5);
        double l1 = Nd4j.math().abs(h).sumNumber().doubleValue() / 7;
        double l2 = h.mul(h).sumNumber().doubleValue() / 7;
        assertEquals(0.3 * l1, headOnly(new ActivityPenalty(ActivityPenalty.Norm.L1, 0.3), 4)
                .score(unsupervised(h)), 1e-12);
        assertEquals(2.0 * l2, headOnly(new ActivityPenalty(ActivityPenalty.Norm.SQUARED_L2, 2.0), 4)
                .score(unsupervised(h)), 1e-12);
    }

    @Test
    void graphScoreIsReconstructionPlusPenaltyOnce() {
        INDArray x = Nd4j.rand(DataType.DOUBLE, 8, 5);
        ComputationGraph g = withCode(new KLSparsityPenalty(0.05, 3), 5, 3);
        INDArray h = g.feedForward(x, false).get("code");
        ComputationGraph without = withCode(new ActivityPenalty(ActivityPenalty.Norm.L1, 0.0), 5, 3);
        without.setParams(g.params());
        double recon = without.score(new MultiDataSet(new INDArray[] {x}, new INDArray[] {x, null}));
        double total = g.score(new MultiDataSet(new INDArray[] {x}, new INDArray[] {x, null}));
        assertEquals(recon + klByHand(h, 0.05, 3), total, 1e-9);
    }

    @Test
    void gradientsOfEveryHeadPassADoublePrecisionCheckThroughTheCodeLayer() {
        INDArray x = Nd4j.rand(DataType.DOUBLE, 6, 5);
        PenaltyLayer[] heads = {new KLSparsityPenalty(0.1, 3.0), new ActivityPenalty(ActivityPenalty.Norm.L1, 0.5),
            new ActivityPenalty(ActivityPenalty.Norm.SQUARED_L2, 0.5)};
        for (PenaltyLayer head : heads) {
            ComputationGraph g = withCode(head, 5, 4);
            boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(g)
                    .inputs(new INDArray[] {x}).labels(new INDArray[] {x, null}));
            assertTrue(ok, "gradient check with " + head.getClass().getSimpleName());
        }
    }

    @Test
    void fitWithoutLabelsForTheHeadMovesTheCodeTowardsTheTarget() {
        INDArray x = Nd4j.rand(DataType.DOUBLE, 64, 10);
        ComputationGraph g = withCode(new KLSparsityPenalty(0.05, 3.0), 10, 8);
        g.getConfiguration().getVertices(); // same graph, now with an updater
        ComputationGraph trained = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(7)
                .dataType(DataType.DOUBLE).updater(new Sgd(0.5)).graphBuilder().addInputs("in")
                .setInputTypes(InputType.feedForward(10))
                .addLayer("code", new DenseLayer.Builder().nOut(8).activation(Activation.SIGMOID).build(), "in")
                .addLayer("penalty", new KLSparsityPenalty(0.05, 3.0), "code").setOutputs("penalty").build());
        trained.init();
        double before = trained.feedForward(x, false).get("code").meanNumber().doubleValue();
        for (int i = 0; i < 300; i++) {
            trained.fit(unsupervised(x));
        }
        double after = trained.feedForward(x, false).get("code").meanNumber().doubleValue();
        assertTrue(before > 0.3, "starts near 0.5: " + before);
        assertEquals(0.05, after, 0.01, "mean activation driven to rho");
    }

    @Test
    void everyHyperParameterSurvivesJsonAndTheSerializer() throws Exception {
        ComputationGraph g = withCode(new KLSparsityPenalty(0.07, 1.5), 5, 3);
        INDArray x = Nd4j.rand(DataType.DOUBLE, 4, 5);
        ComputationGraph back = ZooAssertions.jsonRoundTrip(g, x);
        KLSparsityPenalty kl = ZooAssertions.layer(back.getConfiguration(), "penalty", KLSparsityPenalty.class);
        assertEquals(0.07, kl.getRho());
        assertEquals(1.5, kl.getBeta());
        ComputationGraph restored = ZooAssertions.serializerRoundTrip(g, tmp, x);
        MultiDataSet mds = new MultiDataSet(new INDArray[] {x}, new INDArray[] {x, null});
        assertEquals(g.score(mds), restored.score(mds), 1e-12);

        ComputationGraph a = withCode(new ActivityPenalty(ActivityPenalty.Norm.SQUARED_L2, 0.25), 5, 3);
        ActivityPenalty ap = ZooAssertions.layer(ZooAssertions.jsonRoundTrip(a, x).getConfiguration(), "penalty",
                ActivityPenalty.class);
        assertEquals(ActivityPenalty.Norm.SQUARED_L2, ap.getNorm());
        assertEquals(0.25, ap.getWeight());
        assertNotEquals(new ActivityPenalty(ActivityPenalty.Norm.L1, 0.25), ap, "equality sees the norm");
    }

    @Test
    void invalidHyperParametersAreRejected() {
        rejects(() -> new KLSparsityPenalty(0, 3), "rho", "0");
        rejects(() -> new KLSparsityPenalty(1.2, 3), "rho", "1.2");
        rejects(() -> new KLSparsityPenalty(0.05, -1), "beta", "-1");
        rejects(() -> new ActivityPenalty(ActivityPenalty.Norm.L1, Double.NaN), "weight", "NaN");
        rejects(() -> new ActivityPenalty(null, 1), "norm");
    }
}
