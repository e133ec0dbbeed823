package org.unsupervisedzoo.zoo.classifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.unsupervisedzoo.datasets.MnistIterator;
import org.unsupervisedzoo.zoo.SampleData;
import org.unsupervisedzoo.zoo.autoencoder.Autoencoders;
import org.unsupervisedzoo.zoo.autoencoder.UndercompleteAutoencoder;
import org.unsupervisedzoo.zoo.convolutional.ConvolutionalAutoencoder;

class UnitStatisticsTest {
    private static final INDArray X = SampleData.testBatch(64, MnistIterator.Shape.FLAT);

    @Test
    void deadUnitsAndMomentsMatchTheActivations() {
        UndercompleteAutoencoder ae = UndercompleteAutoencoder.builder().hiddenSizes(16, 4).build();
        ComputationGraph encoder = ae.encoderGraph(ae.init());
        // kill encoder-1's units 3 and 5: weights and bias far below zero, so the ReLU never fires
        INDArray w = encoder.getLayer(Autoencoders.encoderLayer(1)).getParam("W");
        INDArray b = encoder.getLayer(Autoencoders.encoderLayer(1)).getParam("b");
        for (int j : new int[] {3, 5}) {
            w.getColumn(j).assign(-1);
            b.putScalar(j, -10);
        }
        List<UnitStatistics.Layer> layers = UnitStatistics.of(encoder, X);
        assertEquals(List.of(Autoencoders.encoderLayer(1), Autoencoders.CODE),
                layers.stream().map(UnitStatistics.Layer::name).toList(), "every layer in order, no input");
        UnitStatistics.Layer first = layers.get(0);
        INDArray a = encoder.feedForward(X, false).get(Autoencoders.encoderLayer(1)).castTo(
                org.nd4j.linalg.api.buffer.DataType.DOUBLE);
        long dead = 0;
        for (int j = 0; j < a.columns(); j++) {
            if (a.getColumn(j).maxNumber().doubleValue() == a.getColumn(j).minNumber().doubleValue()) {
                dead++;
            }
        }
        assertTrue(dead >= 2, "the two killed units at least");
        assertEquals(16, first.units());
        assertEquals(dead, first.dead());
        assertEquals(a.meanNumber().doubleValue(), first.mean(), 1e-9);
        assertEquals(a.stdNumber().doubleValue(), first.sd(), 1e-9);
        assertEquals(a.maxNumber().doubleValue(), first.max(), 1e-9);
        assertEquals(4, layers.get(1).units());
    }

    @Test
    void convolutionalUnitsAreChannels() {
        ConvolutionalAutoencoder conv = ConvolutionalAutoencoder.builder().filters(4, 8).codeSize(0).build();
        List<UnitStatistics.Layer> layers = UnitStatistics.of(conv.encoderGraph(conv.init()),
                SampleData.testBatch(8, MnistIterator.Shape.IMAGE));
        assertTrue(layers.stream().anyMatch(l -> l.units() == 4), layers.toString());
        assertTrue(layers.stream().anyMatch(l -> l.units() == 8), layers.toString());
    }

    @Test
    void oneExampleIsRefusedByName() {
        UndercompleteAutoencoder ae = UndercompleteAutoencoder.builder().hiddenSizes(16, 4).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> UnitStatistics.of(ae.encoderGraph(ae.init()), X.getRows(0)));
        assertTrue(e.getMessage().contains("examples") && e.getMessage().contains("1"), e.getMessage());
    }
}
