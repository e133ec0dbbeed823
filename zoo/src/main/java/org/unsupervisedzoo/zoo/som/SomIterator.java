package org.unsupervisedzoo.zoo.som;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.unsupervisedzoo.zoo.core.MappedMultiDataSetIterator;

/**
 * Feeds a {@link SOM} graph: features {@code [x, sigma]} with {@code sigma} a column holding the radius schedule's
 * value at the graph's iteration count when the batch is taken (the iteration the batch trains, the same count
 * the Sgd learning-rate schedule sees; it survives saving and restoring the graph), labels {@code [null]}. The
 * labels of the base iterator are dropped. Rejects inputs of the wrong width with a message naming both widths.
 */
public final class SomIterator extends MappedMultiDataSetIterator {
    private final SOM som;
    private final ComputationGraph graph;
    private double lastSigma = Double.NaN;

    public SomIterator(DataSetIterator base, SOM som, ComputationGraph graph) {
        super(base);
        if (som == null || graph == null) {
            throw new IllegalArgumentException("som and graph must not be null");
        }
        this.som = som;
        this.graph = graph;
    }

    /** The radius fed with the last batch (NaN before the first). */
    public double lastSigma() {
        return lastSigma;
    }

    /** One training MultiDataSet for inputs {@code x} at radius {@code sigma}. */
    public static org.nd4j.linalg.dataset.MultiDataSet of(SOM som, INDArray x, double sigma) {
        som.checkInput(x);
        INDArray xs = x.castTo(som.dataType());
        return new org.nd4j.linalg.dataset.MultiDataSet(new INDArray[] {xs, som.sigmaColumn(x.size(0), sigma)},
                new INDArray[] {null});
    }

    @Override
    protected org.nd4j.linalg.dataset.api.MultiDataSet map(DataSet ds) {
        lastSigma = som.sigmaSchedule().at(graph.getConfiguration().getIterationCount());
        return of(som, ds.getFeatures(), lastSigma);
    }
}
