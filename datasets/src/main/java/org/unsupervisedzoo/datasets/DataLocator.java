package org.unsupervisedzoo.datasets;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds a data set's files, trying these places in order and taking the first that applies:
 * <ol>
 *   <li>an explicit directory, if the caller gives one (it must hold all four files);</li>
 *   <li>the environment variable {@code MNIST_DIR} or {@code FASHION_MNIST_DIR}, if set (it must hold all
 *       four files);</li>
 *   <li>for MNIST, DL4J's own cache folder {@code ~/.deeplearning4j/data/MNIST} (honouring
 *       {@code -Dorg.deeplearning4j.resources.directory} and {@code $DL4J_RESOURCES_DIR}), as left by
 *       DL4J's {@code MnistDataSetIterator}; for Fashion-MNIST, Debian's
 *       {@code /usr/share/datasets/fashion-mnist} ({@code apt-get install dataset-fashion-mnist});</li>
 *   <li>the project's fetched copy, {@code ~/.unsupervised-zoo/data/<mnist|fashion-mnist>}
 *       ({@code $UNSUPERVISED_ZOO_HOME/data/...} if that is set), written by
 *       {@code datasets/scripts/fetch-mnist.sh};</li>
 *   <li>for MNIST only, the small sample bundled in this jar, with a warning that it is a sample.</li>
 * </ol>
 * Places 3 and 4 are used only when all four files are there. Nothing is downloaded.
 */
public final class DataLocator {
    private static final Logger log = LoggerFactory.getLogger(DataLocator.class);

    private final Function<String, String> env;
    private final Function<String, String> sysProps;
    private final Path userHome;

    /** A locator reading the real environment, system properties and home folder. */
    public DataLocator() {
        this(System::getenv, System::getProperty, Path.of(System.getProperty("user.home")));
    }

    /** A locator with an injected environment, properties and home folder (for tests). */
    public DataLocator(Map<String, String> env, Map<String, String> sysProps, Path userHome) {
        this(env::get, sysProps::get, userHome);
    }

    private DataLocator(Function<String, String> env, Function<String, String> sysProps, Path userHome) {
        this.env = env;
        this.sysProps = sysProps;
        this.userHome = userHome;
    }

    /** Locates {@code dataset} with no explicit directory. */
    public DataSource locate(ImageDataset dataset) {
        return locate(dataset, null);
    }

    /**
     * Locates {@code dataset}.
     *
     * @param explicitDir a folder the user named, or null
     * @throws DatasetException if a named folder is incomplete, or no place has the data (Fashion-MNIST has
     *                          no bundled sample)
     */
    public DataSource locate(ImageDataset dataset, Path explicitDir) {
        if (explicitDir != null) {
            return new FolderSource(dataset, explicitDir, "explicit directory").requireComplete();
        }
        String fromEnv = env.apply(dataset.envVar());
        if (fromEnv != null && !fromEnv.isBlank()) {
            return new FolderSource(dataset, Path.of(fromEnv), "$" + dataset.envVar()).requireComplete();
        }
        List<FolderSource> candidates = new ArrayList<>();
        if (dataset == ImageDataset.MNIST) {
            candidates.add(new FolderSource(dataset, dl4jDataHome().resolve("MNIST"), "DL4J's cache"));
        } else {
            candidates.add(new FolderSource(dataset, dataset.systemFolder(), "Debian package dataset-fashion-mnist"));
        }
        candidates.add(new FolderSource(dataset, projectDataHome().resolve(dataset.folderName()),
                "fetched copy"));
        for (FolderSource candidate : candidates) {
            if (candidate.isComplete()) {
                return candidate;
            }
        }
        if (dataset == ImageDataset.MNIST) {
            BundledSample sample = new BundledSample();
            log.warn("Full MNIST not found (looked in ${}, {}, {}): using the {}. "
                            + "Run datasets/scripts/fetch-mnist.sh for the full data set.",
                    dataset.envVar(), candidates.get(0).folder(), candidates.get(1).folder(), sample.description());
            return sample;
        }
        throw new DatasetException(dataset.displayName() + " not found: set $" + dataset.envVar()
                + ", or install Debian's dataset-fashion-mnist (" + dataset.systemFolder()
                + "), or copy the four IDX files to " + candidates.get(1).folder());
    }

    /** DL4J's data folder: {@code <dl4j resources>/data}. */
    public Path dl4jDataHome() {
        String dir = sysProps.apply("org.deeplearning4j.resources.directory");
        if (dir == null || dir.isBlank()) {
            dir = env.apply("DL4J_RESOURCES_DIR");
        }
        Path base = (dir == null || dir.isBlank()) ? userHome.resolve(".deeplearning4j") : Path.of(dir);
        return base.resolve("data");
    }

    /** The project's data folder: {@code $UNSUPERVISED_ZOO_HOME/data}, default {@code ~/.unsupervised-zoo/data}. */
    public Path projectDataHome() {
        String home = env.apply("UNSUPERVISED_ZOO_HOME");
        Path base = (home == null || home.isBlank()) ? userHome.resolve(".unsupervised-zoo") : Path.of(home);
        return base.resolve("data");
    }
}
