package org.unsupervisedzoo.zoo;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Function;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.unsupervisedzoo.zoo.autoencoder.UndercompleteAutoencoder;
import org.unsupervisedzoo.zoo.classifier.EncoderClassifier;
import org.unsupervisedzoo.zoo.convolutional.ConvolutionalAutoencoder;
import org.unsupervisedzoo.zoo.denoising.DenoisingAutoencoder;
import org.unsupervisedzoo.zoo.denoising.GaussianCorruption;
import org.unsupervisedzoo.zoo.denoising.MaskingCorruption;
import org.unsupervisedzoo.zoo.fast.Accelerate;

/**
 * DOUBLE gradient checks of whole model graphs no other test covers: the denoising autoencoder (its corruption
 * redrawn identically each pass), the convolutional autoencoder with each decoder, and a fine-tuned encoder
 * classifier; each as the factory builds it (DL4J's layers) and with the zoo's fast twins swapped in.
 */
@ExtendWith(DoublePrecision.class)
@DoublePrecision.Seed(21)
class ModelGradientCheckTest {
    private static Function<ComputationGraphConfiguration, ComputationGraph> graphs(boolean fast) {
        return conf -> {
            if (fast) {
                return Accelerate.init(conf);
            }
            ComputationGraph g = new ComputationGraph(conf);
            g.init();
            return g;
        };
    }

    private static void check(String what, ComputationGraph g, INDArray x, INDArray y) {
        assertTrue(GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(g)
                .inputs(new INDArray[] {x}).labels(new INDArray[] {y}).epsilon(1e-6).maxRelError(1e-3)
                .minAbsoluteError(1e-8).callEachIter(net -> Nd4j.getRandom().setSeed(77))), what);
    }

    @ParameterizedTest(name = "fast {0}")
    @ValueSource(booleans = {false, true})
    void denoisingAutoencoderWithGaussianAndMaskingNoise(boolean fast) {
        INDArray x = Nd4j.rand(DataType.DOUBLE, 4, 9);
        for (var corruption : new org.unsupervisedzoo.zoo.denoising.Corruption[] {new GaussianCorruption(0.3, false),
            new MaskingCorruption(0.3)}) {
            DenoisingAutoencoder dae = DenoisingAutoencoder.builder().inputSize(9).hiddenSizes(6, 3)
                    .corruption(corruption).activation(Activation.TANH).updater(new NoOp()).dataType(DataType.DOUBLE)
                    .build();
            check("denoising " + corruption, graphs(fast).apply(dae.conf()), x, x);
        }
    }

    @ParameterizedTest(name = "fast {0}")
    @ValueSource(booleans = {false, true})
    void convolutionalAutoencoderWithEachDecoder(boolean fast) {
        INDArray x = Nd4j.rand(DataType.DOUBLE, 2, 1, 8, 8);
        for (ConvolutionalAutoencoder.Decoder decoder : ConvolutionalAutoencoder.Decoder.values()) {
            ConvolutionalAutoencoder cae = ConvolutionalAutoencoder.builder().imageSize(8, 8).filters(2, 3)
                    .kernelSize(3).codeSize(4).activation(Activation.TANH).decoder(decoder).updater(new NoOp())
                    .dataType(DataType.DOUBLE).build();
            check("convolutional " + decoder, graphs(fast).apply(cae.conf()), x, x);
        }
    }

    @ParameterizedTest(name = "fast {0}")
    @ValueSource(booleans = {false, true})
    void fineTunedEncoderClassifier(boolean fast) {
        UndercompleteAutoencoder ae = UndercompleteAutoencoder.builder().inputSize(9).hiddenSizes(6, 4)
                .activation(Activation.TANH).codeActivation(Activation.TANH).dataType(DataType.DOUBLE).build();
        ComputationGraph trained = ae.init();
        ComputationGraph clf = EncoderClassifier.builder(ae, trained).frozen(false).numClasses(3).hiddenSizes(5)
                .activation(Activation.TANH).updater(new NoOp()).build();
        if (fast) {
            clf = Accelerate.accelerate(clf);
        }
        INDArray x = Nd4j.rand(DataType.DOUBLE, 4, 9);
        INDArray y = Nd4j.eye(3).castTo(DataType.DOUBLE).getRows(0, 1, 2, 0);
        check("encoder classifier", clf, x, y);
    }
}
