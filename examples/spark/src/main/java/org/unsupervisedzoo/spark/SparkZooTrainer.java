package org.unsupervisedzoo.spark;

import org.unsupervisedzoo.zoo.fast.Accelerate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function2;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.optimize.solvers.accumulation.encoding.threshold.AdaptiveThresholdAlgorithm;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.api.TrainingHook;
import org.deeplearning4j.spark.api.TrainingMaster;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingWorker;
import org.deeplearning4j.spark.parameterserver.training.SharedTrainingMaster;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.parameterserver.distributed.conf.VoidConfiguration;
import org.unsupervisedzoo.examples.TrainRecipe;
import org.unsupervisedzoo.zoo.core.Checks;

/**
 * Trains a zoo graph on Spark through DL4J's own Spark integration: {@link ParameterAveragingTrainingMaster}
 * ({@link Mode#AVERAGING}: every worker fits {@code averagingFrequency} batches of {@code batchPerWorker}
 * examples, then the driver averages parameters and updater state) or {@link SharedTrainingMaster}
 * ({@link Mode#SHARING}: workers exchange threshold-encoded gradient updates over Aeron, with an adaptive
 * threshold starting at {@code threshold}). A trainer trains; it builds no model (the zoo factory does).
 *
 * <p>Each epoch the RDD of plain batches is mapped on the workers through a {@link BatchShaper} with a generator
 * seeded by (seed, epoch, partition), so corruption-free inputs, penalty-head nulls and the VAE's {@code eps}
 * noise are built where the data lies, and the noise is fresh every epoch (the mapped RDD is never cached).
 * Noise drawn inside the graph (the denoising autoencoder's corruption) comes from ND4J's generator of the thread
 * that trains; in averaging mode each worker reseeds it when its share of a split starts, from (seed, epoch, split,
 * partition) ({@link WorkerSeededMaster}), so epoch {@code e} draws the same noise whichever epoch a run started
 * from.
 *
 * <pre>{@code
 * SparkZooTrainer t = SparkZooTrainer.builder().mode(Mode.AVERAGING).workers(2).batchPerWorker(32).build();
 * ComputationGraph trained = t.fit(sc, Accelerate.init(factory), MnistBatches.rdd(sc, train, FLAT, 32, 2, 1),
 *         BatchShaper.of(factory, false), 5, (epoch, graph, score, seconds) -> { });
 * }</pre>
 *
 * <p>Defaults: averaging, 2 workers, 32 examples per worker batch, averaging every 5 batches (more: less
 * communication, slower convergence), sharing threshold 1e-3 (the default 1e-5-like thresholds of DL4J's
 * ParallelWrapper did not learn here; larger: sparser updates).
 */
public final class SparkZooTrainer {
    /** How workers combine their work. */
    public enum Mode {
        /** Parameter averaging (synchronous): trains on local[n] and on a cluster of executor JVMs. */
        AVERAGING,
        /** Gradient sharing over Aeron (asynchronous, threshold-encoded updates). */
        SHARING
    }

    /** Called on the driver after each epoch. */
    public interface EpochListener {
        /**
         * @param epoch   1-based epoch
         * @param graph   the graph after the epoch (the driver's copy)
         * @param score   the training master's mean score over the epoch (0 for gradient sharing: DL4J does not
         *                report it), in the graph's units
         * @param seconds wall time of the epoch's fit
         */
        void epochDone(int epoch, ComputationGraph graph, double score, double seconds) throws Exception;
    }

    private final Builder b;

    private SparkZooTrainer(Builder b) {
        this.b = b;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Mode mode() {
        return b.mode;
    }

    /** The DL4J training master of this trainer's settings. */
    public TrainingMaster<?, ?> trainingMaster() {
        return trainingMaster(b.seed);
    }

    /**
     * The training master of epoch {@code epoch} in averaging mode: a fresh one, its repartitioning generator
     * seeded by (seed, epoch). DL4J's master draws each fit's split from one generator seeded once, so a master
     * kept across epochs would split epoch {@code e} by what the earlier epochs drew, and a resumed run (a new
     * master) would split it otherwise.
     */
    private TrainingMaster<?, ?> epochMaster(int epoch) {
        return new WorkerSeededMaster(averaging(b.seed * 1_000_003L + epoch * 7_919L + 0x5DEECE66DL),
                TrainRecipe.epochSeed(b.seed, epoch, TrainRecipe.GRAPH_NOISE_STREAM));
    }

    private ParameterAveragingTrainingMaster.Builder averaging(long seed) {
        return new ParameterAveragingTrainingMaster.Builder(b.workers, b.batchPerWorker)
                .batchSizePerWorker(b.batchPerWorker)
                .averagingFrequency(b.averagingFrequency)
                .workerPrefetchNumBatches(0)
                .saveUpdater(true)
                // the default Export approach writes batches to a shared folder first and was refused off
                // local mode; Direct trains from the RDD as it is
                .rddTrainingApproach(RDDTrainingApproach.Direct)
                .rngSeed(seed);
    }

    private TrainingMaster<?, ?> trainingMaster(long seed) {
        if (b.mode == Mode.AVERAGING) {
            return averaging(seed).build();
        }
        VoidConfiguration voidConf = VoidConfiguration.builder()
                .unicastPort(b.port)
                .controllerAddress(b.controllerAddress)
                .networkMask(b.networkMask)
                .build();
        return new SharedTrainingMaster.Builder(voidConf, b.workers, new AdaptiveThresholdAlgorithm(b.threshold),
                b.batchPerWorker)
                .batchSizePerWorker(b.batchPerWorker)
                .workersPerNode(b.workersPerNode)
                .workerPrefetchNumBatches(0)
                .rddTrainingApproach(RDDTrainingApproach.Direct)
                .rngSeed(seed)
                .build();
    }

    /**
     * Trains {@code graph} for {@code epochs} epochs over {@code batches}, each batch shaped on the workers by
     * {@code shaper}; returns the trained graph (the driver's copy, with updater state for averaging).
     *
     * @throws IllegalStateException naming the worker's error when a task fails (Spark aborts the job; it does
     *                               not hang), or when an epoch left every parameter unchanged (no update reached
     *                               the driver)
     */
    public ComputationGraph fit(JavaSparkContext sc, ComputationGraph graph, JavaRDD<DataSet> batches,
                                BatchShaper shaper, int epochs, EpochListener listener) throws Exception {
        return fit(sc, graph, batches, shaper, 1, epochs, listener);
    }

    /**
     * As {@link #fit(JavaSparkContext, ComputationGraph, JavaRDD, BatchShaper, int, EpochListener)}, but from epoch
     * {@code firstEpoch} to {@code epochs} (both 1-based, inclusive): the continuation of a run whose first
     * {@code firstEpoch - 1} epochs made {@code graph} (with its updater state). Epoch {@code e} draws the same
     * worker noise whichever epoch the call started from.
     */
    public ComputationGraph fit(JavaSparkContext sc, ComputationGraph graph, JavaRDD<DataSet> batches,
                                BatchShaper shaper, int firstEpoch, int epochs, EpochListener listener)
            throws Exception {
        Checks.positive("epochs", epochs);
        if (firstEpoch < 1 || firstEpoch > epochs) {
            throw new IllegalArgumentException("firstEpoch must be in [1, " + epochs + "], got " + firstEpoch);
        }
        Checks.notNull("shaper", shaper);
        // averaging: a master per epoch, seeded by (seed, epoch), so epoch e trains alike whichever epoch the call
        // started from; sharing: one master (its Aeron parameter server) for the whole call
        SparkComputationGraph spark = null;
        ComputationGraph network = graph;
        try {
            for (int epoch = firstEpoch; epoch <= epochs; epoch++) {
                if (spark == null || b.mode == Mode.AVERAGING) {
                    if (spark != null) {
                        spark.getTrainingMaster().deleteTempFiles(sc);
                    }
                    spark = new SparkComputationGraph(sc, network,
                            b.mode == Mode.AVERAGING ? epochMaster(epoch) : trainingMaster());
                }
                JavaRDD<MultiDataSet> shaped = shape(batches, shaper, b.seed, epoch);
                INDArray before = spark.getNetwork().params().dup();
                long t0 = System.nanoTime();
                ComputationGraph trained;
                try {
                    trained = spark.fitMultiDataSet(shaped);
                } catch (Exception e) { // Scala code throws SparkException unchecked
                    throw new IllegalStateException("Spark training failed in epoch " + epoch + " (" + b.mode
                            + "): " + rootMessage(e), e);
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                if (trained.params().equals(before)) {
                    // seen with gradient sharing across two executor JVMs: the job ends, the model never changes
                    throw new IllegalStateException("Spark training left every parameter unchanged in epoch " + epoch
                            + " (" + b.mode + "): no worker update reached the driver"
                            + (b.mode == Mode.SHARING ? "; gradient sharing was seen to do this with executors in"
                            + " separate JVMs (README, Scale-out): use parameter averaging" : ""));
                }
                network = spark.getNetwork();
                if (listener != null) {
                    listener.epochDone(epoch, trained, spark.getScore(), seconds);
                }
            }
            return network;
        } finally {
            if (spark != null) {
                spark.getTrainingMaster().deleteTempFiles(sc);
            }
        }
    }

    /** The RDD of training MultiDataSets of one epoch: {@code batches} shaped on the workers. */
    public static JavaRDD<MultiDataSet> shape(JavaRDD<DataSet> batches, BatchShaper shaper, long seed, int epoch) {
        return batches.mapPartitionsWithIndex(new ShapePartition(shaper, seed, epoch), true);
    }

    /** The innermost cause's class and message (Spark wraps a worker's exception several times). */
    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String msg = t.getClass().getSimpleName() + ": " + t.getMessage();
        if (t != e && e.getMessage() != null && !e.getMessage().contains(String.valueOf(t.getMessage()))) {
            String first = e.getMessage().split("\n")[0];
            msg += " [" + (first.length() > 300 ? first.substring(0, 300) + "..." : first) + "]";
        }
        return msg;
    }

    /**
     * DL4J's parameter averaging whose workers reseed ND4J's generator (the one noise drawn inside the graph comes
     * from: it is per thread, and Spark's task threads keep theirs from task to task) before their first step of
     * each split: DL4J's master trains an epoch as splits of {@code averagingFrequency} batches per worker, each a
     * Spark job whose tasks build a worker graph and fit their partition's batches; the worker of split {@code s}'s
     * partition {@code p} seeds from {@code epochSeed(noiseSeed, s, p)}, {@code noiseSeed} being the epoch's.
     */
    static final class WorkerSeededMaster extends ParameterAveragingTrainingMaster {
        private static final long serialVersionUID = 1L;
        private final long noiseSeed;
        private int split;

        WorkerSeededMaster(ParameterAveragingTrainingMaster.Builder builder, long noiseSeed) {
            super(builder);
            this.noiseSeed = noiseSeed;
        }

        /** Called once per split, on the driver, before the split's job: its worker carries the reseeding hook. */
        @Override
        public ParameterAveragingTrainingWorker getWorkerInstance(SparkComputationGraph graph) {
            Collection<TrainingHook> hooks = trainingHookList;
            List<TrainingHook> withReseed = new ArrayList<>();
            if (hooks != null) {
                withReseed.addAll(hooks);
            }
            withReseed.add(new ReseedWorker(noiseSeed, ++split));
            trainingHookList = withReseed;
            try {
                return super.getWorkerInstance(graph);
            } finally {
                trainingHookList = hooks;
            }
        }
    }

    /**
     * Reseeds the training thread's ND4J generator before a task's first step, from (seed, split, the task's
     * partition). Spark deserializes the worker, and so this hook, for every task; the task's attempt id is kept so
     * that a hook seen by a second task would reseed again.
     */
    static final class ReseedWorker implements TrainingHook {
        private static final long serialVersionUID = 1L;
        private final long seed;
        private final int split;
        private transient Long seededTask;

        ReseedWorker(long seed, int split) {
            this.seed = seed;
            this.split = split;
        }

        private void reseed() {
            TaskContext task = TaskContext.get();
            long id = task == null ? -1 : task.taskAttemptId();
            if (seededTask == null || seededTask != id) {
                int partition = task == null ? 0 : task.partitionId();
                Nd4j.getRandom().setSeed(TrainRecipe.epochSeed(seed, split, partition));
                seededTask = id;
            }
        }

        @Override
        public void preUpdate(org.nd4j.linalg.dataset.api.DataSet minibatch, Model model) {
            reseed();
        }

        @Override
        public void preUpdate(MultiDataSet minibatch, Model model) {
            reseed();
        }

        @Override
        public void postUpdate(org.nd4j.linalg.dataset.api.DataSet minibatch, Model model) {
        }

        @Override
        public void postUpdate(MultiDataSet minibatch, Model model) {
        }
    }

    /** Shapes one partition's batches with a generator seeded by (seed, epoch, partition). */
    static final class ShapePartition implements Function2<Integer, Iterator<DataSet>, Iterator<MultiDataSet>> {
        private static final long serialVersionUID = 1L;
        private final BatchShaper shaper;
        private final long seed;
        private final int epoch;

        ShapePartition(BatchShaper shaper, long seed, int epoch) {
            this.shaper = shaper;
            this.seed = seed;
            this.epoch = epoch;
        }

        @Override
        public Iterator<MultiDataSet> call(Integer partition, Iterator<DataSet> it) {
            long s = seed * 1_000_003L + epoch * 7_919L + partition * 104_729L;
            List<MultiDataSet> out = new ArrayList<>();
            try (Random rng = Nd4j.getRandomFactory().getNewRandomInstance(s)) {
                while (it.hasNext()) {
                    out.add(shaper.shape(it.next(), rng));
                }
            } catch (Exception e) {
                if (e instanceof RuntimeException) {
                    throw (RuntimeException) e;
                }
                throw new IllegalStateException(e);
            }
            return out.iterator();
        }
    }

    /** Settings; every one validated at {@link #build()}. */
    public static final class Builder {
        private Mode mode = Mode.AVERAGING;            // averaging trains everywhere; sharing only in local mode here
        private int workers = 2;                       // Spark tasks training at once (executors x cores)
        private int workersPerNode = 1;                // sharing: trainers per executor (1: one per task slot)
        private int batchPerWorker = 32;               // examples per worker minibatch
        private int averagingFrequency = 5;            // averaging: batches per worker between averages
        private double threshold = 1e-3;               // sharing: initial adaptive encoding threshold
        private long seed = 12345;                     // worker noise and DL4J's repartitioning
        private int port = 40123;                      // sharing: Aeron port
        private String controllerAddress = null;       // sharing: driver address (null: DL4J's detection)
        private String networkMask = null;             // sharing: e.g. 10.0.0.0/16 on a cluster (null: any)

        public Builder mode(Mode mode) {
            this.mode = mode;
            return this;
        }

        public Builder workers(int workers) {
            this.workers = workers;
            return this;
        }

        public Builder workersPerNode(int workersPerNode) {
            this.workersPerNode = workersPerNode;
            return this;
        }

        public Builder batchPerWorker(int batchPerWorker) {
            this.batchPerWorker = batchPerWorker;
            return this;
        }

        public Builder averagingFrequency(int averagingFrequency) {
            this.averagingFrequency = averagingFrequency;
            return this;
        }

        public Builder threshold(double threshold) {
            this.threshold = threshold;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public Builder controllerAddress(String controllerAddress) {
            this.controllerAddress = controllerAddress;
            return this;
        }

        public Builder networkMask(String networkMask) {
            this.networkMask = networkMask;
            return this;
        }

        public SparkZooTrainer build() {
            Checks.notNull("mode", mode);
            Checks.positive("workers", workers);
            Checks.positive("workersPerNode", workersPerNode);
            Checks.positive("batchPerWorker", batchPerWorker);
            Checks.positive("averagingFrequency", averagingFrequency);
            Checks.positive("threshold", threshold);
            Checks.inRange("port", port, 1, 65535);
            return new SparkZooTrainer(this);
        }
    }
}
