package org.unsupervisedzoo.zoo.autoencoder;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSetPreProcessor;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Feeds a {@link VAE} graph from a DataSetIterator of inputs: features {@code [x, eps]}, labels {@code [x, null]},
 * where {@code eps ~ N(0, I)} is drawn in Java for every minibatch from a generator of its own seeded by
 * {@code seed} (fresh each batch, the same array in the forward and backward pass, reproducible). With
 * {@code samplesPerExample = k > 1} each example is repeated k times, each copy with its own noise, so the score
 * is the k-sample average of the ELBO estimate.
 */
public final class VaeIterator implements MultiDataSetIterator {
    private final DataSetIterator base;
    private final int latentSize;
    private final int samples;
    private final Random rng;
    private MultiDataSetPreProcessor preProcessor;

    public VaeIterator(DataSetIterator base, VAE vae, long seed) {
        if (base == null || vae == null) {
            throw new IllegalArgumentException("base and vae must not be null");
        }
        this.base = base;
        this.latentSize = vae.latentSize();
        this.samples = vae.samplesPerExample();
        this.rng = Nd4j.getRandomFactory().getNewRandomInstance(seed);
    }

    /** One training MultiDataSet for inputs {@code x} and noise {@code eps}. */
    public static org.nd4j.linalg.dataset.MultiDataSet of(INDArray x, INDArray eps) {
        return new org.nd4j.linalg.dataset.MultiDataSet(new INDArray[] {x, eps}, new INDArray[] {x, null});
    }

    private org.nd4j.linalg.dataset.api.MultiDataSet wrap(DataSet ds) {
        INDArray x = ds.getFeatures();
        if (samples > 1) {
            x = x.repeat(0, samples);
        }
        INDArray eps = Nd4j.randn(new long[] {x.size(0), latentSize}, rng).castTo(x.dataType());
        org.nd4j.linalg.dataset.MultiDataSet mds = of(x, eps);
        if (preProcessor != null) {
            preProcessor.preProcess(mds);
        }
        return mds;
    }

    @Override
    public org.nd4j.linalg.dataset.api.MultiDataSet next(int num) {
        return wrap(base.next(num));
    }

    @Override
    public org.nd4j.linalg.dataset.api.MultiDataSet next() {
        return wrap(base.next());
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
