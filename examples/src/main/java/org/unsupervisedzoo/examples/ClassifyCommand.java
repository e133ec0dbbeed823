package org.unsupervisedzoo.examples;

import org.unsupervisedzoo.zoo.core.AtomicFiles;
import org.unsupervisedzoo.zoo.fast.Accelerate;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.learning.config.Adam;
import org.unsupervisedzoo.datasets.DataSource;
import org.unsupervisedzoo.datasets.LabelledImages;
import org.unsupervisedzoo.datasets.MnistIterator;
import org.unsupervisedzoo.datasets.Split;
import org.unsupervisedzoo.zoo.core.EncoderModel;
import org.unsupervisedzoo.zoo.classifier.EncoderClassifier;
import org.unsupervisedzoo.zoo.classifier.LinearProbe;
import org.unsupervisedzoo.zoo.core.ProgressListener;

/**
 * {@code classify --encoder <model.zip>}: a digit classifier on the encoder of a model saved by {@code train}
 * (frozen or fine-tuned, softmax or MLP head), trained on all labels or a balanced labelled subset, with the test
 * accuracy per epoch and optionally the linear probe of the frozen codes.
 */
final class ClassifyCommand implements Command {
    @Override
    public String name() {
        return "classify";
    }

    @Override
    public String description() {
        return "train a classifier on a pretrained encoder (frozen or fine-tuned), and the linear probe";
    }

    @Override
    public Options options() {
        return new Options()
                .option("encoder", "", "model.zip written by 'train' (required)")
                .option("labels", "0", "labelled training digits, balanced per class and seeded (0: all)").min(0)
                .option("frozen", "true", "true: the encoder is a fixed feature extractor; false: fine-tuned")
                .option("hidden", "", "widths of a dense head between code and softmax (empty: softmax only)").eachAtLeast(1)
                .option("epochs", "10", "training epochs over the labelled digits").min(1)
                .option("batch", "128", "minibatch size").min(1)
                .option("lr", "0.001", "Adam learning rate").positive()
                .option("seed", "12345", "seed of the labelled subset, the head and shuffling").anyInt()
                .option("probe", "false", "true: also the linear probe (softmax on frozen codes, all labels)")
                .option("data", "", "sample, mnist or fashion (default: the data the encoder was trained on)")
                .option("data-dir", "", "folder with the four IDX files (default: as recorded)")
                .option("out", "output/classify", "output folder");
    }

    @Override
    public void run(Options o) throws Exception {
        if (o.string("encoder").isEmpty()) {
            throw new IllegalArgumentException("--encoder <model.zip> is required (train one with 'train <model>')");
        }
        SavedModel saved = SavedModel.load(o.path("encoder")).override(o, "data", "data-dir");
        DataSource source = ExampleData.locate(saved.options);
        LabelledImages train = source.load(Split.TRAIN);
        LabelledImages test = source.load(Split.TEST);
        int n = o.integer("labels");
        long seed = o.integer("seed");
        LabelledImages labelled = n == 0 ? train : train.balancedSubset(n, seed);
        EncoderModel model = saved.command.encoderModel(saved.options, train);
        ComputationGraph clf = EncoderClassifier.builder(model, saved.graph).frozen(o.bool("frozen"))
                .hiddenSizes(o.integers("hidden")).updater(new Adam(o.real("lr"))).seed(seed).build();
        clf = Accelerate.accelerate(clf);
        MnistIterator.Shape shape = ClassifierTraining.shapeOf(model.inputShape());
        int batch = Math.min(o.integer("batch"), labelled.count());
        MnistIterator it = ClassifierTraining.labelled(labelled, shape, batch, seed);
        Path out = o.path("out");
        Files.createDirectories(out);
        int epochs = o.integer("epochs");
        ProgressListener progress = new ProgressListener(System.out, (labelled.count() + batch - 1) / batch, 1.0)
                .totalEpochs(epochs);
        clf.setListeners(progress);
        System.out.printf("classifier on %s (%s encoder, %s)  params %d  data %s  labelled %d  test %d  out %s%n",
                saved.file, saved.record.model, o.bool("frozen") ? "frozen" : "fine-tuned", clf.numParams(),
                source.description(), labelled.count(), test.count(), out);
        try (CsvLog csv = new CsvLog(out.resolve("epochs.csv"))) {
            csv.header("epoch,train_loss,test_accuracy,test_error,examples_per_second,seconds");
            for (int epoch = 1; epoch <= epochs; epoch++) {
                long t0 = System.nanoTime();
                clf.fit(it);
                double seconds = (System.nanoTime() - t0) / 1e9;
                double acc = ClassifierTraining.accuracy(clf, test, shape);
                System.out.printf("epoch %3d/%d  train_loss %.5f  test_accuracy %.4f  test_error %.2f%%"
                        + "  examples/s %6.0f  time %6.1fs%n", epoch, epochs, progress.meanScore(), acc,
                        100 * (1 - acc), progress.examples() / seconds, seconds);
                csv.printf("%d,%.6f,%.6f,%.6f,%.1f,%.2f%n", epoch, progress.meanScore(), acc, 1 - acc,
                        progress.examples() / seconds, seconds);
                csv.flush();
            }
        }
        if (o.bool("probe")) {
            MnistIterator all = MnistIterator.builder(train).batchSize(1000).shuffle(false).shape(shape).build();
            MnistIterator testIt = MnistIterator.builder(test).batchSize(1000).shuffle(false).shape(shape).build();
            LinearProbe.Result r = new LinearProbe().seed(seed).evaluate(model.encoderGraph(saved.graph), all, testIt);
            System.out.printf("linear_probe  code_width %d  train_accuracy %.4f  test_accuracy %.4f%n", r.codeWidth,
                    r.trainAccuracy, r.testAccuracy);
            AtomicFiles.writeString(out.resolve("linear-probe.csv"), String.format(
                    "code_width,train_accuracy,test_accuracy%n%d,%.6f,%.6f%n", r.codeWidth, r.trainAccuracy,
                    r.testAccuracy));
        }
        Path model1 = out.resolve("classifier.zip");
        RunRecord.writeModel(clf, model1, true, null);
        System.out.println("wrote " + model1);
        System.out.println("wrote " + out.resolve("epochs.csv"));
    }
}
