package org.unsupervisedzoo.zoo.denoising;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.unsupervisedzoo.datasets.MnistIterator;
import org.unsupervisedzoo.zoo.SampleData;
import org.unsupervisedzoo.zoo.ZooAssertions;
import org.unsupervisedzoo.zoo.core.ReconstructionIterator;
import org.unsupervisedzoo.zoo.autoencoder.Autoencoders;

class DenoisingAutoencoderTest {
    @TempDir
    Path tmp;

    @Test
    void corruptionSitsOnTheFirstLayerAndOnlyActsInTraining() {
        DenoisingAutoencoder dae = DenoisingAutoencoder.builder().hiddenSizes(32, 8)
                .corruption(new SaltAndPepperCorruption(0.3)).build();
        assertEquals(new SaltAndPepperCorruption(0.3),
                ZooAssertions.layer(dae.conf(), "encoder-1", DenseLayer.class).getIDropout());
        assertEquals(null, ZooAssertions.layer(dae.conf(), "code", DenseLayer.class).getIDropout());
        ComputationGraph g = dae.init();
        INDArray x = SampleData.testBatch(8, MnistIterator.Shape.FLAT);
        assertArrayEquals(new long[] {8, 784}, Autoencoders.reconstruct(g, x).shape());
        assertEquals(Autoencoders.reconstruct(g, x), Autoencoders.reconstruct(g, x), "inference is clean");
        INDArray t1 = g.feedForward(x, true).get("encoder-1");
        INDArray t2 = g.feedForward(x, true).get("encoder-1");
        assertNotEquals(t1, t2, "fresh noise in every training pass");
        assertEquals(g.feedForward(x, false).get("encoder-1"), g.feedForward(x, false).get("encoder-1"));
        // a one-layer encoder puts the corruption on the code layer
        DenoisingAutoencoder shallow = DenoisingAutoencoder.builder().hiddenSizes(16).build();
        assertEquals(shallow.corruption(), ZooAssertions.layer(shallow.conf(), "code", DenseLayer.class).getIDropout());
    }

    @Test
    void denoisedTestDigitsAreCloserToTheCleanOnesThanTheNoisyInputs() {
        MaskingCorruption noise = new MaskingCorruption(0.4);
        DenoisingAutoencoder dae = DenoisingAutoencoder.builder().hiddenSizes(128, 32).corruption(noise).seed(3)
                .build();
        ComputationGraph g = SampleData.trained(dae, 6, 5000, MnistIterator.Shape.FLAT);
        INDArray clean = SampleData.testBatch(200, MnistIterator.Shape.FLAT);
        Random rng = Nd4j.getRandomFactory().getNewRandomInstance(99);
        INDArray noisy = noise.corrupt(clean, rng);
        double before = ImageMetrics.psnr(clean, noisy);
        double after = ImageMetrics.psnr(clean, Autoencoders.reconstruct(g, noisy));
        assertTrue(after > before + 0.5, "PSNR noisy " + before + " dB -> denoised " + after + " dB");
    }

    @Test
    void kerasStyleFitOnNoisyInputsAndCleanTargetsAlsoDenoises() {
        GaussianCorruption noise = new GaussianCorruption(0.5, true);
        DenoisingAutoencoder dae = DenoisingAutoencoder.builder().hiddenSizes(128, 32).corruption(null).seed(4)
                .build();
        ComputationGraph g = dae.init();
        for (int e = 0; e < 4; e++) {
            g.fit(new ReconstructionIterator(new CorruptingIterator(SampleData.train(64, MnistIterator.Shape.FLAT, 0),
                    noise, e), 0));
        }
        INDArray clean = SampleData.testBatch(200, MnistIterator.Shape.FLAT);
        INDArray noisy = noise.corrupt(clean, Nd4j.getRandomFactory().getNewRandomInstance(7));
        double before = ImageMetrics.psnr(clean, noisy);
        double after = ImageMetrics.psnr(clean, Autoencoders.reconstruct(g, noisy));
        assertTrue(after > before + 1.0, "PSNR noisy " + before + " dB -> denoised " + after + " dB");
    }

    @Test
    void occlusionTrainingFillsInTheMissingPatch() {
        OcclusionCorruption noise = new OcclusionCorruption(8, 28, 28);
        DenoisingAutoencoder dae = DenoisingAutoencoder.builder().hiddenSizes(128, 32).corruption(noise).seed(5)
                .build();
        ComputationGraph g = SampleData.trained(dae, 4, 5000, MnistIterator.Shape.FLAT);
        INDArray clean = SampleData.testBatch(200, MnistIterator.Shape.FLAT);
        INDArray occluded = noise.corrupt(clean, Nd4j.getRandomFactory().getNewRandomInstance(8));
        INDArray patch = occluded.neq(clean).castTo(clean.dataType()); // the blanked pixels that had ink
        double count = patch.sumNumber().doubleValue();
        INDArray filled = Autoencoders.reconstruct(g, occluded);
        double before = clean.sub(occluded).muli(patch).norm2Number().doubleValue();
        double after = clean.sub(filled).muli(patch).norm2Number().doubleValue();
        assertTrue(count > 1000, "the patches hit ink: " + count);
        assertTrue(after < 0.8 * before, "error inside the patch " + before + " -> " + after);
    }

    @Test
    void oneFitChangesParametersAndRoundTripsKeepOutputs() throws Exception {
        ComputationGraph g = DenoisingAutoencoder.builder().inputSize(12).hiddenSizes(6, 3)
                .corruption(new OcclusionCorruption(2, 3, 4)).build().init();
        INDArray x = Nd4j.rand(4, 12);
        ZooAssertions.fitChangesParameters(g, new DataSet(x, x).toMultiDataSet());
        ComputationGraph back = ZooAssertions.jsonRoundTrip(g, x);
        assertEquals(new OcclusionCorruption(2, 3, 4),
                ZooAssertions.layer(back.getConfiguration(), "encoder-1", DenseLayer.class).getIDropout());
        ZooAssertions.serializerRoundTrip(g, tmp, x);
    }

    @Test
    void invalidConfigurationsAreRejected() {
        ZooAssertions.rejects(() -> DenoisingAutoencoder.builder().hiddenSizes(64, -1).build(), "hiddenSizes[1]", "-1");
        ZooAssertions.rejects(() -> DenoisingAutoencoder.builder().inputSize(0).build(), "inputSize", "0");
    }
}
