package org.unsupervisedzoo.examples;

import org.unsupervisedzoo.datasets.BundledSample;
import org.unsupervisedzoo.datasets.DataLocator;
import org.unsupervisedzoo.datasets.DataSource;
import org.unsupervisedzoo.datasets.ImageDataset;

/** The {@code --data} and {@code --data-dir} options shared by every runner. */
final class ExampleData {
    private ExampleData() {
    }

    static Options declare(Options options) {
        return options
                .option("data", "sample", "sample (the bundled MNIST sample), mnist or fashion")
                .option("data-dir", "", "folder with the four IDX files (overrides the search order)");
    }

    static DataSource locate(Options options) {
        String data = options.string("data");
        switch (data) {
            case "sample":
                if (options.path("data-dir") != null) {
                    throw new IllegalArgumentException("--data-dir needs --data mnist or --data fashion");
                }
                return new BundledSample();
            case "mnist":
                return new DataLocator().locate(ImageDataset.MNIST, options.path("data-dir"));
            case "fashion":
                return new DataLocator().locate(ImageDataset.FASHION_MNIST, options.path("data-dir"));
            default:
                throw new IllegalArgumentException("--data must be sample, mnist or fashion, got '" + data + "'");
        }
    }

    /** The {@code --binarize} option of the runners that take it: {@code none} or {@code dynamic}. */
    static org.unsupervisedzoo.datasets.MnistIterator.Binarization binarization(Options o) {
        switch (o.string("binarize")) {
            case "none":
                return org.unsupervisedzoo.datasets.MnistIterator.Binarization.NONE;
            case "dynamic":
                return org.unsupervisedzoo.datasets.MnistIterator.Binarization.DYNAMIC;
            default:
                throw new IllegalArgumentException("--binarize must be none or dynamic, got '" + o.string("binarize")
                        + "'");
        }
    }
}
