package org.unsupervisedzoo.zoo.gan;

import java.util.function.UnaryOperator;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.graph.PreprocessorVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Deconvolution2D;
import org.unsupervisedzoo.zoo.core.StockLayers;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationLReLU;
import org.unsupervisedzoo.zoo.core.Checks;
import org.unsupervisedzoo.zoo.core.ZooBuilder;

/**
 * Deep convolutional GAN (Radford et al. 2016) on images {@code [batch, channels, height, width]} (NCHW): a
 * transposed-convolution generator and a strided-convolution discriminator.
 *
 * <p><b>Objective.</b> As {@link MlpGan}: D maximises {@code E_x log D(x) + E_z log(1 - D(G(z)))}, G minimises
 * {@code -E_z log D(G(z))}. Images are in [-1, 1] (G ends in tanh).
 *
 * <p><b>Architecture</b> (defaults, 1x28x28; kernels 5x5, "same" padding):
 * <pre>
 *   noise                                                            [batch, 100]
 *   (generator-input       merge noise + label, conditional)         [batch, 110]
 *   generator-1            dense 64*7*7, linear                      [batch, 3136]
 *   generator-1-bn         batch norm                                [batch, 3136]
 *   generator-1-act        relu                                      [batch, 3136]
 *   generator-reshape                                                [batch, 64, 7, 7]
 *   generator-2            deconv stride 2, 32, linear               [batch, 32, 14, 14]
 *   generator-2-bn         batch norm                                [batch, 32, 14, 14]
 *   generator-2-act        relu                                      [batch, 32, 14, 14]
 *   image                  deconv stride 2, 1, tanh                  [batch, 1, 28, 28]
 *   (discriminator-label     dense label -> 784, conditional         [batch, 784]
 *    discriminator-label-map reshape                                 [batch, 1, 28, 28]
 *    discriminator-input     merge image + label map (channels)      [batch, 2, 28, 28])
 *   discriminator-1        conv stride 2, 32, leaky relu 0.2         [batch, 32, 14, 14]
 *   discriminator-2        conv stride 2, 64, leaky relu 0.2         [batch, 64, 7, 7]
 *   logit                  dense 1, identity                         [batch, 1]
 *   (projection, conditional: no label channel; discriminator-features = discriminator-2 flat [batch, 3136],
 *    discriminator-embedding dense label -> 3136, discriminator-projection = features * embedding,
 *    discriminator-joint = merge of the two [batch, 6272], which the logit reads)
 *   score                  sigmoid + binary cross-entropy            [batch, 1]
 * </pre>
 * In {@link #conf()} (the combined graph) every discriminator layer is a {@code FrozenLayerWithBackprop}.
 *
 * <p><b>Batch normalization</b> is where the DCGAN paper puts it in G (every layer but the output). It is left out
 * of D: DL4J runs frozen layers in inference mode, so a batch-normalized D would normalize with batch statistics
 * in D's own step but with running averages in G's step through the frozen copy, two different functions. The
 * TensorFlow DCGAN tutorial's D has no batch normalization either.
 *
 * <p><b>Defaults and tuning.</b> {@code noiseSize=100, filters=[32, 64] (D), generatorFilters=null (G mirrors D's
 * filters; [64, 128]: a G four times wider, lower FID, about twice the time per epoch), kernelSize=5,
 * generatorBatchNorm=true, leakySlope=0.2, conditional=0 (off)}, Adam(2e-4, beta1=0.5). The paper's filters are
 * [128, 256, ...]; the defaults are 4x narrower so that an epoch of MNIST fits in minutes on a CPU. Height and
 * width must be divisible by {@code 2^filters.length}.
 *
 * <p><b>References.</b> A. Radford, L. Metz, S. Chintala, "Unsupervised Representation Learning with Deep
 * Convolutional Generative Adversarial Networks", ICLR 2016; TensorFlow tutorial "Deep Convolutional Generative
 * Adversarial Network".
 */
public final class Dcgan extends Gan {
    /** The conditional D's label projection and its reshape to one image channel. */
    public static final String DISCRIMINATOR_LABEL = "discriminator-label";
    public static final String DISCRIMINATOR_LABEL_MAP = "discriminator-label-map";
    /** The reshape of G's first (dense) layer to a feature map. */
    public static final String GENERATOR_RESHAPE = "generator-reshape";

    private final Builder b;

    private Dcgan(Builder b) {
        this.b = b.copy();
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return b.numClasses > 0 ? "conditional-dcgan" : "dcgan";
    }

    @Override
    public int noiseSize() {
        return b.noiseSize;
    }

    @Override
    public int numClasses() {
        return b.numClasses;
    }

    @Override
    public long[] imageShape() {
        return new long[] {b.channels, b.height, b.width};
    }

    @Override
    GanBuilder<?> settings() {
        return b;
    }

    @Override
    InputType imageInputType() {
        return InputType.convolutional(b.height, b.width, b.channels);
    }

    @Override
    void addGenerator(GraphBuilder g) {
        int n = b.filters.length;
        int h = b.height >> n;
        int w = b.width >> n;
        String prev = NOISE;
        if (conditional()) {
            g.addVertex(GENERATOR_INPUT, new MergeVertex(), NOISE, LABEL);
            prev = GENERATOR_INPUT;
        }
        // dense projection to the smallest feature map, with G's widest filters
        int[] gf = b.generatorFilters();
        String first = generatorLayer(1);
        prev = hidden(g, first, StockLayers.dense(0, (long) gf[n - 1] * h * w,
                b.generatorBatchNorm ? Activation.IDENTITY : Activation.RELU, null), prev);
        g.addVertex(GENERATOR_RESHAPE, new PreprocessorVertex(new FeedForwardToCnnPreProcessor(h, w,
                gf[n - 1])), prev);
        prev = GENERATOR_RESHAPE;
        // transposed convolutions, each doubling the size; the last one draws the image
        for (int j = 1; j <= n; j++) {
            boolean last = j == n;
            Deconvolution2D.Builder deconv = new Deconvolution2D.Builder(b.kernelSize, b.kernelSize).stride(2, 2)
                    .nOut(last ? b.channels : gf[n - 1 - j]);
            // the zoo's transposed convolution: DL4J's maths and parameters, computed by im2col/col2im and gemm
            if (last) {
                g.addLayer(IMAGE, deconv.activation(Activation.TANH).build(), prev);
            } else {
                prev = hidden(g, generatorLayer(j + 1), deconv.activation(
                        b.generatorBatchNorm ? Activation.IDENTITY : Activation.RELU).build(), prev);
            }
        }
    }

    /** A generator layer, followed by batch norm + relu when enabled; returns the name of the last vertex. */
    private String hidden(GraphBuilder g, String name, Layer layer, String input) {
        g.addLayer(name, layer, input);
        return b.generatorBatchNorm ? batchNormThen(g, name, Activation.RELU.getActivationFunction()) : name;
    }

    @Override
    String discriminatorFeatures() {
        return discriminatorLayer(b.filters.length);
    }

    @Override
    void addDiscriminator(GraphBuilder g, String image, UnaryOperator<Layer> layer) {
        String prev = image;
        if (conditional() && !b.projection) {
            g.addLayer(DISCRIMINATOR_LABEL, layer.apply(StockLayers.dense(0, (long) b.height * b.width,
                    Activation.IDENTITY, null)), LABEL);
            g.addVertex(DISCRIMINATOR_LABEL_MAP, new PreprocessorVertex(new FeedForwardToCnnPreProcessor(b.height,
                    b.width, 1)), DISCRIMINATOR_LABEL);
            g.addVertex(DISCRIMINATOR_INPUT, new MergeVertex(), image, DISCRIMINATOR_LABEL_MAP);
            prev = DISCRIMINATOR_INPUT;
        }
        for (int i = 0; i < b.filters.length; i++) {
            String name = discriminatorLayer(i + 1);
            g.addLayer(name, layer.apply(new ConvolutionLayer.Builder(b.kernelSize,
                    b.kernelSize).stride(2, 2).nOut(b.filters[i]).activation(leaky()).build()), prev);
            prev = name;
        }
        if (b.projection) {
            int n = b.filters.length;
            g.addVertex(DISCRIMINATOR_FEATURES, new PreprocessorVertex(new CnnToFeedForwardPreProcessor(
                    b.height >> n, b.width >> n, b.filters[n - 1])), prev);
            addProjectionLogit(g, DISCRIMINATOR_FEATURES, (long) b.filters[n - 1] * (b.height >> n) * (b.width >> n),
                    layer);
            return;
        }
        g.addLayer(LOGIT, layer.apply(StockLayers.dense(0, 1, Activation.IDENTITY, null)), prev);
    }

    private IActivation leaky() {
        return new ActivationLReLU(b.leakySlope);
    }

    /** Hyper-parameters, each with its default, plus those of {@link GanBuilder} and {@link ZooBuilder}. */
    public static final class Builder extends GanBuilder<Builder> {
        private int[] filters = {32, 64};
        private int[] generatorFilters = null;
        private int kernelSize = 5;

        private Builder() {
            super(true);
        }

        /**
         * Filters of D's strided convolutions, from the image down; G mirrors them unless {@link #generatorFilters}
         * is set. Default [32, 64].
         */
        public Builder filters(int... filters) {
            this.filters = filters == null ? null : filters.clone();
            return this;
        }

        /**
         * G's filters, listed as {@link #filters} lists D's (from the image down: G's dense layer projects to the
         * last, each transposed convolution then steps back one); null for G mirroring D. Wider than D's, G draws
         * clearer digits (after 5 epochs, 2,000 samples: FID 12.4 with [64, 128] against 17.0), but its step is
         * serial, so an epoch takes about twice as long on two cores (BENCHMARKS.md, GAN section). Default null.
         */
        public Builder generatorFilters(int... generatorFilters) {
            this.generatorFilters = generatorFilters == null ? null : generatorFilters.clone();
            return this;
        }

        /** G's filters in effect: {@link #generatorFilters} or, when unset, D's {@link #filters}. */
        int[] generatorFilters() {
            return generatorFilters == null ? filters : generatorFilters;
        }

        /** Square kernel of every (transposed) convolution. Default 5. */
        public Builder kernelSize(int kernelSize) {
            this.kernelSize = kernelSize;
            return this;
        }

        @Override
        public org.deeplearning4j.nn.conf.NeuralNetConfiguration.Builder netBuilder() {
            return super.netBuilder().convolutionMode(ConvolutionMode.Same);
        }

        public Dcgan build() {
            validateGan();
            Checks.positiveSizes("filters", filters);
            if (generatorFilters != null) {
                Checks.positiveSizes("generatorFilters", generatorFilters);
                if (generatorFilters.length != filters.length) {
                    throw new IllegalArgumentException("generatorFilters must have as many widths as filters ("
                            + filters.length + ": G upsamples as often as D downsamples), got "
                            + java.util.Arrays.toString(generatorFilters));
                }
            }
            Checks.positive("kernelSize", kernelSize);
            int factor = 1 << filters.length;
            if (height % factor != 0 || width % factor != 0) {
                throw new IllegalArgumentException("height and width (" + height + "x" + width + ") must be divisible"
                        + " by 2^filters.length = " + factor);
            }
            return new Dcgan(this);
        }
    }
}
