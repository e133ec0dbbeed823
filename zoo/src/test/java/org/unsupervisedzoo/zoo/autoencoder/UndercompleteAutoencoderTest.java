package org.unsupervisedzoo.zoo.autoencoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.unsupervisedzoo.zoo.ZooAssertions.layer;
import static org.unsupervisedzoo.zoo.ZooAssertions.rejects;

import java.nio.file.Path;
import java.util.List;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.learning.regularization.L1Regularization;
import org.nd4j.linalg.learning.regularization.Regularization;
import org.nd4j.linalg.learning.regularization.WeightDecay;
import org.unsupervisedzoo.datasets.BundledSample;
import org.unsupervisedzoo.datasets.MnistIterator;
import org.unsupervisedzoo.datasets.Split;
import org.unsupervisedzoo.zoo.ZooAssertions;

class UndercompleteAutoencoderTest {
    @TempDir
    Path tmp;

    private static UndercompleteAutoencoder tiny() {
        return UndercompleteAutoencoder.builder().inputSize(12).hiddenSizes(6, 3).seed(1).build();
    }

    private static INDArray tinyBatch(int n) {
        Nd4j.getRandom().setSeed(5);
        return Nd4j.rand(DataType.FLOAT, n, 12);
    }

    @Test
    void defaultGraphHasTheDocumentedVerticesAndShapes() {
        UndercompleteAutoencoder ae = UndercompleteAutoencoder.builder().build();
        ComputationGraphConfiguration conf = ae.conf();
        List<String> expected = List.of("encoder-1", "encoder-2", "code", "decoder-1", "decoder-2", "reconstruction");
        int[][] inOut = {{784, 128}, {128, 64}, {64, 32}, {32, 64}, {64, 128}, {128, 784}};
        for (int i = 0; i < expected.size(); i++) {
            FeedForwardLayer layer = layer(conf, expected.get(i), FeedForwardLayer.class);
            assertEquals(inOut[i][0], layer.getNIn(), expected.get(i) + " nIn");
            assertEquals(inOut[i][1], layer.getNOut(), expected.get(i) + " nOut");
        }
        assertEquals(List.of("input"), conf.getNetworkInputs());
        assertEquals(List.of("reconstruction"), conf.getNetworkOutputs());
        assertEquals(32, ae.codeSize());
        assertArrayEquals(new long[] {784}, ae.inputShape());
        assertEquals("undercomplete-autoencoder", ae.name());

        ComputationGraph g = ae.init();
        INDArray x = Nd4j.rand(DataType.FLOAT, 3, 784);
        assertArrayEquals(new long[] {3, 784}, g.outputSingle(x).shape());
        assertArrayEquals(new long[] {3, 32}, UndercompleteAutoencoder.encode(g, x).shape());
    }

    @Test
    void tinyModelOutputsProbabilities() {
        ComputationGraph g = tiny().init();
        INDArray y = UndercompleteAutoencoder.reconstruct(g, tinyBatch(4));
        assertArrayEquals(new long[] {4, 12}, y.shape());
        assertTrue(y.minNumber().doubleValue() > 0 && y.maxNumber().doubleValue() < 1);
        // 12 -> 6 -> 3 -> 6 -> 12: weights plus biases of four layers
        assertEquals((12 * 6 + 6) + (6 * 3 + 3) + (3 * 6 + 6) + (6 * 12 + 12), g.numParams());
    }

    @Test
    void oneFitChangesParameters() {
        ComputationGraph g = tiny().init();
        INDArray x = tinyBatch(8);
        ZooAssertions.fitChangesParameters(g, new DataSet(x, x).toMultiDataSet());
    }

    @Test
    void lossFallsOverAFewStepsOnTheBundledSample() {
        MnistIterator it = MnistIterator.builder(new BundledSample(), Split.TRAIN).batchSize(100).seed(1)
                .target(MnistIterator.Target.INPUT).build();
        ComputationGraph g = UndercompleteAutoencoder.builder().hiddenSizes(64, 16).seed(2).build().init();
        DataSet fixed = it.next();
        double before = g.score(fixed);
        for (int i = 0; i < 30; i++) {
            g.fit(it.next());
        }
        double after = g.score(fixed);
        assertTrue(after < 0.8 * before, "score " + before + " -> " + after);
    }

    @Test
    void hyperParametersReachTheLayers() {
        UndercompleteAutoencoder ae = UndercompleteAutoencoder.builder().inputSize(10).hiddenSizes(4)
                .activation(Activation.TANH).codeActivation(Activation.IDENTITY).loss(ReconstructionLoss.MSE)
                .updater(new Sgd(0.3)).l1(1e-4).weightDecay(1e-3).dropout(0.25).build();
        // every hyper-parameter below survives JSON too
        ComputationGraphConfiguration conf = ComputationGraphConfiguration.fromJson(ae.conf().toJson());
        assertEquals(ae.conf(), conf);
        DenseLayer code = layer(conf, UndercompleteAutoencoder.CODE, DenseLayer.class);
        OutputLayer out = layer(conf, UndercompleteAutoencoder.RECONSTRUCTION, OutputLayer.class);
        assertEquals(Activation.IDENTITY.getActivationFunction(), code.getActivationFn());
        assertEquals(0.3, ((Sgd) code.getIUpdater()).getLearningRate(), 1e-12);
        List<Regularization> reg = code.getRegularization();
        assertTrue(reg.stream().anyMatch(r -> r instanceof L1Regularization), reg.toString());
        assertTrue(reg.stream().anyMatch(r -> r instanceof WeightDecay), reg.toString());
        assertNotNull(out.getIDropout(), "hidden activations feeding the output are dropped");
        assertEquals(null, code.getIDropout(), "the input itself is never dropped in a one-layer encoder");
        assertEquals("LossMSE()", out.getLossFn().toString());
    }

    @Test
    void jsonAndSerializerRoundTripsGiveEqualOutputs() throws Exception {
        // no dropout here: its random masks would make the two copies' next steps differ
        ComputationGraph g = UndercompleteAutoencoder.builder().inputSize(12).hiddenSizes(6, 3).l2(1e-3)
                .updater(new Adam(0.01)).seed(3).build().init();
        INDArray x = tinyBatch(5);
        g.fit(new DataSet(x, x)); // so that the updater has state
        ZooAssertions.jsonRoundTrip(g, x);
        ComputationGraph restored = ZooAssertions.serializerRoundTrip(g, tmp, x);
        // training continues identically from the restored copy
        g.fit(new DataSet(x, x));
        restored.fit(new DataSet(x, x));
        assertEquals(g.params(), restored.params());
    }

    @Test
    void sameSeedSameWeights() {
        assertEquals(tiny().init().params(), tiny().init().params());
    }

    @Test
    void gradientsMatchFiniteDifferencesInDoublePrecision() {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        try {
            ComputationGraph g = UndercompleteAutoencoder.builder().inputSize(6).hiddenSizes(4, 2)
                    .activation(Activation.TANH).codeActivation(Activation.TANH).l2(1e-2).updater(new NoOp())
                    .dataType(DataType.DOUBLE).seed(4).build().init();
            INDArray x = Nd4j.rand(DataType.DOUBLE, 3, 6);
            boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(g)
                    .inputs(new INDArray[] {x}).labels(new INDArray[] {x}));
            assertTrue(ok, "gradient check");
        } finally {
            Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
        }
    }

    @Test
    void invalidConfigurationsAreRejectedWithClearMessages() {
        rejects(() -> UndercompleteAutoencoder.builder().inputSize(0).build(), "inputSize", "0");
        rejects(() -> UndercompleteAutoencoder.builder().inputSize(-784).build(), "inputSize", "-784");
        rejects(() -> UndercompleteAutoencoder.builder().hiddenSizes().build(), "hiddenSizes", "at least one");
        rejects(() -> UndercompleteAutoencoder.builder().hiddenSizes((int[]) null).build(), "hiddenSizes");
        rejects(() -> UndercompleteAutoencoder.builder().hiddenSizes(128, -3, 32).build(), "hiddenSizes[1]", "-3");
        rejects(() -> UndercompleteAutoencoder.builder().hiddenSizes(128, 0).build(), "hiddenSizes[1]", "0");
        rejects(() -> UndercompleteAutoencoder.builder().l1(-1).build(), "l1", "-1");
        rejects(() -> UndercompleteAutoencoder.builder().l2(Double.NaN).build(), "l2", "NaN");
        rejects(() -> UndercompleteAutoencoder.builder().l2(1e-3).weightDecay(1e-3).build(), "l2", "weightDecay");
        rejects(() -> UndercompleteAutoencoder.builder().dropout(1.0).build(), "dropout", "1.0");
        rejects(() -> UndercompleteAutoencoder.builder().updater(null).build(), "updater");
        rejects(() -> UndercompleteAutoencoder.builder().loss(null).build(), "loss");
        rejects(() -> UndercompleteAutoencoder.builder().dataType(DataType.INT).build(), "dataType", "INT");
    }
}
