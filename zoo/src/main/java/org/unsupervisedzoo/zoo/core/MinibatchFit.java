package org.unsupervisedzoo.zoo.core;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * One training step of a graph on one minibatch, as a trainer of the zoo (GanTrainer's D step) lets a caller replace
 * it: the speed layer's data parallelism ({@code fast.DataParallel}) implements it, so that no model package depends
 * on the speed layer. The minibatch's rows are split among {@link #workers()} graphs, worker k computing its forward
 * pass on rows {@code [split(n)[k], split(n)[k + 1])}, which is what a listener of a worker's forward pass needs to
 * know; worker 0 is the graph being trained.
 */
public interface MinibatchFit extends AutoCloseable {
    /** One step on {@code batch}: the graph's parameters and updater state change as with its {@code fit}. */
    void fit(MultiDataSet batch);

    /** Number of workers (graphs computing forward passes), the trained graph included. */
    int workers();

    /** Worker {@code k}'s graph (0: the graph being trained). */
    ComputationGraph worker(int k);

    /** Row boundaries of a minibatch of {@code n} rows among the workers: worker k gets {@code [s[k], s[k + 1])}. */
    long[] split(long n);

    /** Releases the workers' threads. */
    @Override
    void close();
}
