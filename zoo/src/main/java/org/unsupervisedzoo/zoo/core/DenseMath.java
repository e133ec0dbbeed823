package org.unsupervisedzoo.zoo.core;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Map;
import org.deeplearning4j.exception.DL4JInvalidInputException;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The matrix products of a dense layer through {@link Nd4j#gemm} (one native {@code Mmul} op, into a 'c'-ordered
 * result like DL4J's, so that the element-wise ops after it see one layout). DL4J 1.0.0-M2.1's dense and output
 * layers use {@code INDArray.mmuli} for the forward product and the backward error, which builds a
 * {@code GemmParams} first (copying 'c'-ordered operands into the layout the old BLAS path wanted) and then runs the
 * same {@code Mmul} op anyway, ignoring the copies: on this project's machine a 128x784 by 784x512 product took 6.6 ms
 * that way against 1.3 ms through {@code Nd4j.gemm} (BENCHMARKS.md). The weight gradient already goes through
 * {@code Nd4j.gemm} in DL4J.
 */
public final class DenseMath {
    private DenseMath() {
    }

    /** {@code z = x W + b} ({@code b} may be null) in the activations workspace, 'c' order. */
    public static INDArray affine(INDArray x, INDArray w, INDArray b, LayerWorkspaceMgr workspaceMgr, String layerId) {
        if (x.rank() != 2) {
            throw new DL4JInvalidInputException("Input that is not a matrix; expected matrix (rank 2), got rank "
                    + x.rank() + " array with shape " + Arrays.toString(x.shape())
                    + ". Missing preprocessor or wrong input type? " + layerId);
        }
        if (x.columns() != w.rows()) {
            throw new DL4JInvalidInputException("Input size (" + x.columns() + " columns; shape = "
                    + Arrays.toString(x.shape()) + ") is invalid: does not match layer input size (layer # inputs = "
                    + w.size(0) + ") " + layerId);
        }
        return affineInto(x, w, b, workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, w.dataType(),
                new long[] {x.size(0), w.size(1)}, 'c'));
    }

    /** {@code z = x W + b} ({@code b} may be null) written into {@code z} ({@code [batch, nOut]}, 'c'). */
    public static INDArray affineInto(INDArray x, INDArray w, INDArray b, INDArray z) {
        if (b != null && fillRows(z, b)) { // z = b in every row, then z += x W: one ND4J op fewer
            return Nd4j.gemm(x.castTo(w.dataType()), w, z, false, false, 1.0, 1.0);
        }
        Nd4j.gemm(x.castTo(w.dataType()), w, z, false, false, 1.0, 0.0);
        return b == null ? z : z.addiRowVector(b);
    }

    /** Writes {@code row} into every row of the float 'c' matrix {@code z} in a Java pass; false where it cannot. */
    public static boolean fillRows(INDArray z, INDArray row) {
        FloatBuffer rb = FloatViews.of(row);
        if (rb == null || z.rank() != 2 || row.length() != z.size(1)) {
            return false;
        }
        int cols = (int) z.size(1);
        float[] r = FloatViews.scratch(0, cols);
        rb.get(rb.position(), r, 0, cols);
        return fillRows(z, r, cols);
    }

    /** Writes the first {@code cols} values of {@code row} into every row of the float 'c' matrix {@code z}. */
    public static boolean fillRows(INDArray z, float[] row, int cols) {
        FloatBuffer zb = z.ordering() == 'c' && z.rank() == 2 ? FloatViews.of(z) : null;
        if (zb == null || z.size(1) != cols) {
            return false;
        }
        int rows = (int) z.size(0);
        for (int i = 0; i < rows; i++) {
            zb.put(zb.position() + i * cols, row, 0, cols);
        }
        return true;
    }

    /**
     * {@code into = sum of the rows of m} for a float 'c' matrix, in a Java pass (ND4J's reduction along the batch
     * axis paid a fixed cost of tens of microseconds per layer); false where it cannot.
     */
    public static boolean columnSums(INDArray m, INDArray into) {
        FloatBuffer ib = FloatViews.of(into);
        if (ib == null || m.rank() != 2 || into.length() != m.size(1)) {
            return false;
        }
        float[] sum = columnSums(m);
        if (sum == null) {
            return false;
        }
        ib.put(ib.position(), sum, 0, (int) m.size(1));
        return true;
    }

    /** The column sums of a float 'c' matrix in scratch slot 0 (its first {@code m.size(1)} values), or null. */
    public static float[] columnSums(INDArray m) {
        FloatBuffer mb = m.ordering() == 'c' && m.rank() == 2 ? FloatViews.of(m) : null;
        if (mb == null) {
            return null;
        }
        int cols = (int) m.size(1);
        int rows = (int) m.size(0);
        float[] sum = FloatViews.scratch(0, cols);
        float[] row = FloatViews.scratch(1, cols);
        java.util.Arrays.fill(sum, 0, cols, 0f);
        for (int i = 0; i < rows; i++) {
            mb.get(mb.position() + i * cols, row, 0, cols);
            for (int j = 0; j < cols; j++) {
                sum[j] += row[j];
            }
        }
        return sum;
    }

    /** The error for the layer below, {@code delta W^T}, in the activation-gradient workspace, 'c' order. */
    public static INDArray backError(INDArray delta, INDArray w, LayerWorkspaceMgr workspaceMgr) {
        INDArray eps = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, delta.dataType(),
                new long[] {delta.size(0), w.size(0)}, 'c');
        Nd4j.gemm(delta, w, eps, false, true, 1.0, 0.0);
        return eps;
    }

    /**
     * A dense layer's gradients from its error {@code delta = dL/dz}: {@code dW = x^T delta} and (with a bias) the
     * column sums of {@code delta}, written into the layer's gradient views, and, when {@code errorBelow}, the error
     * for the layer below {@code delta W^T} (else null: see {@link InputGradients}).
     */
    public static Pair<Gradient, INDArray> gradients(INDArray input, INDArray delta, INDArray w,
                                              Map<String, INDArray> gradientViews, boolean hasBias,
                                              boolean errorBelow, LayerWorkspaceMgr workspaceMgr) {
        Gradient ret = new DefaultGradient();
        INDArray weightGrad = gradientViews.get(DefaultParamInitializer.WEIGHT_KEY);
        Nd4j.gemm(input.castTo(weightGrad.dataType()), delta, weightGrad, true, false, 1.0, 0.0);
        ret.gradientForVariable().put(DefaultParamInitializer.WEIGHT_KEY, weightGrad);
        if (hasBias) {
            INDArray biasGrad = gradientViews.get(DefaultParamInitializer.BIAS_KEY);
            if (!columnSums(delta, biasGrad)) {
                delta.sum(biasGrad, 0);
            }
            ret.gradientForVariable().put(DefaultParamInitializer.BIAS_KEY, biasGrad);
        }
        return new Pair<>(ret, errorBelow ? backError(delta, w, workspaceMgr) : null);
    }
}
