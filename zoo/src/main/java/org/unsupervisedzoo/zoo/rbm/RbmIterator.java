package org.unsupervisedzoo.zoo.rbm;

import java.util.function.UnaryOperator;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.unsupervisedzoo.zoo.core.MappedMultiDataSetIterator;

/**
 * Feeds an {@link RBM} graph: for each minibatch {@code v} of the base iterator it draws the negative particles
 * with the graph's <em>current</em> parameters and returns features {@code [v, v_model]}, labels {@code [null]}.
 * <ul>
 *   <li>CD-k: {@code v_model} = k Gibbs steps started at {@code v}.</li>
 *   <li>PCD-k: a persistent chain of one particle per example, started like scikit-learn's at {@code h = 0}
 *       ({@code v ~ p(v | h = 0)}), advanced k steps before every update and kept across updates and epochs.</li>
 * </ul>
 * The draws come from a generator of its own seeded by {@code seed}: fresh on every step, the same for the same
 * seed. Bernoulli inputs outside [0,1] are rejected. Not asynchronous: it must run between the updates.
 */
public final class RbmIterator extends MappedMultiDataSetIterator {
    private final RBM rbm;
    private final ComputationGraph graph;
    private final Random rng;
    private final UnaryOperator<INDArray> transform;
    private INDArray chain;

    private static final WorkspaceConfiguration GIBBS_WORKSPACE = WorkspaceConfiguration.builder().initialSize(0)
            .policyAllocation(AllocationPolicy.STRICT).policyLearning(LearningPolicy.FIRST_LOOP).build();
    private static final String GIBBS_WORKSPACE_ID = "ZOO_RBM_GIBBS";

    public RbmIterator(DataSetIterator base, RBM rbm, ComputationGraph graph, long seed) {
        this(base, rbm, graph, seed, null);
    }

    /** With {@code transform} applied to each minibatch first (e.g. the features of lower RBMs in a stack). */
    public RbmIterator(DataSetIterator base, RBM rbm, ComputationGraph graph, long seed,
                       UnaryOperator<INDArray> transform) {
        super(base);
        if (rbm == null || graph == null) {
            throw new IllegalArgumentException("rbm and graph must not be null");
        }
        this.rbm = rbm;
        this.graph = graph;
        this.rng = Nd4j.getRandomFactory().getNewRandomInstance(seed);
        this.transform = transform;
    }

    /** The persistent chain's current particles (PCD), or null. */
    public INDArray chain() {
        return chain;
    }

    /**
     * Continues the persistent chain {@code particles} (e.g. {@link #chain()} of the iterator of the previous epoch,
     * or one saved in a checkpoint) instead of starting a new one; null starts a new one.
     */
    public void chain(INDArray particles) {
        if (particles != null && !rbm.persistent()) {
            throw new IllegalArgumentException("CD keeps no chain between steps; only PCD continues one");
        }
        if (particles != null && (particles.rank() != 2 || particles.size(1) != rbm.nVisible())) {
            throw new IllegalArgumentException("chain must be [n, " + rbm.nVisible() + "], got "
                    + java.util.Arrays.toString(particles.shape()));
        }
        chain = particles == null ? null : particles.dup();
    }

    /** The negative particles for minibatch {@code v}, drawn with the current parameters. */
    public INDArray negativeParticles(INDArray v) {
        RbmParams p = rbm.params(graph);
        if (!rbm.persistent()) {
            return gibbsOutsideWorkspaces(p, v);
        }
        long n = v.size(0);
        if (chain == null || chain.size(0) < n) {
            INDArray fresh = p.sampleVisible(Nd4j.zeros(v.dataType(), n - (chain == null ? 0 : chain.size(0)),
                    p.nHidden()), rng);
            chain = chain == null ? fresh : Nd4j.vstack(chain, fresh);
        }
        chain = gibbsOutsideWorkspaces(p, chain);
        return n == chain.size(0) ? chain : chain.get(NDArrayIndex.interval(0, n), NDArrayIndex.all()).dup();
    }

    /**
     * k Gibbs steps from {@code start}, their temporaries in a workspace reset every call and only the result
     * copied out: ND4J arrays made outside a workspace are freed by the garbage collector, so every step's
     * temporaries landed on fresh memory pages, which cost more than the arithmetic at small batches.
     */
    private INDArray gibbsOutsideWorkspaces(RbmParams p, INDArray start) {
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().getAndActivateWorkspace(GIBBS_WORKSPACE,
                GIBBS_WORKSPACE_ID)) {
            return p.gibbs(start, rbm.k(), rng).detach();
        }
    }

    @Override
    protected MultiDataSet map(DataSet ds) {
        INDArray v = ds.getFeatures();
        if (transform != null) {
            v = transform.apply(v);
        }
        rbm.params(graph).checkVisible("training input", v);
        INDArray negative = negativeParticles(v).castTo(v.dataType());
        return new org.nd4j.linalg.dataset.MultiDataSet(new INDArray[] {v, negative}, new INDArray[] {null});
    }
}
