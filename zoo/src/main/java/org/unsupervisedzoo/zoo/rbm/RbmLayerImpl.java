package org.unsupervisedzoo.zoo.rbm;

import java.util.Arrays;
import org.deeplearning4j.exception.DL4JInvalidInputException;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.unsupervisedzoo.zoo.core.InputGradients;
import org.unsupervisedzoo.zoo.core.PenaltyLayerImpl;

/**
 * Runtime of an {@link RbmLayer}: its score and gradients in a handful of plain ND4J ops instead of a SameDiff
 * session per step (SameDiff interprets about a dozen ops one by one, with a fixed cost each that dominated the
 * RBM's step at scikit-learn's batch of 10). The SameDiff definition stays the reference ({@link
 * RbmLayer#setSameDiffRuntime}); tests check both give the same score and gradients.
 *
 * <p>With the input's rows read as {@code 2B} rows {@code X2} alternating data and model particles, signs
 * {@code s = (+1, -1, +1, ...)}, {@code Z = X2 W + c} and {@code P = sigmoid(Z)}:
 * <pre>
 *   L      = sum_r s_r F(X2_r)
 *   dL/dW  = -X2^T (s . P)           dL/dc = -1^T (s . P)        dL/db = -s^T X2
 *   dL/dX2 = -(s . P) W^T - s b      (Bernoulli)    -(s . P) W^T + s (X2 - b)   (Gaussian)
 * </pre>
 * The score is computed with the gradient (the same {@code Z}) and kept for {@code computeScore}, which DL4J calls
 * right after backprop with the same input and parameters.
 */
public class RbmLayerImpl extends PenaltyLayerImpl implements InputGradients.Optional {
    private final transient InputGradients.Flag inputGradients = new InputGradients.Flag();
    private INDArray scoredInput;
    private INDArray signs;
    private INDArray ones;
    private double storedScore = Double.NaN;

    public RbmLayerImpl(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    public InputGradients.Flag inputGradientFlag() {
        return inputGradients;
    }

    /** The RBM reads its data and particles through a merge vertex: it returns zeros when the error is not needed. */
    @Override
    public boolean zerosWhenNotNeeded() {
        return true;
    }

    private RbmLayer rbm() {
        return (RbmLayer) layerConf();
    }

    @Override
    public double computeScore(double fullNetRegTerm, boolean training, LayerWorkspaceMgr workspaceMgr) {
        if (rbm().isSameDiffRuntime()) {
            return super.computeScore(fullNetRegTerm, training, workspaceMgr);
        }
        assertInputSet(false);
        double score;
        if (scoredInput == input && !Double.isNaN(storedScore)) {
            score = storedScore;
        } else {
            score = pass(false);
        }
        scoredInput = null;
        storedScore = Double.NaN;
        return (score + fullNetRegTerm) / input.size(0);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        if (rbm().isSameDiffRuntime()) {
            return super.backpropGradient(epsilon, workspaceMgr);
        }
        assertInputSet(true);
        // the input's error: two products per step; zeros where the input is the data (InputGradients)
        INDArray dLdIn = inputGradients.needed() ? workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD,
                input.dataType(), input.shape(), 'c')
                : workspaceMgr.create(ArrayType.ACTIVATION_GRAD, input.dataType(), input.shape(), 'c');
        storedScore = pass(true, inputGradients.needed() ? dLdIn : null);
        scoredInput = input;
        Gradient g = new DefaultGradient();
        for (String key : new String[] {RbmLayer.WEIGHT_KEY, RbmLayer.VISIBLE_BIAS_KEY, RbmLayer.HIDDEN_BIAS_KEY}) {
            g.gradientForVariable().put(key, gradTable.get(key));
        }
        return new Pair<>(g, dLdIn);
    }

    @Override
    public void clear() {
        super.clear();
        scoredInput = null;
        storedScore = Double.NaN;
    }

    /** The column {@code (+1, -1, +1, ...)} of {@code rows} rows, kept outside workspaces across steps. */
    private INDArray signs(long rows, DataType type) {
        if (signs == null || signs.size(0) != rows || signs.dataType() != type) {
            try (org.nd4j.linalg.api.memory.MemoryWorkspace ignored =
                         Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                signs = Nd4j.create(type, rows, 1);
                ones = Nd4j.ones(type, rows, 1);
                for (long r = 0; r < rows; r++) {
                    signs.putScalar(r, 0, r % 2 == 0 ? 1.0 : -1.0);
                }
            }
        }
        return signs;
    }

    /** A column of ones of {@code rows} rows (made with {@link #signs}). */
    private INDArray ones(long rows, DataType type) {
        signs(rows, type);
        return ones;
    }

    private double pass(boolean gradients) {
        return pass(gradients, null);
    }

    /**
     * The score (batch sum of the free-energy differences); with {@code gradients}, also writes dL/dW, dL/db, dL/dc
     * into the gradient views and dL/dinput into {@code dLdIn} (when not null).
     */
    private double pass(boolean gradients, INDArray dLdIn) {
        RbmLayer conf = rbm();
        int nv = conf.getNVisible();
        if (input.rank() != 2 || input.size(1) != 2L * nv) {
            throw new DL4JInvalidInputException("RBM layer " + conf.getLayerName() + ": input must be [batch, 2 * "
                    + "nVisible] = [batch, " + 2 * nv + "] (data and model particles), got "
                    + Arrays.toString(input.shape()));
        }
        INDArray w = paramTable.get(RbmLayer.WEIGHT_KEY);
        INDArray b = paramTable.get(RbmLayer.VISIBLE_BIAS_KEY);
        INDArray c = paramTable.get(RbmLayer.HIDDEN_BIAS_KEY);
        long rows = 2 * input.size(0);
        INDArray x2 = input.castTo(w.dataType()).reshape('c', rows, nv);
        INDArray s = signs(rows, w.dataType());

        INDArray z = Nd4j.createUninitialized(w.dataType(), new long[] {rows, w.size(1)}, 'c');
        Nd4j.gemm(x2, w, z, false, false, 1.0, 0.0);
        z.addiRowVector(c);
        // s^T X2 = -dL/db, written straight into the gradient view when there is one
        INDArray sx = gradients ? gradTable.get(RbmLayer.VISIBLE_BIAS_KEY).reshape(1, nv)
                : Nd4j.createUninitialized(w.dataType(), new long[] {1, nv}, 'c');
        Nd4j.gemm(s, x2, sx, true, false, 1.0, 0.0);

        // score: sum_r s_r F(X2_r), softplus clipped at 80 as in the SameDiff definition
        INDArray rowSoftplus = Transforms.softPlus(Transforms.min(z, RbmLayer.SOFTPLUS_CLIP, true), false).sum(1);
        double hiddenTerm = Nd4j.getBlasWrapper().dot(rowSoftplus.reshape(rows), s.reshape(rows));
        double visibleTerm;
        if (conf.getVisibleUnits() == VisibleUnits.GAUSSIAN) {
            INDArray d = x2.subRowVector(b);
            visibleTerm = 0.5 * Nd4j.getBlasWrapper().dot(d.muli(d).sum(1).reshape(rows), s.reshape(rows));
        } else {
            visibleTerm = -Nd4j.getBlasWrapper().dot(sx.reshape(nv), b.reshape(nv));
        }
        double score = visibleTerm - hiddenTerm;
        if (!gradients) {
            return score;
        }
        sx.negi(); // dL/db = -s^T X2

        INDArray sp = Transforms.sigmoid(z, false).muliColumnVector(s); // s . P
        Nd4j.gemm(x2, sp, gradTable.get(RbmLayer.WEIGHT_KEY), true, false, -1.0, 0.0);
        Nd4j.gemm(ones(rows, w.dataType()), sp, gradTable.get(RbmLayer.HIDDEN_BIAS_KEY).reshape(1, w.size(1)), true,
                false, -1.0, 0.0);

        if (dLdIn == null) {
            return score;
        }
        INDArray dx = dLdIn.reshape('c', rows, nv);
        Nd4j.gemm(sp, w, dx, false, true, -1.0, 0.0);
        if (conf.getVisibleUnits() == VisibleUnits.GAUSSIAN) {
            dx.addi(x2.subRowVector(b).muliColumnVector(s));
        } else {
            Nd4j.gemm(s, b.reshape(1, nv), dx, false, false, -1.0, 1.0); // - s b
        }
        return score;
    }
}
