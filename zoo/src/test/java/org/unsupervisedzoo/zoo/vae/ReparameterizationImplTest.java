package org.unsupervisedzoo.zoo.vae;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.unsupervisedzoo.zoo.ZooAssertions;
import org.unsupervisedzoo.zoo.DoublePrecision;
import org.junit.jupiter.api.extension.ExtendWith;

/** The reparameterization's ND4J runtime against its SameDiff definition, a formula, a gradient check, JSON. */
@ExtendWith(DoublePrecision.class)
class ReparameterizationImplTest {
    @TempDir
    Path tmp;

    /** x(5) -> dense(6) = [mu | logvar] ; merge with eps(3) -> z -> dense output(4), MSE. */
    static ComputationGraph graph(boolean sameDiff) {
        ReparameterizationLayer z = new ReparameterizationLayer(3);
        z.setSameDiffRuntime(sameDiff);
        ComputationGraph g = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(11)
                .dataType(DataType.DOUBLE).updater(new NoOp()).graphBuilder().addInputs("x", "eps")
                .setInputTypes(InputType.feedForward(5), InputType.feedForward(3))
                .addLayer("params", new DenseLayer.Builder().nOut(6).activation(Activation.TANH).build(), "x")
                .addVertex("zin", new MergeVertex(), "params", "eps")
                .addLayer("z", z, "zin")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(4)
                        .activation(Activation.IDENTITY).build(), "z")
                .setOutputs("out").build());
        g.init();
        return g;
    }

    @Test
    void sameOutputsAndGradientsAsTheSameDiffDefinitionAndTheFormula() {
        ComputationGraph fast = graph(false);
        ComputationGraph reference = graph(true);
        assertTrue(fast.getLayer("z") instanceof ReparameterizationImpl);
        INDArray x = Nd4j.rand(DataType.DOUBLE, 4, 5);
        INDArray eps = Nd4j.randn(DataType.DOUBLE, 4, 3);
        INDArray y = Nd4j.rand(DataType.DOUBLE, 4, 4);
        INDArray p = fast.feedForward(new INDArray[] {x, eps}, false).get("params");
        INDArray expected = p.getColumns(0, 1, 2).add(Transforms.exp(p.getColumns(3, 4, 5).mul(0.5)).mul(eps));
        assertTrue(expected.equalsWithEps(fast.feedForward(new INDArray[] {x, eps}, false).get("z"), 1e-12));
        assertTrue(reference.outputSingle(x, eps).equalsWithEps(fast.outputSingle(x, eps), 1e-12));
        for (ComputationGraph g : new ComputationGraph[] {fast, reference}) {
            g.setInputs(x, eps);
            g.setLabels(y);
            g.computeGradientAndScore();
        }
        assertEquals(reference.score(), fast.score(), 1e-12);
        for (Map.Entry<String, INDArray> e : reference.gradient().gradientForVariable().entrySet()) {
            assertTrue(e.getValue().equalsWithEps(fast.gradient().gradientForVariable().get(e.getKey()), 1e-10),
                    e.getKey());
        }
    }

    @Test
    void gradientCheckAndRoundTrips() throws Exception {
        ComputationGraph g = graph(false);
        INDArray x = Nd4j.rand(DataType.DOUBLE, 3, 5);
        INDArray eps = Nd4j.randn(DataType.DOUBLE, 3, 3);
        assertTrue(GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(g)
                .inputs(new INDArray[] {x, eps}).labels(new INDArray[] {Nd4j.rand(DataType.DOUBLE, 3, 4)})));
        ComputationGraph back = ZooAssertions.jsonRoundTrip(g, x, eps);
        ReparameterizationLayer z = ZooAssertions.layer(back.getConfiguration(), "z", ReparameterizationLayer.class);
        assertEquals(3, z.getLatentSize());
        assertEquals(false, z.isSameDiffRuntime());
        ReparameterizationLayer r = ZooAssertions.layer(ZooAssertions.jsonRoundTrip(graph(true), x, eps)
                .getConfiguration(), "z", ReparameterizationLayer.class);
        assertEquals(true, r.isSameDiffRuntime());
        ZooAssertions.serializerRoundTrip(g, tmp, x, eps);
    }
}
