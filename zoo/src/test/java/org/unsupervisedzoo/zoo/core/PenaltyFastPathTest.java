package org.unsupervisedzoo.zoo.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.unsupervisedzoo.zoo.ZooAssertions;
import org.unsupervisedzoo.zoo.DoublePrecision;
import org.junit.jupiter.api.extension.ExtendWith;
import org.unsupervisedzoo.zoo.sparse.KLSparsityPenalty;
import org.unsupervisedzoo.zoo.vae.GaussianKLPenalty;

/**
 * The penalty heads' ND4J path (value and gradient written out) against their SameDiff definition: the same scores
 * and gradients in a graph, a gradient check, and the runtime switch through JSON.
 */
@ExtendWith(DoublePrecision.class)
@DoublePrecision.Seed(7)
class PenaltyFastPathTest {
    private static final List<Supplier<PenaltyLayer>> HEADS = List.of(
            () -> new GaussianKLPenalty(3, 1.5),
            () -> new KLSparsityPenalty(0.05, 3.0),
            () -> new ActivityPenalty(ActivityPenalty.Norm.L1, 0.2),
            () -> new ActivityPenalty(ActivityPenalty.Norm.SQUARED_L2, 0.3));

    private static ComputationGraph graph(Supplier<PenaltyLayer> head, boolean sameDiff) {
        PenaltyLayer h = head.get();
        h.setSameDiffRuntime(sameDiff);
        return PenaltyLayersTest.withCode(h, 5, 6);
    }

    @Test
    void scoresAndGradientsEqualTheSameDiffDefinition() {
        INDArray x = Nd4j.rand(DataType.DOUBLE, 4, 5);
        for (Supplier<PenaltyLayer> head : HEADS) {
            ComputationGraph fast = graph(head, false);
            ComputationGraph reference = graph(head, true);
            String name = fast.getConfiguration().getVertices().get("penalty").toString();
            PenaltyLayer conf = ZooAssertions.layer(fast.getConfiguration(), "penalty", PenaltyLayer.class);
            assertTrue(!Double.isNaN(conf.penaltyValue(Nd4j.rand(DataType.DOUBLE, 4, 6))), name);
            for (ComputationGraph g : new ComputationGraph[] {fast, reference}) {
                g.setInputs(x);
                g.setLabels(x, null);
                g.computeGradientAndScore();
            }
            assertEquals(reference.score(), fast.score(), 1e-10, name);
            for (Map.Entry<String, INDArray> e : reference.gradient().gradientForVariable().entrySet()) {
                assertTrue(e.getValue().equalsWithEps(fast.gradient().gradientForVariable().get(e.getKey()), 1e-9),
                        name + " " + e.getKey());
            }
        }
    }

    /** In float the KL head works on its 1 x n vectors in Java: the same value and gradient as its ND4J path. */
    @Test
    void klHeadsFloatJavaPathEqualsItsNd4jPath() {
        KLSparsityPenalty kl = new KLSparsityPenalty(0.05, 3.0);
        INDArray h = Nd4j.rand(DataType.FLOAT, 6, 9).muli(0.3f);
        h.getColumn(2).assign(0); // a mean of 0: clipped, no gradient
        double nd4j = kl.penaltyValue(h.castTo(DataType.DOUBLE)); // double: the ND4J path
        assertEquals(nd4j, kl.penaltyValue(h), 1e-5 * Math.abs(nd4j));
        INDArray java = Nd4j.valueArrayOf(new long[] {6, 9}, 7f, DataType.FLOAT);
        assertTrue(kl.penaltyGradientInto(h, java));
        INDArray expected = kl.penaltyGradient(h.castTo(DataType.DOUBLE)).castTo(DataType.FLOAT);
        assertTrue(expected.equalsWithEps(java, 1e-4), expected + " vs " + java);
        assertEquals(0.0, java.getColumn(2).sumNumber().doubleValue(), 0.0);
    }

    @Test
    void gradientChecksPassOnTheNd4jPath() {
        INDArray x = Nd4j.rand(DataType.DOUBLE, 3, 5);
        for (Supplier<PenaltyLayer> head : HEADS) {
            ComputationGraph g = graph(head, false);
            assertTrue(GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(g)
                    .inputs(new INDArray[] {x}).labels(new INDArray[] {x, null})), head.get().toString());
        }
    }

    @Test
    void theRuntimeSwitchSurvivesJson() {
        INDArray x = Nd4j.rand(DataType.DOUBLE, 2, 5);
        for (boolean sameDiff : new boolean[] {false, true}) {
            ComputationGraph back = ZooAssertions.jsonRoundTrip(graph(HEADS.get(0), sameDiff), x);
            assertEquals(sameDiff, ZooAssertions.layer(back.getConfiguration(), "penalty", PenaltyLayer.class)
                    .isSameDiffRuntime());
        }
    }
}
