package org.unsupervisedzoo.zoo.classifier;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.unsupervisedzoo.zoo.core.Checks;

/**
 * What each layer of an encoder does on a set of examples: its units, how many of them are dead (the same
 * activation for every example: a ReLU unit that never fires, a saturated sigmoid) and the mean, standard deviation
 * and largest value of its activations. A diagnosis before fine-tuning: a dead unit passes no gradient, so
 * fine-tuning cannot revive it, and a code whose values reach tens meets a freshly initialised head that expects
 * about one ({@link EncoderClassifier.Builder#codeNormalization}).
 *
 * <p>Shapes: {@code examples} {@code [n, ...]} as the encoder reads them; dense layers {@code [n, units]}; a
 * convolutional layer's units are its channels (each over all examples and positions).
 */
public final class UnitStatistics {
    private UnitStatistics() {
    }

    /** One layer's statistics. */
    public record Layer(String name, long units, long dead, double mean, double sd, double max) {
    }

    /**
     * The statistics of every layer and vertex of {@code encoder} (in the graph's order, the network inputs left
     * out) in inference mode on {@code examples}.
     */
    public static List<Layer> of(ComputationGraph encoder, INDArray examples) {
        Checks.notNull("encoder", encoder);
        Checks.notNull("examples", examples);
        if (examples.size(0) < 2) {
            throw new IllegalArgumentException("examples must hold at least 2 rows to tell a dead unit, got "
                    + examples.size(0));
        }
        Map<String, INDArray> acts = encoder.feedForward(new INDArray[] {examples}, false, false);
        List<String> inputs = encoder.getConfiguration().getNetworkInputs();
        List<Layer> layers = new ArrayList<>();
        for (int i : encoder.topologicalSortOrder()) {
            String name = encoder.getVertices()[i].getVertexName();
            INDArray a = acts.get(name);
            if (inputs.contains(name) || a == null || (a.rank() != 2 && a.rank() != 4)) {
                continue;
            }
            INDArray x = a.castTo(DataType.DOUBLE);
            if (x.rank() == 4) { // [n, c, h, w] -> [n*h*w, c]
                x = x.permute(0, 2, 3, 1).dup().reshape(-1, x.size(1));
            }
            INDArray range = x.max(0).sub(x.min(0));
            long dead = range.eq(0).castTo(DataType.INT).sumNumber().longValue();
            layers.add(new Layer(name, x.columns(), dead, x.meanNumber().doubleValue(),
                    x.stdNumber().doubleValue(), x.maxNumber().doubleValue()));
        }
        return layers;
    }
}
