package org.unsupervisedzoo.zoo.denoising;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.unsupervisedzoo.zoo.autoencoder.Autoencoders;
import org.unsupervisedzoo.zoo.autoencoder.DenseAutoencoder;
import org.unsupervisedzoo.zoo.autoencoder.DenseAutoencoderBuilder;
import org.unsupervisedzoo.zoo.autoencoder.UndercompleteAutoencoder;

/**
 * Denoising autoencoder: an MLP autoencoder trained to reconstruct the clean input from a corrupted copy.
 *
 * <p><b>Objective.</b> {@code E_x E_{x~ ~ C(x~|x)} L(x, g(f(x~)))}: the corruption {@code C} (additive Gaussian,
 * masking, salt-and-pepper or occlusion, see the corruptions of this package) is applied to the input of
 * the first encoder layer during training only, fresh for every minibatch and seeded by {@code seed}; inference
 * (output, encode) sees the clean input. The target is always the clean input. For the Keras way
 * ({@code fit(noisy, clean)}), wrap the data in {@link org.unsupervisedzoo.zoo.denoising.CorruptingIterator} and set
 * {@code corruption(null)}.
 *
 * <p><b>Architecture</b> (defaults):
 * <pre>
 *   input            [batch, 784]   corrupted in training
 *   encoder-1        784 -> 256   relu     state size [batch, 256]
 *   code             256 -> 64    relu     state size [batch, 64]
 *   decoder-1         64 -> 256   relu     state size [batch, 256]
 *   reconstruction   256 -> 784   sigmoid  state size [batch, 784]  (loss BCE against the clean input)
 * </pre>
 *
 * <p><b>Defaults and tuning.</b> {@code hiddenSizes=[256, 64], corruption=GaussianCorruption(sigma 0.5,
 * clipped)} (the Keras blog's setting), other fields as {@link UndercompleteAutoencoder}. Masking noise of 0.25-0.5
 * and salt-and-pepper of 0.1-0.25 are typical (Vincent et al.); a larger corruption forces more robust features
 * but blurs the reconstructions.
 *
 * <p><b>Reference.</b> Vincent, Larochelle, Bengio &amp; Manzagol, "Extracting and composing robust features with
 * denoising autoencoders", ICML 2008; Vincent et al., "Stacked denoising autoencoders", JMLR 11 (2010).
 */
public final class DenoisingAutoencoder extends DenseAutoencoder<DenoisingAutoencoder.Builder> {
    private DenoisingAutoencoder(Builder b) {
        super(b);
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return "denoising-autoencoder";
    }

    /** The training-time corruption, or null when the data arrive corrupted already. */
    public Corruption corruption() {
        return b.corruption;
    }

    @Override
    public ComputationGraphConfiguration conf() {
        GraphBuilder g = b.graphBuilder();
        String prev = b.addEncoderHidden(g, b.corruption, null);
        // with no hidden layer the code layer is the first layer and carries the corruption
        g.addLayer(Autoencoders.CODE, DenseAutoencoderBuilder.dense(b.codeInputSize(), b.codeSize(), b.codeActivationSetting(),
                b.encoderDepth() == 1 ? b.corruption : null), prev);
        b.addDecoder(g, Autoencoders.CODE, null);
        return g.setOutputs(Autoencoders.RECONSTRUCTION).build();
    }

    /**
     * Hyper-parameters: those of {@link DenseAutoencoderBuilder} (here hiddenSizes [256, 64]) and
     * {@link org.unsupervisedzoo.zoo.core.ZooBuilder}, plus the corruption.
     */
    public static final class Builder extends DenseAutoencoderBuilder<Builder> {
        private Corruption corruption = new GaussianCorruption(0.5, true);

        private Builder() {
            hiddenSizes = new int[] {256, 64};
        }

        /** Training-time corruption of the input; null for none (data corrupted by an iterator). */
        public Builder corruption(Corruption corruption) {
            this.corruption = corruption;
            return this;
        }

        public DenoisingAutoencoder build() {
            validateDense();
            return new DenoisingAutoencoder(this);
        }
    }
}
