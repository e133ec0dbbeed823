package org.unsupervisedzoo.zoo.core;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

/**
 * Feeds an autoencoder graph from a DataSetIterator: features {@code [x]}, labels {@code [target, null, ...]} with
 * one {@code null} per penalty head. The target is the DataSet's labels when they have the features' shape (a
 * {@code CorruptingIterator}'s clean inputs, or an {@code MnistIterator} with {@code Target.INPUT}), else the
 * features themselves (so class labels are ignored).
 */
public final class ReconstructionIterator extends MappedMultiDataSetIterator {
    private final int penaltyHeads;

    /**
     * @param penaltyHeads the number of penalty outputs after the reconstruction (see
     *                     {@code AutoencoderFactory.penaltyHeads()})
     */
    public ReconstructionIterator(DataSetIterator base, int penaltyHeads) {
        super(base);
        if (penaltyHeads < 0) {
            throw new IllegalArgumentException("penaltyHeads must be >= 0, got " + penaltyHeads);
        }
        this.penaltyHeads = penaltyHeads;
    }

    /** The MultiDataSet for one batch of inputs and targets. */
    public static org.nd4j.linalg.dataset.MultiDataSet of(INDArray x, INDArray target, int penaltyHeads) {
        INDArray[] labels = new INDArray[1 + penaltyHeads];
        labels[0] = target;
        return new org.nd4j.linalg.dataset.MultiDataSet(new INDArray[] {x}, labels);
    }

    /**
     * The reconstruction target of a batch: its labels when they have the features' shape (clean inputs of a
     * denoising set, or input-as-target), else the features themselves.
     */
    public static INDArray target(DataSet ds) {
        INDArray x = ds.getFeatures();
        INDArray y = ds.getLabels();
        return y != null && y.equalShapes(x) ? y : x;
    }

    /**
     * As the base iterator: the mapping itself draws nothing, so DL4J's {@code fit(iterator)} may prefetch batches on
     * its own thread (in a workspace, so no fresh memory per batch) when the base allows it ({@code MnistIterator}
     * does; a corrupting iterator, with its random draws, does not).
     */
    @Override
    public boolean asyncSupported() {
        return base().asyncSupported();
    }

    @Override
    protected org.nd4j.linalg.dataset.api.MultiDataSet map(DataSet ds) {
        return of(ds.getFeatures(), target(ds), penaltyHeads);
    }
}
