package org.unsupervisedzoo.zoo.vae;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
import org.nd4j.linalg.ops.transforms.Transforms;
import org.unsupervisedzoo.zoo.DoublePrecision;
import org.unsupervisedzoo.zoo.ZooAssertions;

/**
 * The IWAE objective layer alone: its value against the bound written out with doubles and a Java log-sum-exp, its
 * ND4J runtime against its SameDiff definition (scores, activations, gradients), DOUBLE gradient checks of both, the
 * refusal of rows that are not groups of k copies, and JSON and serializer round trips.
 */
@ExtendWith(DoublePrecision.class)
@DoublePrecision.Seed(19)
class IwaeObjectiveLayerTest {
    private static final int D = 4;
    private static final int L = 2;
    private static final int K = 3;
    /** Examples; the layer sees B * K rows. */
    private static final int B = 2;

    @TempDir
    Path tmp;

    /** The layer on the graph input {@code in} [rows, D + 3L] directly. */
    static ComputationGraph alone(boolean sameDiff, int k) {
        IwaeObjectiveLayer layer = new IwaeObjectiveLayer(D, L, k);
        layer.setSameDiffRuntime(sameDiff);
        ComputationGraph g = new ComputationGraph(new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE)
                .updater(new NoOp()).graphBuilder().addInputs("in").setInputTypes(InputType.feedForward(D + 3 * L))
                .addLayer("objective", layer, "in").setOutputs("objective").build());
        g.init();
        return g;
    }

    /** in(5) -> dense (tanh, the layer's whole input, eps included) -> the layer: a gradient check sees all of dIn. */
    static ComputationGraph behindDense(boolean sameDiff) {
        IwaeObjectiveLayer layer = new IwaeObjectiveLayer(D, L, K);
        layer.setSameDiffRuntime(sameDiff);
        ComputationGraph g = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(3).dataType(DataType.DOUBLE)
                .updater(new NoOp()).graphBuilder().addInputs("in").setInputTypes(InputType.feedForward(5))
                .addLayer("dense", new DenseLayer.Builder().nOut(D + 3 * L).activation(Activation.TANH).build(), "in")
                .addLayer("objective", layer, "dense").setOutputs("objective").build());
        g.init();
        return g;
    }

    /** B examples x, each repeated K times (example-major), as the layer's labels. */
    static INDArray labels() {
        return VaeIterator.repeat(Nd4j.rand(DataType.DOUBLE, B, D), K);
    }

    /** Random input rows [B K, D + 3L]: logits, z, logvar, eps. */
    static INDArray input(double logitScale) {
        return Nd4j.hstack(Nd4j.randn(DataType.DOUBLE, B * K, D).muli(logitScale), Nd4j.randn(DataType.DOUBLE, B * K, L),
                Nd4j.randn(DataType.DOUBLE, B * K, L).muli(0.5), Nd4j.randn(DataType.DOUBLE, B * K, L));
    }

    /** log w of row r, written out with doubles (stable softplus). */
    static double logW(INDArray in, INDArray x, int r) {
        double s = 0;
        for (int j = 0; j < D; j++) {
            double d = in.getDouble(r, j);
            s += x.getDouble(r, j) * d - (Math.max(d, 0) + Math.log1p(Math.exp(-Math.abs(d))));
        }
        for (int l = 0; l < L; l++) {
            double z = in.getDouble(r, D + l);
            double logvar = in.getDouble(r, D + L + l);
            double eps = in.getDouble(r, D + 2 * L + l);
            // log N(z; 0, 1) - log N(z; mu, sigma^2) with z = mu + sigma eps
            s += -0.5 * (Math.log(2 * Math.PI) + z * z) + 0.5 * (Math.log(2 * Math.PI) + logvar + eps * eps);
        }
        return s;
    }

    /** Example i's loss, -log (1/k) sum_s w_s, with a Java log-sum-exp. */
    static double exampleLoss(INDArray in, INDArray x, int i, int k) {
        double max = Double.NEGATIVE_INFINITY;
        for (int s = 0; s < k; s++) {
            max = Math.max(max, logW(in, x, i * k + s));
        }
        double sum = 0;
        for (int s = 0; s < k; s++) {
            sum += Math.exp(logW(in, x, i * k + s) - max);
        }
        return -(max + Math.log(sum) - Math.log(k));
    }

    @Test
    void scoreIsTheMeanOverExamplesOfTheNegativeBoundAndActivationsAreTheMeans() {
        INDArray x = labels();
        for (double scale : new double[] {1, 1000}) {
            INDArray in = input(scale);
            double expected = (exampleLoss(in, x, 0, K) + exampleLoss(in, x, 1, K)) / B;
            assertTrue(Double.isFinite(expected));
            for (boolean sameDiff : new boolean[] {false, true}) {
                ComputationGraph g = alone(sameDiff, K);
                assertEquals(sameDiff ? "SameDiffOutputLayer" : "IwaeObjectiveImpl",
                        g.getLayer("objective").getClass().getSimpleName());
                // logits * 1000: log-weights of thousands of nats, where exp without the shift underflows to 0
                assertEquals(expected, g.score(new MultiDataSet(in, x)), 1e-9 * Math.max(1, Math.abs(expected)),
                        "sameDiff " + sameDiff + ", logit scale " + scale);
                INDArray means = Transforms.sigmoid(in.get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
                        org.nd4j.linalg.indexing.NDArrayIndex.interval(0, D)), true);
                assertTrue(means.equalsWithEps(g.outputSingle(in), 1e-12), "sameDiff " + sameDiff);
            }
            // per row: the loss of the row's example, so their mean is the score
            INDArray perRow = alone(false, K).scoreExamples(new MultiDataSet(in, x), false);
            for (int r = 0; r < B * K; r++) {
                assertEquals(exampleLoss(in, x, r / K, K), perRow.getDouble(r), 1e-9 * Math.max(1, Math.abs(expected)));
            }
        }
        // activations need no grouping: 5 rows with k = 3
        assertEquals(5, alone(false, K).outputSingle(input(1).get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 5),
                org.nd4j.linalg.indexing.NDArrayIndex.all())).size(0));
    }

    @Test
    void withOneSampleEachRowIsTheOneSampleElbo() {
        INDArray x = Nd4j.rand(DataType.DOUBLE, 5, D);
        INDArray in = Nd4j.hstack(Nd4j.randn(DataType.DOUBLE, 5, D), Nd4j.randn(DataType.DOUBLE, 5, 3 * L));
        double expected = 0;
        for (int r = 0; r < 5; r++) {
            expected -= logW(in, x, r) / 5;
        }
        for (boolean sameDiff : new boolean[] {false, true}) {
            assertEquals(expected, alone(sameDiff, 1).score(new MultiDataSet(in, x)), 1e-10);
        }
    }

    @Test
    void fastRuntimeHasTheSameGradientsAsTheSameDiffDefinition() {
        INDArray in = Nd4j.rand(DataType.DOUBLE, B * K, 5).subi(0.5).muli(4);
        INDArray x = labels();
        ComputationGraph fast = behindDense(false);
        ComputationGraph reference = behindDense(true);
        reference.setParams(fast.params().dup());
        fast.setInputs(in);
        fast.setLabels(x);
        reference.setInputs(in);
        reference.setLabels(x);
        fast.computeGradientAndScore();
        reference.computeGradientAndScore();
        assertEquals(reference.score(), fast.score(), 1e-10);
        Gradient gf = fast.gradient();
        Gradient gr = reference.gradient();
        for (String k : gr.gradientForVariable().keySet()) {
            assertTrue(gr.getGradientFor(k).equalsWithEps(gf.getGradientFor(k), 1e-9), k + ": " + gr.getGradientFor(k)
                    + " vs " + gf.getGradientFor(k));
        }
    }

    @Test
    void gradientChecksPassForBothRuntimes() {
        INDArray in = Nd4j.rand(DataType.DOUBLE, B * K, 5).subi(0.5).muli(4);
        INDArray x = labels();
        for (boolean sameDiff : new boolean[] {false, true}) {
            assertTrue(GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(behindDense(sameDiff))
                    .inputs(new INDArray[] {in}).labels(new INDArray[] {x}).epsilon(1e-6).maxRelError(1e-5)
                    .minAbsoluteError(1e-9)), "sameDiff " + sameDiff);
        }
    }

    @Test
    void rowsThatAreNotGroupsOfKCopiesAreRefused() {
        ComputationGraph g = alone(false, K);
        INDArray in = input(1);
        INDArray x = labels();
        INDArray five = in.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 5),
                org.nd4j.linalg.indexing.NDArrayIndex.all());
        INDArray xFive = x.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 5),
                org.nd4j.linalg.indexing.NDArrayIndex.all());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> g.score(new MultiDataSet(five, xFive)));
        assertTrue(e.getMessage().contains("5 rows are not a multiple of samples k = 3"), e.getMessage());
        // 6 rows, but six different examples (not repeated): refused, not scored as a bound over unrelated rows
        INDArray unrelated = Nd4j.rand(DataType.DOUBLE, B * K, D);
        e = assertThrows(IllegalArgumentException.class, () -> g.score(new MultiDataSet(in, unrelated)));
        assertTrue(e.getMessage().contains("not groups of k = 3 copies"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> g.score(new MultiDataSet(in.getColumns(0, 1, 2), x)));
        assertTrue(e.getMessage().contains("expected input [rows, 10]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new IwaeObjectiveLayer(D, L, 0));
    }

    @Test
    void jsonAndSerializerRoundTripsKeepEveryField() throws Exception {
        for (boolean sameDiff : new boolean[] {false, true}) {
            ComputationGraph g = behindDense(sameDiff);
            INDArray in = Nd4j.rand(DataType.DOUBLE, B * K, 5);
            ComputationGraph back = ZooAssertions.jsonRoundTrip(g, in);
            IwaeObjectiveLayer layer = ZooAssertions.layer(back.getConfiguration(), "objective",
                    IwaeObjectiveLayer.class);
            assertEquals(D, layer.getDataSize());
            assertEquals(L, layer.getLatentSize());
            assertEquals(K, layer.getSamples());
            assertEquals(sameDiff, layer.isSameDiffRuntime());
            ComputationGraph restored = ZooAssertions.serializerRoundTrip(g, tmp, in);
            INDArray x = labels();
            assertEquals(g.score(new MultiDataSet(in, x)), restored.score(new MultiDataSet(in, x)), 1e-12);
        }
    }
}
