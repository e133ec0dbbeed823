package org.unsupervisedzoo.datasets;

import java.io.IOException;
import java.io.InputStream;

/**
 * The small MNIST sample bundled in this jar: 5,000 training digits (500 per class) and 1,000 test digits
 * (100 per class), drawn with a fixed seed from the original files by {@code datasets/scripts/make_sample.py}.
 * It lets examples and tests run with no download; results on it are not comparable with published MNIST
 * figures.
 */
public final class BundledSample implements DataSource {
    /** Classpath folder of the sample's four gzipped IDX files. */
    public static final String RESOURCE_FOLDER = "/org/unsupervisedzoo/datasets/mnist-sample/";

    @Override
    public ImageDataset dataset() {
        return ImageDataset.MNIST;
    }

    @Override
    public String description() {
        return "bundled MNIST SAMPLE (5,000 train / 1,000 test digits; not full MNIST)";
    }

    @Override
    public boolean isSample() {
        return true;
    }

    @Override
    public LabelledImages load(Split split) {
        IdxFile images = resource(split.filePrefix() + "-images-idx3-ubyte.gz");
        IdxFile labels = resource(split.filePrefix() + "-labels-idx1-ubyte.gz");
        return LabelledImages.of("MNIST sample " + split.name().toLowerCase(), images, labels,
                ImageDataset.SIZE, ImageDataset.SIZE, dataset().classNames());
    }

    private static IdxFile resource(String name) {
        String path = RESOURCE_FOLDER + name;
        try (InputStream in = BundledSample.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new DatasetException("Bundled sample resource missing from the classpath: " + path);
            }
            return IdxFile.read(in, "classpath:" + path);
        } catch (IOException e) {
            throw new DatasetException("Cannot read bundled sample resource " + path + ": " + e.getMessage(), e);
        }
    }
}
