package org.unsupervisedzoo.datasets;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A folder holding a data set's four IDX files under LeCun's names, raw or gzipped:
 * {@code train-images-idx3-ubyte[.gz]}, {@code train-labels-idx1-ubyte[.gz]}, {@code t10k-images-idx3-ubyte[.gz]},
 * {@code t10k-labels-idx1-ubyte[.gz]} (the dotted form {@code train-images.idx3-ubyte} is accepted too).
 */
public final class FolderSource implements DataSource {
    private final ImageDataset dataset;
    private final Path folder;
    private final String origin;

    /**
     * @param origin how this folder was chosen, for messages (e.g. "explicit directory", "$MNIST_DIR")
     */
    public FolderSource(ImageDataset dataset, Path folder, String origin) {
        this.dataset = dataset;
        this.folder = folder;
        this.origin = origin;
    }

    @Override
    public ImageDataset dataset() {
        return dataset;
    }

    public Path folder() {
        return folder;
    }

    @Override
    public String description() {
        return dataset.displayName() + " from " + folder + " (" + origin + ")";
    }

    @Override
    public boolean isSample() {
        return false;
    }

    /** True when all four files are present (their contents are checked on {@link #load}). */
    public boolean isComplete() {
        return missingFiles().isEmpty();
    }

    /** The expected file names that are absent, e.g. {@code [t10k-labels-idx1-ubyte[.gz]]}. */
    public List<String> missingFiles() {
        List<String> missing = new ArrayList<>();
        for (Split split : Split.values()) {
            for (String kind : new String[] {"images-idx3", "labels-idx1"}) {
                if (find(split, kind) == null) {
                    missing.add(split.filePrefix() + "-" + kind + "-ubyte[.gz]");
                }
            }
        }
        return missing;
    }

    /** Throws a {@link DatasetException} listing the missing files unless the folder is complete. */
    public FolderSource requireComplete() {
        if (!Files.isDirectory(folder)) {
            throw new DatasetException(dataset.displayName() + " folder " + folder + " (" + origin
                    + ") does not exist or is not a directory");
        }
        List<String> missing = missingFiles();
        if (!missing.isEmpty()) {
            throw new DatasetException(dataset.displayName() + " folder " + folder + " (" + origin
                    + ") lacks " + String.join(", ", missing));
        }
        return this;
    }

    @Override
    public LabelledImages load(Split split) {
        requireComplete();
        IdxFile images = IdxFile.read(find(split, "images-idx3"));
        IdxFile labels = IdxFile.read(find(split, "labels-idx1"));
        return LabelledImages.of(dataset.displayName() + " " + split.name().toLowerCase(), images, labels,
                ImageDataset.SIZE, ImageDataset.SIZE, dataset().classNames());
    }

    private Path find(Split split, String kind) {
        String[] dims = kind.split("-");
        String[] names = {
            split.filePrefix() + "-" + kind + "-ubyte",
            split.filePrefix() + "-" + dims[0] + "." + dims[1] + "-ubyte",
        };
        for (String name : names) {
            for (String suffix : new String[] {"", ".gz"}) {
                Path p = folder.resolve(name + suffix);
                if (Files.isRegularFile(p)) {
                    return p;
                }
            }
        }
        return null;
    }
}
