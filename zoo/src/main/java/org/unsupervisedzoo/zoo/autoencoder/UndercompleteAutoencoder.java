package org.unsupervisedzoo.zoo.autoencoder;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.dropout.IDropout;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.unsupervisedzoo.zoo.core.Checks;

/**
 * Deep undercomplete autoencoder: a symmetric MLP that squeezes its input through a narrow code and
 * reconstructs it.
 *
 * <p><b>Objective.</b> For inputs {@code x} in [0,1]^D, encoder {@code f} and decoder {@code g}, minimise the
 * mean over the batch of {@code L(x, g(f(x)))} plus an optional weight penalty
 * {@code l1 * |W|_1 + l2 * |W|_2^2} (or decoupled weight decay), where {@code L} is the binary cross-entropy
 * {@code -sum_i [x_i log y_i + (1 - x_i) log(1 - y_i)]} (default) or the mean squared error. With a code
 * smaller than the input, the network must learn the structure of the data to reconstruct it (the
 * "regularized autoencoder" of Goodfellow et al. is this objective with the weight penalty's lambda).
 *
 * <p><b>Architecture</b> (defaults):
 * <pre>
 *   input            [batch, 784]
 *   encoder-1        784 -> 128   relu     state size [batch, 128]
 *   encoder-2        128 -> 64    relu     state size [batch, 64]
 *   code              64 -> 32    relu     state size [batch, 32]   (the features)
 *   decoder-1         32 -> 64    relu     state size [batch, 64]
 *   decoder-2         64 -> 128   relu     state size [batch, 128]
 *   reconstruction   128 -> 784   sigmoid  state size [batch, 784]  (output layer, loss BCE)
 * </pre>
 * {@code hiddenSizes} lists the encoder widths ending with the code; the decoder mirrors them. The graph's
 * input is {@value #INPUT}; its only output is {@value #RECONSTRUCTION}; labels are the input itself
 * (train with {@code fit(x, x)} or an iterator whose labels are its features).
 *
 * <p><b>Defaults and tuning.</b> {@code inputSize=784, hiddenSizes=[128, 64, 32], activation=RELU,
 * codeActivation=RELU, outputActivation=SIGMOID, loss=BCE, updater=Adam(1e-3), weightInit=XAVIER, l1=0, l2=0,
 * weightDecay=0, dropout=0, seed=12345, dataType=FLOAT}. A linear code ({@code codeActivation=IDENTITY})
 * avoids dead code units when the code is very small; {@code dropout} is the probability of dropping a hidden
 * activation (not the input: that is the denoising autoencoder's job); DL4J keeps L2 and weight decay
 * exclusive, so set at most one of them.
 *
 * <p><b>Reference.</b> Hinton &amp; Salakhutdinov, "Reducing the dimensionality of data with neural networks",
 * Science 313 (2006); Goodfellow, Bengio &amp; Courville, Deep Learning, ch. 14 (2016); F. Chollet,
 * "Building Autoencoders in Keras" (2016), whose deep 128-64-32 model reached a test BCE of about 0.08-0.10.
 */
public final class UndercompleteAutoencoder extends DenseAutoencoder<UndercompleteAutoencoder.Builder> {
    /** Name of the graph input. */
    public static final String INPUT = Autoencoders.INPUT;
    /** Name of the code layer (the last encoder layer). */
    public static final String CODE = Autoencoders.CODE;
    /** Name of the output layer. */
    public static final String RECONSTRUCTION = Autoencoders.RECONSTRUCTION;

    private UndercompleteAutoencoder(Builder b) {
        super(b);
    }

    /** A builder with the defaults listed above. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return "undercomplete-autoencoder";
    }

    @Override
    public ComputationGraphConfiguration conf() {
        GraphBuilder g = b.graphBuilder();
        IDropout drop = dropout();
        String prev = b.addEncoderHidden(g, null, drop);
        g.addLayer(CODE, DenseAutoencoderBuilder.dense(b.codeInputSize(), b.codeSize(), b.codeActivation,
                b.hiddenSizes.length > 1 ? drop : null), prev);
        b.addDecoder(g, CODE, drop);
        return g.setOutputs(RECONSTRUCTION).build();
    }

    /** DL4J's dropout takes the retain probability; ours is the drop probability, as in Keras and PyTorch. */
    private IDropout dropout() {
        return b.dropout > 0 ? new Dropout(1.0 - b.dropout) : null;
    }

    /** The code (activations of {@value #CODE}) of a batch {@code x}, in inference mode. */
    public static INDArray encode(ComputationGraph graph, INDArray x) {
        return Autoencoders.encode(graph, x);
    }

    /** The reconstruction of a batch {@code x}, in inference mode. */
    public static INDArray reconstruct(ComputationGraph graph, INDArray x) {
        return Autoencoders.reconstruct(graph, x);
    }

    /**
     * Hyper-parameters, each with its default: those of {@link DenseAutoencoderBuilder} (inputSize 784,
     * hiddenSizes [128, 64, 32], activation RELU, codeActivation RELU, outputActivation SIGMOID, loss BCE) and
     * {@link org.unsupervisedzoo.zoo.core.ZooBuilder} (updater Adam(1e-3), weightInit XAVIER, l1 0, l2 0,
     * weightDecay 0, seed 12345, dataType FLOAT), plus dropout.
     */
    public static final class Builder extends DenseAutoencoderBuilder<Builder> {
        private double dropout = 0;

        private Builder() {
        }

        /** Probability of dropping a hidden activation during training, in [0,1). Default 0. */
        public Builder dropout(double dropout) {
            this.dropout = dropout;
            return this;
        }

        /** Validates the hyper-parameters and returns the factory. */
        public UndercompleteAutoencoder build() {
            validateDense();
            Checks.inRange("dropout", dropout, 0, 1);
            return new UndercompleteAutoencoder(this);
        }
    }
}
