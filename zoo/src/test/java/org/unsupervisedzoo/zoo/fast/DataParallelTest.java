package org.unsupervisedzoo.zoo.fast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.unsupervisedzoo.zoo.ZooAssertions.rejects;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.datasets.iterator.IteratorMultiDataSetIterator;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.unsupervisedzoo.zoo.autoencoder.UndercompleteAutoencoder;
import org.unsupervisedzoo.zoo.classifier.EncoderClassifier;
import org.unsupervisedzoo.zoo.contractive.ContractiveAutoencoder;
import org.unsupervisedzoo.zoo.core.ReconstructionIterator;
import org.unsupervisedzoo.zoo.denoising.DenoisingAutoencoder;
import org.unsupervisedzoo.zoo.denoising.MaskingCorruption;
import org.unsupervisedzoo.zoo.sparse.SparseAutoencoder;

class DataParallelTest {
    private static INDArray data(long rows, long cols, long seed) {
        return Nd4j.rand(Nd4j.getRandomFactory().getNewRandomInstance(seed), rows, cols).castTo(DataType.FLOAT);
    }

    private static List<MultiDataSet> batches(int count, int rows, int heads) {
        List<MultiDataSet> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            INDArray x = data(rows, 784, 100 + i);
            out.add(ReconstructionIterator.of(x, x, heads));
        }
        return out;
    }

    /** fit() on a copy, DataParallel on the graph: the same parameters, updater state and counts after the steps. */
    private static void sameAsFit(ComputationGraph graph, List<MultiDataSet> steps, int workers, double eps) {
        ComputationGraph reference = graph.clone();
        List<Double> scores = new ArrayList<>();
        List<Double> referenceScores = new ArrayList<>();
        List<Long> batchSizes = new ArrayList<>();
        reference.setListeners(new BaseTrainingListener() {
            @Override
            public void iterationDone(Model model, int iteration, int epoch) {
                referenceScores.add(model.score());
            }
        });
        graph.setListeners(new BaseTrainingListener() {
            @Override
            public void iterationDone(Model model, int iteration, int epoch) {
                scores.add(model.score());
                batchSizes.add((long) model.batchSize());
            }
        });
        try (DataParallel dp = new DataParallel(graph, workers, 1)) {
            for (MultiDataSet s : steps) {
                dp.fit(s);
                reference.fit(s);
            }
        }
        assertTrue(reference.params().equalsWithEps(graph.params(), eps), "parameters as fit() gives them");
        assertTrue(reference.getUpdater().getStateViewArray().equalsWithEps(graph.getUpdater().getStateViewArray(),
                eps), "updater state as fit() leaves it");
        assertEquals(reference.getConfiguration().getIterationCount(), graph.getConfiguration().getIterationCount());
        assertEquals(steps.size(), scores.size(), "one iterationDone a step");
        for (int i = 0; i < scores.size(); i++) {
            assertEquals(referenceScores.get(i), scores.get(i), 1e-4 * Math.abs(referenceScores.get(i)),
                    "the minibatch's score at step " + i);
            // listeners that count examples (the runners' examples/s) read the batch size from the graph
            assertEquals(steps.get(i).getFeatures(0).size(0), batchSizes.get(i), "batchSize() at step " + i);
        }
    }

    @Test
    void twoWorkersTakeTheStepFitTakesOnStockAndAcceleratedGraphs() {
        UndercompleteAutoencoder ae = UndercompleteAutoencoder.builder().hiddenSizes(64, 16).l2(1e-3).seed(2)
                .build();
        sameAsFit(ae.init(), batches(4, 64, 0), 2, 1e-5);
        sameAsFit(Accelerate.init(ae), batches(4, 64, 0), 2, 1e-5);
    }

    @Test
    void unevenSplitsAndMoreWorkersThanRowsKeepTheWholeBatchsGradient() {
        UndercompleteAutoencoder ae = UndercompleteAutoencoder.builder().hiddenSizes(32, 8).seed(3).build();
        sameAsFit(Accelerate.init(ae), batches(3, 7, 0), 3, 1e-5);
        sameAsFit(ae.init(), batches(2, 1, 0), 2, 1e-6);
        sameAsFit(ae.init(), batches(2, 10, 0), 1, 0);
    }

    @Test
    void customSameDiffPenaltiesThatArePerExampleAreHonoured() {
        ContractiveAutoencoder cae = ContractiveAutoencoder.builder().hiddenSizes(24).lambda(0.5).seed(4).build();
        sameAsFit(Accelerate.init(cae), batches(3, 32, cae.penaltyHeads()), 2, 1e-5);
    }

    @Test
    void frozenLayersStayFrozenAndMasksSplitWithTheRows() {
        UndercompleteAutoencoder ae = UndercompleteAutoencoder.builder().hiddenSizes(32, 8).seed(5).build();
        ComputationGraph clf = Accelerate.accelerate(EncoderClassifier.builder(ae, ae.init()).hiddenSizes(16)
                .updater(new Adam(1e-2)).seed(6).build());
        INDArray frozen = clf.getLayer("code").params().dup();
        List<MultiDataSet> steps = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            INDArray x = data(20, 784, 10 + i);
            INDArray y = Nd4j.zeros(DataType.FLOAT, 20, 10);
            for (int r = 0; r < 20; r++) {
                y.putScalar(r, (r * 7 + i) % 10, 1);
            }
            INDArray mask = Nd4j.ones(DataType.FLOAT, 20, 1);
            mask.putScalar(3, 0, 0);
            mask.putScalar(15, 0, 0);
            steps.add(new MultiDataSet(new INDArray[] {x}, new INDArray[] {y}, null, new INDArray[] {mask}));
        }
        sameAsFit(clf, steps, 2, 1e-5);
        assertEquals(frozen, clf.getLayer("code").params(), "the frozen encoder does not move");
        assertNotEquals(EncoderClassifier.builder(ae, ae.init()).hiddenSizes(16).seed(6).build().params(),
                clf.params(), "the head trains");
    }

    @Test
    void randomDrawsAreEachWorkersOwnAndSeeded() {
        DenoisingAutoencoder dae = DenoisingAutoencoder.builder().hiddenSizes(32).corruption(new MaskingCorruption(0.5))
                .seed(7).build();
        INDArray[] after = new INDArray[2];
        for (int run = 0; run < 2; run++) {
            ComputationGraph g = Accelerate.init(dae);
            INDArray before = g.params().dup();
            Nd4j.getRandom().setSeed(42);
            try (DataParallel dp = new DataParallel(g, 2, 9)) {
                for (MultiDataSet s : batches(3, 32, 0)) {
                    dp.fit(s);
                }
            }
            assertNotEquals(before, g.params());
            after[run] = g.params();
        }
        assertEquals(after[0], after[1], "the same seeds, the same training");
    }

    @Test
    void batchCoupledLayersAndBadSettingsAreRefused() {
        ComputationGraph bn = new ComputationGraph(new NeuralNetConfiguration.Builder().graphBuilder()
                .addInputs("in").setInputTypes(InputType.feedForward(4))
                .addLayer("dense", new DenseLayer.Builder().nOut(3).build(), "in")
                .addLayer("norm", new BatchNormalization.Builder().build(), "dense")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(2)
                        .activation(Activation.IDENTITY).build(), "norm")
                .setOutputs("out").build());
        bn.init();
        rejects(() -> new DataParallel(bn, 2, 1), "'norm'", "BatchNormalization", "fit()");
        ComputationGraph sparse = SparseAutoencoder.builder().hiddenSizes(16).build().init();
        rejects(() -> new DataParallel(sparse, 2, 1), "KLSparsityPenalty");
        rejects(() -> new DataParallel(bn, 0, 1), "workers", "0");
        rejects(() -> new DataParallel(null, 2, 1), "graph");
    }

    /**
     * The minibatches of {@code list}, in order (DL4J's iterator; each element is one minibatch of rows), prefetched
     * as the runners' iterators are (DL4J's async queue, whose memory is reused).
     */
    private static MultiDataSetIterator listIterator(List<MultiDataSet> list, int rows) {
        return new IteratorMultiDataSetIterator(new ArrayList<org.nd4j.linalg.dataset.api.MultiDataSet>(list)
                .iterator(), rows) {
            @Override
            public boolean asyncSupported() {
                return true;
            }
        };
    }

    /** A copy of {@code g} that took DL4J's own steps on {@code batches} as the given global minibatch numbers. */
    private static ComputationGraph stepped(ComputationGraph g, List<MultiDataSet> batches, int... iterations) {
        ComputationGraph c = g.clone();
        for (int i = 0; i < iterations.length; i++) {
            c.getConfiguration().setIterationCount(iterations[i]);
            c.fit(batches.get(iterations[i]));
        }
        return c;
    }

    private static INDArray mean(INDArray a, INDArray b) {
        return a.add(b).divi(2);
    }

    @Test
    void averagingModeIsTheMeanOfTheWorkersOwnSteps() {
        UndercompleteAutoencoder ae = UndercompleteAutoencoder.builder().hiddenSizes(32, 8).l2(1e-3).seed(11).build();
        for (ComputationGraph g : List.of(ae.init(), Accelerate.init(ae))) {
            List<MultiDataSet> data = batches(4, 16, 0);
            data.set(3, batches(1, 9, 0).get(0)); // a short last minibatch
            ComputationGraph a = stepped(g, data, 0, 2); // worker 0: minibatches 0 and 2
            ComputationGraph b = stepped(g, data, 1, 3); // worker 1: minibatches 1 and 3
            List<Double> scores = new ArrayList<>();
            List<Long> sizes = new ArrayList<>();
            List<Integer> iterations = new ArrayList<>();
            g.setListeners(new BaseTrainingListener() {
                @Override
                public void iterationDone(Model model, int iteration, int epoch) {
                    scores.add(model.score());
                    sizes.add((long) model.batchSize());
                    iterations.add(iteration);
                }
            });
            try (DataParallel dp = new DataParallel(g, 2, 1, 2)) {
                dp.fit(listIterator(data, 16));
            }
            assertTrue(mean(a.params(), b.params()).equalsWithEps(g.params(), 1e-6), "mean of the workers' parameters");
            assertTrue(mean(a.getUpdater().getStateViewArray(), b.getUpdater().getStateViewArray())
                    .equalsWithEps(g.getUpdater().getStateViewArray(), 1e-6), "mean of the workers' updater states");
            assertEquals(4, g.getConfiguration().getIterationCount(), "one iteration a minibatch");
            assertEquals(1, g.getConfiguration().getEpochCount());
            assertEquals(List.of(0, 1, 2, 3), iterations, "listeners hear each minibatch in order");
            assertEquals(List.of(16L, 16L, 16L, 9L), sizes);
            assertEquals(a.score(), scores.get(2), 1e-5 * a.score(), "worker 0's score of minibatch 2");
            assertEquals(b.score(), scores.get(3), 1e-5 * b.score(), "worker 1's score of minibatch 3");
            assertEquals(1, g.getListeners().size(), "the graph's listeners are back");
        }
    }

    @Test
    void averagingModeHoldsAPeriodOfMinibatchesFromAnIteratorThatReusesItsMemory() {
        // a period of 8 rounds holds 16 minibatches; this iterator, like DL4J's prefetch queue with its workspace,
        // writes each minibatch into one of two buffers, so a minibatch is overwritten two calls later
        UndercompleteAutoencoder ae = UndercompleteAutoencoder.builder().hiddenSizes(32, 8).seed(12).build();
        ComputationGraph g = Accelerate.init(ae);
        List<MultiDataSet> data = batches(16, 32, 0);
        int[] even = new int[8];
        int[] odd = new int[8];
        for (int i = 0; i < 8; i++) {
            even[i] = 2 * i;
            odd[i] = 2 * i + 1;
        }
        ComputationGraph a = stepped(g, data, even);
        ComputationGraph b = stepped(g, data, odd);
        INDArray[] buffers = {Nd4j.create(DataType.FLOAT, 32, 784), Nd4j.create(DataType.FLOAT, 32, 784)};
        int[] calls = {0};
        MultiDataSetIterator reusing = new IteratorMultiDataSetIterator(
                new ArrayList<org.nd4j.linalg.dataset.api.MultiDataSet>(data).iterator(), 32) {
            @Override
            public org.nd4j.linalg.dataset.api.MultiDataSet next() {
                INDArray x = buffers[calls[0]++ % 2].assign(super.next().getFeatures(0));
                return new MultiDataSet(new INDArray[] {x}, new INDArray[] {x});
            }

            @Override
            public boolean asyncSupported() {
                return false;
            }
        };
        try (DataParallel dp = new DataParallel(g, 2, 1, 8)) {
            dp.fit(reusing);
        }
        assertEquals(16, calls[0]);
        assertTrue(mean(a.params(), b.params()).equalsWithEps(g.params(), 1e-6), "each worker trained on its own"
                + " minibatches as the iterator gave them");
    }

    @Test
    void averagingModeTakesBatchNormAndAveragesOnlyWorkersThatTrained() {
        ComputationGraph bn = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(3).updater(new Adam(1e-2))
                .graphBuilder().addInputs("in").setInputTypes(InputType.feedForward(784))
                .addLayer("dense", new DenseLayer.Builder().nOut(6).build(), "in")
                .addLayer("norm", new BatchNormalization.Builder().build(), "dense")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(784)
                        .activation(Activation.SIGMOID).build(), "norm")
                .setOutputs("out").build());
        bn.init();
        List<MultiDataSet> data = batches(3, 8, 0);
        ComputationGraph a = stepped(bn, data, 0);
        ComputationGraph b = stepped(bn, data, 1);
        ComputationGraph m = a.clone(); // the average after round 1, then worker 0 alone on minibatch 2
        m.params().assign(mean(a.params(), b.params()));
        m.getUpdater().getStateViewArray().assign(mean(a.getUpdater().getStateViewArray(),
                b.getUpdater().getStateViewArray()));
        ComputationGraph expected = stepped(m, data, 2);
        try (DataParallel dp = new DataParallel(bn, 2, 1, 1)) {
            dp.fit(listIterator(data, 8));
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> dp.fit(data.get(0)));
            assertTrue(e.getMessage().contains("fit(iterator)"), e.getMessage());
        }
        assertTrue(expected.params().equalsWithEps(bn.params(), 1e-6), "the last round's only worker, not halved");
        rejects(() -> new DataParallel(bn, 2, 1, -1), "averageEvery", "-1");
    }
}
