package org.unsupervisedzoo.examples;

import java.nio.file.Path;
import java.util.Locale;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.unsupervisedzoo.datasets.LabelledImages;
import org.unsupervisedzoo.datasets.MnistIterator;
import org.unsupervisedzoo.datasets.Split;
import org.unsupervisedzoo.zoo.classifier.UnitStatistics;
import org.unsupervisedzoo.zoo.core.EncoderModel;

/**
 * {@code units}: each encoder layer's units, dead units (the same activation on every digit) and activation mean,
 * sd and maximum on the first {@code --digits} training digits ({@link UnitStatistics}): what a fine-tuned
 * classifier starts from.
 */
final class UnitsCommand implements Command {
    @Override
    public String name() {
        return "units";
    }

    @Override
    public String description() {
        return "each encoder layer's dead units and activation scale on training digits (before fine-tuning)";
    }

    @Override
    public Options options() {
        return new Options()
                .option("encoder", "", "a model.zip written by 'train' (required)")
                .option("digits", "10000", "the first n training digits (at most all)").min(2)
                .option("data", "", "sample, mnist or fashion (default: what the encoder was trained on)")
                .option("data-dir", "", "folder with the four IDX files (default: as recorded)");
    }

    @Override
    public void run(Options o) {
        if (o.string("encoder").isEmpty()) {
            throw new IllegalArgumentException("--encoder <model.zip> is required (train one with 'train')");
        }
        SavedModel saved = SavedModel.load(Path.of(o.string("encoder"))).override(o, "data", "data-dir");
        LabelledImages train = ExampleData.locate(saved.options).load(Split.TRAIN);
        EncoderModel model = saved.command.encoderModel(saved.options, train);
        LabelledImages digits = train.range(0, Math.min(o.integer("digits"), train.count()));
        ComputationGraph encoder = model.encoderGraph(saved.graph);
        MnistIterator.Shape shape = ClassifierTraining.shapeOf(model.inputShape());
        var features = MnistIterator.builder(digits).batchSize(digits.count()).shuffle(false).shape(shape).build()
                .next().getFeatures();
        System.out.printf(Locale.ROOT, "units  %s (%s)  digits %d  dead: the same activation on every digit%n",
                saved.file, saved.record.model, digits.count());
        for (UnitStatistics.Layer l : UnitStatistics.of(encoder, features)) {
            System.out.printf(Locale.ROOT, "layer %-22s units %5d  dead %5d (%5.1f%%)  mean %8.4f  sd %8.4f  max %8.3f%n",
                    l.name(), l.units(), l.dead(), 100.0 * l.dead() / l.units(), l.mean(), l.sd(), l.max());
        }
    }
}
