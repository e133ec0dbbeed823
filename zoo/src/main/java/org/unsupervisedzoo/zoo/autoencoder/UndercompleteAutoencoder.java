package org.unsupervisedzoo.zoo.autoencoder;

import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.unsupervisedzoo.zoo.Checks;
import org.unsupervisedzoo.zoo.ZooModelFactory;

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
public final class UndercompleteAutoencoder implements ZooModelFactory {
    /** Name of the graph input. */
    public static final String INPUT = "input";
    /** Name of the code layer (the last encoder layer). */
    public static final String CODE = "code";
    /** Name of the output layer. */
    public static final String RECONSTRUCTION = "reconstruction";

    private final Builder b;

    private UndercompleteAutoencoder(Builder b) {
        this.b = b;
    }

    /** A builder with the defaults listed above. */
    public static Builder builder() {
        return new Builder();
    }

    /** Name of encoder layer {@code i} (1-based, before the code). */
    public static String encoderLayer(int i) {
        return "encoder-" + i;
    }

    /** Name of decoder layer {@code i} (1-based, after the code). */
    public static String decoderLayer(int i) {
        return "decoder-" + i;
    }

    @Override
    public String name() {
        return "undercomplete-autoencoder";
    }

    @Override
    public long[] inputShape() {
        return new long[] {b.inputSize};
    }

    public int inputSize() {
        return b.inputSize;
    }

    /** Encoder widths, the last being the code size. */
    public int[] hiddenSizes() {
        return b.hiddenSizes.clone();
    }

    public int codeSize() {
        return b.hiddenSizes[b.hiddenSizes.length - 1];
    }

    @Override
    public ComputationGraphConfiguration conf() {
        int[] h = b.hiddenSizes;
        GraphBuilder g = new NeuralNetConfiguration.Builder()
                .seed(b.seed)
                .dataType(b.dataType)
                .updater(b.updater)
                .weightInit(b.weightInit)
                .l1(b.l1)
                .l2(b.l2)
                .weightDecay(b.weightDecay)
                .graphBuilder()
                .addInputs(INPUT)
                .setInputTypes(InputType.feedForward(b.inputSize));

        // Encoder: inputSize -> h[0] -> ... -> h[k-1] (the code).
        String prev = INPUT;
        int width = b.inputSize;
        for (int i = 0; i < h.length; i++) {
            boolean isCode = i == h.length - 1;
            String name = isCode ? CODE : encoderLayer(i + 1);
            g.addLayer(name, dense(width, h[i], isCode ? b.codeActivation : b.activation, i > 0), prev);
            prev = name;
            width = h[i];
        }
        // Decoder: the mirror image, h[k-2] -> ... -> h[0].
        for (int i = h.length - 2; i >= 0; i--) {
            String name = decoderLayer(h.length - 1 - i);
            g.addLayer(name, dense(width, h[i], b.activation, true), prev);
            prev = name;
            width = h[i];
        }
        g.addLayer(RECONSTRUCTION, new OutputLayer.Builder(b.loss.dl4j())
                .nIn(width).nOut(b.inputSize)
                .activation(b.outputActivation)
                .dropOut(dropout())
                .build(), prev);
        return g.setOutputs(RECONSTRUCTION).build();
    }

    private DenseLayer dense(int nIn, int nOut, Activation activation, boolean dropInput) {
        DenseLayer.Builder layer = new DenseLayer.Builder().nIn(nIn).nOut(nOut).activation(activation);
        if (dropInput) {
            layer.dropOut(dropout());
        }
        return layer.build();
    }

    /** DL4J's dropout takes the retain probability; ours is the drop probability, as in Keras and PyTorch. */
    private Dropout dropout() {
        return b.dropout > 0 ? new Dropout(1.0 - b.dropout) : null;
    }

    /** The code (activations of {@value #CODE}) of a batch {@code x}, in inference mode. */
    public static INDArray encode(ComputationGraph graph, INDArray x) {
        Map<String, INDArray> acts = graph.feedForward(x, false);
        return acts.get(CODE);
    }

    /** The reconstruction of a batch {@code x}, in inference mode. */
    public static INDArray reconstruct(ComputationGraph graph, INDArray x) {
        return graph.outputSingle(false, x);
    }

    /** Hyper-parameters, each with its default. */
    public static final class Builder {
        private int inputSize = 784;
        private int[] hiddenSizes = {128, 64, 32};
        private Activation activation = Activation.RELU;
        private Activation codeActivation = Activation.RELU;
        private Activation outputActivation = Activation.SIGMOID;
        private ReconstructionLoss loss = ReconstructionLoss.BCE;
        private IUpdater updater = new Adam(1e-3);
        private WeightInit weightInit = WeightInit.XAVIER;
        private double l1 = 0;
        private double l2 = 0;
        private double weightDecay = 0;
        private double dropout = 0;
        private long seed = 12345;
        private DataType dataType = DataType.FLOAT;

        private Builder() {
        }

        /** Input width D. Default 784 (28x28). */
        public Builder inputSize(int inputSize) {
            this.inputSize = inputSize;
            return this;
        }

        /** Encoder widths, ending with the code size; the decoder mirrors them. Default [128, 64, 32]. */
        public Builder hiddenSizes(int... hiddenSizes) {
            this.hiddenSizes = hiddenSizes == null ? null : hiddenSizes.clone();
            return this;
        }

        /** Activation of hidden layers. Default RELU. */
        public Builder activation(Activation activation) {
            this.activation = activation;
            return this;
        }

        /** Activation of the code layer. Default RELU. */
        public Builder codeActivation(Activation codeActivation) {
            this.codeActivation = codeActivation;
            return this;
        }

        /** Activation of the reconstruction. Default SIGMOID (pixels in [0,1]). */
        public Builder outputActivation(Activation outputActivation) {
            this.outputActivation = outputActivation;
            return this;
        }

        /** Reconstruction loss. Default BCE. */
        public Builder loss(ReconstructionLoss loss) {
            this.loss = loss;
            return this;
        }

        /** Optimiser, e.g. {@code new Sgd(0.1)}, {@code new Adam(1e-3)}. Default Adam(1e-3). */
        public Builder updater(IUpdater updater) {
            this.updater = updater;
            return this;
        }

        /** Weight initialisation. Default XAVIER. */
        public Builder weightInit(WeightInit weightInit) {
            this.weightInit = weightInit;
            return this;
        }

        /** L1 penalty on weights. Default 0. */
        public Builder l1(double l1) {
            this.l1 = l1;
            return this;
        }

        /** L2 penalty on weights (exclusive with weightDecay). Default 0. */
        public Builder l2(double l2) {
            this.l2 = l2;
            return this;
        }

        /** Decoupled weight decay coefficient, scaled by the learning rate (exclusive with l2). Default 0. */
        public Builder weightDecay(double weightDecay) {
            this.weightDecay = weightDecay;
            return this;
        }

        /** Probability of dropping a hidden activation during training, in [0,1). Default 0. */
        public Builder dropout(double dropout) {
            this.dropout = dropout;
            return this;
        }

        /** Seed of the weight initialisation and dropout. Default 12345. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Parameter and activation type. Default FLOAT; DOUBLE for gradient checks. */
        public Builder dataType(DataType dataType) {
            this.dataType = dataType;
            return this;
        }

        /** Validates the hyper-parameters and returns the factory. */
        public UndercompleteAutoencoder build() {
            Checks.positive("inputSize", inputSize);
            Checks.positiveSizes("hiddenSizes", hiddenSizes);
            Checks.notNull("activation", activation);
            Checks.notNull("codeActivation", codeActivation);
            Checks.notNull("outputActivation", outputActivation);
            Checks.notNull("loss", loss);
            Checks.notNull("updater", updater);
            Checks.notNull("weightInit", weightInit);
            Checks.notNull("dataType", dataType);
            Checks.nonNegative("l1", l1);
            Checks.nonNegative("l2", l2);
            Checks.nonNegative("weightDecay", weightDecay);
            if (l2 > 0 && weightDecay > 0) {
                throw new IllegalArgumentException("set l2 (" + l2 + ") or weightDecay (" + weightDecay
                        + "), not both: DL4J keeps only one of them");
            }
            Checks.inRange("dropout", dropout, 0, 1);
            if (!dataType.isFPType()) {
                throw new IllegalArgumentException("dataType must be a floating-point type, got " + dataType);
            }
            return new UndercompleteAutoencoder(this);
        }
    }
}
