package org.unsupervisedzoo.zoo.m2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.unsupervisedzoo.zoo.DoublePrecision;
import org.unsupervisedzoo.zoo.ZooAssertions;

/**
 * The M2 objective layer alone: its value against the formula written per row, its ND4J runtime against its SameDiff
 * definition (scores, activations, gradients), DOUBLE gradient checks of both, and JSON and serializer round trips.
 */
@ExtendWith(DoublePrecision.class)
@DoublePrecision.Seed(5)
class M2ObjectiveLayerTest {
    private static final int D = 4;
    private static final int L = 2;
    private static final int K = 3;

    @TempDir
    Path tmp;

    /** The layer on the graph input {@code in} [rows, D + 2L + 2K] directly. */
    static ComputationGraph alone(boolean sameDiff) {
        M2ObjectiveLayer layer = new M2ObjectiveLayer(D, L, K);
        layer.setSameDiffRuntime(sameDiff);
        ComputationGraph g = new ComputationGraph(new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE)
                .updater(new NoOp()).graphBuilder().addInputs("in").setInputTypes(InputType.feedForward(D + 2 * L + 2 * K))
                .addLayer("objective", layer, "in").setOutputs("objective").build());
        g.init();
        return g;
    }

    /** in(5) -> dense (tanh, the layer's whole input, y included) -> the layer: a gradient check sees all of dIn. */
    static ComputationGraph behindDense(boolean sameDiff) {
        M2ObjectiveLayer layer = new M2ObjectiveLayer(D, L, K);
        layer.setSameDiffRuntime(sameDiff);
        ComputationGraph g = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(3).dataType(DataType.DOUBLE)
                .updater(new NoOp()).graphBuilder().addInputs("in").setInputTypes(InputType.feedForward(5))
                .addLayer("dense", new DenseLayer.Builder().nOut(D + 2 * L + 2 * K).activation(Activation.TANH).build(),
                        "in")
                .addLayer("objective", layer, "dense").setOutputs("objective").build());
        g.init();
        return g;
    }

    /** Three rows: a labelled one, and two of an unlabelled digit (classes 0 and 2), each with other weights. */
    static INDArray[] rows() {
        INDArray d = Nd4j.randn(DataType.DOUBLE, 3, D).muli(2);
        INDArray mu = Nd4j.randn(DataType.DOUBLE, 3, L);
        INDArray logvar = Nd4j.randn(DataType.DOUBLE, 3, L).muli(0.5);
        INDArray a = Nd4j.randn(DataType.DOUBLE, 3, K);
        INDArray y = Nd4j.createFromArray(new double[][] {{0, 1, 0}, {1, 0, 0}, {0, 0, 1}});
        INDArray x = Nd4j.rand(DataType.DOUBLE, 3, D);
        INDArray w = Nd4j.createFromArray(new double[][] {{0.7, 2.5, 0}, {0, 0, 1.3}, {0, 0, 1.3}});
        return new INDArray[] {Nd4j.hstack(d, mu, logvar, a, y), Nd4j.hstack(x, w)};
    }

    /** The objective of one row, written out with doubles. */
    static double row(INDArray in, INDArray lab, int r) {
        double e = Math.log(K);
        for (int j = 0; j < D; j++) {
            double d = in.getDouble(r, j);
            double x = lab.getDouble(r, j);
            double p = 1 / (1 + Math.exp(-d));
            e -= x * Math.log(p) + (1 - x) * Math.log(1 - p);
        }
        for (int j = 0; j < L; j++) {
            double mu = in.getDouble(r, D + j);
            double lv = in.getDouble(r, D + L + j);
            e += 0.5 * (mu * mu + Math.exp(lv) - 1 - lv);
        }
        double norm = 0;
        for (int k = 0; k < K; k++) {
            norm += Math.exp(in.getDouble(r, D + 2 * L + k));
        }
        double logqy = 0;
        for (int k = 0; k < K; k++) {
            logqy += in.getDouble(r, D + 2 * L + K + k) * (in.getDouble(r, D + 2 * L + k) - Math.log(norm));
        }
        double qy = Math.exp(logqy);
        double wl = lab.getDouble(r, D);
        double wc = lab.getDouble(r, D + 1);
        double wu = lab.getDouble(r, D + 2);
        return wl * e - wc * logqy + wu * qy * (e + logqy);
    }

    @Test
    void scoreIsTheMeanOfTheRowsFormulaAndActivationsAreTheSoftmax() {
        INDArray[] r = rows();
        double expected = (row(r[0], r[1], 0) + row(r[0], r[1], 1) + row(r[0], r[1], 2)) / 3;
        for (boolean sameDiff : new boolean[] {false, true}) {
            ComputationGraph g = alone(sameDiff);
            assertEquals(sameDiff ? "SameDiffOutputLayer" : "M2ObjectiveImpl",
                    g.getLayer("objective").getClass().getSimpleName());
            assertEquals(expected, g.score(new MultiDataSet(r[0], r[1])), 1e-10, "sameDiff " + sameDiff);
            INDArray q = g.outputSingle(r[0]);
            INDArray a = r[0].getColumns(D + 2 * L, D + 2 * L + 1, D + 2 * L + 2);
            INDArray softmax = org.nd4j.linalg.ops.transforms.Transforms.exp(a, true);
            softmax.diviColumnVector(softmax.sum(true, 1));
            assertTrue(softmax.equalsWithEps(q, 1e-12), "sameDiff " + sameDiff + ": " + q);
        }
        // a large decoder logit: the ND4J runtime's softplus does not overflow
        r[0].putScalar(0, 0, 800.0);
        double big = alone(false).score(new MultiDataSet(r[0], r[1]));
        assertEquals(big, (0.7 * 800 * (1 - r[1].getDouble(0, 0)) + row(r[0].dup().putScalar(0, 0, 0), r[1], 0)
                - 0.7 * Math.log(2) * 1 + 0.7 * 0 + row(r[0], r[1], 1) + row(r[0], r[1], 2)) / 3, 1e-6);
    }

    @Test
    void fastRuntimeHasTheSameGradientsAsTheSameDiffDefinition() {
        INDArray x = Nd4j.rand(DataType.DOUBLE, 3, 5);
        INDArray lab = rows()[1];
        ComputationGraph fast = behindDense(false);
        ComputationGraph reference = behindDense(true);
        reference.setParams(fast.params().dup());
        MultiDataSet m = new MultiDataSet(x, lab);
        fast.setInputs(x);
        fast.setLabels(lab);
        reference.setInputs(x);
        reference.setLabels(lab);
        fast.computeGradientAndScore();
        reference.computeGradientAndScore();
        assertEquals(reference.score(), fast.score(), 1e-10);
        Gradient gf = fast.gradient();
        Gradient gr = reference.gradient();
        for (String k : gr.gradientForVariable().keySet()) {
            assertTrue(gr.getGradientFor(k).equalsWithEps(gf.getGradientFor(k), 1e-9), k);
        }
        assertEquals(reference.score(m), fast.score(m), 1e-10);
    }

    @Test
    void gradientChecksPassForBothRuntimes() {
        INDArray x = Nd4j.rand(DataType.DOUBLE, 3, 5);
        INDArray lab = rows()[1];
        for (boolean sameDiff : new boolean[] {false, true}) {
            assertTrue(GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(behindDense(sameDiff))
                    .inputs(new INDArray[] {x}).labels(new INDArray[] {lab}).epsilon(1e-6).maxRelError(1e-5)
                    .minAbsoluteError(1e-9)), "sameDiff " + sameDiff);
        }
    }

    @Test
    void jsonAndSerializerRoundTripsKeepEveryField() throws Exception {
        for (boolean sameDiff : new boolean[] {false, true}) {
            ComputationGraph g = behindDense(sameDiff);
            INDArray x = Nd4j.rand(DataType.DOUBLE, 3, 5);
            ComputationGraph back = ZooAssertions.jsonRoundTrip(g, x);
            M2ObjectiveLayer layer = ZooAssertions.layer(back.getConfiguration(), "objective", M2ObjectiveLayer.class);
            assertEquals(D, layer.getDataSize());
            assertEquals(L, layer.getLatentSize());
            assertEquals(K, layer.getNumClasses());
            assertEquals(sameDiff, layer.isSameDiffRuntime());
            ZooAssertions.serializerRoundTrip(g, tmp, x);
        }
    }
}
