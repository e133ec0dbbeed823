package org.unsupervisedzoo.examples;

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
                .option("loss", "bce", "bce or mse");
    }

    @Override
    AutoencoderFactory factory(Options o, LabelledImages train) {
        return UndercompleteAutoencoder.builder()
                .inputSize(train.pixelCount())
                .hiddenSizes(o.integers("hidden"))
                .loss(ReconstructionLoss.valueOf(o.string("loss").toUpperCase()))
                .updater(adam(o, train))
                .seed(o.integer("seed"))
                .build();
    }
}
