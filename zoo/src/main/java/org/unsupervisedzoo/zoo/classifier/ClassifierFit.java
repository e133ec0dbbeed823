package org.unsupervisedzoo.zoo.classifier;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.DataSetPreProcessor;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.unsupervisedzoo.zoo.core.Checks;

/**
 * Trains a classifier (typically an {@link EncoderClassifier}, frozen or fine-tuned, or the same network from
 * scratch) with early stopping on a labelled validation set, the protocol of the zoo's semi-supervised tables:
 *
 * <ol>
 *   <li>each epoch is one pass over the labelled training set in shuffled minibatches (or, with
 *       {@link Builder#stepsPerEpoch}, that many minibatch updates, cycling through it: for tiny label budgets);</li>
 *   <li>after each epoch the validation loss (mean cross-entropy) and validation error (fraction misclassified) are
 *       measured in inference mode; the validation set must be labelled digits held out of the <em>training</em>
 *       set, never the test set;</li>
 *   <li>the best epoch is the one with the lowest validation error (ties: the lower validation loss, then the
 *       earlier epoch); training stops after {@code patience} epochs without a new best, or after
 *       {@code maxEpochs};</li>
 *   <li>the returned graph holds the best epoch's parameters (the graph passed in is trained in place and left
 *       holding them).</li>
 * </ol>
 *
 * <pre>
 *   ComputationGraph clf = EncoderClassifier.builder(sae, trained).frozen(false).build();
 *   ClassifierFit.Result r = ClassifierFit.builder().maxEpochs(100).patience(10).build()
 *           .fit(clf, trainIterator, validationIterator);
 *   r.classifier();   r.curve();   r.bestEpoch();   r.bestValidationError();
 * </pre>
 *
 * <p><b>Defaults.</b> {@code maxEpochs=100, patience=10, batchSize=128, stepsPerEpoch=0 (one pass), seed=12345},
 * no checkpoint ({@link Builder#checkpoint} writes one after every epoch; {@link Builder#resume} continues a killed
 * run from it, ending as the uninterrupted run).
 * The seed drives the shuffling of the in-memory entry point and ND4J's random numbers (dropout);
 * the head's initialisation is {@link EncoderClassifier.Builder#seed}.
 */
public final class ClassifierFit {
    private final int maxEpochs;
    private final int patience;
    private final int batchSize;
    private final int stepsPerEpoch;
    private final long seed;
    private final Consumer<Epoch> listener;
    private final Path checkpoint;
    private final Map<String, String> identity;
    private final boolean resume;
    private final boolean keepStart;

    private ClassifierFit(Builder b) {
        this.maxEpochs = b.maxEpochs;
        this.patience = b.patience;
        this.batchSize = b.batchSize;
        this.stepsPerEpoch = b.stepsPerEpoch;
        this.seed = b.seed;
        this.listener = b.listener;
        this.checkpoint = b.checkpoint;
        this.identity = b.identity;
        this.resume = b.resume;
        this.keepStart = b.keepStart;
    }

    /** Settings, each with its default. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * One epoch of the validation curve.
     *
     * @param epoch           1-based
     * @param trainLoss       mean minibatch loss over the epoch's updates, in training mode (dropout on), each
     *                        minibatch's loss taken before its update
     * @param validationLoss  mean cross-entropy on the validation set after the epoch, inference mode
     * @param validationError fraction of the validation set misclassified after the epoch
     * @param seconds         wall time of the epoch, training and validation
     */
    public record Epoch(int epoch, double trainLoss, double validationLoss, double validationError, double seconds) {
    }

    /** Mean cross-entropy and error (fraction misclassified) of a classifier on a labelled set. */
    public record Scores(double loss, double error, int count) {
        public double accuracy() {
            return 1 - error;
        }
    }

    /**
     * What {@link #fit} returns.
     *
     * @param classifier          the trained graph holding the best epoch's parameters (the graph that was passed
     *                            in, or the one built from the builder)
     * @param curve               one entry per epoch run, in order
     * @param bestEpoch           the epoch whose parameters {@code classifier} holds (1-based; 0 with
     *                            {@link Builder#keepStart} when no epoch beat the classifier as passed in)
     * @param bestValidationError the validation error of that epoch (what {@code classifier} scores)
     * @param stoppedEarly        true when patience ran out before {@code maxEpochs}
     */
    public record Result(ComputationGraph classifier, List<Epoch> curve, int bestEpoch, double bestValidationError,
                         boolean stoppedEarly) {
        public Result {
            curve = List.copyOf(curve);
        }

        /** The curve as CSV: {@code epoch,train_loss,validation_loss,validation_error,seconds}, one line an epoch. */
        public String curveCsv() {
            StringBuilder sb = new StringBuilder("epoch,train_loss,validation_loss,validation_error,seconds\n");
            for (Epoch e : curve) {
                sb.append(String.format(java.util.Locale.ROOT, "%d,%.6f,%.6f,%.6f,%.2f%n", e.epoch(), e.trainLoss(),
                        e.validationLoss(), e.validationError(), e.seconds()));
            }
            return sb.toString();
        }
    }

    /**
     * Trains {@code classifier} in place on {@code train}, stopping early on {@code validation}.
     *
     * @param classifier an initialised graph with one input and one softmax output (labels one-hot)
     * @param train      labelled training minibatches; reset before every pass
     * @param validation labelled validation minibatches (held out of the training set); reset before every pass
     * @throws IllegalArgumentException for an empty set, or features or labels whose shape the classifier does
     *                                  not take; the message names the set and the shapes
     */
    public Result fit(ComputationGraph classifier, DataSetIterator train, DataSetIterator validation) {
        Checks.notNull("classifier", classifier);
        Checks.notNull("train", train);
        Checks.notNull("validation", validation);
        if (classifier.getConfiguration().getNetworkInputs().size() != 1
                || classifier.getConfiguration().getNetworkOutputs().size() != 1) {
            throw new IllegalArgumentException("classifier must have one input and one output, got inputs "
                    + classifier.getConfiguration().getNetworkInputs() + " and outputs "
                    + classifier.getConfiguration().getNetworkOutputs());
        }
        long classes = checkShapes(classifier, "train", train);
        long validationClasses = checkShapes(classifier, "validation", validation);
        if (classes != validationClasses) {
            throw new IllegalArgumentException("train and validation labels must have the same number of classes, got "
                    + classes + " and " + validationClasses);
        }
        Nd4j.getRandom().setSeed(seed);
        List<Epoch> curve = new ArrayList<>();
        INDArray best = null;
        int bestEpoch = 0;
        double bestError = Double.POSITIVE_INFINITY;
        double bestLoss = Double.POSITIVE_INFINITY;
        int sinceBest = 0;
        int first = 1;
        train.reset();
        if (keepStart && !resume) {
            // epoch 0: the classifier as passed in is the best until an epoch beats it (inference mode: no random
            // numbers drawn, so the epochs that follow are those of a run without keepStart)
            Scores start = score(classifier, validation);
            best = classifier.params().dup();
            bestError = start.error();
            bestLoss = start.loss();
        }
        if (resume) {
            FitCheckpoint c = FitCheckpoint.read(checkpoint, identity, classifier);
            curve.addAll(c.curve);
            best = c.best;
            bestEpoch = c.bestEpoch;
            bestError = c.bestError;
            bestLoss = c.bestLoss;
            sinceBest = c.sinceBest;
            if (c.finished) {
                classifier.setParams(best);
                return new Result(classifier, curve, bestEpoch, bestError, curve.size() < maxEpochs);
            }
            // the data the finished epochs drew, drawn again without training, so the next epoch sees what the
            // uninterrupted run's next epoch saw; then the graph, its updater and ND4J's generator as saved
            for (int epoch = 1; epoch <= c.epoch; epoch++) {
                epoch(null, train);
            }
            try {
                c.restore(classifier);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException("could not read the checkpoint " + checkpoint, e);
            }
            first = c.epoch + 1;
        }
        for (int epoch = first; epoch <= maxEpochs; epoch++) {
            long t0 = System.nanoTime();
            double[] loss = epoch(classifier, train);
            double lossSum = loss[0];
            double seen = loss[1];
            classifier.incrementEpochCount();
            Scores v = score(classifier, validation);
            Epoch e = new Epoch(epoch, lossSum / seen, v.loss(), v.error(), (System.nanoTime() - t0) / 1e9);
            curve.add(e);
            if (!Double.isFinite(e.trainLoss()) || !Double.isFinite(e.validationLoss())) {
                throw new IllegalStateException("training diverged at epoch " + epoch + ": train loss "
                        + e.trainLoss() + ", validation loss " + e.validationLoss()
                        + " (lower the learning rate)");
            }
            if (v.error() < bestError || (v.error() == bestError && v.loss() < bestLoss)) {
                bestError = v.error();
                bestLoss = v.loss();
                bestEpoch = epoch;
                best = classifier.params().dup();
                sinceBest = 0;
            } else {
                sinceBest++;
            }
            boolean finished = sinceBest >= patience || epoch == maxEpochs;
            if (checkpoint != null) {
                FitCheckpoint.write(checkpoint, identity, classifier, epoch, curve, best, bestEpoch, bestError,
                        bestLoss, sinceBest, finished);
            }
            if (listener != null) {
                listener.accept(e);
            }
            if (finished) {
                break;
            }
        }
        classifier.setParams(best);
        return new Result(classifier, curve, bestEpoch, bestError, curve.size() < maxEpochs);
    }

    /**
     * One epoch's minibatches: one pass, or {@code stepsPerEpoch} updates cycling through the data. Trains
     * {@code classifier} on each and returns {sum of minibatch losses x sizes, examples}; with a null classifier
     * only draws the minibatches (a resumed run replaying the finished epochs' draws).
     */
    private double[] epoch(ComputationGraph classifier, DataSetIterator train) {
        double lossSum = 0;
        long seen = 0;
        int steps = 0;
        if (stepsPerEpoch == 0) {
            train.reset();
        }
        while (stepsPerEpoch == 0 ? train.hasNext() : steps < stepsPerEpoch) {
            if (!train.hasNext()) {
                train.reset();
            }
            DataSet ds = train.next();
            if (classifier != null) {
                classifier.fit(ds);
                long n = ds.getFeatures().size(0);
                lossSum += classifier.score() * n;
                seen += n;
            }
            steps++;
        }
        return new double[] {lossSum, seen};
    }

    /**
     * Trains {@code classifier} on labelled examples held in memory: minibatches of {@code batchSize}, reshuffled
     * every pass from the seed.
     *
     * @param train      features {@code [n, ...]} and one-hot labels {@code [n, classes]}
     * @param validation the same layout, held out of the training set
     */
    public Result fit(ComputationGraph classifier, DataSet train, DataSet validation) {
        Checks.notNull("train", train);
        Checks.notNull("validation", validation);
        return fit(classifier, new Batches("train", train, batchSize, seed, true),
                new Batches("validation", validation, 1000, seed, false));
    }

    /**
     * Builds the classifier of {@code classifier} and trains it, as
     * {@link #fit(ComputationGraph, DataSetIterator, DataSetIterator)}.
     */
    public Result fit(EncoderClassifier.Builder classifier, DataSetIterator train, DataSetIterator validation) {
        Checks.notNull("classifier", classifier);
        return fit(classifier.build(), train, validation);
    }

    /** Mean cross-entropy and error of {@code classifier} on every example of {@code data}, inference mode. */
    public static Scores score(ComputationGraph classifier, DataSetIterator data) {
        data.reset();
        double loss = 0;
        long wrong = 0;
        int n = 0;
        while (data.hasNext()) {
            DataSet ds = data.next();
            INDArray p = classifier.outputSingle(false, ds.getFeatures()).castTo(DataType.DOUBLE);
            INDArray y = ds.getLabels().castTo(DataType.DOUBLE);
            loss -= Transforms.log(Transforms.max(p, 1e-12, true), false).muli(y).sumNumber().doubleValue();
            INDArray predicted = p.argMax(1);
            INDArray actual = y.argMax(1);
            wrong += predicted.neq(actual).castTo(DataType.INT).sumNumber().longValue();
            n += (int) p.size(0);
        }
        data.reset();
        if (n == 0) {
            throw new IllegalArgumentException("data must hold at least one example, got none");
        }
        return new Scores(loss / n, (double) wrong / n, n);
    }

    /** Checks the first minibatch of {@code it} against the classifier; returns the number of classes. */
    private static long checkShapes(ComputationGraph classifier, String field, DataSetIterator it) {
        it.reset();
        if (!it.hasNext()) {
            throw new IllegalArgumentException(field + " must hold at least one example, got none");
        }
        DataSet ds = it.next();
        it.reset();
        if (ds.getLabels() == null || ds.getLabels().rank() != 2) {
            throw new IllegalArgumentException(field + " labels must be one-hot [batch, classes], got "
                    + (ds.getLabels() == null ? "none" : Arrays.toString(ds.getLabels().shape())));
        }
        INDArray out;
        try {
            out = classifier.outputSingle(false, ds.getFeatures());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(field + " features of shape " + Arrays.toString(ds.getFeatures().shape())
                    + " do not fit the classifier: " + e.getMessage(), e);
        }
        if (out.size(1) != ds.getLabels().size(1)) {
            throw new IllegalArgumentException(field + " labels have " + ds.getLabels().size(1)
                    + " classes, the classifier's output has " + out.size(1));
        }
        return out.size(1);
    }

    /** Minibatches of an in-memory data set, reshuffled on every reset from (seed, pass) when {@code shuffle}. */
    private static final class Batches implements DataSetIterator {
        private final DataSet data;
        private final int batch;
        private final long seed;
        private final boolean shuffle;
        private final int n;
        private int[] order;
        private int cursor;
        private int pass;
        private DataSetPreProcessor preProcessor;

        Batches(String field, DataSet data, int batch, long seed, boolean shuffle) {
            if (data.getFeatures() == null || data.getLabels() == null || data.getFeatures().size(0) == 0) {
                throw new IllegalArgumentException(field + " must hold features and labels of at least one example,"
                        + " got " + (data.getFeatures() == null ? "no features"
                        : Arrays.toString(data.getFeatures().shape())));
            }
            if (data.getFeatures().size(0) != data.getLabels().size(0)) {
                throw new IllegalArgumentException(field + " features and labels must have the same number of"
                        + " examples, got " + data.getFeatures().size(0) + " and " + data.getLabels().size(0));
            }
            this.data = data;
            this.n = (int) data.getFeatures().size(0);
            this.batch = Math.min(batch, n);
            this.seed = seed;
            this.shuffle = shuffle;
            reset();
        }

        @Override
        public DataSet next(int num) {
            int[] idx = Arrays.copyOfRange(order, cursor, Math.min(n, cursor + num));
            cursor += idx.length;
            INDArray x = Nd4j.pullRows(data.getFeatures().reshape(n, -1), 1, idx);
            long[] shape = data.getFeatures().shape().clone();
            shape[0] = idx.length;
            DataSet ds = new DataSet(x.reshape(shape), Nd4j.pullRows(data.getLabels(), 1, idx));
            if (preProcessor != null) {
                preProcessor.preProcess(ds);
            }
            return ds;
        }

        @Override
        public DataSet next() {
            return next(batch);
        }

        @Override
        public boolean hasNext() {
            return cursor < n;
        }

        @Override
        public int inputColumns() {
            return (int) (data.getFeatures().length() / n);
        }

        @Override
        public int totalOutcomes() {
            return (int) data.getLabels().size(1);
        }

        @Override
        public boolean resetSupported() {
            return true;
        }

        @Override
        public boolean asyncSupported() {
            return false;
        }

        @Override
        public void reset() {
            order = new int[n];
            for (int i = 0; i < n; i++) {
                order[i] = i;
            }
            if (shuffle) {
                java.util.Random rng = new java.util.Random(seed * 1_000_003L + pass++);
                for (int i = n - 1; i > 0; i--) {
                    int r = rng.nextInt(i + 1);
                    int t = order[i];
                    order[i] = order[r];
                    order[r] = t;
                }
            }
            cursor = 0;
        }

        @Override
        public int batch() {
            return batch;
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
            return null;
        }
    }

    /** Settings, each with its default. */
    public static final class Builder {
        private int maxEpochs = 100;
        private int patience = 10;
        private int batchSize = 128;
        private int stepsPerEpoch = 0;
        private long seed = 12345;
        private Consumer<Epoch> listener;
        private Path checkpoint;
        private Map<String, String> identity = Map.of();
        private boolean resume;
        private boolean keepStart;

        private Builder() {
        }

        /** The most epochs to run. Default 100. */
        public Builder maxEpochs(int maxEpochs) {
            this.maxEpochs = maxEpochs;
            return this;
        }

        /** Stop after this many epochs without a new best validation error (at least 1). Default 10. */
        public Builder patience(int patience) {
            this.patience = patience;
            return this;
        }

        /** Minibatch size of the in-memory entry point {@link ClassifierFit#fit(ComputationGraph, DataSet, DataSet)}. Default 128. */
        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /**
         * Minibatch updates per epoch, cycling through the training set; 0 for one pass (the default). For a few
         * hundred labels a pass is one or two updates, and checking the validation set after each would cost more
         * than training.
         */
        public Builder stepsPerEpoch(int stepsPerEpoch) {
            this.stepsPerEpoch = stepsPerEpoch;
            return this;
        }

        /** Seed of the shuffling and of ND4J's random numbers (dropout). Default 12345. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Called after every epoch with its curve entry (e.g. to print it); null for none. Default none. */
        public Builder listener(Consumer<Epoch> listener) {
            this.listener = listener;
            return this;
        }

        /**
         * Writes a checkpoint to the folder {@code dir} after every epoch (replaced whole, atomically: a kill at any
         * moment leaves the previous epoch's or the new one): the graph's parameters and updater state, the best
         * epoch's parameters, the curve, the early-stopping counters and ND4J's random generator. {@code identity}
         * names the run (e.g. its options); {@link #resume} refuses a checkpoint whose identity differs. Null for
         * none. Default none.
         */
        public Builder checkpoint(Path dir, Map<String, String> identity) {
            this.checkpoint = dir;
            this.identity = identity == null ? Map.of() : Map.copyOf(identity);
            return this;
        }

        /**
         * Continue from the {@link #checkpoint} folder: the graph passed to {@code fit} (built as for the first
         * run) takes the checkpoint's parameters, updater state and counts, the training iterator replays the
         * finished epochs' minibatches without training (so it must draw the same minibatches for the same calls,
         * as the zoo's seeded iterators do), and training goes on with the next epoch; the result is the
         * uninterrupted run's. A checkpoint of a finished run returns its result at once. Default false.
         */
        public Builder resume(boolean resume) {
            this.resume = resume;
            return this;
        }

        /**
         * Scores the classifier as passed to {@code fit} on the validation set before training (epoch 0) and keeps
         * it when no epoch beats it ({@link Result#bestEpoch} 0): for a classifier that starts from a trained one
         * (LP-FT: fine-tuning from a frozen encoder's classifier, see {@link EncoderClassifier#copyParameters}),
         * so that fine-tuning never ends worse on validation than where it started. Patience counts from the
         * start. Off by default: a fresh head starts at chance and costs a validation pass for nothing. Default
         * false.
         */
        public Builder keepStart(boolean keepStart) {
            this.keepStart = keepStart;
            return this;
        }

        /** The settings, checked. */
        public ClassifierFit build() {
            if (resume && checkpoint == null) {
                throw new IllegalArgumentException("resume needs a checkpoint folder (checkpoint(dir, identity)),"
                        + " got none");
            }
            Checks.positive("maxEpochs", maxEpochs);
            Checks.positive("patience", patience);
            Checks.positive("batchSize", batchSize);
            if (stepsPerEpoch < 0) {
                throw new IllegalArgumentException("stepsPerEpoch must be >= 0 (0: one pass), got " + stepsPerEpoch);
            }
            return new ClassifierFit(this);
        }
    }
}
