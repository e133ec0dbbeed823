package org.unsupervisedzoo.zoo.aae;

import java.util.List;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayerWithBackprop;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.impl.ActivationLReLU;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.impl.LossBinaryXENT;
import org.unsupervisedzoo.zoo.autoencoder.Autoencoders;
import org.unsupervisedzoo.zoo.autoencoder.DenseAutoencoder;
import org.unsupervisedzoo.zoo.autoencoder.DenseAutoencoderBuilder;
import org.unsupervisedzoo.zoo.core.Checks;
import org.unsupervisedzoo.zoo.core.GraphIO;
import org.unsupervisedzoo.zoo.core.StockLayers;

/**
 * Adversarial autoencoder (Makhzani et al. 2015): an autoencoder whose code distribution {@code q(z)} is matched to
 * a prior {@code p(z)} by a discriminator on the code, as a GAN matches images.
 *
 * <p><b>Objective.</b> With encoder {@code f}, decoder {@code g} and code discriminator {@code D}, three phases per
 * minibatch, as in the paper ({@link AaeTrainer}):
 * <pre>
 *   reconstruction:  min_{f,g}  E_x  L(x, g(f(x)))                       in {@link #conf()} (BCE by default)
 *   discriminator:   max_D      E_{z~p} log D(z) + E_x log(1 - D(f(x)))   in {@link #discriminatorConf()}
 *   generator:       min_f      lambda E_x [-log D(f(x))]                 in {@link #generatorConf()}, D frozen
 * </pre>
 * Each phase is its own graph with its own optimiser state; the graphs share layer names, and the trainer copies
 * the encoder's and D's parameters between them after each phase. In {@link #generatorConf()} every D layer is a
 * DL4J {@code FrozenLayerWithBackprop}: the gradient reaches the encoder through D, D does not move.
 *
 * <p><b>Architecture</b> (defaults):
 * <pre>
 *   input            [batch, 784]
 *   encoder-1        784 -> 512   relu
 *   encoder-2        512 -> 256   relu
 *   code             256 -> 8     identity   (the features; matched to the prior)
 *   decoder-1, -2    8 -> 256 -> 512 relu; reconstruction 512 -> 784 sigmoid (output layer, BCE; labels: the input)
 *   discriminator-1  8 -> 256     leaky relu 0.2
 *   discriminator-2  256 -> 256   leaky relu 0.2
 *   logit            256 -> 1     identity
 *   score            sigmoid + binary cross-entropy (labels: 1 for prior samples, 0 for codes; 1 in the generator)
 * </pre>
 * {@link #conf()} is the autoencoder (input -> code -> reconstruction), the model users encode and decode with;
 * {@link #generatorConf()} is input -> encoder -> frozen D -> score; {@link #discriminatorConf()} is {@value #CODE}
 * -> D -> score; {@link #decoderConf()} is {@value #CODE} -> decoder, for sampling {@code g(z), z ~ p}.
 *
 * <p><b>Defaults and tuning.</b> {@code hiddenSizes=[512, 256, 8], codeActivation=IDENTITY,
 * discriminatorSizes=[256, 256], leakySlope=0.2, prior=GAUSSIAN, adversarialWeight=1}, Adam(1e-3) for every
 * phase, plus {@link DenseAutoencoderBuilder}'s settings. A 2-D code ({@code hiddenSizes(512, 256, 2)}) can be
 * plotted; with {@link Prior#MIXTURE} the codes form ten clusters. {@code adversarialWeight} scales the generator
 * phase's loss: 0 skips the phase (a plain autoencoder whose D watches: the baseline); with Adam, which normalises
 * each phase's step, any positive weight acts alike, with SGD it is the phase's relative learning rate.
 *
 * <p><b>Reference.</b> A. Makhzani, J. Shlens, N. Jaitly, I. Goodfellow, B. Frey, "Adversarial Autoencoders",
 * arXiv:1511.05644 (2015; ICLR 2016 workshop).
 */
public final class AdversarialAutoencoder extends DenseAutoencoder<AdversarialAutoencoder.Builder> {
    /** The code: an encoder output in the combined graph, the input of D's and the decoder's graphs. */
    public static final String CODE = Autoencoders.CODE;
    /** D's logit and score (sigmoid + BCE). */
    public static final String LOGIT = "logit";
    public static final String SCORE = "score";

    private AdversarialAutoencoder(Builder b) {
        super(b);
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return "adversarial-autoencoder";
    }

    public Prior prior() {
        return b.prior;
    }

    public double adversarialWeight() {
        return b.adversarialWeight;
    }

    /** Name of D's layer {@code i}, from 1. */
    public static String discriminatorLayer(int i) {
        return "discriminator-" + i;
    }

    /** The autoencoder: input -> encoder -> code -> decoder -> reconstruction. The reconstruction phase trains it. */
    @Override
    public ComputationGraphConfiguration conf() {
        GraphBuilder g = b.graphBuilder();
        addEncoder(g);
        b.addDecoder(g, CODE, null);
        return g.setOutputs(Autoencoders.RECONSTRUCTION).build();
    }

    /**
     * The generator phase's graph: input -> encoder -> code -> D (frozen) -> score. Train it with labels 1: the
     * encoder learns to make its codes look drawn from the prior. Its loss is weighted by {@code adversarialWeight}.
     */
    public ComputationGraphConfiguration generatorConf() {
        GraphBuilder g = b.graphBuilder();
        addEncoder(g);
        addDiscriminator(g, FrozenLayerWithBackprop::new, b.adversarialWeight);
        return g.setOutputs(SCORE).build();
    }

    private void addEncoder(GraphBuilder g) {
        String prev = b.addEncoderHidden(g, null, null);
        g.addLayer(CODE, StockLayers.dense(b.codeInputSize(), b.codeSize(), b.codeActivationSetting(), null), prev);
    }

    /** D alone: input {@value #CODE} (prior samples or codes), output score = D(z), the probability "prior". */
    public ComputationGraphConfiguration discriminatorConf() {
        GraphBuilder g = b.netBuilder().graphBuilder().addInputs(CODE).setInputTypes(InputType.feedForward(
                b.codeSize()));
        addDiscriminator(g, l -> l, 1);
        return g.setOutputs(SCORE).build();
    }

    /** The decoder alone: input {@value #CODE}, output the reconstruction g(z). For sampling; not trained alone. */
    public ComputationGraphConfiguration decoderConf() {
        GraphBuilder g = b.netBuilder().graphBuilder().addInputs(CODE).setInputTypes(InputType.feedForward(
                b.codeSize()));
        b.addDecoder(g, CODE, null);
        return g.setOutputs(Autoencoders.RECONSTRUCTION).build();
    }

    private void addDiscriminator(GraphBuilder g, java.util.function.UnaryOperator<Layer> wrap, double weight) {
        String prev = CODE;
        long width = b.codeSize();
        for (int i = 0; i < b.discriminatorSizes.length; i++) {
            String name = discriminatorLayer(i + 1);
            g.addLayer(name, wrap.apply(StockLayers.dense(width, b.discriminatorSizes[i],
                    new ActivationLReLU(b.leakySlope), null)), prev);
            prev = name;
            width = b.discriminatorSizes[i];
        }
        g.addLayer(LOGIT, wrap.apply(StockLayers.dense(width, 1, Activation.IDENTITY, null)), prev);
        LossBinaryXENT loss = weight == 1 || weight == 0 ? new LossBinaryXENT()
                : new LossBinaryXENT(Nd4j.scalar(weight).reshape(1, 1).castTo(b.getDataType()));
        g.addLayer(SCORE, new LossLayer.Builder(loss).activation(Activation.SIGMOID).build(), LOGIT);
    }

    /** The generator graph's input (the data) and output. */
    public List<GraphIO> generatorOutputs() {
        return GraphIO.outputs(generatorConf(), inputs(), (n, p) -> new String[] {"1 for every example (the encoder"
                + " learns to make its codes look drawn from the prior; D's layers are frozen)",
            "D(f(x)), the probability that the code was drawn from the prior"});
    }

    /** D's graph's input: prior samples (label 1) or the encoder's codes (label 0). */
    public List<GraphIO> discriminatorInputs() {
        return List.of(new GraphIO(CODE, new long[] {b.codeSize()}, "samples of the prior (label 1) and codes of"
                + " the data (label 0)", "a code"));
    }

    /** The decoder graph's input. */
    public List<GraphIO> decoderInputs() {
        return List.of(new GraphIO(CODE, new long[] {b.codeSize()}, "not trained alone: train the combined graph",
                "samples of the prior (new digits) or codes of the data"));
    }

    /** Hyper-parameters, each with its default, plus those of {@link DenseAutoencoderBuilder}. */
    public static final class Builder extends DenseAutoencoderBuilder<Builder> {
        private int[] discriminatorSizes = {256, 256};
        private double leakySlope = 0.2;
        private Prior prior = Prior.GAUSSIAN;
        private double adversarialWeight = 1;

        private Builder() {
            hiddenSizes = new int[] {512, 256, 8};
            codeActivation = Activation.IDENTITY;
        }

        /** Hidden widths of D, from the code up. Default [256, 256]. */
        public Builder discriminatorSizes(int... discriminatorSizes) {
            this.discriminatorSizes = discriminatorSizes == null ? null : discriminatorSizes.clone();
            return this;
        }

        /** Slope of D's leaky ReLU for negative inputs. Default 0.2. */
        public Builder leakySlope(double leakySlope) {
            this.leakySlope = leakySlope;
            return this;
        }

        /** The prior the codes are matched to. Default GAUSSIAN. */
        public Builder prior(Prior prior) {
            this.prior = prior;
            return this;
        }

        /** Weight lambda of the encoder's adversarial loss against the reconstruction loss. Default 1. */
        public Builder adversarialWeight(double adversarialWeight) {
            this.adversarialWeight = adversarialWeight;
            return this;
        }

        public AdversarialAutoencoder build() {
            validateDense();
            Checks.positiveSizes("discriminatorSizes", discriminatorSizes);
            Checks.inRange("leakySlope", leakySlope, 0, 1);
            Checks.notNull("prior", prior);
            Checks.nonNegative("adversarialWeight", adversarialWeight);
            if (prior == Prior.MIXTURE && codeSize() < 2) {
                throw new IllegalArgumentException("prior MIXTURE needs a code of at least 2 dimensions, got codeSize "
                        + codeSize() + " (hiddenSizes' last entry)");
            }
            return new AdversarialAutoencoder(this);
        }
    }
}
