package org.unsupervisedzoo.zoo;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
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
     * A new graph built from {@link #conf()} with initialised parameters. The zoo's layers that read the network's
     * input skip the error for it, which nothing uses ({@link org.unsupervisedzoo.zoo.layers.InputGradients}; undo
     * with {@code InputGradients.restore(graph)} to read input gradients). The graph's updater is
     * {@link org.unsupervisedzoo.zoo.train.ViewGradientUpdater} (DL4J's, on its standard path).
     */
    default ComputationGraph init() {
        org.unsupervisedzoo.zoo.train.ZooRuntime.applyDefaults();
        ComputationGraph graph = new ComputationGraph(conf());
        graph.init();
        org.unsupervisedzoo.zoo.layers.InputGradients.skipAtNetworkInputs(graph);
        return org.unsupervisedzoo.zoo.train.ViewGradientUpdater.install(graph);
    }
}
