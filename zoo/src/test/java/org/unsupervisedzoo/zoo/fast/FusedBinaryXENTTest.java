package org.unsupervisedzoo.zoo.fast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossBinaryXENT;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.unsupervisedzoo.zoo.ZooAssertions;
import org.unsupervisedzoo.zoo.DoublePrecision;
import org.junit.jupiter.api.extension.ExtendWith;

/** The fused sigmoid cross-entropy: the hand formula, DL4J's XENT where its clipping is idle, gradient checks. */
@ExtendWith(DoublePrecision.class)
@DoublePrecision.Seed(7)
class FusedBinaryXENTTest {
    private static final IActivation SIGMOID = Activation.SIGMOID.getActivationFunction();

    @TempDir
    Path tmp;

    /** softplus(z) - x z, element-wise, written out in the stable form. */
    private static INDArray formula(INDArray x, INDArray z) {
        INDArray relu = Transforms.max(z, 0.0, true);
        INDArray tail = Transforms.log(Transforms.exp(Transforms.abs(z, true).neg(), false).addi(1), false);
        return relu.subi(x.mul(z)).addi(tail);
    }

    @Test
    void scoreScoreArrayAndGradientAreTheFormula() {
        FusedBinaryXENT loss = new FusedBinaryXENT();
        INDArray z = Nd4j.randn(DataType.DOUBLE, 5, 7).muli(4);
        z.putScalar(0, 0, 60.0); // far past DL4J's clipping: exact value kept
        z.putScalar(1, 1, -60.0);
        INDArray x = Nd4j.rand(DataType.DOUBLE, 5, 7);
        INDArray expected = formula(x, z);
        assertEquals(expected.sumNumber().doubleValue(), loss.computeScore(x, z, SIGMOID, null, false), 1e-9);
        assertEquals(expected.sumNumber().doubleValue() / 5, loss.computeScore(x, z, SIGMOID, null, true), 1e-9);
        assertTrue(expected.sum(true, 1).equalsWithEps(loss.computeScoreArray(x, z, SIGMOID, null), 1e-9));
        INDArray grad = Transforms.sigmoid(z, true).sub(x);
        assertTrue(grad.equalsWithEps(loss.computeGradient(x, z, SIGMOID, null), 1e-12));
        assertEquals(60 * (1 - x.getDouble(0, 0)), expected.getDouble(0, 0), 1e-9, "saturated logit, exact value");
    }

    /**
     * The score from the loss gradient (float, as training runs): the formula in double on the same float values,
     * over logits up to +-100 (past float's softplus and sigmoid ranges), labels 0, 1 and between, and several
     * chunks and product runs; the softplus path agrees too. Not applicable: NaN.
     */
    @Test
    void sumFromTheGradientIsTheFormulaInFloat() {
        FusedBinaryXENT loss = new FusedBinaryXENT();
        int rows = 37;
        int cols = 300; // 11,100 elements: three chunks, the last one short
        INDArray z = Nd4j.randn(DataType.FLOAT, rows, cols).muli(6);
        INDArray x = Nd4j.rand(DataType.FLOAT, rows, cols);
        float[] extremes = {100f, -100f, 60f, -60f, 20f, -20f, 0f, 1e-6f, -1e-6f};
        for (int i = 0; i < extremes.length; i++) {
            for (float label : new float[] {0f, 1f, 0.5f}) {
                z.putScalar(i, (int) (label * 10) + 100, extremes[i]);
                x.putScalar(i, (int) (label * 10) + 100, label);
            }
        }
        x.getRow(rows - 1).assign(1); // binary rows too
        x.getRow(rows - 2).assign(0);
        INDArray zd = z.castTo(DataType.DOUBLE);
        double exact = formula(x.castTo(DataType.DOUBLE), zd).sumNumber().doubleValue();
        INDArray gradient = loss.computeGradient(x, z, SIGMOID, null);
        double fromGradient = FusedBinaryXENT.sumFromGradient(x, z, gradient);
        assertEquals(exact, fromGradient, 1e-6 * Math.abs(exact), "from the gradient");
        assertEquals(exact, loss.computeScore(x, z, SIGMOID, null, false), 1e-5 * Math.abs(exact), "computeScore");
        assertTrue(Double.isNaN(FusedBinaryXENT.sumFromGradient(x.castTo(DataType.DOUBLE), zd,
                gradient.castTo(DataType.DOUBLE))), "double: not this path");
        assertTrue(Double.isNaN(FusedBinaryXENT.sumFromGradient(x.dup('f'), z, gradient)), "other ordering");
        assertTrue(Double.isNaN(FusedBinaryXENT.sumFromGradient(x, z, gradient.getColumns(0, 1))), "other shape");
    }

    /**
     * The float gradient's Java pass equals ND4J's {@code sigmoid(z) - x} (to float rounding) over several chunks and
     * saturated logits, keeps the shape and ordering and is a new array; other orderings take ND4J's ops and agree.
     */
    @Test
    void floatGradientJavaPassEqualsNd4jOps() {
        FusedBinaryXENT loss = new FusedBinaryXENT();
        INDArray z = Nd4j.randn(DataType.FLOAT, 41, 250).muli(8); // 10,250 elements: three chunks, the last short
        z.putScalar(0, 0, 120f);
        z.putScalar(0, 1, -120f);
        z.putScalar(0, 2, 0f);
        INDArray x = Nd4j.rand(DataType.FLOAT, 41, 250);
        INDArray expected = Transforms.sigmoid(z, true).subi(x);
        INDArray java = FusedBinaryXENT.javaGradient(x, z);
        assertTrue(java != null && java != z, "the Java pass applies to contiguous float arrays");
        assertEquals(z.ordering(), java.ordering());
        assertTrue(expected.equalsWithEps(java, 2e-7), "max difference " + expected.sub(java).amaxNumber());
        assertTrue(expected.equalsWithEps(loss.computeGradient(x, z, SIGMOID, null), 2e-7));
        assertEquals(1f - x.getFloat(0, 0), java.getFloat(0, 0), 0f);
        assertEquals(-x.getFloat(0, 1), java.getFloat(0, 1), 0f);
        assertEquals(0.5f - x.getFloat(0, 2), java.getFloat(0, 2), 0f);
        assertTrue(FusedBinaryXENT.javaGradient(x.dup('f'), z) == null, "mixed orderings: ND4J's ops");
        assertTrue(expected.equalsWithEps(loss.computeGradient(x.dup('f'), z, SIGMOID, null), 2e-7));
        assertTrue(FusedBinaryXENT.javaGradient(x.castTo(DataType.DOUBLE), z.castTo(DataType.DOUBLE)) == null,
                "double: ND4J's ops");
        INDArray zf = z.dup('f');
        INDArray xf = x.dup('f');
        INDArray javaF = FusedBinaryXENT.javaGradient(xf, zf);
        assertTrue(javaF != null && javaF.ordering() == 'f');
        assertTrue(expected.equalsWithEps(javaF, 2e-7), "both 'f'");
    }

    /**
     * Subnormal gradients (a sigmoid below {@code Float.MIN_NORMAL}, logits below -87.3 on a blank pixel) come out as
     * zero, the rest unchanged: products with subnormal floats run ~100x slower on x86, and a VAE trained with Adam
     * for 100+ epochs had thousands of them per minibatch in its output gradient (its epochs took 9-10 s instead of 5).
     */
    @Test
    void floatGradientFlushesSubnormalValuesToZero() {
        float[] logits = {-100f, -90f, -87.5f, -87f, -80f, -20f, 0f, 95f};
        INDArray z = Nd4j.createFromArray(new float[][] {logits});
        INDArray x = Nd4j.zeros(DataType.FLOAT, 1, logits.length);
        x.putScalar(0, 7, 1f); // a dark pixel drawn as dark: 1 - sigmoid(95) is 0 in float anyway
        INDArray g = new FusedBinaryXENT().computeGradient(x, z, SIGMOID, null);
        INDArray exact = Transforms.sigmoid(z.castTo(DataType.DOUBLE), true).subi(x.castTo(DataType.DOUBLE));
        for (int i = 0; i < logits.length; i++) {
            double e = exact.getDouble(0, i);
            if (Math.abs(e) < Float.MIN_NORMAL) {
                assertEquals(0f, g.getFloat(0, i), 0f, "logit " + logits[i] + ": subnormal " + e + " flushed");
            } else {
                assertEquals(e, g.getFloat(0, i), 1e-6 * Math.abs(e), "logit " + logits[i]);
            }
        }
        assertTrue(Math.abs(exact.getDouble(0, 0)) < Float.MIN_NORMAL && exact.getDouble(0, 0) > 0,
                "the test has a subnormal case");
        assertTrue(g.getFloat(0, 4) > 0, "sigmoid(-80) = 1.8e-35 is a normal float and stays");
    }

    /** computeGradientAndScore is computeScore and computeGradient (float: one pass for both), masked or not. */
    @Test
    void gradientAndScoreTogetherEqualEachAlone() {
        FusedBinaryXENT loss = new FusedBinaryXENT();
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            INDArray z = Nd4j.randn(type, 6, 9).muli(5);
            INDArray x = Nd4j.rand(type, 6, 9);
            for (INDArray mask : new INDArray[] {null, Nd4j.ones(type, 6, 1).putScalar(2, 0, 0.0)}) {
                for (boolean average : new boolean[] {false, true}) {
                    org.nd4j.common.primitives.Pair<Double, INDArray> both =
                            loss.computeGradientAndScore(x, z, SIGMOID, mask, average);
                    double score = loss.computeScore(x, z, SIGMOID, mask, average);
                    assertEquals(score, both.getFirst(), 1e-5 * Math.abs(score), type + " mask " + (mask != null));
                    assertEquals(loss.computeGradient(x, z, SIGMOID, mask), both.getSecond());
                }
            }
        }
    }

    @Test
    void floatLogitsBeyondSoftplusRangeKeepTheExactScore() {
        FusedBinaryXENT loss = new FusedBinaryXENT();
        INDArray z = Nd4j.randn(DataType.DOUBLE, 3, 4).muli(3);
        z.putScalar(2, 3, 120.0); // exp(120) overflows float
        INDArray x = Nd4j.rand(DataType.DOUBLE, 3, 4);
        double expected = formula(x, z).sumNumber().doubleValue();
        double got = loss.computeScore(x.castTo(DataType.FLOAT), z.castTo(DataType.FLOAT), SIGMOID, null, false);
        assertEquals(expected, got, 1e-3 * Math.abs(expected));
        assertTrue(Double.isFinite(got));
        // mixed orderings: not the Java pass; the softplus overflows and the native stable op takes over
        double mixed = loss.computeScore(x.castTo(DataType.FLOAT), z.castTo(DataType.FLOAT).dup('f'), SIGMOID, null,
                false);
        assertEquals(expected, mixed, 1e-3 * Math.abs(expected));
    }

    @Test
    void masksPerExampleAndPerOutput() {
        FusedBinaryXENT loss = new FusedBinaryXENT();
        INDArray z = Nd4j.randn(DataType.DOUBLE, 4, 3);
        INDArray x = Nd4j.rand(DataType.DOUBLE, 4, 3);
        INDArray perExample = Nd4j.createFromArray(new double[][] {{1}, {0}, {1}, {0}});
        INDArray perOutput = Nd4j.rand(DataType.DOUBLE, 4, 3).gt(0.5).castTo(DataType.DOUBLE);
        INDArray e = formula(x, z);
        assertEquals(e.mulColumnVector(perExample).sumNumber().doubleValue(),
                loss.computeScore(x, z, SIGMOID, perExample, false), 1e-10);
        assertEquals(e.mul(perOutput).sumNumber().doubleValue(), loss.computeScore(x, z, SIGMOID, perOutput, false),
                1e-10);
        INDArray g = Transforms.sigmoid(z, true).sub(x);
        assertTrue(g.mulColumnVector(perExample).equalsWithEps(loss.computeGradient(x, z, SIGMOID, perExample), 1e-12));
        assertTrue(g.mul(perOutput).equalsWithEps(loss.computeGradient(x, z, SIGMOID, perOutput), 1e-12));
        assertTrue(e.mul(perOutput).sum(true, 1).equalsWithEps(loss.computeScoreArray(x, z, SIGMOID, perOutput), 1e-10));
    }

    @Test
    void equalsDl4jXentWhereItsClippingIsIdleAndDelegatesOtherActivations() {
        ILossFunction fused = new FusedBinaryXENT();
        ILossFunction dl4j = new LossBinaryXENT();
        INDArray z = Nd4j.randn(DataType.DOUBLE, 6, 9).muli(3); // outputs well inside [1e-5, 1 - 1e-5]
        INDArray x = Nd4j.rand(DataType.DOUBLE, 6, 9);
        assertEquals(dl4j.computeScore(x, z, SIGMOID, null, true), fused.computeScore(x, z, SIGMOID, null, true), 1e-8);
        assertTrue(dl4j.computeGradient(x, z.dup(), SIGMOID, null).equalsWithEps(fused.computeGradient(x, z.dup(),
                SIGMOID, null), 1e-8));
        IActivation hardSigmoid = Activation.HARDSIGMOID.getActivationFunction();
        INDArray zs = Nd4j.randn(DataType.DOUBLE, 6, 9).muli(0.5);
        assertEquals(dl4j.computeScore(x, zs, hardSigmoid, null, false),
                fused.computeScore(x, zs, hardSigmoid, null, false), 0.0);
        // (DL4J's activations may work in place on the pre-output: each call gets its own copy)
        assertTrue(dl4j.computeGradient(x, zs.dup(), hardSigmoid, null).equalsWithEps(
                fused.computeGradient(x, zs.dup(), hardSigmoid, null), 0.0));
    }

    @Test
    void wrongLabelShapeIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new FusedBinaryXENT()
                .computeScore(Nd4j.rand(DataType.DOUBLE, 2, 3), Nd4j.rand(DataType.DOUBLE, 2, 4), SIGMOID, null, false));
        assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("[2, 4]"), e.getMessage());
    }

    /** in(5) -> tanh(4) -> sigmoid(5) with the fused loss; or a conv net ending in a CnnLossLayer. */
    static ComputationGraph dense(ILossFunction loss) {
        ComputationGraph g = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(11)
                .dataType(DataType.DOUBLE).updater(new NoOp()).graphBuilder().addInputs("in")
                .setInputTypes(InputType.feedForward(5))
                .addLayer("hidden", new DenseLayer.Builder().nOut(4).activation(Activation.TANH).build(), "in")
                .addLayer("out", new CachedOutputLayer(new OutputLayer.Builder(loss).nOut(5)
                        .activation(Activation.SIGMOID)), "hidden")
                .setOutputs("out").build());
        g.init();
        return g;
    }

    static ComputationGraph conv(ILossFunction loss) {
        ComputationGraph g = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(13)
                .dataType(DataType.DOUBLE).updater(new NoOp()).convolutionMode(ConvolutionMode.Same).graphBuilder()
                .addInputs("in").setInputTypes(InputType.convolutional(4, 4, 2))
                .addLayer("c", new ConvolutionLayer.Builder(3, 3).nOut(2).activation(Activation.TANH).build(), "in")
                .addLayer("out", new CnnLossLayer.Builder(loss).activation(Activation.SIGMOID).build(), "c")
                .setOutputs("out").build());
        g.init();
        return g;
    }

    @Test
    void gradientChecksPassAndNetworksMatchDl4jXent() {
        INDArray x = Nd4j.rand(DataType.DOUBLE, 3, 5);
        assertTrue(GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(dense(
                new FusedBinaryXENT())).inputs(new INDArray[] {x}).labels(new INDArray[] {x})), "dense");
        INDArray xi = Nd4j.rand(DataType.DOUBLE, 2, 2, 4, 4);
        assertTrue(GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(conv(
                new FusedBinaryXENT())).inputs(new INDArray[] {xi}).labels(new INDArray[] {xi})), "conv");
        ComputationGraph fused = dense(new FusedBinaryXENT());
        ComputationGraph dl4j = dense(new LossBinaryXENT());
        fused.setInputs(x);
        fused.setLabels(x);
        fused.computeGradientAndScore();
        dl4j.setInputs(x);
        dl4j.setLabels(x);
        dl4j.computeGradientAndScore();
        assertEquals(dl4j.score(), fused.score(), 1e-10);
        assertTrue(dl4j.gradient().gradient().equalsWithEps(fused.gradient().gradient(), 1e-10));
    }

    @Test
    void jsonAndSerializerRoundTrips() throws Exception {
        INDArray x = Nd4j.rand(DataType.DOUBLE, 3, 5);
        ComputationGraph g = dense(new FusedBinaryXENT());
        ComputationGraph back = ZooAssertions.jsonRoundTrip(g, x);
        assertEquals(new FusedBinaryXENT(), ZooAssertions.layer(back.getConfiguration(), "out", CachedOutputLayer.class)
                .getLossFn());
        ZooAssertions.serializerRoundTrip(g, tmp, x);
        INDArray xi = Nd4j.rand(DataType.DOUBLE, 2, 2, 4, 4);
        ZooAssertions.serializerRoundTrip(conv(new FusedBinaryXENT()), tmp, xi);
    }
}
