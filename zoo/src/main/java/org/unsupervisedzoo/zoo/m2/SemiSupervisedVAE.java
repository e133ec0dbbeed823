package org.unsupervisedzoo.zoo.m2;

import java.util.List;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.unsupervisedzoo.zoo.core.Checks;
import org.unsupervisedzoo.zoo.core.ColumnSubsetVertex;
import org.unsupervisedzoo.zoo.core.GraphIO;
import org.unsupervisedzoo.zoo.core.StockLayers;
import org.unsupervisedzoo.zoo.core.ZooBuilder;
import org.unsupervisedzoo.zoo.core.ZooModelFactory;
import org.unsupervisedzoo.zoo.vae.ReparameterizationLayer;
import org.unsupervisedzoo.zoo.vae.VAE;

/**
 * M2, the semi-supervised variational autoencoder of Kingma, Rezende, Mohamed &amp; Welling (2014): a generative
 * model {@code p(y) p(z) p(x|y,z)} of digits {@code x} with a class {@code y} that is sometimes observed, and three
 * networks: the classifier {@code q(y|x)}, the encoder {@code q(z|x,y)} and the decoder {@code p(x|y,z)}.
 *
 * <p><b>Objective.</b> Minimise, over {@code N = N_l + N_u} training digits of which {@code N_l} have a label,
 * <pre>
 *   J^alpha = sum_{(x,y) labelled} L(x, y) + sum_{x unlabelled} U(x) + alpha N E_{labelled}[-log q(y|x)]
 *   L(x, y) = -ELBO(x, y) = E_{q(z|x,y)}[-log p(x|y,z)] + KL(q(z|x,y) || N(0, I)) - log p(y)
 *   U(x)    = sum_y q(y|x) L(x, y) - H(q(y|x))
 * </pre>
 * with {@code p(y)} uniform over the {@code K} classes, {@code p(x|y,z)} Bernoulli (sigmoid of the decoder's
 * logits; BCE summed over pixels) or, with {@code likelihood(GAUSSIAN)}, a diagonal Gaussian (the decoder gives a
 * mean and a log-variance per input dimension; M1+M2 trains M2 so on the latent means of a trained VAE), {@code q(z|x,y) = N(mu, diag(exp(logvar)))} sampled by the reparameterization
 * {@code z = mu + exp(logvar/2) eps}, and the paper's {@code alpha = 0.1 N} written as {@code alpha * N} with the
 * field {@code alpha = 0.1}: the classification loss of a labelled digit weighs {@code 0.1 N / N_l} (60 for 100
 * labels of 60,000 digits). The classifier is trained by this term and, through {@code U}, by every unlabelled
 * digit; a digit is classified by {@code argmax_y q(y|x)}.
 *
 * <p><b>The sum over y.</b> Each unlabelled digit is replicated {@code K} times in the batch, once with each one-hot
 * class as the graph's {@value #LABEL} input, so {@code L(x, y)} is computed for every {@code y} by the same
 * encoder and decoder in one pass; one output layer, {@link M2ObjectiveLayer}, sees all rows with the classifier's
 * logits and weights each row: {@code q(y|x)(L(x, y) + log q(y|x))} summed over the replicas is {@code U(x)}. A
 * labelled digit is a single row. The rows' weights ride in the labels, so the graph's score (DL4J's mean over
 * rows) is an unbiased minibatch estimate of {@code J^alpha / N}; {@link M2Batches} builds rows and weights,
 * {@link M2Iterator} an epoch of them. The cost: an unlabelled digit costs {@code K} encoder and decoder passes (as
 * in the paper, which sums over {@code y} exactly rather than sampling it), and its classifier pass is repeated on
 * each replica. The KL term is computed inside the objective layer, not by the VAE's {@code GaussianKLPenalty}
 * head, because each row's KL is weighted by {@code q(y|x)}; the reparameterization is the VAE's
 * {@link ReparameterizationLayer}, its noise a graph input drawn in Java.
 *
 * <p><b>Architecture</b> (defaults; {@code D} = 784 pixels, {@code K} = 10 classes, {@code L} = 50):
 * <pre>
 *   input  [rows, 784]    label [rows, 10] (one-hot)    eps [rows, 50]
 *   classifier-1     784 -> 500        softplus
 *   class-logits     500 -> 10         identity        (q(y|x) = softmax, in the objective)
 *   encoder-input    merge(input, label)               [rows, 794]
 *   encoder-1        794 -> 500        softplus
 *   z-params         500 -> 100        identity        [mu | logvar]
 *   z-mean, z-logvar subsets of z-params               [rows, 50] each
 *   z-input          merge(z-mean, z-logvar, eps)      [rows, 150]
 *   z                reparameterization                [rows, 50]
 *   decoder-input    merge(z, label)                   [rows, 60]
 *   decoder-1        60 -> 500         softplus
 *   decoder-logits   500 -> 784        identity        (p(x|y,z) = Bernoulli(sigmoid))
 *   objective-input  merge(decoder-logits, z-params, class-logits, label)   [rows, 904]
 *   objective        M2ObjectiveLayer: labels [x | w_L | w_C | w_U]; returns q(y|x) [rows, 10]   (the only output)
 * </pre>
 * At inference only the classifier matters: {@link #classify} feeds zeros as {@value #LABEL} and {@value #EPS}, and
 * {@link #classifierGraph} cuts {@code input -> classifier -> softmax} out of a trained graph as a plain DL4J
 * graph; {@link #decoderGraph} gives {@code (z, y) -> p(x|y,z)} for class-conditional samples.
 *
 * <p><b>Defaults and tuning.</b> {@code inputSize=784, numClasses=10, classifierSizes=[500], hiddenSizes=[500]
 * (encoder; the decoder mirrors), latentSize=50, activation=SOFTPLUS, alpha=0.1, likelihood=BERNOULLI}, updater {@code Adam(3e-4)}, plus
 * the other {@link ZooBuilder} fields. Latent size, softplus units, {@code alpha = 0.1 N} and the learning rate
 * 3e-4 are the paper's and its authors' code's settings (their code ran 3,000 epochs, with one hidden layer of 500
 * units, 300 for 100 labels, on M1's features); a larger {@code alpha} leans on the few labels, a smaller one on the
 * generative model. The per-step cost is about {@code K + 1} VAE passes per unlabelled digit.
 *
 * <p><b>References.</b> D. P. Kingma, D. J. Rezende, S. Mohamed, M. Welling, "Semi-supervised learning with deep
 * generative models", NIPS 2014 (M2 alone: 11.97% test error with 100 labels, Table 1; M1+M2: 3.33%); D. P.
 * Kingma, M. Welling, "Auto-encoding variational Bayes", ICLR 2014; the authors' code,
 * github.com/dpkingma/nips14-ssl.
 */
public final class SemiSupervisedVAE implements ZooModelFactory {
    /** The digits. */
    public static final String INPUT = "input";
    /** The one-hot class of each row. */
    public static final String LABEL = "label";
    /** The reparameterization noise. */
    public static final String EPS = VAE.EPS;
    /** The classifier's logits (its softmax is q(y|x)). */
    public static final String CLASS_LOGITS = "class-logits";
    public static final String ENCODER_INPUT = "encoder-input";
    public static final String Z_PARAMS = VAE.Z_PARAMS;
    public static final String Z_MEAN = VAE.Z_MEAN;
    public static final String Z_LOGVAR = VAE.Z_LOGVAR;
    public static final String Z_INPUT = VAE.Z_INPUT;
    public static final String Z = VAE.Z;
    public static final String DECODER_INPUT = "decoder-input";
    /** The decoder's Bernoulli logits. */
    public static final String DECODER_LOGITS = "decoder-logits";
    public static final String OBJECTIVE_INPUT = "objective-input";
    /** The output: the M2 objective; its activations are q(y|x). */
    public static final String OBJECTIVE = "objective";
    /** The softmax output of {@link #classifierGraph}. */
    public static final String PREDICTION = "prediction";
    /** The sigmoid output of {@link #decoderGraph}. */
    public static final String RECONSTRUCTION = "reconstruction";

    private final Builder b;

    private SemiSupervisedVAE(Builder b) {
        this.b = b.copy();
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return "semi-supervised-vae";
    }

    @Override
    public long[] inputShape() {
        return new long[] {b.inputSize};
    }

    public int inputSize() {
        return b.inputSize;
    }

    public int numClasses() {
        return b.numClasses;
    }

    public int latentSize() {
        return b.latentSize;
    }

    /** The factor of {@code N} in the paper's {@code alpha = 0.1 N}. */
    public double alpha() {
        return b.alpha;
    }

    public DataType dataType() {
        return b.getDataType();
    }

    /** Name of the classifier's hidden layer {@code i}, from 1. */
    public static String classifierLayer(int i) {
        return "classifier-" + i;
    }

    /** Name of the encoder's hidden layer {@code i}, from 1. */
    public static String encoderLayer(int i) {
        return "encoder-" + i;
    }

    /** Name of the decoder's hidden layer {@code i}, from 1. */
    public static String decoderLayer(int i) {
        return "decoder-" + i;
    }

    @Override
    public List<GraphIO> inputs() {
        return List.of(GraphIO.data(INPUT, inputShape()),
                new GraphIO(LABEL, new long[] {b.numClasses}, "one-hot y: a labelled digit's label, or each class in"
                        + " turn for the K copies of an unlabelled digit (M2Batches builds the rows)",
                        "zeros (q(y|x), the output, does not read it)"),
                new GraphIO(EPS, new long[] {b.latentSize}, "standard normal noise N(0, I), a fresh draw per row",
                        "zeros"));
    }

    @Override
    public String[] describeOutput(String name, boolean penaltyHead) {
        return new String[] {"[x | w_L | w_C | w_U] per row: the digit and the row's weights of -ELBO, of the"
            + " classification loss and of the unlabelled term (M2Batches computes them)",
            "q(y|x), the classifier's class probabilities"};
    }

    @Override
    public ComputationGraphConfiguration conf() {
        int l = b.latentSize;
        GraphBuilder g = b.netBuilder().graphBuilder()
                .addInputs(INPUT, LABEL, EPS)
                .setInputTypes(InputType.feedForward(b.inputSize), InputType.feedForward(b.numClasses),
                        InputType.feedForward(l));
        addClassifier(g, false);
        // encoder q(z|x,y)
        g.addVertex(ENCODER_INPUT, new MergeVertex(), INPUT, LABEL);
        String prev = ENCODER_INPUT;
        for (int i = 0; i < b.hiddenSizes.length; i++) {
            g.addLayer(encoderLayer(i + 1), StockLayers.dense(0, b.hiddenSizes[i], b.activation, null), prev);
            prev = encoderLayer(i + 1);
        }
        g.addLayer(Z_PARAMS, StockLayers.dense(0, 2L * l, Activation.IDENTITY, null), prev);
        g.addVertex(Z_MEAN, new ColumnSubsetVertex(0, l - 1), Z_PARAMS);
        g.addVertex(Z_LOGVAR, new ColumnSubsetVertex(l, 2 * l - 1), Z_PARAMS);
        g.addVertex(Z_INPUT, new MergeVertex(), Z_MEAN, Z_LOGVAR, EPS);
        g.addLayer(Z, new ReparameterizationLayer(l), Z_INPUT);
        // decoder p(x|y,z)
        addDecoder(g, false);
        g.addVertex(OBJECTIVE_INPUT, new MergeVertex(), DECODER_LOGITS, Z_PARAMS, CLASS_LOGITS, LABEL);
        g.addLayer(OBJECTIVE, new M2ObjectiveLayer(b.inputSize, l, b.numClasses, b.likelihood), OBJECTIVE_INPUT);
        return g.setOutputs(OBJECTIVE).build();
    }

    /** input -> classifier layers -> class logits (or, standalone, a softmax output layer of the same shape). */
    private void addClassifier(GraphBuilder g, boolean standalone) {
        String prev = INPUT;
        for (int i = 0; i < b.classifierSizes.length; i++) {
            g.addLayer(classifierLayer(i + 1), StockLayers.dense(0, b.classifierSizes[i], b.activation, null), prev);
            prev = classifierLayer(i + 1);
        }
        g.addLayer(standalone ? PREDICTION : CLASS_LOGITS, standalone
                ? new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(b.numClasses)
                        .activation(Activation.SOFTMAX).build()
                : StockLayers.dense(0, b.numClasses, Activation.IDENTITY, null), prev);
    }

    /** merge(z, label) -> decoder layers -> logits (or, standalone, a sigmoid output layer of the same shape). */
    private void addDecoder(GraphBuilder g, boolean standalone) {
        g.addVertex(DECODER_INPUT, new MergeVertex(), Z, LABEL);
        String prev = DECODER_INPUT;
        for (int i = b.hiddenSizes.length - 1; i >= 0; i--) {
            String name = decoderLayer(b.hiddenSizes.length - i);
            g.addLayer(name, StockLayers.dense(0, b.hiddenSizes[i], b.activation, null), prev);
            prev = name;
        }
        boolean gaussian = b.likelihood == M2ObjectiveLayer.Likelihood.GAUSSIAN;
        int width = gaussian ? 2 * b.inputSize : b.inputSize;
        g.addLayer(standalone ? RECONSTRUCTION : DECODER_LOGITS, standalone
                ? new OutputLayer.Builder(gaussian ? LossFunctions.LossFunction.MSE : LossFunctions.LossFunction.XENT)
                        .nOut(width).activation(gaussian ? Activation.IDENTITY : Activation.SIGMOID).build()
                : StockLayers.dense(0, width, Activation.IDENTITY, null), prev);
    }

    /**
     * The classifier alone, {@code input -> classifier-i -> prediction} (softmax, multi-class cross-entropy: a plain
     * DL4J graph that can be evaluated or fine-tuned with labels), holding a copy of {@code trained}'s weights.
     */
    public ComputationGraph classifierGraph(ComputationGraph trained) {
        GraphBuilder g = b.netBuilder().graphBuilder().addInputs(INPUT)
                .setInputTypes(InputType.feedForward(b.inputSize));
        addClassifier(g, true);
        ComputationGraph c = new ComputationGraph(g.setOutputs(PREDICTION).build());
        c.init();
        for (int i = 0; i < b.classifierSizes.length; i++) {
            c.getLayer(classifierLayer(i + 1)).setParams(trained.getLayer(classifierLayer(i + 1)).params().dup());
        }
        c.getLayer(PREDICTION).setParams(trained.getLayer(CLASS_LOGITS).params().dup());
        return c;
    }

    /**
     * The decoder alone, inputs {@value #Z} {@code [L]} and {@value #LABEL} {@code [K]}, output {@value
     * #RECONSTRUCTION} (the Bernoulli means {@code p(x|y,z)}), holding a copy of {@code trained}'s weights.
     */
    public ComputationGraph decoderGraph(ComputationGraph trained) {
        GraphBuilder g = b.netBuilder().graphBuilder().addInputs(Z, LABEL)
                .setInputTypes(InputType.feedForward(b.latentSize), InputType.feedForward(b.numClasses));
        addDecoder(g, true);
        ComputationGraph d = new ComputationGraph(g.setOutputs(RECONSTRUCTION).build());
        d.init();
        for (int i = 1; i <= b.hiddenSizes.length; i++) {
            d.getLayer(decoderLayer(i)).setParams(trained.getLayer(decoderLayer(i)).params().dup());
        }
        d.getLayer(RECONSTRUCTION).setParams(trained.getLayer(DECODER_LOGITS).params().dup());
        return d;
    }

    /** {@code q(y|x)} for digits {@code x} {@code [n, D]}: the graph's output with zeros as label and noise. */
    public INDArray classify(ComputationGraph trained, INDArray x) {
        long n = x.size(0);
        return trained.output(false, x, Nd4j.zeros(x.dataType(), n, b.numClasses),
                Nd4j.zeros(x.dataType(), n, b.latentSize))[0];
    }

    /**
     * The means of {@code p(x|y,z)} for {@code z ~ N(0, I)}: {@code n} per class, rows {@code class * n + i},
     * {@code [n K, D]} (Bernoulli: pixel probabilities; Gaussian: the mean columns of the decoder's output).
     */
    public INDArray sample(ComputationGraph decoder, int n, org.nd4j.linalg.api.rng.Random rng) {
        long rows = (long) n * b.numClasses;
        INDArray z = Nd4j.randn(new long[] {rows, b.latentSize}, rng).castTo(b.getDataType());
        INDArray y = Nd4j.eye(b.numClasses).castTo(b.getDataType()).repeat(0, n);
        INDArray out = decoder.output(false, z, y)[0];
        return b.likelihood == M2ObjectiveLayer.Likelihood.GAUSSIAN
                ? out.get(NDArrayIndex.all(), NDArrayIndex.interval(0, b.inputSize)).dup() : out;
    }

    /** The decoder's distribution p(x|y,z). */
    public M2ObjectiveLayer.Likelihood likelihood() {
        return b.likelihood;
    }

    /** Hyper-parameters, each with its default, plus those of {@link ZooBuilder}. */
    public static final class Builder extends ZooBuilder<Builder> {
        private int inputSize = 784;
        private int numClasses = 10;
        private int[] classifierSizes = {500};
        private int[] hiddenSizes = {500};
        private int latentSize = 50;
        private Activation activation = Activation.SOFTPLUS;
        private double alpha = 0.1;
        private M2ObjectiveLayer.Likelihood likelihood = M2ObjectiveLayer.Likelihood.BERNOULLI;

        private Builder() {
            updater = new Adam(3e-4);
        }

        /** Pixels per digit D. Default 784. */
        public Builder inputSize(int inputSize) {
            this.inputSize = inputSize;
            return this;
        }

        /** Classes K of y. Default 10. */
        public Builder numClasses(int numClasses) {
            this.numClasses = numClasses;
            return this;
        }

        /** Hidden widths of the classifier q(y|x). Default [500]. */
        public Builder classifierSizes(int... classifierSizes) {
            this.classifierSizes = classifierSizes == null ? null : classifierSizes.clone();
            return this;
        }

        /** Hidden widths of the encoder q(z|x,y); the decoder p(x|y,z) mirrors them. Default [500]. */
        public Builder hiddenSizes(int... hiddenSizes) {
            this.hiddenSizes = hiddenSizes == null ? null : hiddenSizes.clone();
            return this;
        }

        /** Dimension L of z. Default 50. */
        public Builder latentSize(int latentSize) {
            this.latentSize = latentSize;
            return this;
        }

        /** Activation of every hidden layer. Default SOFTPLUS. */
        public Builder activation(Activation activation) {
            this.activation = activation;
            return this;
        }

        /** The factor of N in the classification loss's weight alpha N (the paper's 0.1). Default 0.1. */
        public Builder alpha(double alpha) {
            this.alpha = alpha;
            return this;
        }

        /**
         * The decoder's distribution p(x|y,z). Default BERNOULLI (pixels); GAUSSIAN (a mean and a log-variance per
         * input dimension) for real-valued inputs, such as the latent means of a trained VAE in M1+M2.
         */
        public Builder likelihood(M2ObjectiveLayer.Likelihood likelihood) {
            this.likelihood = likelihood;
            return this;
        }

        public SemiSupervisedVAE build() {
            validateCommon();
            Checks.positive("inputSize", inputSize);
            if (numClasses < 2) {
                throw new IllegalArgumentException("numClasses must be at least 2, got " + numClasses);
            }
            Checks.positiveSizes("classifierSizes", classifierSizes);
            Checks.positiveSizes("hiddenSizes", hiddenSizes);
            Checks.positive("latentSize", latentSize);
            Checks.notNull("activation", activation);
            Checks.nonNegative("alpha", alpha);
            Checks.notNull("likelihood", likelihood);
            return new SemiSupervisedVAE(this);
        }
    }
}
