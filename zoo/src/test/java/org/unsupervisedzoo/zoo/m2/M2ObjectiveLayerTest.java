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
import org.unsupervisedzoo.zoo.m2.M2ObjectiveLayer.Likelihood;

/**
 * The M2 objective layer alone, with either likelihood: its value against the formula written per row, its ND4J
 * runtime against its SameDiff definition (scores, activations, gradients), DOUBLE gradient checks of both, and JSON
 * and serializer round trips.
 */
@ExtendWith(DoublePrecision.class)
@DoublePrecision.Seed(5)
class M2ObjectiveLayerTest {
    private static final int D = 4;
    private static final int L = 2;
    private static final int K = 3;

    @TempDir
    Path tmp;

    /** The decoder's columns: D logits, or a mean and a log-variance per dimension. */
    static int width(Likelihood lik) {
        return lik == Likelihood.GAUSSIAN ? 2 * D : D;
    }

    /** The layer on the graph input {@code in} [rows, D' + 2L + 2K] directly. */
    static ComputationGraph alone(boolean sameDiff, Likelihood lik) {
        M2ObjectiveLayer layer = new M2ObjectiveLayer(D, L, K, lik);
        layer.setSameDiffRuntime(sameDiff);
        ComputationGraph g = new ComputationGraph(new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE)
                .updater(new NoOp()).graphBuilder().addInputs("in")
                .setInputTypes(InputType.feedForward(width(lik) + 2 * L + 2 * K))
                .addLayer("objective", layer, "in").setOutputs("objective").build());
        g.init();
        return g;
    }

    /** in(5) -> dense (tanh, the layer's whole input, y included) -> the layer: a gradient check sees all of dIn. */
    static ComputationGraph behindDense(boolean sameDiff, Likelihood lik) {
        M2ObjectiveLayer layer = new M2ObjectiveLayer(D, L, K, lik);
        layer.setSameDiffRuntime(sameDiff);
        ComputationGraph g = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(3).dataType(DataType.DOUBLE)
                .updater(new NoOp()).graphBuilder().addInputs("in").setInputTypes(InputType.feedForward(5))
                .addLayer("dense", new DenseLayer.Builder().nOut(width(lik) + 2 * L + 2 * K)
                        .activation(Activation.TANH).build(), "in")
                .addLayer("objective", layer, "dense").setOutputs("objective").build());
        g.init();
        return g;
    }

    /**
     * Three rows: a labelled one, and two of an unlabelled digit (classes 0 and 2), each with other weights; x in
     * [0, 1] for the Bernoulli decoder, standard normal for the Gaussian one.
     */
    static INDArray[] rows(Likelihood lik) {
        INDArray d = Nd4j.randn(DataType.DOUBLE, 3, width(lik)).muli(lik == Likelihood.GAUSSIAN ? 0.7 : 2);
        INDArray mu = Nd4j.randn(DataType.DOUBLE, 3, L);
        INDArray logvar = Nd4j.randn(DataType.DOUBLE, 3, L).muli(0.5);
        INDArray a = Nd4j.randn(DataType.DOUBLE, 3, K);
        INDArray y = Nd4j.createFromArray(new double[][] {{0, 1, 0}, {1, 0, 0}, {0, 0, 1}});
        INDArray x = lik == Likelihood.GAUSSIAN ? Nd4j.randn(DataType.DOUBLE, 3, D) : Nd4j.rand(DataType.DOUBLE, 3, D);
        INDArray w = Nd4j.createFromArray(new double[][] {{0.7, 2.5, 0}, {0, 0, 1.3}, {0, 0, 1.3}});
        return new INDArray[] {Nd4j.hstack(d, mu, logvar, a, y), Nd4j.hstack(x, w)};
    }

    /** The objective of one row, written out with doubles (the Gaussian's density as the normal pdf's log). */
    static double row(INDArray in, INDArray lab, int r, Likelihood lik) {
        int w = width(lik);
        double e = Math.log(K);
        for (int j = 0; j < D; j++) {
            double x = lab.getDouble(r, j);
            if (lik == Likelihood.GAUSSIAN) {
                double m = in.getDouble(r, j);
                double sd = Math.sqrt(Math.exp(in.getDouble(r, D + j)));
                e -= Math.log(Math.exp(-0.5 * ((x - m) / sd) * ((x - m) / sd)) / (sd * Math.sqrt(2 * Math.PI)));
            } else {
                double p = 1 / (1 + Math.exp(-in.getDouble(r, j)));
                e -= x * Math.log(p) + (1 - x) * Math.log(1 - p);
            }
        }
        for (int j = 0; j < L; j++) {
            double mu = in.getDouble(r, w + j);
            double lv = in.getDouble(r, w + L + j);
            e += 0.5 * (mu * mu + Math.exp(lv) - 1 - lv);
        }
        double norm = 0;
        for (int k = 0; k < K; k++) {
            norm += Math.exp(in.getDouble(r, w + 2 * L + k));
        }
        double logqy = 0;
        for (int k = 0; k < K; k++) {
            logqy += in.getDouble(r, w + 2 * L + K + k) * (in.getDouble(r, w + 2 * L + k) - Math.log(norm));
        }
        double qy = Math.exp(logqy);
        double wl = lab.getDouble(r, D);
        double wc = lab.getDouble(r, D + 1);
        double wu = lab.getDouble(r, D + 2);
        return wl * e - wc * logqy + wu * qy * (e + logqy);
    }

    @Test
    void scoreIsTheMeanOfTheRowsFormulaAndActivationsAreTheSoftmax() {
        for (Likelihood lik : Likelihood.values()) {
            INDArray[] r = rows(lik);
            int w = width(lik);
            double expected = (row(r[0], r[1], 0, lik) + row(r[0], r[1], 1, lik) + row(r[0], r[1], 2, lik)) / 3;
            for (boolean sameDiff : new boolean[] {false, true}) {
                ComputationGraph g = alone(sameDiff, lik);
                assertEquals(sameDiff ? "SameDiffOutputLayer" : "M2ObjectiveImpl",
                        g.getLayer("objective").getClass().getSimpleName());
                assertEquals(expected, g.score(new MultiDataSet(r[0], r[1])), 1e-10, lik + " sameDiff " + sameDiff);
                INDArray q = g.outputSingle(r[0]);
                INDArray a = r[0].getColumns(w + 2 * L, w + 2 * L + 1, w + 2 * L + 2);
                INDArray softmax = org.nd4j.linalg.ops.transforms.Transforms.exp(a, true);
                softmax.diviColumnVector(softmax.sum(true, 1));
                assertTrue(softmax.equalsWithEps(q, 1e-12), lik + " sameDiff " + sameDiff + ": " + q);
            }
        }
        // a large decoder logit: the ND4J runtime's softplus does not overflow
        Likelihood b = Likelihood.BERNOULLI;
        INDArray[] r = rows(b);
        r[0].putScalar(0, 0, 800.0);
        double big = alone(false, b).score(new MultiDataSet(r[0], r[1]));
        assertEquals(big, (0.7 * 800 * (1 - r[1].getDouble(0, 0)) + row(r[0].dup().putScalar(0, 0, 0), r[1], 0, b)
                - 0.7 * Math.log(2) * 1 + 0.7 * 0 + row(r[0], r[1], 1, b) + row(r[0], r[1], 2, b)) / 3, 1e-6);
    }

    @Test
    void gaussianRowsNeedTwiceTheDecoderColumnsAndSayWhatTheyGot() {
        INDArray[] r = rows(Likelihood.BERNOULLI); // D decoder columns where the Gaussian needs 2D
        ComputationGraph g = alone(false, Likelihood.GAUSSIAN);
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> g.score(new MultiDataSet(r[0], r[1])));
        assertTrue(e.getMessage().contains("[rows, " + (2 * D + 2 * L + 2 * K) + "]")
                && e.getMessage().contains("decoder output " + 2 * D), e.getMessage());
    }

    @Test
    void fastRuntimeHasTheSameGradientsAsTheSameDiffDefinition() {
        for (Likelihood lik : Likelihood.values()) {
            fastEqualsSameDiff(lik);
        }
    }

    private static void fastEqualsSameDiff(Likelihood lik) {
        INDArray x = Nd4j.rand(DataType.DOUBLE, 3, 5);
        INDArray lab = rows(lik)[1];
        ComputationGraph fast = behindDense(false, lik);
        ComputationGraph reference = behindDense(true, lik);
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
            assertTrue(gr.getGradientFor(k).equalsWithEps(gf.getGradientFor(k), 1e-9), lik + " " + k);
        }
        assertEquals(reference.score(m), fast.score(m), 1e-10);
    }

    /**
     * The Java runtime computes the rows once for a gradient and the score that follows, but never serves one batch's
     * rows to another (new labels, new input), and gives the hand formula in float too.
     */
    @Test
    void onePassServesGradientAndScoreOfTheSameRowsOnly() {
        Likelihood lik = Likelihood.GAUSSIAN;
        INDArray[] r = rows(lik);
        INDArray[] other = rows(lik);
        ComputationGraph g = alone(false, lik);
        g.setInputs(r[0]);
        g.setLabels(r[1]);
        g.computeGradientAndScore();
        double expected = (row(r[0], r[1], 0, lik) + row(r[0], r[1], 1, lik) + row(r[0], r[1], 2, lik)) / 3;
        assertEquals(expected, g.score(), 1e-10);
        double otherExpected = (row(other[0], other[1], 0, lik) + row(other[0], other[1], 1, lik)
                + row(other[0], other[1], 2, lik)) / 3;
        assertEquals(otherExpected, g.score(new MultiDataSet(other[0], other[1])), 1e-10, "new rows, new pass");
        assertEquals(otherExpected, g.score(new MultiDataSet(other[0], other[1])), 1e-10);
        assertEquals(expected, g.score(new MultiDataSet(r[0], r[1])), 1e-10);
        for (Likelihood f : Likelihood.values()) {
            INDArray[] fr = rows(f);
            M2ObjectiveLayer layer = new M2ObjectiveLayer(D, L, K, f);
            ComputationGraph fg = new ComputationGraph(new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT)
                    .updater(new NoOp()).graphBuilder().addInputs("in")
                    .setInputTypes(InputType.feedForward(width(f) + 2 * L + 2 * K))
                    .addLayer("objective", layer, "in").setOutputs("objective").build());
            fg.init();
            double want = (row(fr[0], fr[1], 0, f) + row(fr[0], fr[1], 1, f) + row(fr[0], fr[1], 2, f)) / 3;
            INDArray in32 = fr[0].castTo(DataType.FLOAT);
            INDArray lab32 = fr[1].castTo(DataType.FLOAT);
            assertEquals(want, fg.score(new MultiDataSet(in32, lab32)), 1e-5 * Math.max(1, Math.abs(want)), "float " + f);
        }
    }

    @Test
    void gradientChecksPassForBothRuntimes() {
        for (Likelihood lik : Likelihood.values()) {
            INDArray x = Nd4j.rand(DataType.DOUBLE, 3, 5);
            INDArray lab = rows(lik)[1];
            for (boolean sameDiff : new boolean[] {false, true}) {
                assertTrue(GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig()
                        .net(behindDense(sameDiff, lik)).inputs(new INDArray[] {x}).labels(new INDArray[] {lab})
                        .epsilon(1e-6).maxRelError(1e-5).minAbsoluteError(1e-9)), lik + " sameDiff " + sameDiff);
            }
        }
    }

    @Test
    void jsonAndSerializerRoundTripsKeepEveryField() throws Exception {
        for (Likelihood lik : Likelihood.values()) {
            for (boolean sameDiff : new boolean[] {false, true}) {
                ComputationGraph g = behindDense(sameDiff, lik);
                INDArray x = Nd4j.rand(DataType.DOUBLE, 3, 5);
                ComputationGraph back = ZooAssertions.jsonRoundTrip(g, x);
                M2ObjectiveLayer layer = ZooAssertions.layer(back.getConfiguration(), "objective",
                        M2ObjectiveLayer.class);
                assertEquals(D, layer.getDataSize());
                assertEquals(L, layer.getLatentSize());
                assertEquals(K, layer.getNumClasses());
                assertEquals(lik, layer.getLikelihood());
                assertEquals(sameDiff, layer.isSameDiffRuntime());
                ZooAssertions.serializerRoundTrip(g, tmp, x);
            }
        }
    }

    @Test
    void jsonWithoutTheLikelihoodFieldReadsAsBernoulli() {
        String json = behindDense(false, Likelihood.BERNOULLI).getConfiguration().toJson();
        String without = json.replaceAll(",?\\s*\"likelihood\"\\s*:\\s*\"BERNOULLI\"", "");
        assertTrue(json.contains("\"likelihood\"") && !without.contains("\"likelihood\""), "the field, then not");
        M2ObjectiveLayer layer = ZooAssertions.layer(
                org.deeplearning4j.nn.conf.ComputationGraphConfiguration.fromJson(without), "objective",
                M2ObjectiveLayer.class);
        assertEquals(Likelihood.BERNOULLI, layer.getLikelihood(), "models saved before the field existed");
    }
}
