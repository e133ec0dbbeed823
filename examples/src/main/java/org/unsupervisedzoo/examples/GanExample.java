package org.unsupervisedzoo.examples;

import org.unsupervisedzoo.zoo.fast.Accelerate;
import org.unsupervisedzoo.zoo.fast.DataParallel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.unsupervisedzoo.datasets.DataSource;
import org.unsupervisedzoo.datasets.LabelledImages;
import org.unsupervisedzoo.datasets.MnistIterator;
import org.unsupervisedzoo.datasets.Split;
import org.unsupervisedzoo.zoo.core.AtomicFiles;
import org.unsupervisedzoo.zoo.gan.SampleQuality;
import org.unsupervisedzoo.zoo.gan.Dcgan;
import org.unsupervisedzoo.zoo.gan.GanFactory;
import org.unsupervisedzoo.zoo.gan.GanTrainer;
import org.unsupervisedzoo.zoo.gan.MlpGan;
import org.unsupervisedzoo.zoo.viz.Charts;
import org.unsupervisedzoo.zoo.viz.ImageGrid;
import org.nd4j.linalg.learning.config.Adam;

/**
 * Trains an MLP GAN or a DCGAN (optionally conditional) on MNIST with {@link GanTrainer} and judges the samples
 * with a LeNet classifier ({@code --classifier}, trained and saved first if the file is missing).
 *
 * <p>The epoch line: {@code epoch   3/10  D(x) 0.6123  D(G(z)) 0.3012  loss_d 1.12345  loss_g 1.23456  IS 8.123
 * FID 12.3456  min_share 0.0712  collapse -  examples/s 1234  time 12.3s}, where {@code examples/s} counts real
 * training digits and {@code time} is the training time (the measures take {@code eval_time}, in the CSV). A
 * conditional GAN adds {@code class_acc}, the share of samples the classifier assigns to the class asked for.
 * Writes under {@code --out}: {@code samples-epoch-NNN.png} (the fixed noise each epoch; conditional: one row per
 * class), {@code losses.png}, {@code discriminator.png} (D(x), D(G(z))), {@code digits.png} (the digit histogram
 * of the last epoch's samples, collapsed digits in red), {@code epochs.csv}, {@code generator.zip} and the
 * checkpoint folder {@code checkpoint/} that {@code --resume} continues from.
 *
 * <p>Stability options ({@link GanTrainer}'s class comment): {@code --real-label 0.9} (one-sided label smoothing),
 * {@code --ema-decay d} (an exponential moving average of G's weights; the sample grids, IS/FID and {@code
 * generator.zip} then come from it), {@code --instance-noise s --instance-noise-epochs e} (Gaussian noise on D's
 * inputs, falling linearly to 0 over e epochs). All off by default, as in the recipe the measured figures used.
 */
public final class GanExample {
    private GanExample() {
    }

    /** The four GAN train commands: {@code mlp-gan}, {@code conditional-mlp-gan}, {@code dcgan}, {@code conditional-dcgan}. */
    static ModelCommand command(String model, boolean conditional) {
        String name = name(model, conditional);
        String description = (conditional ? "conditional " : "") + (model.equals("mlp") ? "MLP GAN" : "DCGAN")
                + (conditional ? " (the class label fed to G and D)" : "") + ", judged by the lenet classifier";
        return ModelCommand.of(name, description, () -> options(model, conditional), GanExample::run);
    }

    /** The train command's (and the catalog's) name of a GAN. */
    static String name(String model, boolean conditional) {
        return (conditional ? "conditional-" : "") + (model.equals("mlp") ? "mlp-gan" : "dcgan");
    }

    static final String AUTO_WORKERS_HELP = "2 for the DCGAN on 2 or more cores, else 1 (measured, BENCHMARKS.md)";

    /**
     * The D step's workers that {@code --workers auto} gives: two for the DCGAN where there are two cores (its
     * convolutions make a D step long enough to split; measured, BENCHMARKS.md "Two cores"), one otherwise.
     */
    static int autoWorkers(String model, int cores) {
        return model.equals("dcgan") && cores >= 2 ? 2 : 1;
    }

    /** The options of the GAN {@code model} ("mlp" or "dcgan"), conditional or not. */
    static Options options(String model, boolean conditional) {
        if (!model.equals("mlp") && !model.equals("dcgan")) {
            throw new IllegalArgumentException("model must be mlp or dcgan, got '" + model + "'");
        }
        Options o = ExampleData.declare(new Options())
                .fixed("model", model)
                .fixed("conditional", String.valueOf(conditional))
                .option("epochs", "10", "training epochs (in total, when resuming)").min(1)
                .option("batch", "64", "real digits per D step").min(1)
                .option("lr", "0.0002", "Adam learning rate (beta1 0.5) of G and D").positive()
                .option("seed", "12345", "seed of weights, noise and data order").anyInt()
                .option("d-steps", "1", "D steps per round").min(1)
                .option("g-steps", "1", "G steps per round").min(1)
                .option("real-label", "1.0", "D's target for real digits; 0.9 is one-sided label smoothing").between(0.5, 1, true, false)
                .option("ema-decay", "0", "decay of a moving average of G's weights used for the samples, IS/FID"
                        + " and generator.zip (e.g. 0.999); 0: off, as in the published recipe").between(0, 1, false, true)
                .option("instance-noise", "0", "std of Gaussian noise on the images D sees (pixels in [-1, 1]),"
                        + " annealed linearly to 0; 0: off").atLeast(0)
                .option("instance-noise-epochs", "10", "epochs over which --instance-noise falls to 0").min(1)
                .option("noise", "100", "noise size").min(1)
                .option("workers", "auto", "threads that train each D step together, one part of its real and fake"
                        + " images each (synchronous data parallelism, the same step); auto: " + AUTO_WORKERS_HELP);
        if (model.equals("mlp")) {
            o.option("g-hidden", "256,512", "G's hidden widths").eachAtLeast(1)
                    .option("d-hidden", "512,256", "D's hidden widths").eachAtLeast(1);
        } else {
            o.option("filters", "32,64", "D's filters (G mirrors them)").eachAtLeast(1)
                    .option("generator-filters", "", "G's filters, as many as --filters and listed the same way"
                            + " (empty: G mirrors D's)").eachAtLeast(1);
        }
        if (conditional) {
            o.option("projection", "false", "true: a projection discriminator (the label meets D's last features,"
                    + " Miyato and Koyama 2018) instead of the label joined to D's input")
                    .option("auxiliary-classifier", "false", "true: D also classifies every image it sees and G is"
                            + " trained to be classified as the digit asked (AC-GAN, Odena et al. 2017); needs"
                            + " --projection true");
        }
        String name = name(model, conditional);
        return o.option("train-subset", "0", "train on the first n digits only (0: all)").min(0)
                .option("eval-samples", "5000", "generated digits judged per epoch").min(1)
                .option("final-samples", "10000", "generated digits judged after the last epoch (the final line)").min(1)
                .option("threshold", "0.05", "a digit with a smaller share of the samples is flagged as collapsed").between(0, 1, false, false)
                .option("classifier", MnistClassifierExample.DEFAULT_MODEL, "LeNet judge ('train lenet'); trained and saved if missing")
                .option("classifier-epochs", "2", "epochs if the judge must be trained").min(1)
                .option("resume", "", "checkpoint folder to continue from (e.g. output/" + name + "/checkpoint)")
                .option("out", "output/" + name, "output folder");
    }

    public static void main(String[] args) throws IOException {
        org.unsupervisedzoo.zoo.core.ZooRuntime.applyDefaults(); // the zoo's thread settings, before ND4J loads
        String model = args.length > 0 && !args[0].startsWith("-") ? args[0] : "mlp";
        if (args.length > 0 && !args[0].startsWith("-")) {
            args = java.util.Arrays.copyOfRange(args, 1, args.length);
        }
        Options o = options(model, false);
        if (!o.parse(args)) {
            System.out.println("usage: gan [mlp|dcgan] [options]\n" + o.usage());
            return;
        }
        run(o);
    }

    static GanFactory factory(Options o) {
        boolean conditional = o.bool("conditional");
        int classes = conditional ? 10 : 0;
        // declared for the conditional GANs only
        boolean projection = conditional && o.bool("projection");
        boolean auxiliary = conditional && o.bool("auxiliary-classifier");
        if (auxiliary && !projection) {
            throw new CliException("--auxiliary-classifier true needs --projection true (with the label at D's input"
                    + " the class head could read the label instead of the image)");
        }
        switch (o.string("model")) {
            case "mlp":
                return MlpGan.builder().noiseSize(o.integer("noise")).conditional(classes)
                        .generatorSizes(o.integers("g-hidden")).discriminatorSizes(o.integers("d-hidden"))
                        .projection(projection).auxiliaryClassifier(auxiliary)
                        .updater(new Adam(o.real("lr"), 0.5, 0.999, 1e-8)).seed(o.integer("seed")).build();
            case "dcgan":
                return Dcgan.builder().noiseSize(o.integer("noise")).conditional(classes).filters(o.integers("filters"))
                        .generatorFilters(o.string("generator-filters").isEmpty() ? null
                                : o.integers("generator-filters"))
                        .projection(projection).auxiliaryClassifier(auxiliary)
                        .updater(new Adam(o.real("lr"), 0.5, 0.999, 1e-8)).seed(o.integer("seed")).build();
            default:
                throw new IllegalArgumentException("--model must be mlp or dcgan, got '" + o.string("model") + "'");
        }
    }

    static void run(Options o) throws IOException {
        GanFactory gan = factory(o);
        DataSource source = ExampleData.locate(o);
        LabelledImages trainData = source.load(Split.TRAIN);
        LabelledImages testData = source.load(Split.TEST);
        Path out = o.path("out");
        Files.createDirectories(out);

        // the judge
        Path classifierFile = o.path("classifier");
        ComputationGraph judge;
        if (Files.exists(classifierFile)) {
            judge = ModelSerializer.restoreComputationGraph(classifierFile.toFile(), false);
        } else {
            System.out.println("classifier " + classifierFile + " not found: training it");
            judge = MnistClassifierExample.train(source, o.integer("classifier-epochs"), 64, 1e-3, o.integer("seed"),
                    classifierFile);
        }
        SampleQuality.Gaussian testGaussian = SampleQuality.Gaussian.fit(
                MnistClassifierExample.report(judge, trainData, testData).features);
        int testCount = testData.count();

        // the data, flat, in [0, 1]
        DataSet train = MnistIterator.builder(trainData).batchSize(trainData.count()).shuffle(false)
                .subset(o.integer("train-subset")).build().next();
        INDArray images = train.getFeatures();
        INDArray labels = gan.conditional() ? train.getLabels() : null;

        // the trainer, fresh or resumed
        GanTrainer trainer;
        // the options that make the model and its data, kept in the checkpoint: another GAN or other options are refused
        java.util.Map<String, String> fingerprint = Checkpoint.fingerprint(o, RUN_ONLY);
        if (o.path("resume") != null) {
            Path dir = o.path("resume");
            if (!Files.isRegularFile(AtomicFiles.recoverDirectory(dir).resolve("trainer.properties"))) {
                throw new CliException("--resume " + dir + ": no GAN checkpoint there (no trainer.properties); a"
                        + " gan run writes one to <out>/checkpoint after every epoch");
            }
            java.util.Map<String, String> saved = new java.util.TreeMap<>(GanTrainer.runProperties(dir));
            Checkpoint.addedAtDefault(saved, fingerprint, Checkpoint.defaults(o));
            String kind = saved.remove(KIND);
            if (kind != null && !kind.equals(gan.name())) {
                throw new CliException("--resume " + dir + " is a checkpoint of a " + kind + ", this run trains a "
                        + gan.name());
            }
            if (kind != null) {
                Checkpoint.check(dir, saved, fingerprint);
            }
            trainer = GanTrainer.restore(dir, Accelerate::speedUp);
            if (trainer.numClasses() != gan.numClasses() || trainer.noiseSize() != gan.noiseSize()) {
                throw new IllegalArgumentException("checkpoint " + o.path("resume") + " holds a GAN with " +
                        trainer.numClasses() + " classes and noise " + trainer.noiseSize() + ", not the one asked for");
            }
            System.out.println("resumed " + o.path("resume") + " after epoch " + trainer.epoch());
        } else {
            // the noise anneals over whole epochs of full minibatches (an epoch skips the last partial one)
            long perEpoch = Math.max(1, images.size(0) / o.integer("batch"));
            trainer = GanTrainer.builder(gan).batchSize(o.integer("batch")).dSteps(o.integer("d-steps"))
                    .gSteps(o.integer("g-steps")).realLabel(o.real("real-label")).emaDecay(o.real("ema-decay"))
                    .instanceNoise(o.real("instance-noise"))
                    .instanceNoiseSteps((int) Math.min(Integer.MAX_VALUE, o.integer("instance-noise-epochs") * perEpoch))
                    .seed(o.integer("seed")).graphs(Accelerate::init).build();
        }
        int workers = o.workers("workers", autoWorkers(o.string("model"), Runtime.getRuntime().availableProcessors()));
        if (workers > 1) {
            trainer.discriminatorFit(new DataParallel(trainer.discriminator(), workers, o.integer("seed")));
            System.out.println("D steps on " + workers + " workers (synchronous data parallelism, --workers)");
        }
        System.out.printf("model %s  params G %d  D %d  data %s  train %d  test %d  out %s%s%n", gan.name(),
                trainer.generator().numParams(), trainer.discriminator().numParams(), source.description(),
                images.size(0), testCount, out, stability(trainer));

        int epochs = o.integer("epochs");
        int evalSamples = o.integer("eval-samples");
        double threshold = o.real("threshold");
        Path csvFile = out.resolve("epochs.csv");
        List<double[]> history = readHistory(csvFile, trainer.epoch());
        // written whole after every row, never truncated: a resumed run keeps the rows up to its checkpoint (a row
        // written after the checkpoint, by a run killed before its next checkpoint, is dropped)
        CsvLog csv = new CsvLog(csvFile);
        String header = "epoch,d_real,d_fake,loss_d,loss_g,inception_score,inception_score_std,fid,min_share,"
                + "collapsed,class_acc,examples_per_second,seconds,eval_seconds";
        if (trainer.epoch() == 0) { // a new run: the header waits for the first row
            csv.header(header);
        } else if (!Files.exists(csvFile)) { // resumed into a new folder: its rows start after the checkpoint
            csv.header(header).flush();
        } else {
            StringBuilder kept = new StringBuilder();
            for (String line : Files.readAllLines(csvFile)) {
                if (line.startsWith("epoch") || (!line.isBlank()
                        && Integer.parseInt(line.substring(0, line.indexOf(','))) <= trainer.epoch())) {
                    kept.append(line).append('\n');
                }
            }
            csv.resume(kept.toString()).flush();
        }
        long[] last = {System.nanoTime()};
        trainer.setProgress((done, total) -> {
            if (System.nanoTime() - last[0] > 30e9 && done < total) {
                System.out.printf("  epoch %d  %3.0f%% (%d/%d minibatches)%n", trainer.epoch() + 1, 100.0 * done / total,
                        done, total);
                last[0] = System.nanoTime();
            }
        });
        SampleQuality.ModeCoverage coverage = null;
        while (trainer.epoch() < epochs) {
            GanTrainer.EpochStats s = trainer.fitEpoch(images, labels);
            long t0 = System.nanoTime();
            Measures m = measure(trainer, judge, testGaussian, evalSamples, threshold, s.epoch);
            double[] is = m.is;
            double fid = m.fid;
            coverage = m.coverage;
            double classAcc = m.classAcc;
            boolean conditional = gan.conditional();
            double evalSeconds = (System.nanoTime() - t0) / 1e9;
            StringBuilder line = new StringBuilder(String.format("epoch %3d/%d  D(x) %.4f  D(G(z)) %.4f  loss_d %.5f"
                    + "  loss_g %.5f  IS %.3f  FID %.4f  min_share %.4f  collapse %s", s.epoch, epochs, s.dReal,
                    s.dFake, s.lossD, s.lossG, is[0], fid, coverage.minShare(),
                    coverage.modeCollapse() ? coverage.collapsed.toString().replace(" ", "") : "-"));
            if (conditional) {
                line.append(String.format("  class_acc %.4f", classAcc));
            }
            line.append(String.format("  examples/s %6.0f  time %6.1fs", s.examplesPerSecond(), s.seconds));
            System.out.println(line);
            csv.printf("%d,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f,%d,%s,%.1f,%.2f,%.2f", s.epoch, s.dReal,
                    s.dFake, s.lossD, s.lossG, is[0], is[1], fid, coverage.minShare(), coverage.collapsed.size(),
                    Double.isNaN(classAcc) ? "" : String.format("%.6f", classAcc), s.examplesPerSecond(),
                    s.seconds, evalSeconds);
            history.add(new double[] {s.dReal, s.dFake, s.lossD, s.lossG});
            ImageGrid.writePng(ImageGrid.tiles(trainer.fixedSamples(), 28, 28, 10, 2),
                    out.resolve(String.format("samples-epoch-%03d.png", s.epoch)));
            java.util.Map<String, String> run = new java.util.TreeMap<>(fingerprint);
            run.put(KIND, gan.name());
            trainer.save(out.resolve("checkpoint"), run);
        }

        // the final measures, on more samples
        Measures fin = measure(trainer, judge, testGaussian, o.integer("final-samples"), threshold, 1_000_000L);
        System.out.printf("final epoch %d  samples %d  IS %.3f +- %.3f  FID %.4f  min_share %.4f  collapse %s%s"
                + "  shares %s%n", trainer.epoch(), fin.samples, fin.is[0], fin.is[1], fin.fid, fin.coverage.minShare(),
                fin.coverage.modeCollapse() ? fin.coverage.collapsed.toString().replace(" ", "") : "-",
                Double.isNaN(fin.classAcc) ? "" : String.format("  class_acc %.4f", fin.classAcc),
                Arrays.toString(Arrays.stream(fin.coverage.shares).map(v -> Math.round(v * 1000) / 1000.0).toArray()));
        coverage = fin.coverage;

        // pictures and the generator
        double[][] cols = new double[4][history.size()];
        for (int i = 0; i < history.size(); i++) {
            for (int k = 0; k < 4; k++) {
                cols[k][i] = history.get(i)[k];
            }
        }
        List<Path> written = new ArrayList<>();
        written.add(ImageGrid.writePng(Charts.lines(gan.name() + ": losses per epoch", "epoch",
                new String[] {"loss_d", "loss_g"}, new double[][] {cols[2], cols[3]}, 560, 360),
                out.resolve("losses.png")));
        written.add(ImageGrid.writePng(Charts.lines(gan.name() + ": mean D output per epoch", "epoch",
                new String[] {"D(x)", "D(G(z))"}, new double[][] {cols[0], cols[1]}, 560, 360),
                out.resolve("discriminator.png")));
        if (coverage != null) {
            written.add(ImageGrid.writePng(Charts.bars(gan.name() + ": share of samples per digit (threshold "
                    + threshold + ")", coverage.shares, threshold, 560, 300), out.resolve("digits.png")));
        }
        Path generator = out.resolve("generator.zip");
        RunRecord.writeModel(trainer.samplingGenerator(), generator, false, new RunRecord(name(o.string("model"), o.bool("conditional")), gan.name(),
                o.explicitArgs()));
        written.add(generator);
        written.add(out.resolve("checkpoint"));
        written.add(csvFile);
        for (Path p : written) {
            System.out.println("wrote " + p);
        }
    }

    /** "  ema-decay d  instance-noise s over n D steps" for the settings that are on; "" when both are off. */
    static String stability(GanTrainer t) {
        return (t.emaDecay() > 0 ? "  ema-decay " + t.emaDecay() : "") + (t.instanceNoise() > 0 ? "  instance-noise "
                + t.instanceNoise() + " over " + t.instanceNoiseSteps() + " D steps" : "");
    }

    /** The model kind's key among the run properties of a checkpoint. */
    private static final String KIND = "kind";
    /** Options that only judge the samples: they may change when a run is resumed. */
    static final java.util.Set<String> RUN_ONLY = java.util.Set.of("eval-samples", "final-samples", "threshold",
            "classifier", "classifier-epochs", "workers"); // workers: the same D step up to the order of float sums

    /** The measures of one batch of generated digits. */
    static final class Measures {
        double[] is;
        double fid;
        SampleQuality.ModeCoverage coverage;
        double classAcc = Double.NaN;
        long samples;
    }

    /**
     * Judges {@code n} fresh samples (stream {@code stream}): unconditional, noise only; conditional, n/10 of each
     * class, with the share classified as the class asked for.
     */
    static Measures measure(GanTrainer trainer, ComputationGraph judge, SampleQuality.Gaussian testGaussian,
                            int evalSamples, double threshold, long stream) {
        Measures m = new Measures();
        INDArray samples;
        if (trainer.numClasses() > 0) {
            List<INDArray> parts = new ArrayList<>();
            int per = Math.max(1, evalSamples / 10);
            for (int d = 0; d < 10; d++) {
                parts.add(trainer.sampleClass(per, d, stream).reshape(per, 784));
            }
            // interleaved (0, 1, ..., 9, 0, 1, ...): the Inception Score's splits are contiguous, and splits of
            // one class each would score about 1
            int[] rows = interleaved(per, 10);
            samples = Nd4j.vstack(parts.toArray(new INDArray[0])).getRows(rows);
            int[] a = new int[rows.length];
            for (int i = 0; i < a.length; i++) {
                a[i] = rows[i] / per;
            }
            SampleQuality.Judged j = SampleQuality.judge(judge, samples);
            m.classAcc = SampleQuality.accuracy(j.probabilities, a);
            fill(m, j, testGaussian, threshold);
        } else {
            samples = trainer.sample(evalSamples, stream);
            fill(m, SampleQuality.judge(judge, samples), testGaussian, threshold);
        }
        m.samples = samples.size(0);
        return m;
    }

    /**
     * Row order that interleaves {@code classes} blocks of {@code per} rows (block c = class c): row i of the result is
     * row {@code (i % classes) * per + i / classes} of the blocks.
     */
    static int[] interleaved(int per, int classes) {
        int[] rows = new int[per * classes];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = (i % classes) * per + i / classes;
        }
        return rows;
    }

    private static void fill(Measures m, SampleQuality.Judged j, SampleQuality.Gaussian testGaussian, double threshold) {
        m.is = SampleQuality.inceptionScore(j.probabilities, 10);
        m.fid = SampleQuality.frechetDistance(SampleQuality.Gaussian.fit(j.features), testGaussian);
        m.coverage = SampleQuality.modeCoverage(j.probabilities, threshold);
    }

    /** Rows of an earlier run's CSV (for the curves of a resumed run): [d_real, d_fake, loss_d, loss_g]. */
    private static List<double[]> readHistory(Path csv, int epochs) throws IOException {
        List<double[]> rows = new ArrayList<>();
        if (epochs == 0 || !Files.exists(csv)) {
            return rows;
        }
        for (String line : Files.readAllLines(csv)) {
            if (line.startsWith("epoch") || line.isBlank()) {
                continue;
            }
            String[] f = line.split(",");
            if (Integer.parseInt(f[0]) <= epochs) {
                rows.add(new double[] {Double.parseDouble(f[1]), Double.parseDouble(f[2]), Double.parseDouble(f[3]),
                        Double.parseDouble(f[4])});
            }
        }
        return rows;
    }
}
