package org.unsupervisedzoo.zoo.sparse;

import org.deeplearning4j.nn.conf.layers.DenseLayer;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.nd4j.linalg.activations.Activation;
import org.unsupervisedzoo.zoo.core.Checks;
import org.unsupervisedzoo.zoo.core.ActivityPenalty;
import org.unsupervisedzoo.zoo.autoencoder.Autoencoders;
import org.unsupervisedzoo.zoo.autoencoder.DenseAutoencoder;
import org.unsupervisedzoo.zoo.autoencoder.DenseAutoencoderBuilder;

/**
 * Sparse autoencoder: an autoencoder, overcomplete by default (more code units than inputs), whose code is kept
 * sparse so that it cannot simply copy its input. Three ways to make the code sparse:
 * <ul>
 *   <li>{@link Sparsity#KL} (default): {@code L(x, g(f(x))) + beta * sum_j KL(rho || rho_hat_j)}, where
 *       {@code rho_hat_j} is code unit j's mean activation over the batch (Ng, CS294A notes). Sigmoid code.
 *       The penalty is the custom SameDiff head {@link KLSparsityPenalty}, vertex {@value #SPARSITY}.</li>
 *   <li>{@link Sparsity#L1}: {@code L + l1Activity * sum_j |h_j|}, the activity regularizer of the Keras blog
 *       (256-32-256 with 1e-5 there). ReLU code. Custom head {@link ActivityPenalty}, vertex {@value #SPARSITY}.</li>
 *   <li>{@link Sparsity#K_SPARSE}: a linear code that keeps only its k largest units per example
 *       (Makhzani &amp; Frey 2014), via {@link KSparseActivation}. No penalty head.</li>
 * </ul>
 *
 * <p><b>Architecture</b> (defaults):
 * <pre>
 *   input            [batch, 784]
 *   code             784 -> 1024   sigmoid  state size [batch, 1024]   (overcomplete)
 *   reconstruction  1024 -> 784    sigmoid  state size [batch, 784]    (output 0, loss BCE)
 *   sparsity         code -> scalar penalty                           (output 1, labels null)
 * </pre>
 * Train with a MultiDataSet whose labels are {@code [x, null]} (KL, L1) or {@code [x]} (K_SPARSE);
 * {@link #penaltyHeads()} says which.
 *
 * <p><b>Defaults and tuning.</b> {@code hiddenSizes=[1024], sparsity=KL, rho=0.05, beta=3, l1Activity=1e-5,
 * k=25}; {@code codeActivation} defaults to what the mode needs (SIGMOID for KL, which requires it; RELU for L1;
 * the k-sparse unit for K_SPARSE). Typical {@code rho} is 0.05-0.1 with beta near 3 (Ng's notes, with squared
 * error); a larger beta holds the mean activation closer to rho at some cost in reconstruction. The default BCE is
 * summed over the 784 pixels, a larger reconstruction term than Ng's, so with BCE a beta of 10-30 holds rho as
 * tightly as beta 3 does with {@code loss(MSE)}. Likewise Keras averages BCE over pixels, so its L1 weight 1e-5
 * corresponds to about {@code 784 * 1e-5 = 8e-3} here.
 *
 * <p><b>Reference.</b> A. Ng, "Sparse autoencoder", CS294A lecture notes (2011); A. Makhzani &amp; B. Frey,
 * "k-Sparse Autoencoders", ICLR 2014; F. Chollet, "Building Autoencoders in Keras" (2016).
 */
public final class SparseAutoencoder extends DenseAutoencoder<SparseAutoencoder.Builder> {
    /** Name of the penalty head (KL and L1 modes). */
    public static final String SPARSITY = "sparsity";

    /** How the code is made sparse. */
    public enum Sparsity {
        KL,
        L1,
        K_SPARSE
    }

    private SparseAutoencoder(Builder b) {
        super(b);
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return "sparse-autoencoder";
    }

    @Override
    public int penaltyHeads() {
        return b.sparsity == Sparsity.K_SPARSE ? 0 : 1;
    }

    public Sparsity sparsity() {
        return b.sparsity;
    }

    /** Target mean activation of the KL mode. */
    public double rho() {
        return b.rho;
    }

    @Override
    public ComputationGraphConfiguration conf() {
        GraphBuilder g = b.graphBuilder();
        String prev = b.addEncoderHidden(g, null, null);
        g.addLayer(Autoencoders.CODE, new DenseLayer.Builder().nIn(b.codeInputSize()).nOut(b.codeSize())
                .activation(b.sparsity == Sparsity.K_SPARSE ? new KSparseActivation(b.k)
                        : b.codeActivationSetting().getActivationFunction()).build(), prev);
        b.addDecoder(g, Autoencoders.CODE, null);
        switch (b.sparsity) {
            case KL:
                g.addLayer(SPARSITY, new KLSparsityPenalty(b.rho, b.beta), Autoencoders.CODE);
                return g.setOutputs(Autoencoders.RECONSTRUCTION, SPARSITY).build();
            case L1:
                g.addLayer(SPARSITY, new ActivityPenalty(ActivityPenalty.Norm.L1, b.l1Activity), Autoencoders.CODE);
                return g.setOutputs(Autoencoders.RECONSTRUCTION, SPARSITY).build();
            default:
                return g.setOutputs(Autoencoders.RECONSTRUCTION).build();
        }
    }

    /**
     * Hyper-parameters: those of {@link DenseAutoencoderBuilder} (here hiddenSizes [1024], codeActivation by
     * mode) and {@link org.unsupervisedzoo.zoo.core.ZooBuilder}, plus the sparsity settings.
     */
    public static final class Builder extends DenseAutoencoderBuilder<Builder> {
        private Sparsity sparsity = Sparsity.KL;
        private double rho = 0.05;
        private double beta = 3.0;
        private double l1Activity = 1e-5;
        private int k = 25;

        private Builder() {
            hiddenSizes = new int[] {1024};
            codeActivation = null; // by mode, resolved in build()
        }

        /** How the code is made sparse. Default KL. */
        public Builder sparsity(Sparsity sparsity) {
            this.sparsity = sparsity;
            return this;
        }

        /** KL mode: target mean activation, in (0,1). Default 0.05. */
        public Builder rho(double rho) {
            this.rho = rho;
            return this;
        }

        /** KL mode: penalty weight. Default 3. */
        public Builder beta(double beta) {
            this.beta = beta;
            return this;
        }

        /** L1 mode: weight of {@code sum_j |h_j|}. Default 1e-5. */
        public Builder l1Activity(double l1Activity) {
            this.l1Activity = l1Activity;
            return this;
        }

        /** K_SPARSE mode: code units kept per example. Default 25. */
        public Builder k(int k) {
            this.k = k;
            return this;
        }

        public SparseAutoencoder build() {
            Checks.notNull("sparsity", sparsity);
            if (codeActivation == null) {
                codeActivation = sparsity == Sparsity.L1 ? Activation.RELU : Activation.SIGMOID;
            }
            validateDense();
            if (sparsity == Sparsity.KL && codeActivation != Activation.SIGMOID) {
                throw new IllegalArgumentException("codeActivation must be SIGMOID for the KL penalty (activations in"
                        + " (0,1)), got " + codeActivation);
            }
            if (!(rho > 0 && rho < 1)) {
                throw new IllegalArgumentException("rho must be in (0,1), got " + rho);
            }
            Checks.nonNegative("beta", beta);
            Checks.nonNegative("l1Activity", l1Activity);
            Checks.positive("k", k);
            if (sparsity == Sparsity.K_SPARSE && k > codeSize()) {
                throw new IllegalArgumentException("k (" + k + ") must not exceed the code size (" + codeSize() + ")");
            }
            return new SparseAutoencoder(this);
        }
    }
}
