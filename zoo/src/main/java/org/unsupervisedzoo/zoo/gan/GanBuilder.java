package org.unsupervisedzoo.zoo.gan;

import org.nd4j.linalg.learning.config.Adam;
import org.unsupervisedzoo.zoo.core.Checks;
import org.unsupervisedzoo.zoo.core.ZooBuilder;
import org.nd4j.linalg.learning.config.Adam;

/**
 * The hyper-parameters both GAN factories share, each with its default, plus those of {@link ZooBuilder}; the
 * updater defaults to DCGAN's Adam(2e-4, beta1 0.5).
 *
 * @param <B> the concrete builder
 */
public abstract class GanBuilder<B extends GanBuilder<B>> extends ZooBuilder<B> {
    int noiseSize = 100;
    int numClasses = 0;
    int height = 28;
    int width = 28;
    int channels = 1;
    double leakySlope = 0.2;
    boolean generatorBatchNorm;
    boolean projection;
    boolean auxiliaryClassifier;

    protected GanBuilder(boolean generatorBatchNorm) {
        this.generatorBatchNorm = generatorBatchNorm;
        this.updater = new Adam(2e-4, 0.5, 0.999, 1e-8);
    }

    /** Width of the noise vector z ~ N(0, I). Default 100. */
    public B noiseSize(int noiseSize) {
        this.noiseSize = noiseSize;
        return self();
    }

    /**
     * Makes the GAN conditional on a one-hot class label (input {@value Gan#LABEL}, fed to G and D), so that
     * G(z, y) draws an image of class y. Default 0: unconditional.
     */
    public B conditional(int numClasses) {
        this.numClasses = numClasses;
        return self();
    }

    /** Image height and width. Default 28x28. */
    public B imageSize(int height, int width) {
        this.height = height;
        this.width = width;
        return self();
    }

    /** Image channels. Default 1. */
    public B channels(int channels) {
        this.channels = channels;
        return self();
    }

    /** Negative slope of the LeakyReLU activations (D everywhere; G in the MLP GAN). Default 0.2. */
    public B leakySlope(double leakySlope) {
        this.leakySlope = leakySlope;
        return self();
    }

    /** Batch normalization after each hidden generator layer. Default true for the DCGAN, false for the MLP GAN. */
    public B generatorBatchNorm(boolean generatorBatchNorm) {
        this.generatorBatchNorm = generatorBatchNorm;
        return self();
    }

    /**
     * How a conditional D reads the label. False (the default, Mirza and Osindero 2014): the label joins D's input
     * (concatenated to the image, or for the DCGAN as a learnt image-sized channel). True: the projection
     * discriminator (Miyato and Koyama 2018): D reads the image alone up to its last hidden features
     * {@code phi(x)}, a learnt embedding {@code e(y)} of the label has their width, and the logit is a dense layer
     * on {@code [phi(x), phi(x) * e(y)]}, i.e. {@code w.phi(x) + (diag(v) E y).phi(x) + b}: the projection form,
     * which ties the class to D's features directly instead of asking D to discover it from an extra input. Needs
     * {@link #conditional}. Default false.
     */
    public B projection(boolean projection) {
        this.projection = projection;
        return self();
    }

    /**
     * An auxiliary classifier in D (AC-GAN, Odena et al. 2017): a second head on D's last hidden features,
     * {@code q(y|x) = softmax(dense(phi(x)))}, trained with cross-entropy against the label of every image D sees
     * (the real digits' labels and the labels G was asked for), while G minimises the same cross-entropy for its
     * samples through the frozen D. It asks G for samples D recognises as the class, a direct signal that the
     * other conditionings only give through the real/fake logit. Both losses are summed (weight 1 each, as in the
     * paper), so {@code loss_d} and {@code loss_g} include the class term. Needs {@link #projection}: with the
     * label at D's input, the head could read the label instead of the image. Default false.
     */
    public B auxiliaryClassifier(boolean auxiliaryClassifier) {
        this.auxiliaryClassifier = auxiliaryClassifier;
        return self();
    }

    void validateGan() {
        validateCommon();
        Checks.positive("noiseSize", noiseSize);
        Checks.nonNegative("numClasses", numClasses);
        if (numClasses == 1) {
            throw new IllegalArgumentException("numClasses must be 0 (unconditional) or at least 2, got 1");
        }
        Checks.positive("height", height);
        Checks.positive("width", width);
        Checks.positive("channels", channels);
        Checks.inRange("leakySlope", leakySlope, 0, 1);
        if (projection && numClasses == 0) {
            throw new IllegalArgumentException("projection needs a conditional GAN (conditional(numClasses), at least"
                    + " 2 classes), got numClasses 0");
        }
        if (auxiliaryClassifier && !projection) {
            throw new IllegalArgumentException("auxiliaryClassifier needs projection(true) (with the label at D's"
                    + " input the class head could read the label instead of the image), got projection false");
        }
    }
}
