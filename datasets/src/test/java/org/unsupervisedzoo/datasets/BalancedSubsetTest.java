package org.unsupervisedzoo.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BalancedSubsetTest {
    private static final LabelledImages TRAIN = new BundledSample().load(Split.TRAIN);

    /** Each image of {@code subset} as a string of its bytes, to find it in the full set. */
    private static Set<String> images(LabelledImages data) {
        Set<String> out = new HashSet<>();
        for (int i = 0; i < data.count(); i++) {
            StringBuilder sb = new StringBuilder().append(data.label(i)).append(':');
            for (int p = 0; p < data.pixelCount(); p++) {
                sb.append((char) data.pixel(i, p));
            }
            out.add(sb.toString());
        }
        return out;
    }

    @Test
    void balancedPerClassSeededAndDrawnFromTheData() {
        LabelledImages a = TRAIN.balancedSubset(100, 1);
        assertEquals(100, a.count());
        assertArrayEquals(new int[] {10, 10, 10, 10, 10, 10, 10, 10, 10, 10}, a.classCounts());
        assertEquals(images(a), images(TRAIN.balancedSubset(100, 1)), "same seed, same digits");
        assertNotEquals(images(a), images(TRAIN.balancedSubset(100, 2)), "another seed, other digits");
        Set<String> all = images(TRAIN);
        assertTrue(all.containsAll(images(a)), "every example (image with its label) comes from the data");
        assertEquals(100, images(a).size(), "no example twice");
        assertArrayEquals(new int[] {2, 2, 2, 1, 1, 1, 1, 1, 1, 1}, TRAIN.balancedSubset(13, 1).classCounts());
        // shuffled: the labels are not in class blocks
        int changes = 0;
        for (int i = 1; i < a.count(); i++) {
            changes += a.label(i) != a.label(i - 1) ? 1 : 0;
        }
        assertTrue(changes > 50, "labels interleaved, got " + changes + " changes");
    }

    @Test
    void impossibleSizesAreNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TRAIN.balancedSubset(5, 1));
        assertTrue(e.getMessage().contains("got 5"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TRAIN.balancedSubset(TRAIN.count() + 1, 1));
        assertTrue(e.getMessage().contains("n must be"), e.getMessage());
    }

    @Test
    void balancedSplitIsTheSubsetAndEveryOtherExample() {
        LabelledImages[] split = TRAIN.balancedSplit(100, 3);
        LabelledImages subset = TRAIN.balancedSubset(100, 3);
        assertEquals(100, split[0].count());
        assertEquals(TRAIN.count() - 100, split[1].count());
        for (int i = 0; i < 100; i++) {
            assertEquals(subset.label(i), split[0].label(i), "the same digits in the same order");
            assertEquals(subset.pixel(i, 400), split[0].pixel(i, 400));
        }
        Set<String> rest = images(split[1]);
        Set<String> labelled = images(split[0]);
        Set<String> both = new HashSet<>(rest);
        both.retainAll(labelled);
        assertTrue(both.isEmpty(), "no labelled digit among the rest");
        Set<String> union = new HashSet<>(rest);
        union.addAll(labelled);
        assertEquals(images(TRAIN), union, "together they are the data");
        int[] counts = TRAIN.classCounts();
        for (int c = 0; c < 10; c++) {
            assertEquals(counts[c] - 10, split[1].classCounts()[c]);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TRAIN.balancedSplit(TRAIN.count(), 1));
        assertTrue(e.getMessage().contains("got " + TRAIN.count()), e.getMessage());
    }
}
