package org.unsupervisedzoo.zoo.fast;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.deeplearning4j.datasets.iterator.AsyncMultiDataSetIterator;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.unsupervisedzoo.zoo.core.InputGradients;

/**
 * Synchronous data parallelism on one machine: each minibatch is split by rows among {@code workers} copies of the
 * graph, each on its own thread (and so its own core), the parts' gradients are added (DL4J's gradients are sums over
 * examples; its updater divides by the minibatch size), and the graph's own updater takes one step with the sum,
 * whose result is then copied into the other copies. The sum is the whole minibatch's gradient: the step is the one {@code graph.fit(batch)} takes, up to the order of floating-point sums, so the
 * learning curve per example is unchanged. Measured on a 2-core machine (BENCHMARKS.md, "Two cores"), two
 * workers give 0.86-1.48x of one: each worker pays a gradient pass's fixed cost on its part, and the updater step
 * is serial, so it pays for models whose work grows with the rows (the convolutional autoencoder), not yet for the
 * small dense ones.
 *
 * <p>What it honours: the updater and its schedules, L1/L2/weight decay and gradient normalisation (all applied by
 * the graph's updater to the summed gradient), frozen layers (no gradient), masks (split with the rows),
 * constraints (applied after the step, as DL4J's solver does), listeners ({@code iterationDone} once a step with the
 * minibatch's score; {@code onEpochStart/End} around {@link #fit(MultiDataSetIterator)}). Random draws inside the
 * graph (dropout, the zoo's corruptions, the VAE's noise) are made by each worker on its own thread with its own
 * seed ({@code seed + worker}): statistically the same training, not bit-equal to one thread. Refused, with an
 * error naming the layer: layers that couple the examples of a minibatch, batch normalisation and the sparse
 * autoencoder's KL penalty on the minibatch's mean activation (each copy would use its own part's statistics,
 * which changes the model; train such graphs with {@code fit}).
 *
 * <p><b>Averaging mode</b> ({@link #DataParallel(ComputationGraph, int, long, int)} with {@code averageEvery = k >
 * 0}): local SGD, as DL4J's {@code ParallelWrapper} averages. Worker w takes whole DL4J steps ({@code fit}) on its
 * own minibatches (the iterator's minibatches dealt in turn: w, w + workers, ...), with its own updater, and every
 * {@code k} rounds (and at the end of each epoch) the parameters and the updater states of the workers that trained
 * since the last average are replaced by their mean. Each worker's iteration count is the global minibatch count,
 * so schedules follow the examples seen, as with {@code fit}. It is not the step {@code fit} takes: per epoch the
 * averaged model takes 1/workers of the updates, each from {@code workers} minibatches. Layers with minibatch
 * statistics are accepted here (each worker sees whole minibatches; batch norm's running statistics are averaged
 * with the parameters). Constraints are applied by each worker's step; an average of constrained parameters keeps a
 * convex constraint (max-norm, non-negativity) but not DL4J's unit-norm constraint, which this mode does not
 * re-apply. The workers meet only for the average. Listeners hear {@code iterationDone} once per
 * minibatch, in the iterator's order, after each averaging period, with that minibatch as the graph's input and its
 * worker's score; only {@link #fit(MultiDataSetIterator)} trains in this mode.
 *
 * <p>ND4J's thread settings apply per operation: with {@code ZOO_THREADS=1,1} (the zoo's default) each worker's
 * operations run on one core, so {@code workers} copies use {@code workers} cores.
 *
 * <p>The DL4J internals used (the graph's gradient view after {@code computeGradientAndScore}, its updater's
 * {@code update}, the solver's step {@code params -= update} and iteration counting) are those
 * {@code StochasticGradientDescent.optimize} uses in 1.0.0-M2.1; {@code DataParallelTest} fails if they change.
 */
public final class DataParallel implements org.unsupervisedzoo.zoo.core.MinibatchFit {
    /**
     * Layers whose loss or output couples the examples of a minibatch (not a mean of per-example terms), by class
     * name: the sparse autoencoder's KL penalty on the minibatch's mean activation. Batch normalisation is checked
     * by type.
     */
    static final java.util.Set<String> BATCH_COUPLED = java.util.Set.of("KLSparsityPenalty");

    private final ComputationGraph graph;
    private final List<ComputationGraph> replicas = new ArrayList<>();
    /** Worker k (k >= 1) runs on executors.get(k - 1), always the same thread. */
    private final List<ExecutorService> executors = new ArrayList<>();
    /** 0: synchronous gradient summation; k > 0: local SGD, parameters and updater states averaged every k rounds. */
    private final int averageEvery;

    /**
     * A trainer of {@code graph} (initialised, with its updater) on {@code workers} threads: the graph itself is worker
     * 0, the others train copies of it.
     *
     * @param seed seed of the random draws of worker k ({@code seed + k}) on its thread
     */
    public DataParallel(ComputationGraph graph, int workers, long seed) {
        this(graph, workers, seed, 0);
    }

    /**
     * As {@link #DataParallel(ComputationGraph, int, long)}, with the training mode: {@code averageEvery = 0} the
     * synchronous step above, {@code k > 0} local SGD with averaging every k rounds (class comment).
     */
    public DataParallel(ComputationGraph graph, int workers, long seed, int averageEvery) {
        if (graph == null) {
            throw new IllegalArgumentException("graph must not be null");
        }
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be at least 1, got " + workers);
        }
        if (averageEvery < 0) {
            throw new IllegalArgumentException("averageEvery must be 0 (synchronous) or a positive number of rounds,"
                    + " got " + averageEvery);
        }
        this.averageEvery = averageEvery;
        // split minibatches change layers with minibatch statistics; averaging mode gives each worker whole ones
        for (Layer layer : averageEvery == 0 ? graph.getLayers() : new Layer[0]) {
            Object conf = layer.conf() == null ? null : layer.conf().getLayer();
            String kind = conf == null ? "" : conf.getClass().getSimpleName();
            if (conf instanceof BatchNormalization || BATCH_COUPLED.contains(kind)) {
                throw new IllegalArgumentException("layer '" + layer.conf().getLayer().getLayerName() + "' ("
                        + kind + ") computes statistics of the whole minibatch, which each worker would compute on"
                        + " its own part; train this graph with fit() (workers 1) or in averaging mode");
            }
        }
        this.graph = graph;
        boolean fast = !Accelerate.isStock(graph.getConfiguration());
        for (int k = 1; k < workers; k++) {
            ComputationGraph copy = new ComputationGraph(graph.getConfiguration().clone());
            copy.init(graph.params().dup(), false);
            if (fast) {
                InputGradients.skipAtNetworkInputs(copy);
            }
            replicas.add(copy);
            String name = "zoo-data-parallel-" + k;
            ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, name);
                t.setDaemon(true);
                return t;
            });
            executors.add(executor);
        }
        seedWorkers(seed);
    }

    /**
     * Seeds the random draws of worker k >= 1 on its thread with {@code base + k} (worker 0 is the calling thread,
     * whose generator is the caller's). A runner that seeds every epoch from (seed, epoch) resumes exactly.
     */
    public void seedWorkers(long base) {
        List<Future<?>> seeded = new ArrayList<>();
        for (int k = 1; k <= executors.size(); k++) {
            long workerSeed = base + k;
            seeded.add(executors.get(k - 1).submit(() -> Nd4j.getRandom().setSeed(workerSeed)));
        }
        for (Future<?> f : seeded) {
            get(f);
        }
    }

    /** Number of workers (threads), the graph's own included. */
    @Override
    public int workers() {
        return replicas.size() + 1;
    }

    /** The graph being trained. */
    public ComputationGraph graph() {
        return graph;
    }

    /**
     * The graph worker {@code k} computes its gradients with (0: {@link #graph()} itself, else its copy), e.g. to give
     * a copy a listener of its own forward pass ({@code onForwardPass} of the rows {@link #split} gives it).
     */
    @Override
    public ComputationGraph worker(int k) {
        if (k < 0 || k >= workers()) {
            throw new IllegalArgumentException("worker must be in [0, " + workers() + "), got " + k);
        }
        return k == 0 ? graph : replicas.get(k - 1);
    }

    /** Where the synchronous step splits a minibatch of {@code n} rows among this trainer's workers. */
    @Override
    public long[] split(long n) {
        return split(n, workers());
    }

    /**
     * Where the synchronous step splits a minibatch of {@code n} rows among {@code workers}: worker k gets rows
     * {@code [start[k], start[k + 1])}; the array has {@code min(workers, n) + 1} entries.
     */
    public static long[] split(long n, int workers) {
        int parts = (int) Math.max(1, Math.min(workers, n));
        long[] start = new long[parts + 1];
        for (int k = 0; k <= parts; k++) {
            start[k] = n * k / parts;
        }
        return start;
    }

    /**
     * One epoch over {@code data}: listeners hear {@code onEpochStart}, one step per minibatch, {@code onEpochEnd};
     * batches are prefetched on another thread when the iterator allows it, as {@code fit(iterator)} does.
     */
    public void fit(MultiDataSetIterator data) {
        if (!data.hasNext() && data.resetSupported()) { // as fit(iterator): a fresh iterator is not reset
            data.reset();
        }
        if (data.asyncSupported()) {
            data = new AsyncMultiDataSetIterator(data, 2, true);
        }
        for (TrainingListener l : graph.getListeners()) {
            l.onEpochStart(graph);
        }
        if (averageEvery > 0 && !replicas.isEmpty()) {
            fitAveraging(data);
        } else {
            while (data.hasNext()) {
                step(data.next());
            }
        }
        for (TrainingListener l : graph.getListeners()) {
            l.onEpochEnd(graph);
        }
        if (data instanceof AsyncMultiDataSetIterator async) {
            async.shutdown();
        }
        graph.incrementEpochCount();
    }

    /**
     * One step on {@code batch}, split by rows among the workers (a batch smaller than the workers uses fewer).
     *
     * @throws IllegalStateException in averaging mode, which trains from an iterator only
     */
    @Override
    public void fit(MultiDataSet batch) {
        if (averageEvery > 0 && !replicas.isEmpty()) {
            throw new IllegalStateException("averaging mode (averageEvery " + averageEvery + ") trains whole"
                    + " minibatches per worker: call fit(iterator)");
        }
        step(batch);
    }

    /**
     * Local SGD over one epoch, in periods of {@code averageEvery} rounds: each worker takes its own {@code fit} steps
     * on its minibatches of the period without waiting for the others, then the listeners hear every minibatch of the
     * period in order, and the workers' parameters and updater states are averaged.
     */
    private void fitAveraging(MultiDataSetIterator data) {
        List<ComputationGraph> all = new ArrayList<>();
        all.add(graph);
        all.addAll(replicas);
        int epoch = graph.getConfiguration().getEpochCount();
        for (ComputationGraph copy : replicas) {
            copy.getConfiguration().setEpochCount(epoch);
        }
        boolean[] trained = new boolean[all.size()];
        trained[0] = true;
        average(all, trained); // every worker starts from the graph's parameters and updater state
        List<TrainingListener> listeners = new ArrayList<>(graph.getListeners());
        graph.setListeners(new ArrayList<TrainingListener>()); // heard per minibatch below, in the iterator's order
        try {
            int workers = all.size();
            while (data.hasNext()) {
                // one period: averageEvery rounds, dealt in turn (minibatch j to worker j % workers); the workers
                // run their minibatches without waiting for each other and meet once, for the average
                List<MultiDataSet> period = new ArrayList<>();
                while (period.size() < averageEvery * workers && data.hasNext()) {
                    period.add(held(data.next()));
                }
                int iteration = graph.getConfiguration().getIterationCount();
                double[] scores = new double[period.size()];
                int active = Math.min(workers, period.size());
                List<Future<?>> others = new ArrayList<>();
                for (int w = 1; w < active; w++) {
                    int worker = w;
                    others.add(executors.get(w - 1).submit(() -> localSteps(all.get(worker), period, worker, workers,
                            iteration, scores)));
                }
                localSteps(graph, period, 0, workers, iteration, scores);
                for (Future<?> f : others) {
                    get(f);
                }
                for (int w = 0; w < active; w++) {
                    trained[w] = true;
                }
                graph.getConfiguration().setIterationCount(iteration + period.size());
                try (MemoryWorkspace ws = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
                    for (int j = 0; j < period.size(); j++) {
                        iterationDone(listeners, period.get(j), scores[j], iteration + j, epoch);
                    }
                }
                average(all, trained);
            }
        } finally {
            graph.setListeners(listeners);
        }
    }

    /**
     * Tells {@code listeners} that the step on {@code batch} is done, with the graph as after {@code fit(batch)}: the
     * whole minibatch as its input and labels (listeners that count examples read {@code batchSize()}, which reads
     * the labels first) and the minibatch's score.
     */
    private void iterationDone(java.util.Collection<TrainingListener> listeners, MultiDataSet batch, double score,
                               int iteration, int epoch) {
        graph.setInputs(batch.getFeatures());
        graph.setLabels(batch.getLabels());
        graph.setScore(score);
        for (TrainingListener l : listeners) {
            l.iterationDone(graph, iteration, epoch);
        }
    }

    /**
     * A copy of {@code batch} of its own, outside workspaces: a period holds many minibatches, and iterators may reuse
     * a minibatch's memory a few calls later (DL4J's prefetch queue recycles its workspace).
     */
    private static MultiDataSet held(MultiDataSet batch) {
        // not MultiDataSet.copy(): it fails on the null label arrays of the zoo's unsupervised penalty heads
        try (MemoryWorkspace ws = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
            return new org.nd4j.linalg.dataset.MultiDataSet(dup(batch.getFeatures()), dup(batch.getLabels()),
                    dup(batch.getFeaturesMaskArrays()), dup(batch.getLabelsMaskArrays()));
        }
    }

    private static INDArray[] dup(INDArray[] arrays) {
        if (arrays == null) {
            return null;
        }
        INDArray[] out = new INDArray[arrays.length];
        for (int i = 0; i < arrays.length; i++) {
            out[i] = arrays[i] == null ? null : arrays[i].dup();
        }
        return out;
    }

    /**
     * Worker {@code worker}'s own DL4J steps on minibatches {@code worker, worker + workers, ...} of {@code period},
     * each as global minibatch {@code first + j}; their scores go to {@code scores[j]}.
     */
    private static Void localSteps(ComputationGraph g, List<MultiDataSet> period, int worker, int workers, int first,
                                   double[] scores) {
        for (int j = worker; j < period.size(); j += workers) {
            g.getConfiguration().setIterationCount(first + j);
            g.fit(period.get(j));
            scores[j] = g.score();
        }
        return null;
    }

    /**
     * Replaces the parameters and updater states of the workers that trained since the last average by their mean,
     * and gives every worker the result.
     */
    private static void average(List<ComputationGraph> all, boolean[] trained) {
        int n = 0;
        for (boolean t : trained) {
            n += t ? 1 : 0;
        }
        if (n == 0) {
            return;
        }
        try (MemoryWorkspace ws = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
            INDArray params = null;
            INDArray state = null;
            for (int w = 0; w < all.size(); w++) {
                if (trained[w]) {
                    INDArray p = all.get(w).params();
                    INDArray s = all.get(w).getUpdater().getStateViewArray();
                    params = params == null ? p.dup() : params.addi(p);
                    if (s != null) {
                        state = state == null ? s.dup() : state.addi(s);
                    }
                }
            }
            params.divi(n);
            if (state != null) {
                state.divi(n);
            }
            for (int w = 0; w < all.size(); w++) {
                all.get(w).params().assign(params);
                INDArray s = all.get(w).getUpdater().getStateViewArray();
                if (s != null) {
                    s.assign(state);
                }
                trained[w] = false;
            }
        }
    }

    /** The synchronous step (class comment). */
    private void step(MultiDataSet batch) {
        long n = batch.getFeatures(0).size(0);
        long[] start = split(n, workers());
        int parts = start.length - 1;
        if (parts <= 1) {
            graph.fit(batch);
            return;
        }
        List<Future<Double>> others = new ArrayList<>();
        for (int k = 1; k < parts; k++) {
            ComputationGraph copy = replicas.get(k - 1);
            long a = start[k];
            long b = start[k + 1];
            others.add(executors.get(k - 1).submit(() -> gradient(copy, batch, a, b)));
        }
        double score = gradient(graph, batch, 0, start[1]) * (start[1] / (double) n);
        // DL4J's gradients are sums over the minibatch's examples (the updater divides by the minibatch size),
        // its scores means: the whole minibatch's gradient is the sum of the parts', its score their weighted mean
        INDArray g = graph.getFlattenedGradients();
        for (int k = 1; k < parts; k++) {
            double w = (start[k + 1] - start[k]) / (double) n;
            score += w * get(others.get(k - 1));
            g.addi(replicas.get(k - 1).getFlattenedGradients());
        }
        int iteration = graph.getConfiguration().getIterationCount();
        int epoch = graph.getConfiguration().getEpochCount();
        try (MemoryWorkspace ws = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
            graph.getUpdater().update(graph.gradient(), iteration, epoch, (int) n, LayerWorkspaceMgr.noWorkspaces());
            INDArray params = graph.params();
            params.subi(graph.getFlattenedGradients().reshape(params.shape()));
            iterationDone(graph.getListeners(), batch, score, iteration, epoch);
        }
        graph.getConfiguration().setIterationCount(iteration + 1);
        graph.applyConstraints(iteration, epoch);
        for (ComputationGraph copy : replicas) {
            copy.params().assign(graph.params());
        }
    }

    /** Computes {@code copy}'s gradient of rows [a, b) of {@code batch} into its gradient view; returns the score. */
    private static double gradient(ComputationGraph copy, MultiDataSet batch, long a, long b) {
        copy.setInputs(rows(batch.getFeatures(), a, b));
        copy.setLabels(rows(batch.getLabels(), a, b));
        copy.setLayerMaskArrays(rows(batch.getFeaturesMaskArrays(), a, b), rows(batch.getLabelsMaskArrays(), a, b));
        copy.computeGradientAndScore();
        double score = copy.score();
        copy.clearLayersStates();
        copy.clearLayerMaskArrays();
        return score;
    }

    private static INDArray[] rows(INDArray[] arrays, long a, long b) {
        if (arrays == null) {
            return null;
        }
        INDArray[] out = new INDArray[arrays.length];
        for (int i = 0; i < arrays.length; i++) {
            INDArray x = arrays[i];
            if (x != null) {
                INDArrayIndex[] idx = new INDArrayIndex[x.rank()];
                idx[0] = NDArrayIndex.interval(a, b);
                for (int d = 1; d < idx.length; d++) {
                    idx[d] = NDArrayIndex.all();
                }
                out[i] = x.get(idx).dup();
            }
        }
        return out;
    }

    private static <T> T get(Future<T> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while a worker computed its gradient", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException("a worker failed: " + cause, cause);
        }
    }

    /** Stops the worker threads. */
    @Override
    public void close() {
        for (ExecutorService e : executors) {
            e.shutdownNow();
        }
    }
}
