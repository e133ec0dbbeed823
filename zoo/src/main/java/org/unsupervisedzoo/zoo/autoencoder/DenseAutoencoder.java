package org.unsupervisedzoo.zoo.autoencoder;

/**
 * What the dense zoo autoencoders share once built: their validated builder and the accessors derived from it.
 *
 * @param <B> the model's builder
 */
public abstract class DenseAutoencoder<B extends DenseAutoencoderBuilder<B>> implements AutoencoderFactory {
    protected final B b;

    protected DenseAutoencoder(B b) {
        this.b = b.copy();
    }

    @Override
    public long[] inputShape() {
        return new long[] {b.inputSize};
    }

    @Override
    public ReconstructionLoss loss() {
        return b.loss;
    }

    @Override
    public int codeSize() {
        return b.codeSize();
    }

    public int inputSize() {
        return b.inputSize;
    }

    /** Encoder widths, the last being the code size. */
    public int[] hiddenSizes() {
        return b.hiddenSizes.clone();
    }
}
