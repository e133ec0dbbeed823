package org.unsupervisedzoo.zoo.core;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.samediff.DL4JSameDiffMemoryMgr;
import org.deeplearning4j.nn.layers.samediff.SameDiffOutputLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.internal.InferenceSession;
import org.nd4j.autodiff.samediff.internal.SessionMemMgr;
import org.nd4j.common.base.Preconditions;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Runtime side of a {@link PenaltyLayer}: DL4J's SameDiff output layer with one fix. DL4J 1.0.0-M2.1's
 * {@code backpropGradient} always passes a {@code labels} placeholder, which does not exist when
 * {@code labelsRequired()} is false, so {@code fit} failed with "No variable/placeholder with name labels".
 * This copy of that method (Apache-2.0, from deeplearning4j-nn 1.0.0-M2.1) passes labels only when the layer
 * needs them; everything else is DL4J's own code.
 */
public class PenaltyLayerImpl extends SameDiffOutputLayer {
    public PenaltyLayerImpl(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    /**
     * The penalty head whose ND4J fast path applies, or null: other label-free output layers that share this
     * runtime (the SOM's and the RBM's) always run their SameDiff definition.
     */
    private PenaltyLayer fastPath() {
        Object conf = layerConf();
        return conf instanceof PenaltyLayer && !((PenaltyLayer) conf).isSameDiffRuntime() ? (PenaltyLayer) conf : null;
    }

    /** The penalty over the batch plus the regularization term, divided by the batch size, as DL4J scores. */
    @Override
    public double computeScore(double fullNetRegTerm, boolean training, LayerWorkspaceMgr workspaceMgr) {
        PenaltyLayer conf = fastPath();
        if (input != null && conf != null) {
            double value = conf.penaltyValue(input);
            if (!Double.isNaN(value)) {
                return (value + fullNetRegTerm) / input.size(0);
            }
        }
        return super.computeScore(fullNetRegTerm, training, workspaceMgr);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        PenaltyLayer conf = fastPath();
        if (conf != null) {
            INDArray dLdIn = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, input.dataType(),
                    input.shape(), 'c');
            if (conf.penaltyGradientInto(input, dLdIn)) {
                return new Pair<>(new DefaultGradient(), dLdIn);
            }
        }
        boolean withLabels = layerConf().labelsRequired();
        Preconditions.checkState(!withLabels || labels != null, "Cannot execute backprop: labels are not set");
        Gradient g = new DefaultGradient();

        try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            if (sameDiff == null) {
                doInit();
            }
            if (!sameDiff.hasGradientFunction()) {
                sameDiff.createGradFunction(INPUT_KEY);
            }
        }

        Map<Long, InferenceSession> sessionMap = sameDiff.getFunction("grad").getSessions();
        if (!sessionMap.containsKey(Thread.currentThread().getId())) {
            sessionMap.put(Thread.currentThread().getId(),
                    SameDiff.getInferenceFactory().create(sameDiff.getFunction("grad")));
        }
        String wsNameWorking = workspaceMgr.getWorkspaceName(ArrayType.BP_WORKING_MEM);
        String wsNameActGrad = workspaceMgr.getWorkspaceName(ArrayType.ACTIVATION_GRAD);
        WorkspaceConfiguration confWorking = workspaceMgr.getConfiguration(ArrayType.BP_WORKING_MEM);
        WorkspaceConfiguration confOutput = workspaceMgr.getConfiguration(ArrayType.ACTIVATION_GRAD);
        boolean actGradScopedOut = workspaceMgr.isScopedOut(ArrayType.ACTIVATION_GRAD);
        Preconditions.checkState(actGradScopedOut || wsNameActGrad != null,
                "Activation gradients must have a workspace or be scoped out");
        SessionMemMgr mmgr = new DL4JSameDiffMemoryMgr(wsNameWorking, wsNameActGrad, confWorking, confOutput);
        sessionMap.get(Thread.currentThread().getId()).setMmgr(mmgr);

        List<String> gradVarNames = new ArrayList<>(paramTable.keySet());
        gradVarNames.add(INPUT_KEY);

        Map<String, INDArray> phMap = new HashMap<>();
        phMap.put(INPUT_KEY, input);
        if (withLabels) {
            phMap.put(LABELS_KEY, labels);
        }

        Map<String, INDArray> grads = sameDiff.calculateGradients(phMap, gradVarNames);
        for (String s : paramTable.keySet()) {
            INDArray sdGrad = grads.get(s);
            INDArray dl4jGrad = gradTable.get(s);
            dl4jGrad.assign(sdGrad);
            g.gradientForVariable().put(s, dl4jGrad);
            if (sdGrad.closeable()) {
                sdGrad.close();
            }
        }
        INDArray dLdIn = grads.get(INPUT_KEY);

        sameDiff.clearPlaceholders(true);
        sameDiff.clearOpInputs();

        if (!actGradScopedOut && !dLdIn.data().getParentWorkspace().getId().equals(wsNameActGrad)) {
            dLdIn = workspaceMgr.dup(ArrayType.ACTIVATION_GRAD, dLdIn);
        } else if (actGradScopedOut && dLdIn.isAttached()) {
            dLdIn = dLdIn.detach();
        }
        return new Pair<>(g, dLdIn);
    }
}
