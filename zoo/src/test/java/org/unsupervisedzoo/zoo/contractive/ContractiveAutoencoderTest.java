package org.unsupervisedzoo.zoo.contractive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.unsupervisedzoo.zoo.ZooAssertions.rejects;

import java.nio.file.Path;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.constraint.MaxNormConstraint;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.NoOp;
import org.unsupervisedzoo.datasets.MnistIterator;
import org.unsupervisedzoo.zoo.SampleData;
import org.unsupervisedzoo.zoo.ZooAssertions;
import org.unsupervisedzoo.zoo.core.ActivityPenalty;
import org.unsupervisedzoo.zoo.core.ReconstructionIterator;
import org.unsupervisedzoo.zoo.autoencoder.Autoencoders;

class ContractiveAutoencoderTest {
    @TempDir
    Path tmp;

    @Test
    void graphHasTheCustomLayerSubsetsAndPenaltyHead() {
        ContractiveAutoencoder cae = ContractiveAutoencoder.builder().lambda(0.3).build();
        ContractiveDenseLayer layer = ZooAssertions.layer(cae.conf(), ContractiveAutoencoder.CONTRACTIVE_ENCODER,
                ContractiveDenseLayer.class);
        assertEquals(784, layer.getNIn());
        assertEquals(512, layer.getNOut());
        ActivityPenalty head = ZooAssertions.layer(cae.conf(), ContractiveAutoencoder.PENALTY, ActivityPenalty.class);
        assertEquals(ActivityPenalty.Norm.L1, head.getNorm());
        assertEquals(0.3, head.getWeight());
        ComputationGraph g = cae.init();
        INDArray x = SampleData.testBatch(2, MnistIterator.Shape.FLAT);
        assertArrayEquals(new long[] {2, 784}, Autoencoders.reconstruct(g, x).shape());
        assertArrayEquals(new long[] {2, 512}, Autoencoders.encode(g, x).shape());
    }

    @Test
    void penaltyShrinksTheEncodersJacobianMeasuredByFiniteDifferences() {
        ContractiveAutoencoder.Builder common = ContractiveAutoencoder.builder().hiddenSizes(64).seed(6)
                .updater(new Adam(5e-3));
        ComputationGraph a = SampleData.trained(common.lambda(30).build(), 4, 5000, MnistIterator.Shape.FLAT);
        ComputationGraph b = SampleData.trained(common.lambda(0).build(), 4, 5000, MnistIterator.Shape.FLAT);
        INDArray x = SampleData.testBatch(30, MnistIterator.Shape.FLAT);
        double ja = JacobianNorm.finiteDifference(a, Autoencoders.CODE, x, 1e-3).meanNumber().doubleValue();
        double jb = JacobianNorm.finiteDifference(b, Autoencoders.CODE, x, 1e-3).meanNumber().doubleValue();
        assertTrue(ja < 0.5 * jb, "||J||^2 with lambda=30: " + ja + ", with lambda=0: " + jb);
    }

    @Test
    void gradientCheckInsideTheModelGraph() {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        try {
            Nd4j.getRandom().setSeed(2);
            ContractiveAutoencoder cae = ContractiveAutoencoder.builder().inputSize(6).hiddenSizes(5, 3).lambda(0.5)
                    .activation(Activation.TANH).updater(new NoOp()).dataType(DataType.DOUBLE).build();
            ComputationGraph g = cae.init();
            INDArray x = Nd4j.rand(DataType.DOUBLE, 4, 6);
            assertTrue(GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(g)
                    .inputs(new INDArray[] {x}).labels(ReconstructionIterator.of(x, x, 1).getLabels())));
        } finally {
            Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
        }
    }

    @Test
    void trainedEncoderLiftsIntoAnOrdinaryDenseGraph() {
        ContractiveAutoencoder cae = ContractiveAutoencoder.builder().hiddenSizes(32, 16).lambda(0.1).build();
        ComputationGraph g = SampleData.trained(cae, 1, 500, MnistIterator.Shape.FLAT);
        ComputationGraph encoder = cae.encoderGraph(g);
        INDArray x = SampleData.testBatch(10, MnistIterator.Shape.FLAT);
        assertTrue(Autoencoders.encode(g, x).equalsWithEps(encoder.outputSingle(x), 1e-6));
        encoder.getConfiguration().getVertices().values()
                .forEach(v -> assertTrue(v.toString().contains("DenseLayer"), "built-in layers only: " + v));
    }

    @Test
    void roundTripsKeepLambdaAndOutputs() throws Exception {
        ContractiveAutoencoder cae = ContractiveAutoencoder.builder().inputSize(10).hiddenSizes(4)
                .codeActivation(Activation.SOFTPLUS).lambda(0.25).build();
        ComputationGraph g = cae.init();
        INDArray x = Nd4j.rand(DataType.FLOAT, 3, 10);
        ZooAssertions.fitChangesParameters(g, ReconstructionIterator.of(x, x, 1));
        ComputationGraph back = ZooAssertions.jsonRoundTrip(g, x);
        assertEquals(0.25, ZooAssertions.layer(back.getConfiguration(), ContractiveAutoencoder.PENALTY,
                ActivityPenalty.class).getWeight());
        assertEquals(Activation.SOFTPLUS, ZooAssertions.layer(back.getConfiguration(),
                ContractiveAutoencoder.CONTRACTIVE_ENCODER, ContractiveDenseLayer.class).getActivation());
        ZooAssertions.serializerRoundTrip(g, tmp, x);
    }

    @Test
    void decoderMaxNormConstrainsTheLayerThatReadsTheCode() throws Exception {
        assertTrue(ZooAssertions.layer(ContractiveAutoencoder.builder().build().conf(), Autoencoders.RECONSTRUCTION,
                OutputLayer.class).getConstraints() == null, "no constraint by default");
        ContractiveAutoencoder deep = ContractiveAutoencoder.builder().hiddenSizes(32, 16).decoderMaxNorm(0.7).build();
        DenseLayer reader = ZooAssertions.layer(deep.conf(), Autoencoders.decoderLayer(1), DenseLayer.class);
        MaxNormConstraint c = (MaxNormConstraint) reader.getConstraints().get(0);
        assertEquals(0.7, c.getMaxNorm());
        assertArrayEquals(new int[] {1}, c.getDimensions());
        assertTrue(ZooAssertions.layer(deep.conf(), Autoencoders.RECONSTRUCTION, OutputLayer.class)
                .getConstraints() == null, "only the layer that reads the code");
        // one code layer: the reconstruction layer reads the code; every code unit's outgoing weights stay in the ball
        ContractiveAutoencoder cae = ContractiveAutoencoder.builder().hiddenSizes(32).decoderMaxNorm(0.5).build();
        ComputationGraph g = SampleData.trained(cae, 1, 500, MnistIterator.Shape.FLAT);
        INDArray rows = g.getParam(Autoencoders.RECONSTRUCTION + "_W").norm2(1);
        assertTrue(rows.maxNumber().doubleValue() <= 0.5 + 1e-5, rows.toString());
        assertTrue(rows.maxNumber().doubleValue() >= 0.5 - 1e-3, "the constraint was active: " + rows);
        INDArray x = Nd4j.rand(DataType.FLOAT, 2, 784);
        ComputationGraph back = ZooAssertions.jsonRoundTrip(g, x);
        assertEquals(0.5, ((MaxNormConstraint) ZooAssertions.layer(back.getConfiguration(),
                Autoencoders.RECONSTRUCTION, OutputLayer.class).getConstraints().get(0)).getMaxNorm());
        ZooAssertions.serializerRoundTrip(g, tmp, x);
    }

    @Test
    void invalidConfigurationsAreRejected() {
        rejects(() -> ContractiveAutoencoder.builder().decoderMaxNorm(-1).build(), "decoderMaxNorm", "-1");
        rejects(() -> ContractiveAutoencoder.builder().lambda(-0.1).build(), "lambda", "-0.1");
        rejects(() -> ContractiveAutoencoder.builder().codeActivation(Activation.SOFTMAX).build(), "codeActivation",
                "SOFTMAX");
        rejects(() -> ContractiveAutoencoder.builder().hiddenSizes(0).build(), "hiddenSizes[0]", "0");
    }
}
