package org.unsupervisedzoo.zoo.core;

import java.util.Collection;
import java.util.Map;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams;
import org.deeplearning4j.nn.conf.layers.samediff.SameDiffOutputLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Base of the zoo's unsupervised penalty heads: a parameter-free SameDiff output layer that adds a penalty on
 * its input (a code, a Jacobian term) to the graph's score, and needs no labels.
 *
 * <p>It gets DL4J 1.0.0-M2.1's SameDiff traps right once, so subclasses only write the formula:
 * <ul>
 *   <li><b>Batch scaling.</b> DL4J divides an output layer's score (and, in the updater, its gradients) by the
 *       minibatch size. {@link #batchPenalty} therefore returns the penalty <em>summed over the batch</em>; a
 *       penalty defined once per batch (such as a KL term on the batch-mean activation) is multiplied by the
 *       batch size (use {@link #batchSize}). The graph's score then carries the penalty exactly once.</li>
 *   <li><b>No labels.</b> {@code labelsRequired()} is false, and the runtime layer ({@link PenaltyLayerImpl})
 *       passes no labels placeholder in backprop, which DL4J's own implementation did (so {@code fit} failed).
 *       Train with a MultiDataSet whose label for this head is {@code null}.</li>
 *   <li><b>Loss marking.</b> The returned scalar is the layer's output variable, from which SameDiff builds the
 *       gradient; subclasses create no unused op (an unused op broke backprop).</li>
 *   <li><b>Activations.</b> The head's activations are its input unchanged, so {@code output()} returns e.g.
 *       the code alongside the reconstruction. A penalty head must be a leaf: a DL4J output layer with outgoing
 *       edges could not be fitted.</li>
 * </ul>
 * Subclasses need a no-arg constructor and a getter and setter per hyper-parameter (Jackson uses them; a field
 * without a getter silently reverts to its default on {@code fromJson}).
 */
public abstract class PenaltyLayer extends SameDiffOutputLayer {
    /** The placeholder name DL4J gives a SameDiff output layer's input. */
    public static final String INPUT_KEY = org.deeplearning4j.nn.layers.samediff.SameDiffOutputLayer.INPUT_KEY;

    protected PenaltyLayer() {
    }

    /**
     * The penalty summed over the batch: a scalar. DL4J divides it by the batch size.
     *
     * @param input the head's input, {@code [batch, ...]}
     */
    protected abstract SDVariable batchPenalty(SameDiff sd, SDVariable input);

    /**
     * The penalty summed over the batch, computed with ND4J ops (the same value as {@link #batchPenalty}), or NaN
     * when this head has no such path; then, and when {@link #isSameDiffRuntime()}, SameDiff runs {@link
     * #batchPenalty}. Heads that implement it also implement {@link #penaltyGradient}.
     */
    public double penaltyValue(INDArray input) {
        return Double.NaN;
    }

    /** The gradient of {@link #penaltyValue} with respect to the input, {@code [batch, ...]}, or null. */
    public INDArray penaltyGradient(INDArray input) {
        return null;
    }

    /**
     * Writes the gradient of {@link #penaltyValue} into {@code out} (the input's shape, in the workspace DL4J gives
     * the layer's error); false when this head has no ND4J path. The default copies {@link #penaltyGradient}; heads
     * override it to write in place (ND4J arrays made outside a workspace cost far more than the arithmetic).
     */
    public boolean penaltyGradientInto(INDArray input, INDArray out) {
        INDArray g = penaltyGradient(input);
        if (g == null) {
            return false;
        }
        out.assign(g);
        return true;
    }

    private boolean sameDiffRuntime;

    /**
     * True: compute the penalty and its gradient through SameDiff from {@link #batchPenalty} even where the head has
     * an ND4J path (the reference; slower: a SameDiff session costs about 2 ms per step). Default false.
     */
    public boolean isSameDiffRuntime() {
        return sameDiffRuntime;
    }

    public void setSameDiffRuntime(boolean sameDiffRuntime) {
        this.sameDiffRuntime = sameDiffRuntime;
    }

    /** The batch size of {@code input} as a scalar of the input's type. */
    protected static SDVariable batchSize(SameDiff sd, SDVariable input) {
        return sd.sizeAt(input, 0).castTo(input.dataType());
    }

    @Override
    public final SDVariable defineLayer(SameDiff sd, SDVariable input, SDVariable labels,
                                        Map<String, SDVariable> params) {
        return batchPenalty(sd, input);
    }

    @Override
    public final boolean labelsRequired() {
        return false;
    }

    @Override
    public final String activationsVertexName() {
        return INPUT_KEY;
    }

    @Override
    public void defineParameters(SDLayerParams params) {
        // no parameters
    }

    @Override
    public void initializeParameters(Map<String, INDArray> params) {
        // no parameters
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        return inputType;
    }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf,
            Collection<TrainingListener> trainingListeners, int layerIndex, INDArray layerParamsView,
            boolean initializeParams, DataType networkDataType) {
        return Runtimes.wire(new PenaltyLayerImpl(conf, networkDataType), this, conf, layerIndex, layerParamsView,
                initializeParams);
    }
}
