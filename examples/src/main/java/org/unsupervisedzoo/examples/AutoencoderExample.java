package org.unsupervisedzoo.examples;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.Adam;
import org.unsupervisedzoo.datasets.DataSource;
import org.unsupervisedzoo.datasets.LabelledImages;
import org.unsupervisedzoo.datasets.MnistIterator;
import org.unsupervisedzoo.datasets.Split;
import org.unsupervisedzoo.zoo.autoencoder.ReconstructionLoss;
import org.unsupervisedzoo.zoo.autoencoder.UndercompleteAutoencoder;
import org.unsupervisedzoo.zoo.eval.ReconstructionMetrics;
import org.unsupervisedzoo.zoo.train.ProgressListener;
import org.unsupervisedzoo.zoo.viz.ImageGrid;

/**
 * Trains the deep undercomplete autoencoder on MNIST (the bundled sample by default) and writes, under one
 * output folder: {@code model.zip} (ModelSerializer), {@code reconstructions.png} (test digits above their
 * reconstructions) and {@code epochs.csv}. Prints one fixed-format line per epoch:
 * <pre>epoch   3/10  train_loss 0.10512  test_loss 0.10233  examples/s   8123  time   7.4s</pre>
 * Losses are per pixel (binary cross-entropy by default); the training figure is the mean over the epoch's
 * batches, the test figure is measured after the epoch.
 */
public final class AutoencoderExample {
    static final String NAME = "autoencoder";

    private AutoencoderExample() {
    }

    static Options options() {
        return ExampleData.declare(new Options())
                .option("epochs", "10", "training epochs")
                .option("batch", "256", "minibatch size")
                .option("hidden", "128,64,32", "encoder widths ending with the code size; the decoder mirrors")
                .option("loss", "bce", "bce or mse")
                .option("lr", "0.001", "Adam learning rate")
                .option("seed", "12345", "seed of weights and shuffling")
                .option("out", "output/undercomplete-autoencoder", "output folder");
    }

    public static void main(String[] args) throws IOException {
        Options o = options();
        if (!o.parse(args)) {
            System.out.println("usage: " + NAME + " [options]\n" + o.usage());
            return;
        }
        run(o);
    }

    static void run(Options o) throws IOException {
        // Load
        DataSource source = ExampleData.locate(o);
        LabelledImages trainData = source.load(Split.TRAIN);
        LabelledImages testData = source.load(Split.TEST);
        int batch = o.integer("batch");
        long seed = o.integer("seed");
        MnistIterator train = MnistIterator.builder(trainData).batchSize(batch).seed(seed)
                .target(MnistIterator.Target.INPUT).build();
        MnistIterator test = MnistIterator.builder(testData).batchSize(1000).shuffle(false)
                .target(MnistIterator.Target.INPUT).build();
        Path out = o.path("out");
        Files.createDirectories(out);

        // Build
        ReconstructionLoss loss = ReconstructionLoss.valueOf(o.string("loss").toUpperCase());
        UndercompleteAutoencoder factory = UndercompleteAutoencoder.builder()
                .inputSize(trainData.pixelCount())
                .hiddenSizes(o.integers("hidden"))
                .loss(loss)
                .outputActivation(Activation.SIGMOID)
                .updater(new Adam(o.real("lr")))
                .seed(seed)
                .build();
        ComputationGraph graph = factory.init();
        int batchesPerEpoch = (train.numExamples() + batch - 1) / batch;
        ProgressListener progress = new ProgressListener(System.out, batchesPerEpoch,
                loss.perElementScale(trainData.pixelCount()));
        graph.setListeners(progress);

        System.out.printf("model %s  params %d  data %s  train %d  test %d  out %s%n", factory.name(),
                graph.numParams(), source.description(), train.numExamples(), test.numExamples(), out);

        // Train and evaluate
        int epochs = o.integer("epochs");
        try (PrintWriter csv = new PrintWriter(Files.newBufferedWriter(out.resolve("epochs.csv")))) {
            csv.println("epoch,train_loss,test_loss,examples_per_second,seconds");
            for (int epoch = 1; epoch <= epochs; epoch++) {
                long t0 = System.nanoTime();
                graph.fit(train);
                double seconds = (System.nanoTime() - t0) / 1e9;
                double trainLoss = progress.meanScore();
                double exPerSec = progress.examples() / seconds;
                double testLoss = ReconstructionMetrics.perElement(graph, test, loss);
                System.out.printf("epoch %3d/%d  train_loss %.5f  test_loss %.5f  examples/s %6.0f  time %6.1fs%n",
                        epoch, epochs, trainLoss, testLoss, exPerSec, seconds);
                csv.printf("%d,%.6f,%.6f,%.1f,%.2f%n", epoch, trainLoss, testLoss, exPerSec, seconds);
                csv.flush();
            }
        }

        // Save
        Path model = out.resolve("model.zip");
        ModelSerializer.writeModel(graph, model.toFile(), true);
        test.reset();
        INDArray digits = test.next(30).getFeatures();
        INDArray recon = UndercompleteAutoencoder.reconstruct(graph, digits);
        Path png = ImageGrid.writePng(ImageGrid.comparison(digits, recon, 28, 28, 10, 2),
                out.resolve("reconstructions.png"));
        System.out.println("wrote " + model);
        System.out.println("wrote " + png);
        System.out.println("wrote " + out.resolve("epochs.csv"));
    }
}
