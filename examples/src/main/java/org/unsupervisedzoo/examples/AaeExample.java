package org.unsupervisedzoo.examples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;
import org.unsupervisedzoo.datasets.DataSource;
import org.unsupervisedzoo.datasets.LabelledImages;
import org.unsupervisedzoo.datasets.MnistIterator;
import org.unsupervisedzoo.datasets.Split;
import org.unsupervisedzoo.zoo.aae.AaeTrainer;
import org.unsupervisedzoo.zoo.aae.AdversarialAutoencoder;
import org.unsupervisedzoo.zoo.aae.Prior;
import org.unsupervisedzoo.zoo.autoencoder.ReconstructionMetrics;
import org.unsupervisedzoo.zoo.core.EncoderModel;
import org.unsupervisedzoo.zoo.fast.Accelerate;
import org.unsupervisedzoo.zoo.viz.ImageGrid;
import org.unsupervisedzoo.zoo.viz.ScatterPlot;

/**
 * Adversarial autoencoder on MNIST: the three phases per minibatch ({@link AaeTrainer}), one line per epoch
 * ({@code epoch   3/10  recon 98.123  loss_d 1.2345  loss_g 0.7890  D(prior) 0.512  D(code) 0.488  test_bce 0.1012
 * code_gap 0.123  examples/s   4321  time   9.8s}: the training means of the reconstruction loss per digit, D's
 * loss, the generator phase's loss and D's outputs; the test set's BCE per pixel; and, for the Gaussian prior, the
 * largest gap between the test codes' per-dimension mean or standard deviation and N(0, 1)'s). Writes under
 * {@code --out}: {@code model.zip} (the autoencoder, in DL4J's classes), {@code epochs.csv}, {@code
 * reconstructions.png}, {@code samples.png} (the decoder's images of prior samples: new digits) and {@code
 * latent.png} (the test codes, first two dimensions, coloured by digit).
 */
final class AaeExample implements ModelCommand {
    @Override
    public String name() {
        return "adversarial-autoencoder";
    }

    @Override
    public String description() {
        return "adversarial autoencoder: codes matched to a prior by a discriminator";
    }

    @Override
    public Options options() {
        return Checkpoint.declare(ExampleData.declare(new Options()))
                .option("epochs", "10", "training epochs").min(1)
                .option("batch", "100", "minibatch size").min(1)
                .option("lr", "0.001", "Adam learning rate of every phase").positive()
                .option("hidden", "512,256,8", "encoder widths ending with the code size; the decoder mirrors").eachAtLeast(1)
                .option("disc", "256,256", "hidden widths of the code discriminator").eachAtLeast(1)
                .option("prior", "gaussian", "gaussian or mixture (10 Gaussians on a circle; code size >= 2)")
                .option("weight", "1", "weight of the generator phase's loss (0: no regularization, a plain AE)").atLeast(0)
                .option("seed", "12345", "seed of initialisation, shuffling and prior samples").anyInt()
                .option("out", "output/" + name(), "output folder");
    }

    static AdversarialAutoencoder factory(Options o, LabelledImages train) {
        return AdversarialAutoencoder.builder()
                .inputSize(train.pixelCount())
                .hiddenSizes(o.integers("hidden"))
                .discriminatorSizes(o.integers("disc"))
                .prior(o.choice("prior", Prior.class))
                .adversarialWeight(o.real("weight"))
                .updater(new Adam(o.real("lr")))
                .seed(o.integer("seed"))
                .build();
    }

    @Override
    public EncoderModel encoderModel(Options o, LabelledImages data) {
        return factory(o, data);
    }

    @Override
    public void run(Options o) throws IOException {
        DataSource source = ExampleData.locate(o);
        LabelledImages trainData = source.load(Split.TRAIN);
        LabelledImages testData = source.load(Split.TEST);
        AdversarialAutoencoder aae = factory(o, trainData);
        int epochs = o.integer("epochs");
        long seed = o.integer("seed");
        int batch = o.integer("batch");
        int trainCount = epochIterator(trainData, batch, seed, 1).numExamples();
        DataSet test = MnistIterator.builder(testData).batchSize(testData.count()).shuffle(false).build().next();
        int[] testLabels = test.getLabels().argMax(1).toIntVector();
        Path out = o.path("out");
        Files.createDirectories(out);
        Map<String, String> fingerprint = Checkpoint.fingerprint(o, Set.of());
        Checkpoint resumed = o.path("resume") == null ? null
                : Checkpoint.load(o.path("resume"), name(), fingerprint, Checkpoint.defaults(o), epochs);
        AaeTrainer trainer = resumed == null ? new AaeTrainer(aae, Accelerate::init, seed)
                : new AaeTrainer(aae, resumed.graph(AUTOENCODER), resumed.graph(GENERATOR),
                        resumed.graph(DISCRIMINATOR), seed);
        System.out.printf("model %s  params AE %d  D %d  prior %s  data %s  train %d  test %d  out %s%n", aae.name(),
                trainer.autoencoder().numParams(), trainer.discriminator().numParams(),
                aae.prior().name().toLowerCase(), source.description(), trainCount, testData.count(), out);
        // written whole after every row (never truncated); a resumed run continues the checkpoint's rows
        CsvLog csv = new CsvLog(out.resolve("epochs.csv"))
                .header("epoch,reconstruction,loss_d,loss_g,d_prior,d_code,test_bce,code_gap,examples_per_second,"
                        + "seconds");
        int first = 1;
        if (resumed != null) {
            first = resumed.epoch() + 1;
            csv.resume(resumed.csv()).flush();
            System.out.println("resumed " + o.path("resume") + " after epoch " + resumed.epoch());
        }
        for (int epoch = first; epoch <= epochs; epoch++) {
            // the epoch's order and prior samples from (seed, epoch): a resumed run draws what this one draws
            MnistIterator train = epochIterator(trainData, batch, seed, epoch);
            trainer.reseed(Checkpoint.epochSeed(seed, epoch, 1));
            long t0 = System.nanoTime();
            double[] sums = new double[5];
            int steps = 0;
            while (train.hasNext()) {
                AaeTrainer.Step s = trainer.step(train.next().getFeatures());
                sums[0] += s.reconstruction();
                sums[1] += s.lossD();
                sums[2] += s.lossG();
                sums[3] += s.dPrior();
                sums[4] += s.dCode();
                steps++;
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            for (int i = 0; i < sums.length; i++) {
                sums[i] /= steps;
            }
            double testBce = ReconstructionMetrics.perElement(aae.loss(), test.getFeatures(),
                    trainer.reconstruct(test.getFeatures()));
            double gap = aae.prior() == Prior.GAUSSIAN ? codeGap(trainer.codes(test.getFeatures())) : Double.NaN;
            double exPerSec = trainCount / seconds;
            System.out.printf("epoch %3d/%d  recon %8.3f  loss_d %.4f  loss_g %.4f  D(prior) %.3f  D(code) %.3f"
                            + "  test_bce %.4f  code_gap %.3f  examples/s %6.0f  time %6.1fs%n", epoch, epochs,
                    sums[0], sums[1], sums[2], sums[3], sums[4], testBce, gap, exPerSec, seconds);
            csv.printf("%d,%.5f,%.5f,%.5f,%.5f,%.5f,%.6f,%.5f,%.1f,%.2f", epoch, sums[0], sums[1], sums[2],
                    sums[3], sums[4], testBce, gap, exPerSec, seconds);
            Checkpoint.save(Checkpoint.folder(out), name(), epoch, fingerprint, csv.text(), Map.of(), tmp -> {
                Checkpoint.writeGraph(trainer.autoencoder(), tmp.resolve(AUTOENCODER));
                Checkpoint.writeGraph(trainer.generator(), tmp.resolve(GENERATOR));
                Checkpoint.writeGraph(trainer.discriminator(), tmp.resolve(DISCRIMINATOR));
            });
        }
        csv.flush(); // a run resumed at its last epoch: the checkpoint's rows
        trainer.reseed(Checkpoint.epochSeed(seed, 0, 2)); // the pictures' prior samples, the same however trained
        Path model = RunRecord.writeModel(Accelerate.toStock(trainer.autoencoder()), out.resolve("model.zip"), true,
                new RunRecord(name(), aae.name(), o.explicitArgs()));
        System.out.println("wrote " + model);
        INDArray digits = test.getFeatures().get(NDArrayIndex.interval(0, 50), NDArrayIndex.all());
        int h = testData.rows();
        int w = testData.cols();
        System.out.println("wrote " + ImageGrid.writePng(ImageGrid.comparison(digits, trainer.reconstruct(digits), h, w,
                10, 2), out.resolve("reconstructions.png")));
        System.out.println("wrote " + ImageGrid.writePng(ImageGrid.tiles(trainer.sample(100), h, w, 10, 2),
                out.resolve("samples.png")));
        if (aae.codeSize() < 2) {
            return;
        }
        INDArray codes = trainer.codes(test.getFeatures());
        INDArray first2 = codes.get(NDArrayIndex.all(), NDArrayIndex.interval(0, 2));
        System.out.println("wrote " + ImageGrid.writePng(ScatterPlot.plot(first2, testLabels,
                "test codes, dimensions 1-2", 600), out.resolve("latent.png")));
    }

    /** The three graphs in the checkpoint folder. */
    static final String AUTOENCODER = "autoencoder.zip";
    static final String GENERATOR = "generator.zip";
    static final String DISCRIMINATOR = "discriminator.zip";

    /** Epoch {@code epoch}'s training digits, their order drawn from (seed, epoch). */
    private static MnistIterator epochIterator(LabelledImages data, int batch, long seed, int epoch) {
        return MnistIterator.builder(data).batchSize(batch).seed(Checkpoint.epochSeed(seed, epoch, 0)).build();
    }

    /** The largest gap between the codes' per-dimension mean or standard deviation and N(0, 1)'s. */
    static double codeGap(INDArray codes) {
        double mean = codes.mean(0).amaxNumber().doubleValue();
        double std = codes.std(0).subi(1).amaxNumber().doubleValue();
        return Math.max(mean, std);
    }
}
