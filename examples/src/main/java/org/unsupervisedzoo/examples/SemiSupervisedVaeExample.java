package org.unsupervisedzoo.examples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.unsupervisedzoo.datasets.DataSource;
import org.unsupervisedzoo.datasets.LabelledImages;
import org.unsupervisedzoo.datasets.MnistIterator;
import org.unsupervisedzoo.datasets.Split;
import org.unsupervisedzoo.zoo.core.AtomicFiles;
import org.unsupervisedzoo.zoo.core.DivergenceGuard;
import org.unsupervisedzoo.zoo.fast.Accelerate;
import org.unsupervisedzoo.zoo.fast.Simd;
import org.unsupervisedzoo.zoo.core.Encoders;
import org.unsupervisedzoo.zoo.m2.M1Codes;
import org.unsupervisedzoo.zoo.m2.M2Iterator;
import org.unsupervisedzoo.zoo.m2.M2ObjectiveLayer;
import org.unsupervisedzoo.zoo.m2.SemiSupervisedVAE;
import org.unsupervisedzoo.zoo.vae.VAE;
import org.unsupervisedzoo.zoo.viz.ImageGrid;

/**
 * M2, the semi-supervised VAE (Kingma et al. 2014), on MNIST with {@code --labels} labelled digits: a balanced subset
 * of the training digits drawn by {@code --seed}; every other training digit is unlabelled (its label is not read).
 * With {@code --validation n} the last n training digits are held out first, for choosing settings and epochs. One
 * line per epoch,
 * <pre>
 *   epoch   3/10  train_loss 123.45678  val_error  12.34%  test_error  12.56%  examples/s    456  time  123.4s
 * </pre>
 * ({@code train_loss}: the mean over the epoch's steps of the minibatch estimate of {@code J^alpha / N}, nats per
 * digit; {@code val_error} is {@code n/a} without a validation set; the errors are those of {@code argmax q(y|x)}),
 * then {@code best epoch by validation} (or the last epoch without one). Writes under {@code --out}: {@code model.zip}
 * (the last epoch's graph, in DL4J's classes, with its run record; with {@code --ema-decay} the moving average of
 * the weights, which also gives every epoch's errors and the samples), {@code epochs.csv}, {@code samples.png} (10
 * samples of {@code p(x|y,z)} per class, one row per digit) and, after every epoch, {@code checkpoint/}.
 */
final class SemiSupervisedVaeExample implements ModelCommand {
    /** The graph file in the checkpoint folder. */
    static final String MODEL = "model.zip";
    /** The moving average of the parameters in the checkpoint folder ({@code --ema-decay}). */
    static final String EMA = "ema.bin";

    @Override
    public String name() {
        return "semi-supervised-vae";
    }

    @Override
    public String description() {
        return "M2 semi-supervised VAE: a classifier trained with --labels labelled and all other digits unlabelled";
    }

    @Override
    public Options options() {
        return Checkpoint.declare(ExampleData.declare(new Options()))
                .option("labels", "100", "labelled digits, balanced per class, drawn from the training digits by"
                        + " --seed; all others are unlabelled").min(10)
                .option("validation", "1000", "hold out the last n training digits (before drawing the labels) and"
                        + " report the error on them every epoch, to choose settings (0: none)").min(0)
                .option("epochs", "10", "training epochs (passes over the unlabelled digits)").min(1)
                .option("batch", "100", "unlabelled digits per step (each is 10 rows, one per class)").min(1)
                .option("labelled-batch", "100", "labelled digits per step, cycling through the labelled set (at most"
                        + " --labels)").min(1)
                .option("lr", "0.0003", "Adam learning rate").positive()
                .option("ema-decay", "0", "decay of an exponential moving average of the weights, which then give"
                        + " the validation and test errors, the samples and model.zip (e.g. 0.999); 0: off. Resuming"
                        + " a run trained without it starts the average there").between(0, 1, false, true)
                .option("alpha", "0.1", "weight of the classification loss: alpha N (the paper's 0.1)").atLeast(0)
                .option("hidden", "500", "encoder widths; the decoder mirrors them").eachAtLeast(1)
                .option("classifier", "500", "hidden widths of the classifier q(y|x)").eachAtLeast(1)
                .option("latent", "50", "dimension of z").min(1)
                .option("m1", "", "M1+M2: model.zip of a trained variational-autoencoder (M1); M2 then reads"
                        + " its latent codes (a fresh draw of q(z1|x) at every step, the means for validation and test)"
                        + " with a Gaussian p(z1|y,z) instead of the pixels")
                .option("m1-active", "0.1", "M1+M2: keep the latent dimensions whose posterior mean has a standard"
                        + " deviation above this over 1,000 unlabelled digits (the authors' 0.1)").atLeast(0)
                .option("seed", "12345", "seed of the labelled draw, weights, shuffling and noise").anyInt()
                .option("out", "output/" + name(), "output folder");
    }

    static SemiSupervisedVAE factory(Options o, LabelledImages data) {
        return factory(o, data.pixelCount(), data.numClasses(), M2ObjectiveLayer.Likelihood.BERNOULLI);
    }

    static SemiSupervisedVAE factory(Options o, int inputSize, int numClasses, M2ObjectiveLayer.Likelihood likelihood) {
        int[] hidden = o.integers("hidden");
        int[] classifier = o.integers("classifier");
        if (hidden.length == 0 || classifier.length == 0) {
            throw new CliException("--" + (hidden.length == 0 ? "hidden" : "classifier") + " must list at least one"
                    + " width, got ''");
        }
        return SemiSupervisedVAE.builder()
                .inputSize(inputSize)
                .numClasses(numClasses)
                .likelihood(likelihood)
                .hiddenSizes(hidden)
                .classifierSizes(classifier)
                .latentSize(o.integer("latent"))
                .alpha(o.real("alpha"))
                .updater(new Adam(o.real("lr")))
                .seed(o.integer("seed"))
                .build();
    }

    @Override
    public void run(Options o) throws IOException {
        DataSource source = ExampleData.locate(o);
        LabelledImages all = source.load(Split.TRAIN);
        int validation = o.integer("validation");
        if (validation >= all.count()) {
            throw new CliException("--validation must be below the " + all.count() + " training digits, got "
                    + validation);
        }
        LabelledImages train = validation > 0 ? all.range(0, all.count() - validation) : all;
        LabelledImages val = validation > 0 ? all.range(all.count() - validation, all.count()) : null;
        int labels = o.integer("labels");
        if (labels >= train.count()) {
            throw new CliException("--labels must be below the " + train.count() + " training digits"
                    + (validation > 0 ? " left after --validation " + validation : "") + ", got " + labels);
        }
        int labelledBatch = o.integer("labelled-batch");
        if (labelledBatch > labels) {
            throw new CliException("--labelled-batch must be at most --labels (" + labels + "), got " + labelledBatch);
        }
        long seed = o.integer("seed");
        LabelledImages[] split = train.balancedSplit(labels, seed);
        DataSet labelled = MnistIterator.builder(split[0]).batchSize(labels).shuffle(false).build().next();
        LabelledImages unlabelled = split[1];
        LabelledImages testData = source.load(Split.TEST);
        int epochs = o.integer("epochs");
        int batch = o.integer("batch");
        M1 m1 = M1.load(o, unlabelled);
        SemiSupervisedVAE m2 = m1 == null ? factory(o, train)
                : factory(o, m1.keep.length, train.numClasses(), M2ObjectiveLayer.Likelihood.GAUSSIAN);
        DataSet test = m1 == null ? all(testData) : m1.codes(testData).means();
        DataSet held = val == null ? null : m1 == null ? all(val) : m1.codes(val).means();
        M1Codes labelledCodes = m1 == null ? null : m1.codes(split[0]);
        M1Codes unlabelledCodes = m1 == null ? null : m1.codes(unlabelled);
        Path out = o.path("out");
        Files.createDirectories(out);

        Map<String, String> fingerprint = Checkpoint.fingerprint(o, Set.of());
        double emaDecay = o.real("ema-decay");
        // a checkpoint without an average (trained without --ema-decay) may be continued with one: checked as "0"
        Map<String, String> asked = fingerprint;
        boolean emaStarts = o.path("resume") != null && emaDecay > 0
                && !Files.exists(AtomicFiles.recoverDirectory(o.path("resume")).resolve(EMA));
        if (emaStarts) {
            asked = new java.util.LinkedHashMap<>(fingerprint);
            asked.put("ema-decay", "0");
        }
        Checkpoint resumed = o.path("resume") == null ? null
                : Checkpoint.load(o.path("resume"), name(), asked, Checkpoint.defaults(o), epochs);
        ComputationGraph graph = resumed == null ? Accelerate.init(m2) : resumed.graph(MODEL);
        INDArray ema = emaDecay == 0 ? null : resumed == null || emaStarts ? graph.params().dup()
                : Nd4j.readBinary(resumed.file(EMA).toFile());
        DivergenceGuard guard = new DivergenceGuard(AutoencoderRunner.notSaved(out.resolve("model.zip"))
                + "; try a lower --lr (now " + o.string("lr") + ")");
        graph.setListeners(guard);
        System.out.printf("model %s  params %d  data %s  labelled %d  unlabelled %d  validation %d  test %d  out %s%n",
                m2.name(), graph.numParams(), source.description(), split[0].count(), unlabelled.count(), validation,
                testData.count(), out);
        String simd = Simd.hint("M2 trains about 1.4x faster (its softplus activations in SIMD)");
        if (simd != null) {
            System.out.println(simd);
        }
        if (m1 != null) {
            System.out.printf("M1+M2: M2 on %d of the %d latent dimensions of %s (posterior mean sd > %s), Gaussian"
                    + " p(z1|y,z)%n", m1.keep.length, m1.latent, o.string("m1"), o.string("m1-active"));
        }

        CsvLog csv = new CsvLog(out.resolve("epochs.csv"));
        int first = 1;
        if (resumed != null) {
            first = resumed.epoch() + 1;
            csv.resume(resumed.csv()).flush();
            System.out.println("resumed " + o.path("resume") + " after epoch " + resumed.epoch());
            if (emaStarts) {
                System.out.println("ema-decay " + emaDecay + ": the average starts at epoch " + resumed.epoch()
                        + "'s weights (the checkpoint has none)");
            }
        } else {
            csv.header("epoch,train_loss,val_error,test_error,examples_per_second,seconds");
        }
        EpochEta eta = new EpochEta();
        for (int epoch = first; epoch <= epochs; epoch++) {
            guard.startEpoch(epoch);
            // the epoch's order, labelled cycling and noise from (seed, epoch): a resumed run draws what this one draws
            M2Iterator it = m1 == null ? new M2Iterator(MnistIterator.builder(unlabelled).batchSize(batch)
                    .seed(Checkpoint.epochSeed(seed, epoch, 0)).build(), labelled, unlabelled.count(), m2,
                    labelledBatch, Checkpoint.epochSeed(seed, epoch, 1))
                    : new M2Iterator(unlabelledCodes.epoch(batch, Checkpoint.epochSeed(seed, epoch, 0)),
                    labelledCodes, unlabelled.count(), m2, labelledBatch, Checkpoint.epochSeed(seed, epoch, 1));
            long t0 = System.nanoTime();
            double sum = 0;
            int steps = 0;
            while (it.hasNext()) {
                graph.fit(it.next());
                sum += graph.score();
                steps++;
                if (ema != null) {
                    average(ema, graph.params(), emaDecay, graph.getConfiguration().getIterationCount() - 1);
                }
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            guard.checkParams("parameters", graph.params());
            double trainLoss = sum / steps;
            INDArray live = ema == null ? null : graph.params().dup();
            if (ema != null) {
                graph.setParams(ema);
            }
            ComputationGraph classifier = m2.classifierGraph(graph);
            double valError = held == null ? Double.NaN : error(classifier, held);
            double testError = error(classifier, test);
            if (ema != null) {
                graph.setParams(live);
            }
            double exPerSec = unlabelled.count() / seconds;
            System.out.printf("epoch %3d/%d  train_loss %9.5f  val_error %s  test_error %6.2f%%  examples/s %6.0f"
                    + "  time %6.1fs  %s%n", epoch, epochs, trainLoss, held == null ? "   n/a " : String.format("%6.2f%%",
                    100 * valError), 100 * testError, exPerSec, seconds, eta.after(epochs - epoch));
            csv.printf("%d,%.6f,%.6f,%.6f,%.1f,%.2f", epoch, trainLoss, valError, testError, exPerSec, seconds);
            ComputationGraph done = graph;
            INDArray average = ema;
            Checkpoint.save(Checkpoint.folder(out), name(), epoch, fingerprint, csv.text(), Map.of(), tmp -> {
                Checkpoint.writeGraph(done, tmp.resolve(MODEL));
                if (average != null) {
                    Nd4j.saveBinary(average, tmp.resolve(EMA).toFile());
                }
            });
        }
        csv.flush();
        System.out.println(best(csv.text()));
        if (ema != null) {
            graph.setParams(ema); // model.zip and the samples: the averaged weights, which gave the errors
        }

        Path model = RunRecord.writeModel(Accelerate.toStock(graph), out.resolve("model.zip"), true,
                new RunRecord(name(), m2.name(), o.explicitArgs()));
        System.out.println("wrote " + model);
        if (m1 == null) {
            System.out.println("wrote " + samples(m2, graph, testData, out));
        }
        System.out.println("wrote " + out.resolve("epochs.csv"));
    }

    /**
     * M1 of M1+M2: the encoder {@code x -> [mean | logvar]} of a trained VAE ({@code --m1}) and the latent dimensions
     * kept ({@code --m1-active}, chosen on the first 1,000 unlabelled digits).
     */
    static final class M1 {
        final ComputationGraph zParams;
        final int latent;
        final int[] keep;

        private M1(ComputationGraph zParams, int latent, int[] keep) {
            this.zParams = zParams;
            this.latent = latent;
            this.keep = keep;
        }

        /** The M1 of {@code --m1}, or null without one. */
        static M1 load(Options o, LabelledImages unlabelled) {
            Path file = o.path("m1");
            if (file == null) {
                return null;
            }
            if (!Files.isRegularFile(file)) {
                throw new CliException("--m1 must be the model.zip of a trained variational-autoencoder, got '"
                        + file + "' (no such file)");
            }
            SavedModel saved = SavedModel.load(file);
            if (!saved.command.name().equals("variational-autoencoder")
                    || !saved.graph.getConfiguration().getVertices().containsKey(VAE.Z_PARAMS)) {
                throw new CliException("--m1 must be the model.zip of a trained variational-autoencoder, got '"
                        + file + "' (saved by 'train " + saved.command.name() + "')");
            }
            ComputationGraph zParams = Encoders.extract(saved.graph, "input", VAE.Z_PARAMS);
            long width = zParams.getLayer(VAE.Z_PARAMS).getParam("W").size(1);
            int latent = (int) (width / 2);
            int[] all = java.util.stream.IntStream.range(0, latent).toArray();
            M1Codes first = M1Codes.encode(zParams, MnistIterator.builder(unlabelled.range(0, Math.min(1000,
                    unlabelled.count()))).batchSize(1000).shuffle(false).build(), all);
            int[] keep;
            try {
                keep = M1Codes.activeDimensions(first.mean(), o.real("m1-active"));
            } catch (IllegalArgumentException e) {
                throw new CliException("--m1-active " + o.string("m1-active") + " keeps nothing of " + file + ": "
                        + e.getMessage());
            }
            return new M1(zParams, latent, keep);
        }

        /** The kept posteriors of every digit of {@code data}, in file order, with labels. */
        M1Codes codes(LabelledImages data) {
            return M1Codes.encode(zParams, MnistIterator.builder(data).batchSize(1000).shuffle(false).build(), keep);
        }
    }

    /**
     * The epoch of the lowest validation error (the first of ties) with its test error, from the CSV's rows; the last
     * epoch when the run has no validation set.
     */
    static String best(String csvText) {
        List<String[]> rows = new ArrayList<>();
        for (String line : csvText.split("\n")) {
            if (!line.isEmpty() && Character.isDigit(line.charAt(0))) {
                rows.add(line.split(","));
            }
        }
        String[] chosen = rows.get(rows.size() - 1);
        boolean validated = !Double.isNaN(Double.parseDouble(chosen[2]));
        if (validated) {
            for (String[] r : rows) {
                if (Double.parseDouble(r[2]) < Double.parseDouble(chosen[2])) {
                    chosen = r;
                }
            }
            for (String[] r : rows) { // the first epoch with that error
                if (Double.parseDouble(r[2]) == Double.parseDouble(chosen[2])) {
                    chosen = r;
                    break;
                }
            }
        }
        return String.format("%s epoch %s  val_error %s  test_error %6.2f%%",
                validated ? "best epoch by validation:" : "last epoch (no validation set):", chosen[0],
                validated ? String.format("%6.2f%%", 100 * Double.parseDouble(chosen[2])) : "n/a",
                100 * Double.parseDouble(chosen[3]));
    }

    /**
     * {@code ema = d_t ema + (1 - d_t) params} after update {@code t} (0-based), with the warm-up {@code d_t = min(d,
     * (1 + t) / (10 + t))} (as {@code GanTrainer}'s EMA), in place.
     */
    static void average(INDArray ema, INDArray params, double d, long t) {
        double dt = Math.min(d, (1.0 + t) / (10.0 + t));
        ema.muli(dt).addi(params.mul(1 - dt));
    }

    /** All digits of {@code data} in one DataSet, in file order. */
    private static DataSet all(LabelledImages data) {
        return MnistIterator.builder(data).batchSize(data.count()).shuffle(false).build().next();
    }

    /** The error rate of {@code argmax q(y|x)} on {@code data}. */
    static double error(ComputationGraph classifier, DataSet data) {
        int[] predicted = classifier.outputSingle(false, data.getFeatures()).argMax(1).toIntVector();
        int[] truth = data.getLabels().argMax(1).toIntVector();
        int wrong = 0;
        for (int i = 0; i < truth.length; i++) {
            wrong += predicted[i] != truth[i] ? 1 : 0;
        }
        return wrong / (double) truth.length;
    }

    /** 10 samples per class, one row per class, the same draw however the model was trained. */
    private static Path samples(SemiSupervisedVAE m2, ComputationGraph graph, LabelledImages data, Path out)
            throws IOException {
        INDArray s = m2.sample(m2.decoderGraph(graph), 10, Nd4j.getRandomFactory().getNewRandomInstance(7));
        return ImageGrid.writePng(ImageGrid.tiles(s, data.rows(), data.cols(), 10, 2), out.resolve("samples.png"));
    }

    /** The test error of a saved model, written to {@code metrics.csv}, with its samples. */
    @Override
    public void evaluate(ComputationGraph graph, Options o, Path out) throws IOException {
        DataSource source = ExampleData.locate(o);
        LabelledImages testData = source.load(Split.TEST);
        M1 m1 = null;
        if (o.path("m1") != null) { // M1's kept dimensions from the run's unlabelled digits, drawn as run() drew them
            LabelledImages all = source.load(Split.TRAIN);
            LabelledImages train = all.range(0, all.count() - o.integer("validation"));
            m1 = M1.load(o, train.balancedSplit(o.integer("labels"), o.integer("seed"))[1]);
        }
        SemiSupervisedVAE m2 = m1 == null ? factory(o, testData)
                : factory(o, m1.keep.length, testData.numClasses(), M2ObjectiveLayer.Likelihood.GAUSSIAN);
        ComputationGraph fresh = m2.init();
        for (Map.Entry<String, INDArray> p : fresh.paramTable().entrySet()) {
            INDArray saved = graph.paramTable().get(p.getKey());
            if (saved == null || !java.util.Arrays.equals(saved.shape(), p.getValue().shape())) {
                throw new CliException("the saved model does not match what 'train " + name()
                        + "' builds with its recorded options (parameter " + p.getKey() + ")");
            }
        }
        Files.createDirectories(out);
        double testError = error(m2.classifierGraph(graph), m1 == null ? all(testData) : m1.codes(testData).means());
        System.out.printf("evaluate %s  data %s  test_error %6.2f%%%n", name(), source.description(), 100 * testError);
        new CsvLog(out.resolve("metrics.csv")).header("test_error").row(String.format("%.6f", testError));
        if (m1 == null) {
            System.out.println("wrote " + samples(m2, graph, testData, out));
        }
        System.out.println("wrote " + out.resolve("metrics.csv"));
    }
}
