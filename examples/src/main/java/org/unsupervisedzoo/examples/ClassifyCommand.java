package org.unsupervisedzoo.examples;

import org.unsupervisedzoo.zoo.core.AtomicFiles;
import org.unsupervisedzoo.zoo.fast.Accelerate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.nio.file.Files;
import java.nio.file.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.linalg.schedule.ExponentialSchedule;
import org.nd4j.linalg.schedule.ScheduleType;
import org.unsupervisedzoo.datasets.DataSource;
import org.unsupervisedzoo.datasets.LabelledImages;
import org.unsupervisedzoo.datasets.MnistIterator;
import org.unsupervisedzoo.datasets.Split;
import org.unsupervisedzoo.zoo.core.EncoderModel;
import org.unsupervisedzoo.zoo.classifier.ClassifierFit;
import org.unsupervisedzoo.zoo.classifier.EncoderClassifier;
import org.unsupervisedzoo.zoo.classifier.LinearProbe;
import org.unsupervisedzoo.zoo.core.ProgressListener;

/**
 * {@code classify --encoder <model.zip>}: a digit classifier on the encoder of a model saved by {@code train}
 * (frozen or fine-tuned, softmax or MLP head, optional dropout on the head), or the same network from scratch
 * ({@code --scratch true}), trained on all labels or a balanced labelled subset, optionally with the linear probe
 * of the frozen codes.
 *
 * <p>{@code --protocol validation} (the default): the last {@code --validation} training digits are held out as a
 * labelled validation set (never the test set), the labelled digits are drawn from the rest, training stops early
 * on the validation error ({@link ClassifierFit}: best epoch's parameters kept), and the test error is measured
 * once, on the chosen epoch; {@code --seeds K} repeats with seeds {@code seed .. seed+K-1} and reports the mean and
 * standard deviation of the test error. {@code --protocol fixed}: the earlier protocol, a fixed number of epochs
 * with the test accuracy after each (for comparison with old runs; it reads the test set every epoch).
 */
final class ClassifyCommand implements Command {
    @Override
    public String name() {
        return "classify";
    }

    @Override
    public String description() {
        return "train a classifier on a pretrained encoder (frozen or fine-tuned), and the linear probe";
    }

    /**
     * The validation protocol's options, shared with {@code stacked}: {@code --labels}, {@code --validation},
     * {@code --max-epochs}, {@code --patience}, {@code --steps-per-epoch}.
     */
    static Options protocolOptions(Options o) {
        return o.option("labels", "0", "labelled training digits, balanced per class and seeded (0: all but the"
                        + " validation digits)").min(0)
                .option("validation", "auto", "labelled digits held out of the end of the training set for early"
                        + " stopping (auto: 10000 with all labels on 50000+ training digits, else 1000, at most a"
                        + " fifth of the training set)")
                .option("max-epochs", "100", "validation protocol: the most epochs").min(1)
                .option("patience", "10", "validation protocol: stop after this many epochs without a lower"
                        + " validation error").min(1)
                .option("steps-per-epoch", "0", "validation protocol: updates per epoch, cycling the labelled digits"
                        + " (0: one pass, at least 10 updates)").min(0);
    }

    /** The training digits cut at {@code --validation}: the labelled pool before the cut, the validation digits after. */
    record LabelledSplit(LabelledImages pool, LabelledImages validation, int cut) {
        static LabelledSplit of(Options o, LabelledImages train) {
            int nVal = validationCount(o, train.count(), o.integer("labels") == 0);
            int cut = train.count() - nVal;
            LabelledSplit s = new LabelledSplit(train.range(0, cut), train.range(cut, train.count()), cut);
            if (o.integer("labels") > s.pool.count()) {
                throw new IllegalArgumentException("--labels must be at most " + s.pool.count() + " (the training"
                        + " digits left after --validation " + nVal + "), got " + o.integer("labels"));
            }
            return s;
        }

        /** {@code n} balanced digits of the pool drawn with {@code seed}; 0 for the whole pool. */
        LabelledImages labelled(int n, long seed) {
            return n == 0 ? pool : pool.balancedSubset(n, seed);
        }
    }

    @Override
    public Options options() {
        return protocolOptions(new Options())
                .option("encoder", "", "model.zip written by 'train' (required)")
                .option("protocol", "validation", "validation: early stopping on held-out training digits, test"
                        + " error once; fixed: --epochs epochs, test accuracy after each (the earlier protocol)")
                .option("frozen", "true", "true: the encoder is a fixed feature extractor; false: fine-tuned")
                .option("scratch", "false", "true: the same network with a freshly initialised encoder, trained end"
                        + " to end (the baseline), under the same protocol")
                .option("hidden", "", "widths of a dense head between code and softmax (empty: softmax only)").eachAtLeast(1)
                .option("dropout", "0", "dropout on the head's inputs (code and hidden layers), in [0, 1)")
                .between(0, 1, false, true)
                .option("input-dropout", "0", "dropout on the input pixels while training, in [0, 1); only with a"
                        + " fine-tuned or scratch encoder (--frozen false or --scratch true)").between(0, 1, false, true)
                .option("code-norm", "false", "true: a batch normalization between the code and the head")
                .option("start", "", "validation protocol: a classifier.zip of the same layers to start from, e.g."
                        + " a frozen run's with --frozen false (LP-FT: fine-tuning from a trained head; kept, as best"
                        + " epoch 0, when no epoch beats it on validation); empty: the encoder's weights and a fresh"
                        + " head")
                .option("epochs", "10", "fixed protocol: training epochs over the labelled digits").min(1)
                .option("batch", "128", "minibatch size").min(1)
                .option("updater", "adam", "adam, nesterov (SGD with Nesterov momentum --momentum) or sgd (plain)")
                .option("lr", "0.001", "learning rate of the updater").positive()
                .option("momentum", "0.9", "nesterov: the momentum, in [0, 1)").between(0, 1, false, true)
                .option("lr-decay", "1", "the rate is multiplied by this after every epoch (the rate at epoch e:"
                        + " lr * decay^e; 1: constant)").between(0, 1, true, false)
                .option("seed", "12345", "seed of the labelled subset, the head and shuffling").anyInt()
                .option("seeds", "1", "validation protocol: runs with seeds seed .. seed+seeds-1; mean and sd of"
                        + " the test error").min(1)
                .option("resume", "false", "validation protocol: true continues each seed from its checkpoint"
                        + " (<out>/checkpoint, or checkpoint-seed<S> with --seeds above 1; written after every"
                        + " epoch), ending as the uninterrupted run; a seed without one starts afresh")
                .option("probe", "false", "true: also the linear probe (softmax on frozen codes, all labels, fitted to the minimum by L-BFGS)")
                .option("data", "", "sample, mnist or fashion (default: the data the encoder was trained on)")
                .option("data-dir", "", "folder with the four IDX files (default: as recorded)")
                .option("out", "output/classify", "output folder");
    }

    @Override
    public void run(Options o) throws Exception {
        if (o.string("encoder").isEmpty()) {
            throw new IllegalArgumentException("--encoder <model.zip> is required (train one with 'train <model>')");
        }
        String protocol = o.string("protocol");
        if (!protocol.equals("validation") && !protocol.equals("fixed")) {
            throw new IllegalArgumentException("--protocol must be validation or fixed, got '" + protocol + "'");
        }
        validationCount(o, Integer.MAX_VALUE, false); // its syntax, before anything is loaded
        o.bool("frozen");
        o.bool("scratch");
        if (!o.string("start").isEmpty() && !protocol.equals("validation")) {
            throw new IllegalArgumentException("--start needs --protocol validation, got --protocol " + protocol);
        }
        if (o.bool("resume") && !protocol.equals("validation")) {
            throw new IllegalArgumentException("--resume true needs --protocol validation (the fixed protocol writes"
                    + " no checkpoint), got --protocol " + protocol);
        }
        o.real("dropout");
        updater(o); // --updater, --lr, --momentum and --lr-decay, before anything is loaded
        if (o.real("input-dropout") > 0 && o.bool("frozen") && !o.bool("scratch")) {
            throw new IllegalArgumentException("--input-dropout needs --frozen false or --scratch true (a frozen"
                    + " encoder runs in inference mode, where dropout does nothing), got --input-dropout "
                    + o.string("input-dropout") + " with --frozen true");
        }
        SavedModel saved = SavedModel.load(o.path("encoder")).override(o, "data", "data-dir");
        DataSource source = ExampleData.locate(saved.options);
        LabelledImages train = source.load(Split.TRAIN);
        LabelledImages test = source.load(Split.TEST);
        EncoderModel model = saved.command.encoderModel(saved.options, train);
        Path out = o.path("out");
        if (protocol.equals("fixed")) {
            runFixed(o, saved, model, train, test, source, out);
        } else {
            runValidation(o, saved, model, train, test, source, out);
        }
        if (o.bool("probe")) {
            MnistIterator.Shape shape = ClassifierTraining.shapeOf(model.inputShape());
            MnistIterator all = MnistIterator.builder(train).batchSize(1000).shuffle(false).shape(shape).build();
            MnistIterator testIt = MnistIterator.builder(test).batchSize(1000).shuffle(false).shape(shape).build();
            LinearProbe.Result r = new LinearProbe().evaluate(model.encoderGraph(saved.graph), all, testIt);
            System.out.printf(Locale.ROOT, "linear_probe  code_width %d  train_accuracy %.4f  test_accuracy %.4f"
                    + "  objective %.6f  lbfgs_iterations %d%n", r.codeWidth, r.trainAccuracy, r.testAccuracy,
                    r.trainObjective, r.iterations);
            AtomicFiles.writeString(out.resolve("linear-probe.csv"), String.format(Locale.ROOT,
                    "code_width,train_accuracy,test_accuracy,objective,lbfgs_iterations%n%d,%.6f,%.6f,%.6f,%d%n",
                    r.codeWidth, r.trainAccuracy, r.testAccuracy, r.trainObjective, r.iterations));
        }
    }

    /** The classifier's builder under {@code o}'s settings for one seed: pretrained (frozen or not) or scratch. */
    static EncoderClassifier.Builder classifier(Options o, SavedModel saved, EncoderModel model, long seed) {
        EncoderClassifier.Builder b = o.bool("scratch") ? EncoderClassifier.fromScratch(model)
                : EncoderClassifier.builder(model, saved.graph).frozen(o.bool("frozen"));
        return b.hiddenSizes(o.integers("hidden")).dropout(o.real("dropout")).inputDropout(o.real("input-dropout"))
                .codeNormalization(o.bool("code-norm")).updater(updater(o)).seed(seed);
    }

    /** The updaters {@code --updater} names. */
    enum Updater { ADAM, NESTEROV, SGD }

    /**
     * The {@code --updater} at {@code --lr}, falling by {@code --lr-decay} per epoch (DL4J's epoch count) where that
     * is below 1; Nesterov's momentum is {@code --momentum}.
     */
    static IUpdater updater(Options o) {
        double lr = o.real("lr");
        double decay = o.real("lr-decay");
        double momentum = o.real("momentum"); // checked whatever the updater, so a bad value is never ignored
        ISchedule schedule = decay == 1 ? null : new ExponentialSchedule(ScheduleType.EPOCH, lr, decay);
        switch (o.choice("updater", Updater.class)) {
            case NESTEROV:
                return schedule == null ? new Nesterovs(lr, momentum) : new Nesterovs(schedule, momentum);
            case SGD:
                return schedule == null ? new Sgd(lr) : new Sgd(schedule);
            default:
                return schedule == null ? new Adam(lr) : Adam.builder().learningRateSchedule(schedule).build();
        }
    }

    /** What the run line calls the classifier: "frozen", "fine-tuned" or "scratch". */
    private static String mode(Options o) {
        return o.bool("scratch") ? "scratch" : o.bool("frozen") ? "frozen" : "fine-tuned";
    }

    /** {@code --validation}: auto, or a count below the training set's. */
    static int validationCount(Options o, int trainCount, boolean allLabels) {
        String v = o.string("validation").trim();
        if (v.equals("auto")) {
            return Math.min(allLabels && trainCount >= 50_000 ? 10_000 : 1000, trainCount / 5);
        }
        int n;
        try {
            n = Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--validation must be auto or a whole number, got '" + v + "'");
        }
        if (n < 1) {
            throw new IllegalArgumentException("--validation must be auto or at least 1, got '" + v + "'");
        }
        if (n >= trainCount) {
            throw new IllegalArgumentException("--validation must be below the " + trainCount
                    + " training digits, got " + n);
        }
        return n;
    }

    private void runValidation(Options o, SavedModel saved, EncoderModel model, LabelledImages train,
                               LabelledImages test, DataSource source, Path out) throws Exception {
        int n = o.integer("labels");
        LabelledSplit split = LabelledSplit.of(o, train);
        LabelledImages pool = split.pool();
        LabelledImages validation = split.validation();
        int nVal = validation.count();
        int cut = split.cut();
        Files.createDirectories(out);
        MnistIterator.Shape shape = ClassifierTraining.shapeOf(model.inputShape());
        int seeds = o.integer("seeds");
        long seed0 = o.integer("seed");
        boolean resume = o.bool("resume");
        if (resume && java.util.stream.LongStream.range(seed0, seed0 + seeds).noneMatch(s -> Files.isDirectory(
                checkpointDir(out, seeds, s)))) {
            throw new CliException("--resume true: no checkpoint in " + out + " (" + (seeds == 1 ? "checkpoint"
                    : "checkpoint-seed<S>") + "); a classify run writes one after every epoch");
        }
        ComputationGraph start = null;
        if (!o.string("start").isEmpty()) {
            Path f = Path.of(o.string("start"));
            if (!Files.isRegularFile(f)) {
                throw new CliException("--start " + f + " does not exist (a classifier.zip written by classify)");
            }
            start = RunRecord.restoreGraph(f);
        }
        List<Double> testErrors = new ArrayList<>();
        System.out.printf("classifier on %s (%s encoder, %s)  data %s  labelled %d  validation %d (training digits"
                        + " [%d, %d))  test %d  seeds %d  out %s%n", saved.file, saved.record.model, mode(o),
                source.description(), n == 0 ? pool.count() : n, nVal, cut, train.count(), test.count(), seeds, out);
        try (CsvLog summary = new CsvLog(out.resolve("summary.csv"))) {
            summary.header("seed,mode,labels,validation,best_epoch,epochs_run,validation_error,test_error,seconds");
            for (int k = 0; k < seeds; k++) {
                long seed = seed0 + k;
                LabelledImages labelled = split.labelled(n, seed);
                long t0 = System.nanoTime();
                String suffix = seeds == 1 ? "" : "-seed" + seed;
                Path checkpoint = checkpointDir(out, seeds, seed);
                boolean resumeSeed = resume && Files.isDirectory(AtomicFiles.recoverDirectory(checkpoint));
                if (resumeSeed) {
                    System.out.println("resuming seed " + seed + " from " + checkpoint);
                }
                int maxEpochs = o.integer("max-epochs");
                EpochEta eta = new EpochEta();
                ClassifierFit.Result r = fit(o, classifier(o, saved, model, seed), labelled, validation, shape, seed,
                        e -> System.out.printf(Locale.ROOT, "seed %d  epoch %3d  train_loss %.5f  val_loss %.5f"
                                + "  val_error %.2f%%  time %5.1fs  %s%n", seed, e.epoch(), e.trainLoss(),
                                e.validationLoss(), 100 * e.validationError(), e.seconds(),
                                eta.atMost(maxEpochs - e.epoch())),
                        new FitCheckpointing(checkpoint, identity(o, seed), resumeSeed), start);
                double testError = ClassifierFit.score(r.classifier(), iterator(test, shape)).error();
                double seconds = (System.nanoTime() - t0) / 1e9;
                testErrors.add(testError);
                System.out.printf(Locale.ROOT, "best  seed %d  epoch %d of %d  val_error %.2f%%  test_error %.2f%%"
                        + "  params %d%n", seed, r.bestEpoch(), r.curve().size(), 100 * r.bestValidationError(),
                        100 * testError, r.classifier().numParams());
                AtomicFiles.writeString(out.resolve("curve" + suffix + ".csv"), r.curveCsv());
                summary.printf("%d,%s,%d,%d,%d,%d,%.6f,%.6f,%.2f%n", seed, mode(o), labelled.count(),
                        nVal, r.bestEpoch(), r.curve().size(), r.bestValidationError(), testError, seconds);
                summary.flush();
                Path file = out.resolve("classifier" + suffix + ".zip");
                RunRecord.writeModel(r.classifier(), file, false, null);
                System.out.println("wrote " + file + " and " + out.resolve("curve" + suffix + ".csv"));
            }
        }
        String line = String.format(Locale.ROOT, "test_error %s %% over %d seed%s (%s, labelled %d, validation %d)",
                SemiSupervisedCommand.meanSd(testErrors), seeds, seeds == 1 ? "" : "s", mode(o),
                n == 0 ? pool.count() : n, nVal);
        System.out.println(line);
        AtomicFiles.writeString(out.resolve("summary.txt"), line + "\n");
        System.out.println("wrote " + out.resolve("summary.csv"));
    }

    /** Where a validation-protocol fit writes its checkpoint, the run it belongs to, and whether to continue it. */
    record FitCheckpointing(Path dir, java.util.Map<String, String> identity, boolean resume) {
    }

    /**
     * The options that make a classify run what it is (all but where it writes, whether it resumes, how many seeds
     * and what it measures after), and the seed: a checkpoint of another run is refused on resume.
     */
    static java.util.Map<String, String> identity(Options o, long seed) {
        java.util.Map<String, String> id = Checkpoint.fingerprint(o, java.util.Set.of("seeds", "seed", "probe"));
        id.put("seed", Long.toString(seed));
        return id;
    }

    /** A seed's checkpoint folder: {@code <out>/checkpoint}, or {@code checkpoint-seed<S>} with several seeds. */
    static Path checkpointDir(Path out, int seeds, long seed) {
        return out.resolve(seeds == 1 ? "checkpoint" : "checkpoint-seed" + seed);
    }

    /** Accelerates the classifier of {@code b} and trains it under {@code o}'s validation-protocol settings. */
    static ClassifierFit.Result fit(Options o, EncoderClassifier.Builder b, LabelledImages labelled, LabelledImages validation,
                      MnistIterator.Shape shape, long seed, java.util.function.Consumer<ClassifierFit.Epoch> log) {
        return fit(o, b, labelled, validation, shape, seed, log, null, null);
    }

    /** As above, with a checkpoint after every epoch (null: none), resumed when {@code checkpointing} says so. */
    static ClassifierFit.Result fit(Options o, EncoderClassifier.Builder b, LabelledImages labelled, LabelledImages validation,
                      MnistIterator.Shape shape, long seed, java.util.function.Consumer<ClassifierFit.Epoch> log,
                      FitCheckpointing checkpointing) {
        return fit(o, b, labelled, validation, shape, seed, log, checkpointing, null);
    }

    /** As above, starting from {@code startFrom}'s parameters (null: none; a classifier of the same layers: LP-FT). */
    static ClassifierFit.Result fit(Options o, EncoderClassifier.Builder b, LabelledImages labelled,
                      LabelledImages validation, MnistIterator.Shape shape, long seed,
                      java.util.function.Consumer<ClassifierFit.Epoch> log, FitCheckpointing checkpointing,
                      ComputationGraph startFrom) {
        int batch = Math.min(o.integer("batch"), labelled.count());
        int steps = o.integer("steps-per-epoch");
        if (steps == 0) {
            steps = (labelled.count() + batch - 1) / batch >= 10 ? 0 : 10;
        }
        ComputationGraph clf = Accelerate.accelerate(b.build());
        if (startFrom != null) {
            try {
                EncoderClassifier.copyParameters(startFrom, clf);
            } catch (IllegalArgumentException e) {
                throw new CliException("--start: the classifier to start from has other layers than this one (give"
                        + " the same --hidden and --code-norm): " + e.getMessage(), e);
            }
        }
        ClassifierFit.Builder settings = ClassifierFit.builder().maxEpochs(o.integer("max-epochs"))
                .patience(o.integer("patience")).stepsPerEpoch(steps).seed(seed).listener(log)
                .keepStart(startFrom != null);
        if (checkpointing != null) {
            settings.checkpoint(checkpointing.dir(), checkpointing.identity()).resume(checkpointing.resume());
        }
        ClassifierFit fit = settings.build();
        return fit.fit(clf, ClassifierTraining.labelled(labelled, shape, batch, seed), iterator(validation, shape));
    }

    static MnistIterator iterator(LabelledImages data, MnistIterator.Shape shape) {
        return MnistIterator.builder(data).batchSize(Math.min(1000, data.count())).shuffle(false).shape(shape).build();
    }

    private void runFixed(Options o, SavedModel saved, EncoderModel model, LabelledImages train, LabelledImages test,
                          DataSource source, Path out) throws Exception {
        Files.createDirectories(out);
        int n = o.integer("labels");
        long seed = o.integer("seed");
        LabelledImages labelled = n == 0 ? train : train.balancedSubset(n, seed);
        ComputationGraph clf = Accelerate.accelerate(classifier(o, saved, model, seed).build());
        MnistIterator.Shape shape = ClassifierTraining.shapeOf(model.inputShape());
        int batch = Math.min(o.integer("batch"), labelled.count());
        MnistIterator it = ClassifierTraining.labelled(labelled, shape, batch, seed);
        int epochs = o.integer("epochs");
        ProgressListener progress = new ProgressListener(System.out, (labelled.count() + batch - 1) / batch, 1.0)
                .totalEpochs(epochs);
        clf.setListeners(progress);
        System.out.printf("classifier on %s (%s encoder, %s)  params %d  data %s  labelled %d  test %d  out %s%n",
                saved.file, saved.record.model, mode(o), clf.numParams(), source.description(), labelled.count(),
                test.count(), out);
        try (CsvLog csv = new CsvLog(out.resolve("epochs.csv"))) {
            csv.header("epoch,train_loss,test_accuracy,test_error,examples_per_second,seconds");
            for (int epoch = 1; epoch <= epochs; epoch++) {
                long t0 = System.nanoTime();
                clf.fit(it);
                double seconds = (System.nanoTime() - t0) / 1e9;
                double acc = ClassifierTraining.accuracy(clf, test, shape);
                System.out.printf("epoch %3d/%d  train_loss %.5f  test_accuracy %.4f  test_error %.2f%%"
                        + "  examples/s %6.0f  time %6.1fs%n", epoch, epochs, progress.meanScore(), acc,
                        100 * (1 - acc), progress.examples() / seconds, seconds);
                csv.printf("%d,%.6f,%.6f,%.6f,%.1f,%.2f%n", epoch, progress.meanScore(), acc, 1 - acc,
                        progress.examples() / seconds, seconds);
                csv.flush();
            }
        }
        Path model1 = out.resolve("classifier.zip");
        RunRecord.writeModel(clf, model1, true, null);
        System.out.println("wrote " + model1);
        System.out.println("wrote " + out.resolve("epochs.csv"));
    }
}
