package org.unsupervisedzoo.zoo.core;

import org.nd4j.linalg.ops.transforms.Transforms;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Objects;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * A penalty on activations, the activity regularizer Keras users know
 * ({@code activity_regularizer=regularizers.l1(1e-5)}):
 * <pre>
 *   L1:          P = weight * sum_j |h_j|      per example
 *   SQUARED_L2:  P = weight * sum_j h_j^2      per example
 * </pre>
 * averaged over the batch in the score (the batch sum is returned; DL4J divides by the batch size). Fed with the
 * contractive layer's Jacobian column ({@code contractive.ContractiveDenseLayer}), whose entries are non-negative, L1 gives
 * the contractive penalty {@code weight * ||J||_F^2}.
 *
 * <p>Defaults: {@code norm = L1}, {@code weight = 1e-5}. Use as a leaf vertex; see {@link PenaltyLayer}.
 */
public class ActivityPenalty extends PenaltyLayer {
    /** Which norm of the activations. */
    public enum Norm {
        L1,
        SQUARED_L2
    }

    private Norm norm = Norm.L1;
    private double weight = 1e-5;

    /** For JSON; the defaults above. */
    public ActivityPenalty() {
    }

    public ActivityPenalty(Norm norm, double weight) {
        setNorm(norm);
        setWeight(weight);
    }

    @Override
    protected SDVariable batchPenalty(SameDiff sd, SDVariable h) {
        SDVariable perElement = norm == Norm.L1 ? sd.math().abs(h) : sd.math().square(h);
        return perElement.sum().mul(weight);
    }

    @Override
    public double penaltyValue(INDArray h) {
        return weight * (norm == Norm.L1 ? h.norm1Number() : h.mul(h).sumNumber()).doubleValue();
    }

    /** weight sign(h) (L1) or 2 weight h (squared L2). */
    @Override
    public INDArray penaltyGradient(INDArray h) {
        return norm == Norm.L1 ? Transforms.sign(h, true).muli(weight) : h.mul(2 * weight);
    }

    /** {@link #penaltyGradient} written into {@code out}: two passes, no new array. */
    @Override
    public boolean penaltyGradientInto(INDArray h, INDArray out) {
        if (norm == Norm.L1) {
            Nd4j.getExecutioner().exec(new org.nd4j.linalg.api.ops.impl.transforms.same.Sign(h, out));
            out.muli(weight);
        } else {
            Nd4j.getExecutioner().exec(new org.nd4j.linalg.api.ops.impl.scalar.ScalarMultiplication(h, null, out,
                    2 * weight));
        }
        return true;
    }

    public Norm getNorm() {
        return norm;
    }

    public void setNorm(Norm norm) {
        Checks.notNull("norm", norm);
        this.norm = norm;
    }

    public double getWeight() {
        return weight;
    }

    public void setWeight(double weight) {
        Checks.nonNegative("weight", weight);
        this.weight = weight;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ActivityPenalty) || !super.equals(o)) {
            return false;
        }
        ActivityPenalty a = (ActivityPenalty) o;
        return norm == a.norm && weight == a.weight;
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), norm, weight);
    }
}
