package org.unsupervisedzoo.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataLocatorTest {
    @TempDir
    Path home;

    private DataLocator locator(Map<String, String> env) {
        return new DataLocator(env, Map.of(), home);
    }

    private static Path folder(DataSource s) {
        return assertInstanceOf(FolderSource.class, s).folder();
    }

    @Test
    void fallsBackToTheBundledSampleWhenNothingElseIsThere() {
        DataSource s = locator(Map.of()).locate(ImageDataset.MNIST);
        assertTrue(s.isSample());
        assertTrue(s.description().contains("SAMPLE"));
        LabelledImages train = s.load(Split.TRAIN);
        assertEquals(5000, train.count());
        for (int c : train.classCounts()) {
            assertEquals(500, c);
        }
        LabelledImages test = s.load(Split.TEST);
        assertEquals(1000, test.count());
        for (int c : test.classCounts()) {
            assertEquals(100, c);
        }
    }

    @Test
    void searchOrderIsExplicitThenEnvThenDl4jCacheThenFetchedCopy() throws Exception {
        Path explicit = IdxFixtures.writeDataset(home.resolve("explicit"), 3, false);
        Path env = IdxFixtures.writeDataset(home.resolve("env"), 3, true);
        Path dl4j = IdxFixtures.writeDataset(home.resolve(".deeplearning4j/data/MNIST"), 3, false);
        Path fetched = IdxFixtures.writeDataset(home.resolve(".unsupervised-zoo/data/mnist"), 3, false);

        DataLocator withEnv = locator(Map.of("MNIST_DIR", env.toString()));
        assertEquals(explicit, folder(withEnv.locate(ImageDataset.MNIST, explicit)));
        assertEquals(env, folder(withEnv.locate(ImageDataset.MNIST)));
        assertEquals(dl4j, folder(locator(Map.of()).locate(ImageDataset.MNIST)));
        Files.delete(dl4j.resolve("t10k-labels-idx1-ubyte")); // an incomplete cache is skipped
        assertEquals(fetched, folder(locator(Map.of()).locate(ImageDataset.MNIST)));
        Path zooHome = home.resolve("zoohome");
        IdxFixtures.writeDataset(zooHome.resolve("data/mnist"), 3, false);
        assertEquals(zooHome.resolve("data/mnist"),
                folder(locator(Map.of("UNSUPERVISED_ZOO_HOME", zooHome.toString())).locate(ImageDataset.MNIST)));

        LabelledImages loaded = withEnv.locate(ImageDataset.MNIST).load(Split.TEST);
        assertEquals(3, loaded.count());
        assertFalse(withEnv.locate(ImageDataset.MNIST).isSample());
    }

    @Test
    void dl4jResourceDirectoryPropertyIsHonoured() throws Exception {
        Path custom = home.resolve("dl4j-res");
        IdxFixtures.writeDataset(custom.resolve("data/MNIST"), 2, false);
        DataLocator l = new DataLocator(Map.of(), Map.of("org.deeplearning4j.resources.directory", custom.toString()),
                home);
        assertEquals(custom.resolve("data/MNIST"), folder(l.locate(ImageDataset.MNIST)));
    }

    @Test
    void namedFoldersMustBeComplete() throws Exception {
        Path partial = IdxFixtures.writeDataset(home.resolve("partial"), 2, false);
        Files.delete(partial.resolve("train-labels-idx1-ubyte"));
        DatasetException e = assertThrows(DatasetException.class,
                () -> locator(Map.of()).locate(ImageDataset.MNIST, partial));
        assertTrue(e.getMessage().contains(partial.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("train-labels-idx1-ubyte"), e.getMessage());

        DatasetException env = assertThrows(DatasetException.class,
                () -> locator(Map.of("MNIST_DIR", home.resolve("missing").toString())).locate(ImageDataset.MNIST));
        assertTrue(env.getMessage().contains("$MNIST_DIR") && env.getMessage().contains("does not exist"),
                env.getMessage());
    }

    @Test
    void corruptFilesInAFolderFailOnLoadNamingTheFile() throws Exception {
        Path dir = IdxFixtures.writeDataset(home.resolve("corrupt"), 4, false);
        Path labels = dir.resolve("t10k-labels-idx1-ubyte");
        byte[] raw = Files.readAllBytes(labels);
        Files.write(labels, java.util.Arrays.copyOf(raw, raw.length - 1));
        DataSource s = locator(Map.of()).locate(ImageDataset.MNIST, dir);
        DatasetException e = assertThrows(DatasetException.class, () -> s.load(Split.TEST));
        assertTrue(e.getMessage().contains(labels.toString()) && e.getMessage().contains("Truncated"),
                e.getMessage());
    }

    @Test
    void fashionMnistHasNoSampleAndSaysHowToGetIt() throws Exception {
        Path fakeEnv = home.resolve("fashion");
        DataLocator l = locator(Map.of("FASHION_MNIST_DIR", fakeEnv.toString()));
        assertThrows(DatasetException.class, () -> l.locate(ImageDataset.FASHION_MNIST));
        IdxFixtures.writeDataset(fakeEnv, 2, true);
        DataSource s = l.locate(ImageDataset.FASHION_MNIST);
        assertEquals(ImageDataset.FASHION_MNIST, s.dataset());
        assertEquals("Ankle boot", s.load(Split.TRAIN).classNames().get(9));
        if (!Files.isDirectory(ImageDataset.FASHION_MNIST.systemFolder())) {
            DatasetException e = assertThrows(DatasetException.class,
                    () -> locator(Map.of()).locate(ImageDataset.FASHION_MNIST));
            assertTrue(e.getMessage().contains("dataset-fashion-mnist"), e.getMessage());
        }
    }
}
