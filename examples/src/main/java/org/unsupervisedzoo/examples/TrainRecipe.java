package org.unsupervisedzoo.examples;

import org.unsupervisedzoo.zoo.fast.Accelerate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;
import org.unsupervisedzoo.datasets.DataSource;
import org.unsupervisedzoo.datasets.LabelledImages;
import org.unsupervisedzoo.datasets.MnistIterator;
import org.unsupervisedzoo.datasets.Split;
import org.unsupervisedzoo.zoo.autoencoder.AutoencoderFactory;

/**
 * What one {@code train <model>} run does, for runners outside this package (the Spark module): the model's
 * factory built from the command's options, its training data, the test loss the epoch line prints, and saving a
 * model with the {@link RunRecord} that {@code evaluate}, {@code classify} and {@code semi-supervised} read. It
 * holds one command instance, so per-run state of the command (e.g. the VAE a factory call made) stays consistent.
 *
 * <pre>{@code
 * TrainRecipe r = TrainRecipe.parse("sparse-autoencoder", List.of("--data", "sample", "--epochs", "2"));
 * ComputationGraph g = Accelerate.init(r.factory());
 * ... train g on r.trainData() in the shape r.trainIterator(batch) yields ...
 * r.save(g, Path.of("output/sparse-autoencoder-spark/model.zip"));
 * }</pre>
 */
public final class TrainRecipe {
    private final AutoencoderRunner runner;
    private final Options options;
    private final DataSource source;
    private final LabelledImages trainData;
    private final AutoencoderFactory factory;

    private TrainRecipe(AutoencoderRunner runner, Options options) {
        this.runner = runner;
        this.options = options;
        this.source = ExampleData.locate(options);
        this.trainData = source.load(Split.TRAIN);
        this.factory = runner.factory(options, trainData);
    }

    /** The {@code train} commands a recipe can be made of (the autoencoders), by name. */
    public static List<String> commandNames() {
        return List.copyOf(Main.examples().keySet());
    }

    /**
     * The recipe of {@code train <model> args}; {@code model} is the model's name (the catalog's and the train
     * command's, e.g. {@code sparse-autoencoder}).
     *
     * @throws IllegalArgumentException for an unknown model, an unknown option or a malformed value
     */
    public static TrainRecipe parse(String model, List<String> args) {
        AutoencoderRunner runner = Main.examples().get(model);
        if (runner == null) {
            String hint = Models.retiredHint(model);
            throw new IllegalArgumentException(hint != null ? hint : "unknown model '" + model
                    + "'; models a recipe can be made of: " + commandNames());
        }
        Options o = runner.options();
        if (!o.parse(args.toArray(new String[0]))) {
            throw new IllegalArgumentException("usage: " + runner.name() + " [options]\n" + o.usage());
        }
        return new TrainRecipe(runner, o);
    }

    /** The model's name, e.g. {@code sparse-autoencoder}. */
    public String command() {
        return runner.name();
    }

    /** The model's factory, built from the options. */
    public AutoencoderFactory factory() {
        return factory;
    }

    /** The training split of the run's data. */
    public LabelledImages trainData() {
        return trainData;
    }

    /** The data set's description, e.g. {@code bundled MNIST sample}. */
    public String dataDescription() {
        return source.description();
    }

    /** An option of the train command, as given or its default. */
    public String option(String name) {
        return options.string(name);
    }

    /** An integer option of the train command (e.g. {@code epochs}, {@code batch}, {@code seed}). */
    public int integer(String name) {
        return options.integer(name);
    }

    /** The feature layout the model reads (flat or image). */
    public MnistIterator.Shape shape() {
        return runner.shape();
    }

    /** Whether training pixels are drawn as Bernoulli samples for every batch (VAE {@code --binarize dynamic}). */
    public boolean dynamicBinarization() {
        return runner.binarization(options) == MnistIterator.Binarization.DYNAMIC;
    }

    /** Whether the command corrupts inputs in the data iterator (denoising {@code --keras-style true}). */
    public boolean corruptsInIterator() {
        return runner instanceof DenoisingExample && Boolean.parseBoolean(options.string("keras-style"));
    }

    /**
     * The command's training iterator over the whole training split in batches of {@code batch}: exactly what
     * {@code train} feeds the graph (shuffled, corrupted or with VAE noise as the command does, fresh each reset).
     */
    public MultiDataSetIterator trainIterator(int batch) {
        MnistIterator clean = MnistIterator.builder(trainData).batchSize(batch).seed(options.integer("seed"))
                .shape(runner.shape()).binarization(runner.binarization(options))
                .target(MnistIterator.Target.INPUT).build();
        return runner.trainIterator(runner.trainingData(clean, options), factory, options);
    }

    /**
     * Epoch {@code epoch}'s training iterator in batches of {@code batch}, every random stream drawn from (seed,
     * epoch) as {@code train} draws them: a run resumed after epoch {@code epoch - 1} feeds what the uninterrupted
     * run fed.
     */
    public MultiDataSetIterator trainIterator(int batch, int epoch) {
        long seed = options.integer("seed");
        MnistIterator clean = MnistIterator.builder(trainData).batchSize(batch)
                .seed(Checkpoint.epochSeed(seed, epoch, 0)).shape(runner.shape())
                .binarization(runner.binarization(options)).target(MnistIterator.Target.INPUT).build();
        return runner.trainIterator(runner.trainingData(clean, options, Checkpoint.epochSeed(seed, epoch, 1)),
                factory, options, Checkpoint.epochSeed(seed, epoch, 2));
    }

    /**
     * The stream {@code train} seeds ND4J's generator from for the noise a graph draws inside itself (the denoising
     * autoencoder's corruption): {@code epochSeed(seed, epoch, GRAPH_NOISE_STREAM)}.
     */
    public static final int GRAPH_NOISE_STREAM = 3;

    /**
     * The seed of epoch {@code epoch}'s random stream {@code stream} of a run seeded {@code seed}, the pure function
     * {@code train}'s checkpoints rely on (a resumed run draws what the uninterrupted one drew); for runners outside
     * this package (Spark's workers).
     */
    public static long epochSeed(long seed, int epoch, int stream) {
        return Checkpoint.epochSeed(seed, epoch, stream);
    }

    /** The seed of epoch {@code epoch}'s random stream {@code stream} of this run (see {@code train}'s checkpoints). */
    public long epochSeed(int epoch, int stream) {
        return Checkpoint.epochSeed(options.integer("seed"), epoch, stream);
    }

    /**
     * The options that identify this run's model and data for a checkpoint: the train command's (but {@code
     * ignored}, and those that never change the model: --epochs, --out, --resume, --data-dir), then {@code own}
     * (a runner's own options, e.g. Spark's mode and workers).
     */
    public Map<String, String> fingerprint(Set<String> ignored, Map<String, String> own) {
        Map<String, String> m = Checkpoint.fingerprint(options, ignored);
        m.putAll(own);
        return m;
    }

    /** The default checkpoint folder of a run writing under {@code out}: {@code out/checkpoint}. */
    public static Path checkpointFolder(Path out) {
        return Checkpoint.folder(out);
    }

    /**
     * Replaces the checkpoint folder of {@code out} whole (atomically): {@code graph} with its updater state after
     * {@code epoch} epochs, the run's options {@code fingerprint} and the CSV text so far.
     */
    public void saveCheckpoint(Path out, int epoch, Map<String, String> fingerprint, CharSequence csv,
                               ComputationGraph graph) throws IOException {
        Checkpoint.save(Checkpoint.folder(out), runner.name(), epoch, fingerprint, csv, Map.of(),
                tmp -> Checkpoint.writeGraph(graph, tmp.resolve(AutoencoderRunner.MODEL)));
    }

    /** A checkpoint {@link #resume} loaded: the epochs done, the CSV text so far, the graph with its updater. */
    public record Resumed(int epoch, String csv, ComputationGraph graph) {
    }

    /**
     * The checkpoint {@code --resume} names, or null without {@code --resume}.
     *
     * @throws IllegalArgumentException (one line) when the folder holds no checkpoint, one of another model, one
     *                                  whose options differ from {@code fingerprint} or one past --epochs
     */
    public Resumed resume(Map<String, String> fingerprint) throws IOException {
        Path dir = options.path("resume");
        if (dir == null) {
            return null;
        }
        try {
            Checkpoint c = Checkpoint.load(dir, runner.name(), fingerprint, Checkpoint.defaults(options), options.integer("epochs"));
            return new Resumed(c.epoch(), c.csv(), c.graph(AutoencoderRunner.MODEL));
        } catch (CliException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** Factor turning the graph's score into the train loss {@code train} prints (per pixel, or 1 for the VAE). */
    public double scoreScale() {
        return runner.scoreScale(factory, trainData.pixelCount());
    }

    /** The test loss {@code train} prints after an epoch, and its named parts (e.g. the VAE's recon and kl). */
    public double testLoss(ComputationGraph graph, Map<String, Double> parts) {
        LabelledImages test = source.load(Split.TEST);
        if (dynamicBinarization()) {
            test = test.stochasticallyBinarized(options.integer("seed") + 1);
        }
        MnistIterator it = MnistIterator.builder(test).batchSize(1000).shuffle(false).shape(runner.shape())
                .target(MnistIterator.Target.INPUT).build();
        return runner.testLoss(graph, it, factory, parts);
    }

    /** The test loss alone. */
    public double testLoss(ComputationGraph graph) {
        return testLoss(graph, new LinkedHashMap<>());
    }

    /**
     * Writes {@code graph} as {@code train} does: ModelSerializer with updater, plus the run record of this
     * command and its options, so {@code evaluate <file>} and {@code classify --encoder <file>} accept it.
     */
    public Path save(ComputationGraph graph, Path modelFile) throws IOException {
        if (modelFile.getParent() != null) {
            Files.createDirectories(modelFile.getParent());
        }
        // the model and its run record in one atomic write
        return RunRecord.writeModel(graph, modelFile, true,
                new RunRecord(runner.name(), factory.name(), options.explicitArgs()));
    }

    /** The train command's evaluation of a graph (as {@code evaluate}): test loss, measures, pictures under out. */
    public void evaluate(ComputationGraph graph, Path out) throws Exception {
        runner.evaluate(graph, options, out);
    }

    /** The options given explicitly, as {@code --name value} pairs. */
    public List<String> explicitArgs() {
        return new ArrayList<>(options.explicitArgs());
    }
}
