package org.unsupervisedzoo.zoo.fast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.weightnoise.DropConnect;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.impl.LossBinaryXENT;
import org.unsupervisedzoo.zoo.catalog.CatalogEntry;
import org.unsupervisedzoo.zoo.catalog.ZooCatalog;
import org.unsupervisedzoo.zoo.core.GraphIO;
import org.unsupervisedzoo.zoo.core.PenaltyLayer;

/**
 * {@link Accelerate}: the factories build stock configurations, the swap is exact both ways, each fast graph computes
 * what its stock twin computes (outputs, score and gradients of every catalog graph, in float), and settings a twin
 * does not implement keep DL4J's class.
 */
class AccelerateTest {
    private static final String FAST = "\"" + Accelerate.class.getPackageName() + ".";

    /** Every configuration of the catalog, by "model part". */
    private static Map<String, ComputationGraphConfiguration> catalog() {
        Map<String, ComputationGraphConfiguration> all = new java.util.LinkedHashMap<>();
        for (CatalogEntry e : ZooCatalog.entries()) {
            e.configurations().forEach((part, conf) -> all.put((e.name() + " " + part).trim(), conf));
        }
        return all;
    }

    /** The catalog's inputs of "model part". */
    private static List<GraphIO> inputsOf(String what) {
        String[] w = what.split(" ");
        return ZooCatalog.get(w[0]).inputs(w.length > 1 ? w[1] : "");
    }

    @Test
    void factoriesBuildStockConfigurationsAndTheSwapRoundTrips() {
        int swapped = 0;
        for (Map.Entry<String, ComputationGraphConfiguration> e : catalog().entrySet()) {
            ComputationGraphConfiguration conf = e.getValue();
            assertTrue(Accelerate.isStock(conf), e.getKey() + " names a class of the fast package");
            ComputationGraphConfiguration fast = Accelerate.apply(conf);
            if (!fast.toJson().equals(conf.toJson())) {
                swapped++;
                assertTrue(fast.toJson().contains(FAST), e.getKey());
            }
            assertEquals(conf.toJson(), Accelerate.toStock(fast).toJson(), e.getKey() + ": toStock(apply(c)) != c");
            assertEquals(conf.toJson(), Accelerate.stockJson(fast), e.getKey());
        }
        assertTrue(swapped >= 18, "only " + swapped + " catalog graphs had anything to swap");
    }

    @Test
    void settingsATwinDoesNotImplementKeepDl4jsClass() {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().updater(new Adam(1e-3)).graphBuilder()
                .addInputs("in").setInputTypes(InputType.feedForward(4))
                .addLayer("noisy", new DenseLayer.Builder().nOut(3).weightNoise(new DropConnect(0.5)).build(), "in")
                .addLayer("normed", new DenseLayer.Builder().nOut(3).hasLayerNorm(true).build(), "noisy")
                .addLayer("plain", new DenseLayer.Builder().nOut(3).build(), "normed")
                .addLayer("out", new OutputLayer.Builder(new LossBinaryXENT(Nd4j.ones(1, 2))).nOut(2)
                        .activation(Activation.SIGMOID).build(), "plain")
                .setOutputs("out").build();
        ComputationGraphConfiguration fast = Accelerate.apply(conf);
        assertEquals(DenseLayer.class, layer(fast, "noisy").getClass(), "weight noise");
        assertEquals(DenseLayer.class, layer(fast, "normed").getClass(), "layer norm");
        assertEquals(CachedDenseLayer.class, layer(fast, "plain").getClass());
        OutputLayer out = (OutputLayer) layer(fast, "out");
        assertEquals(CachedOutputLayer.class, out.getClass());
        assertEquals(LossBinaryXENT.class, out.getLossFn().getClass(), "class weights");
        assertEquals(FastAdam.class, out.getIUpdater().getClass());
        ComputationGraph g = new ComputationGraph(fast);
        g.init();
        assertTrue(g.numParams() > 0);
    }

    private static org.deeplearning4j.nn.conf.layers.Layer layer(ComputationGraphConfiguration c, String name) {
        return ((LayerVertex) c.getVertices().get(name)).getLayerConf().getLayer();
    }

    @Test
    void everyCatalogGraphComputesWhatItsStockTwinComputes() {
        Nd4j.getRandom().setSeed(3);
        List<String> checked = new ArrayList<>();
        for (Map.Entry<String, ComputationGraphConfiguration> e : catalog().entrySet()) {
            String what = e.getKey();
            ComputationGraph stock = new ComputationGraph(e.getValue());
            stock.init();
            ComputationGraph fast = Accelerate.accelerate(stock);
            assertEquals(stock.params(), fast.params(), what);
            INDArray[] in = inputs(inputsOf(what), 5);
            INDArray[] a = stock.output(false, in);
            INDArray[] b = fast.output(false, in);
            for (int i = 0; i < a.length; i++) {
                assertClose(a[i], b[i], 1e-4, what + " output " + i);
            }
            checked.add(what);
            boolean trainable = true;
            for (int i = 0; i < a.length; i++) {
                trainable &= stock.getOutputLayer(i) instanceof org.deeplearning4j.nn.api.layers.IOutputLayer;
            }
            if (!trainable) {
                continue; // a GAN's generator: trained through the combined graph, checked there
            }
            // score and gradients of a training pass, with labels for every head that takes them
            INDArray[] labels = new INDArray[a.length];
            List<String> outs = e.getValue().getNetworkOutputs();
            for (int i = 0; i < a.length; i++) {
                org.deeplearning4j.nn.conf.layers.Layer head = layer(e.getValue(), outs.get(i));
                boolean penalty = head instanceof PenaltyLayer;
                // the M2 objective's labels are [x | w_L | w_C | w_U], not of its output's shape q(y|x)
                labels[i] = penalty ? null : head instanceof org.unsupervisedzoo.zoo.m2.M2ObjectiveLayer m
                        ? Nd4j.rand(DataType.FLOAT, a[i].size(0), m.getDataSize() + 3)
                        : Nd4j.rand(DataType.FLOAT, a[i].shape());
            }
            double[] scores = new double[2];
            INDArray[] grads = new INDArray[2];
            ComputationGraph[] both = {stock, fast};
            for (int k = 0; k < 2; k++) {
                Nd4j.getRandom().setSeed(11); // the same input corruption and dropout draws in both
                both[k].setInputs(in);
                both[k].setLabels(labels);
                both[k].computeGradientAndScore();
                scores[k] = both[k].score();
                grads[k] = both[k].gradient().gradient().dup();
            }
            // DL4J's own score: computeGradientAndScore of its LossLayer (the GANs' D head) overwrites the layer's
            // input with the gradient before it scores it (M2.1; dl4j-internals.md), so score by a forward pass
            Nd4j.getRandom().setSeed(11);
            double reference = stock.score(new MultiDataSet(in, labels), true);
            assertEquals(reference, scores[1], 1e-4 * Math.max(1, Math.abs(reference)), what + " score");
            assertClose(grads[0], grads[1], 2e-3, what + " gradient");
            // a fit step of the fast graph, and back to stock with its state
            INDArray before = fast.params().dup();
            Nd4j.getRandom().setSeed(12);
            fast.fit(new MultiDataSet(in, labels));
            assertNotEquals(before, fast.params(), what + ": fit changed nothing");
            ComputationGraph back = Accelerate.toStock(fast);
            assertTrue(Accelerate.isStock(back.getConfiguration()), what);
            assertEquals(fast.params(), back.params(), what);
            if (fast.getUpdater(false) != null && fast.getUpdater(false).getStateViewArray() != null) {
                assertEquals(fast.getUpdater(false).getStateViewArray(), back.getUpdater().getStateViewArray(), what);
            }
            assertEquals(fast.getConfiguration().getIterationCount(), back.getConfiguration().getIterationCount());
            INDArray[] c = back.output(false, in);
            INDArray[] d = fast.output(false, in);
            for (int i = 0; i < c.length; i++) {
                assertClose(d[i], c[i], 1e-4, what + " output after toStock " + i);
            }
        }
        assertTrue(checked.size() >= 20, checked.toString());
    }

    /**
     * Canary (dl4j-internals.md, item 10): DL4J 1.0.0-M2.1's LossLayer writes the gradient {@code sigmoid(z) - y}
     * into its input and then scores that array. When this fails, DL4J fixed it: update the note.
     */
    @Test
    void canaryDl4jsLossLayerScoresItsOverwrittenInput() {
        INDArray z = Nd4j.create(new float[] {0.7f, 0.9f, 1.4f, 1.1f, 1.2f}, 5, 1);
        INDArray y = Nd4j.create(new float[] {1, 0, 1, 1, 0}, 5, 1);
        ComputationGraph g = new ComputationGraph(new NeuralNetConfiguration.Builder().graphBuilder().addInputs("in")
                .setInputTypes(InputType.feedForward(1))
                .addLayer("score", new org.deeplearning4j.nn.conf.layers.LossLayer.Builder(new LossBinaryXENT())
                        .activation(Activation.SIGMOID).build(), "in")
                .setOutputs("score").build());
        g.init();
        double right = new LossBinaryXENT().computeScore(y, z.dup(), new org.nd4j.linalg.activations.impl
                .ActivationSigmoid(), null, true);
        INDArray in = z.dup();
        g.setInputs(in);
        g.setLabels(y);
        g.computeGradientAndScore();
        INDArray overwritten = Nd4j.getExecutioner().exec(new org.nd4j.linalg.api.ops.impl.transforms.strict.Sigmoid(
                z.dup())).sub(y);
        assertTrue(in.equalsWithEps(overwritten, 1e-6), "DL4J no longer overwrites the LossLayer's input: " + in);
        double wrong = new LossBinaryXENT().computeScore(y, overwritten, new org.nd4j.linalg.activations.impl
                .ActivationSigmoid(), null, true);
        assertEquals(wrong, g.score(), 1e-5, "DL4J's LossLayer score");
        assertNotEquals(right, g.score(), 1e-3);
    }

    /** Random inputs in [0, 1) of the catalog's shapes, {@code n} examples each. */
    static INDArray[] inputs(List<GraphIO> io, int n) {
        INDArray[] in = new INDArray[io.size()];
        for (int i = 0; i < in.length; i++) {
            long[] shape = io.get(i).shape();
            long[] full = new long[shape.length + 1];
            full[0] = n;
            System.arraycopy(shape, 0, full, 1, shape.length);
            in[i] = Nd4j.rand(DataType.FLOAT, full);
        }
        return in;
    }

    private static void assertClose(INDArray expected, INDArray actual, double tol, String what) {
        assertEquals(java.util.Arrays.toString(expected.shape()), java.util.Arrays.toString(actual.shape()), what);
        double scale = Math.max(1e-3, expected.amaxNumber().doubleValue());
        double diff = expected.sub(actual).amaxNumber().doubleValue();
        assertFalse(Double.isNaN(diff), what + ": NaN");
        assertTrue(diff <= tol * scale, what + ": max difference " + diff + " (scale " + scale + ")");
    }
}
