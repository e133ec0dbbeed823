package org.unsupervisedzoo.zoo.vae;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.graph.PreprocessorVertex;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.Upsampling2D;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.unsupervisedzoo.zoo.core.Checks;
import org.unsupervisedzoo.zoo.core.StockLayers;
import org.nd4j.linalg.lossfunctions.impl.LossBinaryXENT;
import org.unsupervisedzoo.zoo.core.ZooBuilder;
import org.unsupervisedzoo.zoo.core.ColumnSubsetVertex;
import org.unsupervisedzoo.zoo.autoencoder.AutoencoderFactory;
import org.unsupervisedzoo.zoo.autoencoder.Autoencoders;
import org.unsupervisedzoo.zoo.autoencoder.ReconstructionLoss;

/**
 * Variational autoencoder (named {@code VAE}, like DL4J's own zoo names networks, so it does not clash with DL4J's
 * {@code org.deeplearning4j.nn.conf.layers.variational.VariationalAutoencoder} layer in imports).
 *
 * <p><b>Objective.</b> Maximise the evidence lower bound, i.e. minimise per example
 * <pre>
 *   -ELBO(x) = E_{q(z|x)}[-log p(x|z)] + beta * KL(q(z|x) || N(0, I)),   q(z|x) = N(mu(x), diag(exp(logvar(x))))
 * </pre>
 * with {@code z = mu + exp(logvar/2) * eps}, {@code eps ~ N(0, I)} (the reparameterization trick). The graph's
 * score is exactly this, averaged over the batch: the reconstruction output gives {@code -log p(x|z)} (Bernoulli:
 * BCE summed over pixels; Gaussian: {@link GaussianLikelihoodOutputLayer}) and the {@value #KL} head
 * ({@link GaussianKLPenalty}) the closed-form KL. The reparameterization is the custom SameDiff layer
 * {@link ReparameterizationLayer}; the noise {@code eps} is the graph's second input {@value #EPS}, drawn in Java
 * per minibatch by {@link VaeIterator} (fresh, seeded, the same in forward and backward). Feeding
 * {@code eps = 0} gives {@code z = mu}: what {@link #encode}, {@link #reconstruct} and inference use.
 *
 * <p><b>Architecture</b> (defaults, as pytorch/examples' VAE):
 * <pre>
 *   input            [batch, 784]            eps [batch, 20]
 *   encoder-1        784 -> 400   relu      state size [batch, 400]
 *   z-params         400 -> 40    identity  state size [batch, 40]    [mu | logvar]
 *   z-mean, z-logvar subsets of z-params   state size [batch, 20] each  (z-mean is the code)
 *   z-input          merge(z-mean, z-logvar, eps)   state size [batch, 60]
 *   z                reparameterization     state size [batch, 20]
 *   decoder-1         20 -> 400   relu      state size [batch, 400]
 *   reconstruction   400 -> 784   sigmoid, Bernoulli -log p(x|z)     (output 0, labels x)
 *   kl               KL(q(z|x) || N(0, I)) on merge(z-mean, z-logvar)  (output 1, labels null)
 * </pre>
 *
 * <p><b>IWAE objective.</b> {@code objective(Objective.IWAE)} trains on the importance-weighted bound of Burda et al.
 * (2016) instead, with {@code k = samplesPerExample} samples per example (the rows {@link VaeIterator} repeats):
 * <pre>
 *   -log (1/k) sum_s w_s,   log w_s = log p(x|z_s) + log p(z_s) - log q(z_s|x),   z_s = mu + exp(logvar/2) * eps_s
 * </pre>
 * per example, a tighter bound on {@code -log p(x)} than the ELBO for k &gt; 1 (k = 1 is the ELBO with its KL term
 * sampled). The decoder then ends in the logits {@value #DECODER_OUT} and the graph has one output,
 * {@value Autoencoders#RECONSTRUCTION}: an {@link IwaeObjectiveLayer} on {@value #IWAE_INPUT} =
 * {@code merge(decoder logits, z, z-logvar, eps)}, whose score is the mean over examples (not over the k b rows) and
 * whose activations are the Bernoulli means; there is no KL head (the bound includes it). Bernoulli likelihood and
 * beta = 1 only. Cost: k decoder passes per example, as the multi-sample ELBO.
 *
 * <p><b>Convolutional variant.</b> {@code convolutional(32, 64)} replaces the MLP by 2-strided 3x3 convolutions
 * (28x28 -> 14x14x32 -> 7x7x64 -> z-params) and a mirror decoder (z -> dense 7x7x64 -> 2x upsample + conv 32 ->
 * 2x upsample + conv to the image channels, flattened as {@value #DECODER_OUT}); inputs stay flat.
 *
 * <p><b>Defaults and tuning.</b> {@code inputSize=784, hiddenSizes=[400], latentSize=20, activation=RELU,
 * likelihood=BERNOULLI, fixedVariance=1 (GAUSSIAN_FIXED), beta=1, samplesPerExample=1}, plus the {@link ZooBuilder}
 * fields (Adam 1e-3 as pytorch/examples). Use BERNOULLI for pixels in [0,1] (grey levels as probabilities, or
 * binarized data for a proper likelihood), a Gaussian decoder for real-valued data. beta &gt; 1 trades
 * reconstruction for a more factorised code (beta-VAE); more samples per example lower the gradient variance.
 *
 * <p><b>Reference.</b> D. Kingma &amp; M. Welling, "Auto-Encoding Variational Bayes", ICLR 2014; Y. Burda,
 * R. Grosse, R. Salakhutdinov, "Importance Weighted Autoencoders", ICLR 2016; I. Higgins et al., "beta-VAE",
 * ICLR 2017.
 */
public final class VAE implements AutoencoderFactory {
    /** The noise input. */
    public static final String EPS = "eps";
    /** The encoder's Gaussian parameters {@code [mu | logvar]}. */
    public static final String Z_PARAMS = "z-params";
    public static final String Z_MEAN = "z-mean";
    public static final String Z_LOGVAR = "z-logvar";
    public static final String Z_INPUT = "z-input";
    /** The latent sample. */
    public static final String Z = "z";
    /** The Gaussian decoder's pre-output layer ({@code [mean]} or {@code [mean | logvar]}), flattened. */
    public static final String DECODER_OUT = "decoder-out";
    /** Convolutional decoder: the dense layer after z and the vertex reshaping it to a feature map. */
    public static final String DECODER_DENSE = "decoder-dense";
    public static final String DECODER_RESHAPE = "decoder-reshape";
    /** The KL head, and the merge of mean and log-variance that feeds it. */
    public static final String KL = "kl";
    public static final String KL_INPUT = "kl-input";
    /** IWAE objective: the merge of decoder logits, z, z-logvar and eps that feeds the {@link IwaeObjectiveLayer}. */
    public static final String IWAE_INPUT = "iwae-input";

    /** The training objective. */
    public enum Objective {
        /** The evidence lower bound (k samples: its k-sample average); closed-form KL head. Default. */
        ELBO,
        /** The k-sample importance-weighted bound (Burda et al. 2016), k = samplesPerExample; Bernoulli only. */
        IWAE
    }

    /** The decoder's distribution p(x|z). */
    public enum Likelihood {
        /** Pixels as Bernoulli probabilities: sigmoid output, BCE summed over pixels. */
        BERNOULLI,
        /** Gaussian with mean from the decoder and a fixed variance. */
        GAUSSIAN_FIXED,
        /** Gaussian with mean and log-variance from the decoder. */
        GAUSSIAN_LEARNED
    }

    private final Builder b;

    private VAE(Builder b) {
        this.b = b.copy();
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return "variational-autoencoder";
    }

    @Override
    public long[] inputShape() {
        return new long[] {b.inputSize};
    }

    /** The data, and the reparameterization noise {@code eps} {@code [latentSize]}. */
    @Override
    public java.util.List<org.unsupervisedzoo.zoo.core.GraphIO> inputs() {
        return java.util.List.of(org.unsupervisedzoo.zoo.core.GraphIO.data(Autoencoders.INPUT, inputShape()),
                new org.unsupervisedzoo.zoo.core.GraphIO(EPS, new long[] {b.latentSize},
                        "standard normal noise N(0, I), a fresh draw per minibatch (VaeIterator draws it)",
                        "zeros for the mean code z = mu, or N(0, I) for a sample"));
    }

    /** BCE for the Bernoulli decoder; MSE stands for the Gaussian ones (their loss is the Gaussian NLL). */
    @Override
    public ReconstructionLoss loss() {
        return b.likelihood == Likelihood.BERNOULLI ? ReconstructionLoss.BCE : ReconstructionLoss.MSE;
    }

    /** The features of the encoder are the latent mean, {@value #Z_MEAN}. */
    @Override
    public String codeVertex() {
        return Z_MEAN;
    }

    /** The code is the latent mean. */
    @Override
    public int codeSize() {
        return b.latentSize;
    }

    public int latentSize() {
        return b.latentSize;
    }

    public int inputSize() {
        return b.inputSize;
    }

    /** One (the KL head) with the ELBO objective; none with IWAE (the bound includes the KL). */
    @Override
    public int penaltyHeads() {
        return b.objective == Objective.IWAE ? 0 : 1;
    }

    /** The training objective. */
    public Objective objective() {
        return b.objective;
    }

    public Likelihood likelihood() {
        return b.likelihood;
    }

    public double fixedVariance() {
        return b.fixedVariance;
    }

    public double beta() {
        return b.beta;
    }

    /** Latent samples drawn per example in training (see {@link VaeIterator}). */
    public int samplesPerExample() {
        return b.samplesPerExample;
    }

    @Override
    public ComputationGraphConfiguration conf() {
        int l = b.latentSize;
        GraphBuilder g = b.net().graphBuilder()
                .addInputs(Autoencoders.INPUT, EPS)
                .setInputTypes(b.isConvolutional() ? InputType.convolutionalFlat(b.height, b.width, b.channels)
                        : InputType.feedForward(b.inputSize), InputType.feedForward(l));
        // encoder: input -> hidden layers (dense, or strided convolutions) -> [mu | logvar]
        String prev = Autoencoders.INPUT;
        int layers = b.isConvolutional() ? b.filters.length : b.hiddenSizes.length;
        for (int i = 0; i < layers; i++) {
            String name = Autoencoders.encoderLayer(i + 1);
            g.addLayer(name, b.isConvolutional()
                    ? new ConvolutionLayer.Builder(b.kernelSize, b.kernelSize)
                            .stride(2, 2).nOut(b.filters[i]).activation(b.activation).build()
                    : StockLayers.dense(0, b.hiddenSizes[i], b.activation, null), prev);
            prev = name;
        }
        g.addLayer(Z_PARAMS, StockLayers.dense(0, 2L * l, Activation.IDENTITY, null), prev);
        g.addVertex(Z_MEAN, new ColumnSubsetVertex(0, l - 1), Z_PARAMS);
        g.addVertex(Z_LOGVAR, new ColumnSubsetVertex(l, 2 * l - 1), Z_PARAMS);
        // z = mu + exp(logvar / 2) * eps
        g.addVertex(Z_INPUT, new MergeVertex(), Z_MEAN, Z_LOGVAR, EPS);
        g.addLayer(Z, new ReparameterizationLayer(l), Z_INPUT);
        if (b.objective == Objective.IWAE) {
            addDecoder(g, Z, false);
            g.addVertex(IWAE_INPUT, new MergeVertex(), DECODER_OUT, Z, Z_LOGVAR, EPS);
            g.addLayer(Autoencoders.RECONSTRUCTION, new IwaeObjectiveLayer(b.inputSize, l, b.samplesPerExample),
                    IWAE_INPUT);
            return g.setOutputs(Autoencoders.RECONSTRUCTION).build();
        }
        addDecoder(g, Z, true);
        g.addVertex(KL_INPUT, new MergeVertex(), Z_MEAN, Z_LOGVAR);
        g.addLayer(KL, new GaussianKLPenalty(l, b.beta), KL_INPUT);
        return g.setOutputs(Autoencoders.RECONSTRUCTION, KL).build();
    }

    /**
     * Decoder layers from {@code from} (a z vertex) to the reconstruction output; without {@code output} (the IWAE
     * objective, Bernoulli) they end in the logits {@value #DECODER_OUT} (the MLP's last dense layer, identity; the
     * convolutional decoder's flattened output).
     */
    private void addDecoder(GraphBuilder g, String from, boolean output) {
        boolean learned = b.likelihood == Likelihood.GAUSSIAN_LEARNED;
        String prev = from;
        if (b.isConvolutional()) {
            // dense -> feature map -> (2x upsample, conv) per encoder stage -> the image's channels, flattened
            int n = b.filters.length;
            int h = b.height >> n;
            int w = b.width >> n;
            g.addLayer(DECODER_DENSE, new DenseLayer.Builder().nOut((long) b.filters[n - 1] * h * w)
                    .activation(b.activation).build(), prev);
            g.addVertex(DECODER_RESHAPE, new PreprocessorVertex(new FeedForwardToCnnPreProcessor(h, w, b.filters[n - 1])),
                    DECODER_DENSE);
            prev = DECODER_RESHAPE;
            int outChannels = learned ? 2 * b.channels : b.channels;
            for (int j = 1; j <= n; j++) {
                boolean last = j == n;
                String name = Autoencoders.decoderLayer(j);
                g.addLayer(name + "-upsample", new Upsampling2D.Builder(2).build(), prev);
                g.addLayer(name, new ConvolutionLayer.Builder(b.kernelSize, b.kernelSize)
                        .nOut(last ? outChannels : b.filters[n - 1 - j])
                        .activation(last ? Activation.IDENTITY : b.activation).build(), name + "-upsample");
                prev = name;
            }
            g.addVertex(DECODER_OUT, new PreprocessorVertex(new CnnToFeedForwardPreProcessor(b.height, b.width,
                    outChannels)), prev);
            if (!output) {
                return;
            }
            g.addLayer(Autoencoders.RECONSTRUCTION, b.likelihood == Likelihood.BERNOULLI
                    ? new LossLayer.Builder(new LossBinaryXENT()).activation(Activation.SIGMOID).build()
                    : new GaussianLikelihoodOutputLayer(b.inputSize, learned, b.fixedVariance), DECODER_OUT);
            return;
        }
        for (int i = b.hiddenSizes.length - 1; i >= 0; i--) {
            String name = Autoencoders.decoderLayer(b.hiddenSizes.length - i);
            g.addLayer(name, StockLayers.dense(0, b.hiddenSizes[i], b.activation, null), prev);
            prev = name;
        }
        if (!output) {
            g.addLayer(DECODER_OUT, StockLayers.dense(0, b.inputSize, Activation.IDENTITY, null), prev);
        } else if (b.likelihood == Likelihood.BERNOULLI) {
            g.addLayer(Autoencoders.RECONSTRUCTION, new OutputLayer.Builder(
                    new LossBinaryXENT()).nOut(b.inputSize).activation(Activation.SIGMOID).build(), prev);
        } else {
            g.addLayer(DECODER_OUT, StockLayers.dense(0, learned ? 2L * b.inputSize : b.inputSize,
                    Activation.IDENTITY, null), prev);
            g.addLayer(Autoencoders.RECONSTRUCTION,
                    new GaussianLikelihoodOutputLayer(b.inputSize, learned, b.fixedVariance), DECODER_OUT);
        }
    }

    /**
     * A graph {@code z -> decoder -> reconstruction} holding the trained decoder's weights (copied), for
     * {@link #decode}: its output is the Bernoulli means or the Gaussian means. For the IWAE objective it is the
     * ELBO graph's decoder (the same layers; the sigmoid output layer takes the weights of the logits layer
     * {@value #DECODER_OUT}), so {@link VaeMetrics} reads both alike.
     */
    public ComputationGraph decoderGraph(ComputationGraph trained) {
        GraphBuilder g = b.net().graphBuilder().addInputs(Z).setInputTypes(InputType.feedForward(b.latentSize));
        addDecoder(g, Z, true);
        ComputationGraph decoder = new ComputationGraph(g.setOutputs(Autoencoders.RECONSTRUCTION).build());
        decoder.init();
        for (org.deeplearning4j.nn.api.Layer layer : decoder.getLayers()) {
            String name = layer.conf().getLayer().getLayerName();
            if (layer.numParams() > 0) {
                String from = b.objective == Objective.IWAE && !b.isConvolutional()
                        && name.equals(Autoencoders.RECONSTRUCTION) ? DECODER_OUT : name;
                layer.setParams(trained.getLayer(from).params().dup());
            }
        }
        return decoder;
    }

    /** Zeros for the noise input: inference uses {@code z = mu}. */
    public INDArray zeroNoise(long batch) {
        return Nd4j.zeros(b.getDataType(), batch, b.latentSize);
    }

    /** The encoder's mean and variance for a batch: {@code [mu, sigma^2]}, each {@code [batch, latentSize]}. */
    public INDArray[] encode(ComputationGraph trained, INDArray x) {
        INDArray params = trained.feedForward(new INDArray[] {x, zeroNoise(x.size(0))}, false).get(Z_PARAMS);
        int l = b.latentSize;
        INDArray mu = params.get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
                org.nd4j.linalg.indexing.NDArrayIndex.interval(0, l)).dup();
        INDArray var = org.nd4j.linalg.ops.transforms.Transforms.exp(params.get(
                org.nd4j.linalg.indexing.NDArrayIndex.all(),
                org.nd4j.linalg.indexing.NDArrayIndex.interval(l, 2 * l)), true);
        return new INDArray[] {mu, var};
    }

    /** The decoder's mean for latent codes {@code z} ({@code [n, latentSize]}). */
    public INDArray decode(ComputationGraph decoder, INDArray z) {
        return decoder.outputSingle(false, z);
    }

    /** The reconstruction of a batch through the encoder's mean ({@code eps = 0}). */
    public INDArray reconstruct(ComputationGraph trained, INDArray x) {
        return trained.output(false, x, zeroNoise(x.size(0)))[0];
    }

    /** {@code n} samples from the model: {@code z ~ N(0, I)}, decoded to means. */
    public INDArray sample(ComputationGraph decoder, int n, org.nd4j.linalg.api.rng.Random rng) {
        return decode(decoder, Nd4j.randn(new long[] {n, b.latentSize}, rng).castTo(b.getDataType()));
    }

    /** Decoded points on the straight line between the latent means of {@code a} and {@code b} (one row each). */
    public INDArray interpolate(ComputationGraph trained, ComputationGraph decoder, INDArray a, INDArray bRow,
                                int steps) {
        if (steps < 2) {
            throw new IllegalArgumentException("steps must be at least 2, got " + steps);
        }
        INDArray za = encode(trained, a)[0];
        INDArray zb = encode(trained, bRow)[0];
        INDArray path = Nd4j.create(b.getDataType(), steps, b.latentSize);
        for (int i = 0; i < steps; i++) {
            double t = i / (double) (steps - 1);
            path.putRow(i, za.mul(1 - t).addi(zb.mul(t)));
        }
        return decode(decoder, path);
    }

    /** Hyper-parameters, each with its default, plus those of {@link ZooBuilder}. */
    public static final class Builder extends ZooBuilder<Builder> {
        private int inputSize = 784;
        private int[] hiddenSizes = {400};
        private int latentSize = 20;
        private Activation activation = Activation.RELU;
        private Likelihood likelihood = Likelihood.BERNOULLI;
        private double fixedVariance = 1.0;
        private double beta = 1.0;
        private int samplesPerExample = 1;
        private Objective objective = Objective.ELBO;
        private int[] filters = null;
        private int kernelSize = 3;
        private int height = 28;
        private int width = 28;
        private int channels = 1;

        private Builder() {
        }

        /**
         * Convolutional encoder and decoder instead of the MLP: the encoder has one 2-strided convolution per entry
         * of {@code filters}, the decoder mirrors it with 2x upsampling and convolutions (hiddenSizes is then
         * unused). Input stays flat ({@code [batch, height * width * channels]}). Default: MLP (no filters).
         */
        public Builder convolutional(int... filters) {
            this.filters = filters == null ? null : filters.clone();
            return this;
        }

        /** Image geometry of the convolutional variant. Default 28 x 28 x 1. */
        public Builder imageSize(int height, int width, int channels) {
            this.height = height;
            this.width = width;
            this.channels = channels;
            return this;
        }

        /** Kernel size of the convolutional variant. Default 3. */
        public Builder kernelSize(int kernelSize) {
            this.kernelSize = kernelSize;
            return this;
        }

        boolean isConvolutional() {
            return filters != null;
        }

        org.deeplearning4j.nn.conf.NeuralNetConfiguration.Builder net() {
            return netBuilder().convolutionMode(org.deeplearning4j.nn.conf.ConvolutionMode.Same);
        }

        /** Data width D. Default 784. */
        public Builder inputSize(int inputSize) {
            this.inputSize = inputSize;
            return this;
        }

        /** Encoder hidden widths; the decoder mirrors them. Default [400]. */
        public Builder hiddenSizes(int... hiddenSizes) {
            this.hiddenSizes = hiddenSizes == null ? null : hiddenSizes.clone();
            return this;
        }

        /** Latent dimension. Default 20 (2 for a picture of the latent space). */
        public Builder latentSize(int latentSize) {
            this.latentSize = latentSize;
            return this;
        }

        /** Hidden activation. Default RELU. */
        public Builder activation(Activation activation) {
            this.activation = activation;
            return this;
        }

        /** Decoder distribution. Default BERNOULLI. */
        public Builder likelihood(Likelihood likelihood) {
            this.likelihood = likelihood;
            return this;
        }

        /** Variance of GAUSSIAN_FIXED. Default 1. */
        public Builder fixedVariance(double fixedVariance) {
            this.fixedVariance = fixedVariance;
            return this;
        }

        /** Weight of the KL term (beta-VAE). Default 1. */
        public Builder beta(double beta) {
            this.beta = beta;
            return this;
        }

        /** Latent samples per example in training (k of the IWAE objective). Default 1. */
        public Builder samplesPerExample(int samplesPerExample) {
            this.samplesPerExample = samplesPerExample;
            return this;
        }

        /**
         * The training objective: ELBO (with k = samplesPerExample &gt; 1, the k-sample average ELBO) or IWAE (the
         * k-sample importance-weighted bound; Bernoulli likelihood and beta = 1 only). Default ELBO.
         */
        public Builder objective(Objective objective) {
            this.objective = objective;
            return this;
        }

        public VAE build() {
            validateCommon();
            Checks.positive("inputSize", inputSize);
            Checks.positiveSizes("hiddenSizes", hiddenSizes);
            Checks.positive("latentSize", latentSize);
            Checks.notNull("activation", activation);
            Checks.notNull("likelihood", likelihood);
            Checks.positive("fixedVariance", fixedVariance);
            Checks.nonNegative("beta", beta);
            Checks.positive("samplesPerExample", samplesPerExample);
            Checks.notNull("objective", objective);
            if (objective == Objective.IWAE) {
                if (likelihood != Likelihood.BERNOULLI) {
                    throw new IllegalArgumentException("objective IWAE supports likelihood BERNOULLI only, got"
                            + " likelihood " + likelihood);
                }
                if (beta != 1.0) {
                    throw new IllegalArgumentException("objective IWAE needs beta = 1 (the bound has no KL weight),"
                            + " got beta " + beta);
                }
            }
            if (filters != null) {
                Checks.positiveSizes("filters", filters);
                Checks.positive("kernelSize", kernelSize);
                Checks.positive("height", height);
                Checks.positive("width", width);
                Checks.positive("channels", channels);
                int factor = 1 << filters.length;
                if (height % factor != 0 || width % factor != 0) {
                    throw new IllegalArgumentException("height and width (" + height + "x" + width
                            + ") must be divisible by 2^filters.length = " + factor);
                }
                inputSize = height * width * channels;
            }
            return new VAE(this);
        }
    }
}
