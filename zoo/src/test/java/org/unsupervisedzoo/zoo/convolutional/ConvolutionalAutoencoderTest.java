package org.unsupervisedzoo.zoo.convolutional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.unsupervisedzoo.zoo.ZooAssertions.rejects;

import java.nio.file.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.unsupervisedzoo.datasets.MnistIterator;
import org.unsupervisedzoo.zoo.SampleData;
import org.unsupervisedzoo.zoo.ZooAssertions;
import org.unsupervisedzoo.zoo.autoencoder.ReconstructionMetrics;
import org.unsupervisedzoo.zoo.core.ReconstructionIterator;
import org.unsupervisedzoo.zoo.autoencoder.Autoencoders;

class ConvolutionalAutoencoderTest {
    @TempDir
    Path tmp;

    @Test
    void outputShapeMatchesTheInputForEveryVariant() {
        INDArray x = SampleData.testBatch(3, MnistIterator.Shape.IMAGE);
        for (ConvolutionalAutoencoder cae : new ConvolutionalAutoencoder[] {
            ConvolutionalAutoencoder.builder().build(),
            ConvolutionalAutoencoder.builder().codeSize(0).build(),
            ConvolutionalAutoencoder.builder().decoder(ConvolutionalAutoencoder.Decoder.UPSAMPLING).build(),
            ConvolutionalAutoencoder.builder().filters(8, 8, 8).imageSize(32, 16).kernelSize(5).build()}) {
            ComputationGraph g = cae.init();
            long[] shape = {3, 1, cae.inputShape()[1], cae.inputShape()[2]};
            INDArray in = cae.inputShape()[1] == 28 ? x : Nd4j.rand(shape);
            assertArrayEquals(shape, Autoencoders.reconstruct(g, in).shape());
            assertEquals(cae.codeSize(), Autoencoders.encode(g, in).length() / 3);
        }
        assertEquals(32 * 7 * 7, ConvolutionalAutoencoder.builder().codeSize(0).build().codeSize());
    }

    @Test
    void reconstructionLossFallsOnTheSample() {
        ConvolutionalAutoencoder cae = ConvolutionalAutoencoder.builder().filters(8, 16).codeSize(32).seed(1).build();
        ComputationGraph g = cae.init();
        MnistIterator test = MnistIterator.builder(SampleData.TEST).batchSize(200).shape(MnistIterator.Shape.IMAGE)
                .shuffle(false).subset(200).build();
        double before = ReconstructionMetrics.perElement(g, test, cae.loss());
        g.fit(new ReconstructionIterator(SampleData.train(64, MnistIterator.Shape.IMAGE, 2000), 0));
        double after = ReconstructionMetrics.perElement(g, test, cae.loss());
        assertTrue(after < 0.7 * before, "BCE per pixel " + before + " -> " + after);
    }

    @Test
    void fitAndRoundTrips() throws Exception {
        ComputationGraph g = ConvolutionalAutoencoder.builder().filters(2, 4).codeSize(5).imageSize(8, 8).build()
                .init();
        INDArray x = Nd4j.rand(new long[] {2, 1, 8, 8});
        ZooAssertions.fitChangesParameters(g, ReconstructionIterator.of(x, x, 0));
        ZooAssertions.jsonRoundTrip(g, x);
        ZooAssertions.serializerRoundTrip(g, tmp, x);
    }

    @Test
    void invalidConfigurationsAreRejected() {
        rejects(() -> ConvolutionalAutoencoder.builder().imageSize(30, 28).build(), "30x28", "divisible");
        rejects(() -> ConvolutionalAutoencoder.builder().filters(16, 0).build(), "filters[1]", "0");
        rejects(() -> ConvolutionalAutoencoder.builder().kernelSize(-3).build(), "kernelSize", "-3");
        rejects(() -> ConvolutionalAutoencoder.builder().codeSize(-1).build(), "codeSize", "-1");
        rejects(() -> ConvolutionalAutoencoder.builder().decoder(null).build(), "decoder");
    }
}
