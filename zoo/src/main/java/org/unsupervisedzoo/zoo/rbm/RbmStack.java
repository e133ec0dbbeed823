package org.unsupervisedzoo.zoo.rbm;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.unsupervisedzoo.zoo.core.Checks;

/**
 * A stack of RBMs trained greedily layer by layer, as a deep belief net is pretrained (Hinton, Osindero &amp; Teh,
 * "A fast learning algorithm for deep belief nets", Neural Computation 2006): layer 1 on the data, layer l on the
 * hidden probabilities {@code p(h|v)} of layer l-1 (mean-field propagation). Layers above the first are
 * Bernoulli-Bernoulli. The result is a deep encoder, {@link #encoderGraph}: {@value RBM#INPUT} ->
 * {@code hidden-1} -> ... -> {@value RBM#CODE}, sigmoid DenseLayers holding the RBMs' weights and hidden biases.
 *
 * <p>Holds one {@link RBM} factory and one graph per layer; this class trains (the factories do not).
 */
public final class RbmStack {
    private final List<RBM> rbms = new ArrayList<>();
    private final List<ComputationGraph> graphs = new ArrayList<>();

    /**
     * A stack with layer widths {@code sizes[0]} (visible) -> {@code sizes[1]} -> ...; each layer is
     * {@code builder.get().nVisible(sizes[l]).nHidden(sizes[l+1])} (the supplier gives a fresh builder with the
     * shared hyper-parameters; layers above the first get BERNOULLI visible units and seed + l).
     */
    public RbmStack(int[] sizes, Supplier<RBM.Builder> builder) {
        Checks.positiveSizes("sizes", sizes);
        if (sizes.length < 2) {
            throw new IllegalArgumentException("sizes must list the visible width and at least one hidden width, got "
                    + java.util.Arrays.toString(sizes));
        }
        Checks.notNull("builder", builder);
        for (int l = 0; l + 1 < sizes.length; l++) {
            RBM.Builder b = builder.get().nVisible(sizes[l]).nHidden(sizes[l + 1]);
            if (l > 0) {
                b.visibleUnits(VisibleUnits.BERNOULLI).seed(rbms.get(0).seed() + l);
            }
            RBM rbm = b.build();
            rbms.add(rbm);
            graphs.add(rbm.init());
        }
    }

    /** Name of the l-th hidden layer of the encoder graph (1-based), below the top one. */
    public static String hiddenLayer(int l) {
        return "hidden-" + l;
    }

    public int depth() {
        return rbms.size();
    }

    public RBM rbm(int layer) {
        return rbms.get(layer);
    }

    public ComputationGraph graph(int layer) {
        return graphs.get(layer);
    }

    /** The hidden probabilities after the first {@code layers} RBMs (0: {@code v} itself). */
    public INDArray features(INDArray v, int layers) {
        INDArray x = v;
        for (int l = 0; l < layers; l++) {
            x = rbms.get(l).params(graphs.get(l)).hiddenProbabilities(x);
        }
        return x;
    }

    /** Trains layer {@code layer} for {@code epochs} epochs on the features of the layers below it. */
    public void trainLayer(int layer, DataSetIterator data, int epochs, long seed) {
        Checks.positive("epochs", epochs);
        UnaryOperator<INDArray> below = layer == 0 ? null : v -> features(v, layer);
        RBM rbm = rbms.get(layer);
        ComputationGraph graph = graphs.get(layer);
        if (RbmTrainer.unsupported(rbm, graph) == null) { // the fused step (plain SGD, Bernoulli units)
            RbmTrainer trainer = new RbmTrainer(rbm, graph, seed + layer);
            for (int e = 0; e < epochs; e++) {
                data.reset();
                trainer.fit(data, below);
            }
            return;
        }
        RbmIterator it = new RbmIterator(data, rbm, graph, seed + layer, below);
        for (int e = 0; e < epochs; e++) {
            data.reset();
            graph.fit(it);
        }
    }

    /** Greedy layer-wise training, bottom to top, {@code epochsPerLayer} epochs each. */
    public RbmStack train(DataSetIterator data, int epochsPerLayer, long seed) {
        for (int l = 0; l < depth(); l++) {
            trainLayer(l, data, epochsPerLayer, seed);
        }
        return this;
    }

    /** The deep encoder: input -> hidden-1 -> ... -> code, built-in sigmoid DenseLayers, weights copied. */
    public ComputationGraph encoderGraph() {
        RbmParams[] layers = new RbmParams[depth()];
        for (int l = 0; l < depth(); l++) {
            layers[l] = rbms.get(l).params(graphs.get(l));
        }
        return RBM.encoderGraph(rbms.get(0).netBuilderForEncoder(), layers);
    }
}
