package org.unsupervisedzoo.zoo.core;

import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.dataset.api.MultiDataSetPreProcessor;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;

/**
 * A MultiDataSetIterator that turns each DataSet of a base iterator into the MultiDataSet a zoo graph trains on;
 * subclasses write only {@link #map}. Reset and hasNext go to the base; not asynchronous by default (mappings may
 * hold a random generator whose order must not change, or read the model); a pure mapping may say otherwise.
 */
public abstract class MappedMultiDataSetIterator implements MultiDataSetIterator {
    private final DataSetIterator base;
    private MultiDataSetPreProcessor preProcessor;

    protected MappedMultiDataSetIterator(DataSetIterator base) {
        if (base == null) {
            throw new IllegalArgumentException("base must not be null");
        }
        this.base = base;
    }

    /** The iterator this one maps. */
    protected DataSetIterator base() {
        return base;
    }

    /** The MultiDataSet for one batch of the base iterator. */
    protected abstract MultiDataSet map(DataSet batch);

    private MultiDataSet mapped(DataSet ds) {
        MultiDataSet mds = map(ds);
        if (preProcessor != null) {
            preProcessor.preProcess(mds);
        }
        return mds;
    }

    @Override
    public MultiDataSet next(int num) {
        return mapped(base.next(num));
    }

    @Override
    public MultiDataSet next() {
        return mapped(base.next());
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
