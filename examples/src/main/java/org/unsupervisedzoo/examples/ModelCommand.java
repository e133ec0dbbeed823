package org.unsupervisedzoo.examples;

import java.nio.file.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.unsupervisedzoo.datasets.LabelledImages;
import org.unsupervisedzoo.zoo.core.EncoderModel;

/**
 * A {@code train} command: it trains one zoo model and saves it with a {@link RunRecord}, so that {@code evaluate},
 * {@code classify} and {@code semi-supervised} can rebuild the model's factory from the recorded options.
 */
interface ModelCommand extends Command {
    /**
     * The model a run with options {@code o} trains, as an encoder for downstream classifiers.
     *
     * @param data the data set (for the input dimensions)
     * @throws CliException when this kind of model has no encoder
     */
    default EncoderModel encoderModel(Options o, LabelledImages data) {
        throw new CliException("models trained by 'train " + name() + "' have no encoder for a classifier");
    }

    /**
     * Evaluates a saved model of this command on the test set of {@code o}'s data and writes metrics and pictures
     * under {@code out}.
     *
     * @throws CliException when this kind of model has no evaluation
     */
    default void evaluate(ComputationGraph graph, Options o, Path out) throws Exception {
        throw new CliException("models trained by 'train " + name() + "' have no 'evaluate' yet");
    }

    /** A train command from its parts, for a model without an encoder or an evaluation. */
    static ModelCommand of(String name, String description, java.util.function.Supplier<Options> options,
                           Command.Action action) {
        return new SimpleCommand(name, description, options, action);
    }
}
