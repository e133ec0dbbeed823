package org.unsupervisedzoo.zoo.gan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayerWithBackprop;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.unsupervisedzoo.zoo.fast.Accelerate;
import org.unsupervisedzoo.zoo.fast.CachedConvolutionLayer;
import org.unsupervisedzoo.zoo.fast.CachedDenseLayer;
import org.unsupervisedzoo.zoo.fast.FrozenBackprop;

/**
 * The zoo's layers behind DL4J's {@code FrozenLayerWithBackprop} (a GAN's D in the combined graph): they keep the
 * forward pass for the backward pass though the wrapper runs it in inference mode, compute no parameter gradient,
 * and G gets the gradient DL4J's own layers give it.
 */
class FrozenBackpropTest {
    private static List<Layer> insideLayers(ComputationGraph graph) {
        return java.util.Arrays.stream(graph.getLayers())
                .filter(l -> l instanceof org.deeplearning4j.nn.layers.FrozenLayerWithBackprop)
                .map(l -> ((org.deeplearning4j.nn.layers.FrozenLayerWithBackprop) l).getInsideLayer())
                .collect(java.util.stream.Collectors.toList());
    }

    /**
     * One gradient pass of the DCGAN's combined graph, DL4J's layers against the zoo's (the same parameters, DOUBLE):
     * the same score and gradient, G's parameters included; D's gradient zero in both; and each of D's convolutions
     * reused its forward pass (before the fix the backward pass of every frozen layer fell to DL4J's code).
     */
    @Test
    void theFrozenDiscriminatorReusesItsForwardPassAndGGetsDl4jsGradient() {
        Dcgan gan = GanGradientCheckTest.tinyDcgan(0);
        ComputationGraph stock = new ComputationGraph(gan.conf());
        stock.init();
        ComputationGraph fast = Accelerate.init(gan.conf());
        fast.setParams(stock.params().dup());
        INDArray noise = Nd4j.rand(DataType.DOUBLE, 5, 6).subi(0.5);
        INDArray ones = Nd4j.ones(DataType.DOUBLE, 5, 1);
        for (ComputationGraph g : List.of(stock, fast)) {
            g.setInputs(noise);
            g.setLabels(ones);
            g.computeGradientAndScore();
        }
        // (scores by a forward pass: DL4J's LossLayer + LossBinaryXENT scores its overwritten input after the
        // gradient pass, dl4j-internals.md row 10)
        org.nd4j.linalg.dataset.MultiDataSet data = new org.nd4j.linalg.dataset.MultiDataSet(noise, ones);
        assertEquals(stock.score(data, true), fast.score(data, true), 1e-10);
        INDArray a = stock.gradient().gradient();
        INDArray b = fast.gradient().gradient();
        assertTrue(a.sub(b).amaxNumber().doubleValue() <= 1e-9 * Math.max(1, a.amaxNumber().doubleValue()),
                "gradients differ by " + a.sub(b).amaxNumber());
        assertTrue(a.amaxNumber().doubleValue() > 0, "G has a gradient");

        List<Layer> inside = insideLayers(fast);
        long convolutions = inside.stream().filter(l -> l instanceof CachedConvolutionLayer.Impl).count();
        assertEquals(2, convolutions, "D's two convolutions are the zoo's, behind the wrapper");
        for (Layer l : inside) {
            assertTrue(l instanceof FrozenBackprop && ((FrozenBackprop) l).isFrozenWithBackprop(), l.toString());
            if (l instanceof CachedConvolutionLayer.Impl) {
                assertEquals(1, ((CachedConvolutionLayer.Impl) l).reusedForwards(), "forward pass reused");
            }
            if (l instanceof CachedDenseLayer.Impl) {
                assertEquals(1, ((CachedDenseLayer.Impl) l).reusedPreOutputs(), "forward pass reused");
            }
        }
        // the stock graph's D layers are DL4J's own and are not marked
        assertTrue(insideLayers(stock).stream().noneMatch(l -> l instanceof FrozenBackprop));
    }

    /** A frozen zoo layer with dropout is left to DL4J's code (which draws its own mask in the backward pass). */
    @Test
    void aFrozenLayerWithDropoutIsLeftToDl4j() {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(1).dataType(DataType.DOUBLE)
                .updater(new Adam(1e-3)).graphBuilder().addInputs("in")
                .addLayer("g", CachedDenseLayer.of(4, 6, Activation.TANH, null), "in")
                .addLayer("d", new FrozenLayerWithBackprop(CachedDenseLayer.of(6, 3, Activation.TANH, new Dropout(0.5))), "g")
                .addLayer("d2", new FrozenLayerWithBackprop(CachedDenseLayer.of(3, 1, Activation.IDENTITY, null)), "d")
                .addLayer("out", new LossLayer.Builder(LossFunctions.LossFunction.MSE).activation(Activation.IDENTITY).build(), "d2")
                .setOutputs("out").build();
        ComputationGraph graph = Accelerate.init(conf);
        assertEquals(List.of("d", "d2"), FrozenBackprop.mark(graph));
        graph.setInputs(Nd4j.rand(DataType.DOUBLE, 5, 4));
        graph.setLabels(Nd4j.zeros(DataType.DOUBLE, 5, 1));
        graph.computeGradientAndScore();
        List<Layer> inside = insideLayers(graph);
        assertEquals(0, ((CachedDenseLayer.Impl) inside.get(0)).reusedPreOutputs(), "with dropout: DL4J's path");
        assertEquals(1, ((CachedDenseLayer.Impl) inside.get(1)).reusedPreOutputs(), "without: the kept forward");
        assertFalse(((CachedDenseLayer.Impl) graph.getLayer("g")).isFrozenWithBackprop(), "G is not frozen");
    }
}
