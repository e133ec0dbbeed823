package org.unsupervisedzoo.datasets;

import java.util.Arrays;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.DataSetPreProcessor;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A DL4J {@link DataSetIterator} over MNIST or Fashion-MNIST (any {@link LabelledImages}).
 *
 * <p>Features are pixels scaled to [0,1] (optionally binarized), shaped {@code [batch, 784]} ({@link Shape#FLAT})
 * or {@code [batch, 1, 28, 28]} ({@link Shape#IMAGE}). Labels are one-hot {@code [batch, 10]}
 * ({@link Target#CLASS}) or the features themselves ({@link Target#INPUT}, for autoencoders trained with
 * {@code fit(iterator)}).
 *
 * <pre>{@code
 * DataSource mnist = new DataLocator().locate(ImageDataset.MNIST);
 * DataSetIterator train = MnistIterator.builder(mnist, Split.TRAIN)
 *         .batchSize(128)            // default 128
 *         .shuffle(true).seed(42)    // default: shuffled, seed 123, reshuffled on every reset()
 *         .binarization(Binarization.DYNAMIC)   // default NONE
 *         .classes(0, 1, 2, 3, 4, 5, 6, 7, 8)   // default: all ten
 *         .subset(10_000)            // default 0 = all
 *         .build();
 * }</pre>
 *
 * <p>Defaults: batch 128, shuffled with seed 123, no binarization (threshold 0.5 when static), flat shape,
 * one-hot targets, all classes, all examples. The class filter keeps labels ten wide, so a label still names
 * the digit. The subset keeps the first {@code n} examples (after the class filter) in file order.
 * Dynamic binarization draws a fresh Bernoulli sample of every pixel each time a batch is produced, from a
 * generator seeded by {@code seed}, so a run is reproducible.
 */
public final class MnistIterator implements DataSetIterator {
    /** How pixel intensities become feature values. */
    public enum Binarization {
        /** {@code pixel / 255}. */
        NONE,
        /** {@code 1} if {@code pixel / 255 > threshold}, else {@code 0}; the same every epoch. */
        STATIC,
        /** A Bernoulli draw with probability {@code pixel / 255}, fresh for every batch. */
        DYNAMIC
    }

    /** Feature layout. */
    public enum Shape {
        /** {@code [batch, rows * cols]}, for dense networks. */
        FLAT,
        /** {@code [batch, 1, rows, cols]} (NCHW), for convolutional networks. */
        IMAGE
    }

    /** What the iterator puts in the labels slot. */
    public enum Target {
        /** One-hot class labels {@code [batch, numClasses]}. */
        CLASS,
        /** The features again (same array), for reconstruction training. */
        INPUT
    }

    private final LabelledImages data;
    private final int batchSize;
    private final boolean shuffle;
    private final Binarization binarization;
    private final double threshold;
    private final Shape shape;
    private final Target target;
    private final int[] selected;
    private final int[] order;
    private final Random shuffleRng;
    private final Random binarizeRng;
    /**
     * A new float 'c' array of {@code shape} holding {@code values[0..length)}, copied in bulk: ND4J's
     * {@code Nd4j.create(float[], ...)} copies element by element through an indexer, 60% of this iterator's time.
     */
    private static INDArray array(float[] values, int length, long[] shape) {
        INDArray a = Nd4j.createUninitialized(DataType.FLOAT, shape, 'c');
        java.nio.FloatBuffer b = a.data().asNioFloat();
        if (b == null || b.capacity() - b.position() < length || a.offset() != 0) {
            return Nd4j.create(java.util.Arrays.copyOf(values, length), shape, 'c');
        }
        b.put(b.position(), values, 0, length);
        return a;
    }

    /** {@code i / 255f} for every byte value: the grey level of a pixel. */
    private static final float[] GREY = new float[256];

    static {
        for (int i = 0; i < GREY.length; i++) {
            GREY[i] = i / 255f;
        }
    }

    private float[] scratch;
    /** One example's pixel bytes, copied from the data set's buffer in bulk. */
    private byte[] row;
    private int cursor;
    private DataSetPreProcessor preProcessor;

    private MnistIterator(Builder b) {
        this.data = b.data;
        this.batchSize = b.batchSize;
        this.shuffle = b.shuffle;
        this.binarization = b.binarization;
        this.threshold = b.threshold;
        this.shape = b.shape;
        this.target = b.target;
        this.selected = select(b.data, b.classes, b.subset);
        this.order = selected.clone();
        this.shuffleRng = new Random(b.seed);
        this.binarizeRng = new Random(b.seed ^ 0x5DEECE66DL);
        if (shuffle) {
            shuffleOrder();
        }
    }

    /** A builder over already loaded images. */
    public static Builder builder(LabelledImages data) {
        return new Builder(data);
    }

    /** A builder over one split of a located data set (loads and checks the files now). */
    public static Builder builder(DataSource source, Split split) {
        return new Builder(source.load(split));
    }

    private static int[] select(LabelledImages data, int[] classes, int subset) {
        boolean[] keep = new boolean[data.numClasses()];
        if (classes == null) {
            Arrays.fill(keep, true);
        } else {
            for (int c : classes) {
                keep[c] = true;
            }
        }
        int[] idx = new int[data.count()];
        int n = 0;
        for (int i = 0; i < data.count() && (subset == 0 || n < subset); i++) {
            if (keep[data.label(i)]) {
                idx[n++] = i;
            }
        }
        if (n == 0) {
            throw new DatasetException("No examples of classes " + Arrays.toString(classes) + " in " + data.name());
        }
        return Arrays.copyOf(idx, n);
    }

    private void shuffleOrder() {
        for (int i = order.length - 1; i > 0; i--) {
            int j = shuffleRng.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
    }

    /** Examples per epoch, after the class filter and the subset. */
    public int numExamples() {
        return selected.length;
    }

    /** The data set's name, e.g. "MNIST train". */
    public String dataName() {
        return data.name();
    }

    @Override
    public DataSet next(int num) {
        if (num <= 0) {
            throw new IllegalArgumentException("num must be positive, got " + num);
        }
        if (!hasNext()) {
            throw new NoSuchElementException("Epoch finished after " + order.length + " examples: call reset()");
        }
        int n = Math.min(num, order.length - cursor);
        int pixels = data.pixelCount();
        java.nio.ByteBuffer raw = data.pixelBuffer();
        if (row == null || row.length != pixels) {
            row = new byte[pixels];
        }
        // one scratch array for every batch (ND4J copies it): a new 400 KB float[] per batch is a "humongous"
        // allocation for the G1 collector, slow and a trigger of collections
        if (scratch == null || scratch.length != n * pixels) {
            scratch = new float[n * pixels];
        }
        float[] features = scratch;
        float[] labels = target == Target.CLASS ? new float[n * data.numClasses()] : null;
        for (int r = 0; r < n; r++) {
            int example = order[cursor + r];
            raw.get(example * pixels, row, 0, pixels);
            int dst = r * pixels;
            if (binarization == Binarization.NONE) { // the common case in a loop of its own (no branch per pixel)
                for (int p = 0; p < pixels; p++) {
                    features[dst + p] = GREY[row[p] & 0xff];
                }
            } else {
                for (int p = 0; p < pixels; p++) {
                    float v = GREY[row[p] & 0xff];
                    features[dst + p] = binarization == Binarization.STATIC ? (v > threshold ? 1f : 0f)
                            : (binarizeRng.nextFloat() < v ? 1f : 0f);
                }
            }
            if (labels != null) {
                labels[r * data.numClasses() + data.label(example)] = 1f;
            }
        }
        cursor += n;
        INDArray f = array(features, n * pixels, shape == Shape.FLAT ? new long[] {n, pixels}
                : new long[] {n, 1, data.rows(), data.cols()});
        INDArray l = labels != null ? array(labels, labels.length, new long[] {n, data.numClasses()}) : f;
        DataSet ds = new DataSet(f, l);
        if (preProcessor != null) {
            preProcessor.preProcess(ds);
        }
        return ds;
    }

    @Override
    public DataSet next() {
        return next(batchSize);
    }

    @Override
    public boolean hasNext() {
        return cursor < order.length;
    }

    @Override
    public int inputColumns() {
        return data.pixelCount();
    }

    @Override
    public int totalOutcomes() {
        return target == Target.CLASS ? data.numClasses() : data.pixelCount();
    }

    @Override
    public boolean resetSupported() {
        return true;
    }

    @Override
    public boolean asyncSupported() {
        return true;
    }

    /** Starts a new epoch, reshuffling if shuffling is on. */
    @Override
    public void reset() {
        cursor = 0;
        if (shuffle) {
            shuffleOrder();
        }
    }

    @Override
    public int batch() {
        return batchSize;
    }

    @Override
    public void setPreProcessor(DataSetPreProcessor preProcessor) {
        this.preProcessor = preProcessor;
    }

    @Override
    public DataSetPreProcessor getPreProcessor() {
        return preProcessor;
    }

    @Override
    public List<String> getLabels() {
        return data.classNames();
    }

    /** Builder with the defaults listed on {@link MnistIterator}. */
    public static final class Builder {
        private final LabelledImages data;
        private int batchSize = 128;
        private boolean shuffle = true;
        private long seed = 123;
        private Binarization binarization = Binarization.NONE;
        private double threshold = 0.5;
        private Shape shape = Shape.FLAT;
        private Target target = Target.CLASS;
        private int[] classes = null;
        private int subset = 0;

        private Builder(LabelledImages data) {
            if (data == null) {
                throw new IllegalArgumentException("data must not be null");
            }
            this.data = data;
        }

        /** Examples per batch (the last batch of an epoch may be smaller). Default 128. */
        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /** Shuffle at the start and on every reset. Default true. */
        public Builder shuffle(boolean shuffle) {
            this.shuffle = shuffle;
            return this;
        }

        /** Seed of the shuffling and of dynamic binarization. Default 123. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Default {@link Binarization#NONE}. */
        public Builder binarization(Binarization binarization) {
            this.binarization = binarization;
            return this;
        }

        /** Threshold of static binarization, in (0,1). Default 0.5. */
        public Builder threshold(double threshold) {
            this.threshold = threshold;
            return this;
        }

        /** Default {@link Shape#FLAT}. */
        public Builder shape(Shape shape) {
            this.shape = shape;
            return this;
        }

        /** Default {@link Target#CLASS}. */
        public Builder target(Target target) {
            this.target = target;
            return this;
        }

        /** Keep only these classes (labels stay ten wide). Default: all. */
        public Builder classes(int... classes) {
            this.classes = classes == null ? null : classes.clone();
            return this;
        }

        /** Keep only the first {@code n} examples after the class filter; 0 keeps all. Default 0. */
        public Builder subset(int subset) {
            this.subset = subset;
            return this;
        }

        public MnistIterator build() {
            if (batchSize <= 0) {
                throw new IllegalArgumentException("batchSize must be positive, got " + batchSize);
            }
            if (subset < 0) {
                throw new IllegalArgumentException("subset must be >= 0 (0 = all), got " + subset);
            }
            if (!(threshold > 0 && threshold < 1)) {
                throw new IllegalArgumentException("threshold must be in (0,1), got " + threshold);
            }
            if (binarization == null || shape == null || target == null) {
                throw new IllegalArgumentException("binarization, shape and target must not be null");
            }
            if (classes != null) {
                if (classes.length == 0) {
                    throw new IllegalArgumentException("classes must not be empty (null keeps all)");
                }
                for (int c : classes) {
                    if (c < 0 || c >= data.numClasses()) {
                        throw new IllegalArgumentException("classes contains " + c + ", expected 0.."
                                + (data.numClasses() - 1));
                    }
                }
            }
            return new MnistIterator(this);
        }
    }
}
