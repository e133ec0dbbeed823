package org.unsupervisedzoo.zoo.m2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.unsupervisedzoo.datasets.MnistIterator;
import org.unsupervisedzoo.zoo.SampleData;
import org.unsupervisedzoo.zoo.core.Encoders;
import org.unsupervisedzoo.zoo.vae.VAE;

/** M1+M2's features: the kept posterior columns of a VAE, fresh draws per epoch and step, the labelled draws. */
class M1CodesTest {
    @Test
    void encodeKeepsTheChosenColumnsOfMeanAndLogvarInDigitOrder() {
        VAE vae = VAE.builder().hiddenSizes(16).latentSize(4).build();
        ComputationGraph trained = vae.init();
        ComputationGraph zParams = Encoders.extract(trained, "input", VAE.Z_PARAMS);
        DataSetIterator digits = MnistIterator.builder(SampleData.TRAIN.range(0, 30)).batchSize(8).shuffle(false)
                .build();
        M1Codes codes = M1Codes.encode(zParams, digits, new int[] {1, 3});
        DataSet all = MnistIterator.builder(SampleData.TRAIN.range(0, 30)).batchSize(30).shuffle(false).build()
                .next();
        INDArray p = zParams.outputSingle(false, all.getFeatures());
        assertEquals(30, codes.count());
        assertEquals(2, codes.dimensions());
        assertTrue(codes.mean().equalsWithEps(p.getColumns(1, 3), 1e-6), "means: columns 1 and 3");
        assertTrue(codes.logvar().equalsWithEps(p.getColumns(5, 7), 1e-6), "log-variances: columns 4 + 1, 4 + 3");
        assertEquals(all.getLabels(), codes.means().getLabels());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> M1Codes.encode(zParams, digits, new int[] {4}));
        assertTrue(e.getMessage().contains("[0, 4)") && e.getMessage().contains("4"), e.getMessage());
    }

    @Test
    void activeDimensionsAreThoseWhoseMeanVaries() {
        INDArray means = Nd4j.zeros(DataType.FLOAT, 100, 4);
        means.getColumn(1).assign(Nd4j.randn(DataType.FLOAT, 100).muli(0.5));
        means.getColumn(2).assign(Nd4j.randn(DataType.FLOAT, 100).muli(0.01));
        means.getColumn(3).assign(Nd4j.randn(DataType.FLOAT, 100));
        assertArrayEquals(new int[] {1, 3}, M1Codes.activeDimensions(means, 0.1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> M1Codes.activeDimensions(means, 5));
        assertTrue(e.getMessage().contains("above 5"), e.getMessage());
    }

    /** Codes whose row i has mean i in every column and the given standard deviation, label i mod 3. */
    private static M1Codes rowsNumbered(int n, int d, double sd) {
        INDArray mean = Nd4j.arange(n).castTo(DataType.FLOAT).reshape(n, 1).repeat(1, d);
        INDArray logvar = Nd4j.valueArrayOf(new long[] {n, d}, 2 * Math.log(sd), DataType.FLOAT);
        INDArray labels = Nd4j.zeros(DataType.FLOAT, n, 3);
        for (int i = 0; i < n; i++) {
            labels.putScalar(i, i % 3, 1);
        }
        return new M1Codes(mean, logvar, labels);
    }

    @Test
    void anEpochVisitsEveryDigitOnceWithFreshDrawsAndTheSameSeedRepeatsIt() {
        M1Codes codes = rowsNumbered(50, 3, 1e-3);
        DataSetIterator a = codes.epoch(16, 7);
        Set<Long> seen = new HashSet<>();
        int batches = 0;
        INDArray first = null;
        while (a.hasNext()) {
            DataSet b = a.next();
            first = first == null ? b.getFeatures().dup() : first;
            for (int r = 0; r < b.numExamples(); r++) {
                long i = Math.round(b.getFeatures().getDouble(r, 0));
                assertTrue(Math.abs(b.getFeatures().getDouble(r, 0) - i) < 0.01, "mean i, sd 1e-3");
                assertEquals(i % 3, b.getLabels().getRow(r).argMax().getInt(0), "the label travels with it");
                seen.add(i);
            }
            batches++;
        }
        assertEquals(50, seen.size(), "every digit once");
        assertEquals(4, batches, "16, 16, 16, 2");
        INDArray again = codes.epoch(16, 7).next().getFeatures();
        assertEquals(first, again, "the same seed: the same order and draws");
        assertTrue(!first.equals(codes.epoch(16, 8).next().getFeatures()), "another seed: another epoch");
    }

    /** The Java gather equals ND4J's getRows (float, double, repeated rows, a view), and names a row outside. */
    @Test
    void gatherEqualsGetRows() {
        int[] rows = {4, 0, 4, 2};
        for (DataType t : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            INDArray a = Nd4j.rand(t, 5, 3);
            assertEquals(a.getRows(rows), M1Codes.gather(a, rows), t.toString());
            INDArray view = Nd4j.rand(t, 5, 6).getColumns(1, 2, 3);
            assertEquals(view.getRows(rows), M1Codes.gather(view, rows), "a view");
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> M1Codes.gather(a, new int[] {5}));
            assertTrue(e.getMessage().contains("row 5 is outside 0..4"), e.getMessage());
        }
    }

    @Test
    void drawsHaveThePosteriorsMeanAndSpread() {
        M1Codes codes = rowsNumbered(1, 1, 2.0);
        int[] rows = new int[20000];
        INDArray x = codes.sample(rows, Nd4j.getRandomFactory().getNewRandomInstance(3));
        assertEquals(0, x.meanNumber().doubleValue(), 0.05);
        assertEquals(2.0, x.stdNumber().doubleValue(), 0.05);
    }

    @Test
    void theIteratorDrawsTheLabelledDigitsAfreshAtEveryStep() {
        SemiSupervisedVAE m2 = SemiSupervisedVAE.builder().inputSize(3).numClasses(3).latentSize(2)
                .classifierSizes(4).hiddenSizes(4).likelihood(M2ObjectiveLayer.Likelihood.GAUSSIAN).build();
        M1Codes labelled = rowsNumbered(6, 3, 1e-3);
        M1Codes unlabelled = rowsNumbered(12, 3, 0.5);
        M2Iterator it = new M2Iterator(unlabelled.epoch(4, 1), labelled, 12, m2, 6, 2);
        MultiDataSet first = it.next();
        MultiDataSet second = it.next();
        assertArrayEquals(new long[] {6 + 3 * 4, 3}, first.getFeatures(0).shape(), "6 labelled + 3 copies of 4");
        INDArray x1 = first.getFeatures(0).get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 6),
                org.nd4j.linalg.indexing.NDArrayIndex.all());
        INDArray x2 = second.getFeatures(0).get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 6),
                org.nd4j.linalg.indexing.NDArrayIndex.all());
        Set<Long> seen = new HashSet<>();
        for (int r = 0; r < 6; r++) { // each labelled row: a draw around its mean i, with its label i mod 3
            long i = Math.round(x1.getDouble(r, 0));
            assertEquals(i, x1.getDouble(r, 0), 0.01);
            assertEquals(i % 3, first.getFeatures(1).getRow(r).argMax().getInt(0), "row " + r);
            seen.add(i);
        }
        assertEquals(6, seen.size(), "a batch of 6 of the 6 labelled digits: each once");
        assertTrue(!sorted(x1).equalsWithEps(sorted(x2), 1e-6), "a fresh draw at the next step");
        M2Iterator again = new M2Iterator(unlabelled.epoch(4, 1), labelled, 12, m2, 6, 2);
        assertEquals(first.getFeatures(0), again.next().getFeatures(0), "the same seeds: the same batches");
    }

    private static INDArray sorted(INDArray x) {
        return Nd4j.sort(x.getColumn(0).dup(), true);
    }
}
