package org.unsupervisedzoo.examples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Adam;
import org.unsupervisedzoo.datasets.DataSource;
import org.unsupervisedzoo.datasets.LabelledImages;
import org.unsupervisedzoo.datasets.MnistIterator;
import org.unsupervisedzoo.datasets.Split;
import org.unsupervisedzoo.zoo.classifier.LeNet;
import org.unsupervisedzoo.zoo.gan.SampleQuality;
import org.unsupervisedzoo.zoo.core.ProgressListener;

/**
 * Trains the LeNet-style judge of the GAN measures once and saves it ({@code lenet.zip}); prints its test accuracy,
 * the Inception Score of the real test digits and the Frechet distance between real training and test digits (the
 * floor a generator can approach).
 */
public final class MnistClassifierExample {
    /** Where the GAN commands look for the judge unless {@code --classifier} says otherwise. */
    static final String DEFAULT_MODEL = "output/lenet/lenet.zip";

    private MnistClassifierExample() {
    }

    static Options options() {
        return ExampleData.declare(new Options())
                .option("epochs", "2", "training epochs").min(1)
                .option("batch", "64", "minibatch size").min(1)
                .option("lr", "0.001", "Adam learning rate").positive()
                .option("seed", "12345", "seed of weights and shuffling").anyInt()
                .option("out", "output/lenet", "output folder (the model is lenet.zip in it)");
    }

    public static void main(String[] args) throws IOException {
        org.unsupervisedzoo.zoo.core.ZooRuntime.applyDefaults(); // the zoo's thread settings, before ND4J loads
        Options o = options();
        if (!o.parse(args)) {
            System.out.println("usage: lenet [options]\n" + o.usage());
            return;
        }
        run(o);
    }

    /** Trains and saves the judge as the options say. */
    static void run(Options o) throws IOException {
        DataSource source = ExampleData.locate(o);
        train(source, o.integer("epochs"), o.integer("batch"), o.real("lr"), o.integer("seed"),
                o.path("out").resolve("lenet.zip"));
    }

    /** Trains LeNet on {@code source}, reports it and saves it to {@code model}; returns it. */
    static ComputationGraph train(DataSource source, int epochs, int batch, double lr, long seed, Path model)
            throws IOException {
        LabelledImages trainData = source.load(Split.TRAIN);
        LabelledImages testData = source.load(Split.TEST);
        MnistIterator train = MnistIterator.builder(trainData).batchSize(batch).seed(seed)
                .shape(MnistIterator.Shape.IMAGE).build();
        DataSet test = all(testData);
        ComputationGraph net = LeNet.builder().updater(new Adam(lr)).seed(seed).build().init();
        ProgressListener progress = new ProgressListener(System.out, (train.numExamples() + batch - 1) / batch, 1.0);
        net.setListeners(progress);
        System.out.printf("model lenet  params %d  data %s  train %d  test %d%n", net.numParams(),
                source.description(), train.numExamples(), test.numExamples());
        for (int e = 1; e <= epochs; e++) {
            long t0 = System.nanoTime();
            net.fit(train);
            double seconds = (System.nanoTime() - t0) / 1e9;
            double acc = SampleQuality.accuracy(SampleQuality.judge(net, test.getFeatures()).probabilities,
                    test.getLabels().argMax(1).toIntVector());
            System.out.printf("epoch %3d/%d  train_loss %.5f  test_accuracy %.4f  examples/s %6.0f  time %6.1fs%n", e,
                    epochs, progress.meanScore(), acc, progress.examples() / seconds, seconds);
        }
        Files.createDirectories(model.toAbsolutePath().getParent());
        RunRecord.writeModel(net, model, false, null);
        report(net, trainData, testData);
        System.out.println("wrote " + model);
        return net;
    }

    /**
     * Prints the reference figures of a classifier (test accuracy, real-data IS, real-vs-real Frechet distance) and
     * returns its judgement of the test digits.
     */
    static SampleQuality.Judged report(ComputationGraph net, LabelledImages trainData, LabelledImages testData) {
        DataSet test = all(testData);
        SampleQuality.Judged t = SampleQuality.judge(net, test.getFeatures());
        double acc = SampleQuality.accuracy(t.probabilities, test.getLabels().argMax(1).toIntVector());
        double[] is = SampleQuality.inceptionScore(t.probabilities, 10);
        DataSet trainPart = MnistIterator.builder(trainData).batchSize(test.numExamples()).seed(1)
                .shape(MnistIterator.Shape.IMAGE).build().next();
        double fid = SampleQuality.frechetDistance(SampleQuality.judge(net, trainPart.getFeatures()).features,
                t.features);
        System.out.printf("classifier test_accuracy %.4f  real_test_IS %.3f +- %.3f  real_FID(train %d vs test %d)"
                + " %.4f%n", acc, is[0], is[1], trainPart.numExamples(), test.numExamples(), fid);
        return t;
    }

    static DataSet all(LabelledImages data) {
        return MnistIterator.builder(data).batchSize(data.count()).shuffle(false).shape(MnistIterator.Shape.IMAGE)
                .build().next();
    }
}
