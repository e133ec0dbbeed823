package org.unsupervisedzoo.zoo.denoising;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.unsupervisedzoo.zoo.ZooAssertions.rejects;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.shade.jackson.databind.ObjectMapper;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.dropout.IDropout;
import org.unsupervisedzoo.datasets.MnistIterator;
import org.unsupervisedzoo.zoo.SampleData;

class CorruptionTest {
    private static Random rng(long seed) {
        return Nd4j.getRandomFactory().getNewRandomInstance(seed);
    }

    private static INDArray grey(int n) {
        return Nd4j.rand(rng(1), n, 784).castTo(DataType.FLOAT).muli(0.8).addi(0.1); // strictly inside (0,1)
    }

    private static double share(INDArray mask) {
        return mask.sumNumber().doubleValue() / mask.length();
    }

    @Test
    void maskingZeroesTheGivenFractionAndLeavesTheRestUnscaled() {
        INDArray x = grey(50);
        INDArray y = new MaskingCorruption(0.3).corrupt(x, rng(2));
        INDArray zeroed = y.eq(0.0).castTo(DataType.FLOAT);
        assertEquals(0.3, share(zeroed), 0.01);
        INDArray kept = zeroed.rsub(1.0);
        assertEquals(x.mul(kept), y, "kept values are unchanged");
        assertEquals(grey(50), x, "the input is not modified");
    }

    @Test
    void saltAndPepperReplacesTheFractionWithZerosAndOnesEvenly() {
        INDArray x = grey(50);
        INDArray y = new SaltAndPepperCorruption(0.2).corrupt(x, rng(3));
        double zeros = share(y.eq(0.0).castTo(DataType.FLOAT));
        double ones = share(y.eq(1.0).castTo(DataType.FLOAT));
        assertEquals(0.2, zeros + ones, 0.01);
        assertEquals(zeros, ones, 0.01);
    }

    @Test
    void occlusionBlanksOneSquarePatchPerImage() {
        INDArray x = grey(20).reshape(20, 1, 28, 28);
        INDArray y = new OcclusionCorruption(7, 28, 28).corrupt(x, rng(4));
        assertEquals(4, y.rank());
        for (int i = 0; i < 20; i++) {
            INDArray img = y.get(org.nd4j.linalg.indexing.NDArrayIndex.point(i)).reshape(28, 28);
            assertEquals(49, img.eq(0.0).castTo(DataType.FLOAT).sumNumber().intValue(), "image " + i);
        }
        rejects(() -> new OcclusionCorruption(30, 28, 28), "patch", "30");
        rejects(() -> new OcclusionCorruption(5, 28, 28).corrupt(Nd4j.zeros(2, 100), rng(1)), "28x28");
    }

    @Test
    void gaussianNoiseHasTheGivenSpreadAndIsClippedWhenAsked() {
        INDArray x = Nd4j.zeros(DataType.FLOAT, 100, 784).addi(0.5);
        INDArray raw = new GaussianCorruption(0.1, false).corrupt(x, rng(5));
        assertEquals(0.1, raw.sub(x).stdNumber().doubleValue(), 0.002);
        INDArray clipped = new GaussianCorruption(1.0, true).corrupt(x, rng(5));
        assertTrue(clipped.minNumber().doubleValue() >= 0 && clipped.maxNumber().doubleValue() <= 1);
    }

    /**
     * Training applies the Gaussian corruption in place (draws into DL4J's input array, the mask in a buffer kept
     * across steps): the same values and mask as the copy that {@code apply} makes from the same random state, in
     * float and double, clipped or not, and a fresh mask each step.
     */
    @Test
    void gaussianNoiseInPlaceEqualsTheCopyFromTheSameDraws() {
        for (org.nd4j.linalg.api.buffer.DataType t : new org.nd4j.linalg.api.buffer.DataType[] {
            org.nd4j.linalg.api.buffer.DataType.FLOAT, org.nd4j.linalg.api.buffer.DataType.DOUBLE}) {
            Nd4j.setDefaultDataTypes(t, t);
            try {
                for (boolean clip : new boolean[] {true, false}) {
                    GaussianCorruption c = new GaussianCorruption(0.7, clip);
                    INDArray clean = Nd4j.rand(t, 9, 500); // 4,500 elements: two chunks of the Java pass
                    for (int step = 0; step < 2; step++) {
                        Nd4j.getRandom().setSeed(31 + step);
                        org.nd4j.common.primitives.Pair<INDArray, INDArray> copy = c.apply(clean, Nd4j.getRandom());
                        Nd4j.getRandom().setSeed(31 + step);
                        INDArray result = Nd4j.create(t, 9, 500);
                        INDArray mask = c.applyInto(clean, result, Nd4j.getRandom());
                        assertEquals(copy.getFirst(), result, t + " clip " + clip + " values, step " + step);
                        assertEquals(copy.getSecond(), mask, t + " clip " + clip + " mask, step " + step);
                    }
                    // through DL4J's dropout interface: the gradient passes only where the mask keeps it
                    INDArray result = Nd4j.create(t, 9, 500);
                    c.applyDropout(clean, result, 0, 0, org.deeplearning4j.nn.workspace.LayerWorkspaceMgr.noWorkspaces());
                    INDArray g = c.backprop(Nd4j.ones(t, 9, 500), Nd4j.create(t, 9, 500), 0, 0);
                    INDArray inside = result.gt(0.0).castTo(t).muli(result.lt(1.0).castTo(t));
                    assertEquals(clip ? inside.sumNumber().doubleValue() : 4500.0, g.sumNumber().doubleValue(), 1e-9);
                }
            } finally {
                Nd4j.setDefaultDataTypes(org.nd4j.linalg.api.buffer.DataType.FLOAT,
                        org.nd4j.linalg.api.buffer.DataType.FLOAT);
            }
        }
    }

    @Test
    void sameSeedSameNoiseAndFreshNoiseEachDraw() {
        INDArray x = grey(10);
        Corruption c = new MaskingCorruption(0.5);
        Random r = rng(9);
        INDArray first = c.corrupt(x, r);
        assertNotEquals(first, c.corrupt(x, r));
        assertEquals(first, c.corrupt(x, rng(9)));
    }

    @Test
    void backpropPassesGradientOnlyThroughKeptElements() {
        Nd4j.getRandom().setSeed(3);
        MaskingCorruption c = new MaskingCorruption(0.5);
        INDArray x = grey(4);
        INDArray y = c.applyDropout(x, x.ulike(), 0, 0, null);
        INDArray grad = c.backprop(Nd4j.onesLike(x), Nd4j.onesLike(x), 0, 0);
        assertEquals(y.neq(0.0).castTo(DataType.FLOAT), grad);
    }

    @Test
    void everyCorruptionSurvivesJson() throws Exception {
        ObjectMapper json = NeuralNetConfiguration.mapper();
        for (Corruption c : new Corruption[] {new GaussianCorruption(0.3, false), new MaskingCorruption(0.4),
            new SaltAndPepperCorruption(0.15), new OcclusionCorruption(9, 20, 24)}) {
            IDropout back = json.readValue(json.writeValueAsString(c), IDropout.class);
            assertEquals(c, back, c.toString());
            assertEquals(c, c.clone());
        }
    }

    @Test
    void corruptingIteratorGivesNoisyFeaturesAndCleanLabelsReproducibly() {
        CorruptingIterator a = new CorruptingIterator(SampleData.train(16, MnistIterator.Shape.FLAT, 64),
                new MaskingCorruption(0.5), 11);
        CorruptingIterator b = new CorruptingIterator(SampleData.train(16, MnistIterator.Shape.FLAT, 64),
                new MaskingCorruption(0.5), 11);
        DataSet da = a.next();
        assertEquals(da.getFeatures(), b.next().getFeatures());
        assertNotEquals(da.getFeatures(), da.getLabels());
        DataSet clean = SampleData.train(16, MnistIterator.Shape.FLAT, 64).next();
        assertEquals(clean.getFeatures(), da.getLabels());
        assertSame(null, a.getLabels());
        rejects(() -> new MaskingCorruption(1.5), "fraction", "1.5");
        rejects(() -> new GaussianCorruption(-1, true), "sigma", "-1");
    }

    @Test
    void prefetchingOnDl4jsThreadGivesTheSameBatchesAndNoise() {
        CorruptingIterator sync = new CorruptingIterator(SampleData.train(16, MnistIterator.Shape.FLAT, 64),
                new GaussianCorruption(0.3, true), 5);
        CorruptingIterator base = new CorruptingIterator(SampleData.train(16, MnistIterator.Shape.FLAT, 64),
                new GaussianCorruption(0.3, true), 5);
        org.unsupervisedzoo.zoo.ZooAssertions.prefetchedEqualsSync(
                new org.unsupervisedzoo.zoo.core.ReconstructionIterator(base, 1),
                new org.unsupervisedzoo.zoo.core.ReconstructionIterator(sync, 1), 4);
    }
}
