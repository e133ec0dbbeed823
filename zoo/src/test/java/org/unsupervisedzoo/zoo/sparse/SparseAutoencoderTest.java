package org.unsupervisedzoo.zoo.sparse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.unsupervisedzoo.zoo.ZooAssertions.rejects;

import java.nio.file.Path;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
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
import org.unsupervisedzoo.zoo.autoencoder.ReconstructionLoss;

class SparseAutoencoderTest {
    @TempDir
    Path tmp;

    private static double meanCode(ComputationGraph g) {
        return Autoencoders.encode(g, SampleData.testBatch(500, MnistIterator.Shape.FLAT)).meanNumber().doubleValue();
    }

    @Test
    void defaultIsOvercompleteWithAKlHead() {
        SparseAutoencoder sae = SparseAutoencoder.builder().build();
        assertEquals(1024, sae.codeSize());
        assertEquals(1, sae.penaltyHeads());
        KLSparsityPenalty kl = ZooAssertions.layer(sae.conf(), SparseAutoencoder.SPARSITY, KLSparsityPenalty.class);
        // hyper-parameters compared one by one: DL4J fills global settings (updater...) into the layer
        assertEquals(0.05, kl.getRho());
        assertEquals(3.0, kl.getBeta());
        assertEquals(Activation.SIGMOID.getActivationFunction(),
                ZooAssertions.layer(sae.conf(), "code", DenseLayer.class).getActivationFn());
        ComputationGraph g = sae.init();
        INDArray x = SampleData.testBatch(3, MnistIterator.Shape.FLAT);
        INDArray[] out = g.output(false, x);
        assertArrayEquals(new long[] {3, 784}, out[0].shape());
        assertArrayEquals(new long[] {3, 1024}, out[1].shape(), "the penalty head passes the code through");
    }

    @Test
    void klPenaltyDrivesTheMeanCodeActivationToRho() {
        // Ng's setting: squared error, beta 3 (DL4J's MSE averages over pixels, so the KL term dominates quickly;
        // with BCE summed over 784 pixels the same beta needs far longer training, see BENCHMARKS.md)
        SparseAutoencoder.Builder sparse = SparseAutoencoder.builder().hiddenSizes(64).seed(2)
                .loss(ReconstructionLoss.MSE).updater(new Adam(5e-3)).rho(0.05).beta(3);
        SparseAutoencoder.Builder plain = SparseAutoencoder.builder().hiddenSizes(64).seed(2)
                .loss(ReconstructionLoss.MSE).updater(new Adam(5e-3)).beta(0);
        double withPenalty = meanCode(SampleData.trained(sparse.build(), 5, 3000, MnistIterator.Shape.FLAT));
        double without = meanCode(SampleData.trained(plain.build(), 5, 3000, MnistIterator.Shape.FLAT));
        assertEquals(0.05, withPenalty, 0.02, "mean activation near rho");
        assertTrue(without > 3 * withPenalty, "unpenalised " + without + " vs penalised " + withPenalty);
    }

    @Test
    void l1ActivityPenaltyShrinksTheCode() {
        SparseAutoencoder l1 = SparseAutoencoder.builder().sparsity(SparseAutoencoder.Sparsity.L1).hiddenSizes(64)
                .l1Activity(1.0).seed(3).build();
        ActivityPenalty head = ZooAssertions.layer(l1.conf(), SparseAutoencoder.SPARSITY, ActivityPenalty.class);
        assertEquals(ActivityPenalty.Norm.L1, head.getNorm());
        assertEquals(1.0, head.getWeight());
        double with = meanCode(SampleData.trained(l1, 2, 3000, MnistIterator.Shape.FLAT));
        double without = meanCode(SampleData.trained(SparseAutoencoder.builder()
                .sparsity(SparseAutoencoder.Sparsity.L1).hiddenSizes(64).l1Activity(0).seed(3).build(), 2, 3000,
                MnistIterator.Shape.FLAT));
        assertTrue(with < 0.5 * without, "L1 " + with + " vs none " + without);
    }

    @Test
    void kSparseKeepsAtMostKUnitsPerExampleAndTrains() {
        SparseAutoencoder ks = SparseAutoencoder.builder().sparsity(SparseAutoencoder.Sparsity.K_SPARSE)
                .hiddenSizes(100).k(10).seed(4).build();
        assertEquals(0, ks.penaltyHeads());
        assertEquals(new KSparseActivation(10), ZooAssertions.layer(ks.conf(), "code", DenseLayer.class)
                .getActivationFn());
        ComputationGraph g = SampleData.trained(ks, 2, 2000, MnistIterator.Shape.FLAT);
        INDArray code = Autoencoders.encode(g, SampleData.testBatch(50, MnistIterator.Shape.FLAT));
        INDArray nonZero = code.neq(0.0).castTo(DataType.FLOAT).sum(1);
        assertEquals(10.0, nonZero.maxNumber().doubleValue(), 0.0);
        assertEquals(10.0, nonZero.minNumber().doubleValue(), 0.0);
    }

    @Test
    void gradientChecksPassInsideTheModelGraphForEveryMode() {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        try {
            Nd4j.getRandom().setSeed(1);
            INDArray x = Nd4j.rand(DataType.DOUBLE, 5, 8);
            for (SparseAutoencoder.Sparsity mode : SparseAutoencoder.Sparsity.values()) {
                SparseAutoencoder sae = SparseAutoencoder.builder().inputSize(8).hiddenSizes(6, 4).sparsity(mode)
                        .k(2).l1Activity(0.1).activation(Activation.TANH).updater(new NoOp())
                        .dataType(DataType.DOUBLE).seed(5).build();
                ComputationGraph g = sae.init();
                INDArray[] labels = ReconstructionIterator.of(x, x, sae.penaltyHeads()).getLabels();
                assertTrue(GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(g)
                        .inputs(new INDArray[] {x}).labels(labels)), mode.toString());
            }
        } finally {
            Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
        }
    }

    @Test
    void roundTripsKeepEveryModeAndHyperParameter() throws Exception {
        INDArray x = Nd4j.rand(DataType.FLOAT, 4, 10);
        for (SparseAutoencoder.Sparsity mode : SparseAutoencoder.Sparsity.values()) {
            SparseAutoencoder sae = SparseAutoencoder.builder().inputSize(10).hiddenSizes(12).sparsity(mode).k(3)
                    .rho(0.1).beta(2).l1Activity(1e-3).build();
            ComputationGraph g = sae.init();
            ZooAssertions.fitChangesParameters(g, ReconstructionIterator.of(x, x, sae.penaltyHeads()));
            ZooAssertions.jsonRoundTrip(g, x);
            ZooAssertions.serializerRoundTrip(g, tmp, x);
        }
    }

    @Test
    void invalidConfigurationsAreRejected() {
        rejects(() -> SparseAutoencoder.builder().rho(0).build(), "rho", "0");
        rejects(() -> SparseAutoencoder.builder().beta(-2).build(), "beta", "-2");
        rejects(() -> SparseAutoencoder.builder().codeActivation(Activation.RELU).build(), "codeActivation", "SIGMOID");
        rejects(() -> SparseAutoencoder.builder().sparsity(SparseAutoencoder.Sparsity.K_SPARSE).hiddenSizes(8).k(9)
                .build(), "k", "9");
        rejects(() -> SparseAutoencoder.builder().sparsity(SparseAutoencoder.Sparsity.K_SPARSE).k(0).build(), "k", "0");
        rejects(() -> SparseAutoencoder.builder().l1Activity(-1).build(), "l1Activity", "-1");
        rejects(() -> SparseAutoencoder.builder().sparsity(null).build(), "sparsity");
    }
}
