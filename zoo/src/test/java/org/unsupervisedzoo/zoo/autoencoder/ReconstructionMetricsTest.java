package org.unsupervisedzoo.zoo.autoencoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.dataset.adapter.SingletonDataSetIterator;
import org.nd4j.linalg.factory.Nd4j;

class ReconstructionMetricsTest {
    @Test
    void bceMatchesTheFormulaByHand() {
        INDArray x = Nd4j.createFromArray(new double[][] {{0, 1, 0.5}, {1, 0.25, 0}});
        INDArray y = Nd4j.createFromArray(new double[][] {{0.1, 0.8, 0.5}, {0.9, 0.5, 0.3}});
        double expected = 0;
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 3; j++) {
                double xi = x.getDouble(i, j);
                double yi = y.getDouble(i, j);
                expected -= xi * Math.log(yi) + (1 - xi) * Math.log(1 - yi);
            }
        }
        assertEquals(expected, ReconstructionMetrics.sum(ReconstructionLoss.BCE, x, y), 1e-12);
        assertEquals(expected / 6, ReconstructionMetrics.perElement(ReconstructionLoss.BCE, x, y), 1e-12);
    }

    @Test
    void bceClipsCertainWrongAnswersInsteadOfReturningInfinity() {
        INDArray x = Nd4j.createFromArray(new double[][] {{1, 0}});
        INDArray y = Nd4j.createFromArray(new double[][] {{0, 1}});
        assertEquals(-Math.log(ReconstructionMetrics.EPS),
                ReconstructionMetrics.perElement(ReconstructionLoss.BCE, x, y), 1e-6);
    }

    @Test
    void mseMatchesTheFormulaByHand() {
        INDArray x = Nd4j.createFromArray(new double[][] {{0, 1}, {0.5, 0.5}});
        INDArray y = Nd4j.createFromArray(new double[][] {{0.5, 1}, {0, 0.25}});
        assertEquals((0.25 + 0 + 0.25 + 0.0625) / 4, ReconstructionMetrics.perElement(ReconstructionLoss.MSE, x, y),
                1e-12);
        assertThrows(IllegalArgumentException.class,
                () -> ReconstructionMetrics.sum(ReconstructionLoss.MSE, x, Nd4j.zeros(3, 2)));
    }

    @Test
    void overAnIteratorItAgreesWithDl4jsUnregularizedScore() {
        ComputationGraph g = UndercompleteAutoencoder.builder().inputSize(8).hiddenSizes(3).seed(9).build().init();
        Nd4j.getRandom().setSeed(1);
        INDArray x = Nd4j.rand(DataType.FLOAT, 10, 8);
        DataSetIterator it = new SingletonDataSetIterator(new DataSet(x, x));
        double ours = ReconstructionMetrics.perElement(g, it, ReconstructionLoss.BCE);
        double dl4j = g.score(new DataSet(x, x)) * ReconstructionLoss.BCE.perElementScale(8);
        assertEquals(dl4j, ours, 1e-5);
    }
}
