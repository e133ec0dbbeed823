package org.unsupervisedzoo.datasets;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

/**
 * A pair of IDX files, images and labels, checked against each other: images are
 * {@code [n, rows, cols]} of the expected size, labels are {@code [n]} with values below
 * {@code numClasses}, and both have the same {@code n}. Pixels stay as unsigned bytes (in a raw file's mapping
 * where {@link IdxFile} mapped one) until an iterator turns a batch into floats.
 */
public final class LabelledImages {
    private final String name;
    private final int count;
    private final int rows;
    private final int cols;
    /** Read-only, position 0: read with absolute gets only (the buffer is shared by copies of this object). */
    private final ByteBuffer pixels;
    private final byte[] labels;
    private final List<String> classNames;

    private LabelledImages(String name, int count, int rows, int cols, ByteBuffer pixels, byte[] labels,
                           List<String> classNames) {
        this.name = name;
        this.count = count;
        this.rows = rows;
        this.cols = cols;
        this.pixels = pixels;
        this.labels = labels;
        this.classNames = List.copyOf(classNames);
    }

    /**
     * Checks an image file and a label file against each other.
     *
     * @param name       a short description for messages, e.g. "MNIST train"
     * @param rows       the expected image height (28 for MNIST)
     * @param cols       the expected image width (28 for MNIST)
     * @param classNames the class names; every label must be below their count
     */
    public static LabelledImages of(String name, IdxFile images, IdxFile labels, int rows, int cols,
                                    List<String> classNames) {
        int numClasses = classNames.size();
        int[] id = images.dims();
        if (id.length != 3) {
            throw new DatasetException("Image file " + images.source() + " has " + id.length
                    + " dimensions " + Arrays.toString(id) + ", expected 3 [count, rows, cols]");
        }
        if (id[1] != rows || id[2] != cols) {
            throw new DatasetException("Image file " + images.source() + " holds " + id[1] + "x" + id[2]
                    + " images, expected " + rows + "x" + cols);
        }
        int[] ld = labels.dims();
        if (ld.length != 1) {
            throw new DatasetException("Label file " + labels.source() + " has " + ld.length
                    + " dimensions " + Arrays.toString(ld) + ", expected 1 [count]");
        }
        if (id[0] != ld[0]) {
            throw new DatasetException("Image and label counts disagree: " + images.source() + " has " + id[0]
                    + " images, " + labels.source() + " has " + ld[0] + " labels");
        }
        byte[] lab = labels.data();
        for (int i = 0; i < lab.length; i++) {
            int v = lab[i] & 0xff;
            if (v >= numClasses) {
                throw new DatasetException("Label file " + labels.source() + " has label " + v + " at index " + i
                        + ", expected 0.." + (numClasses - 1));
            }
        }
        return new LabelledImages(name, id[0], rows, cols, images.buffer(), lab, classNames);
    }

    public String name() {
        return name;
    }

    public int count() {
        return count;
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    public int numClasses() {
        return classNames.size();
    }

    /** Class names, index = label. */
    public List<String> classNames() {
        return classNames;
    }

    /** Pixels per image. */
    public int pixelCount() {
        return rows * cols;
    }

    /** The class of example {@code i}. */
    public int label(int i) {
        return labels[i] & 0xff;
    }

    /** Pixel {@code p} (row-major) of example {@code i}, 0..255. */
    public int pixel(int i, int p) {
        return pixels.get(i * rows * cols + p) & 0xff;
    }

    /** Number of examples of each class. */
    public int[] classCounts() {
        int[] counts = new int[numClasses()];
        for (int i = 0; i < count; i++) {
            counts[label(i)]++;
        }
        return counts;
    }

    /**
     * Examples {@code from} (inclusive) to {@code to} (exclusive) in file order, a copy: e.g. the last 10,000
     * training digits as a validation split.
     */
    public LabelledImages range(int from, int to) {
        if (from < 0 || to > count || from >= to) {
            throw new IllegalArgumentException("range must satisfy 0 <= from < to <= " + count + " for " + name
                    + ", got [" + from + ", " + to + ")");
        }
        int size = rows * cols;
        byte[] out = new byte[(to - from) * size];
        pixels.get(from * size, out);
        return new LabelledImages(name + " [" + from + ", " + to + ")", to - from, rows, cols, ByteBuffer.wrap(out),
                Arrays.copyOfRange(labels, from, to), classNames);
    }

    /**
     * A copy whose pixels are one stochastic binarization of these (each pixel 255 with probability
     * {@code pixel / 255}, else 0), drawn from {@code seed}: the fixed binarized test set of the VAE literature.
     */
    public LabelledImages stochasticallyBinarized(long seed) {
        java.util.Random rng = new java.util.Random(seed);
        byte[] out = new byte[pixels.capacity()];
        pixels.get(0, out);
        for (int i = 0; i < out.length; i++) {
            out[i] = rng.nextInt(255) < (out[i] & 0xff) ? (byte) 255 : 0;
        }
        return new LabelledImages(name + " (binarized, seed " + seed + ")", count, rows, cols, ByteBuffer.wrap(out),
                labels,
                classNames);
    }

    /**
     * A labelled subset balanced per class, drawn without replacement from {@code seed}: {@code n / numClasses}
     * examples of every class (the first {@code n % numClasses} classes get one more), in a shuffled order. The
     * draw for a seed is fixed, so budgets and baselines compared under one seed see the same digits.
     *
     * @throws IllegalArgumentException when {@code n} is not in {@code [numClasses, count]} or a class has too few
     *                                  examples
     */
    public LabelledImages balancedSubset(int n, long seed) {
        return select(balancedIndices(n, seed), name + " (balanced " + n + ", seed " + seed + ")");
    }

    /**
     * The split of a semi-supervised run: {@code [labelled, rest]}, where {@code labelled} is
     * {@link #balancedSubset}{@code (n, seed)} (the same digits in the same order) and {@code rest} every other
     * example, in file order (its labels are kept but a semi-supervised learner does not read them).
     *
     * @throws IllegalArgumentException as {@link #balancedSubset}, and when nothing would be left ({@code n == count})
     */
    public LabelledImages[] balancedSplit(int n, long seed) {
        int[] chosen = balancedIndices(n, seed);
        if (n == count) {
            throw new IllegalArgumentException("n must be below " + count + " for " + name
                    + " to leave unlabelled examples, got " + n);
        }
        boolean[] taken = new boolean[count];
        for (int i : chosen) {
            taken[i] = true;
        }
        int[] rest = new int[count - n];
        int m = 0;
        for (int i = 0; i < count; i++) {
            if (!taken[i]) {
                rest[m++] = i;
            }
        }
        return new LabelledImages[] {select(chosen, name + " (balanced " + n + ", seed " + seed + ")"),
            select(rest, name + " (all but the balanced " + n + ", seed " + seed + ")")};
    }

    /** The indices of {@link #balancedSubset}, in its order. */
    private int[] balancedIndices(int n, long seed) {
        if (n < numClasses() || n > count) {
            throw new IllegalArgumentException("n must be in [" + numClasses() + ", " + count + "] for " + name
                    + ", got " + n);
        }
        int k = numClasses();
        int[][] byClass = new int[k][];
        int[] counts = classCounts();
        for (int c = 0; c < k; c++) {
            byClass[c] = new int[counts[c]];
        }
        int[] fill = new int[k];
        for (int i = 0; i < count; i++) {
            byClass[label(i)][fill[label(i)]++] = i;
        }
        java.util.Random rng = new java.util.Random(seed);
        int[] chosen = new int[n];
        int m = 0;
        for (int c = 0; c < k; c++) {
            int want = n / k + (c < n % k ? 1 : 0);
            if (want > counts[c]) {
                throw new IllegalArgumentException("class " + c + " of " + name + " has " + counts[c]
                        + " examples, a balanced subset of " + n + " needs " + want);
            }
            int[] pool = byClass[c];
            for (int j = 0; j < want; j++) { // partial Fisher-Yates
                int r = j + rng.nextInt(pool.length - j);
                int t = pool[j];
                pool[j] = pool[r];
                pool[r] = t;
                chosen[m++] = pool[j];
            }
        }
        for (int i = n - 1; i > 0; i--) {
            int r = rng.nextInt(i + 1);
            int t = chosen[i];
            chosen[i] = chosen[r];
            chosen[r] = t;
        }
        return chosen;
    }

    /** A copy holding examples {@code idx}, in that order. */
    private LabelledImages select(int[] idx, String newName) {
        int size = rows * cols;
        byte[] px = new byte[idx.length * size];
        byte[] lab = new byte[idx.length];
        for (int i = 0; i < idx.length; i++) {
            pixels.get(idx[i] * size, px, i * size, size);
            lab[i] = labels[idx[i]];
        }
        return new LabelledImages(newName, idx.length, rows, cols, ByteBuffer.wrap(px), lab, classNames);
    }

    /** Raw pixel bytes, read-only, to be read with absolute gets; package-private so iterators read without copying. */
    ByteBuffer pixelBuffer() {
        return pixels;
    }
}
