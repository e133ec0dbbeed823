package org.unsupervisedzoo.examples;

import org.nd4j.linalg.activations.Activation;
import org.unsupervisedzoo.datasets.LabelledImages;
import org.unsupervisedzoo.zoo.autoencoder.AutoencoderFactory;
import org.unsupervisedzoo.zoo.autoencoder.ReconstructionLoss;
import org.unsupervisedzoo.zoo.autoencoder.UndercompleteAutoencoder;

/** Deep undercomplete autoencoder, 784-128-64-32-64-128-784 by default. */
final class UndercompleteExample extends AutoencoderRunner {
    @Override
    public String description() {
        return "deep undercomplete autoencoder (784-128-64-32-64-128-784)";
    }

    @Override
    public String name() {
        return "undercomplete-autoencoder";
    }

    @Override
    Options modelOptions(Options o) {
        return o.option("hidden", "128,64,32", "encoder widths ending with the code size; the decoder mirrors").eachAtLeast(1)
                .option("loss", "bce", "bce or mse")
                .option("code-activation", "relu", "the code layer's activation: relu, identity (a linear code) or"
                        + " sigmoid");
    }

    /** The --code-activation option as DL4J's activation, or a one-line error naming the option and the value. */
    static Activation codeActivation(Options o) {
        return activation(o, "code-activation", Activation.RELU, Activation.IDENTITY, Activation.SIGMOID);
    }

    @Override
    AutoencoderFactory factory(Options o, LabelledImages train) {
        return UndercompleteAutoencoder.builder()
                .inputSize(train.pixelCount())
                .hiddenSizes(o.integers("hidden"))
                .loss(ReconstructionLoss.valueOf(o.string("loss").toUpperCase()))
                .codeActivation(codeActivation(o))
                .updater(adam(o, train))
                .seed(o.integer("seed"))
                .build();
    }
}
