package org.unsupervisedzoo.zoo.m2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.unsupervisedzoo.zoo.ZooAssertions.rejects;

import java.nio.file.Path;
import java.util.List;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.unsupervisedzoo.datasets.LabelledImages;
import org.unsupervisedzoo.datasets.MnistIterator;
import org.unsupervisedzoo.zoo.SampleData;
import org.unsupervisedzoo.zoo.ZooAssertions;
import org.unsupervisedzoo.zoo.fast.Accelerate;

class SemiSupervisedVAETest {
    @TempDir
    Path tmp;

    /** A tiny DOUBLE model: 6 pixels, 3 classes, z of 2, hidden widths 5 and 4. */
    static SemiSupervisedVAE tiny() {
        return SemiSupervisedVAE.builder().inputSize(6).numClasses(3).latentSize(2).classifierSizes(5).hiddenSizes(4)
                .alpha(0.3).updater(new NoOp()).dataType(DataType.DOUBLE).seed(4).build();
    }

    private static INDArray oneHot(int k, int... classes) {
        INDArray y = Nd4j.zeros(DataType.DOUBLE, classes.length, k);
        for (int i = 0; i < classes.length; i++) {
            y.putScalar(i, classes[i], 1.0);
        }
        return y;
    }

    @Test
    void graphHasTheDocumentedVerticesShapesAndParameters() {
        SemiSupervisedVAE m2 = SemiSupervisedVAE.builder().build();
        ComputationGraph g = m2.init();
        assertEquals(List.of("input", "label", "eps"), g.getConfiguration().getNetworkInputs());
        assertEquals(List.of("objective"), g.getConfiguration().getNetworkOutputs());
        INDArray x = SampleData.testBatch(3, MnistIterator.Shape.FLAT);
        INDArray q = m2.classify(g, x);
        assertArrayEquals(new long[] {3, 10}, q.shape());
        assertTrue(q.sum(1).equalsWithEps(Nd4j.ones(DataType.FLOAT, 3), 1e-5), "probabilities: " + q);
        long classifierParams = 784 * 500 + 500 + 500 * 10 + 10;
        long encoderParams = 794 * 500 + 500 + 500 * 100 + 100;
        long decoderParams = 60 * 500 + 500 + 500 * 784 + 784;
        assertEquals(classifierParams + encoderParams + decoderParams, g.numParams());
        assertEquals("semi-supervised-vae", m2.name());
        assertEquals(List.of("input", "label", "eps"), m2.inputs().stream().map(io -> io.name()).toList());
        assertArrayEquals(new long[] {10}, m2.outputs().get(0).shape());
        // the classifier graph cut out of it computes the same probabilities, as a plain DL4J graph
        ComputationGraph clf = m2.classifierGraph(g);
        assertTrue(clf.outputSingle(x).equalsWithEps(q, 1e-6));
        assertEquals(classifierParams, clf.numParams());
        // class-conditional samples: n per class
        ComputationGraph decoder = m2.decoderGraph(g);
        INDArray s = m2.sample(decoder, 2, Nd4j.getRandomFactory().getNewRandomInstance(1));
        assertArrayEquals(new long[] {20, 784}, s.shape());
        assertTrue(s.minNumber().doubleValue() >= 0 && s.maxNumber().doubleValue() <= 1);
    }

    /**
     * The graph's score on two labelled digits and one unlabelled one equals the M2 objective per digit computed by
     * hand from the graph's weights with ND4J ops: classifier, encoder for each (x, y), z = mu + sigma eps with the
     * batch's noise, decoder, Bernoulli likelihood, KL, the sum over y weighted by q(y|x) and the entropy.
     */
    @Test
    void scoreEqualsTheM2ObjectiveComputedByHand() {
        SemiSupervisedVAE m2 = tiny();
        ComputationGraph g = m2.init();
        Nd4j.getRandom().setSeed(8);
        INDArray xl = Nd4j.rand(DataType.DOUBLE, 2, 6);
        INDArray yl = oneHot(3, 2, 0);
        INDArray xu = Nd4j.rand(DataType.DOUBLE, 1, 6);
        long nl = 5;
        long nu = 20;
        MultiDataSet batch = new M2Batches(m2, nl, nu, 3).batch(xl, yl, xu);
        INDArray eps = batch.getFeatures(2);
        assertArrayEquals(new long[] {5, 2}, eps.shape(), "2 labelled rows + 3 rows of the unlabelled digit");

        double n = nl + nu;
        double labelledElbo = 0;
        double labelledCe = 0;
        for (int i = 0; i < 2; i++) {
            INDArray x = xl.getRow(i, true);
            int y = i == 0 ? 2 : 0;
            labelledElbo += negElbo(g, x, y, eps.getRow(i, true)) / 2;
            labelledCe += -Math.log(q(g, x).getDouble(0, y)) / 2;
        }
        INDArray q = q(g, xu);
        double u = 0;
        for (int y = 0; y < 3; y++) {
            double qy = q.getDouble(0, y);
            u += qy * negElbo(g, xu, y, eps.getRow(2 + y, true)) + qy * Math.log(qy);
        }
        double expected = nl / n * labelledElbo + nu / n * u + 0.3 * labelledCe;
        assertEquals(expected, g.score(batch), 1e-10);
        // the unlabelled term alone, and the labelled one alone
        MultiDataSet onlyU = new M2Batches(m2, nl, nu, 3).batch(null, null, xu, eps.get(
                org.nd4j.linalg.indexing.NDArrayIndex.interval(2, 5), org.nd4j.linalg.indexing.NDArrayIndex.all()));
        assertEquals(nu / n * u, g.score(onlyU), 1e-10);
    }

    private static INDArray dense(ComputationGraph g, String layer, INDArray in) {
        return in.mmul(g.getParam(layer + "_W")).addRowVector(g.getParam(layer + "_b"));
    }

    private static INDArray softplus(INDArray a) {
        return Transforms.log(Transforms.exp(a, true).addi(1), false);
    }

    /** q(.|x) by hand. */
    private static INDArray q(ComputationGraph g, INDArray x) {
        INDArray a = dense(g, SemiSupervisedVAE.CLASS_LOGITS, softplus(dense(g, "classifier-1", x)));
        INDArray e = Transforms.exp(a, true);
        return e.diviColumnVector(e.sum(true, 1));
    }

    /** -ELBO(x, y) by hand, with the noise eps: BCE + KL + log K. */
    private static double negElbo(ComputationGraph g, INDArray x, int y, INDArray eps) {
        INDArray label = oneHot(3, y);
        INDArray p = dense(g, SemiSupervisedVAE.Z_PARAMS, softplus(dense(g, "encoder-1", Nd4j.hstack(x, label))));
        INDArray mu = p.getColumns(0, 1);
        INDArray logvar = p.getColumns(2, 3);
        INDArray z = mu.add(Transforms.exp(logvar.mul(0.5), true).mul(eps));
        INDArray logits = dense(g, SemiSupervisedVAE.DECODER_LOGITS, softplus(dense(g, "decoder-1",
                Nd4j.hstack(z, label))));
        INDArray prob = Transforms.sigmoid(logits, true);
        double bce = -x.mul(Transforms.log(prob, true)).add(x.rsub(1).mul(Transforms.log(prob.rsub(1), true)))
                .sumNumber().doubleValue();
        double kl = 0.5 * mu.mul(mu).add(Transforms.exp(logvar, true)).sub(1).sub(logvar).sumNumber().doubleValue();
        return bce + kl + Math.log(3);
    }

    @Test
    void gradientCheckOfTheWholeGraphStockAndFast() {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        try {
            Nd4j.getRandom().setSeed(12);
            SemiSupervisedVAE m2 = SemiSupervisedVAE.builder().inputSize(6).numClasses(3).latentSize(2)
                    .classifierSizes(5).hiddenSizes(4).activation(Activation.TANH).alpha(0.3).updater(new NoOp())
                    .dataType(DataType.DOUBLE).build();
            MultiDataSet batch = new M2Batches(m2, 5, 20, 3).batch(Nd4j.rand(DataType.DOUBLE, 2, 6), oneHot(3, 1, 2),
                    Nd4j.rand(DataType.DOUBLE, 2, 6));
            for (boolean fast : new boolean[] {false, true}) {
                ComputationGraph g = fast ? Accelerate.init(m2) : m2.init();
                assertTrue(GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(g)
                        .inputs(batch.getFeatures()).labels(batch.getLabels()).epsilon(1e-6).maxRelError(1e-4)
                        .minAbsoluteError(1e-9)), "fast " + fast);
            }
        } finally {
            Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
        }
    }

    /**
     * M1+M2's M2: a Gaussian decoder on real-valued inputs. Its decoder has 2D outputs, its score is the hand
     * objective with the Gaussian's -log density in place of the BCE, a DOUBLE gradient check passes for the stock
     * and the fast graph, its samples are the means (D columns) and one fit changes every layer's parameters.
     */
    @Test
    void gaussianLikelihoodForRealValuedInputs() {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        try {
            Nd4j.getRandom().setSeed(13);
            SemiSupervisedVAE m2 = SemiSupervisedVAE.builder().inputSize(6).numClasses(3).latentSize(2)
                    .classifierSizes(5).hiddenSizes(4).activation(Activation.TANH).alpha(0.3).updater(new NoOp())
                    .likelihood(M2ObjectiveLayer.Likelihood.GAUSSIAN).dataType(DataType.DOUBLE).build();
            assertEquals(M2ObjectiveLayer.Likelihood.GAUSSIAN, m2.likelihood());
            ComputationGraph g = m2.init();
            assertArrayEquals(new long[] {4, 12}, g.getParam(SemiSupervisedVAE.DECODER_LOGITS + "_W").shape(),
                    "a mean and a log-variance per input dimension");
            INDArray xl = Nd4j.randn(DataType.DOUBLE, 2, 6);
            INDArray xu = Nd4j.randn(DataType.DOUBLE, 1, 6);
            MultiDataSet batch = new M2Batches(m2, 5, 20, 3).batch(xl, oneHot(3, 1, 2), xu);
            // the score by hand: only the labelled rows' -ELBO uses the decoder, so check the labelled batch
            MultiDataSet labelled = new M2Batches(m2, 5, 20, 3).batch(xl, oneHot(3, 1, 2), null);
            INDArray eps = labelled.getFeatures(2);
            double expected = 0;
            for (int i = 0; i < 2; i++) {
                INDArray x = xl.getRow(i, true);
                int y = i + 1;
                INDArray label = oneHot(3, y);
                INDArray p = dense(g, SemiSupervisedVAE.Z_PARAMS, Transforms.tanh(dense(g, "encoder-1",
                        Nd4j.hstack(x, label)), true));
                INDArray mu = p.getColumns(0, 1);
                INDArray logvar = p.getColumns(2, 3);
                INDArray z = mu.add(Transforms.exp(logvar.mul(0.5), true).mul(eps.getRow(i, true)));
                INDArray out = dense(g, SemiSupervisedVAE.DECODER_LOGITS, Transforms.tanh(dense(g, "decoder-1",
                        Nd4j.hstack(z, label)), true));
                double nll = 0;
                for (int j = 0; j < 6; j++) {
                    double m = out.getDouble(0, j);
                    double var = Math.exp(out.getDouble(0, 6 + j));
                    double dx = x.getDouble(0, j) - m;
                    nll += 0.5 * Math.log(2 * Math.PI * var) + dx * dx / (2 * var);
                }
                double kl = 0.5 * mu.mul(mu).add(Transforms.exp(logvar, true)).sub(1).sub(logvar).sumNumber()
                        .doubleValue();
                INDArray a = dense(g, SemiSupervisedVAE.CLASS_LOGITS, Transforms.tanh(dense(g, "classifier-1", x),
                        true));
                INDArray qe = Transforms.exp(a, true);
                double logq = Math.log(qe.getDouble(0, y) / qe.sumNumber().doubleValue());
                expected += (5.0 / 25 * (nll + kl + Math.log(3)) - 0.3 * logq) / 2;
            }
            assertEquals(expected, g.score(labelled), 1e-10);
            for (boolean fast : new boolean[] {false, true}) {
                ComputationGraph c = fast ? Accelerate.init(m2) : m2.init();
                assertTrue(GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(c)
                        .inputs(batch.getFeatures()).labels(batch.getLabels()).epsilon(1e-6).maxRelError(1e-4)
                        .minAbsoluteError(1e-9)), "fast " + fast);
            }
            INDArray s = m2.sample(m2.decoderGraph(g), 2, Nd4j.getRandomFactory().getNewRandomInstance(1));
            assertArrayEquals(new long[] {6, 6}, s.shape(), "means only");
            SemiSupervisedVAE adam = SemiSupervisedVAE.builder().inputSize(6).numClasses(3).latentSize(2)
                    .classifierSizes(5).hiddenSizes(4).likelihood(M2ObjectiveLayer.Likelihood.GAUSSIAN)
                    .dataType(DataType.DOUBLE).build();
            ComputationGraph t = Accelerate.init(adam);
            java.util.Map<String, INDArray> before = new java.util.HashMap<>();
            t.paramTable().forEach((k, v) -> before.put(k, v.dup()));
            t.fit(batch);
            t.paramTable().forEach((k, v) -> assertTrue(!v.equalsWithEps(before.get(k), 0), k + " unchanged"));
        } finally {
            Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
        }
    }

    @Test
    void batchesLayOutLabelledRowsThenKCopiesOfEachUnlabelledDigit() {
        SemiSupervisedVAE m2 = tiny();
        INDArray xl = Nd4j.rand(DataType.DOUBLE, 2, 6);
        INDArray xu = Nd4j.rand(DataType.DOUBLE, 2, 6);
        MultiDataSet b = new M2Batches(m2, 10, 90, 1).batch(xl, oneHot(3, 1, 0), xu);
        INDArray x = b.getFeatures(0);
        INDArray y = b.getFeatures(1);
        INDArray lab = b.getLabels(0);
        assertEquals(8, x.size(0));
        assertEquals(xl.getRow(1), x.getRow(1));
        for (int k = 0; k < 3; k++) {
            assertEquals(xu.getRow(1), x.getRow(2 + 3 + k), "unlabelled digit 1, class " + k);
            assertEquals(oneHot(3, k).getRow(0), y.getRow(2 + 3 + k));
        }
        assertEquals(oneHot(3, 1).getRow(0), y.getRow(0));
        assertEquals(x, lab.getColumns(0, 1, 2, 3, 4, 5), "the labels begin with the digits");
        // w_L = R N_l / (N B_l), w_C = R alpha / B_l, w_U = R N_u / (N B_u), R = 8 rows
        assertArrayEquals(new double[] {8 * 10 / (100.0 * 2), 8 * 0.3 / 2, 0}, lab.getRow(0).get(
                org.nd4j.linalg.indexing.NDArrayIndex.interval(6, 9)).toDoubleVector(), 1e-12);
        assertArrayEquals(new double[] {0, 0, 8 * 90 / (100.0 * 2)}, lab.getRow(7).get(
                org.nd4j.linalg.indexing.NDArrayIndex.interval(6, 9)).toDoubleVector(), 1e-12);
        assertNotEquals(b.getFeatures(2).getRow(2), b.getFeatures(2).getRow(3), "fresh noise per row");
    }

    /**
     * The Java-array batch equals the ND4J-op batch it replaced (repeat, tile, vstack, hstack), in float and double,
     * labelled only, unlabelled only and both.
     */
    @Test
    void batchesEqualTheNd4jOpReference() {
        for (DataType t : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            SemiSupervisedVAE m2 = SemiSupervisedVAE.builder().inputSize(6).numClasses(3).latentSize(2).alpha(0.3)
                    .dataType(t).build();
            INDArray xl = Nd4j.rand(t, 2, 6);
            INDArray yl = oneHot(3, 1, 0).castTo(t);
            INDArray xu = Nd4j.rand(t, 4, 6);
            M2Batches batches = new M2Batches(m2, 10, 90, 1);
            for (int c = 0; c < 3; c++) {
                INDArray l = c == 2 ? null : xl;
                INDArray u = c == 1 ? null : xu;
                long rows = (l == null ? 0 : 2) + 3 * (u == null ? 0 : 4);
                INDArray eps = Nd4j.randn(t, rows, 2);
                MultiDataSet actual = batches.batch(l, l == null ? null : yl, u, eps);
                MultiDataSet expected = referenceBatch(l, l == null ? null : yl, u, eps, 3, 10, 90, 0.3, t);
                for (int i = 0; i < 3; i++) {
                    assertEquals(expected.getFeatures(i), actual.getFeatures(i), t + " case " + c + " input " + i);
                }
                assertEquals(expected.getLabels(0), actual.getLabels(0), t + " case " + c + " labels");
            }
        }
    }

    /** M2Batches.batch as it was written with ND4J ops (before 2026-12-07). */
    private static MultiDataSet referenceBatch(INDArray xl, INDArray yl, INDArray xu, INDArray eps, int k, long nl,
                                               long nu, double alpha, DataType t) {
        long bl = xl == null ? 0 : xl.size(0);
        long bu = xu == null ? 0 : xu.size(0);
        long rows = bl + k * bu;
        double n = nl + nu;
        java.util.List<INDArray> xs = new java.util.ArrayList<>();
        java.util.List<INDArray> ys = new java.util.ArrayList<>();
        java.util.List<INDArray> ws = new java.util.ArrayList<>();
        java.util.function.Function<double[], INDArray> w = v -> {
            INDArray a = Nd4j.create(t, (long) v[0], 3);
            a.getColumn(0).assign(v[1]);
            a.getColumn(1).assign(v[2]);
            a.getColumn(2).assign(v[3]);
            return a;
        };
        if (bl > 0) {
            xs.add(xl.castTo(t));
            ys.add(yl.castTo(t));
            ws.add(w.apply(new double[] {bl, rows * nl / (n * bl), rows * alpha / bl, 0}));
        }
        if (bu > 0) {
            xs.add(xu.castTo(t).repeat(0, k));
            ys.add(Nd4j.tile(Nd4j.eye(k).castTo(t), (int) bu, 1));
            ws.add(w.apply(new double[] {k * bu, 0, 0, rows * nu / (n * bu)}));
        }
        INDArray x = Nd4j.vstack(xs.toArray(new INDArray[0]));
        INDArray y = Nd4j.vstack(ys.toArray(new INDArray[0]));
        INDArray wt = Nd4j.vstack(ws.toArray(new INDArray[0]));
        return new org.nd4j.linalg.dataset.MultiDataSet(new INDArray[] {x, y, eps.castTo(t)},
                new INDArray[] {Nd4j.hstack(x, wt)});
    }

    @Test
    void iteratorCyclesTheLabelledDigitsAndIsReproducible() {
        SemiSupervisedVAE m2 = SemiSupervisedVAE.builder().latentSize(2).build();
        DataSet labelled = MnistIterator.builder(SampleData.TRAIN.range(100, 103)).batchSize(3).shuffle(false).build()
                .next();
        LabelledImages unlabelled = SampleData.TRAIN.range(0, 8);
        java.util.function.Supplier<M2Iterator> make = () -> new M2Iterator(MnistIterator.builder(unlabelled)
                .batchSize(2).seed(1).build(), labelled, 8, m2, 2, 5);
        M2Iterator a = make.get();
        java.util.List<INDArray> draws = new java.util.ArrayList<>();
        int batches = 0;
        while (a.hasNext()) {
            org.nd4j.linalg.dataset.api.MultiDataSet m = a.next();
            assertEquals(2 + 10 * 2, m.getFeatures(0).size(0));
            for (int r = 0; r < 2; r++) {
                draws.add(m.getFeatures(0).getRow(r));
                assertEquals(m.getFeatures(0).getRow(r), m.getLabels(0).getRow(r).get(
                        org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 784)));
            }
            batches++;
        }
        assertEquals(4, batches, "one pass over the 8 unlabelled digits in batches of 2");
        for (int cycle = 0; cycle < 2; cycle++) {
            java.util.Set<Integer> which = new java.util.HashSet<>();
            for (int i = 3 * cycle; i < 3 * cycle + 3; i++) {
                for (int j = 0; j < 3; j++) {
                    if (draws.get(i).equals(labelled.getFeatures().getRow(j))) {
                        which.add(j);
                    }
                }
            }
            assertEquals(java.util.Set.of(0, 1, 2), which, "cycle " + cycle + " draws each labelled digit once");
        }
        M2Iterator b1 = make.get();
        M2Iterator b2 = make.get();
        for (int i = 0; i < 4; i++) {
            org.nd4j.linalg.dataset.api.MultiDataSet m1 = b1.next();
            org.nd4j.linalg.dataset.api.MultiDataSet m2b = b2.next();
            for (int f = 0; f < 3; f++) {
                assertEquals(m1.getFeatures(f), m2b.getFeatures(f));
            }
        }
        rejects(() -> new M2Iterator(MnistIterator.builder(unlabelled).batchSize(2).build(), labelled, 8, m2, 4, 1),
                "labelledBatch", "got 4");
    }

    @Test
    void oneFitChangesTheParametersAndTrainingLowersTheLossAndTheError() {
        SemiSupervisedVAE m2 = SemiSupervisedVAE.builder().classifierSizes(64).hiddenSizes(64).latentSize(8).alpha(1)
                .updater(new org.nd4j.linalg.learning.config.Adam(3e-3)).seed(3).build();
        ComputationGraph g = m2.init();
        LabelledImages[] split = SampleData.TRAIN.range(0, 1000).balancedSplit(100, 1);
        DataSet labelled = MnistIterator.builder(split[0]).batchSize(100).shuffle(false).build().next();
        java.util.function.IntFunction<M2Iterator> epoch = e -> new M2Iterator(MnistIterator.builder(split[1])
                .batchSize(50).seed(e).build(), labelled, split[1].count(), m2, 20, e);
        ZooAssertions.fitChangesParameters(g, epoch.apply(0).next());
        INDArray testX = SampleData.testBatch(500, MnistIterator.Shape.FLAT);
        int[] testY = MnistIterator.builder(SampleData.TEST).batchSize(500).shuffle(false).build().next().getLabels()
                .argMax(1).toIntVector();
        double before = error(m2.classify(g, testX), testY);
        org.nd4j.linalg.dataset.api.MultiDataSet probe = epoch.apply(99).next();
        double lossBefore = g.score(probe);
        for (int e = 1; e <= 4; e++) {
            g.fit(epoch.apply(e));
        }
        double lossAfter = g.score(probe);
        double after = error(m2.classify(g, testX), testY);
        assertTrue(lossAfter < 0.8 * lossBefore, "loss " + lossBefore + " -> " + lossAfter);
        System.out.println("m2 training test: loss " + lossBefore + " -> " + lossAfter + ", test error " + before
                + " -> " + after);
        assertTrue(after < before - 0.25, "test error " + before + " -> " + after);
    }

    /**
     * The speed layer's softplus in SIMD (fast.Simd, on in this module's tests) trains M2 as DL4J's softplus does:
     * the same score and gradient of the accelerated float graph, to float rounding.
     */
    @Test
    void simdSoftplusGivesDl4jsScoreAndGradient() {
        assertTrue(org.unsupervisedzoo.zoo.fast.Simd.enabled(), "zoo/pom.xml runs these tests with the Vector API");
        SemiSupervisedVAE m2 = SemiSupervisedVAE.builder().classifierSizes(64).hiddenSizes(64).latentSize(8)
                .seed(3).build();
        LabelledImages[] split = SampleData.TRAIN.range(0, 400).balancedSplit(20, 1);
        DataSet labelled = MnistIterator.builder(split[0]).batchSize(20).shuffle(false).build().next();
        org.nd4j.linalg.dataset.api.MultiDataSet batch = new M2Iterator(MnistIterator.builder(split[1]).batchSize(40)
                .seed(5).build(), labelled, split[1].count(), m2, 10, 5).next();
        java.util.Map<Boolean, INDArray> gradients = new java.util.HashMap<>();
        java.util.Map<Boolean, Double> scores = new java.util.HashMap<>();
        for (boolean simd : new boolean[] {true, false}) {
            boolean was = org.unsupervisedzoo.zoo.fast.Simd.enable(simd);
            try {
                ComputationGraph g = Accelerate.init(m2);
                g.setInputs(batch.getFeatures());
                g.setLabels(batch.getLabels());
                g.computeGradientAndScore();
                gradients.put(simd, g.gradient().gradient().dup());
                scores.put(simd, g.score());
            } finally {
                org.unsupervisedzoo.zoo.fast.Simd.enable(was);
            }
        }
        assertEquals(scores.get(false), scores.get(true), 1e-5 * Math.abs(scores.get(false)), "score");
        INDArray diff = Transforms.abs(gradients.get(true).sub(gradients.get(false)));
        double scale = Transforms.abs(gradients.get(false)).maxNumber().doubleValue();
        assertTrue(scale > 0 && diff.maxNumber().doubleValue() < 1e-4 * scale, "max gradient difference "
                + diff.maxNumber() + " of max |gradient| " + scale);
    }

    private static double error(INDArray q, int[] labels) {
        int[] pred = q.argMax(1).toIntVector();
        int wrong = 0;
        for (int i = 0; i < labels.length; i++) {
            wrong += pred[i] != labels[i] ? 1 : 0;
        }
        return wrong / (double) labels.length;
    }

    @Test
    void sameSeedSameWeightsAndHyperParametersReachTheLayers() {
        SemiSupervisedVAE m2 = SemiSupervisedVAE.builder().classifierSizes(7, 6).hiddenSizes(9, 8).latentSize(3)
                .numClasses(4).inputSize(12).activation(Activation.ELU).seed(9).build();
        assertEquals(m2.init().params(), m2.init().params());
        assertNotEquals(m2.init().params(), SemiSupervisedVAE.builder().classifierSizes(7, 6).hiddenSizes(9, 8)
                .latentSize(3).numClasses(4).inputSize(12).activation(Activation.ELU).seed(10).build().init().params());
        var conf = m2.conf();
        M2ObjectiveLayer obj = ZooAssertions.layer(conf, SemiSupervisedVAE.OBJECTIVE, M2ObjectiveLayer.class);
        assertEquals(12, obj.getDataSize());
        assertEquals(3, obj.getLatentSize());
        assertEquals(4, obj.getNumClasses());
        var c2 = ZooAssertions.layer(conf, "classifier-2", org.deeplearning4j.nn.conf.layers.DenseLayer.class);
        assertEquals(6, c2.getNOut());
        assertEquals(Activation.ELU.getActivationFunction(), c2.getActivationFn());
        assertEquals(8, ZooAssertions.layer(conf, "encoder-2", org.deeplearning4j.nn.conf.layers.DenseLayer.class)
                .getNOut());
        assertEquals(9, ZooAssertions.layer(conf, "decoder-2", org.deeplearning4j.nn.conf.layers.DenseLayer.class)
                .getNOut(), "the decoder mirrors the encoder");
        assertEquals(12, ZooAssertions.layer(conf, SemiSupervisedVAE.DECODER_LOGITS,
                org.deeplearning4j.nn.conf.layers.DenseLayer.class).getNOut());
        assertEquals(3e-4, ZooAssertions.layer(SemiSupervisedVAE.builder().build().conf(), "classifier-1",
                org.deeplearning4j.nn.conf.layers.DenseLayer.class).getIUpdater().getLearningRate(0, 0), 1e-12,
                "the authors' Adam rate");
    }

    @Test
    void jsonAndSerializerRoundTripsGiveEqualOutputs() throws Exception {
        SemiSupervisedVAE m2 = SemiSupervisedVAE.builder().inputSize(8).numClasses(3).latentSize(2).classifierSizes(5)
                .hiddenSizes(4).build();
        ComputationGraph g = m2.init();
        INDArray[] in = {Nd4j.rand(DataType.FLOAT, 4, 8), Nd4j.zeros(DataType.FLOAT, 4, 3),
            Nd4j.zeros(DataType.FLOAT, 4, 2)};
        g.fit(new M2Batches(m2, 4, 4, 1).batch(in[0], oneHot(3, 0, 1, 2, 0).castTo(DataType.FLOAT), in[0]));
        ZooAssertions.jsonRoundTrip(g, in);
        ComputationGraph back = ZooAssertions.serializerRoundTrip(g, tmp, in);
        assertEquals(m2.classify(g, in[0]), m2.classify(back, in[0]));
    }

    @Test
    void invalidConfigurationsNameFieldAndValue() {
        rejects(() -> SemiSupervisedVAE.builder().latentSize(0).build(), "latentSize", "0");
        rejects(() -> SemiSupervisedVAE.builder().numClasses(1).build(), "numClasses", "1");
        rejects(() -> SemiSupervisedVAE.builder().alpha(-0.1).build(), "alpha", "-0.1");
        rejects(() -> SemiSupervisedVAE.builder().alpha(Double.NaN).build(), "alpha", "NaN");
        rejects(() -> SemiSupervisedVAE.builder().hiddenSizes(50, 0).build(), "hiddenSizes", "0");
        rejects(() -> SemiSupervisedVAE.builder().classifierSizes().build(), "classifierSizes");
        rejects(() -> SemiSupervisedVAE.builder().inputSize(-3).build(), "inputSize", "-3");
        rejects(() -> SemiSupervisedVAE.builder().activation(null).build(), "activation");
        rejects(() -> new M2Batches(tiny(), 0, 0, 1), "labelledCount", "0");
    }
}
