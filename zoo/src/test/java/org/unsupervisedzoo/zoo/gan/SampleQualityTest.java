package org.unsupervisedzoo.zoo.gan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.unsupervisedzoo.datasets.MnistIterator;
import org.unsupervisedzoo.zoo.SampleData;
import org.unsupervisedzoo.zoo.ZooAssertions;
import org.unsupervisedzoo.zoo.gan.SampleQuality.Gaussian;
import org.unsupervisedzoo.zoo.classifier.LeNet;

/** Inception Score, Frechet distance and mode coverage on hand cases, and with a LeNet trained on the sample. */
class SampleQualityTest {
    @TempDir
    Path dir;

    private static INDArray oneHot(int[] classes, int k) {
        INDArray p = Nd4j.zeros(DataType.DOUBLE, classes.length, k);
        for (int i = 0; i < classes.length; i++) {
            p.putScalar(i, classes[i], 1);
        }
        return p;
    }

    @Test
    void inceptionScoreHandCases() {
        int[] balanced = new int[100];
        for (int i = 0; i < 100; i++) {
            balanced[i] = i % 10;
        }
        assertArrayEquals(new double[] {10, 0}, SampleQuality.inceptionScore(oneHot(balanced, 10), 2), 1e-9);
        assertEquals(1, SampleQuality.inceptionScore(oneHot(new int[50], 10), 1)[0], 1e-9, "one class only");
        assertEquals(1, SampleQuality.inceptionScore(Nd4j.valueArrayOf(new long[] {20, 10}, 0.1), 1)[0], 1e-9,
                "uncertain about every sample");
        INDArray p = Nd4j.create(new double[][] {{0.9, 0.1}, {0.1, 0.9}});
        double kl = 0.9 * Math.log(0.9 / 0.5) + 0.1 * Math.log(0.1 / 0.5);
        assertEquals(Math.exp(kl), SampleQuality.inceptionScore(p, 1)[0], 1e-9);
        ZooAssertions.rejects(() -> SampleQuality.inceptionScore(p, 3), "splits", "3");
    }

    @Test
    void gaussianFitAndMatrixSquareRoot() {
        Gaussian g = Gaussian.fit(Nd4j.create(new double[][] {{0, 0}, {2, 0}, {0, 2}, {2, 2}}));
        assertArrayEquals(new double[] {1, 1}, g.mean, 1e-12);
        assertArrayEquals(new double[] {4.0 / 3, 0}, g.covariance[0], 1e-12);
        assertArrayEquals(new double[] {0, 4.0 / 3}, g.covariance[1], 1e-12);
        // a random symmetric positive definite matrix: sqrt(A)^2 = A
        INDArray r = Nd4j.rand(DataType.DOUBLE, 6, 6);
        double[][] a = r.mmul(r.transpose()).addi(Nd4j.eye(6).castTo(DataType.DOUBLE).muli(0.1)).toDoubleMatrix();
        double[][] s = SampleQuality.sqrtPsd(a);
        INDArray ss = Nd4j.create(s).mmul(Nd4j.create(s));
        assertTrue(ss.equalsWithEps(Nd4j.create(a), 1e-9), ss + " vs " + Nd4j.create(a));
    }

    @Test
    void frechetDistanceHandCases() {
        double[][] c1 = {{2, 1}, {1, 2}};
        double[][] c2 = {{1, 0}, {0, 3}};
        Gaussian a = new Gaussian(new double[] {0, 0}, c1);
        assertEquals(0, SampleQuality.frechetDistance(a, a), 1e-9, "identical Gaussians");
        Gaussian shifted = new Gaussian(new double[] {3, -4}, c1);
        assertEquals(25, SampleQuality.frechetDistance(a, shifted), 1e-9, "shifted mean: ||mu1 - mu2||^2");
        Gaussian d1 = new Gaussian(new double[] {1, 0}, new double[][] {{4, 0}, {0, 9}});
        Gaussian d2 = new Gaussian(new double[] {0, 0}, new double[][] {{1, 0}, {0, 16}});
        assertEquals(1 + 1 + 1, SampleQuality.frechetDistance(d1, d2), 1e-9,
                "diagonal: ||mu||^2 + sum (sqrt a - sqrt b)^2");
        // non-commuting 2x2: tr sqrt(X) = sqrt(tr X + 2 sqrt(det X)), tr X = tr(C1 C2) = 8, det X = 9
        Gaussian b = new Gaussian(new double[] {0, 0}, c2);
        assertEquals(4 + 4 - 2 * Math.sqrt(14), SampleQuality.frechetDistance(a, b), 1e-9);
        assertEquals(SampleQuality.frechetDistance(a, b), SampleQuality.frechetDistance(b, a), 1e-9, "symmetric");
        INDArray f = Nd4j.randn(DataType.DOUBLE, 200, 5);
        assertEquals(0, SampleQuality.frechetDistance(f, f.dup()), 1e-8, "same features");
    }

    @Test
    void modeCoverageHandCase() {
        SampleQuality.ModeCoverage m = SampleQuality.modeCoverage(oneHot(new int[] {0, 0, 1, 2, 2, 2, 2, 2, 2, 2}, 3),
                0.15);
        assertArrayEquals(new double[] {0.2, 0.1, 0.7}, m.shares, 1e-12);
        assertEquals(List.of(1), m.collapsed);
        assertTrue(m.modeCollapse());
        assertEquals(0.1, m.minShare(), 1e-12);
        ZooAssertions.rejects(() -> SampleQuality.modeCoverage(oneHot(new int[] {0}, 2), 1.5), "threshold", "1.5");
    }

    @Test
    void lenetFactoryShapesFitAndRoundTrips() throws Exception {
        LeNet lenet = LeNet.builder().filters(4, 8).featureSize(16).build();
        ComputationGraph net = lenet.init();
        DataSet ds = MnistIterator.builder(SampleData.TRAIN).batchSize(8).shape(MnistIterator.Shape.IMAGE).build()
                .next();
        assertArrayEquals(new long[] {8, 10}, net.outputSingle(ds.getFeatures()).shape());
        ZooAssertions.fitChangesParameters(net, new org.nd4j.linalg.dataset.MultiDataSet(ds.getFeatures(),
                ds.getLabels()));
        ZooAssertions.jsonRoundTrip(net, ds.getFeatures());
        ZooAssertions.serializerRoundTrip(net, dir, ds.getFeatures());
        SampleQuality.Judged j = SampleQuality.judge(net, ds.getFeatures().reshape(8, 784));
        assertArrayEquals(new long[] {8, 16}, j.features.shape());
        ZooAssertions.rejects(() -> LeNet.builder().featureSize(-1).build(), "featureSize", "-1");
    }

    /** A LeNet trained briefly on the sample judges real digits diverse and a one-digit "generator" collapsed. */
    @Test
    void aSingleDigitGeneratorIsFlaggedAsModeCollapse() {
        ComputationGraph net = LeNet.builder().filters(6, 12).featureSize(32).seed(1)
                .updater(new org.nd4j.linalg.learning.config.Adam(3e-3)).build().init();
        MnistIterator train = MnistIterator.builder(SampleData.TRAIN).batchSize(32).shape(MnistIterator.Shape.IMAGE)
                .subset(1500).seed(1).build();
        net.fit(train);
        net.fit(train);
        DataSet test = MnistIterator.builder(SampleData.TEST).batchSize(1000).shuffle(false)
                .shape(MnistIterator.Shape.IMAGE).build().next();
        SampleQuality.Judged real = SampleQuality.judge(net, test.getFeatures());
        double acc = SampleQuality.accuracy(real.probabilities, test.getLabels().argMax(1).toIntVector());
        assertTrue(acc > 0.85, "test accuracy " + acc);
        SampleQuality.ModeCoverage realCoverage = SampleQuality.modeCoverage(real.probabilities);
        assertFalse(realCoverage.modeCollapse(), java.util.Arrays.toString(realCoverage.shares));
        double isReal = SampleQuality.inceptionScore(real.probabilities, 5)[0];
        assertTrue(isReal > 5, "IS of the test digits " + isReal);

        // a "generator" that only ever draws ones: the sample's test ones
        DataSet ones = MnistIterator.builder(SampleData.TEST).batchSize(100).shuffle(false).classes(1)
                .shape(MnistIterator.Shape.IMAGE).build().next();
        SampleQuality.Judged judged = SampleQuality.judge(net, ones.getFeatures());
        SampleQuality.ModeCoverage m = SampleQuality.modeCoverage(judged.probabilities);
        assertTrue(m.modeCollapse());
        assertTrue(m.collapsed.size() >= 9, m.collapsed.toString());
        assertFalse(m.collapsed.contains(1));
        double isOnes = SampleQuality.inceptionScore(judged.probabilities, 1)[0];
        assertTrue(isOnes < 1.5, "IS of the ones " + isOnes);
        assertTrue(SampleQuality.frechetDistance(judged.features, real.features)
                > 5 * SampleQuality.frechetDistance(real.features.get(org.nd4j.linalg.indexing.NDArrayIndex
                .interval(0, 500), org.nd4j.linalg.indexing.NDArrayIndex.all()), real.features.get(
                org.nd4j.linalg.indexing.NDArrayIndex.interval(500, 1000), org.nd4j.linalg.indexing.NDArrayIndex.all())),
                "ones are far from the test digits in feature space, two halves of the test set are close");
    }
}
