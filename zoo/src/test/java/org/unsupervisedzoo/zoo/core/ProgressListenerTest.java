package org.unsupervisedzoo.zoo.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.dataset.api.iterator.TestDataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.unsupervisedzoo.zoo.autoencoder.UndercompleteAutoencoder;

class ProgressListenerTest {
    @Test
    void printsTenthsAndKeepsTheEpochMean() {
        ComputationGraph g = UndercompleteAutoencoder.builder().inputSize(6).hiddenSizes(3).seed(1).build().init();
        INDArray x = Nd4j.rand(DataType.FLOAT, 40, 6);
        DataSetIterator it = new TestDataSetIterator(new DataSet(x, x), 4); // 10 batches of 4
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        ProgressListener p = new ProgressListener(new PrintStream(buf, true), 10, 1.0, 0.0).totalEpochs(3);
        g.setListeners(p);
        g.fit(it);
        String out = buf.toString();
        assertEquals(9, out.lines().count(), out); // 10% .. 90%; the epoch line is the caller's
        assertTrue(out.contains("epoch 1   50% (5/10 batches)"), out);
        assertTrue(out.lines().allMatch(l -> l.matches(".* ex/s  eta \\d+s \\(run \\d+s\\)")), out);
        assertEquals(40, p.examples());
        assertTrue(p.meanScore() > 0 && p.meanScore() < 10, "mean " + p.meanScore());
        g.fit(it);
        assertEquals(40, p.examples(), "counters restart each epoch");
        assertThrows(IllegalArgumentException.class, () -> new ProgressListener(null, 0, 1));
        assertEquals("59s", ProgressListener.duration(59.2));
        assertEquals("3m07s", ProgressListener.duration(187));
        assertEquals("1h02m", ProgressListener.duration(3725));
    }
}
