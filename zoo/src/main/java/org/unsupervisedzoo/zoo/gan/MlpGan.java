package org.unsupervisedzoo.zoo.gan;

import java.util.function.UnaryOperator;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.unsupervisedzoo.zoo.core.StockLayers;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.impl.ActivationLReLU;
import org.unsupervisedzoo.zoo.core.Checks;
import org.unsupervisedzoo.zoo.core.ZooBuilder;

/**
 * Multilayer-perceptron GAN (Goodfellow et al. 2014) on flat images {@code [batch, height*width*channels]}.
 *
 * <p><b>Objective.</b> D maximises {@code E_x log D(x) + E_z log(1 - D(G(z)))}; G minimises the non-saturating
 * {@code -E_z log D(G(z))} (see {@link GanTrainer}). Images are in [-1, 1] (G ends in tanh).
 *
 * <p><b>Architecture</b> (defaults, MNIST):
 * <pre>
 *   noise                                                     [batch, 100]
 *   (generator-input      merge noise + label, conditional)   [batch, 110]
 *   generator-1           dense 256, leaky relu 0.2           [batch, 256]
 *   generator-2           dense 512, leaky relu 0.2           [batch, 512]
 *   image                 dense 784, tanh                     [batch, 784]
 *   (discriminator-input  merge image + label, conditional)   [batch, 794]
 *   discriminator-1       dense 512, leaky relu 0.2           [batch, 512]
 *   discriminator-2       dense 256, leaky relu 0.2           [batch, 256]
 *   logit                 dense 1, identity                   [batch, 1]
 *   (projection, conditional: no discriminator-input; discriminator-embedding dense label -> 256,
 *    discriminator-projection = discriminator-2 * embedding, discriminator-joint = merge of the two,
 *    logit reads the joint                                    [batch, 512] -> [batch, 1])
 *   score                 sigmoid + binary cross-entropy      [batch, 1]
 * </pre>
 * With {@code generatorBatchNorm}, each {@code generator-i} is linear and followed by {@code generator-i-bn}
 * (batch normalization) and {@code generator-i-act} (the leaky relu). In {@link #conf()} (the combined graph) every discriminator layer is
 * a {@code FrozenLayerWithBackprop}.
 *
 * <p><b>Defaults and tuning.</b> {@code noiseSize=100, generatorSizes=[256, 512], discriminatorSizes=[512, 256],
 * leakySlope=0.2, generatorBatchNorm=false, conditional=0 (off)}, Adam(2e-4, beta1=0.5). If D wins too early
 * (D(G(z)) near 0, G's loss growing), lower D's capacity or use one-sided label smoothing in {@link GanTrainer}.
 *
 * <p><b>References.</b> I. Goodfellow et al., "Generative Adversarial Nets", NIPS 2014; M. Mirza, S. Osindero,
 * "Conditional Generative Adversarial Nets", arXiv:1411.1784.
 */
public final class MlpGan extends Gan {
    private final Builder b;

    private MlpGan(Builder b) {
        this.b = b.copy();
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return b.numClasses > 0 ? "conditional-mlp-gan" : "mlp-gan";
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
        return new long[] {(long) b.height * b.width * b.channels};
    }

    @Override
    GanBuilder<?> settings() {
        return b;
    }

    @Override
    InputType imageInputType() {
        return InputType.feedForward((long) b.height * b.width * b.channels);
    }

    @Override
    void addGenerator(GraphBuilder g) {
        String prev = NOISE;
        if (conditional()) {
            g.addVertex(GENERATOR_INPUT, new MergeVertex(), NOISE, LABEL);
            prev = GENERATOR_INPUT;
        }
        for (int i = 0; i < b.generatorSizes.length; i++) {
            String name = generatorLayer(i + 1);
            if (b.generatorBatchNorm) {
                g.addLayer(name, StockLayers.dense(0, b.generatorSizes[i], Activation.IDENTITY, null), prev);
                prev = batchNormThen(g, name, leaky());
            } else {
                g.addLayer(name, StockLayers.dense(0, b.generatorSizes[i], leaky(), null), prev);
                prev = name;
            }
        }
        g.addLayer(IMAGE, StockLayers.dense(0, (long) b.height * b.width * b.channels, Activation.TANH, null), prev);
    }

    @Override
    String discriminatorFeatures() {
        return discriminatorLayer(b.discriminatorSizes.length);
    }

    @Override
    void addDiscriminator(GraphBuilder g, String image, UnaryOperator<Layer> layer) {
        String prev = image;
        if (conditional() && !b.projection) {
            g.addVertex(DISCRIMINATOR_INPUT, new MergeVertex(), image, LABEL);
            prev = DISCRIMINATOR_INPUT;
        }
        for (int i = 0; i < b.discriminatorSizes.length; i++) {
            String name = discriminatorLayer(i + 1);
            g.addLayer(name, layer.apply(StockLayers.dense(0, b.discriminatorSizes[i], leaky(), null)), prev);
            prev = name;
        }
        if (b.projection) {
            addProjectionLogit(g, prev, b.discriminatorSizes[b.discriminatorSizes.length - 1], layer);
            return;
        }
        g.addLayer(LOGIT, layer.apply(StockLayers.dense(0, 1, Activation.IDENTITY, null)), prev);
    }

    private ActivationLReLU leaky() {
        return new ActivationLReLU(b.leakySlope);
    }

    /** Hyper-parameters, each with its default, plus those of {@link GanBuilder} and {@link ZooBuilder}. */
    public static final class Builder extends GanBuilder<Builder> {
        private int[] generatorSizes = {256, 512};
        private int[] discriminatorSizes = {512, 256};

        private Builder() {
            super(false);
        }

        /** Hidden widths of G, from the noise up. Default [256, 512]. */
        public Builder generatorSizes(int... generatorSizes) {
            this.generatorSizes = generatorSizes == null ? null : generatorSizes.clone();
            return this;
        }

        /** Hidden widths of D, from the image down. Default [512, 256]. */
        public Builder discriminatorSizes(int... discriminatorSizes) {
            this.discriminatorSizes = discriminatorSizes == null ? null : discriminatorSizes.clone();
            return this;
        }

        public MlpGan build() {
            validateGan();
            Checks.positiveSizes("generatorSizes", generatorSizes);
            Checks.positiveSizes("discriminatorSizes", discriminatorSizes);
            return new MlpGan(this);
        }
    }
}
