package org.unsupervisedzoo.zoo.convolutional;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.graph.PreprocessorVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Deconvolution2D;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Upsampling2D;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.nd4j.linalg.activations.Activation;
import org.unsupervisedzoo.zoo.core.Checks;
import org.unsupervisedzoo.zoo.core.StockLayers;
import org.unsupervisedzoo.zoo.core.ZooBuilder;
import org.unsupervisedzoo.zoo.autoencoder.AutoencoderFactory;
import org.unsupervisedzoo.zoo.autoencoder.Autoencoders;
import org.unsupervisedzoo.zoo.autoencoder.ReconstructionLoss;

/**
 * Convolutional autoencoder on images {@code [batch, channels, height, width]} (NCHW).
 *
 * <p><b>Objective.</b> {@code L(x, g(f(x)))} per pixel (BCE by default) with a convolutional encoder {@code f}
 * (strided convolutions) and a mirror decoder {@code g} (transposed convolutions, or 2x upsampling followed by
 * a convolution).
 *
 * <p><b>Architecture</b> (defaults, 1x28x28):
 * <pre>
 *   input               [batch, 1, 28, 28]
 *   encoder-1           conv 3x3 stride 2, 16, relu     state size [batch, 16, 14, 14]
 *   encoder-2           conv 3x3 stride 2, 32, relu     state size [batch, 32, 7, 7]
 *   code                dense 1568 -> 64, relu          state size [batch, 64]
 *   decoder-dense       dense 64 -> 1568, relu          state size [batch, 1568]
 *   decoder-reshape                                     state size [batch, 32, 7, 7]
 *   decoder-1           deconv 3x3 stride 2, 16, relu   state size [batch, 16, 14, 14]
 *   decoder-2           deconv 3x3 stride 2, 1, identity state size [batch, 1, 28, 28]
 *   reconstruction      sigmoid + BCE per pixel         state size [batch, 1, 28, 28]
 * </pre>
 * With {@code codeSize = 0} there is no dense bottleneck: the code is encoder-2's feature map (vertex
 * {@value Autoencoders#CODE} is then an identity of it). With {@code decoder = UPSAMPLING}, each transposed
 * convolution becomes a 2x upsampling ({@code decoder-j-upsample}) followed by a 3x3 convolution.
 *
 * <p><b>Defaults and tuning.</b> {@code height=28, width=28, channels=1, filters=[16, 32], kernelSize=3, stride=2,
 * codeSize=64, activation=RELU, outputActivation=SIGMOID, loss=BCE, decoder=TRANSPOSED}, plus the
 * {@link ZooBuilder} fields. Height and width must be divisible by {@code stride^filters.length}. Upsampling
 * followed by a convolution avoids the checkerboard artefacts of transposed convolutions (Odena et al. 2016),
 * but in DL4J 1.0.0-M2.1 on CPU it trained about 3x slower on MNIST (174 vs 535 examples/s), so the transposed
 * decoder is the default.
 *
 * <p><b>Reference.</b> J. Masci et al., "Stacked convolutional auto-encoders for hierarchical feature extraction",
 * ICANN 2011; F. Chollet, "Building Autoencoders in Keras" (2016).
 */
public final class ConvolutionalAutoencoder implements AutoencoderFactory {
    /** The dense layer after the code, and the vertex reshaping it back to a feature map. */
    public static final String DECODER_DENSE = "decoder-dense";
    public static final String DECODER_RESHAPE = "decoder-reshape";

    /** How the decoder grows the feature maps. */
    public enum Decoder {
        UPSAMPLING,
        TRANSPOSED
    }

    private final Builder b;

    private ConvolutionalAutoencoder(Builder b) {
        this.b = b.copy();
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return "convolutional-autoencoder";
    }

    @Override
    public long[] inputShape() {
        return new long[] {b.channels, b.height, b.width};
    }

    @Override
    public ReconstructionLoss loss() {
        return b.loss;
    }

    /** Width of the code: {@code codeSize}, or the size of the last feature map when it is 0. */
    @Override
    public int codeSize() {
        return b.codeSize > 0 ? b.codeSize : b.filters[b.filters.length - 1] * b.innerHeight() * b.innerWidth();
    }

    @Override
    public ComputationGraphConfiguration conf() {
        int n = b.filters.length;
        GraphBuilder g = b.net().graphBuilder()
                .addInputs(Autoencoders.INPUT)
                .setInputTypes(InputType.convolutional(b.height, b.width, b.channels));
        // encoder: strided convolutions
        String prev = Autoencoders.INPUT;
        for (int i = 0; i < n; i++) {
            String name = Autoencoders.encoderLayer(i + 1);
            g.addLayer(name, new ConvolutionLayer.Builder(b.kernelSize, b.kernelSize)
                    .stride(b.stride, b.stride).nOut(b.filters[i]).activation(b.activation).build(), prev);
            prev = name;
        }
        // code: a dense bottleneck, or the last feature map itself
        if (b.codeSize > 0) {
            g.addLayer(Autoencoders.CODE, StockLayers.dense(0, b.codeSize, b.activation, null), prev);
            g.addLayer(DECODER_DENSE, StockLayers.dense(0, (long) b.filters[n - 1] * b.innerHeight() * b.innerWidth(),
                    b.activation, null), Autoencoders.CODE);
            g.addVertex(DECODER_RESHAPE, new PreprocessorVertex(
                    new FeedForwardToCnnPreProcessor(b.innerHeight(), b.innerWidth(), b.filters[n - 1])), DECODER_DENSE);
            prev = DECODER_RESHAPE;
        } else {
            g.addLayer(Autoencoders.CODE, new org.deeplearning4j.nn.conf.layers.ActivationLayer(Activation.IDENTITY),
                    prev);
            prev = Autoencoders.CODE;
        }
        // decoder: mirror stages, the last producing the image
        for (int j = 1; j <= n; j++) {
            boolean last = j == n;
            int out = last ? b.channels : b.filters[n - 1 - j];
            Activation act = last ? Activation.IDENTITY : b.activation;
            String name = Autoencoders.decoderLayer(j);
            if (b.decoder == Decoder.TRANSPOSED) {
                // DL4J's transposed convolution, keeping its pre-activation for the backward pass
                g.addLayer(name, new Deconvolution2D.Builder(b.kernelSize, b.kernelSize)
                        .stride(b.stride, b.stride).nOut(out).activation(act).build(), prev);
            } else {
                g.addLayer(name + "-upsample", new Upsampling2D.Builder(b.stride).build(), prev);
                g.addLayer(name, new ConvolutionLayer.Builder(b.kernelSize, b.kernelSize)
                        .nOut(out).activation(act).build(), name + "-upsample");
            }
            prev = name;
        }
        g.addLayer(Autoencoders.RECONSTRUCTION, new CnnLossLayer.Builder(b.loss.lossFunction())
                .activation(b.outputActivation).build(), prev);
        return g.setOutputs(Autoencoders.RECONSTRUCTION).build();
    }

    /** Hyper-parameters, each with its default, plus those of {@link ZooBuilder}. */
    public static final class Builder extends ZooBuilder<Builder> {
        private int height = 28;
        private int width = 28;
        private int channels = 1;
        private int[] filters = {16, 32};
        private int kernelSize = 3;
        private int stride = 2;
        private int codeSize = 64;
        private Activation activation = Activation.RELU;
        private Activation outputActivation = Activation.SIGMOID;
        private ReconstructionLoss loss = ReconstructionLoss.BCE;
        private Decoder decoder = Decoder.TRANSPOSED;

        private Builder() {
        }

        /** Image height and width. Default 28x28. */
        public Builder imageSize(int height, int width) {
            this.height = height;
            this.width = width;
            return this;
        }

        /** Image channels. Default 1. */
        public Builder channels(int channels) {
            this.channels = channels;
            return this;
        }

        /** Filters of each encoder convolution; the decoder mirrors them. Default [16, 32]. */
        public Builder filters(int... filters) {
            this.filters = filters == null ? null : filters.clone();
            return this;
        }

        /** Square kernel size of every convolution. Default 3. */
        public Builder kernelSize(int kernelSize) {
            this.kernelSize = kernelSize;
            return this;
        }

        /** Stride of the encoder convolutions (and the decoder's upsampling factor). Default 2. */
        public Builder stride(int stride) {
            this.stride = stride;
            return this;
        }

        /** Width of the dense code; 0 for none (the last feature map is the code). Default 64. */
        public Builder codeSize(int codeSize) {
            this.codeSize = codeSize;
            return this;
        }

        /** Activation of the hidden layers and the code. Default RELU. */
        public Builder activation(Activation activation) {
            this.activation = activation;
            return this;
        }

        /** Activation of the reconstruction. Default SIGMOID. */
        public Builder outputActivation(Activation outputActivation) {
            this.outputActivation = outputActivation;
            return this;
        }

        /** Default BCE. */
        public Builder loss(ReconstructionLoss loss) {
            this.loss = loss;
            return this;
        }

        /** Default TRANSPOSED (about 3x faster than UPSAMPLING in DL4J 1.0.0-M2.1 on CPU, see BENCHMARKS.md). */
        public Builder decoder(Decoder decoder) {
            this.decoder = decoder;
            return this;
        }

        int innerHeight() {
            return height / pow(stride, filters.length);
        }

        int innerWidth() {
            return width / pow(stride, filters.length);
        }

        private static int pow(int base, int exp) {
            int r = 1;
            for (int i = 0; i < exp; i++) {
                r *= base;
            }
            return r;
        }

        org.deeplearning4j.nn.conf.NeuralNetConfiguration.Builder net() {
            // CacheMode.DEVICE: DL4J's convolution layers keep their forward im2col and pre-activation for the backward
            // pass instead of computing them again
            return netBuilder().convolutionMode(ConvolutionMode.Same).cacheMode(CacheMode.DEVICE);
        }

        public ConvolutionalAutoencoder build() {
            validateCommon();
            Checks.positive("height", height);
            Checks.positive("width", width);
            Checks.positive("channels", channels);
            Checks.positiveSizes("filters", filters);
            Checks.positive("kernelSize", kernelSize);
            Checks.positive("stride", stride);
            Checks.nonNegative("codeSize", codeSize);
            Checks.notNull("activation", activation);
            Checks.notNull("outputActivation", outputActivation);
            Checks.notNull("loss", loss);
            Checks.notNull("decoder", decoder);
            int factor = pow(stride, filters.length);
            if (height % factor != 0 || width % factor != 0) {
                throw new IllegalArgumentException("height and width (" + height + "x" + width + ") must be divisible"
                        + " by stride^filters.length = " + factor);
            }
            return new ConvolutionalAutoencoder(this);
        }
    }
}
