package org.unsupervisedzoo.zoo.vae;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.unsupervisedzoo.zoo.core.MappedMultiDataSetIterator;

/**
 * Feeds a {@link VAE} graph from a DataSetIterator of inputs: features {@code [x, eps]}, labels {@code [x, null]},
 * where {@code eps ~ N(0, I)} is drawn in Java for every minibatch from a generator of its own seeded by
 * {@code seed} (fresh each batch, the same array in the forward and backward pass, reproducible). With
 * {@code samplesPerExample = k > 1} each example is repeated k times, in consecutive rows (example-major: rows
 * {@code i k .. i k + k - 1} are example {@code i}), each copy with its own noise, so the score is the k-sample
 * average of the ELBO estimate, or, with the IWAE objective, the k-sample importance-weighted bound (whose output
 * layer groups the rows so; labels then {@code [x]}, the graph's only output).
 */
public final class VaeIterator extends MappedMultiDataSetIterator {
    private final int latentSize;
    private final int samples;
    private final boolean iwae;
    private final Random rng;

    public VaeIterator(DataSetIterator base, VAE vae, long seed) {
        super(base);
        if (vae == null) {
            throw new IllegalArgumentException("vae must not be null");
        }
        this.latentSize = vae.latentSize();
        this.samples = vae.samplesPerExample();
        this.iwae = vae.objective() == VAE.Objective.IWAE;
        this.rng = Nd4j.getRandomFactory().getNewRandomInstance(seed);
    }

    /** One training MultiDataSet of an ELBO graph for inputs {@code x} and noise {@code eps}. */
    public static org.nd4j.linalg.dataset.MultiDataSet of(INDArray x, INDArray eps) {
        return new org.nd4j.linalg.dataset.MultiDataSet(new INDArray[] {x, eps}, new INDArray[] {x, null});
    }

    /**
     * One training MultiDataSet of {@code vae}'s graph for inputs {@code x} and noise {@code eps} (rows as given: for
     * the IWAE objective, k consecutive copies of each example, as {@link #repeat} makes them).
     */
    public static org.nd4j.linalg.dataset.MultiDataSet of(VAE vae, INDArray x, INDArray eps) {
        return vae.objective() == VAE.Objective.IWAE
                ? new org.nd4j.linalg.dataset.MultiDataSet(new INDArray[] {x, eps}, new INDArray[] {x})
                : of(x, eps);
    }

    /** Each row of {@code x} repeated {@code k} times in consecutive rows (example-major), {@code [n k, D]}. */
    public static INDArray repeat(INDArray x, int k) {
        return k == 1 ? x : x.repeat(0, k);
    }

    /**
     * Prefetchable when the base is (DL4J's {@code fit(iterator)} then builds batches on a second thread, inside a
     * workspace): batches are drawn in order, so the noise is the same as without prefetching (test).
     */
    @Override
    public boolean asyncSupported() {
        return base().asyncSupported();
    }

    @Override
    protected org.nd4j.linalg.dataset.api.MultiDataSet map(DataSet ds) {
        INDArray x = ds.getFeatures();
        x = repeat(x, samples);
        INDArray eps = Nd4j.randn(new long[] {x.size(0), latentSize}, rng).castTo(x.dataType());
        return iwae ? new org.nd4j.linalg.dataset.MultiDataSet(new INDArray[] {x, eps}, new INDArray[] {x})
                : of(x, eps);
    }
}
