package org.unsupervisedzoo.zoo.rbm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.schedule.ScheduleType;
import org.nd4j.linalg.schedule.StepSchedule;
import org.unsupervisedzoo.datasets.MnistIterator;
import org.unsupervisedzoo.zoo.SampleData;

/** The fused PCD/CD trainer against graph.fit on the RBM layer (the reference), its draws and its checks. */
class RbmTrainerTest {
    private static RBM.Builder small() {
        return RBM.builder().nVisible(20).nHidden(8).initStd(0.3).updater(new Sgd(0.5)).seed(5);
    }

    private static INDArray binary(long seed, int rows, int cols) {
        return Nd4j.rand(Nd4j.getRandomFactory().getNewRandomInstance(seed), rows, cols).castTo(DataType.FLOAT).gt(0.5)
                .castTo(DataType.FLOAT);
    }

    @Test
    void updateIsGraphFitsSgdStepOnTheSameParticles() {
        // a rate schedule too: the trainer reads the rate for the graph's iteration, as DL4J's Sgd does
        for (Sgd sgd : new Sgd[] {new Sgd(0.5), new Sgd(new StepSchedule(ScheduleType.ITERATION, 0.5, 0.3, 2))}) {
            RBM rbm = small().updater(sgd).build();
            ComputationGraph fused = rbm.init();
            ComputationGraph reference = rbm.init();
            assertEquals(reference.params(), fused.params());
            List<Double> scores = new ArrayList<>();
            fused.addListeners(new BaseTrainingListener() {
                @Override
                public void iterationDone(Model model, int iteration, int epoch) {
                    scores.add(model.score());
                }
            });
            RbmTrainer trainer = new RbmTrainer(rbm, fused, 1);
            for (int step = 0; step < 4; step++) {
                INDArray v = Nd4j.rand(Nd4j.getRandomFactory().getNewRandomInstance(10 + step), 6,
                        20).castTo(DataType.FLOAT); // grey levels
                INDArray m = binary(20 + step, 6, 20);
                trainer.update(v, m);
                reference.fit(new MultiDataSet(new INDArray[] {v, m}, new INDArray[] {null}));
                assertTrue(reference.params().equalsWithEps(fused.params(), 2e-5),
                        "step " + step + ": " + reference.params() + " vs " + fused.params());
                assertEquals(reference.score(), scores.get(step), 1e-4, "score, step " + step);
                assertEquals(reference.getConfiguration().getIterationCount(),
                        fused.getConfiguration().getIterationCount());
            }
        }
    }

    /**
     * Momentum (Nesterovs with a momentum schedule), a linearly decaying rate (PolySchedule), L2 and weight decay:
     * the fused step equals graph.fit's on the same particles, scores included, and keeps the velocity in the graph's
     * updater state, so a graph.fit step in between continues from it.
     */
    @Test
    void momentumScheduleL2AndWeightDecayAreGraphFitsStep() {
        org.nd4j.linalg.schedule.ISchedule rate = new org.nd4j.linalg.schedule.PolySchedule(ScheduleType.ITERATION,
                0.5, 1.0, 8);
        org.nd4j.linalg.schedule.ISchedule momentum = new org.nd4j.linalg.schedule.MapSchedule(ScheduleType.ITERATION,
                java.util.Map.of(0, 0.5, 3, 0.9));
        RBM[] rbms = {
            small().updater(new Nesterovs(rate, momentum)).l2(1e-2).build(),
            small().updater(new Nesterovs(0.3, 0.9)).weightDecay(1e-2).build(),
            small().updater(new Sgd(rate)).l2(2e-2).build(),
            small().updater(new Sgd(0.3)).weightDecay(5e-2).build(),
        };
        for (RBM rbm : rbms) {
            assertNull(RbmTrainer.unsupported(rbm, rbm.init()));
            ComputationGraph fused = rbm.init();
            ComputationGraph reference = rbm.init();
            List<Double> scores = new ArrayList<>();
            fused.addListeners(new BaseTrainingListener() {
                @Override
                public void iterationDone(Model model, int iteration, int epoch) {
                    scores.add(model.score());
                }
            });
            RbmTrainer trainer = new RbmTrainer(rbm, fused, 1);
            for (int step = 0; step < 6; step++) {
                INDArray v = binary(10 + step, 6, 20);
                INDArray m = binary(20 + step, 6, 20);
                MultiDataSet batch = new MultiDataSet(new INDArray[] {v, m}, new INDArray[] {null});
                if (step == 4) { // graph.fit on the fused graph continues from the velocity the fused step kept
                    fused.fit(batch);
                } else {
                    trainer.update(v, m);
                }
                reference.fit(batch);
                String what = "rbm " + java.util.Arrays.asList(rbms).indexOf(rbm) + " step " + step;
                assertTrue(reference.params().equalsWithEps(fused.params(), 2e-5),
                        what + ": " + reference.params() + " vs " + fused.params());
                if (step != 4) {
                    assertEquals(reference.score(), scores.get(scores.size() - 1), 1e-4, "score, " + what);
                }
                assertEquals(reference.getConfiguration().getIterationCount(),
                        fused.getConfiguration().getIterationCount());
            }
        }
    }

    @Test
    void drawsAreBernoulliOfTheSigmoidColumnMajorInRowMajorOrColumnMajorOut() {
        int rows = 3;
        int cols = 4;
        float[] z = new float[rows * cols];
        float[] u = new float[rows * cols];
        float[] bias = {0.5f, -1f, 0f, 2f};
        java.util.Random r = new java.util.Random(3);
        for (int i = 0; i < z.length; i++) {
            z[i] = (float) r.nextGaussian() * 2;
            u[i] = r.nextFloat();
        }
        float[] colOut = new float[z.length];
        float[] rowOut = new float[z.length];
        RbmTrainer.drawColumns(z, rows, cols, bias, u, colOut, false);
        RbmTrainer.drawColumns(z, rows, cols, bias, u, rowOut, true);
        for (int j = 0; j < cols; j++) {
            for (int i = 0; i < rows; i++) {
                double p = 1 / (1 + Math.exp(-(z[j * rows + i] + bias[j])));
                float expected = u[j * rows + i] < p ? 1f : 0f;
                assertEquals(expected, colOut[j * rows + i], "column-major (" + i + ", " + j + ")");
                assertEquals(expected, rowOut[i * cols + j], "row-major (" + i + ", " + j + ")");
            }
        }
    }

    @Test
    void persistentChainIsBinaryFreshEachStepReproducibleAndGrowsWithTheBatch() {
        RBM rbm = small().build();
        INDArray[] chains = new INDArray[2];
        for (int run = 0; run < 2; run++) {
            ComputationGraph g = rbm.init();
            RbmTrainer t = new RbmTrainer(rbm, g, 9);
            assertNull(t.chain());
            t.fit(binary(1, 5, 20));
            INDArray first = t.chain().dup();
            t.fit(binary(2, 5, 20));
            assertTrue(!first.equals(t.chain()), "the chain moves");
            t.fit(binary(3, 7, 20));
            assertEquals(7, t.chain().size(0), "one particle per example of the largest batch");
            chains[run] = t.chain().dup();
        }
        assertEquals(chains[0], chains[1], "the same seed, the same draws");
        INDArray c = chains[0];
        assertEquals(c.length(), c.eq(0).castTo(DataType.INT).sumNumber().intValue()
                + c.eq(1).castTo(DataType.INT).sumNumber().intValue(), "binary particles");
        RbmTrainer cd = new RbmTrainer(small().persistent(false).build(), small().persistent(false).build().init(), 9);
        cd.fit(binary(1, 5, 20));
        assertNull(cd.chain(), "CD keeps no chain");
    }

    /** chain W as the next Gibbs step computes it, against the product with the current weights. */
    private static void assertChainProduct(RbmTrainer t, ComputationGraph g, boolean expectCarried, String what) {
        assertEquals(expectCarried, t.chainProduct(), what + ": carried");
        INDArray direct = t.chain().mmul(g.getParam("rbm_W"));
        INDArray used = t.hiddenInputs();
        double scale = direct.amaxNumber().doubleValue();
        assertTrue(direct.equalsWithEps(used, 2e-6 * scale), what + ": max difference "
                + direct.sub(used).amaxNumber() + " of " + scale);
    }

    /**
     * After a PCD step whose model rows were the chain, the next Gibbs step's {@code chain W} is carried from the
     * update (old product plus the low-rank term) and equals the product with the new weights; it is not carried
     * after a change of the weights outside the trainer, a graph.fit in between, a batch of another size or CD.
     */
    @Test
    void carriedChainProductEqualsTheProductWithTheUpdatedWeights() {
        RBM rbm = RBM.builder().nVisible(20).nHidden(12).updater(new Sgd(0.5)).seed(5).build();
        ComputationGraph g = rbm.init();
        RbmTrainer t = new RbmTrainer(rbm, g, 3);
        t.fit(binary(1, 6, 20));
        assertChainProduct(t, g, true, "after a step");
        assertChainProduct(t, g, false, "used up");
        for (int step = 0; step < 5; step++) {
            t.fit(binary(10 + step, 6, 20));
        }
        assertChainProduct(t, g, true, "after six steps");
        t.fit(binary(20, 6, 20));
        g.getParam("rbm_W").muli(0.5); // changed outside the trainer
        assertChainProduct(t, g, false, "weights changed");
        t.fit(binary(21, 6, 20));
        INDArray before = g.getParam("rbm_W").dup();
        g.getParam("rbm_W").putScalar(0, 0, before.getFloat(0, 0) + 1f); // written
        g.getParam("rbm_W").putScalar(0, 0, before.getFloat(0, 0)); // and back: nothing changed
        assertChainProduct(t, g, true, "weights written back unchanged");
        t.fit(binary(22, 6, 20));
        g.getConfiguration().setIterationCount(g.getConfiguration().getIterationCount() + 1); // as graph.fit would
        assertChainProduct(t, g, false, "iteration count moved");
        t.fit(binary(23, 4, 20));
        assertChainProduct(t, g, false, "model rows were part of the chain only");
        RBM cdRbm = RBM.builder().nVisible(20).nHidden(12).persistent(false).seed(5).build();
        ComputationGraph cdGraph = cdRbm.init();
        RbmTrainer cd = new RbmTrainer(cdRbm, cdGraph, 3);
        cd.fit(binary(1, 6, 20));
        assertTrue(!cd.chainProduct(), "CD starts from the data: nothing carried");
    }

    @Test
    void trainsAsWellAsTheReferenceOnTheSample() {
        // one epoch of PCD-1 at scikit-learn's batch of 10 on 500 digits: the fused trainer and graph.fit on
        // RbmIterator draw differently but must reach about the same model
        RBM rbm = RBM.builder().nVisible(784).nHidden(32).updater(new Sgd(0.1)).seed(2).build();
        INDArray test = SampleData.testBatch(200, MnistIterator.Shape.FLAT);
        ComputationGraph ref = rbm.init();
        double before = rbm.params(ref).reconstructionError(test);
        RbmIterator it = new RbmIterator(SampleData.train(10, MnistIterator.Shape.FLAT, 500), rbm, ref, 1);
        ref.fit(it);
        ComputationGraph fused = rbm.init();
        RbmTrainer trainer = new RbmTrainer(rbm, fused, 1);
        trainer.fit(SampleData.train(10, MnistIterator.Shape.FLAT, 500));
        double errRef = rbm.params(ref).reconstructionError(test);
        double errFused = rbm.params(fused).reconstructionError(test);
        assertTrue(errFused < before / 2, "reconstruction error " + before + " -> " + errFused);
        assertEquals(errRef, errFused, 0.1 * errRef, "fused " + errFused + " vs reference " + errRef);
        assertEquals(50, fused.getConfiguration().getIterationCount());
        assertEquals(1, fused.getConfiguration().getEpochCount());
    }

    @Test
    void stackTrainsItsLayersWithTheFusedStepOnTheFeaturesBelow() {
        RbmStack stack = new RbmStack(new int[] {784, 24, 8},
                () -> RBM.builder().initStd(0.05).updater(new Sgd(0.1)).seed(4));
        INDArray w1 = stack.graph(1).getParam("rbm_W").dup();
        stack.train(SampleData.train(10, MnistIterator.Shape.FLAT, 200), 1, 7);
        assertTrue(!w1.equals(stack.graph(1).getParam("rbm_W")), "the second RBM trained");
        for (int layer = 0; layer < 2; layer++) {
            assertEquals(20, stack.graph(layer).getConfiguration().getIterationCount(), "20 steps, layer " + layer);
            assertEquals(1, stack.graph(layer).getConfiguration().getEpochCount());
        }
        assertEquals(8, stack.encoderGraph().outputSingle(SampleData.testBatch(3, MnistIterator.Shape.FLAT)).size(1));
    }

    @Test
    void saysWhyItCannotTrainAGraph() {
        RBM plain = small().build();
        assertNull(RbmTrainer.unsupported(plain, plain.init()));
        RBM momentum = small().updater(new Nesterovs(0.1, 0.9)).build();
        assertNull(RbmTrainer.unsupported(momentum, momentum.init()));
        RBM adam = small().updater(new org.nd4j.linalg.learning.config.Adam(1e-3)).build();
        assertTrue(RbmTrainer.unsupported(adam, adam.init()).contains("Sgd or Nesterovs"));
        RBM l1 = small().l1(1e-3).build();
        assertTrue(RbmTrainer.unsupported(l1, l1.init()).contains("L2Regularization and WeightDecay only"));
        RBM gaussian = small().visibleUnits(VisibleUnits.GAUSSIAN).build();
        assertTrue(RbmTrainer.unsupported(gaussian, gaussian.init()).contains("GAUSSIAN"));
        RBM dbl = small().dataType(DataType.DOUBLE).build();
        assertTrue(RbmTrainer.unsupported(dbl, dbl.init()).contains("DOUBLE"));
        RBM l2 = small().l2(1e-3).build();
        assertNull(RbmTrainer.unsupported(l2, l2.init()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new RbmTrainer(adam, adam.init(), 1));
        assertTrue(e.getMessage().contains("RbmIterator"), e.getMessage());

        // DL4J settings the fused step does not apply are refused, by name (a SameDiff layer has no weight noise)
        org.deeplearning4j.nn.conf.ComputationGraphConfiguration withDropout = plain.conf().clone();
        rbmLayer(withDropout).setIDropout(new org.deeplearning4j.nn.conf.dropout.Dropout(0.8));
        ComputationGraph dropout = new ComputationGraph(withDropout);
        dropout.init();
        e = assertThrows(IllegalArgumentException.class, () -> new RbmTrainer(plain, dropout, 1));
        assertTrue(e.getMessage().contains("dropout") && e.getMessage().contains("0.8"), e.getMessage());
        org.deeplearning4j.nn.conf.ComputationGraphConfiguration withMaxNorm = plain.conf().clone();
        rbmLayer(withMaxNorm).setConstraints(java.util.List.of(
                new org.deeplearning4j.nn.conf.constraint.MaxNormConstraint(1.0, 0)));
        ComputationGraph maxNorm = new ComputationGraph(withMaxNorm);
        maxNorm.init();
        e = assertThrows(IllegalArgumentException.class, () -> new RbmTrainer(plain, maxNorm, 1));
        assertTrue(e.getMessage().contains("weight constraints") && e.getMessage().contains("MaxNorm"),
                e.getMessage());
    }

    private static RbmLayer rbmLayer(org.deeplearning4j.nn.conf.ComputationGraphConfiguration conf) {
        return (RbmLayer) ((org.deeplearning4j.nn.conf.graph.LayerVertex) conf.getVertices().get(RBM.RBM_LAYER))
                .getLayerConf().getLayer();
    }

    @Test
    void rejectsWrongShapesAndValuesOutsideTheUnitInterval() {
        RBM rbm = small().build();
        ComputationGraph g = rbm.init();
        RbmTrainer t = new RbmTrainer(rbm, g, 1);
        INDArray params = g.params().dup();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> t.fit(Nd4j.zeros(DataType.FLOAT, 4, 21)));
        assertTrue(e.getMessage().contains("[4, 21]") && e.getMessage().contains("20"), e.getMessage());
        INDArray tooLarge = binary(1, 4, 20);
        tooLarge.putScalar(2, 3, 1.5);
        e = assertThrows(IllegalArgumentException.class, () -> t.fit(tooLarge));
        assertTrue(e.getMessage().contains("1.5") && e.getMessage().contains("[0,1]"), e.getMessage());
        INDArray nan = binary(1, 4, 20);
        nan.putScalar(0, 0, Float.NaN);
        assertThrows(IllegalArgumentException.class, () -> t.fit(nan));
        assertEquals(params, g.params(), "rejected batches change nothing");
        assertNull(t.chain(), "nor the chain: the data is checked first");
    }
}
