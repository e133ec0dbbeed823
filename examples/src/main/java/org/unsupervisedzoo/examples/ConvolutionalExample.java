package org.unsupervisedzoo.examples;

import org.unsupervisedzoo.datasets.LabelledImages;
import org.unsupervisedzoo.datasets.MnistIterator;
import org.unsupervisedzoo.zoo.autoencoder.AutoencoderFactory;
import org.unsupervisedzoo.zoo.convolutional.ConvolutionalAutoencoder;

/** Convolutional autoencoder on 1x28x28 digits. */
final class ConvolutionalExample extends AutoencoderRunner {
    @Override
    public String description() {
        return "convolutional autoencoder (strided convolutions, transposed-convolution decoder)";
    }

    @Override
    public String name() {
        return "convolutional-autoencoder";
    }

    @Override
    MnistIterator.Shape shape() {
        return MnistIterator.Shape.IMAGE;
    }

    @Override
    Options modelOptions(Options o) {
        return o.option("filters", "16,32", "filters of each strided encoder convolution").eachAtLeast(1)
                .option("code", "64", "dense code width (0: the last feature map is the code)").min(0)
                .option("decoder", "transposed", "transposed or upsampling");
    }

    @Override
    AutoencoderFactory factory(Options o, LabelledImages train) {
        return ConvolutionalAutoencoder.builder()
                .imageSize(train.rows(), train.cols())
                .filters(o.integers("filters"))
                .codeSize(o.integer("code"))
                .decoder(ConvolutionalAutoencoder.Decoder.valueOf(o.string("decoder").toUpperCase()))
                .updater(adam(o, train))
                .seed(o.integer("seed"))
                .build();
    }
}
