package org.unsupervisedzoo.datasets;

import java.nio.file.Path;
import java.util.List;

/** The 28x28 ten-class IDX data sets this project reads. */
public enum ImageDataset {
    /** LeCun's handwritten digits. */
    MNIST("MNIST", "MNIST_DIR", "mnist",
            List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9")),
    /** Zalando's article images, a drop-in replacement for MNIST. */
    FASHION_MNIST("Fashion-MNIST", "FASHION_MNIST_DIR", "fashion-mnist",
            List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker",
                    "Bag", "Ankle boot"));

    /** Image height and width of both data sets. */
    public static final int SIZE = 28;
    /** Classes of both data sets. */
    public static final int NUM_CLASSES = 10;

    private final String displayName;
    private final String envVar;
    private final String folderName;
    private final List<String> classNames;

    ImageDataset(String displayName, String envVar, String folderName, List<String> classNames) {
        this.displayName = displayName;
        this.envVar = envVar;
        this.folderName = folderName;
        this.classNames = classNames;
    }

    public String displayName() {
        return displayName;
    }

    /** The environment variable that points at a folder holding this data set's four IDX files. */
    public String envVar() {
        return envVar;
    }

    /** Folder name of the project's fetched copy, below {@link DataLocator#projectDataHome}. */
    public String folderName() {
        return folderName;
    }

    public List<String> classNames() {
        return classNames;
    }

    /** Where Debian's {@code dataset-fashion-mnist} package installs its files; null for MNIST. */
    public Path systemFolder() {
        return this == FASHION_MNIST ? Path.of("/usr/share/datasets/fashion-mnist") : null;
    }
}
