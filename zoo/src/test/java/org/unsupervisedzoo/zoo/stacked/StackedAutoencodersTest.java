package org.unsupervisedzoo.zoo.stacked;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.unsupervisedzoo.zoo.ZooAssertions.rejects;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.datasets.iterator.ExistingDataSetIterator;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.unsupervisedzoo.zoo.ZooAssertions;
import org.unsupervisedzoo.zoo.autoencoder.AutoencoderFactory;
import org.unsupervisedzoo.zoo.autoencoder.Autoencoders;
import org.unsupervisedzoo.zoo.autoencoder.UndercompleteAutoencoder;
import org.unsupervisedzoo.zoo.contractive.ContractiveAutoencoder;
import org.unsupervisedzoo.zoo.core.ReconstructionIterator;
import org.unsupervisedzoo.zoo.denoising.DenoisingAutoencoder;
import org.unsupervisedzoo.zoo.denoising.MaskingCorruption;

class StackedAutoencodersTest {
    @TempDir
    Path tmp;

    /** 96 examples of 20 values in [0, 1], one fixed order (no shuffling), batches of 32. */
    private static final INDArray X = Nd4j.rand(Nd4j.getRandomFactory().getNewRandomInstance(7), 96, 20)
            .castTo(DataType.FLOAT);

    private static ExistingDataSetIterator data() {
        return batches(X);
    }

    private static ExistingDataSetIterator batches(INDArray x) {
        return new ExistingDataSetIterator(new DataSet(x, x).batchBy(32));
    }

    private static StackedAutoencoders.Builder tiny() {
        return StackedAutoencoders.builder().inputSize(20).hiddenSizes(12, 6).epochsPerLayer(3)
                .layers(StackedAutoencoders.plain(new Adam(0.01))).seed(3);
    }

    private static INDArray code(AutoencoderFactory f, ComputationGraph trained, INDArray x) {
        return f.encoderGraph(trained).outputSingle(false, x);
    }

    @Test
    void eachLayerLearnsToReconstructTheCleanCodesOfTheLayersBelow() {
        StackedAutoencoders stack = tiny().build();
        StackedAutoencoders.Result r = stack.pretrain(data());
        assertEquals(2, r.layers().size());
        // layer 2, trained by hand on layer 1's codes with the same batches: the same parameters
        AutoencoderFactory f1 = stack.factories().get(0);
        AutoencoderFactory f2 = stack.factories().get(1);
        INDArray h1 = code(f1, r.layers().get(0), X);
        ComputationGraph byHand = f2.init();
        for (int e = 0; e < 3; e++) {
            byHand.fit(new ReconstructionIterator(batches(h1), 0));
        }
        assertEquals(byHand.params(), r.layers().get(1).params(), "layer 2 trains on layer 1's clean codes");
        // and layer 1 on the data
        ComputationGraph first = f1.init();
        for (int e = 0; e < 3; e++) {
            first.fit(new ReconstructionIterator(data(), 0));
        }
        assertEquals(first.params(), r.layers().get(0).params(), "layer 1 trains on the data");
    }

    @Test
    void theEncoderIsBuiltInDenseLayersComputingTheLayersCodesInTurn() {
        StackedAutoencoders stack = tiny().build();
        StackedAutoencoders.Result r = stack.pretrain(data());
        ComputationGraph enc = r.encoder();
        assertEquals(List.of(Autoencoders.CODE), enc.getConfiguration().getNetworkOutputs());
        assertTrue(enc.getLayer(Autoencoders.encoderLayer(1)).conf().getLayer() instanceof DenseLayer);
        assertTrue(enc.getLayer(Autoencoders.CODE).conf().getLayer() instanceof DenseLayer);
        INDArray h2 = code(stack.factories().get(1), r.layers().get(1), code(stack.factories().get(0),
                r.layers().get(0), X));
        INDArray out = enc.outputSingle(false, X);
        assertArrayEquals(new long[] {96, 6}, out.shape());
        assertTrue(h2.equalsWithEps(out, 1e-6), "encoder = layer 2's code of layer 1's code");
        assertEquals(Autoencoders.encoderLayer(1), stack.encoderLayer(1));
        assertEquals(Autoencoders.CODE, stack.encoderLayer(2));
    }

    @Test
    void pretrainingContinuesAfterLayersAlreadyTrained() {
        List<String> events = new ArrayList<>();
        StackedAutoencoders.Listener log = new StackedAutoencoders.Listener() {
            @Override
            public void layerStarted(int layer, AutoencoderFactory factory, ComputationGraph graph) {
                events.add("start " + layer);
            }

            @Override
            public void epochDone(int layer, int epoch, ComputationGraph graph) {
                events.add(layer + "." + epoch);
            }

            @Override
            public void layerDone(int layer, ComputationGraph graph) {
                events.add("done " + layer);
            }
        };
        StackedAutoencoders.Result full = tiny().listener(log).build().pretrain(data());
        assertEquals(List.of("start 1", "1.1", "1.2", "1.3", "done 1", "start 2", "2.1", "2.2", "2.3", "done 2"),
                events);
        events.clear();
        ComputationGraph layer1 = full.layers().get(0);
        StackedAutoencoders.Result resumed = tiny().listener(log).build().pretrain(data(), List.of(layer1));
        assertEquals(List.of("start 2", "2.1", "2.2", "2.3", "done 2"), events, "layer 1 is not trained again");
        assertSame(layer1, resumed.layers().get(0));
        assertEquals(full.layers().get(1).params(), resumed.layers().get(1).params());
        assertEquals(full.encoder().params(), resumed.encoder().params());
    }

    @Test
    void pretrainingChangesEveryLayerAndTheFreshEncoderIsTheUntrainedStack() {
        StackedAutoencoders stack = tiny().build();
        StackedAutoencoders.Result r = stack.pretrain(data());
        ComputationGraph fresh = stack.freshEncoder();
        assertEquals(r.encoder().getConfiguration().toJson(), fresh.getConfiguration().toJson(), "same network");
        assertEquals(r.encoder().numParams(), fresh.numParams());
        for (int l = 1; l <= 2; l++) {
            String name = stack.encoderLayer(l);
            assertNotEquals(fresh.getLayer(name).params(), r.encoder().getLayer(name).params(),
                    "pretraining changes layer " + l);
        }
        // fresh = the initial weights pretraining starts from
        INDArray w1 = stack.factories().get(0).init().getLayer(Autoencoders.CODE).getParam("W");
        assertEquals(w1, fresh.getLayer(stack.encoderLayer(1)).getParam("W"));
    }

    @Test
    void theClassifierFineTunesTheWholeEncoder() throws Exception {
        StackedAutoencoders.Result r = tiny().build().pretrain(data());
        ComputationGraph clf = r.classifier().numClasses(3).seed(1).build();
        assertArrayEquals(new long[] {96, 3}, clf.outputSingle(false, X).shape());
        INDArray labels = Nd4j.zeros(DataType.FLOAT, 96, 3);
        for (int i = 0; i < 96; i++) {
            labels.putScalar(i, i % 3, 1);
        }
        INDArray before = clf.getLayer(Autoencoders.encoderLayer(1)).params().dup();
        INDArray encoderBefore = r.encoder().params().dup();
        ZooAssertions.fitChangesParameters(clf, new org.nd4j.linalg.dataset.MultiDataSet(X, labels));
        assertNotEquals(before, clf.getLayer(Autoencoders.encoderLayer(1)).params(), "not frozen");
        assertEquals(encoderBefore, r.encoder().params(), "the classifier holds copies of the encoder's weights");
        ZooAssertions.jsonRoundTrip(r.encoder(), X);
        ZooAssertions.serializerRoundTrip(r.encoder(), tmp, X);
    }

    @Test
    void denoisingAndContractiveLayersStack() {
        for (StackedAutoencoders.LayerFactory layers : List.of(
                StackedAutoencoders.denoising(new MaskingCorruption(0.25), new Adam(0.01)),
                StackedAutoencoders.contractive(0.5, new Adam(0.01)))) {
            StackedAutoencoders stack = tiny().layers(layers).epochsPerLayer(1).build();
            Class<?> kind = stack.factories().get(0).getClass();
            assertTrue(kind == DenoisingAutoencoder.class || kind == ContractiveAutoencoder.class, kind.toString());
            StackedAutoencoders.Result r = stack.pretrain(data());
            INDArray h = X;
            for (int l = 0; l < 2; l++) {
                h = code(stack.factories().get(l), r.layers().get(l), h);
            }
            assertTrue(h.equalsWithEps(r.encoder().outputSingle(false, X), 1e-6), kind.getSimpleName());
            assertTrue(r.encoder().outputSingle(false, X).minNumber().doubleValue() >= 0, "sigmoid codes");
        }
    }

    @Test
    void badSettingsAreRefusedNamingFieldAndValue() {
        rejects(() -> tiny().hiddenSizes().build(), "hiddenSizes");
        rejects(() -> tiny().hiddenSizes(12, 0).build(), "hiddenSizes[1]", "0");
        rejects(() -> tiny().epochsPerLayer(0).build(), "epochsPerLayer", "0");
        rejects(() -> tiny().inputSize(-1).build(), "inputSize", "-1");
        rejects(() -> tiny().layers(null).build(), "layers");
        rejects(() -> tiny().layers((l, nIn, nOut, seed) -> UndercompleteAutoencoder.builder().inputSize(nIn)
                .hiddenSizes(nOut + 1).build()).build(), "layer 1", "20 -> 12", "code width 13");
        rejects(() -> tiny().layers((l, nIn, nOut, seed) -> UndercompleteAutoencoder.builder().inputSize(nIn)
                .hiddenSizes(nIn, nOut).build()).build(), "layer 1", "one dense layer");
        rejects(() -> StackedAutoencoders.contractive(-1, new Adam(0.01)), "lambda", "-1");
        StackedAutoencoders stack = tiny().build();
        ComputationGraph wrong = stack.factories().get(1).init();
        rejects(() -> stack.pretrain(data(), List.of(wrong)), "trained[0]", "layer 1");
        ComputationGraph l1 = stack.factories().get(0).init();
        rejects(() -> stack.pretrain(data(), List.of(l1, l1, l1)), "trained holds 3", "2");
    }
}
