package org.unsupervisedzoo.zoo.contractive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.SubsetVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.unsupervisedzoo.zoo.ZooAssertions;
import org.unsupervisedzoo.zoo.DoublePrecision;
import org.junit.jupiter.api.extension.ExtendWith;
import org.unsupervisedzoo.zoo.core.ActivityPenalty;
import org.unsupervisedzoo.zoo.contractive.ContractiveMath;

/** The contractive layer's ND4J runtime against its SameDiff definition, for every activation. */
@ExtendWith(DoublePrecision.class)
class ContractiveDenseImplTest {
    private static ComputationGraph graph(Activation a, boolean sameDiff) {
        return graph(a, sameDiff, DataType.DOUBLE, 3);
    }

    private static ComputationGraph graph(Activation a, boolean sameDiff, DataType type, int units) {
        ContractiveDenseLayer layer = ContractiveDenseLayer.builder().nOut(units).activation(a).build();
        layer.setSameDiffRuntime(sameDiff);
        ComputationGraph g = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(3)
                .dataType(type).updater(new NoOp()).graphBuilder()
                .addInputs("in").setInputTypes(InputType.feedForward(4))
                .addLayer("encoder", layer, "in")
                .addVertex("code", new SubsetVertex(0, units - 1), "encoder")
                .addVertex("jacobian", new SubsetVertex(units, 2 * units - 1), "encoder")
                .addLayer("reconstruction", new OutputLayer.Builder(LossFunctions.LossFunction.XENT).nOut(4)
                        .activation(Activation.SIGMOID).build(), "code")
                .addLayer("penalty", new ActivityPenalty(ActivityPenalty.Norm.L1, 0.7), "jacobian")
                .setOutputs("reconstruction", "penalty").build());
        g.init();
        return g;
    }

    @Test
    void outputsScoresAndGradientsEqualTheSameDiffDefinition() {
        INDArray x = Nd4j.rand(DataType.DOUBLE, 5, 4);
        for (Activation a : new Activation[] {Activation.SIGMOID, Activation.TANH, Activation.SOFTPLUS,
            Activation.IDENTITY, Activation.RELU}) {
            ComputationGraph fast = graph(a, false);
            ComputationGraph reference = graph(a, true);
            assertTrue(fast.getLayer("encoder") instanceof ContractiveDenseImpl, a.toString());
            assertTrue(!(reference.getLayer("encoder") instanceof ContractiveDenseImpl), a.toString());
            assertTrue(reference.feedForward(x, false).get("encoder")
                    .equalsWithEps(fast.feedForward(x, false).get("encoder"), 1e-12), a.toString());
            // two steps with different inputs: the second must not use the first one's forward pass
            for (INDArray in : new INDArray[] {x, x.mul(0.5)}) {
                for (ComputationGraph g : new ComputationGraph[] {fast, reference}) {
                    g.setInputs(in);
                    g.setLabels(in, null);
                    g.computeGradientAndScore();
                }
                assertEquals(reference.score(), fast.score(), 1e-10, a.toString());
                for (Map.Entry<String, INDArray> e : reference.gradient().gradientForVariable().entrySet()) {
                    assertTrue(e.getValue().equalsWithEps(fast.gradient().gradientForVariable().get(e.getKey()),
                            1e-9), a + " " + e.getKey());
                }
            }
            assertEquals(2, ((ContractiveDenseImpl) fast.getLayer("encoder")).reusedForwards(),
                    a + ": each backward pass reuses its forward pass");
        }
    }

    @Test
    void theRuntimeSwitchSurvivesJson() {
        INDArray x = Nd4j.rand(DataType.DOUBLE, 2, 4);
        for (boolean sameDiff : new boolean[] {false, true}) {
            ComputationGraph back = ZooAssertions.jsonRoundTrip(graph(Activation.SIGMOID, sameDiff), x);
            assertEquals(sameDiff, ZooAssertions.layer(back.getConfiguration(), "encoder", ContractiveDenseLayer.class)
                    .isSameDiffRuntime());
        }
    }

    /**
     * In float the runtime's backward pass runs as Java loops ({@link ContractiveMath}); its gradients equal the
     * SameDiff definition's to float rounding, for every activation.
     */
    @Test
    void floatBackwardPassesInJavaEqualTheSameDiffDefinition() {
        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
        INDArray x = Nd4j.rand(DataType.FLOAT, 9, 4);
        for (Activation a : new Activation[] {Activation.SIGMOID, Activation.TANH, Activation.SOFTPLUS,
            Activation.IDENTITY, Activation.RELU}) {
            ComputationGraph fast = graph(a, false, DataType.FLOAT, 37);
            ComputationGraph reference = graph(a, true, DataType.FLOAT, 37);
            for (INDArray in : new INDArray[] {x, x.mul(0.5)}) {
                for (ComputationGraph g : new ComputationGraph[] {fast, reference}) {
                    g.setInputs(in);
                    g.setLabels(in, null);
                    g.computeGradientAndScore();
                }
                assertEquals(reference.score(), fast.score(), 1e-5 * Math.abs(reference.score()), a + " score");
                for (String key : new String[] {"encoder_W", "encoder_b"}) {
                    INDArray expected = reference.gradient().getGradientFor(key);
                    INDArray actual = fast.gradient().getGradientFor(key);
                    double scale = expected.norm2Number().doubleValue();
                    assertTrue(actual.sub(expected).norm2Number().doubleValue() <= 1e-5 * scale + 1e-7,
                            a + " " + key + ": " + actual + " vs " + expected);
                }
            }
            ContractiveDenseImpl layer = (ContractiveDenseImpl) fast.getLayer("encoder");
            assertEquals(2, layer.javaBackwardPasses(), a + " Java backward");
            boolean javaForward = a == Activation.SIGMOID || a == Activation.TANH;
            assertEquals(javaForward ? 2 : 0, layer.javaForwardPasses(), a + " Java forward");
            assertTrue(reference.feedForward(x, false).get("encoder")
                    .equalsWithEps(fast.feedForward(x, false).get("encoder"), 1e-5), a + " output [h | q]");
        }
    }

    /** The passes over W in both orderings against ND4J's ops; arrays they cannot take are refused untouched. */
    @Test
    void passesOverTheWeightsInBothOrderings() {
        for (char order : new char[] {'c', 'f'}) {
            INDArray w = Nd4j.randn(DataType.FLOAT, 7, 5).dup(order);
            assertTrue(w.mul(w).sum(true, 0).equalsWithEps(ContractiveMath.columnSquares(w), 1e-5), "norms " + order);
            float[] v = {0.5f, -1f, 2f, 0f, 3f};
            INDArray g = Nd4j.randn(DataType.FLOAT, 7, 5).dup(order);
            INDArray expected = g.add(w.mulRowVector(Nd4j.createFromArray(v).reshape(1, 5)));
            assertTrue(ContractiveMath.addScaledColumns(g, w, v), order + " taken");
            assertTrue(expected.equalsWithEps(g, 1e-5), "g + W diag(v), " + order);
        }
        INDArray g = Nd4j.randn(DataType.FLOAT, 7, 5);
        INDArray before = g.dup();
        assertTrue(!ContractiveMath.addScaledColumns(g, Nd4j.randn(DataType.FLOAT, 7, 5).dup('f'), new float[5]),
                "mixed orderings refused");
        assertEquals(before, g, "untouched");
        assertEquals(null, ContractiveMath.columnSquares(Nd4j.randn(DataType.DOUBLE, 7, 5)), "double refused");
    }
}
