package org.unsupervisedzoo.examples;

import java.nio.file.Path;
import org.unsupervisedzoo.datasets.LabelledImages;
import org.unsupervisedzoo.datasets.Split;
import org.unsupervisedzoo.zoo.classifier.ClassifierFit;
import org.unsupervisedzoo.zoo.classifier.EncoderClassifier;
import org.unsupervisedzoo.zoo.core.EncoderModel;

/**
 * A classifier from a {@code model.zip} written by {@code train}, without naming its factory: the run record inside
 * the zip rebuilds it (what {@code classify} does). Train the result with {@link ClassifierFit}:
 * <pre>
 *   ClassifierFit.Result r = ClassifierFit.builder().patience(10).build()
 *           .fit(SavedEncoders.classifier(Path.of("model.zip")).frozen(false), trainIt, validationIt);
 * </pre>
 */
public final class SavedEncoders {
    private SavedEncoders() {
    }

    /** The factory that trained {@code modelZip} (its input shape read from the data it recorded). */
    public static EncoderModel model(Path modelZip) {
        SavedModel saved = SavedModel.load(modelZip);
        return model(saved);
    }

    /** A classifier builder on the trained encoder of {@code modelZip} (frozen by default). */
    public static EncoderClassifier.Builder classifier(Path modelZip) {
        SavedModel saved = SavedModel.load(modelZip);
        return EncoderClassifier.builder(model(saved), saved.graph);
    }

    /** The same classifier with a freshly initialised encoder of {@code modelZip}'s architecture: the baseline. */
    public static EncoderClassifier.Builder scratch(Path modelZip) {
        return EncoderClassifier.fromScratch(model(modelZip));
    }

    private static EncoderModel model(SavedModel saved) {
        LabelledImages train = ExampleData.locate(saved.options).load(Split.TRAIN);
        return saved.command.encoderModel(saved.options, train);
    }
}
