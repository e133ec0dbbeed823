package org.unsupervisedzoo.spark;

import java.io.Serializable;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.unsupervisedzoo.zoo.autoencoder.AutoencoderFactory;
import org.unsupervisedzoo.zoo.vae.VAE;
import org.unsupervisedzoo.zoo.vae.VaeIterator;
import org.unsupervisedzoo.zoo.core.ReconstructionIterator;

/**
 * Turns one batch of MNIST images ({@code DataSet}: features, and class labels or clean targets) into the MultiDataSet a zoo graph
 * trains on, on the Spark worker, with a random generator the trainer seeds per (run seed, epoch, partition). It
 * is the worker-side twin of the examples' training iterators: {@link ReconstructionIterator} (features
 * {@code [x]}, labels {@code [x, null...]} with one null per penalty head) and {@link VaeIterator} (features
 * {@code [x, eps]}, labels {@code [x, null]}, {@code eps ~ N(0, I)} fresh for every batch of every epoch).
 * Optional dynamic binarization draws {@code x ~ Bernoulli(pixels)} per batch, as {@code --binarize dynamic}.
 * Implementations travel to the workers by Java serialization, so they hold only numbers.
 */
public interface BatchShaper extends Serializable {
    /** The training MultiDataSet of one batch; {@code rng} is the worker's generator for this partition. */
    MultiDataSet shape(DataSet batch, Random rng);

    /** The shaper of an autoencoder factory: VAE noise for a {@link VAE}, penalty-head nulls otherwise. */
    static BatchShaper of(AutoencoderFactory factory, boolean binarize) {
        if (factory instanceof VAE) {
            VAE vae = (VAE) factory;
            return new Vae(vae.latentSize(), vae.samplesPerExample(), binarize);
        }
        return new Reconstruction(factory.penaltyHeads(), binarize);
    }

    /** Bernoulli draws of pixel intensities in [0, 1]. */
    static INDArray binarized(INDArray x, Random rng) {
        INDArray u = Nd4j.rand(rng, x.shape()).castTo(x.dataType());
        return u.lt(x).castTo(x.dataType());
    }

    /** Features {@code [x]}, labels {@code [x, null, ...]}. */
    final class Reconstruction implements BatchShaper {
        private static final long serialVersionUID = 1L;
        private final int penaltyHeads;
        private final boolean binarize;

        public Reconstruction(int penaltyHeads, boolean binarize) {
            if (penaltyHeads < 0) {
                throw new IllegalArgumentException("penaltyHeads must be >= 0, got " + penaltyHeads);
            }
            this.penaltyHeads = penaltyHeads;
            this.binarize = binarize;
        }

        @Override
        public MultiDataSet shape(DataSet batch, Random rng) {
            if (binarize) {
                INDArray x = binarized(batch.getFeatures(), rng);
                return ReconstructionIterator.of(x, x, penaltyHeads);
            }
            // the examples' rule: labels of the features' shape are the target (e.g. clean inputs), else x itself
            return ReconstructionIterator.of(batch.getFeatures(), ReconstructionIterator.target(batch), penaltyHeads);
        }

        public int penaltyHeads() {
            return penaltyHeads;
        }
    }

    /** Features {@code [x, eps]}, labels {@code [x, null]}; each example repeated {@code samples} times. */
    final class Vae implements BatchShaper {
        private static final long serialVersionUID = 1L;
        private final int latentSize;
        private final int samples;
        private final boolean binarize;

        public Vae(int latentSize, int samples, boolean binarize) {
            if (latentSize < 1) {
                throw new IllegalArgumentException("latentSize must be >= 1, got " + latentSize);
            }
            if (samples < 1) {
                throw new IllegalArgumentException("samples must be >= 1, got " + samples);
            }
            this.latentSize = latentSize;
            this.samples = samples;
            this.binarize = binarize;
        }

        @Override
        public MultiDataSet shape(DataSet batch, Random rng) {
            INDArray x = binarize ? binarized(batch.getFeatures(), rng) : batch.getFeatures();
            if (samples > 1) {
                x = x.repeat(0, samples);
            }
            return VaeIterator.of(x, Nd4j.randn(new long[] {x.size(0), latentSize}, rng).castTo(x.dataType()));
        }
    }
}
