package org.unsupervisedzoo.zoo.classifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.unsupervisedzoo.zoo.ZooAssertions.rejects;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.unsupervisedzoo.datasets.BundledSample;
import org.unsupervisedzoo.datasets.LabelledImages;
import org.unsupervisedzoo.datasets.MnistIterator;
import org.unsupervisedzoo.datasets.Split;
import org.unsupervisedzoo.zoo.SampleData;
import org.unsupervisedzoo.zoo.autoencoder.Autoencoders;
import org.unsupervisedzoo.zoo.autoencoder.UndercompleteAutoencoder;
import org.unsupervisedzoo.zoo.sparse.SparseAutoencoder;

class ClassifierFitTest {
    @TempDir
    Path tmp;

    /** 60 labelled training digits (balanced) and 300 validation digits, disjoint: the sample's first and last. */
    private static final LabelledImages TRAIN = SampleData.TRAIN.range(0, 4000).balancedSubset(60, 1);
    private static final LabelledImages VALIDATION = SampleData.TRAIN.range(4700, 5000);

    private static MnistIterator train(int batch) {
        return MnistIterator.builder(TRAIN).batchSize(batch).seed(2).build();
    }

    private static MnistIterator validation() {
        return MnistIterator.builder(VALIDATION).batchSize(100).shuffle(false).build();
    }

    private static ComputationGraph trainedAutoencoder(UndercompleteAutoencoder ae) {
        return SampleData.trained(ae, 1, 256, MnistIterator.Shape.FLAT);
    }

    @Test
    void earlyStoppingKeepsTheBestEpochsParametersAndStopsAfterPatience() {
        UndercompleteAutoencoder ae = UndercompleteAutoencoder.builder().hiddenSizes(32).seed(4).build();
        // a large rate on 60 digits: validation error stops improving within a few epochs
        ComputationGraph clf = EncoderClassifier.fromScratch(ae).hiddenSizes(32).updater(new Adam(0.02)).seed(5)
                .build();
        List<INDArray> snapshots = new ArrayList<>();
        List<Integer> seen = new ArrayList<>();
        ClassifierFit.Result r = ClassifierFit.builder().maxEpochs(200).patience(3).seed(7)
                .listener(e -> {
                    seen.add(e.epoch());
                    snapshots.add(clf.params().dup());
                }).build().fit(clf, train(20), validation());

        assertTrue(r.stoppedEarly(), "stopped by patience: " + r.curve());
        assertEquals(r.bestEpoch() + 3, r.curve().size(), "three epochs without a new best, then stop");
        assertTrue(r.curve().size() < 200);
        assertEquals(seen.size(), r.curve().size(), "one curve entry per epoch run");
        for (int i = 0; i < r.curve().size(); i++) {
            assertEquals(i + 1, r.curve().get(i).epoch());
            assertTrue(Double.isFinite(r.curve().get(i).trainLoss()) && r.curve().get(i).validationLoss() > 0);
        }
        double min = r.curve().stream().mapToDouble(ClassifierFit.Epoch::validationError).min().orElseThrow();
        assertEquals(min, r.bestValidationError());
        assertEquals(min, r.curve().get(r.bestEpoch() - 1).validationError());
        // the returned graph is the best epoch's, not the last one's
        assertEquals(snapshots.get(r.bestEpoch() - 1), r.classifier().params());
        assertNotEquals(snapshots.get(snapshots.size() - 1), r.classifier().params());
        ClassifierFit.Scores v = ClassifierFit.score(r.classifier(), validation());
        assertEquals(min, v.error(), 1e-12, "the returned graph scores the curve's minimum");
        assertEquals(r.curve().get(r.bestEpoch() - 1).validationLoss(), v.loss(), 1e-6);
        assertEquals(300, v.count());
        assertTrue(r.curveCsv().startsWith("epoch,train_loss,validation_loss,validation_error,seconds\n"));
        assertEquals(r.curve().size() + 1, r.curveCsv().lines().count());
    }

    @Test
    void maxEpochsBoundsTheRunAndStepsPerEpochCyclesTheData() {
        UndercompleteAutoencoder ae = UndercompleteAutoencoder.builder().hiddenSizes(16).build();
        ComputationGraph clf = EncoderClassifier.fromScratch(ae).build();
        int before = clf.getConfiguration().getIterationCount();
        ClassifierFit.Result r = ClassifierFit.builder().maxEpochs(3).patience(50).stepsPerEpoch(7).build()
                .fit(clf, train(20), validation());
        assertEquals(3, r.curve().size());
        assertTrue(!r.stoppedEarly());
        assertEquals(21, clf.getConfiguration().getIterationCount() - before, "7 updates an epoch, 3 epochs");
        assertEquals(3, clf.getConfiguration().getEpochCount());
    }

    @Test
    void frozenEncoderIsUnchangedByFitAndFineTunedEncoderMoves() {
        UndercompleteAutoencoder ae = UndercompleteAutoencoder.builder().hiddenSizes(32, 8).build();
        ComputationGraph g = trainedAutoencoder(ae);
        ClassifierFit fit = ClassifierFit.builder().maxEpochs(2).patience(2).build();
        for (boolean frozen : new boolean[] {true, false}) {
            ComputationGraph clf = EncoderClassifier.builder(ae, g).frozen(frozen).hiddenSizes(16).build();
            INDArray encoder = clf.getLayer(Autoencoders.CODE).params().dup();
            INDArray first = clf.getLayer(Autoencoders.encoderLayer(1)).params().dup();
            INDArray head = clf.getLayer(EncoderClassifier.PREDICTION).params().dup();
            ClassifierFit.Result r = fit.fit(clf, train(20), validation());
            assertTrue(r.classifier() == clf);
            assertNotEquals(head, clf.getLayer(EncoderClassifier.PREDICTION).params(), "head trained");
            if (frozen) {
                assertEquals(encoder, clf.getLayer(Autoencoders.CODE).params(), "frozen code layer unchanged");
                assertEquals(first, clf.getLayer(Autoencoders.encoderLayer(1)).params(), "frozen layer 1 unchanged");
            } else {
                assertNotEquals(encoder, clf.getLayer(Autoencoders.CODE).params(), "fine-tuned code layer moves");
                assertNotEquals(first, clf.getLayer(Autoencoders.encoderLayer(1)).params());
            }
        }
    }

    @Test
    void scratchAndPretrainedRunTheSameProtocol() {
        UndercompleteAutoencoder ae = UndercompleteAutoencoder.builder().hiddenSizes(32, 8).build();
        ComputationGraph g = trainedAutoencoder(ae);
        ClassifierFit fit = ClassifierFit.builder().maxEpochs(4).patience(4).stepsPerEpoch(3).build();
        ClassifierFit.Result pre = fit.fit(EncoderClassifier.builder(ae, g).frozen(false), train(20), validation());
        ClassifierFit.Result scratch = fit.fit(EncoderClassifier.fromScratch(ae), train(20), validation());
        assertEquals(pre.classifier().numParams(), scratch.classifier().numParams(), "same architecture");
        assertEquals(pre.curve().size(), scratch.curve().size(), "same epochs");
        assertEquals(pre.classifier().getConfiguration().getIterationCount(),
                scratch.classifier().getConfiguration().getIterationCount(), "same updates");
        assertNotEquals(pre.classifier().getLayer(Autoencoders.CODE).params(),
                scratch.classifier().getLayer(Autoencoders.CODE).params());
    }

    @Test
    void inMemoryDataSetsAreBatchedAndShapesAreChecked() {
        UndercompleteAutoencoder ae = UndercompleteAutoencoder.builder().hiddenSizes(16).build();
        DataSet t = MnistIterator.builder(TRAIN).batchSize(60).build().next();
        DataSet v = MnistIterator.builder(VALIDATION).batchSize(300).shuffle(false).build().next();
        ComputationGraph clf = EncoderClassifier.fromScratch(ae).build();
        int before = clf.getConfiguration().getIterationCount();
        ClassifierFit.Result r = ClassifierFit.builder().maxEpochs(2).patience(2).batchSize(25).build().fit(clf, t, v);
        assertEquals(2, r.curve().size());
        assertEquals(6, clf.getConfiguration().getIterationCount() - before, "60 digits in batches of 25: 3 a pass");

        ClassifierFit fit = ClassifierFit.builder().maxEpochs(1).build();
        rejects(() -> fit.fit(clf, new DataSet(Nd4j.rand(5, 100), t.getLabels().get(
                org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 5), org.nd4j.linalg.indexing.NDArrayIndex.all())),
                v), "train features of shape [5, 100]");
        rejects(() -> fit.fit(clf, t, new DataSet(v.getFeatures(), Nd4j.zeros(300, 3))),
                "validation labels have 3 classes", "10");
        rejects(() -> fit.fit(clf, t, new DataSet(v.getFeatures(), Nd4j.zeros(299, 10))),
                "validation features and labels", "300", "299");
        rejects(() -> fit.fit(clf, new DataSet(Nd4j.zeros(0, 784), Nd4j.zeros(0, 10)), v), "train", "at least one");
    }

    @Test
    void badSettingsAreNamed() {
        rejects(() -> ClassifierFit.builder().patience(0).build(), "patience", "0");
        rejects(() -> ClassifierFit.builder().maxEpochs(-1).build(), "maxEpochs", "-1");
        rejects(() -> ClassifierFit.builder().batchSize(0).build(), "batchSize", "0");
        rejects(() -> ClassifierFit.builder().stepsPerEpoch(-2).build(), "stepsPerEpoch", "-2");
        UndercompleteAutoencoder ae = UndercompleteAutoencoder.builder().hiddenSizes(8).build();
        rejects(() -> EncoderClassifier.fromScratch(ae).dropout(1).build(), "dropout", "1.0");
        rejects(() -> EncoderClassifier.fromScratch(ae).dropout(-0.1).build(), "dropout", "-0.1");
        rejects(() -> ClassifierFit.builder().build().fit((ComputationGraph) null, train(10), validation()),
                "classifier");
    }

    @Test
    void dropoutIsOnTheHeadOnly() {
        UndercompleteAutoencoder ae = UndercompleteAutoencoder.builder().hiddenSizes(16).build();
        ComputationGraph clf = EncoderClassifier.fromScratch(ae).hiddenSizes(12).dropout(0.5).build();
        for (String head : new String[] {EncoderClassifier.headLayer(1), EncoderClassifier.PREDICTION}) {
            LayerVertex v = (LayerVertex) clf.getConfiguration().getVertices().get(head);
            Dropout d = (Dropout) v.getLayerConf().getLayer().getIDropout();
            assertNotNull(d, head);
            assertEquals(0.5, d.getP(), 1e-12, head + ": keeps half");
        }
        LayerVertex code = (LayerVertex) clf.getConfiguration().getVertices().get(Autoencoders.CODE);
        assertNull(code.getLayerConf().getLayer().getIDropout(), "no dropout in the encoder");
        ComputationGraph none = EncoderClassifier.fromScratch(ae).hiddenSizes(12).build();
        assertNull(((LayerVertex) none.getConfiguration().getVertices().get(EncoderClassifier.PREDICTION))
                .getLayerConf().getLayer().getIDropout());
        // inference is deterministic, training is not
        INDArray x = SampleData.testBatch(8, MnistIterator.Shape.FLAT);
        assertEquals(clf.outputSingle(false, x), clf.outputSingle(false, x));
        assertNotEquals(clf.feedForward(x, true).get(EncoderClassifier.PREDICTION),
                clf.feedForward(x, true).get(EncoderClassifier.PREDICTION));
    }

    /** A trained classifier, then training on wrong labels (each digit's label shifted by one class). */
    @Test
    void keepStartKeepsTheStartWhenNoEpochBeatsItOnValidation() {
        UndercompleteAutoencoder ae = UndercompleteAutoencoder.builder().hiddenSizes(32).seed(4).build();
        ComputationGraph start = EncoderClassifier.fromScratch(ae).hiddenSizes(32).updater(new Adam(0.01)).seed(5)
                .build();
        ClassifierFit.builder().maxEpochs(30).patience(5).build().fit(start, train(20), validation());
        ClassifierFit.Scores s0 = ClassifierFit.score(start, validation());
        assertTrue(s0.error() < 0.6, "the start has learnt something: " + s0.error());
        DataSet right = train(60).next();
        INDArray shifted = Nd4j.concat(1, right.getLabels().get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
                        org.nd4j.linalg.indexing.NDArrayIndex.interval(1, 10)),
                right.getLabels().get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
                        org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 1)));
        DataSet wrong = new DataSet(right.getFeatures(), shifted);
        DataSet held = validation().next(300);
        assertEquals(300, held.numExamples());

        ComputationGraph a = start.clone();
        INDArray startParams = start.params().dup();
        ClassifierFit.Result kept = ClassifierFit.builder().maxEpochs(4).patience(4).batchSize(20).keepStart(true)
                .build().fit(a, wrong, held);
        assertEquals(0, kept.bestEpoch(), kept.curveCsv());
        assertEquals(s0.error(), kept.bestValidationError(), 1e-12);
        assertEquals(startParams, a.params(), "the start's parameters, exactly");
        assertEquals(4, kept.curve().size(), "patience counts from the start");
        assertTrue(kept.stoppedEarly() || kept.curve().size() == 4);

        // the same run without keepStart ends worse on validation than its start: the loss keepStart prevents
        ComputationGraph b = start.clone();
        ClassifierFit.Result lost = ClassifierFit.builder().maxEpochs(4).patience(4).batchSize(20).build()
                .fit(b, wrong, held);
        assertTrue(lost.bestEpoch() >= 1);
        assertTrue(lost.bestValidationError() > s0.error(), lost.curveCsv() + " start " + s0.error());
        for (int i = 0; i < 4; i++) {
            assertEquals(lost.curve().get(i).trainLoss(), kept.curve().get(i).trainLoss(),
                    "scoring the start draws no random numbers: the epochs are the same");
            assertEquals(lost.curve().get(i).validationError(), kept.curve().get(i).validationError());
        }
    }

    @Test
    void keepStartChangesNothingWhenAnEpochBeatsTheStartAndResumesExactly() {
        UndercompleteAutoencoder ae = UndercompleteAutoencoder.builder().hiddenSizes(32, 8).build();
        ComputationGraph trained = trainedAutoencoder(ae);
        ClassifierFit.Result plain = ClassifierFit.builder().maxEpochs(5).patience(50).seed(7).build()
                .fit(resumable(ae, trained), train(20), validation());
        ComputationGraph a = resumable(ae, trained);
        Path dir = tmp.resolve("keep");
        java.util.Map<String, String> id = java.util.Map.of("run", "keep");
        ClassifierFit.Result kept = ClassifierFit.builder().maxEpochs(5).patience(50).seed(7).keepStart(true)
                .checkpoint(dir, id).build().fit(a, train(20), validation());
        assertTrue(kept.bestEpoch() >= 1, "a fresh head at chance is beaten: " + kept.curveCsv());
        assertEquals(plain.bestEpoch(), kept.bestEpoch());
        assertEquals(plain.classifier().params(), a.params());

        // killed after epoch 2 and resumed: the start scored once, the result the uninterrupted run's
        Path dirB = tmp.resolve("keepB");
        RuntimeException kill = new RuntimeException("killed");
        try {
            ClassifierFit.builder().maxEpochs(5).patience(50).seed(7).keepStart(true).checkpoint(dirB, id)
                    .listener(e -> {
                        if (e.epoch() == 2) {
                            throw kill;
                        }
                    }).build().fit(resumable(ae, trained), train(20), validation());
        } catch (RuntimeException e) {
            assertTrue(e == kill);
        }
        ComputationGraph c = resumable(ae, trained);
        ClassifierFit.Result resumed = ClassifierFit.builder().maxEpochs(5).patience(50).seed(7).keepStart(true)
                .checkpoint(dirB, id).resume(true).build().fit(c, train(20), validation());
        assertEquals(kept.bestEpoch(), resumed.bestEpoch());
        assertEquals(a.params(), c.params());
    }

    /** The classify recipe's network in small: fine-tuned, dropout on head and pixels, Adam decaying per epoch. */
    private static ComputationGraph resumable(UndercompleteAutoencoder ae, ComputationGraph trained) {
        return org.unsupervisedzoo.zoo.fast.Accelerate.accelerate(EncoderClassifier.builder(ae, trained).frozen(false)
                .hiddenSizes(16).dropout(0.5).inputDropout(0.2).seed(5).updater(Adam.builder()
                        .learningRateSchedule(new org.nd4j.linalg.schedule.ExponentialSchedule(
                                org.nd4j.linalg.schedule.ScheduleType.EPOCH, 0.01, 0.7)).build()).build());
    }

    @Test
    void aKilledRunResumedFromItsCheckpointEndsAsTheUninterruptedRun() {
        UndercompleteAutoencoder ae = UndercompleteAutoencoder.builder().hiddenSizes(32, 8).build();
        ComputationGraph trained = trainedAutoencoder(ae);
        for (int stepsPerEpoch : new int[] {0, 2}) {
            Path dirA = tmp.resolve("a" + stepsPerEpoch);
            Path dirB = tmp.resolve("b" + stepsPerEpoch);
            java.util.Map<String, String> id = java.util.Map.of("run", "test", "steps", "" + stepsPerEpoch);
            ComputationGraph a = resumable(ae, trained);
            List<INDArray> afterEpoch = new ArrayList<>();
            ClassifierFit.Result ra = ClassifierFit.builder().maxEpochs(6).patience(50).stepsPerEpoch(stepsPerEpoch)
                    .seed(7).checkpoint(dirA, id).listener(e -> afterEpoch.add(a.params().dup())).build()
                    .fit(a, train(20), validation());

            // killed after epoch 3 (its checkpoint written), then resumed with a graph built afresh
            ComputationGraph b = resumable(ae, trained);
            RuntimeException kill = new RuntimeException("killed");
            try {
                ClassifierFit.builder().maxEpochs(6).patience(50).stepsPerEpoch(stepsPerEpoch).seed(7)
                        .checkpoint(dirB, id).listener(e -> {
                            if (e.epoch() == 3) {
                                throw kill;
                            }
                        }).build().fit(b, train(20), validation());
            } catch (RuntimeException e) {
                assertTrue(e == kill);
            }
            ComputationGraph c = resumable(ae, trained);
            List<Integer> epochsRun = new ArrayList<>();
            ClassifierFit.Result rc = ClassifierFit.builder().maxEpochs(6).patience(50).stepsPerEpoch(stepsPerEpoch)
                    .seed(7).checkpoint(dirB, id).resume(true).listener(e -> epochsRun.add(e.epoch())).build()
                    .fit(c, train(20), validation());
            assertEquals(List.of(4, 5, 6), epochsRun, "the resumed run trains the epochs after the checkpoint");
            assertNotEquals(afterEpoch.get(2), afterEpoch.get(5), "epochs 4-6 change the parameters");
            assertEquals(ra.bestEpoch(), rc.bestEpoch());
            assertEquals(ra.bestValidationError(), rc.bestValidationError());
            assertEquals(ra.curve().size(), rc.curve().size());
            for (int i = 0; i < ra.curve().size(); i++) {
                assertEquals(ra.curve().get(i).trainLoss(), rc.curve().get(i).trainLoss(), "epoch " + (i + 1));
                assertEquals(ra.curve().get(i).validationLoss(), rc.curve().get(i).validationLoss());
            }
            assertEquals(a.params(), c.params(), "steps " + stepsPerEpoch + ": the best epoch's parameters, exactly");
            assertEquals(a.getConfiguration().getIterationCount(), c.getConfiguration().getIterationCount());
            assertEquals(a.getConfiguration().getEpochCount(), c.getConfiguration().getEpochCount());

            // a finished run's checkpoint gives its result at once; another run's identity is refused
            ComputationGraph d = resumable(ae, trained);
            ClassifierFit.Result rd = ClassifierFit.builder().maxEpochs(6).patience(50).stepsPerEpoch(stepsPerEpoch)
                    .seed(7).checkpoint(dirA, id).resume(true).listener(e -> {
                        throw new AssertionError("no epoch runs");
                    }).build().fit(d, train(20), validation());
            assertEquals(a.params(), d.params());
            assertEquals(ra.bestEpoch(), rd.bestEpoch());
            rejects(() -> ClassifierFit.builder().seed(7).checkpoint(dirA, java.util.Map.of("run", "other",
                    "steps", "" + stepsPerEpoch)).resume(true).build().fit(resumable(ae, trained), train(20),
                    validation()), "run", "'test'", "'other'");
        }
        rejects(() -> ClassifierFit.builder().checkpoint(tmp.resolve("none"), java.util.Map.of()).resume(true).build()
                .fit(resumable(ae, trained), train(20), validation()), "no checkpoint", "none");
        rejects(() -> ClassifierFit.builder().resume(true).build(), "resume", "checkpoint");
    }

    /** The snippet of semi-supervised.md (README), verbatim between the markers, on a model.zip written here. */
    @Test
    void readmeSnippetRuns() throws Exception {
        SparseAutoencoder factory = SparseAutoencoder.builder().hiddenSizes(256).build();
        ModelSerializer.writeModel(SampleData.trained(factory, 1, 512, MnistIterator.Shape.FLAT),
                tmp.resolve("model.zip").toFile(), false);
        String modelZip = tmp.resolve("model.zip").toString();
        // --- snippet
        SparseAutoencoder sae = SparseAutoencoder.builder().hiddenSizes(256).build();   // the recipe of model.zip
        ComputationGraph trained = ModelSerializer.restoreComputationGraph(new File(modelZip), false);
        LabelledImages digits = new BundledSample().load(Split.TRAIN);                 // or FolderSource: MNIST
        LabelledImages labelled = digits.range(0, 4000).balancedSubset(100, 1), held = digits.range(4000, 5000);
        ComputationGraph clf = EncoderClassifier.builder(sae, trained).frozen(false).hiddenSizes(100)
                .dropout(0.5).updater(new Adam(1e-3)).build();
        ClassifierFit.Result r = ClassifierFit.builder().maxEpochs(100).patience(10).stepsPerEpoch(10).build()
                .fit(clf, MnistIterator.builder(labelled).batchSize(100).build(),
                        MnistIterator.builder(held).batchSize(1000).shuffle(false).build());
        System.out.println("best epoch " + r.bestEpoch() + ", validation error " + r.bestValidationError());
        // --- end of snippet
        assertTrue(r.bestValidationError() < 0.5, r.curveCsv());
        assertEquals(r.curve().get(r.bestEpoch() - 1).validationError(), r.bestValidationError());
    }
}
