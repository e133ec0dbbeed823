package org.unsupervisedzoo.zoo.fast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Path;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.AdamUpdater;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.schedule.ExponentialSchedule;
import org.nd4j.linalg.schedule.ScheduleType;

/** FastAdam: DL4J's Adam update step by step, the same state layout, JSON and serializer round trips. */
class FastAdamTest {
    @TempDir
    Path tmp;

    /** NaN, infinite or negative rates (and betas outside [0, 1), epsilon <= 0) fail at construction. */
    @Test
    void badSettingsAreRejected() {
        for (double lr : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.1}) {
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> new FastAdam(lr), "FastAdam(" + lr + ")");
            assertTrue(e.getMessage().contains("learningRate") && e.getMessage().contains(String.valueOf(lr)),
                    e.getMessage());
        }
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new FastAdam(1e-3, Double.NaN, 0.999, 1e-8));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new FastAdam(1e-3, 0.9, 1.0, 1e-8));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new FastAdam(1e-3, 0.9, 0.999, 0));
        assertEquals(0.5, new FastAdam(0.5).getLearningRate(), 0);
    }

    @Test
    void updatesEqualDl4jAdamStepByStep() {
        for (DataType t : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            int n = 2 * FastAdam.Updater.CHUNK + 123; // three chunks of the Java pass, the last one short
            INDArray viewA = Nd4j.create(t, 1, 2 * n);
            INDArray viewB = Nd4j.create(t, 1, 2 * n);
            GradientUpdater<?> dl4j = new Adam(0.01, 0.8, 0.99, 1e-6).instantiate(viewA, true);
            GradientUpdater<?> fast = new FastAdam(0.01, 0.8, 0.99, 1e-6).instantiate(viewB, true);
            assertTrue(fast instanceof FastAdam.Updater);
            for (int it = 0; it < 6; it++) {
                INDArray g = Nd4j.randn(t, 1, n).muli(it % 2 == 0 ? 1 : 1e-3);
                INDArray ga = g.dup();
                INDArray gb = g.dup();
                dl4j.applyUpdater(ga, it, 0);
                fast.applyUpdater(gb, it, 0);
                double tol = t == DataType.FLOAT ? 1e-6 : 1e-12;
                assertTrue(ga.equalsWithEps(gb, tol * 100), t + " update, step " + it);
                assertTrue(viewA.equalsWithEps(viewB, tol), t + " state m|v, step " + it);
            }
            assertEquals(t == DataType.FLOAT ? 6 : 0, ((FastAdam.Updater) fast).javaPassSteps(),
                    t + ": the Java pass takes float, ND4J's passes double");
        }
    }

    /**
     * At a step size of 0 (a rate of 0, or a schedule that reaches 0) DL4J's Adam op does not stand still: its
     * native op replaces a step size of 0 (or NaN) with epsilon. FastAdam does the same, so the two stay equal.
     */
    @Test
    void aStepSizeOfZeroIsDl4jsStep() {
        for (DataType t : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            int n = FastAdam.Updater.CHUNK + 7;
            INDArray viewA = Nd4j.create(t, 1, 2 * n);
            INDArray viewB = Nd4j.create(t, 1, 2 * n);
            org.nd4j.linalg.schedule.ISchedule toZero = new org.nd4j.linalg.schedule.MapSchedule(
                    org.nd4j.linalg.schedule.ScheduleType.ITERATION, java.util.Map.of(0, 0.01, 2, 0.0));
            GradientUpdater<?> dl4j = new Adam(toZero).instantiate(viewA, true);
            GradientUpdater<?> fast = new FastAdam(0, toZero, 0.9, 0.999, 1e-8).instantiate(viewB, true);
            for (int it = 0; it < 5; it++) {
                INDArray g = Nd4j.randn(t, 1, n);
                INDArray ga = g.dup();
                INDArray gb = g.dup();
                dl4j.applyUpdater(ga, it, 0);
                fast.applyUpdater(gb, it, 0);
                double tol = t == DataType.FLOAT ? 1e-6 : 1e-12;
                assertTrue(ga.equalsWithEps(gb, tol * 100), t + " update, step " + it + ": " + ga.getDouble(0)
                        + " vs " + gb.getDouble(0));
                assertTrue(viewA.equalsWithEps(viewB, tol), t + " state m|v, step " + it);
                if (it >= 2) {
                    assertTrue(ga.amaxNumber().doubleValue() > 0, "DL4J's step at rate 0 is not 0");
                }
            }
        }
        // a fixed rate of 0 too
        INDArray viewA = Nd4j.create(DataType.FLOAT, 1, 20);
        INDArray viewB = Nd4j.create(DataType.FLOAT, 1, 20);
        GradientUpdater<?> dl4j = new Adam(0.0).instantiate(viewA, true);
        GradientUpdater<?> fast = new FastAdam(0.0).instantiate(viewB, true);
        INDArray g = Nd4j.randn(DataType.FLOAT, 1, 10);
        INDArray ga = g.dup();
        INDArray gb = g.dup();
        dl4j.applyUpdater(ga, 0, 0);
        fast.applyUpdater(gb, 0, 0);
        assertTrue(ga.equalsWithEps(gb, 1e-10), ga + " vs " + gb);
    }

    @Test
    void layoutsThePathCannotTakeGoThroughDl4jsOp() {
        INDArray g = Nd4j.rand(DataType.FLOAT, 4, 3).dup('f');
        INDArray m = Nd4j.zeros(DataType.FLOAT, 4, 3); // (DL4J's state is [n]; 2-d arrays only test the check)
        assertFalse(FastAdam.Updater.inPlaceCapable(g, m, m.dup()), "'f' gradient, 'c' state");
        assertTrue(FastAdam.Updater.inPlaceCapable(g.dup('c'), m, m.dup()));
        assertFalse(FastAdam.Updater.inPlaceCapable(g.castTo(DataType.HALF), m.castTo(DataType.HALF),
                m.castTo(DataType.HALF)), "half precision");
    }

    private static ComputationGraph net(IUpdater updater) {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(4).updater(updater)
                .graphBuilder().addInputs("in").setInputTypes(InputType.feedForward(5))
                .addLayer("h", new DenseLayer.Builder().nOut(7).activation(Activation.TANH).build(), "in")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(3)
                        .activation(Activation.IDENTITY).build(), "h")
                .setOutputs("out").build();
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        return g;
    }

    @Test
    void networksTrainAlikeAndSurviveJsonAndSerializer() throws Exception {
        ComputationGraph a = net(new Adam(0.01));
        ComputationGraph b = net(new FastAdam(0.01));
        INDArray x = Nd4j.rand(DataType.FLOAT, 16, 5);
        INDArray y = Nd4j.rand(DataType.FLOAT, 16, 3);
        for (int i = 0; i < 10; i++) {
            a.fit(new INDArray[] {x}, new INDArray[] {y});
            b.fit(new INDArray[] {x}, new INDArray[] {y});
        }
        assertTrue(a.params().equalsWithEps(b.params(), 1e-5), "same parameters after 10 steps");
        for (org.deeplearning4j.nn.updater.UpdaterBlock block : b.getUpdater().getUpdaterBlocks()) {
            assertEquals(10, ((FastAdam.Updater) block.getGradientUpdater()).inPlaceSteps(), "in-place path taken");
            assertEquals(10, ((FastAdam.Updater) block.getGradientUpdater()).javaPassSteps(),
                    "the Java pass reads the network's gradient and state views");
        }
        assertTrue(a.getUpdater().getStateViewArray().equalsWithEps(b.getUpdater().getStateViewArray(), 1e-5),
                "same Adam moments");

        FastAdam withSchedule = new FastAdam(0.02, new ExponentialSchedule(ScheduleType.ITERATION, 0.02, 0.9), 0.5,
                0.99, 1e-7);
        ComputationGraphConfiguration back = ComputationGraphConfiguration.fromJson(net(withSchedule)
                .getConfiguration().toJson());
        IUpdater u = ((org.deeplearning4j.nn.conf.layers.BaseLayer) ((org.deeplearning4j.nn.conf.graph.LayerVertex)
                back.getVertices().get("h")).getLayerConf().getLayer()).getIUpdater();
        assertEquals(withSchedule, u);
        assertEquals(FastAdam.class, u.getClass());

        File f = tmp.resolve("net.zip").toFile();
        ModelSerializer.writeModel(b, f, true);
        ComputationGraph restored = ModelSerializer.restoreComputationGraph(f, true);
        assertTrue(restored.getUpdater().getStateViewArray().equals(b.getUpdater().getStateViewArray()));
        restored.fit(new INDArray[] {x}, new INDArray[] {y});
        b.fit(new INDArray[] {x}, new INDArray[] {y});
        assertTrue(b.params().equalsWithEps(restored.params(), 1e-7), "the restored run continues exactly");
        // a model saved with DL4J's Adam state loads into the same layout
        assertTrue(new AdamUpdater(new Adam()).getClass().isAssignableFrom(FastAdam.Updater.class));
    }
}
