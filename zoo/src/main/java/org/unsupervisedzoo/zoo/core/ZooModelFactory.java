package org.unsupervisedzoo.zoo.core;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * A zoo model: a factory that builds a DL4J {@link ComputationGraphConfiguration} from its hyper-parameters.
 * A factory never trains; {@link #init()} returns a fresh, initialised graph.
 */
public interface ZooModelFactory {
    /** Short lowercase name, e.g. {@code undercomplete-autoencoder}; used for output folders and the catalog. */
    String name();

    /** The configuration, validated. Each call builds a new one. */
    ComputationGraphConfiguration conf();

    /** Shape of one input example, without the batch dimension, e.g. {@code [784]} or {@code [1, 28, 28]}. */
    long[] inputShape();

    /**
     * Every input of {@link #conf()}, in the graph's order, with what to feed in training and at inference. Default:
     * one input, the data, of {@link #inputShape()}; a factory whose graph has more inputs lists them all.
     */
    default List<GraphIO> inputs() {
        return List.of(GraphIO.data(conf().getNetworkInputs().get(0), inputShape()));
    }

    /**
     * Every output of {@link #conf()}, in the graph's order: its shape (from {@link #inputs()}), its labels in
     * training and what it returns.
     */
    default List<GraphIO> outputs() {
        return GraphIO.outputs(conf(), inputs(), this::describeOutput);
    }

    /**
     * {training labels, what it returns} of output {@code name}. Default: a penalty head takes no labels and returns
     * its input; any other output takes its loss's targets and returns its activations.
     */
    default String[] describeOutput(String name, boolean penaltyHead) {
        return penaltyHead ? new String[] {"null (a penalty head takes no labels)", "its input, unchanged"}
                : new String[] {"the targets of its loss", "its activations"};
    }

    /**
     * A new graph built from {@link #conf()} with initialised parameters: DL4J's layers and updaters plus the zoo's
     * custom layers, and nothing else. It changes nothing outside the graph (no thread pools, no system properties:
     * see {@code ZooRuntime.applyDefaults()}). For the zoo's faster twins of DL4J's layers, as its runners train,
     * use {@code Accelerate.init(factory)} of the optional package {@code fast}.
     */
    default ComputationGraph init() {
        ComputationGraph graph = new ComputationGraph(conf());
        graph.init();
        return graph;
    }
}
