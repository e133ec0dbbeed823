package org.unsupervisedzoo.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

class MnistIteratorTest {
    static LabelledImages train;

    @BeforeAll
    static void load() {
        train = new BundledSample().load(Split.TRAIN);
    }

    private static List<DataSet> epoch(MnistIterator it) {
        List<DataSet> out = new ArrayList<>();
        while (it.hasNext()) {
            out.add(it.next());
        }
        return out;
    }

    private static INDArray firstBatch(MnistIterator it) {
        it.reset();
        return it.next().getFeatures();
    }

    @Test
    void flatBatchesScaledToUnitIntervalWithOneHotLabels() {
        MnistIterator it = MnistIterator.builder(train).batchSize(64).shuffle(false).build();
        DataSet ds = it.next();
        assertArrayEquals(new long[] {64, 784}, ds.getFeatures().shape());
        assertArrayEquals(new long[] {64, 10}, ds.getLabels().shape());
        assertTrue(ds.getFeatures().minNumber().doubleValue() >= 0);
        assertEquals(1.0, ds.getFeatures().maxNumber().doubleValue(), 1e-6);
        assertEquals(train.pixel(0, 300) / 255.0, ds.getFeatures().getDouble(0, 300), 1e-6);
        assertEquals(Nd4j.ones(64), ds.getLabels().sum(1).castTo(Nd4j.ones(1).dataType()));
        assertEquals(train.label(5), ds.getLabels().getRow(5).argMax().getInt(0));
    }

    @Test
    void batchesAreIndependentArraysThoughTheIteratorReusesItsScratchSpace() {
        MnistIterator it = MnistIterator.builder(train).batchSize(32).shuffle(false).build();
        org.nd4j.linalg.api.ndarray.INDArray first = it.next().getFeatures();
        org.nd4j.linalg.api.ndarray.INDArray copy = first.dup();
        org.nd4j.linalg.api.ndarray.INDArray second = it.next().getFeatures();
        assertEquals(copy, first, "the first batch is unchanged by the next one");
        assertNotEquals(first, second);
        assertEquals(train.pixel(32, 300) / 255.0, second.getDouble(0, 300), 1e-6);
    }

    @Test
    void oneEpochVisitsEveryExampleOnceIncludingAPartialLastBatch() {
        MnistIterator it = MnistIterator.builder(train).batchSize(300).build();
        List<DataSet> batches = epoch(it);
        assertEquals(17, batches.size());
        assertEquals(200, batches.get(16).numExamples());
        INDArray counts = Nd4j.vstack(batches.stream().map(DataSet::getLabels).toArray(INDArray[]::new)).sum(0);
        for (int c = 0; c < 10; c++) {
            assertEquals(500, counts.getInt(c));
        }
        assertThrows(NoSuchElementException.class, it::next);
        it.reset();
        assertEquals(17, epoch(it).size());
    }

    @Test
    void imageShape() {
        MnistIterator it = MnistIterator.builder(train).batchSize(8).shape(MnistIterator.Shape.IMAGE).build();
        assertArrayEquals(new long[] {8, 1, 28, 28}, it.next().getFeatures().shape());
    }

    @Test
    void seededShuffleIsReproducibleAndChangesEveryEpoch() {
        MnistIterator a = MnistIterator.builder(train).seed(7).build();
        MnistIterator b = MnistIterator.builder(train).seed(7).build();
        MnistIterator c = MnistIterator.builder(train).seed(8).build();
        INDArray a1 = a.next().getFeatures();
        assertEquals(a1, b.next().getFeatures());
        assertNotEquals(a1, c.next().getFeatures());
        INDArray a2 = firstBatch(a);
        assertNotEquals(a1, a2);
        assertEquals(a2, firstBatch(b));
        MnistIterator ordered = MnistIterator.builder(train).shuffle(false).build();
        assertEquals(firstBatch(ordered), firstBatch(ordered));
    }

    @Test
    void staticBinarizationThresholdsTheSameWayEveryEpoch() {
        MnistIterator it = MnistIterator.builder(train).shuffle(false).threshold(0.3)
                .binarization(MnistIterator.Binarization.STATIC).build();
        INDArray x = firstBatch(it);
        INDArray binary = x.mul(x.rsub(1.0));
        assertEquals(0.0, binary.sumNumber().doubleValue(), 0.0, "only 0 and 1");
        assertEquals(train.pixel(3, 400) / 255.0 > 0.3 ? 1.0 : 0.0, x.getDouble(3, 400));
        assertEquals(x, firstBatch(it));
    }

    @Test
    void dynamicBinarizationDrawsFreshSeededSamples() {
        MnistIterator it = MnistIterator.builder(train).shuffle(false)
                .binarization(MnistIterator.Binarization.DYNAMIC).seed(3).build();
        INDArray x1 = firstBatch(it);
        INDArray x2 = firstBatch(it);
        assertEquals(0.0, x1.mul(x1.rsub(1.0)).sumNumber().doubleValue(), 0.0);
        assertNotEquals(x1, x2);
        // the mean of the draws follows the grey levels
        INDArray grey = firstBatch(MnistIterator.builder(train).shuffle(false).build());
        assertEquals(grey.meanNumber().doubleValue(), x1.meanNumber().doubleValue(), 0.01);
        MnistIterator same = MnistIterator.builder(train).shuffle(false)
                .binarization(MnistIterator.Binarization.DYNAMIC).seed(3).build();
        assertEquals(x1, firstBatch(same));
    }

    @Test
    void stochasticBinarizationOfASetIsOneFixedSeededDraw() {
        LabelledImages a = train.stochasticallyBinarized(5);
        LabelledImages b = train.stochasticallyBinarized(5);
        INDArray xa = firstBatch(MnistIterator.builder(a).shuffle(false).batchSize(500).build());
        assertEquals(xa, firstBatch(MnistIterator.builder(b).shuffle(false).batchSize(500).build()));
        assertNotEquals(xa, firstBatch(MnistIterator.builder(train.stochasticallyBinarized(6)).shuffle(false)
                .batchSize(500).build()));
        assertEquals(0.0, xa.mul(xa.rsub(1.0)).sumNumber().doubleValue(), 0.0, "only 0 and 1");
        INDArray grey = firstBatch(MnistIterator.builder(train).shuffle(false).batchSize(500).build());
        assertEquals(grey.meanNumber().doubleValue(), xa.meanNumber().doubleValue(), 0.005);
        assertEquals(train.label(42), a.label(42));
    }

    @Test
    void classFilterAndSubset() {
        MnistIterator it = MnistIterator.builder(train).classes(0, 1, 2, 3, 4, 5, 6, 7, 8).batchSize(1000).build();
        assertEquals(4500, it.numExamples());
        for (DataSet ds : epoch(it)) {
            assertEquals(10, ds.getLabels().columns(), "labels stay ten wide");
            assertEquals(0.0, ds.getLabels().getColumn(9).sumNumber().doubleValue());
        }
        MnistIterator sub = MnistIterator.builder(train).classes(3).subset(50).shuffle(false).build();
        assertEquals(50, sub.numExamples());
        DataSet ds = sub.next();
        assertEquals(50, ds.getLabels().getColumn(3).sumNumber().intValue());
        assertEquals(120, MnistIterator.builder(train).subset(120).build().numExamples());
        assertEquals(5000, MnistIterator.builder(train).subset(99_999).build().numExamples());
    }

    @Test
    void inputTargetForAutoencoders() {
        MnistIterator it = MnistIterator.builder(train).target(MnistIterator.Target.INPUT).build();
        DataSet ds = it.next();
        assertSame(ds.getFeatures(), ds.getLabels());
        assertEquals(784, it.totalOutcomes());
    }

    @Test
    void preProcessorIsApplied() {
        MnistIterator it = MnistIterator.builder(train).batchSize(4).build();
        it.setPreProcessor(ds -> ds.getFeatures().muli(2));
        assertEquals(2.0, it.next().getFeatures().maxNumber().doubleValue(), 1e-6);
    }

    @Test
    void invalidSettingsNameTheFieldAndValue() {
        assertMessage(() -> MnistIterator.builder(train).batchSize(0).build(), "batchSize", "0");
        assertMessage(() -> MnistIterator.builder(train).subset(-5).build(), "subset", "-5");
        assertMessage(() -> MnistIterator.builder(train).threshold(1.5).build(), "threshold", "1.5");
        assertMessage(() -> MnistIterator.builder(train).classes(3, 11).build(), "classes", "11");
        assertMessage(() -> MnistIterator.builder(train).classes().build(), "classes", "empty");
        assertMessage(() -> MnistIterator.builder(train).build().next(0), "num", "0");
    }

    private static void assertMessage(Runnable r, String... fragments) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "'" + f + "' in: " + e.getMessage());
        }
    }
}
