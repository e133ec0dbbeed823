package org.unsupervisedzoo.zoo.layers;

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

/** The contractive layer's ND4J runtime against its SameDiff definition, for every activation. */
@ExtendWith(DoublePrecision.class)
class ContractiveDenseImplTest {
    private static ComputationGraph graph(Activation a, boolean sameDiff) {
        ContractiveDenseLayer layer = ContractiveDenseLayer.builder().nOut(3).activation(a).build();
        layer.setSameDiffRuntime(sameDiff);
        ComputationGraph g = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(3)
                .dataType(DataType.DOUBLE).updater(new NoOp()).graphBuilder()
                .addInputs("in").setInputTypes(InputType.feedForward(4))
                .addLayer("encoder", layer, "in")
                .addVertex("code", new SubsetVertex(0, 2), "encoder")
                .addVertex("jacobian", new SubsetVertex(3, 5), "encoder")
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
}
