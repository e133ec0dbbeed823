package org.unsupervisedzoo.examples;

import org.unsupervisedzoo.zoo.fast.Accelerate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Locale;
import java.util.Set;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.preprocessor.NormalizerStandardize;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.unsupervisedzoo.datasets.DataSource;
import org.unsupervisedzoo.datasets.LabelledImages;
import org.unsupervisedzoo.datasets.MnistIterator;
import org.unsupervisedzoo.datasets.Split;
import org.unsupervisedzoo.zoo.core.DivergenceGuard;
import org.unsupervisedzoo.zoo.classifier.LinearProbe;
import org.unsupervisedzoo.zoo.rbm.RBM;
import org.unsupervisedzoo.zoo.rbm.RbmIterator;
import org.unsupervisedzoo.zoo.rbm.RbmTrainer;
import org.unsupervisedzoo.zoo.rbm.RbmLikelihood;
import org.unsupervisedzoo.zoo.rbm.RbmParams;
import org.unsupervisedzoo.zoo.rbm.VisibleUnits;
import org.unsupervisedzoo.zoo.viz.ImageGrid;

/**
 * Restricted Boltzmann machine on MNIST: {@code java -jar unsupervised-zoo-examples.jar rbm [options]}.
 * Defaults are scikit-learn's BernoulliRBM (256 hidden units, PCD-1, SGD 0.1, batch 10) on grey levels as
 * probabilities. One line per epoch:
 * {@code epoch   2/10  pseudo_likelihood -98.123  test_pseudo_likelihood -97.456  recon_error 0.01234
 * examples/s 2345  time 25.6s} (pseudo-likelihood as scikit-learn's {@code score_samples(X).mean()} on the whole
 * training set and on the test set; recon_error the mean squared error per pixel of the mean-field reconstruction
 * on the test set). At the end: the AIS estimate of log Z and the average log-likelihood (nats) of the first
 * {@code --ais-digits} test digits, binarized once (seeded); and the test accuracy of a softmax trained on the
 * hidden probabilities (the encoder graph, frozen) against one trained on raw pixels, with the same optimiser and
 * epochs, and the linear probe on the hidden probabilities (logistic regression at the minimum of its objective,
 * {@link LinearProbe}). Writes {@code filters.png}, {@code samples.png} (Gibbs chains), {@code reconstructions.png},
 * {@code model.zip} and {@code epochs.csv} under {@code --out}.
 */
public final class RbmExample implements ModelCommand {
    @Override
    public String name() {
        return "rbm";
    }

    @Override
    public String description() {
        return "restricted Boltzmann machine (256 hidden, PCD-1): pseudo-likelihood, AIS log-likelihood, features";
    }

    @Override
    public Options options() {
        return declare();
    }

    @Override
    public void run(Options o) throws IOException {
        train(o);
    }

    /** The RBM of a run: its hidden probabilities are the features ({@code --visible bernoulli} only). */
    @Override
    public org.unsupervisedzoo.zoo.core.EncoderModel encoderModel(Options o, LabelledImages data) {
        if (!o.string("visible").equalsIgnoreCase("bernoulli")) {
            throw new CliException("a Gaussian RBM's encoder reads standardized pixels; classifiers here feed raw"
                    + " pixels, so only --visible bernoulli RBMs can be used");
        }
        return factory(o, data);
    }

    /** The RBM the options describe, for data of {@code data}'s size. */
    static RBM factory(Options o, LabelledImages data) {
        VisibleUnits units = VisibleUnits.valueOf(o.string("visible").toUpperCase());
        String chain = o.string("chain");
        return RBM.builder().nVisible(data.pixelCount()).nHidden(o.integer("hidden")).visibleUnits(units)
                .k(o.integer("k")).persistent(chain.equals("pcd")).updater(updater(o, data))
                .l2(o.real("weight-decay")).seed(o.integer("seed")).build();
    }

    /**
     * The updater of {@code --lr}, {@code --lr-schedule}, {@code --momentum} and {@code --momentum-warmup}: plain SGD,
     * or Nesterov momentum (0.5 for the warm-up epochs, then {@code --momentum}, as Hinton's guide); the rate constant
     * or decaying linearly to 0 over the run's updates (Tieleman 2008).
     */
    static org.nd4j.linalg.learning.config.IUpdater updater(Options o, LabelledImages data) {
        double lr = o.real("lr");
        String schedule = o.string("lr-schedule");
        org.nd4j.linalg.schedule.ISchedule rate;
        if (schedule.equals("linear")) {
            int digits = data.count() - o.integer("validation");
            if (o.integer("train-digits") > 0) {
                digits = Math.min(digits, o.integer("train-digits"));
            }
            long steps = (digits + o.integer("batch") - 1L) / o.integer("batch");
            int updates = (int) Math.max(1, Math.min(Integer.MAX_VALUE, steps * o.integer("epochs")));
            rate = new org.nd4j.linalg.schedule.PolySchedule(org.nd4j.linalg.schedule.ScheduleType.ITERATION, lr,
                    1.0, updates);
        } else if (schedule.equals("none")) {
            rate = null;
        } else {
            throw new CliException("--lr-schedule must be none or linear, got '" + schedule + "'");
        }
        double momentum = o.real("momentum");
        int warmup = o.integer("momentum-warmup");
        if (momentum <= 0) {
            return rate == null ? new Sgd(lr) : new Sgd(rate);
        }
        org.nd4j.linalg.schedule.ISchedule mu = warmup <= 0
                ? new org.nd4j.linalg.schedule.FixedSchedule(momentum)
                : new org.nd4j.linalg.schedule.MapSchedule(org.nd4j.linalg.schedule.ScheduleType.EPOCH,
                        java.util.Map.of(0, Math.min(0.5, momentum), warmup, momentum));
        return new org.nd4j.linalg.learning.config.Nesterovs(
                rate == null ? new org.nd4j.linalg.schedule.FixedSchedule(lr) : rate, mu);
    }


    static Options declare() {
        return Checkpoint.declare(ExampleData.declare(new Options()))
                .option("epochs", "10", "training epochs").min(0)
                .option("batch", "10", "minibatch size").min(1)
                .option("lr", "0.1", "SGD learning rate").positive()
                .option("momentum", "0", "Nesterov momentum (0: plain SGD, as scikit-learn)").between(0, 1, false, true)
                .option("momentum-warmup", "0", "epochs at momentum 0.5 before --momentum (Hinton: 5)").min(0)
                .option("lr-schedule", "none", "none (constant --lr) or linear (to 0 over the run, Tieleman 2008)")
                .option("weight-decay", "0", "L2 weight cost on W (Hinton: 1e-4; biases not decayed)")
                        .between(0, 1, false, true)
                .option("centering", "0", "centered RBM (Melchior et al. 2016): the offsets' moving-average rate"
                        + " (PyDeep: 0.01; 0: off); starts at the data mean and 0.5, fused trainer only")
                        .between(0, 1, false, false)
                .option("validation", "0", "hold out the last n training digits and evaluate on them instead of"
                        + " the test set (choose settings there)").min(0)
                .option("ais-seeds", "1", "independent AIS estimates of log Z (mean and spread)").min(1)
                .option("hidden", "256", "hidden units").min(1)
                .option("k", "1", "Gibbs steps per update").min(1)
                .option("chain", "pcd", "pcd (persistent chain, as scikit-learn) or cd")
                .option("visible", "bernoulli", "bernoulli (pixels as probabilities) or gaussian (standardized)")
                .option("train-digits", "0", "train on the first n training digits (0: all)").min(0)
                .option("binarize", "none", "training pixels: none (grey levels) or dynamic (Bernoulli draws)")
                .option("ais-digits", "1000", "test digits for the AIS log-likelihood (0: skip)").min(0)
                .option("ais-runs", "100", "AIS chains").min(1)
                .option("ais-betas", "14500", "AIS intermediate distributions (Salakhutdinov & Murray: 14500)").min(2)
                .option("clf-epochs", "10", "epochs of the softmax classifiers (0: skip)").min(0)
                .option("probe-l2", "1e-4", "L2 weight cost of the linear probe on the features; several,"
                        + " comma-separated, fit one probe each (choose on --validation)").eachBetween(0, 10, false, false)
                .option("load", "", "start from this saved model.zip of the runner (e.g. --epochs 0 to only evaluate it)")
                .option("seed", "12345", "seed of weights, chains and shuffling").anyInt()
                .option("out", "output/rbm", "output folder");
    }

    public static void main(String[] args) throws IOException {
        org.unsupervisedzoo.zoo.core.ZooRuntime.applyDefaults(); // the zoo's thread settings, before ND4J loads
        Options o = declare();
        if (!o.parse(args)) {
            System.out.println("usage: rbm [options]\n" + o.usage());
            return;
        }
        train(o);
    }

    private static Random rng(long seed) {
        return Nd4j.getRandomFactory().getNewRandomInstance(seed);
    }

    /** The graph and the persistent chain in the checkpoint folder. */
    static final String MODEL = "model.zip";
    static final String CHAIN = "chain.bin";
    /** The centered RBM's offsets [mu; lambda] (--centering) in the checkpoint folder. */
    static final String OFFSETS = "offsets.bin";
    /** Options that only measure the trained RBM: they may change when a run is resumed. */
    static final Set<String> RUN_ONLY = Set.of("ais-digits", "ais-runs", "ais-betas", "ais-seeds", "clf-epochs",
            "probe-l2");

    /** Epoch {@code epoch}'s training digits, order and binarization drawn from (seed, epoch). */
    private static MnistIterator epochIterator(LabelledImages data, int batch, long seed,
                                               MnistIterator.Binarization binarize, int subset, int epoch) {
        return MnistIterator.builder(data).batchSize(batch).seed(Checkpoint.epochSeed(seed, epoch, 0))
                .binarization(binarize).subset(subset).build();
    }

    static void train(Options o) throws IOException {
        DataSource source = ExampleData.locate(o);
        LabelledImages allTrain = source.load(Split.TRAIN);
        ExampleData.Held split = ExampleData.held(source, o);
        LabelledImages trainData = split.train();
        LabelledImages testData = split.measured();
        String evalSet = split.validation() ? "validation" : "test";
        int batch = o.integer("batch");
        long seed = o.integer("seed");
        VisibleUnits units = VisibleUnits.valueOf(o.string("visible").toUpperCase());
        String chain = o.string("chain");
        if (!chain.equals("pcd") && !chain.equals("cd")) {
            throw new IllegalArgumentException("--chain must be pcd or cd, got '" + chain + "'");
        }
        MnistIterator.Binarization binarize = ExampleData.binarization(o);
        int subset = o.integer("train-digits");
        MnistIterator train = epochIterator(trainData, batch, seed, binarize, subset, 1);
        DataSet trainSet = MnistIterator.builder(trainData).batchSize(trainData.count()).shuffle(false)
                .subset(subset).build().next();
        INDArray trainAll = trainSet.getFeatures();
        INDArray trainLabels = trainSet.getLabels();
        DataSet testSet = MnistIterator.builder(testData).batchSize(testData.count()).shuffle(false).build().next();
        INDArray testAll = testSet.getFeatures();
        NormalizerStandardize standardize = null;
        if (units == VisibleUnits.GAUSSIAN) {
            standardize = new NormalizerStandardize();
            standardize.fit(new DataSet(trainAll, null));
            train.setPreProcessor(standardize);
            trainAll = standardize(standardize, trainAll);
            testAll = standardize(standardize, testAll);
        }
        Path out = o.path("out");
        Files.createDirectories(out);

        RBM rbm = factory(o, allTrain); // (its rate schedule counts the digits left after --validation)
        int epochs = o.integer("epochs");
        Map<String, String> fingerprint = Checkpoint.fingerprint(o, RUN_ONLY);
        Checkpoint resumed = o.path("resume") == null ? null
                : Checkpoint.load(o.path("resume"), "rbm", fingerprint, Checkpoint.defaults(o), epochs);
        ComputationGraph graph = resumed != null ? resumed.graph(MODEL) : o.path("load") == null ? Accelerate.init(rbm)
                : ModelSerializer.restoreComputationGraph(o.path("load").toFile(), true);
        if (o.path("load") != null && resumed == null) {
            org.deeplearning4j.nn.conf.graph.GraphVertex v = graph.getConfiguration().getVertices().get(RBM.RBM_LAYER);
            Object layer = v instanceof org.deeplearning4j.nn.conf.graph.LayerVertex
                    ? ((org.deeplearning4j.nn.conf.graph.LayerVertex) v).getLayerConf().getLayer() : null;
            if (!(layer instanceof org.unsupervisedzoo.zoo.rbm.RbmLayer)
                    || ((org.unsupervisedzoo.zoo.rbm.RbmLayer) layer).getNHidden() != rbm.nHidden()
                    || ((org.unsupervisedzoo.zoo.rbm.RbmLayer) layer).getNVisible() != rbm.nVisible()
                    || ((org.unsupervisedzoo.zoo.rbm.RbmLayer) layer).getVisibleUnits() != units) {
                throw new IllegalArgumentException("--load " + o.path("load") + " holds a different model than the"
                        + " options describe (check --hidden and --visible)");
            }
        }
        RbmParams params = rbm.params(graph);
        // the fused step where it applies (plain SGD, Bernoulli units: the defaults), else graph.fit on the iterator
        boolean fused = RbmTrainer.unsupported(rbm, graph) == null;
        double centering = o.real("centering");
        if (centering > 0 && !fused) {
            throw new CliException("--centering " + o.string("centering") + " needs the fused trainer, which cannot"
                    + " train this RBM: " + RbmTrainer.unsupported(rbm, graph));
        }
        System.out.printf("model rbm  visible %d %s  hidden %d  %s-%d  sgd %s  batch %d  params %d  data %s  train %d"
                + "  " + evalSet + " %d  trainer %s  out %s%n", rbm.nVisible(), units.name().toLowerCase(), rbm.nHidden(),
                chain.toUpperCase(), rbm.k(), o.string("lr") + (o.real("momentum") > 0 ? " momentum "
                        + o.string("momentum") : "") + (o.string("lr-schedule").equals("none") ? ""
                        : " lr-schedule " + o.string("lr-schedule")) + (o.real("weight-decay") > 0
                        ? " weight-decay " + o.string("weight-decay") : "") + (centering > 0
                        ? " centering " + o.string("centering") : ""), batch, graph.numParams(), source.description(),
                train.numExamples(), testAll.size(0), fused ? "fused" : "graph.fit", out);

        boolean bernoulli = units == VisibleUnits.BERNOULLI;
        // an epoch whose weights or reconstruction error are not finite stops the run before anything is saved
        DivergenceGuard guard = new DivergenceGuard(AutoencoderRunner.notSaved(out.resolve("model.zip"))
                + "; try a lower --lr (now " + o.string("lr") + ")");
        long steps = (train.numExamples() + batch - 1) / batch;
        CsvLog csv = new CsvLog(out.resolve("epochs.csv"))
                .header("epoch,pseudo_likelihood,test_pseudo_likelihood,recon_error,examples_per_second,seconds");
        int first = 1;
        // the persistent chain (PCD) carried from epoch to epoch, and saved in the checkpoint
        INDArray chainState = null;
        // the centered RBM's offsets, carried and saved likewise (a fresh run starts them in its first epoch)
        INDArray offsetState = null;
        if (resumed != null) {
            first = resumed.epoch() + 1;
            csv.resume(resumed.csv()).flush(); // the rows up to the checkpoint, none after it
            if (Files.exists(resumed.file(CHAIN))) {
                chainState = Nd4j.readBinary(resumed.file(CHAIN).toFile());
            }
            if (centering > 0) {
                if (!Files.exists(resumed.file(OFFSETS))) {
                    throw new CliException("--resume " + o.path("resume") + " has no " + OFFSETS
                            + " for --centering");
                }
                offsetState = Nd4j.readBinary(resumed.file(OFFSETS).toFile());
            }
            System.out.println("resumed " + o.path("resume") + " after epoch " + resumed.epoch());
        }
        EpochEta eta = new EpochEta();
        for (int epoch = first; epoch <= epochs; epoch++) {
            guard.startEpoch(epoch);
            // the epoch's order, binarization and Gibbs draws from (seed, epoch), the chain from the last epoch:
            // a resumed run draws what this one draws
            MnistIterator epochTrain = epochIterator(trainData, batch, seed, binarize, subset, epoch);
            if (standardize != null) {
                epochTrain.setPreProcessor(standardize);
            }
            long drawSeed = Checkpoint.epochSeed(seed, epoch, 1);
            long t0 = System.nanoTime();
            if (fused) {
                RbmTrainer trainer = new RbmTrainer(rbm, graph, drawSeed).centering(centering);
                if (rbm.persistent()) {
                    trainer.chain(chainState);
                }
                if (centering > 0) {
                    if (offsetState != null) {
                        trainer.offsets(offsetState);
                    } else if (o.path("load") == null) { // PyDeep's start: mu the data mean, lambda 0.5, biases to match
                        trainer.startCentered(trainAll.mean(0));
                    } else { // a loaded model keeps its biases; the offsets start at the data mean and 0.5
                        trainer.offsets(Nd4j.concat(0, trainAll.mean(0).castTo(DataType.FLOAT).reshape(-1),
                                Nd4j.valueArrayOf(new long[] {rbm.nHidden()}, 0.5f)));
                    }
                }
                trainer.fit(epochTrain);
                chainState = trainer.chain();
                offsetState = centering > 0 ? trainer.offsets() : null;
            } else {
                RbmIterator it = new RbmIterator(epochTrain, rbm, graph, drawSeed);
                if (rbm.persistent()) {
                    it.chain(chainState);
                }
                graph.fit(it);
                chainState = rbm.persistent() ? it.chain() : null;
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            guard.steps(steps);
            guard.checkParams("weights", graph.params());
            double pl = bernoulli ? meanPseudoLikelihood(params, trainAll, rng(seed + 100 + epoch)) : Double.NaN;
            double testPl = bernoulli ? meanPseudoLikelihood(params, testAll, rng(seed + 200 + epoch)) : Double.NaN;
            double recon = params.reconstructionError(testAll);
            if (bernoulli) { // (not measured for Gaussian units, NaN by design)
                guard.check("pseudo_likelihood", pl);
            }
            guard.check("recon_error", recon);
            double rate = train.numExamples() / seconds;
            System.out.printf("epoch %3d/%d  pseudo_likelihood %.3f  test_pseudo_likelihood %.3f  recon_error %.5f"
                    + "  examples/s %6.0f  time %6.1fs  %s%n", epoch, epochs, pl, testPl, recon, rate, seconds,
                    eta.after(epochs - epoch));
            csv.row(String.format("%d,%.6f,%.6f,%.6f,%.1f,%.2f", epoch, pl, testPl, recon, rate, seconds));
            INDArray particles = chainState;
            INDArray offsets = offsetState;
            Checkpoint.save(Checkpoint.folder(out), "rbm", epoch, fingerprint, csv.text(), Map.of(), tmp -> {
                Checkpoint.writeGraph(graph, tmp.resolve(MODEL));
                if (particles != null) {
                    Nd4j.saveBinary(particles, tmp.resolve(CHAIN).toFile());
                }
                if (offsets != null) {
                    Nd4j.saveBinary(offsets, tmp.resolve(OFFSETS).toFile());
                }
            });
        }
        if (epochs == 0) {
            csv.flush(); // --epochs 0 (evaluate a --load model): the header alone, as before
        }

        // the model and its run record in one atomic write (loads in a plain DL4J project), before the evaluations
        Path model = RunRecord.writeModel(Accelerate.toStock(graph), out.resolve("model.zip"), true,
                new RunRecord("rbm", rbm.name(), o.explicitArgs()));
        System.out.println("wrote " + model);

        double figureLl = Double.NaN;
        double figureAcc = Double.NaN;
        double probeAcc = Double.NaN;
        int aisDigits = o.integer("ais-digits");
        if (aisDigits > 0 && bernoulli) {
            long t0 = System.nanoTime();
            int n = Math.min(aisDigits, testData.count());
            INDArray binaryTest = MnistIterator.builder(testData.stochasticallyBinarized(seed + 3)).batchSize(n)
                    .shuffle(false).build().next().getFeatures();
            INDArray base = RbmLikelihood.baseRateBias(trainAll);
            int betas = o.integer("ais-betas");
            int seeds = o.integer("ais-seeds");
            double[] lls = new double[seeds];
            double[] logZs = new double[seeds];
            for (int s = 0; s < seeds; s++) { // seed s = 0 is the single estimate of earlier runs
                long ts = System.nanoTime();
                RbmLikelihood.Estimate z = RbmLikelihood.aisLogZ(params, base, o.integer("ais-runs"),
                        scaledBetas(betas), rng(seed + 4 + 1000L * s));
                logZs[s] = z.logZ;
                lls[s] = RbmLikelihood.averageLogLikelihood(params, binaryTest, z.logZ);
                System.out.printf("ais log_z %.3f  (3 s.e. %.3f .. %.3f)  %s_loglik %.3f nats  digits %d  runs %d"
                        + "  betas %d  ais_seed %d  time %.1fs%n", z.logZ, z.logZLow, z.logZHigh, evalSet, lls[s], n,
                        z.runs, z.betas, s, (System.nanoTime() - ts) / 1e9);
            }
            double meanZ = java.util.Arrays.stream(logZs).average().orElse(Double.NaN);
            double sdZ = seeds > 1 ? Math.sqrt(java.util.Arrays.stream(logZs).map(x -> (x - meanZ) * (x - meanZ))
                    .sum() / (seeds - 1)) : 0;
            figureLl = java.util.Arrays.stream(lls).average().orElse(Double.NaN);
            if (seeds > 1) {
                System.out.printf("ais over %d seeds: log_z mean %.3f  sd %.3f  range %.3f .. %.3f  %s_loglik mean"
                        + " %.3f nats  range %.3f .. %.3f  time %.1fs%n", seeds, meanZ, sdZ,
                        java.util.Arrays.stream(logZs).min().getAsDouble(),
                        java.util.Arrays.stream(logZs).max().getAsDouble(), evalSet, figureLl,
                        java.util.Arrays.stream(lls).min().getAsDouble(),
                        java.util.Arrays.stream(lls).max().getAsDouble(), (System.nanoTime() - t0) / 1e9);
            }
        }

        int clfEpochs = o.integer("clf-epochs");
        if (clfEpochs > 0) {
            long t0 = System.nanoTime();
            ComputationGraph onHidden = rbm.classifierGraph(graph, trainData.numClasses(), new Adam(1e-3));
            ComputationGraph onPixels = pixelClassifier(trainData.pixelCount(), trainData.numClasses(), seed);
            MnistIterator clfTrain = MnistIterator.builder(trainData).batchSize(100).seed(seed + 5).subset(subset)
                    .build();
            if (standardize != null) {
                clfTrain.setPreProcessor(standardize);
            }
            for (int e = 0; e < clfEpochs; e++) {
                clfTrain.reset();
                onHidden.fit(clfTrain);
                clfTrain.reset();
                onPixels.fit(clfTrain);
            }
            INDArray labels = testSet.getLabels();
            double accHidden = accuracy(onHidden, testAll, labels);
            double accPixels = accuracy(onPixels, testAll, labels);
            System.out.printf("softmax on hidden_probabilities %s_accuracy %.4f  on raw_pixels %s_accuracy %.4f"
                    + "  epochs %d  time %.1fs%n", evalSet, accHidden, evalSet, accPixels, clfEpochs,
                    (System.nanoTime() - t0) / 1e9);
            figureAcc = accHidden;
            // the same features, logistic regression at the minimum of its objective (LinearProbe, L-BFGS)
            t0 = System.nanoTime();
            ComputationGraph encoder = rbm.encoderGraph(graph);
            DataSet trainFeatures = new DataSet(encoder.outputSingle(false, trainAll), trainLabels);
            DataSet evalFeatures = new DataSet(encoder.outputSingle(false, testAll), labels);
            double[] l2s = o.reals("probe-l2");
            for (double l2 : l2s) { // the figure: the last one (a list is for choosing on --validation)
                LinearProbe.Result probe = new LinearProbe().l2(l2).onFeatures(trainFeatures, evalFeatures);
                System.out.printf(Locale.ROOT, "linear_probe on hidden_probabilities l2 %s  %s_accuracy %.4f"
                        + "  train_accuracy %.4f  objective %.6f  lbfgs_iterations %d  time %.1fs%n", l2, evalSet,
                        probe.testAccuracy, probe.trainAccuracy, probe.trainObjective, probe.iterations,
                        (System.nanoTime() - t0) / 1e9);
                probeAcc = probe.testAccuracy;
                t0 = System.nanoTime();
            }
        }
        if (!Double.isNaN(figureLl) || !Double.isNaN(figureAcc)) { // issue 19's targets, on the set evaluated
            System.out.printf("figure: %s log-likelihood %s (target >= -90 nats), softmax on features %s error %s"
                    + " (target <= 1.8%%)%s%n", evalSet, Double.isNaN(figureLl) ? "not measured"
                    : String.format("%.2f nats", figureLl), evalSet, Double.isNaN(figureAcc) ? "not measured"
                    : String.format("%.2f%%", 100 * (1 - figureAcc)), Double.isNaN(probeAcc) ? ""
                    : String.format(", linear probe %.2f%%", 100 * (1 - probeAcc)));
        }

        for (Path p : pictures(rbm, params, testAll, out, seed, standardize)) {
            System.out.println("wrote " + p);
        }
        System.out.println("wrote " + out.resolve("epochs.csv"));
    }

    private static INDArray standardize(NormalizerStandardize n, INDArray x) {
        DataSet ds = new DataSet(x.dup(), null);
        n.preProcess(ds);
        return ds.getFeatures();
    }

    private static double meanPseudoLikelihood(RbmParams p, INDArray x, Random rng) {
        double total = 0;
        long n = x.size(0);
        for (long start = 0; start < n; start += 10000) {
            long end = Math.min(n, start + 10000);
            INDArray part = x.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(start, end),
                    org.nd4j.linalg.indexing.NDArrayIndex.all());
            total += p.pseudoLikelihood(part, rng).sumNumber().doubleValue();
        }
        return total / n;
    }

    /** Salakhutdinov & Murray's three-piece schedule scaled to {@code n} intermediate distributions. */
    static double[] scaledBetas(int n) {
        if (n < 3) {
            throw new IllegalArgumentException("--ais-betas must be at least 3, got " + n);
        }
        int n1 = Math.max(1, (int) Math.round(n * 500.0 / 14500));
        int n2 = Math.max(1, (int) Math.round(n * 4000.0 / 14500));
        return RbmLikelihood.piecewiseBetas(n1, n2, Math.max(1, n - n1 - n2));
    }

    private static ComputationGraph pixelClassifier(int nIn, int classes, long seed) {
        ComputationGraph g = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(seed).updater(new Adam(1e-3))
                .graphBuilder().addInputs(RBM.INPUT).setInputTypes(InputType.feedForward(nIn))
                .addLayer(RBM.CLASSIFIER, new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(classes)
                        .activation(Activation.SOFTMAX).build(), RBM.INPUT)
                .setOutputs(RBM.CLASSIFIER).build());
        g.init();
        return g;
    }

    private static double accuracy(ComputationGraph g, INDArray x, INDArray labels) {
        Evaluation eval = new Evaluation(labels.columns());
        eval.eval(labels, g.outputSingle(false, x));
        return eval.accuracy();
    }

    static List<Path> pictures(RBM rbm, RbmParams params, INDArray test, Path out, long seed,
                               NormalizerStandardize standardize) throws IOException {
        List<Path> written = new ArrayList<>();
        written.add(ImageGrid.writePng(ImageGrid.filters(params.weights(), 28, 28, Math.min(100, rbm.nHidden()), 10,
                2), out.resolve("filters.png")));
        INDArray digits = test.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 20),
                org.nd4j.linalg.indexing.NDArrayIndex.all());
        written.add(ImageGrid.writePng(ImageGrid.comparison(shown(digits, standardize),
                shown(params.reconstruct(digits), standardize), 28, 28, 10, 2), out.resolve("reconstructions.png")));
        // 10 Gibbs chains started at test digits; rows: the visible means after 0, 1, 3, 10, ... 1000 steps
        int[] snapshots = {0, 1, 3, 10, 30, 100, 300, 1000};
        Random r = rng(seed + 6);
        INDArray v = test.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(20, 30),
                org.nd4j.linalg.indexing.NDArrayIndex.all()).dup();
        List<INDArray> rows = new ArrayList<>();
        int done = 0;
        for (int s : snapshots) {
            if (s > 0) {
                v = params.gibbs(v, s - done, r);
                done = s;
            }
            rows.add(shown(s == 0 ? v : params.visibleMean(params.sampleHidden(v, r)), standardize));
        }
        written.add(ImageGrid.writePng(ImageGrid.tiles(Nd4j.vstack(rows.toArray(new INDArray[0])), 28, 28, 10, 2),
                out.resolve("samples.png")));
        return written;
    }

    /** Pixels in [0,1] for a picture (undoing the standardization of the Gaussian variant). */
    private static INDArray shown(INDArray x, NormalizerStandardize standardize) {
        if (standardize == null) {
            return x;
        }
        INDArray back = x.dup();
        standardize.revertFeatures(back);
        return org.nd4j.linalg.ops.transforms.Transforms.min(org.nd4j.linalg.ops.transforms.Transforms.max(back, 0.0,
                false), 1.0, false);
    }
}
