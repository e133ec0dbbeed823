package org.unsupervisedzoo.spark;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.deeplearning4j.parallelism.ParallelWrapper;
import org.deeplearning4j.parallelism.factory.DefaultTrainerContext;
import org.deeplearning4j.parallelism.trainer.DefaultTrainer;
import org.deeplearning4j.parallelism.trainer.Trainer;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.unsupervisedzoo.examples.TrainRecipe;

/**
 * DL4J's ParallelWrapper in parameter-averaging mode for one epoch, its trainers made reproducible: the wrapper the
 * Builder makes for {@code TrainingMode.AVERAGING} (same settings: averaging of parameters and updater state every
 * {@code averagingFrequency} rounds, no prefetch), but with trainers that
 * <ul>
 *   <li>reseed ND4J's generator of their thread before their first step, from {@code epochSeed(noiseSeed, 0,
 *       thread)}: noise drawn inside the graph (the denoising autoencoder's corruption) comes from it, and DL4J's
 *       trainer threads start with a clock-seeded generator (thread 0) or one seeded by the graph's seed at every
 *       fit (the others);</li>
 *   <li>wait, before their first step, until every trainer has copied the model: trainer 0 trains the model itself,
 *       while the others copy its parameters and updater state when their thread starts, so without the wait a slow
 *       start may copy parameters trainer 0 has already changed (two runs of the same command were seen up to 0.004
 *       apart, 0.4 of an epoch's change, with DL4J's trainers; none since).</li>
 * </ul>
 * The Builder cannot take a trainer factory in averaging mode (it sets its own), hence this subclass. One wrapper per
 * epoch: DL4J's wrapper counts rounds across fits for its averaging schedule, which a resumed run would restart.
 */
final class EpochParallelWrapper extends ParallelWrapper {
    /** How long a trainer waits for the others to copy the model before giving up. */
    static final long READY_TIMEOUT_SECONDS = 300;

    /**
     * @param graph              the graph to train (trainer 0 trains it in place)
     * @param workers            trainer threads
     * @param averagingFrequency rounds (one batch per trainer) between averages
     * @param noiseSeed          the epoch's seed of the noise drawn inside the graph
     */
    EpochParallelWrapper(ComputationGraph graph, int workers, int averagingFrequency, long noiseSeed) {
        super(graph, workers, 0);
        if (workers < 2) { // the Builder's check
            throw new IllegalArgumentException("--workers must be >= 2 for DL4J's ParallelWrapper, got " + workers);
        }
        // what ParallelWrapper.Builder sets for TrainingMode.AVERAGING with averageUpdaters(true), prefetchBuffer(0)
        this.averagingFrequency = averagingFrequency;
        this.reportScore = false;
        this.averageUpdaters = true;
        this.legacyAveraging = true;
        this.isMQ = Nd4j.getAffinityManager().getNumberOfDevices() > 1;
        this.workspaceMode = WorkspaceMode.ENABLED;
        this.trainerContext = new Context(noiseSeed, workers);
        this.gradientsAccumulator = null;
        init();
        List<TrainingListener> listeners = new ArrayList<>(graph.getListeners());
        graph.setListeners(Collections.emptyList());
        if (!listeners.isEmpty()) {
            setListeners(listeners);
        }
    }

    /** Makes the trainers of one fit; they share the latch each counts down once it holds its copy of the model. */
    static final class Context extends DefaultTrainerContext {
        private final long noiseSeed;
        private final CountDownLatch ready;

        Context(long noiseSeed, int workers) {
            this.noiseSeed = noiseSeed;
            this.ready = new CountDownLatch(workers);
        }

        @Override
        public Trainer create(String uuid, int threadId, Model model, int rootDevice, boolean useMDS,
                              ParallelWrapper wrapper, WorkspaceMode mode, int averagingFrequency) {
            SeededTrainer t = new SeededTrainer(TrainRecipe.epochSeed(noiseSeed, 0, threadId), ready, uuid, threadId,
                    model, useMDS, wrapper, mode, averagingFrequency);
            t.setName("DefaultTrainer thread " + threadId);
            t.setDaemon(true);
            return t;
        }
    }

    /** DL4J's trainer, reseeded and waiting for the others before its first step. */
    static final class SeededTrainer extends DefaultTrainer {
        private final long seed;
        private final CountDownLatch ready;
        private boolean started;

        SeededTrainer(long seed, CountDownLatch ready, String uuid, int threadId, Model model, boolean useMDS,
                      ParallelWrapper wrapper, WorkspaceMode mode, int averagingFrequency) {
            this.seed = seed;
            this.ready = ready;
            // what DefaultTrainerContext sets
            this.originalModel = model;
            this.replicatedModel = model;
            this.threadId = threadId;
            this.parallelWrapper = wrapper;
            this.workspaceMode = mode;
            this.useMDS = useMDS;
            this.uuid = uuid + "_thread_" + threadId;
            this.averagingFrequency = averagingFrequency;
        }

        /** Called on the trainer's thread once its model is set up (trainer 0: the model; others: a copy). */
        @Override
        protected void postInit() {
            super.postInit();
            ready.countDown();
        }

        private void beforeStep() {
            if (started) {
                return;
            }
            started = true;
            try {
                if (!ready.await(READY_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("ParallelWrapper trainer " + threadId + ": the other trainers did"
                            + " not copy the model within " + READY_TIMEOUT_SECONDS + " s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("ParallelWrapper trainer " + threadId + " interrupted", e);
            }
            Nd4j.getRandom().setSeed(seed); // the generator of the thread running this trainer
        }

        @Override
        protected void fit(DataSet dataSet) {
            beforeStep();
            super.fit(dataSet);
        }

        @Override
        protected void fit(MultiDataSet dataSet) {
            beforeStep();
            super.fit(dataSet);
        }
    }
}
