package org.unsupervisedzoo.zoo.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.SubsetVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** ColumnSubsetVertex against DL4J's SubsetVertex: outputs, gradients, both data types, JSON and the serializer. */
class ColumnSubsetVertexTest {
    /** input(6) -> dense(8) -> [cols 0..2 -> out-a(3)], [cols 3..7 -> out-b(2)]: the dense layer gets two errors. */
    private static ComputationGraph graph(boolean zoo, DataType type) {
        GraphVertex a = zoo ? new ColumnSubsetVertex(0, 2) : new SubsetVertex(0, 2);
        GraphVertex b = zoo ? new ColumnSubsetVertex(3, 7) : new SubsetVertex(3, 7);
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(7).dataType(type)
                .updater(new Sgd(0.1)).graphBuilder().addInputs("in").setInputTypes(InputType.feedForward(6))
                .addLayer("dense", new DenseLayer.Builder().nOut(8).activation(Activation.TANH).build(), "in")
                .addVertex("a", a, "dense").addVertex("b", b, "dense")
                .addLayer("out-a", new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(3)
                        .activation(Activation.IDENTITY).build(), "a")
                .addLayer("out-b", new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(2)
                        .activation(Activation.IDENTITY).build(), "b")
                .setOutputs("out-a", "out-b").build();
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        return g;
    }

    @Test
    void sameOutputsAndGradientsAsDl4jsSubsetVertexInFloatAndDouble() {
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) { // double: DL4J's path
            ComputationGraph dl4j = graph(false, type);
            ComputationGraph zoo = graph(true, type);
            zoo.setParams(dl4j.params());
            INDArray x = Nd4j.rand(type, 5, 6);
            INDArray[] y = {Nd4j.rand(type, 5, 3), Nd4j.rand(type, 5, 2)};
            INDArray[] o1 = dl4j.output(x);
            INDArray[] o2 = zoo.output(x);
            assertEquals(o1[0], o2[0], type + " out-a");
            assertEquals(o1[1], o2[1], type + " out-b");
            assertEquals(dl4j.feedForward(x, false).get("b"), zoo.feedForward(x, false).get("b"), type + " columns 3..7");
            for (int step = 0; step < 3; step++) {
                dl4j.fit(new INDArray[] {x}, y);
                zoo.fit(new INDArray[] {x}, y);
                assertTrue(dl4j.params().equalsWithEps(zoo.params(), 1e-6), type + " step " + step);
                assertEquals(dl4j.score(), zoo.score(), 1e-6);
            }
            assertNotEquals(graph(true, type).params(), zoo.params(), "trained");
            long java = ((ColumnSubsetVertex.Impl) zoo.getVertex("b")).javaPasses;
            assertTrue(type == DataType.FLOAT ? java >= 6 : java == 0, type + ": Java passes " + java);
        }
    }

    @Test
    void survivesJsonAndTheSerializer() throws Exception {
        ComputationGraph g = graph(true, DataType.FLOAT);
        String json = g.getConfiguration().toJson();
        assertTrue(json.contains(ColumnSubsetVertex.class.getName()), "the zoo's class in the JSON");
        ComputationGraphConfiguration back = ComputationGraphConfiguration.fromJson(json);
        assertEquals(g.getConfiguration(), back);
        assertEquals(new ColumnSubsetVertex(3, 7), back.getVertices().get("b"));
        assertEquals(ColumnSubsetVertex.class, back.getVertices().get("b").getClass());
        assertTrue(!back.getVertices().get("b").equals(new SubsetVertex(3, 7)), "not DL4J's vertex");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ModelSerializer.writeModel(g, bytes, true);
        ComputationGraph restored = ModelSerializer.restoreComputationGraph(new ByteArrayInputStream(
                bytes.toByteArray()), true);
        INDArray x = Nd4j.rand(DataType.FLOAT, 4, 6);
        assertEquals(g.output(x)[1], restored.output(x)[1]);
    }
}
