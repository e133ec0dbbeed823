package org.unsupervisedzoo.examples;

import org.unsupervisedzoo.zoo.fast.Accelerate;
import org.unsupervisedzoo.zoo.fast.DataParallel;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.schedule.ExponentialSchedule;
import org.nd4j.linalg.schedule.MapSchedule;
import org.nd4j.linalg.schedule.ScheduleType;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;
import org.unsupervisedzoo.datasets.DataSource;
import org.unsupervisedzoo.datasets.LabelledImages;
import org.unsupervisedzoo.datasets.MnistIterator;
import org.unsupervisedzoo.datasets.Split;
import org.unsupervisedzoo.zoo.core.EncoderModel;
import org.unsupervisedzoo.zoo.autoencoder.AutoencoderFactory;
import org.unsupervisedzoo.zoo.autoencoder.Autoencoders;
import org.unsupervisedzoo.zoo.autoencoder.ReconstructionMetrics;
import org.unsupervisedzoo.zoo.core.DivergenceGuard;
import org.unsupervisedzoo.zoo.core.ProgressListener;
import org.unsupervisedzoo.zoo.core.ReconstructionIterator;
import org.unsupervisedzoo.zoo.viz.ImageGrid;

/**
 * The shared run of every autoencoder example, top to bottom: load the data, build the model, train it with one
 * fixed-format line per epoch, evaluate, and save the model, pictures and per-epoch CSV under one output folder.
 * A subclass names its model, builds it from the options, and may add per-epoch measures and pictures.
 *
 * <p>The epoch line: {@code epoch   3/10  train_loss 0.10512  test_loss 0.10233  [measures]  examples/s 8123
 * time 7.4s}. {@code train_loss} is the mean training objective over the epoch's batches per pixel (penalties
 * included), {@code test_loss} the reconstruction loss per pixel on the test set after the epoch.
 */
abstract class AutoencoderRunner implements ModelCommand {
    /** Test digits drawn in the pictures. */
    static final int PICTURE_DIGITS = 30;

    /** The test set of the current run (binarized once when the run binarizes). */
    LabelledImages testData;
    /** The test set as the model reads it, reconstruction targets. */
    private MnistIterator test;
    /** The first {@link #MEASURE_DIGITS} test digits, and the prefix of them the pictures show. */
    private INDArray measureDigits;
    private INDArray digits;


    /** The model-specific options (data and training options are added by {@link #options()}). */
    abstract Options modelOptions(Options o);

    /** The model, from the parsed options. */
    abstract AutoencoderFactory factory(Options o, LabelledImages train);

    /** Feature layout the model takes. */
    MnistIterator.Shape shape() {
        return MnistIterator.Shape.FLAT;
    }

    /** The training data as the model sees it (e.g. corrupted), its noise seeded by the run's seed. */
    final DataSetIterator trainingData(MnistIterator clean, Options o) {
        return trainingData(clean, o, o.integer("seed"));
    }

    /** The training data as the model sees it (e.g. corrupted), its noise seeded by {@code seed}; default: unchanged. */
    DataSetIterator trainingData(MnistIterator clean, Options o, long seed) {
        return clean;
    }

    /** How pixels are binarized for training and test; default not at all. */
    MnistIterator.Binarization binarization(Options o) {
        return MnistIterator.Binarization.NONE;
    }

    /** The graph's training iterator, its draws seeded by the run's seed. */
    final MultiDataSetIterator trainIterator(DataSetIterator data, AutoencoderFactory factory, Options o) {
        return trainIterator(data, factory, o, o.integer("seed"));
    }

    /**
     * The graph's training iterator, its draws (if any) seeded by {@code seed}; default: reconstruction targets plus
     * one null per penalty head.
     */
    MultiDataSetIterator trainIterator(DataSetIterator data, AutoencoderFactory factory, Options o, long seed) {
        return new ReconstructionIterator(data, factory.penaltyHeads());
    }

    /** A line saying what the printed train loss is, printed before the first epoch; default none. */
    String trainLossNote(AutoencoderFactory factory) {
        return null;
    }

    /** Factor turning the graph's score into the printed train loss; default: per pixel. */
    double scoreScale(AutoencoderFactory factory, int pixels) {
        return factory.loss().perElementScale(pixels);
    }

    /**
     * The printed test loss; default: reconstruction loss per pixel. A model whose loss has named parts may put
     * them in {@code parts}; they are printed first among the measures.
     */
    double testLoss(ComputationGraph graph, MnistIterator test, AutoencoderFactory factory, Map<String, Double> parts) {
        return ReconstructionMetrics.perElement(graph, test, factory.loss());
    }

    /** Work after training, before saving (e.g. a long evaluation); default none. */
    void finish(ComputationGraph graph, AutoencoderFactory factory, LabelledImages testData, Options o) {
    }

    /** Test digits the per-epoch measures use (the first ones of the test set); the pictures use a prefix. */
    static final int MEASURE_DIGITS = 500;

    /**
     * Extra measures printed after the test loss each epoch, in order, on the first {@link #MEASURE_DIGITS} test
     * digits: diagnostics too costly for the whole set. A figure quoted as the test set's goes in
     * {@link #measureTestSet}.
     */
    void measure(ComputationGraph graph, INDArray testDigits, Map<String, Double> out) {
    }

    /** Extra measures over every held-out digit (the test set, or the validation split), after {@link #measure}. */
    void measureTestSet(ComputationGraph graph, MnistIterator test, Map<String, Double> out) {
    }

    /** Pictures written at the end; default: test digits above their reconstructions, and first-layer filters. */
    List<Path> pictures(ComputationGraph graph, INDArray digits, Path out) throws IOException {
        INDArray recon = Autoencoders.reconstruct(graph, digits);
        Path grid = ImageGrid.writePng(ImageGrid.comparison(digits, recon, 28, 28, 10, 2),
                out.resolve("reconstructions.png"));
        Path filters = writeFilters(graph, out);
        return filters == null ? List.of(grid) : List.of(grid, filters);
    }

    /** The first dense layer's filters as 28x28 tiles, when the first layer is dense on 784 inputs. */
    static Path writeFilters(ComputationGraph graph, Path out) throws IOException {
        ComputationGraphConfiguration conf = graph.getConfiguration();
        for (Map.Entry<String, List<String>> e : conf.getVertexInputs().entrySet()) {
            if (e.getValue().equals(List.of(Autoencoders.INPUT))) {
                INDArray w = graph.getParam(e.getKey() + "_W");
                if (w != null && w.rank() == 2 && w.size(0) == 784) {
                    return ImageGrid.writePng(ImageGrid.filters(w, 28, 28, 100, 10, 2), out.resolve("filters.png"));
                }
            }
        }
        return null;
    }

    @Override
    public final Options options() {
        return modelOptions(Checkpoint.declare(ExampleData.declare(new Options())
                .option("epochs", "10", "training epochs").min(1)
                .option("batch", "256", "minibatch size").min(1)
                .option("lr", "0.001", "Adam learning rate").positive()
                .option("lr-schedule", "none", "none; exponential: the rate falls geometrically to lr/100 over all --epochs;"
                        + " step: lr/10 in the last fifth of --epochs (at least the last epoch)")
                .option("seed", "12345", "seed of weights, noise and shuffling").anyInt()
                .option("workers", "1", "threads that train each minibatch together, one part each (synchronous data"
                        + " parallelism, the same step; 1: DL4J's fit)").min(1)
                .option("average-every", "0", "with --workers > 1: 0 splits each minibatch (the same step as fit); k > 0"
                        + " gives each worker whole minibatches of its own and averages parameters and updater states"
                        + " every k rounds (local SGD, not fit's step)").min(0)
                .option("validation", "0", "if > 0: hold out the last n training digits and measure on them in place"
                        + " of the test set, which is then not read (choose settings this way)").min(0)
                .option("out", "output/" + name(), "output folder")));
    }

    final void main(String[] args) throws IOException {
        Options o = options();
        if (!o.parse(args)) {
            System.out.println("usage: " + name() + " [options]\n" + o.usage());
            return;
        }
        run(o);
    }

    @Override
    public final void run(Options o) throws IOException {
        // Load
        DataSource source = ExampleData.locate(o);
        ExampleData.Held split = ExampleData.held(source, o);
        LabelledImages trainData = split.train();
        MnistIterator.Binarization binarize = binarization(o);
        loadTest(split.measured(), o);
        String held = split.label();
        int batch = o.integer("batch");
        long seed = o.integer("seed");
        Path out = o.path("out");
        Files.createDirectories(out);
        int epochs = o.integer("epochs");

        // Build, or restore the checkpoint --resume names (refused when it is of another model or other options)
        AutoencoderFactory factory = factory(o, trainData);
        Map<String, String> fingerprint = Checkpoint.fingerprint(o, runOnlyOptions());
        Checkpoint resumed = o.path("resume") == null ? null
                : Checkpoint.load(o.path("resume"), name(), fingerprint, Checkpoint.defaults(o), epochs);
        ComputationGraph graph = resumed == null ? Accelerate.init(factory) : resumed.graph(MODEL);
        int trainCount = epochIterator(trainData, batch, seed, binarize, 1).numExamples();
        int batchesPerEpoch = (trainCount + batch - 1) / batch;
        ProgressListener progress = new ProgressListener(System.out, batchesPerEpoch,
                scoreScale(factory, trainData.pixelCount()));
        progress.totalEpochs(epochs);
        // stops at the first non-finite loss, before anything of the diverged model is saved
        DivergenceGuard guard = new DivergenceGuard(notSaved(out.resolve("model.zip")) + "; try a lower --lr (now "
                + o.string("lr") + ")");
        graph.setListeners(progress, guard);
        int workers = o.integer("workers");
        DataParallel parallel = workers > 1 ? new DataParallel(graph, workers, seed, o.integer("average-every"))
                : null;
        System.out.printf("model %s  params %d  data %s  train %d  %s %d  out %s%n", factory.name(),
                graph.numParams(), source.description(), trainCount, held, test.numExamples(), out);
        String note = trainLossNote(factory);
        if (note != null) {
            System.out.println(note);
        }

        // Train and evaluate; a checkpoint after every epoch
        CsvLog csv = new CsvLog(out.resolve("epochs.csv"));
        int first = 1;
        if (resumed != null) {
            first = resumed.epoch() + 1;
            csv.resume(resumed.csv()).flush(); // the rows up to the checkpoint, none after it
            System.out.println("resumed " + o.path("resume") + " after epoch " + resumed.epoch());
        }
        for (int epoch = first; epoch <= epochs; epoch++) {
            guard.startEpoch(epoch);
            // every random stream of the epoch from (seed, epoch): a resumed run draws what this one draws
            MnistIterator cleanTrain = epochIterator(trainData, batch, seed, binarize, epoch);
            MultiDataSetIterator train = trainIterator(trainingData(cleanTrain, o,
                    Checkpoint.epochSeed(seed, epoch, 1)), factory, o, Checkpoint.epochSeed(seed, epoch, 2));
            Nd4j.getRandom().setSeed(Checkpoint.epochSeed(seed, epoch, 3)); // noise drawn inside the graph
            long t0 = System.nanoTime();
            if (parallel == null) {
                graph.fit(train);
            } else {
                parallel.seedWorkers(Checkpoint.epochSeed(seed, epoch, 4));
                parallel.fit(train);
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            guard.checkParams("parameters", graph.params());
            double trainLoss = progress.meanScore();
            double exPerSec = progress.examples() / seconds;
            Map<String, Double> measures = new LinkedHashMap<>();
            double testLoss = testLoss(graph, test, factory, measures);
            guard.check("test_loss", testLoss);
            measure(graph, measureDigits, measures);
            measureTestSet(graph, test, measures);
            StringBuilder line = new StringBuilder(String.format("epoch %3d/%d  train_loss %.5f  %s_loss %.5f",
                    epoch, epochs, trainLoss, held, testLoss));
            measures.forEach((k, v) -> line.append(String.format("  %s %.5f", k, v)));
            line.append(String.format("  examples/s %6.0f  time %6.1fs", exPerSec, seconds));
            System.out.println(line);
            if (epoch == 1) {
                csv.header("epoch,train_loss," + held + "_loss," + String.join(",", measures.keySet())
                        + (measures.isEmpty() ? "" : ",") + "examples_per_second,seconds");
            }
            StringBuilder row = new StringBuilder(String.format("%d,%.6f,%.6f", epoch, trainLoss, testLoss));
            measures.values().forEach(v -> row.append(String.format(",%.6f", v)));
            csv.row(row.append(String.format(",%.1f,%.2f", exPerSec, seconds)).toString());
            ComputationGraph done = graph;
            Checkpoint.save(Checkpoint.folder(out), name(), epoch, fingerprint, csv.text(), Map.of(),
                    tmp -> Checkpoint.writeGraph(done, tmp.resolve(MODEL)));
        }

        if (parallel != null) {
            parallel.close();
        }
        finish(graph, factory, testData, o);

        // Save: the model and its run record in one atomic write (loads in a plain DL4J project)
        Path model = RunRecord.writeModel(Accelerate.toStock(graph), out.resolve("model.zip"), true,
                new RunRecord(name(), factory.name(), o.explicitArgs()));
        System.out.println("wrote " + model);
        for (Path p : pictures(graph, digits, out)) {
            System.out.println("wrote " + p);
        }
        System.out.println("wrote " + out.resolve("epochs.csv"));
    }

    /**
     * Adam at {@code --lr}; with {@code --lr-schedule exponential} the rate falls geometrically from {@code --lr} to
     * {@code --lr / 100} over the run's iterations ({@code --epochs} times the batches of an epoch of {@code train}):
     * DL4J's {@link ExponentialSchedule} (a stock class: the saved configuration loads in any DL4J project), driven
     * by the graph's iteration count, so a resumed run continues it. (Not DL4J's {@code PolySchedule}: in 1.0.0-M2.1
     * it computes {@code lr (1 + t/T)^p}, which rises for {@code p > 0}.) With {@code step} the rate is {@code --lr}
     * until the last fifth of the epochs (at least the last epoch) and {@code --lr / 10} from there: DL4J's
     * {@link MapSchedule}, by iteration, so the noise of a constant rate settles at the end of the run.
     */
    /**
     * The activation an option names (case-insensitive) among {@code allowed}, or a one-line error naming the option,
     * the choices and the value.
     */
    static org.nd4j.linalg.activations.Activation activation(Options o, String name,
                                                             org.nd4j.linalg.activations.Activation... allowed) {
        String v = o.string(name);
        for (org.nd4j.linalg.activations.Activation a : allowed) {
            if (a.name().equalsIgnoreCase(v)) {
                return a;
            }
        }
        StringBuilder choices = new StringBuilder();
        for (int i = 0; i < allowed.length; i++) {
            choices.append(i == 0 ? "" : i == allowed.length - 1 ? " or " : ", ")
                    .append(allowed[i].name().toLowerCase());
        }
        throw new CliException("--" + name + " must be " + choices + ", got '" + v + "'");
    }

    static Adam adam(Options o, LabelledImages train) {
        double lr = o.real("lr");
        String schedule = o.string("lr-schedule");
        long batches = (train.count() + o.integer("batch") - 1) / o.integer("batch");
        switch (schedule) {
            case "none":
                return new Adam(lr);
            case "exponential":
                long steps = Math.max(1, (long) o.integer("epochs") * batches);
                return new Adam(new ExponentialSchedule(ScheduleType.ITERATION, lr, Math.pow(0.01, 1.0 / steps)));
            case "step":
                int epochs = o.integer("epochs");
                int last = Math.max(1, epochs / 5);
                return new Adam(new MapSchedule(ScheduleType.ITERATION, Map.of(0, lr,
                        (int) Math.min(Integer.MAX_VALUE, (epochs - last) * batches), lr / 10)));
            default:
                throw new CliException("--lr-schedule must be none, exponential or step, got '" + schedule + "'");
        }
    }

    /** The graph file in the checkpoint folder. */
    static final String MODEL = "model.zip";

    /** Options besides {@link Checkpoint#RUN_ONLY} that change neither the model nor the training data. */
    Set<String> runOnlyOptions() {
        return Set.of();
    }

    /** Epoch {@code epoch}'s training digits: order and binarization drawn from (seed, epoch). */
    private MnistIterator epochIterator(LabelledImages trainData, int batch, long seed,
                                        MnistIterator.Binarization binarize, int epoch) {
        return MnistIterator.builder(trainData).batchSize(batch).seed(Checkpoint.epochSeed(seed, epoch, 0))
                .shape(shape()).binarization(binarize).target(MnistIterator.Target.INPUT).build();
    }

    /** What a diverged run says of its model file: an earlier one is kept, or none was written. */
    static String notSaved(Path model) {
        return Files.exists(model) ? "model not saved, the earlier " + model + " is kept"
                : "model not saved (no " + model + " written)";
    }

    /**
     * Takes {@code held} as the run's test set (binarized once when the run binarizes) and loads the digits measured
     * and drawn.
     */
    private void loadTest(LabelledImages held, Options o) {
        testData = held;
        if (binarization(o) == MnistIterator.Binarization.DYNAMIC) {
            // one fixed Bernoulli draw of the test set, so every epoch and the final evaluation see the same digits
            testData = testData.stochasticallyBinarized(o.integer("seed") + 1);
        }
        test = MnistIterator.builder(testData).batchSize(1000).shuffle(false).shape(shape())
                .target(MnistIterator.Target.INPUT).build();
        // the first test digits, loaded once: all of them for the per-epoch measures, a prefix for the pictures
        measureDigits = MnistIterator.builder(testData).batchSize(MEASURE_DIGITS).shuffle(false)
                .shape(shape()).build().next().getFeatures();
        digits = measureDigits.get(NDArrayIndex.interval(0, Math.min(PICTURE_DIGITS, measureDigits.size(0))));
    }

    @Override
    public EncoderModel encoderModel(Options o, LabelledImages data) {
        return factory(o, data);
    }

    /**
     * Test loss and measures of a saved model on the test set of {@code o}'s data, as the epoch line prints them,
     * written to {@code metrics.csv} with the pictures.
     */
    @Override
    public void evaluate(ComputationGraph graph, Options o, Path out) throws IOException {
        DataSource source = ExampleData.locate(o);
        loadTest(source.load(Split.TEST), o);
        AutoencoderFactory factory = factory(o, testData);
        ComputationGraph fresh = Accelerate.init(factory);
        for (Map.Entry<String, INDArray> p : fresh.paramTable().entrySet()) {
            INDArray saved = graph.paramTable().get(p.getKey());
            if (saved == null || !java.util.Arrays.equals(saved.shape(), p.getValue().shape())) {
                throw new CliException("the saved model does not match what 'train " + name()
                        + "' builds with its recorded options (parameter " + p.getKey() + ")");
            }
        }
        Files.createDirectories(out);
        Map<String, Double> measures = new LinkedHashMap<>();
        double testLoss = testLoss(graph, test, factory, measures);
        measure(graph, measureDigits, measures);
        measureTestSet(graph, test, measures);
        StringBuilder line = new StringBuilder(String.format("evaluate %s  data %s  test_loss %.5f", name(),
                source.description(), testLoss));
        measures.forEach((k, v) -> line.append(String.format("  %s %.5f", k, v)));
        System.out.println(line);
        StringBuilder row = new StringBuilder(String.format("%.6f", testLoss));
        measures.values().forEach(v -> row.append(String.format(",%.6f", v)));
        new CsvLog(out.resolve("metrics.csv"))
                .header("test_loss" + (measures.isEmpty() ? "" : ",") + String.join(",", measures.keySet()))
                .row(row.toString());
        for (Path p : pictures(graph, digits, out)) {
            System.out.println("wrote " + p);
        }
        System.out.println("wrote " + out.resolve("metrics.csv"));
    }
}
