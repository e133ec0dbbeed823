package org.unsupervisedzoo.zoo.fast;

import org.unsupervisedzoo.zoo.core.InputGradients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.unsupervisedzoo.datasets.MnistIterator;
import org.unsupervisedzoo.zoo.SampleData;
import org.unsupervisedzoo.zoo.core.ZooModelFactory;
import org.unsupervisedzoo.zoo.autoencoder.AutoencoderFactory;
import org.unsupervisedzoo.zoo.contractive.ContractiveAutoencoder;
import org.unsupervisedzoo.zoo.convolutional.ConvolutionalAutoencoder;
import org.unsupervisedzoo.zoo.denoising.DenoisingAutoencoder;
import org.unsupervisedzoo.zoo.sparse.SparseAutoencoder;
import org.unsupervisedzoo.zoo.autoencoder.UndercompleteAutoencoder;
import org.unsupervisedzoo.zoo.vae.VAE;
import org.unsupervisedzoo.zoo.vae.VaeIterator;
import org.unsupervisedzoo.zoo.rbm.RBM;
import org.unsupervisedzoo.zoo.rbm.RbmIterator;
import org.unsupervisedzoo.zoo.core.ReconstructionIterator;

/**
 * The zoo's factories skip the error for the network's input in the layers that read it; the parameter updates are
 * exactly those of the same graph computing it.
 */
class InputGradientsTest {
    static Stream<Arguments> factories() {
        return Stream.of(
                Arguments.of(UndercompleteAutoencoder.builder().hiddenSizes(32, 8).build(), "encoder-1"),
                Arguments.of(DenoisingAutoencoder.builder().hiddenSizes(32, 8).build(), "encoder-1"),
                Arguments.of(SparseAutoencoder.builder().hiddenSizes(64).build(), "code"),
                Arguments.of(ContractiveAutoencoder.builder().hiddenSizes(32).lambda(0.3).build(),
                        ContractiveAutoencoder.CONTRACTIVE_ENCODER),
                Arguments.of(ConvolutionalAutoencoder.builder().filters(4, 8).build(), "encoder-1"),
                Arguments.of(VAE.builder().hiddenSizes(32).latentSize(4).build(), "encoder-1"));
    }

    private static List<MultiDataSet> batches(ZooModelFactory f) {
        boolean image = f instanceof ConvolutionalAutoencoder;
        MnistIterator base = SampleData.train(16, image ? MnistIterator.Shape.IMAGE : MnistIterator.Shape.FLAT, 48);
        MultiDataSetIterator it = f instanceof VAE ? new VaeIterator(base, (VAE) f, 3)
                : new ReconstructionIterator(base, ((AutoencoderFactory) f).penaltyHeads());
        List<MultiDataSet> out = new ArrayList<>();
        while (it.hasNext()) {
            out.add(it.next());
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("factories")
    void firstLayersSkipTheInputErrorAndTrainExactlyAsWithIt(ZooModelFactory f, String firstLayer) {
        ComputationGraph fast = Accelerate.init(f);
        ComputationGraph reference = Accelerate.init(f);
        InputGradients.restore(reference);
        reference.setParams(fast.params().dup());
        InputGradients.Optional layer = (InputGradients.Optional) fast.getLayer(firstLayer);
        assertTrue(!layer.isInputGradientNeeded(), firstLayer + " is marked");
        assertTrue(((InputGradients.Optional) reference.getLayer(firstLayer)).isInputGradientNeeded());
        assertEquals(List.of(), InputGradients.skipAtNetworkInputs(reference).stream()
                .filter(n -> !InputGradients.skipAtNetworkInputs(fast).contains(n)).toList(),
                "the same layers are marked every time");
        InputGradients.restore(reference);

        List<MultiDataSet> data = batches(f);
        for (int epoch = 0; epoch < 2; epoch++) {
            for (MultiDataSet mds : data) {
                Nd4j.getRandom().setSeed(100 + epoch); // the same input noise (denoising) in both graphs
                fast.fit(mds);
                Nd4j.getRandom().setSeed(100 + epoch);
                reference.fit(mds);
            }
        }
        assertEquals(reference.score(), fast.score(), 1e-6 * Math.abs(reference.score()), f.name() + " score");
        assertTrue(fast.params().equalsWithEps(reference.params(), 1e-6), f.name() + " parameters");

        // the marked layer returns no error for the input, the restored one does
        INDArray x = data.get(0).getFeatures(0);
        org.deeplearning4j.nn.api.Layer l = fast.getLayer(firstLayer);
        org.deeplearning4j.nn.api.Layer r = reference.getLayer(firstLayer);
        LayerWorkspaceMgr none = LayerWorkspaceMgr.noWorkspaces();
        INDArray errorOut = r.activate(x, true, none);
        INDArray eps = Nd4j.onesLike(errorOut);
        l.activate(x, true, none);
        assertNull(l.backpropGradient(eps, none).getSecond(), "no input error");
        assertNotNull(r.backpropGradient(eps, none).getSecond(), "input error after restore");
    }

    /**
     * The RBM reads its data and particles through a merge vertex of the two network inputs: marked, it returns a
     * zero error (the merge vertex needs one) and trains exactly as with the error computed.
     */
    @org.junit.jupiter.api.Test
    void theRbmBehindItsMergeVertexSkipsTheErrorAndTrainsExactlyAsWithIt() {
        RBM rbm = RBM.builder().nVisible(784).nHidden(16).initStd(0.1).seed(3).build();
        ComputationGraph fast = Accelerate.init(rbm);
        ComputationGraph reference = Accelerate.init(rbm);
        InputGradients.restore(reference);
        reference.setParams(fast.params().dup());
        assertTrue(!((InputGradients.Optional) fast.getLayer(RBM.RBM_LAYER)).isInputGradientNeeded(), "marked");
        RbmIterator a = new RbmIterator(SampleData.train(10, MnistIterator.Shape.FLAT, 40), rbm, fast, 9);
        RbmIterator b = new RbmIterator(SampleData.train(10, MnistIterator.Shape.FLAT, 40), rbm, reference, 9);
        while (a.hasNext()) {
            fast.fit(a.next());
            reference.fit(b.next());
        }
        assertEquals(reference.score(), fast.score(), 1e-6 * Math.abs(reference.score()), "score");
        assertTrue(fast.params().equalsWithEps(reference.params(), 1e-6), "parameters");

        MultiDataSet mds = new RbmIterator(SampleData.train(10, MnistIterator.Shape.FLAT, 10), rbm, fast, 2).next();
        INDArray x = Nd4j.hstack(mds.getFeatures(0), mds.getFeatures(1));
        LayerWorkspaceMgr none = LayerWorkspaceMgr.noWorkspaces();
        org.deeplearning4j.nn.api.Layer l = fast.getLayer(RBM.RBM_LAYER);
        org.deeplearning4j.nn.api.Layer r = reference.getLayer(RBM.RBM_LAYER);
        l.setInput(x, none);
        r.setInput(x, none);
        INDArray zeros = l.backpropGradient(null, none).getSecond();
        assertEquals(Nd4j.zerosLike(x), zeros, "a zero error");
        assertTrue(r.backpropGradient(null, none).getSecond().norm2Number().doubleValue() > 0, "the error, restored");
    }

    /**
     * A network input read by two vertices (a dense layer and a merge vertex, as the M2 model's digits): DL4J adds
     * the errors of its readers, so the dense layer keeps computing its input error and the graph trains.
     */
    @org.junit.jupiter.api.Test
    void aLayerSharingItsInputWithAnotherVertexIsNotMarked() {
        ComputationGraph g = Accelerate.init(new org.deeplearning4j.nn.conf.NeuralNetConfiguration.Builder()
                .graphBuilder().addInputs("a", "b").setInputTypes(
                        org.deeplearning4j.nn.conf.inputs.InputType.feedForward(3),
                        org.deeplearning4j.nn.conf.inputs.InputType.feedForward(2))
                .addLayer("d1", new org.deeplearning4j.nn.conf.layers.DenseLayer.Builder().nOut(2).build(), "a")
                .addVertex("m", new org.deeplearning4j.nn.conf.graph.MergeVertex(), "a", "b")
                .addLayer("d2", new org.deeplearning4j.nn.conf.layers.DenseLayer.Builder().nOut(2).build(), "m")
                .addLayer("d3", new org.deeplearning4j.nn.conf.layers.DenseLayer.Builder().nOut(2).build(), "b")
                .addVertex("mo", new org.deeplearning4j.nn.conf.graph.MergeVertex(), "d1", "d2", "d3")
                .addLayer("out", new org.deeplearning4j.nn.conf.layers.OutputLayer.Builder(
                        org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction.MSE).nOut(1)
                        .activation(org.nd4j.linalg.activations.Activation.IDENTITY).build(), "mo")
                .setOutputs("out").build());
        assertTrue(((InputGradients.Optional) g.getLayer("d1")).isInputGradientNeeded(), "d1 shares 'a'");
        assertTrue(((InputGradients.Optional) g.getLayer("d3")).isInputGradientNeeded(), "d3 shares 'b'");
        INDArray before = g.params().dup();
        g.fit(new org.nd4j.linalg.dataset.MultiDataSet(new INDArray[] {Nd4j.rand(4, 3), Nd4j.rand(4, 2)},
                new INDArray[] {Nd4j.rand(4, 1)}));
        assertTrue(!before.equals(g.params()));
    }
}
