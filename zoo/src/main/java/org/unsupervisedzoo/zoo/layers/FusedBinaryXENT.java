package org.unsupervisedzoo.zoo.layers;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.loss.SigmoidCrossEntropyLoss;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.LossUtil;
import org.nd4j.linalg.lossfunctions.impl.LossBinaryXENT;
import org.nd4j.autodiff.loss.LossReduce;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.nd4j.shade.jackson.annotation.JsonIgnore;

/**
 * Binary cross-entropy on a sigmoid output, computed from the logits {@code z} in one fused step: DL4J's {@code XENT}
 * ({@link LossBinaryXENT}) with the same objective, but far fewer ND4J operations per training step.
 *
 * <p><b>Objective.</b> Per example {@code L = sum_i [softplus(z_i) - x_i z_i]
 * = -sum_i [x_i log sigmoid(z_i) + (1 - x_i) log(1 - sigmoid(z_i))]}, summed over the outputs (as DL4J's XENT);
 * its gradient with respect to the logits is {@code sigmoid(z) - x}. The score is a softplus pass, a
 * sum and a BLAS dot product (with a mask, or a logit beyond float's softplus range, ND4J's native
 * {@code sigm_cross_entropy_loss}, the numerically stable {@code max(z,0) - x z + log(1 + exp(-|z|))}); the gradient
 * is two element-wise ops. DL4J's {@link LossBinaryXENT} computes the sigmoid again, clips it to
 * {@code [1e-5, 1 - 1e-5]}, takes two logarithms for the score and, for the gradient, divides
 * {@code (y - x)} by {@code y (1 - y)} and multiplies by the sigmoid's derivative: about fifteen ops over the output
 * for the same numbers. The values agree with DL4J's wherever its clipping does not act (outputs within
 * {@code [1e-5, 1 - 1e-5]}); beyond, this loss keeps the exact value and gradient (DL4J's per-element loss stops at
 * {@code -log 1e-5 = 11.5}).
 *
 * <p>With any other activation it is DL4J's {@link LossBinaryXENT} (default clipping), unchanged. Masks: per
 * example ({@code [B, 1]}) or per output ({@code [B, N]}), as DL4J's losses take them. Class weights are not
 * supported (use DL4J's XENT for them). Survives JSON (no fields).
 */
public class FusedBinaryXENT implements ILossFunction {
    private static final long serialVersionUID = 1L;

    @JsonIgnore
    private transient LossBinaryXENT fallback;

    /** The loss; it has no settings. */
    public FusedBinaryXENT() {
    }

    private static boolean fused(IActivation activation) {
        return activation instanceof ActivationSigmoid;
    }

    private LossBinaryXENT fallback() {
        if (fallback == null) {
            fallback = new LossBinaryXENT();
        }
        return fallback;
    }

    private static void checkShapes(INDArray labels, INDArray preOutput) {
        if (!labels.equalShapes(preOutput)) {
            throw new IllegalArgumentException("FusedBinaryXENT: labels shape " + java.util.Arrays.toString(
                    labels.shape()) + " differs from the output shape " + java.util.Arrays.toString(preOutput.shape()));
        }
    }

    /** The per-element losses ({@code reduce = NONE}) or their masked sum ({@code SUM}, a scalar). */
    private static INDArray elementLoss(INDArray labels, INDArray logits, INDArray mask, LossReduce reduce) {
        checkShapes(labels, logits);
        labels = labels.castTo(logits.dataType());
        INDArray weights = mask == null ? null : mask.castTo(logits.dataType());
        return Nd4j.exec(new SigmoidCrossEntropyLoss(labels, logits, weights, reduce, 0.0))[0];
    }

    /**
     * {@code sum softplus(z) - sum x z}: a softplus pass and a sum, and a BLAS dot product (faster than the native
     * loss op, which makes temporaries of the whole output). Softplus overflows only for logits above about 88
     * (float), i.e. outputs of 1 - 1e-38; there the native stable op is used.
     */
    private static double unmaskedSum(INDArray labels, INDArray z) {
        checkShapes(labels, z);
        INDArray x = labels.castTo(z.dataType());
        double softplus = Transforms.softPlus(z, true).sumNumber().doubleValue();
        if (Double.isInfinite(softplus)) {
            return elementLoss(labels, z, null, LossReduce.SUM).getDouble(0);
        }
        double dot;
        if (z.ordering() == x.ordering() && z.elementWiseStride() == 1 && x.elementWiseStride() == 1) {
            long[] flat = {z.length()};
            dot = Nd4j.getBlasWrapper().dot(z.reshape(z.ordering(), flat), x.reshape(x.ordering(), flat));
        } else {
            dot = z.mul(x).sumNumber().doubleValue();
        }
        return softplus - dot;
    }

    @Override
    public double computeScore(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask,
                               boolean average) {
        if (!fused(activationFn)) {
            return fallback().computeScore(labels, preOutput, activationFn, mask, average);
        }
        double score = mask == null ? unmaskedSum(labels, preOutput)
                : elementLoss(labels, preOutput, mask, LossReduce.SUM).getDouble(0);
        return average ? score / preOutput.size(0) : score;
    }

    @Override
    public INDArray computeScoreArray(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        if (!fused(activationFn)) {
            return fallback().computeScoreArray(labels, preOutput, activationFn, mask);
        }
        INDArray perElement = elementLoss(labels, preOutput, mask, LossReduce.NONE);
        return perElement.sum(true, 1);
    }

    @Override
    public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        if (!fused(activationFn)) {
            return fallback().computeGradient(labels, preOutput, activationFn, mask);
        }
        checkShapes(labels, preOutput);
        INDArray grad = Transforms.sigmoid(preOutput, true).subi(labels.castTo(preOutput.dataType()));
        if (mask != null) {
            LossUtil.applyMask(grad, mask);
        }
        return grad;
    }

    @Override
    public Pair<Double, INDArray> computeGradientAndScore(INDArray labels, INDArray preOutput, IActivation activationFn,
                                                          INDArray mask, boolean average) {
        return new Pair<>(computeScore(labels, preOutput, activationFn, mask, average),
                computeGradient(labels, preOutput, activationFn, mask));
    }

    @Override
    public String name() {
        return "FusedBinaryXENT";
    }

    @Override
    public String toString() {
        return "FusedBinaryXENT()";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FusedBinaryXENT;
    }

    @Override
    public int hashCode() {
        return FusedBinaryXENT.class.hashCode();
    }
}
