package org.unsupervisedzoo.zoo.denoising;

import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.DataSetPreProcessor;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The Keras way of training a denoising autoencoder, {@code fit(noisy, clean)}: wraps an iterator of clean
 * inputs and returns DataSets whose features are a corrupted copy and whose labels are the clean inputs. Fresh
 * noise each batch, from a generator of its own seeded by {@code seed}, so a run is reproducible and ND4J's
 * global generator is left alone.
 */
public final class CorruptingIterator implements DataSetIterator {
    private final DataSetIterator base;
    private final Corruption corruption;
    private final Random rng;
    private DataSetPreProcessor preProcessor;

    public CorruptingIterator(DataSetIterator base, Corruption corruption, long seed) {
        if (base == null || corruption == null) {
            throw new IllegalArgumentException("base and corruption must not be null");
        }
        this.base = base;
        this.corruption = corruption;
        this.rng = Nd4j.getRandomFactory().getNewRandomInstance(seed);
    }

    @Override
    public DataSet next(int num) {
        return corrupt(base.next(num));
    }

    @Override
    public DataSet next() {
        return corrupt(base.next());
    }

    private DataSet corrupt(DataSet clean) {
        INDArray x = clean.getFeatures();
        DataSet ds = new DataSet(corruption.corrupt(x, rng), x);
        if (preProcessor != null) {
            preProcessor.preProcess(ds);
        }
        return ds;
    }

    @Override
    public boolean hasNext() {
        return base.hasNext();
    }

    @Override
    public int inputColumns() {
        return base.inputColumns();
    }

    @Override
    public int totalOutcomes() {
        return base.inputColumns();
    }

    @Override
    public boolean resetSupported() {
        return base.resetSupported();
    }

    /**
     * As the base iterator: the noise comes from this iterator's own seeded generator, drawn in batch order by
     * whichever single thread calls {@code next()}, so DL4J's prefetching thread draws the same noise.
     */
    @Override
    public boolean asyncSupported() {
        return base.asyncSupported();
    }

    @Override
    public void reset() {
        base.reset();
    }

    @Override
    public int batch() {
        return base.batch();
    }

    @Override
    public void setPreProcessor(DataSetPreProcessor preProcessor) {
        this.preProcessor = preProcessor;
    }

    @Override
    public DataSetPreProcessor getPreProcessor() {
        return preProcessor;
    }

    @Override
    public List<String> getLabels() {
        return null;
    }
}
