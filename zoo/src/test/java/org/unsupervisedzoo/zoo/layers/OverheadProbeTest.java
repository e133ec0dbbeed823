package org.unsupervisedzoo.zoo.layers;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

class OverheadProbeTest {
    double msPerStep(Layer middle, boolean klHead) {
        var b = new NeuralNetConfiguration.Builder().updater(new Adam(1e-3)).graphBuilder().addInputs("in")
                .setInputTypes(InputType.feedForward(60))
                .addLayer("d", new DenseLayer.Builder().nOut(60).activation(Activation.IDENTITY).build(), "in")
                .addLayer("mid", middle, "d")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(20).activation(Activation.IDENTITY).build(), "mid");
        if (klHead) {
            b.addLayer("kl", new GaussianKLPenalty(30, 1), "d").setOutputs("out", "kl");
        } else {
            b.setOutputs("out");
        }
        ComputationGraph g = new ComputationGraph(b.build());
        g.init();
        INDArray x = Nd4j.rand(128, 60);
        INDArray y = Nd4j.rand(128, 20);
        MultiDataSet m = klHead ? new MultiDataSet(new INDArray[] {x}, new INDArray[] {y, null})
                : new MultiDataSet(new INDArray[] {x}, new INDArray[] {y});
        for (int i = 0; i < 200; i++) g.fit(m);
        long t0 = System.nanoTime();
        for (int i = 0; i < 1000; i++) g.fit(m);
        return (System.nanoTime() - t0) / 1e6 / 1000;
    }

    @Test
    void probe() {
        for (int r = 0; r < 3; r++) {
            double base = msPerStep(new DenseLayer.Builder().nOut(20).activation(Activation.IDENTITY).build(), false);
            double rep = msPerStep(new ReparameterizationLayer(20), false);
            double kl = msPerStep(new DenseLayer.Builder().nOut(20).activation(Activation.IDENTITY).build(), true);
            System.out.printf("PROBE dense %.3f ms  reparam %.3f ms  dense+klhead %.3f ms%n", base, rep, kl);
        }
    }
}
