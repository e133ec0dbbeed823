package org.unsupervisedzoo.examples;

import org.unsupervisedzoo.datasets.LabelledImages;
import org.unsupervisedzoo.datasets.Split;

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

    /** The digits a run trains on and those it measures on (the test set, or held-out training digits). */
    record Held(LabelledImages train, LabelledImages measured, boolean validation) {
        /** "val" or "test", as the epoch lines name the measured set. */
        String label() {
            return validation ? "val" : "test";
        }
    }

    /**
     * {@code --validation n}: with n > 0 the last n training digits are measured in place of the test set, which is
     * then not read (settings are chosen this way); with 0 the run trains on all training digits and measures on the
     * test set.
     */
    static Held held(DataSource source, Options o) {
        LabelledImages train = source.load(Split.TRAIN);
        int n = o.integer("validation");
        if (n == 0) {
            return new Held(train, source.load(Split.TEST), false);
        }
        if (n >= train.count()) {
            throw new CliException("--validation must be below the " + train.count() + " training digits, got " + n);
        }
        int cut = train.count() - n;
        return new Held(train.range(0, cut), train.range(cut, train.count()), true);
    }
}
