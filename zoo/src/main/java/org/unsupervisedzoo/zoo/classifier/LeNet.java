package org.unsupervisedzoo.zoo.classifier;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.unsupervisedzoo.zoo.core.Checks;
import org.unsupervisedzoo.zoo.core.ZooBuilder;
import org.unsupervisedzoo.zoo.core.ZooModelFactory;

/**
 * LeNet-style classifier of 1x28x28 digits, the judge of the GAN package's {@code SampleQuality}: its class probabilities give the
 * classifier-based Inception Score and the mode coverage, its {@value #FEATURES} layer the space of the Frechet
 * distance. Trained once on MNIST (a couple of epochs reach about 99% test accuracy) and saved.
 *
 * <p><b>Objective.</b> Multiclass cross-entropy {@code -sum_c y_c log p(c|x)}.
 *
 * <p><b>Architecture</b> (defaults; pixels in [0, 1]):
 * <pre>
 *   image       [batch, 1, 28, 28]
 *   conv-1      conv 5x5, 20, relu          [batch, 20, 24, 24]
 *   pool-1      max 2x2 stride 2            [batch, 20, 12, 12]
 *   conv-2      conv 5x5, 50, relu          [batch, 50, 8, 8]
 *   pool-2      max 2x2 stride 2            [batch, 50, 4, 4]
 *   features    dense 128, relu             [batch, 128]
 *   classes     dense 10, softmax + MCXENT  [batch, 10]
 * </pre>
 *
 * <p><b>Defaults.</b> {@code filters=[20, 50], featureSize=128, numClasses=10}, Adam(1e-3). A narrower
 * {@code featureSize} makes the Frechet distance cheaper (its covariance is {@code featureSize^2}).
 *
 * <p><b>Reference.</b> Y. LeCun et al., "Gradient-based learning applied to document recognition", Proc. IEEE 1998;
 * the DL4J LeNet MNIST example.
 */
public final class LeNet implements ZooModelFactory {
    public static final String IMAGE = "image";
    public static final String FEATURES = "features";
    public static final String CLASSES = "classes";

    private final Builder b;

    private LeNet(Builder b) {
        this.b = b.copy();
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return "lenet";
    }

    @Override
    public long[] inputShape() {
        return new long[] {1, 28, 28};
    }

    @Override
    public ComputationGraphConfiguration conf() {
        return b.netBuilder().graphBuilder()
                .addInputs(IMAGE)
                .setInputTypes(InputType.convolutional(28, 28, 1))
                .addLayer("conv-1", new ConvolutionLayer.Builder(5, 5).nOut(b.filters1).activation(Activation.RELU)
                        .build(), IMAGE)
                .addLayer("pool-1", new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2)
                        .stride(2, 2).build(), "conv-1")
                .addLayer("conv-2", new ConvolutionLayer.Builder(5, 5).nOut(b.filters2).activation(Activation.RELU)
                        .build(), "pool-1")
                .addLayer("pool-2", new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2)
                        .stride(2, 2).build(), "conv-2")
                .addLayer(FEATURES, new DenseLayer.Builder().nOut(b.featureSize).activation(Activation.RELU).build(),
                        "pool-2")
                .addLayer(CLASSES, new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(b.numClasses)
                        .activation(Activation.SOFTMAX).build(), FEATURES)
                .setOutputs(CLASSES)
                .build();
    }

    /** Hyper-parameters, each with its default, plus those of {@link ZooBuilder}. */
    public static final class Builder extends ZooBuilder<Builder> {
        private int filters1 = 20;
        private int filters2 = 50;
        private int featureSize = 128;
        private int numClasses = 10;

        private Builder() {
        }

        /** Filters of the two convolutions. Default 20, 50. */
        public Builder filters(int filters1, int filters2) {
            this.filters1 = filters1;
            this.filters2 = filters2;
            return this;
        }

        /** Width of the {@value #FEATURES} layer (the Frechet distance's space). Default 128. */
        public Builder featureSize(int featureSize) {
            this.featureSize = featureSize;
            return this;
        }

        /** Default 10. */
        public Builder numClasses(int numClasses) {
            this.numClasses = numClasses;
            return this;
        }

        public LeNet build() {
            validateCommon();
            Checks.positive("filters1", filters1);
            Checks.positive("filters2", filters2);
            Checks.positive("featureSize", featureSize);
            Checks.positive("numClasses", numClasses);
            return new LeNet(this);
        }
    }
}
