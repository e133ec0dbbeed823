package org.unsupervisedzoo.zoo.fast;

import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.updater.graph.ComputationGraphUpdater;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * DL4J's {@link ComputationGraphUpdater} on its standard path. In DL4J 1.0.0-M2.1 the updater tells the graph's own
 * gradient from an "external" one (RL4J's case: gradients of one network applied to another) by object identity,
 * {@code gradient.gradient() != getFlattenedGradientsView()}, but {@code DefaultGradient.gradient()} returns a new
 * reshaped view of the graph's flattened gradients on every call: every {@code fit} step of every graph took the
 * external path, which slices the whole parameter and gradient vectors into new views per parameter, twice, and
 * recomputes the minibatch-division subsets (about 5% of a small autoencoder's step, BENCHMARKS.md). Here a gradient
 * whose flattened array is the graph's own gradient memory is passed on as that very view, so the updater takes its
 * standard path: the same updates on the same memory. Gradients held elsewhere still take the external path.
 * {@link #install} puts it in a graph; the zoo's factories do so in {@code init()}, and so do the graphs the zoo
 * builds to train ({@code EncoderClassifier}, {@code LinearProbe}). The updater state is DL4J's
 * (same layout, saved and restored by {@code ModelSerializer} as before).
 */
public class ViewGradientUpdater extends ComputationGraphUpdater {
    public ViewGradientUpdater(ComputationGraph graph) {
        super(graph);
    }

    public ViewGradientUpdater(ComputationGraph graph, INDArray updaterState) {
        super(graph, updaterState);
    }

    /**
     * Gives {@code graph} this updater, keeping the state of the one it has (if any): call after {@code init()}.
     * Returns the graph.
     */
    public static ComputationGraph install(ComputationGraph graph) {
        ComputationGraphUpdater old = graph.getUpdater(false);
        if (old instanceof ViewGradientUpdater) {
            return graph;
        }
        INDArray state = old == null ? null : old.getStateViewArray();
        graph.setUpdater(state == null ? new ViewGradientUpdater(graph) : new ViewGradientUpdater(graph, state));
        return graph;
    }

    @Override
    public synchronized void update(Gradient gradient, int iteration, int epoch, int batchSize,
                                    LayerWorkspaceMgr workspaceMgr) {
        INDArray own = getFlattenedGradientsView();
        INDArray flat = gradient.gradient();
        if (flat != own && sameMemory(flat, own)) {
            gradient = new OwnView(gradient, own);
        }
        super.update(gradient, iteration, epoch, batchSize, workspaceMgr);
    }

    /** Whether {@code a} and {@code b} are the same elements of the same buffer in the same order. */
    static boolean sameMemory(INDArray a, INDArray b) {
        return a != null && b != null && a.length() == b.length() && a.dataType() == b.dataType()
                && a.elementWiseStride() == 1 && b.elementWiseStride() == 1 && a.offset() == b.offset()
                && a.data().address() == b.data().address() && a.data().originalOffset() == b.data().originalOffset();
    }

    /** A gradient whose flattened array is the updater's own view object; everything else is the original's. */
    private static final class OwnView implements Gradient {
        private final Gradient delegate;
        private final INDArray view;

        OwnView(Gradient delegate, INDArray view) {
            this.delegate = delegate;
            this.view = view;
        }

        @Override
        public Map<String, INDArray> gradientForVariable() {
            return delegate.gradientForVariable();
        }

        @Override
        public INDArray gradient(List<String> order) {
            return delegate.gradient(order);
        }

        @Override
        public INDArray gradient() {
            return view;
        }

        @Override
        public void clear() {
            delegate.clear();
        }

        @Override
        public INDArray getGradientFor(String variable) {
            return delegate.getGradientFor(variable);
        }

        @Override
        public INDArray setGradientFor(String variable, INDArray gradient) {
            return delegate.setGradientFor(variable, gradient);
        }

        @Override
        public INDArray setGradientFor(String variable, INDArray gradient, Character flatteningOrder) {
            return delegate.setGradientFor(variable, gradient, flatteningOrder);
        }

        @Override
        public Character flatteningOrderForVariable(String variable) {
            return delegate.flatteningOrderForVariable(variable);
        }
    }
}
