package org.unsupervisedzoo.zoo.train;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSetPreProcessor;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;

/**
 * Feeds an autoencoder graph from a DataSetIterator: features {@code [x]}, labels {@code [target, null, ...]} with
 * one {@code null} per penalty head. The target is the DataSet's labels when they have the features' shape (a
 * {@code CorruptingIterator}'s clean inputs, or an {@code MnistIterator} with {@code Target.INPUT}), else the
 * features themselves (so class labels are ignored).
 */
public final class ReconstructionIterator implements MultiDataSetIterator {
    private final DataSetIterator base;
    private final int penaltyHeads;
    private MultiDataSetPreProcessor preProcessor;

    /**
     * @param penaltyHeads the number of penalty outputs after the reconstruction (see
     *                     {@code AutoencoderFactory.penaltyHeads()})
     */
    public ReconstructionIterator(DataSetIterator base, int penaltyHeads) {
        if (base == null) {
            throw new IllegalArgumentException("base must not be null");
        }
        if (penaltyHeads < 0) {
            throw new IllegalArgumentException("penaltyHeads must be >= 0, got " + penaltyHeads);
        }
        this.base = base;
        this.penaltyHeads = penaltyHeads;
    }

    /** The MultiDataSet for one batch of inputs and targets. */
    public static org.nd4j.linalg.dataset.MultiDataSet of(INDArray x, INDArray target, int penaltyHeads) {
        INDArray[] labels = new INDArray[1 + penaltyHeads];
        labels[0] = target;
        return new org.nd4j.linalg.dataset.MultiDataSet(new INDArray[] {x}, labels);
    }

    @Override
    public org.nd4j.linalg.dataset.api.MultiDataSet next(int num) {
        return wrap(base.next(num));
    }

    @Override
    public org.nd4j.linalg.dataset.api.MultiDataSet next() {
        return wrap(base.next());
    }

    private org.nd4j.linalg.dataset.api.MultiDataSet wrap(DataSet ds) {
        INDArray x = ds.getFeatures();
        INDArray y = ds.getLabels();
        INDArray target = y != null && y.equalShapes(x) ? y : x;
        org.nd4j.linalg.dataset.MultiDataSet mds = of(x, target, penaltyHeads);
        if (preProcessor != null) {
            preProcessor.preProcess(mds);
        }
        return mds;
    }

    @Override
    public void setPreProcessor(MultiDataSetPreProcessor preProcessor) {
        this.preProcessor = preProcessor;
    }

    @Override
    public MultiDataSetPreProcessor getPreProcessor() {
        return preProcessor;
    }

    @Override
    public boolean resetSupported() {
        return base.resetSupported();
    }

    @Override
    public boolean asyncSupported() {
        return false;
    }

    @Override
    public void reset() {
        base.reset();
    }

    @Override
    public boolean hasNext() {
        return base.hasNext();
    }
}
