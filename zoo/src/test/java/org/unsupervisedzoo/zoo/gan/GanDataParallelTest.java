package org.unsupervisedzoo.zoo.gan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.unsupervisedzoo.zoo.ZooAssertions.rejects;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.unsupervisedzoo.zoo.fast.Accelerate;
import org.unsupervisedzoo.zoo.fast.DataParallel;

/**
 * D's step on two data-parallel workers ({@link GanTrainer#discriminatorFit} with the speed layer's
 * {@link DataParallel}) against {@code fit}: the same D(x), D(G(z)), losses and parameters of D and G after D and G
 * steps, for every zoo GAN (D has no batch statistics or random draws), with the zoo's speed paths on.
 */
class GanDataParallelTest {
    @ParameterizedTest
    @MethodSource("org.unsupervisedzoo.zoo.gan.GanTest#factories")
    void twoWorkersTakeFitsStep(GanFactory gan) {
        GanTrainer one = GanTrainer.builder(gan).batchSize(16).seed(7).fixedSamples(20).graphs(Accelerate::init)
                .build();
        GanTrainer two = GanTrainer.builder(gan).batchSize(16).seed(7).fixedSamples(20).graphs(Accelerate::init)
                .build();
        assertTrue(one.discriminator().params().equals(two.discriminator().params()), "same start");
        try (DataParallel dp = new DataParallel(two.discriminator(), 2, 7)) {
            two.discriminatorFit(dp);
            assertEquals(2, two.discriminatorWorkers());
            DataSet ds = GanTest.data(gan, 16);
            INDArray labels = gan.conditional() ? ds.getLabels() : null;
            for (int step = 0; step < 3; step++) {
                GanTrainer.DStep a = one.discriminatorStep(ds.getFeatures(), labels);
                GanTrainer.DStep b = two.discriminatorStep(ds.getFeatures(), labels);
                assertTrue(Double.isFinite(b.dReal) && Double.isFinite(b.dFake) && b.dReal != b.dFake,
                        "both halves caught: " + b.dReal + ", " + b.dFake);
                assertEquals(a.dReal, b.dReal, 1e-5, "D(x), step " + step);
                assertEquals(a.dFake, b.dFake, 1e-5, "D(G(z)), step " + step);
                assertEquals(a.lossD, b.lossD, 1e-5, "loss_d, step " + step);
                assertEquals(one.generatorStep(16), two.generatorStep(16), 1e-5, "loss_g, step " + step);
                close(one.discriminator(), two.discriminator(), "D, step " + step);
                close(one.generator(), two.generator(), "G, step " + step);
                close(one.combined(), two.combined(), "combined, step " + step);
            }
            assertTrue(!one.discriminator().params().equals(GanTrainer.builder(gan).batchSize(16).seed(7).build()
                    .discriminator().params()), "D trained");
        }
    }

    private static void close(ComputationGraph a, ComputationGraph b, String what) {
        INDArray d = a.params().sub(b.params());
        double scale = a.params().norm2Number().doubleValue();
        assertTrue(d.norm2Number().doubleValue() <= 1e-5 * scale, what + ": |diff| " + d.norm2Number() + " of "
                + scale);
    }

    /** A fit of another graph is refused; back to fit() with null. */
    @Test
    void discriminatorFitMustTrainTheTrainersD() {
        GanFactory gan = GanTest.dcgan(0);
        GanTrainer t = GanTest.trainer(gan);
        try (DataParallel other = new DataParallel(gan.initDiscriminator(), 2, 1)) {
            rejects(() -> t.discriminatorFit(other), "discriminatorFit", "discriminator()");
        }
        t.discriminatorFit(new DataParallel(t.discriminator(), 2, 1));
        t.discriminatorFit(null);
        assertEquals(1, t.discriminatorWorkers());
        assertTrue(Double.isFinite(t.discriminatorStep(GanTest.data(gan, 16).getFeatures(), null).lossD));
    }
}
