package org.unsupervisedzoo.zoo.autoencoder;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.unsupervisedzoo.zoo.core.ReconstructionIterator;

/**
 * Reconstruction error per input element (per pixel), the figure autoencoder papers and the Keras blog
 * report: binary cross-entropy {@code -[x log y + (1-x) log(1-y)]} or squared error {@code (x-y)^2}, averaged
 * over every element of every example. It carries no regularization term, unlike DL4J's {@code score()}.
 */
public final class ReconstructionMetrics {
    /** Probabilities are clipped to [EPS, 1 - EPS] before the logarithm, as Keras does. */
    public static final double EPS = 1e-7;

    private ReconstructionMetrics() {
    }

    /** Sum over all elements of the loss between targets {@code x} and reconstructions {@code y}. */
    public static double sum(ReconstructionLoss loss, INDArray x, INDArray y) {
        if (!x.equalShapes(y)) {
            throw new IllegalArgumentException("targets and reconstructions differ in shape: "
                    + java.util.Arrays.toString(x.shape()) + " vs " + java.util.Arrays.toString(y.shape()));
        }
        if (loss == ReconstructionLoss.MSE) {
            return Transforms.pow(x.sub(y), 2, false).sumNumber().doubleValue();
        }
        INDArray yc = Transforms.min(Transforms.max(y, EPS, true), 1 - EPS, false);
        INDArray logY = Transforms.log(yc, true);
        INDArray log1mY = Transforms.log(yc.rsubi(1.0), false);
        // -[x log y + (1 - x) log(1 - y)]
        double s = x.mul(logY).addi(x.rsub(1.0).muli(log1mY)).sumNumber().doubleValue();
        return -s;
    }

    /** Mean loss per element of one batch. */
    public static double perElement(ReconstructionLoss loss, INDArray x, INDArray y) {
        return sum(loss, x, y) / x.length();
    }

    /**
     * Mean loss per element over a whole iterator, reconstructing each batch's features with the graph's
     * first output in inference mode (other outputs, such as penalty heads, are ignored), against
     * {@link ReconstructionIterator#target}.
     * The iterator is reset before and after.
     */
    public static double perElement(ComputationGraph graph, DataSetIterator data, ReconstructionLoss loss) {
        data.reset();
        double total = 0;
        long count = 0;
        while (data.hasNext()) {
            DataSet batch = data.next();
            INDArray x = batch.getFeatures();
            INDArray target = ReconstructionIterator.target(batch);
            INDArray y = graph.output(false, x)[0];
            total += sum(loss, target.reshape(y.shape()), y);
            count += x.length();
        }
        data.reset();
        if (count == 0) {
            throw new IllegalArgumentException("the iterator gave no examples");
        }
        return total / count;
    }
}
