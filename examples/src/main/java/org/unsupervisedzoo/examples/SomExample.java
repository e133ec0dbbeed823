package org.unsupervisedzoo.examples;

import org.unsupervisedzoo.zoo.fast.Accelerate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.unsupervisedzoo.datasets.DataSource;
import org.unsupervisedzoo.datasets.LabelledImages;
import org.unsupervisedzoo.datasets.MnistIterator;
import org.unsupervisedzoo.datasets.Split;
import org.unsupervisedzoo.zoo.core.DivergenceGuard;
import org.unsupervisedzoo.zoo.som.Decay;
import org.unsupervisedzoo.zoo.som.Initialization;
import org.unsupervisedzoo.zoo.som.Neighborhood;
import org.unsupervisedzoo.zoo.som.SOM;
import org.unsupervisedzoo.zoo.som.SomClassifier;
import org.unsupervisedzoo.zoo.som.SomDistance;
import org.unsupervisedzoo.zoo.som.SomIterator;
import org.unsupervisedzoo.zoo.som.SomMaps;
import org.unsupervisedzoo.zoo.som.Topology;
import org.unsupervisedzoo.zoo.viz.HeatMap;
import org.unsupervisedzoo.zoo.viz.ImageGrid;

/**
 * Self-organizing map on MNIST: trains a {@link SOM} with decaying learning rate and radius, prints one line per
 * epoch ({@code epoch   3/10  lr 0.12345  sigma 2.34567  qe 5.12345  te 0.12345  examples/s   8123  time   7.4s};
 * lr and sigma as at the epoch's last batch, QE and TE on the test set), and at the end the SOM classifier's test
 * accuracy (units labelled by majority vote of the training digits). Writes under {@code --out}: {@code model.zip},
 * {@code epochs.csv}, {@code umatrix.png}, {@code prototypes.png} (the prototypes as a rows x cols grid of
 * 28x28 digits), {@code hitmap.png} (training hits), {@code anomalies.png} (the 30 test digits farthest from their best-matching
 * unit) and {@code labels.csv} (the unit labels, one map row a line).
 */
public final class SomExample implements ModelCommand {
    @Override
    public String name() {
        return "self-organizing-map";
    }

    @Override
    public String description() {
        return "self-organizing map (20x20): U-matrix, prototypes, hit map, SOM classifier";
    }

    @Override
    public Options options() {
        return declare();
    }

    @Override
    public void run(Options o) throws IOException {
        train(o);
    }

    static Options declare() {
        return Checkpoint.declare(ExampleData.declare(new Options()))
                .option("epochs", "10", "training epochs").min(1)
                .option("batch", "32", "minibatch size").min(1)
                .option("rows", "20", "map rows").min(1)
                .option("cols", "20", "map columns").min(1)
                .option("topology", "rectangular", "rectangular or hexagonal")
                .option("neighborhood", "gaussian", "gaussian, bubble or mexican_hat")
                .option("distance", "euclidean", "euclidean or cosine")
                .option("init", "pca", "random, sample or pca")
                .option("lr", "0.5", "learning rate at the start").positive()
                .option("lr-final", "0.01", "learning rate at the end").positive()
                .option("sigma", "10", "neighbourhood radius at the start (grid units)").positive()
                .option("sigma-final", "0.5", "neighbourhood radius at the end").positive()
                .option("decay", "exponential", "schedule of both: constant, linear, exponential or asymptotic")
                .option("decay-epochs", "0", "epochs both schedules run over (0: --epochs)").min(0)
                .option("subset", "0", "train on the first n training digits only (0: all)").min(0)
                .option("validation", "0", "if > 0: hold out the last n training digits and measure on them in place"
                        + " of the test set, which is then not read (choose settings this way)").min(0)
                .option("seed", "12345", "seed of initialisation and shuffling").anyInt()
                .option("out", "output/self-organizing-map", "output folder");
    }

    public static void main(String[] args) throws IOException {
        org.unsupervisedzoo.zoo.core.ZooRuntime.applyDefaults(); // the zoo's thread settings, before ND4J loads
        Options o = declare();
        try {
            if (!o.parse(args)) {
                System.out.println("usage: som [options]\n" + o.usage());
                return;
            }
            train(o);
        } catch (IllegalArgumentException | org.unsupervisedzoo.datasets.DatasetException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(2);
        }
    }

    /** The graph file in the checkpoint folder. */
    static final String MODEL = "model.zip";

    /** Epoch {@code epoch}'s training digits, their order drawn from (seed, epoch). */
    private static MnistIterator epochIterator(LabelledImages data, int batch, long seed, int subset, int epoch) {
        return MnistIterator.builder(data).batchSize(batch).seed(Checkpoint.epochSeed(seed, epoch, 0)).subset(subset)
                .build();
    }

    static void train(Options o) throws IOException {
        DataSource source = ExampleData.locate(o);
        ExampleData.Held split = ExampleData.held(source, o);
        LabelledImages trainData = split.train();
        LabelledImages testData = split.measured();
        String held = split.label();
        int batch = o.integer("batch");
        long seed = o.integer("seed");
        int epochs = o.integer("epochs");
        int subset = o.integer("subset");
        MnistIterator train = epochIterator(trainData, batch, seed, subset, 1);
        DataSet allTrain = MnistIterator.builder(trainData).batchSize(train.numExamples()).shuffle(false)
                .subset(subset).build().next();
        DataSet allTest = MnistIterator.builder(testData).batchSize(testData.count()).shuffle(false).build().next();
        int[] trainLabels = allTrain.getLabels().argMax(1).toIntVector();
        int[] testLabels = allTest.getLabels().argMax(1).toIntVector();
        int batchesPerEpoch = (train.numExamples() + batch - 1) / batch;
        Decay.Type decay = o.choice("decay", Decay.Type.class);
        int decayEpochs = o.integer("decay-epochs") == 0 ? epochs : o.integer("decay-epochs");
        SOM som = SOM.builder()
                .rows(o.integer("rows")).cols(o.integer("cols"))
                .inputSize(trainData.pixelCount())
                .topology(o.choice("topology", Topology.class))
                .neighborhood(o.choice("neighborhood", Neighborhood.class))
                .distance(o.choice("distance", SomDistance.class))
                .initialization(o.choice("init", Initialization.class))
                .learningRate(o.real("lr")).finalLearningRate(o.real("lr-final")).learningRateDecay(decay)
                .sigma(o.real("sigma")).finalSigma(o.real("sigma-final")).sigmaDecay(decay)
                .decayIterations(Math.max(1L, (long) decayEpochs * batchesPerEpoch))
                .seed(seed)
                .build();
        Path out = o.path("out");
        Files.createDirectories(out);

        // the schedules run over --decay-epochs (by default --epochs): a checkpoint resumes only with the same
        Map<String, String> fingerprint = Checkpoint.fingerprint(o, Set.of());
        fingerprint.put("decay-epochs", Integer.toString(decayEpochs));
        Checkpoint resumed = o.path("resume") == null ? null
                : Checkpoint.load(o.path("resume"), "som", fingerprint, Checkpoint.defaults(o), epochs);
        ComputationGraph graph;
        if (resumed == null) {
            graph = Accelerate.init(som);
            som.initialize(graph, allTrain.getFeatures(), seed);
        } else {
            graph = resumed.graph(MODEL);
        }
        System.out.printf("model %s  map %s  params %d  data %s  train %d  %s %d  out %s%n", som.name(),
                som.grid(), graph.numParams(), source.description(), train.numExamples(), held, testData.count(), out);
        double[] start = som.maps(graph).errors(allTest.getFeatures());
        System.out.printf("init %s  qe %.5f  te %.5f%n", som.initialization().name().toLowerCase(), start[0],
                start[1]);

        // an epoch whose prototypes or errors are not finite stops the run before anything of it is saved
        DivergenceGuard guard = new DivergenceGuard(AutoencoderRunner.notSaved(out.resolve("model.zip"))
                + "; try a lower --lr (now " + o.string("lr") + ")");
        long steps = (train.numExamples() + batch - 1) / batch;
        CsvLog csv = new CsvLog(out.resolve("epochs.csv"))
                .header("epoch,learning_rate,sigma,quantization_error,topographic_error,examples_per_second,seconds");
        int first = 1;
        if (resumed != null) {
            first = resumed.epoch() + 1;
            csv.resume(resumed.csv()).flush(); // the rows up to the checkpoint, none after it
            System.out.println("resumed " + o.path("resume") + " after epoch " + resumed.epoch());
        }
        EpochEta eta = new EpochEta();
        for (int epoch = first; epoch <= epochs; epoch++) {
            guard.startEpoch(epoch);
            // the epoch's order from (seed, epoch): a resumed run sees what this one sees; the schedules follow
            // the graph's iteration count, which the checkpoint keeps
            SomIterator it = som.iterator(epochIterator(trainData, batch, seed, subset, epoch), graph);
            long t0 = System.nanoTime();
            graph.fit(it);
            double seconds = (System.nanoTime() - t0) / 1e9;
            guard.steps(steps);
            guard.checkParams("prototypes", graph.params());
            long last = Math.max(0, graph.getConfiguration().getIterationCount() - 1);
            double lr = som.learningRateSchedule().at(last);
            double sigma = som.sigmaSchedule().at(last);
            double[] err = som.maps(graph).errors(allTest.getFeatures());
            guard.check("quantization_error", err[0]);
            double exPerSec = train.numExamples() / seconds;
            System.out.printf("epoch %3d/%d  lr %.5f  sigma %.5f  qe %.5f  te %.5f  examples/s %6.0f  time %6.1fs  %s%n",
                    epoch, epochs, lr, sigma, err[0], err[1], exPerSec, seconds, eta.after(epochs - epoch));
            csv.row(String.format("%d,%.6f,%.6f,%.6f,%.6f,%.1f,%.2f", epoch, lr, sigma, err[0], err[1], exPerSec,
                    seconds));
            Checkpoint.save(Checkpoint.folder(out), "som", epoch, fingerprint, csv.text(), Map.of(),
                    tmp -> Checkpoint.writeGraph(graph, tmp.resolve(MODEL)));
        }

        SomMaps maps = som.maps(graph);
        SomClassifier classifier = maps.classifier(allTrain.getFeatures(), trainLabels);
        double[] err = maps.errors(allTest.getFeatures());
        double[] trainErr = maps.errors(allTrain.getFeatures());
        System.out.printf("som classifier  " + held + "_accuracy %.4f  units %d  train qe %.5f te %.5f  " + held
                + " qe %.5f te %.5f%n", classifier.accuracy(allTest.getFeatures(), testLabels), som.grid().units(), trainErr[0], trainErr[1],
                err[0], err[1]);

        // the model and its run record in one atomic write (loads in a plain DL4J project)
        Path model = RunRecord.writeModel(Accelerate.toStock(graph), out.resolve("model.zip"), true,
                new RunRecord("self-organizing-map", som.name(), o.explicitArgs()));
        System.out.println("wrote " + model);
        boolean hex = som.grid().topology() == Topology.HEXAGONAL;
        int cell = Math.max(8, 400 / Math.max(som.grid().rows(), som.grid().cols()));
        System.out.println("wrote " + ImageGrid.writePng(HeatMap.render(maps.uMatrix(), cell, hex),
                out.resolve("umatrix.png")));
        System.out.println("wrote " + ImageGrid.writePng(HeatMap.render(maps.hitMap(allTrain.getFeatures()), cell, hex),
                out.resolve("hitmap.png")));
        if (trainData.rows() * trainData.cols() == som.inputSize()) {
            System.out.println("wrote " + ImageGrid.writePng(ImageGrid.tiles(som.prototypes(graph).dup(),
                    trainData.rows(), trainData.cols(), som.grid().cols(), 1), out.resolve("prototypes.png")));
        }
        // the most unusual test digits: largest distance to their best-matching unit
        double[] scores = maps.anomalyScores(allTest.getFeatures());
        long[] worst = java.util.stream.IntStream.range(0, scores.length).boxed()
                .sorted((p, q) -> Double.compare(scores[q], scores[p])).limit(30).mapToLong(i -> i).toArray();
        System.out.printf("anomaly score  median %.5f  max %.5f (test digit %d)%n",
                java.util.Arrays.stream(scores).sorted().toArray()[scores.length / 2], scores[(int) worst[0]], worst[0]);
        System.out.println("wrote " + ImageGrid.writePng(ImageGrid.tiles(allTest.getFeatures().get(
                org.nd4j.linalg.indexing.NDArrayIndex.indices(worst)), trainData.rows(), trainData.cols(), 10, 2),
                out.resolve("anomalies.png")));
        int[] unitLabels = classifier.unitLabels();
        int[] labelMap = maps.labelMap(allTrain.getFeatures(), trainLabels);
        Path labels = out.resolve("labels.csv");
        CsvLog labelsCsv = new CsvLog(labels).header("# majority training label per unit, one map row per line;"
                + " '*' marks a unit without hits (labelled from the nearest labelled unit)");
        for (int r = 0; r < som.grid().rows(); r++) {
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < som.grid().cols(); c++) {
                int j = r * som.grid().cols() + c;
                line.append(c == 0 ? "" : ",").append(unitLabels[j]).append(labelMap[j] < 0 ? "*" : "");
            }
            labelsCsv.line(line.toString());
        }
        labelsCsv.flush();
        System.out.println("wrote " + labels);
        System.out.println("wrote " + out.resolve("epochs.csv"));
    }
}
