package org.unsupervisedzoo.zoo.fast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Path;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.unsupervisedzoo.zoo.autoencoder.UndercompleteAutoencoder;

/** The updater on DL4J's standard path: the same training as DL4J's updater, on the graph's own gradient memory. */
class ViewGradientUpdaterTest {
    @TempDir
    Path tmp;

    /** 6 -> 5 -> 6 with L2 and weight decay, so the updater's regularization steps run too. */
    private static ComputationGraphConfiguration conf(IUpdater updater) {
        return new NeuralNetConfiguration.Builder().seed(3).dataType(DataType.FLOAT).updater(updater).l2(1e-2)
                .weightDecay(1e-3).graphBuilder().addInputs("in").setInputTypes(InputType.feedForward(6))
                .addLayer("h", new DenseLayer.Builder().nOut(5).activation(Activation.TANH).build(), "in")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(6)
                        .activation(Activation.IDENTITY).build(), "h")
                .setOutputs("out").build();
    }

    private static final INDArray DATA = Nd4j.linspace(-1, 1, 10 * 8 * 6, DataType.FLOAT).reshape(10, 8, 6);

    private static void fit(ComputationGraph g, int steps) {
        for (int i = 0; i < steps; i++) {
            INDArray x = DATA.get(org.nd4j.linalg.indexing.NDArrayIndex.point(i % 10),
                    org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.all())
                    .dup().muli((i % 3) - 1.5);
            g.fit(new INDArray[] {x}, new INDArray[] {x});
        }
    }

    @Test
    void trainsAsDl4jsUpdaterOnTheStandardPath() {
        ComputationGraph dl4j = new ComputationGraph(conf(new Nesterovs(0.05, 0.9)));
        dl4j.init();
        ComputationGraph zoo = new ComputationGraph(conf(new Nesterovs(0.05, 0.9)));
        zoo.init();
        ViewGradientUpdater.install(zoo);
        assertTrue(zoo.getUpdater() instanceof ViewGradientUpdater);
        fit(dl4j, 7);
        fit(zoo, 7);
        assertTrue(dl4j.params().equalsWithEps(zoo.params(), 1e-6), "parameters after 7 steps");
        assertTrue(dl4j.getUpdater().getStateViewArray().equalsWithEps(zoo.getUpdater().getStateViewArray(), 1e-6),
                "momentum state");
        // DL4J would take the external path: the gradient's flattened array is a new object on the same memory
        zoo.computeGradientAndScore();
        INDArray flat = zoo.gradient().gradient();
        INDArray own = zoo.getUpdater().getFlattenedGradientsView();
        assertNotSame(own, flat);
        assertTrue(ViewGradientUpdater.sameMemory(flat, own), "the graph's own gradient memory");
        assertTrue(!ViewGradientUpdater.sameMemory(flat.dup(), own), "a copy is another gradient");
    }

    @Test
    void accelerateInstallsItKeepingStateAndItSurvivesTheSerializer() throws Exception {
        UndercompleteAutoencoder ae = UndercompleteAutoencoder.builder().inputSize(12).hiddenSizes(6, 3).build();
        ComputationGraph g = Accelerate.init(ae);
        assertTrue(g.getUpdater() instanceof ViewGradientUpdater);
        INDArray x = Nd4j.rand(DataType.FLOAT, 5, 12);
        g.fit(new INDArray[] {x}, new INDArray[] {x});
        INDArray state = g.getUpdater().getStateViewArray().dup();
        assertSame(g, ViewGradientUpdater.install(g), "installing twice changes nothing");
        assertEquals(state, g.getUpdater().getStateViewArray());
        File f = tmp.resolve("ae.zip").toFile();
        ModelSerializer.writeModel(g, f, true);
        ComputationGraph back = ViewGradientUpdater.install(ModelSerializer.restoreComputationGraph(f, true));
        assertEquals(state, back.getUpdater().getStateViewArray(), "restored state kept by install");
        g.fit(new INDArray[] {x}, new INDArray[] {x});
        back.fit(new INDArray[] {x}, new INDArray[] {x});
        assertTrue(g.params().equalsWithEps(back.params(), 1e-6), "the same next step");
    }
}
