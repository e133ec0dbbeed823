package org.unsupervisedzoo.zoo.contractive;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.constraint.MaxNormConstraint;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.Activation;
import org.unsupervisedzoo.zoo.core.Checks;
import org.unsupervisedzoo.zoo.core.ActivityPenalty;
import org.unsupervisedzoo.zoo.core.ColumnSubsetVertex;
import org.unsupervisedzoo.zoo.autoencoder.Autoencoders;
import org.unsupervisedzoo.zoo.autoencoder.DenseAutoencoder;
import org.unsupervisedzoo.zoo.autoencoder.DenseAutoencoderBuilder;
import org.unsupervisedzoo.zoo.autoencoder.UndercompleteAutoencoder;

/**
 * Contractive autoencoder: an autoencoder whose encoder is penalised for being sensitive to its input.
 *
 * <p><b>Objective.</b> {@code L(x, g(f(x))) + lambda * ||J_f(x)||_F^2}, the squared Frobenius norm of the
 * Jacobian of the code {@code f(x)} with respect to the input (Rifai et al. 2011), averaged over the batch. The
 * code layer is the custom SameDiff layer {@link ContractiveDenseLayer}, which outputs the code and, per code
 * unit j, {@code q_j = phi'(z_j)^2 * ||W_:j||^2} (so {@code sum_j q_j = ||J||_F^2} exactly for its element-wise
 * activation; for a sigmoid this is Rifai's closed form). A penalty head ({@link ActivityPenalty}, L1 with weight
 * lambda) on {@code q} adds the term. With hidden layers before the code, the Jacobian is that of the code layer
 * with respect to its own input (the last layer's term, as in stacked CAEs), not of the whole encoder.
 *
 * <p><b>Architecture</b> (defaults, Rifai's one-layer CAE):
 * <pre>
 *   input                 [batch, 784]
 *   contractive-encoder   784 -> [code | q]  sigmoid   state size [batch, 2 * 512]
 *   code                  subset 0..511                state size [batch, 512]
 *   jacobian              subset 512..1023             state size [batch, 512]
 *   reconstruction        512 -> 784   sigmoid         state size [batch, 784]   (output 0, loss BCE)
 *   contractive-penalty   lambda * sum(jacobian)                                 (output 1, labels null)
 * </pre>
 *
 * <p><b>Using the encoder downstream.</b> {@link #encoderGraph(ComputationGraph)} copies the trained encoder into
 * an ordinary DL4J graph of built-in dense layers ({@code input -> ... -> code}) that reproduces the code, for
 * feature extraction or transfer learning with no custom layer on the classpath.
 *
 * <p><b>Defaults and tuning.</b> {@code hiddenSizes=[512], codeActivation=SIGMOID (SIGMOID, TANH, RELU,
 * SOFTPLUS or IDENTITY), lambda=1, decoderMaxNorm=0 (off; 1-3 when the encoder will start a classifier, see
 * {@link Builder#decoderMaxNorm})}, other fields as {@link UndercompleteAutoencoder}. Larger lambda contracts
 * more (a flatter, more invariant code) at a cost in reconstruction. The reconstruction term is BCE summed over
 * the 784 pixels (about 60-100 nats per digit), so lambda is on that scale: on the bundled sample, lambda 10
 * halved and lambda 30 cut {@code ||J||_F^2} by 3.3x against lambda 0 after 4 epochs; scan 0.1-30.
 *
 * <p><b>Reference.</b> S. Rifai, P. Vincent, X. Muller, X. Glorot, Y. Bengio, "Contractive auto-encoders:
 * explicit invariance during feature extraction", ICML 2011.
 */
public final class ContractiveAutoencoder extends DenseAutoencoder<ContractiveAutoencoder.Builder> {
    /** The custom code layer: outputs {@code [code | q]}. */
    public static final String CONTRACTIVE_ENCODER = "contractive-encoder";
    /** The per-unit Jacobian terms {@code q}. */
    public static final String JACOBIAN = "jacobian";
    /** The penalty head. */
    public static final String PENALTY = "contractive-penalty";

    private ContractiveAutoencoder(Builder b) {
        super(b);
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return "contractive-autoencoder";
    }

    @Override
    public int penaltyHeads() {
        return 1;
    }

    public double lambda() {
        return b.lambda;
    }

    @Override
    public ComputationGraphConfiguration conf() {
        GraphBuilder g = b.graphBuilder();
        String prev = b.addEncoderHidden(g, null, null);
        int k = b.codeSize();
        g.addLayer(CONTRACTIVE_ENCODER, ContractiveDenseLayer.builder().nIn(b.codeInputSize()).nOut(k)
                .activation(b.codeActivationSetting()).weightInit(b.weightInitSetting()).build(), prev);
        g.addVertex(Autoencoders.CODE, new ColumnSubsetVertex(0, k - 1), CONTRACTIVE_ENCODER);
        g.addVertex(JACOBIAN, new ColumnSubsetVertex(k, 2 * k - 1), CONTRACTIVE_ENCODER);
        b.addDecoder(g, Autoencoders.CODE, null,
                b.decoderMaxNorm > 0 ? new MaxNormConstraint(b.decoderMaxNorm, 1) : null);
        g.addLayer(PENALTY, new ActivityPenalty(ActivityPenalty.Norm.L1, b.lambda), JACOBIAN);
        return g.setOutputs(Autoencoders.RECONSTRUCTION, PENALTY).build();
    }

    /**
     * The encoder of a trained contractive autoencoder as an ordinary graph of DL4J dense layers,
     * {@code input -> encoder-1 ... -> code}, with the trained weights copied in: its output is the code.
     */
    @Override
    public ComputationGraph encoderGraph(ComputationGraph trained) {
        GraphBuilder g = b.graphBuilder();
        String prev = b.addEncoderHidden(g, null, null);
        g.addLayer(Autoencoders.CODE, DenseAutoencoderBuilder.dense(b.codeInputSize(), b.codeSize(),
                b.codeActivationSetting(), null), prev);
        ComputationGraph encoder = new ComputationGraph(g.setOutputs(Autoencoders.CODE).build());
        encoder.init();
        for (int i = 1; i < b.encoderDepth(); i++) {
            String name = Autoencoders.encoderLayer(i);
            encoder.getLayer(name).setParams(trained.getLayer(name).params().dup());
        }
        encoder.getLayer(Autoencoders.CODE).setParam("W",
                trained.getParam(CONTRACTIVE_ENCODER + "_" + ContractiveDenseLayer.WEIGHT_KEY).dup());
        encoder.getLayer(Autoencoders.CODE).setParam("b",
                trained.getParam(CONTRACTIVE_ENCODER + "_" + ContractiveDenseLayer.BIAS_KEY).dup());
        return encoder;
    }

    /**
     * Hyper-parameters: those of {@link DenseAutoencoderBuilder} (here hiddenSizes [512], codeActivation SIGMOID)
     * and {@link org.unsupervisedzoo.zoo.core.ZooBuilder}, plus lambda.
     */
    public static final class Builder extends DenseAutoencoderBuilder<Builder> {
        private double lambda = 1.0;
        private double decoderMaxNorm = 0;

        private Builder() {
            hiddenSizes = new int[] {512};
            codeActivation = Activation.SIGMOID;
        }

        /** Weight of {@code ||J_f(x)||_F^2}. Default 1; 0 gives a plain autoencoder with the same graph. */
        public Builder lambda(double lambda) {
            this.lambda = lambda;
            return this;
        }

        /**
         * If {@code > 0}, a max-norm constraint on the layer that reads the code: each code unit's outgoing weight
         * vector is rescaled to norm at most {@code decoderMaxNorm} after every update (DL4J's
         * {@code MaxNormConstraint} on dimension 1 of that layer's W). It removes the penalty's rescaling loophole:
         * with untied weights the encoder can shrink its weights by any factor {@code a} (cutting
         * {@code ||J||_F^2} by about {@code a^2}) while the decoder grows by {@code 1/a} and the reconstruction
         * stays the same, so the code stays in the activation's linear range instead of contracting by saturation
         * (Rifai et al. tie the decoder to {@code W^T}, which closes the same loophole). Measured on MNIST
         * (784-1000, lambda 1, 20 epochs): unconstrained, a unit's incoming weights end 12x smaller than a plain
         * autoencoder's, the decoder's 1.6x larger and the code sits near 0.5 (sd 0.18); with {@code 1} the code
         * saturates (sd 0.32) and the encoder, fine-tuned under a classifier, beats the same network from scratch
         * by 0.7-2.9 points of test error at 100 to 3000 labels (unconstrained: 0.8 better to 0.5 worse;
         * BENCHMARKS.md). A ReLU code is scale-free, so
         * there the loophole is exact (weights 60x smaller). Default 0 (off).
         */
        public Builder decoderMaxNorm(double decoderMaxNorm) {
            this.decoderMaxNorm = decoderMaxNorm;
            return this;
        }

        public ContractiveAutoencoder build() {
            validateDense();
            Checks.nonNegative("lambda", lambda);
            Checks.nonNegative("decoderMaxNorm", decoderMaxNorm);
            if (!ContractiveDenseLayer.SUPPORTED.contains(codeActivation)) {
                throw new IllegalArgumentException("codeActivation must be one of " + ContractiveDenseLayer.SUPPORTED
                        + ", got " + codeActivation);
            }
            return new ContractiveAutoencoder(this);
        }
    }
}
