package org.unsupervisedzoo.spark;

import org.unsupervisedzoo.zoo.core.DivergenceGuard;
import org.unsupervisedzoo.zoo.core.TrainingDiverged;
import org.unsupervisedzoo.zoo.fast.Accelerate;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.parallelism.ParallelWrapper;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;
import org.unsupervisedzoo.examples.TrainRecipe;
import org.unsupervisedzoo.zoo.core.AtomicFiles;

/**
 * The scale-out runner: trains one zoo model as {@code train <model>} would, but on Spark (DL4J's parameter
 * averaging or gradient sharing) or on one machine's cores with DL4J's ParallelWrapper, and writes the same
 * {@code model.zip} (with the run record), so {@code evaluate}, {@code classify}, {@code export} and the
 * encoder extraction take it unchanged. Its own options are below; every other option goes to the train command
 * ({@code --data}, {@code --epochs}, {@code --lr}, {@code --seed}, {@code --hidden}, ...; its {@code --batch} is
 * not used: {@code --batch-per-worker} is).
 *
 * <pre>
 * java $FLAGS -cp 'unsupervised-zoo-spark.jar:lib/*:spark-lib/*' org.unsupervisedzoo.spark.SparkTrain \
 *     --model sparse-autoencoder --mode averaging --master local[2] --workers 2 --batch-per-worker 32 --epochs 2
 * </pre>
 *
 * <p>Per epoch it prints {@code epoch   1/2  train_loss 0.12345  test_loss 0.11111  examples/s 1234  time 5.6s}
 * (train_loss: the training master's mean score per pixel, or per example for the VAE; {@code n/a} where DL4J
 * reports none: gradient sharing and ParallelWrapper), and writes {@code model.zip}, {@code epochs.csv} and the
 * train command's evaluation ({@code metrics.csv}, pictures) under {@code --out}.
 *
 * <p>After every epoch it writes {@code epochs.csv} (atomically) and the checkpoint folder {@code <out>/checkpoint}
 * (atomically, as {@code train} does: the driver's graph with its updater state, the epochs done, the CSV rows so
 * far, the model and train options with this runner's mode, workers, batch per worker and averaging frequency);
 * {@code --resume <out>/checkpoint} continues from the next epoch to {@code --epochs} in total, and refuses, in one
 * line with status 2, a checkpoint of another model or other options. Gradient sharing ({@code --mode sharing})
 * writes no checkpoint, and {@code --resume} with it is refused the same way: its asynchronous updates cannot be
 * continued exactly.
 */
public final class SparkTrain {
    /** Java 17 flags the driver and executors need (Spark, Kryo, ND4J's Spark code, Aeron). */
    public static final String JAVA17_FLAGS = String.join(" ",
            "--add-opens java.base/java.nio=ALL-UNNAMED", "--add-opens java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens java.base/java.lang=ALL-UNNAMED", "--add-opens java.base/java.lang.invoke=ALL-UNNAMED",
            "--add-opens java.base/java.util=ALL-UNNAMED", "--add-opens java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens java.base/java.util.concurrent.atomic=ALL-UNNAMED",
            "--add-opens java.base/java.io=ALL-UNNAMED", "--add-opens java.base/java.net=ALL-UNNAMED",
            "--add-opens java.base/sun.nio.cs=ALL-UNNAMED", "--add-opens java.base/sun.security.action=ALL-UNNAMED",
            "--add-opens java.base/sun.util.calendar=ALL-UNNAMED",
            "-Daeron.publication.unblock.timeout=60000000000");

    /** This runner's options and defaults (everything else goes to the train command). */
    static final Map<String, String[]> OPTIONS = new LinkedHashMap<>();

    static {
        opt("model", "", "the model (its catalog and train command name): undercomplete-autoencoder,"
                + " denoising-autoencoder, sparse-autoencoder, contractive-autoencoder, convolutional-autoencoder or"
                + " variational-autoencoder");
        opt("mode", "averaging", "averaging (ParameterAveragingTrainingMaster), sharing (SharedTrainingMaster,"
                + " local mode only, see README) or parallel-wrapper (one machine, DL4J's ParallelWrapper)");
        opt("master", "local[2]", "Spark master when not set by spark-submit: local[n], local-cluster[n,c,mb],"
                + " spark://host:7077, yarn");
        opt("workers", "2", "workers training at once (Spark task slots, or ParallelWrapper threads)");
        opt("batch-per-worker", "32", "examples in each worker's minibatch");
        opt("averaging-frequency", "5", "averaging/parallel-wrapper: minibatches per worker between averages");
        opt("threshold", "1e-3", "sharing: initial threshold of the adaptive gradient encoding");
        opt("partitions", "0", "partitions of the RDD of batches (0: workers)");
        opt("port", "40123", "sharing: Aeron UDP port");
        opt("conf", "", "extra Spark settings key=value,key=value (e.g. spark.executor.memory=3g)");
        opt("out", "", "output folder (default output/<model>-<mode>)");
    }

    private static void opt(String name, String def, String help) {
        OPTIONS.put(name, new String[] {def, help});
    }

    private SparkTrain() {
    }

    public static void main(String[] args) {
        org.unsupervisedzoo.zoo.core.ZooRuntime.applyDefaults(); // the zoo's thread settings, before ND4J loads
        // Spark's INFO lines through slf4j-simple would bury the epoch lines
        System.setProperty("org.slf4j.simpleLogger.log.org.apache.spark", "warn");
        System.setProperty("org.slf4j.simpleLogger.log.org.sparkproject", "warn");
        System.setProperty("org.slf4j.simpleLogger.log.org.apache.hadoop", "warn");
        System.setProperty("org.slf4j.simpleLogger.log.org.deeplearning4j.spark", "warn");
        int status = run(args, System.out, System.err);
        if (status != 0) {
            System.exit(status);
        }
    }

    /** Runs one command line; returns 0, 2 (usage or input error), 3 (training diverged) or 1 (training failed). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        Map<String, String> own = new LinkedHashMap<>();
        List<String> rest = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--help") || a.equals("-h")) {
                out.println(usage());
                return 0;
            }
            if (a.equals("--print-java-flags")) { // for launch scripts: java $(... --print-java-flags) ...
                out.println(JAVA17_FLAGS);
                return 0;
            }
            String name = a.startsWith("--") ? a.substring(2) : null;
            if (name != null && OPTIONS.containsKey(name)) {
                if (i + 1 >= args.length) {
                    err.println("error: --" + name + " needs a value");
                    return 2;
                }
                own.put(name, args[++i]);
            } else {
                rest.add(a);
            }
        }
        try {
            Settings s = new Settings(own);
            List<String> recipeArgs = new ArrayList<>(rest);
            recipeArgs.add("--out");
            recipeArgs.add(s.out(own));
            TrainRecipe recipe = TrainRecipe.parse(s.model, recipeArgs);
            train(recipe, s, Path.of(s.out(own)), out);
            return 0;
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            return 2;
        } catch (TrainingDiverged e) { // a NaN or infinite loss or parameter: nothing of the diverged epoch saved
            err.println("error: " + e.getMessage());
            return 3;
        } catch (Exception e) {
            err.println("error: " + e.getMessage());
            if (System.getenv("ZOO_DEBUG") != null) {
                e.printStackTrace(err);
            }
            return 1;
        }
    }

    static String usage() {
        StringBuilder sb = new StringBuilder("usage: SparkTrain --model <name> [options] [train command options]\n");
        OPTIONS.forEach((k, v) -> sb.append(String.format("  --%-20s %s (default: %s)%n", k, v[1],
                v[0].isEmpty() ? "none" : v[0])));
        sb.append("  --print-java-flags     print the JVM flags Java 17 needs for Spark, and exit\n");
        sb.append("  --resume DIR           continue from the checkpoint a run writes to <out>/checkpoint after every"
                + " epoch, to --epochs in total (refused for another model or other options, and with --mode sharing)\n");
        sb.append("  every other option goes to 'train <model>' (see its --help): --data, --epochs, --lr, --seed,"
                + " model options");
        return sb.toString();
    }

    /** The runner's parsed options. */
    static final class Settings {
        final String model;
        final String mode;
        final String master;
        final int workers;
        final int batchPerWorker;
        final int averagingFrequency;
        final double threshold;
        final int partitions;
        final int port;
        final Map<String, String> conf = new LinkedHashMap<>();

        Settings(Map<String, String> given) {
            model = get(given, "model");
            if (model.isEmpty()) {
                throw new IllegalArgumentException("--model is required (" + TrainRecipe.commandNames() + ")");
            }
            mode = get(given, "mode");
            if (!List.of("averaging", "sharing", "parallel-wrapper").contains(mode)) {
                throw new IllegalArgumentException("--mode must be averaging, sharing or parallel-wrapper, got '"
                        + mode + "'");
            }
            master = get(given, "master");
            workers = positiveInt(given, "workers");
            batchPerWorker = positiveInt(given, "batch-per-worker");
            averagingFrequency = positiveInt(given, "averaging-frequency");
            threshold = real(given, "threshold");
            if (!(threshold > 0)) {
                throw new IllegalArgumentException("--threshold must be > 0, got " + given.get("threshold"));
            }
            int p = integer(given, "partitions");
            if (p < 0) {
                throw new IllegalArgumentException("--partitions must be >= 0, got " + p);
            }
            partitions = p == 0 ? workers : p;
            port = positiveInt(given, "port");
            String c = get(given, "conf");
            if (!c.isEmpty()) {
                for (String kv : c.split(",")) {
                    int eq = kv.indexOf('=');
                    if (eq <= 0) {
                        throw new IllegalArgumentException("--conf takes key=value pairs, got '" + kv + "'");
                    }
                    conf.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
                }
            }
        }

        String out(Map<String, String> given) {
            String o = get(given, "out");
            return o.isEmpty() ? "output/" + model + "-" + mode : o;
        }

        private static String get(Map<String, String> given, String name) {
            return given.getOrDefault(name, OPTIONS.get(name)[0]);
        }

        private static int integer(Map<String, String> given, String name) {
            try {
                return Integer.parseInt(get(given, name).trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--" + name + " must be an integer, got '" + get(given, name)
                        + "'");
            }
        }

        private static int positiveInt(Map<String, String> given, String name) {
            int v = integer(given, name);
            if (v < 1) {
                throw new IllegalArgumentException("--" + name + " must be >= 1, got " + v);
            }
            return v;
        }

        private static double real(Map<String, String> given, String name) {
            try {
                return Double.parseDouble(get(given, name).trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--" + name + " must be a number, got '" + get(given, name) + "'");
            }
        }
    }

    /** The Spark configuration of a run: loopback and no UI in local modes, Java 17 flags for executors. */
    static SparkConf sparkConf(Settings s, String appName) {
        SparkConf conf = new SparkConf().setAppName(appName).setIfMissing("spark.master", s.master);
        String master = conf.get("spark.master");
        if (master.startsWith("local")) {
            conf.setIfMissing("spark.driver.host", "127.0.0.1");
            conf.setIfMissing("spark.driver.bindAddress", "127.0.0.1");
            conf.setIfMissing("spark.ui.enabled", "false");
        }
        conf.setIfMissing("spark.executor.extraJavaOptions", JAVA17_FLAGS);
        // one task per worker slot at a time, and no retry: a failing task ends the job with its error
        conf.setIfMissing("spark.task.maxFailures", "1");
        s.conf.forEach(conf::set);
        return conf;
    }

    static void train(TrainRecipe recipe, Settings s, Path out, PrintStream log) throws Exception {
        boolean sharing = s.mode.equals("sharing");
        if (sharing && !recipe.option("resume").isEmpty()) {
            // DL4J's gradient sharing applies the workers' updates asynchronously, as they arrive: no run, resumed or
            // not, repeats another, and a local run sticks at start about once in six (SparkZooTrainerTest), too
            // often and too slow for a test of four runs; so resuming is refused rather than left untested
            throw new IllegalArgumentException("--resume " + recipe.option("resume") + " is not supported with --mode"
                    + " sharing: gradient sharing applies the workers' updates asynchronously, so a resumed run cannot"
                    + " continue the interrupted one exactly; resume runs of --mode averaging or parallel-wrapper");
        }
        if (recipe.corruptsInIterator() && !s.mode.equals("parallel-wrapper")) {
            throw new IllegalArgumentException("--keras-style true corrupts in the driver's iterator; on Spark use"
                    + " the default (corruption inside the graph)");
        }
        Files.createDirectories(out);
        int epochs = recipe.integer("epochs");
        long seed = recipe.integer("seed");
        // what a checkpoint must match: the model and data options (not --batch: --batch-per-worker is used) and
        // the settings that change how workers train
        Map<String, String> own = new LinkedHashMap<>();
        own.put("mode", s.mode);
        own.put("workers", Integer.toString(s.workers));
        own.put("batch-per-worker", Integer.toString(s.batchPerWorker));
        own.put("averaging-frequency", Integer.toString(s.averagingFrequency));
        if (sharing) {
            own.put("threshold", Double.toString(s.threshold));
        }
        if (!s.mode.equals("parallel-wrapper")) {
            own.put("partitions", Integer.toString(s.partitions));
        }
        Map<String, String> fingerprint = recipe.fingerprint(Set.of("batch"), own);
        TrainRecipe.Resumed resumed = recipe.resume(fingerprint);
        ComputationGraph graph = resumed == null ? Accelerate.init(recipe.factory()) : resumed.graph();
        int first = resumed == null ? 1 : resumed.epoch() + 1;
        int examples = recipe.trainData().count();
        double scale = recipe.scoreScale();
        log.printf("model %s  params %d  data %s  train %d  mode %s  workers %d  batch/worker %d  out %s%n",
                recipe.factory().name(), graph.numParams(), recipe.dataDescription(), examples, s.mode, s.workers,
                s.batchPerWorker, out);
        // epochs.csv: the checkpoint's rows, then one row per epoch, the whole file rewritten atomically each time
        StringBuilder csv = new StringBuilder();
        if (resumed != null) {
            csv.append(resumed.csv());
            log.println("resumed " + recipe.option("resume") + " after epoch " + resumed.epoch());
        }
        if (csv.length() == 0) {
            csv.append("epoch,train_loss,test_loss,examples_per_second,seconds\n");
        }
        Path csvFile = out.resolve("epochs.csv");
        // an epoch whose parameters or losses are not finite stops the run before it is saved or checkpointed: the
        // last epoch's checkpoint and an earlier model.zip are kept (workers' steps are not seen one by one here)
        Path checkpoint = out.resolve("checkpoint");
        DivergenceGuard guard = new DivergenceGuard("model not saved, " + (Files.exists(out.resolve("model.zip"))
                ? "the earlier " + out.resolve("model.zip") + " is kept" : "no " + out.resolve("model.zip")
                + " written") + (sharing ? "" : "; --resume " + checkpoint + " continues from the last finite epoch,"
                + " if one was checkpointed") + "; try a lower --lr (now " + recipe.option("lr") + ")");
        long stepsPerEpoch = (examples + (long) s.batchPerWorker * s.workers - 1) / ((long) s.batchPerWorker * s.workers);
        SparkZooTrainer.EpochListener listener = (epoch, g, score, seconds) -> {
            guard.startEpoch(epoch);
            guard.steps(stepsPerEpoch);
            if (s.mode.equals("averaging")) {
                guard.check("train_loss", score);
            }
            guard.checkParams("parameters", g.params());
            Map<String, Double> parts = new LinkedHashMap<>();
            double testLoss = recipe.testLoss(g, parts);
            guard.check("test_loss", testLoss);
            String train = s.mode.equals("averaging") ? String.format(Locale.ROOT, "%.5f", score * scale) : "n/a";
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
                    "epoch %3d/%d  train_loss %s  test_loss %.5f", epoch, epochs, train, testLoss));
            parts.forEach((k, v) -> line.append(String.format(Locale.ROOT, "  %s %.5f", k, v)));
            line.append(String.format(Locale.ROOT, "  examples/s %6.0f  time %6.1fs", examples / seconds, seconds));
            log.println(line);
            csv.append(String.format(Locale.ROOT, "%d,%s,%.6f,%.1f,%.2f%n", epoch, train, testLoss,
                    examples / seconds, seconds));
            AtomicFiles.writeString(csvFile, csv);
            // the driver's graph with its updater state: --resume <out>/checkpoint continues after this epoch (not
            // for gradient sharing, which --resume refuses)
            if (!sharing) {
                recipe.saveCheckpoint(out, epoch, fingerprint, csv, g);
            }
        };

        ComputationGraph trained = graph;
        if (first > epochs) {
            log.println("nothing to train: the checkpoint is at --epochs " + epochs);
        } else if (s.mode.equals("parallel-wrapper")) {
            trained = parallelWrapper(recipe, s, graph, first, epochs, listener);
        } else {
            try (JavaSparkContext sc = new JavaSparkContext(sparkConf(s, "unsupervised-zoo " + recipe.command()))) {
                // gradient sharing: the driver is the Aeron controller, at the address Spark's executors use
                SparkZooTrainer trainer = SparkZooTrainer.builder()
                        .mode(s.mode.equals("sharing") ? SparkZooTrainer.Mode.SHARING : SparkZooTrainer.Mode.AVERAGING)
                        .workers(s.workers).batchPerWorker(s.batchPerWorker).averagingFrequency(s.averagingFrequency)
                        .threshold(s.threshold).seed(seed).port(s.port)
                        .controllerAddress(sc.getConf().get("spark.driver.host", null)).build();
                JavaRDD<DataSet> batches = MnistBatches.rdd(sc, recipe.trainData(), recipe.shape(), s.batchPerWorker,
                        s.partitions, seed);
                trained = trainer.fit(sc, graph, batches, BatchShaper.of(recipe.factory(),
                        recipe.dynamicBinarization()), first, epochs, listener);
            }
        }

        Path model = recipe.save(trained, out.resolve("model.zip"));
        log.println("wrote " + model);
        AtomicFiles.writeString(csvFile, csv);
        log.println("wrote " + csvFile);
        recipe.evaluate(trained, out);
    }

    /**
     * One machine, several workers: DL4J's ParallelWrapper with parameter averaging, the train command's data. A
     * wrapper per epoch ({@link EpochParallelWrapper}): its averaging schedule starts with the epoch, and its trainers
     * reseed their generators (noise inside the graph) from (seed, epoch, trainer), as a resumed run's do.
     */
    static ComputationGraph parallelWrapper(TrainRecipe recipe, Settings s, ComputationGraph graph, int first,
                                            int epochs, SparkZooTrainer.EpochListener listener) throws Exception {
        for (int epoch = first; epoch <= epochs; epoch++) {
            // the epoch's order and noise from (seed, epoch), as train draws them: a resumed run feeds the same
            MultiDataSetIterator it = recipe.trainIterator(s.batchPerWorker, epoch);
            long t0 = System.nanoTime();
            try (ParallelWrapper pw = new EpochParallelWrapper(graph, s.workers, s.averagingFrequency,
                    recipe.epochSeed(epoch, TrainRecipe.GRAPH_NOISE_STREAM))) {
                pw.fit(it);
            }
            listener.epochDone(epoch, graph, Double.NaN, (System.nanoTime() - t0) / 1e9);
        }
        return graph;
    }
}
