package org.unsupervisedzoo.zoo.gan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.ops.transforms.Transforms;

/** The generators' batch normalization: followed by a real nonlinearity, with DCGAN's settings. */
class GanBatchNormTest {
    /** Factories whose generator has batch normalization, and the slope of its activation (0: relu). */
    static Stream<Arguments> batchNormFactories() {
        return Stream.of(Arguments.of(GanTest.dcgan(0), 0.0), Arguments.of(GanTest.dcgan(10), 0.0),
                Arguments.of(Dcgan.builder().build(), 0.0), Arguments.of(GanTest.mlp(10), 0.2),
                Arguments.of(MlpGan.builder().noiseSize(8).generatorSizes(16, 32).discriminatorSizes(32, 16)
                        .generatorBatchNorm(true).build(), 0.2));
    }

    /**
     * The fact behind the bug: DL4J 1.0.0-M2.1's BatchNormalization takes {@code .activation(RELU)} and ignores it
     * (the output has negative values). If this ever fails, DL4J applies it now.
     */
    @Test
    void dl4jBatchNormalizationIgnoresTheActivationItIsGiven() {
        ComputationGraph g = new ComputationGraph(new org.deeplearning4j.nn.conf.NeuralNetConfiguration.Builder()
                .inferenceWorkspaceMode(org.deeplearning4j.nn.conf.WorkspaceMode.NONE).graphBuilder().addInputs("in").setInputTypes(InputType.feedForward(4))
                .addLayer("bn", new BatchNormalization.Builder().activation(Activation.RELU).build(), "in")
                .setOutputs("bn").build());
        g.init();
        INDArray out = g.feedForward(new INDArray[] {Nd4j.randn(32, 4)}, true, false).get("bn");
        assertTrue(out.minNumber().doubleValue() < 0, "negative outputs: no relu applied");
    }

    /**
     * The layer that follows each batch normalization of G (through reshapes) reads {@code activation(BN output)}:
     * G is nonlinear. Before the fix it read the normalized values themselves (DL4J ignored the relu set on the batch
     * normalization), so the DCGAN's G was tanh of an affine function of z (per batch).
     */
    @ParameterizedTest
    @MethodSource("batchNormFactories")
    void theLayerAfterEachBatchNormReadsItsActivation(GanFactory gan, double slope) {
        ComputationGraph g = gan.initGenerator();
        // (training mode: in inference DL4J's activation layer works in place on the batch normalization's output)
        for (boolean training : new boolean[] {true}) {
            Map<String, INDArray> a = g.feedForward(GanTest.inputs(gan, 16), training, false);
            int checked = 0;
            for (String bn : a.keySet()) {
                if (!(g.getLayer(bn) != null && g.getLayer(bn).conf().getLayer() instanceof BatchNormalization)) {
                    continue;
                }
                // follow the parameterless vertices after it to the next layer with parameters
                String cur = bn;
                while (true) {
                    String next = readerOf(g.getConfiguration(), cur);
                    if (g.getLayer(next) != null && g.getLayer(next).numParams() > 0) {
                        break;
                    }
                    cur = next;
                }
                INDArray x = a.get(bn);
                INDArray expected = slope == 0 ? Transforms.relu(x, true) : Transforms.leakyRelu(x, slope, true);
                INDArray read = a.get(cur).reshape(x.shape());
                assertTrue(x.minNumber().doubleValue() < 0, "the normalized values have negatives");
                assertTrue(read.equalsWithEps(expected, 1e-6), gan.name() + " (training " + training + "): the layer "
                        + "after " + bn + " reads " + cur + ", which is not the activation of " + bn);
                checked++;
            }
            assertTrue(checked > 0, "a batch normalization checked");
        }
    }

    /** The only vertex that reads {@code vertex}. */
    private static String readerOf(ComputationGraphConfiguration conf, String vertex) {
        List<String> readers = conf.getVertexInputs().entrySet().stream().filter(e -> e.getValue().contains(vertex))
                .map(Map.Entry::getKey).collect(java.util.stream.Collectors.toList());
        assertEquals(1, readers.size(), vertex + " is read by " + readers);
        return readers.get(0);
    }

    /**
     * DCGAN's settings reach every layer: batch normalization with eps 1e-5 and decay 0.9 (PyTorch's momentum 0.1),
     * no activation of its own; Adam(2e-4, beta1 0.5) for every trainable parameter, gamma and beta included, in all
     * three graphs.
     */
    @ParameterizedTest
    @MethodSource("batchNormFactories")
    void batchNormSettingsAndAdamOnEveryParameter(GanFactory gan, double slope) {
        for (ComputationGraph c : List.of(gan.initGenerator(), gan.initDiscriminator(), gan.init())) {
            for (org.deeplearning4j.nn.api.Layer l : c.getLayers()) {
                org.deeplearning4j.nn.conf.layers.Layer conf = l.conf().getLayer();
                if (conf instanceof org.deeplearning4j.nn.conf.layers.misc.FrozenLayerWithBackprop) {
                    conf = ((org.deeplearning4j.nn.conf.layers.misc.FrozenLayerWithBackprop) conf).getUnderlying();
                }
                if (conf instanceof BatchNormalization) {
                    BatchNormalization bn = (BatchNormalization) conf;
                    assertEquals(1e-5, bn.getEps(), 0.0);
                    assertEquals(0.9, bn.getDecay(), 0.0);
                    assertTrue(bn.getActivationFn() instanceof org.nd4j.linalg.activations.impl.ActivationIdentity,
                            "no activation on the batch normalization (DL4J would ignore it)");
                }
                for (String p : l.paramTable().keySet()) {
                    org.nd4j.linalg.learning.config.IUpdater u = conf.getUpdaterByParam(p);
                    if (conf instanceof BatchNormalization && (p.equals("mean") || p.equals("var")
                            || p.equals("log10stdev"))) {
                        assertTrue(u instanceof org.nd4j.linalg.learning.config.NoOp, p + ": running statistic");
                        continue;
                    }
                    assertTrue(u instanceof Adam, conf.getLayerName() + "/" + p + ": " + u);
                    Adam adam = (Adam) u;
                    assertEquals(2e-4, adam.getLearningRate(), 0.0, conf.getLayerName() + "/" + p);
                    assertEquals(0.5, adam.getBeta1(), 0.0, conf.getLayerName() + "/" + p);
                    assertEquals(0.999, adam.getBeta2(), 0.0, conf.getLayerName() + "/" + p);
                }
            }
        }
    }

    /**
     * Suspects "batch norm statistics in the frozen D" and "FrozenLayerWithBackprop around batch norm" ruled out by
     * construction: no factory puts batch normalization in D (frozen layers run in inference mode, so a
     * batch-normalized D would be a different function in G's step), in D's graph or the combined graph.
     */
    @ParameterizedTest
    @MethodSource("batchNormFactories")
    void discriminatorHasNoBatchNormalization(GanFactory gan, double slope) {
        ComputationGraph d = gan.initDiscriminator();
        ComputationGraph c = gan.init();
        for (ComputationGraph graph : List.of(d, c)) {
            for (org.deeplearning4j.nn.api.Layer l : graph.getLayers()) {
                String name = l.conf().getLayer().getLayerName();
                boolean inD = d.getConfiguration().getVertices().containsKey(name);
                org.deeplearning4j.nn.api.Layer inner = l instanceof org.deeplearning4j.nn.layers.FrozenLayerWithBackprop
                        ? ((org.deeplearning4j.nn.layers.FrozenLayerWithBackprop) l).getInsideLayer() : l;
                if (inD) {
                    assertTrue(!(inner instanceof org.deeplearning4j.nn.layers.normalization.BatchNormalization),
                            name + " in D is a batch normalization");
                }
            }
        }
    }
}
