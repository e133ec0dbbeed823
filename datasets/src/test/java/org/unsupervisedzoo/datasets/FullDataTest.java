package org.unsupervisedzoo.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/**
 * Checks the full data sets where this machine has them (skipped otherwise): the canonical class counts of
 * MNIST (after datasets/scripts/fetch-mnist.sh) and of Fashion-MNIST (Debian's dataset-fashion-mnist).
 */
class FullDataTest {
    @Test
    void fullMnistHasTheCanonicalCounts() {
        DataSource s = new DataLocator().locate(ImageDataset.MNIST);
        assumeTrue(!s.isSample(), "full MNIST not on this machine");
        LabelledImages train = s.load(Split.TRAIN);
        LabelledImages test = s.load(Split.TEST);
        assertArrayEquals(new int[] {5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949}, train.classCounts());
        assertArrayEquals(new int[] {980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009}, test.classCounts());
    }

    @Test
    void debianFashionMnistReads() {
        assumeTrue(Files.isDirectory(ImageDataset.FASHION_MNIST.systemFolder()), "dataset-fashion-mnist not installed");
        DataSource s = new DataLocator().locate(ImageDataset.FASHION_MNIST);
        LabelledImages train = s.load(Split.TRAIN);
        assertEquals(60000, train.count());
        for (int c : train.classCounts()) {
            assertEquals(6000, c);
        }
        assertEquals(10000, s.load(Split.TEST).count());
    }
}
