package org.unsupervisedzoo.zoo.fast;

import org.unsupervisedzoo.zoo.core.SigmoidMath;
import org.unsupervisedzoo.zoo.core.FloatViews;
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
 * is one Java pass over contiguous float arrays ({@link SigmoidMath}), two element-wise ops otherwise. DL4J's {@link LossBinaryXENT} computes the sigmoid again, clips it to
 * {@code [1e-5, 1 - 1e-5]}, takes two logarithms for the score and, for the gradient, divides
 * {@code (y - x)} by {@code y (1 - y)} and multiplies by the sigmoid's derivative: about fifteen ops over the output
 * for the same numbers. The values agree with DL4J's wherever its clipping does not act (outputs within
 * {@code [1e-5, 1 - 1e-5]}); beyond, this loss keeps the exact value and gradient (DL4J's per-element loss stops at
 * {@code -log 1e-5 = 11.5}).
 *
 * <p><b>Subnormal gradients.</b> The float gradient pass writes zero where {@code |sigmoid(z) - x|} is below {@code
 * Float.MIN_NORMAL} (1.2e-38: a logit below -87.3 on a blank pixel): x86 processors compute with subnormal floats
 * about 100 times slower, and Adam moves the bias of MNIST's always-blank border pixels by about the rate at every
 * step, so after some 100 epochs their logits pass -87 and the backward products of the output layer slowed a VAE's
 * epoch from 5 s to 9-10 s (BENCHMARKS.md). DL4J's XENT never gets there (it clips the sigmoid at 1e-5). The
 * flushed values are below 1.2e-38 against gradients of order 1e-3 and more.
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
     * {@code sum softplus(z) - sum x z}. Contiguous float arrays: from the gradient's Java pass by
     * {@link #sumFromGradient} (ND4J's softplus ran at about 8 ns per float, 2.5% of the conv AE's step, whose
     * {@code CnnLossLayer} asks for the score apart from the gradient). Otherwise a softplus pass and a sum, and a
     * BLAS dot product (faster than the native loss op, which makes temporaries of the whole output); softplus
     * overflows only for logits above about 88 (float), i.e. outputs of 1 - 1e-38, and there the native stable op is
     * used.
     */
    private static double unmaskedSum(INDArray labels, INDArray z) {
        checkShapes(labels, z);
        INDArray gradient = javaGradient(labels, z); // contiguous float: two Java passes, no softplus op
        if (gradient != null) {
            double sum = sumFromGradient(labels, z, gradient);
            if (!Double.isNaN(sum)) {
                return sum;
            }
        }
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

    /** Elements per chunk of {@link #sumFromGradient}'s Java pass. */
    private static final int CHUNK = 4096;
    /** Elements per partial product in {@link #sumFromGradient} (each factor is at least 1/2: no underflow). */
    private static final int PRODUCT_RUN = 256;

    /** {@code max(z, 0) - x z}; {@code max(z, 0) = (z + |z|) / 2} exactly, without a branch. */
    private static double term(float z, float x) {
        return 0.5f * (z + Math.abs(z)) - (double) x * z;
    }

    /**
     * {@code max(s, 1 - s)} for {@code s = sigmoid(z)}: {@code s} where {@code z > 0}, else {@code 1 - s} (near
     * {@code z = 0} either is accurate), as {@code 1/2 + |s - 1/2|}: no branch on the sign, which mispredicts on
     * mixed signs.
     */
    private static float factor(float s) {
        return 0.5f + Math.abs(s - 0.5f);
    }

    /**
     * The summed loss {@code sum softplus(z) - x z} of {@code labels} and logits {@code z} (no mask), from the gradient
     * {@code g = sigmoid(z) - x} that {@link #computeGradient} returned for the same arrays: without a softplus pass
     * (about 8 ns per float in ND4J 1.0.0-M2.1, the largest single op of a small autoencoder's step). With
     * {@code s = g + x = sigmoid(z)}, {@code softplus(z) = max(z, 0) - log max(s, 1 - s)} (for {@code z > 0},
     * {@code softplus(z) = z - log s}; else {@code -log(1 - s)}); the factor under the log is at least 1/2, so float
     * rounding of {@code s} moves each term by at most about 2.4e-7, as for a float softplus; the logs are taken of
     * products of 256 factors (one {@code Math.log} per 256 elements), everything summed in double. One Java pass
     * over chunks copied in bulk to the heap. Returns NaN where it does not apply (not float, not contiguous, other
     * shapes or orderings, a non-finite value): compute the score the usual way then.
     */
    public static double sumFromGradient(INDArray labels, INDArray z, INDArray gradient) {
        if (!labels.equalShapes(z) || !gradient.equalShapes(z) || labels.ordering() != z.ordering()
                || gradient.ordering() != z.ordering()) {
            return Double.NaN;
        }
        java.nio.FloatBuffer xb = FloatViews.of(labels);
        java.nio.FloatBuffer zb = FloatViews.of(z);
        java.nio.FloatBuffer gb = FloatViews.of(gradient);
        if (xb == null || zb == null || gb == null) {
            return Double.NaN;
        }
        float[] xs = FloatViews.scratch(0, CHUNK);
        float[] zs = FloatViews.scratch(1, CHUNK);
        float[] gs = FloatViews.scratch(2, CHUNK);
        int n = (int) z.length();
        double linear = 0; // sum max(z, 0) - x z
        double logs = 0;   // sum log max(s, 1 - s)
        for (int off = 0; off < n; off += CHUNK) {
            int len = Math.min(CHUNK, n - off);
            xb.get(xb.position() + off, xs, 0, len);
            zb.get(zb.position() + off, zs, 0, len);
            gb.get(gb.position() + off, gs, 0, len);
            // element-wise (vectorised by the JIT): gs <- max(s, 1 - s) with s = g + x
            for (int i = 0; i < len; i++) {
                gs[i] = factor(gs[i] + xs[i]);
            }
            for (int start = 0; start < len; start += PRODUCT_RUN) {
                int end = Math.min(len, start + PRODUCT_RUN);
                // eight independent lanes: the sums' and products' dependency chains overlap
                double p0 = 1;
                double p1 = 1;
                double p2 = 1;
                double p3 = 1;
                double p4 = 1;
                double p5 = 1;
                double p6 = 1;
                double p7 = 1;
                double a0 = 0;
                double a1 = 0;
                double a2 = 0;
                double a3 = 0;
                int i = start;
                for (; i + 7 < end; i += 8) {
                    a0 += term(zs[i], xs[i]) + term(zs[i + 4], xs[i + 4]);
                    a1 += term(zs[i + 1], xs[i + 1]) + term(zs[i + 5], xs[i + 5]);
                    a2 += term(zs[i + 2], xs[i + 2]) + term(zs[i + 6], xs[i + 6]);
                    a3 += term(zs[i + 3], xs[i + 3]) + term(zs[i + 7], xs[i + 7]);
                    p0 *= gs[i];
                    p1 *= gs[i + 1];
                    p2 *= gs[i + 2];
                    p3 *= gs[i + 3];
                    p4 *= gs[i + 4];
                    p5 *= gs[i + 5];
                    p6 *= gs[i + 6];
                    p7 *= gs[i + 7];
                }
                for (; i < end; i++) {
                    a0 += term(zs[i], xs[i]);
                    p0 *= gs[i];
                }
                linear += (a0 + a1) + (a2 + a3);
                logs += Math.log(((p0 * p1) * (p2 * p3)) * ((p4 * p5) * (p6 * p7)));
            }
        }
        double sum = linear - logs;
        return Double.isFinite(sum) ? sum : Double.NaN;
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
        if (mask == null) {
            INDArray grad = javaGradient(labels, preOutput);
            if (grad != null) {
                return grad;
            }
        }
        INDArray grad = Transforms.sigmoid(preOutput, true).subi(labels.castTo(preOutput.dataType()));
        if (mask != null) {
            LossUtil.applyMask(grad, mask);
        }
        return grad;
    }

    /**
     * {@code sigmoid(z) - x} as one Java pass ({@link SigmoidMath}) into a new array like {@code z} (in the current
     * workspace, as ND4J's ops would allocate it), for contiguous float arrays of one ordering; null where that does
     * not hold. ND4J's {@code sigmoid} and {@code subi} were about 10% of a small autoencoder's step.
     */
    static INDArray javaGradient(INDArray labels, INDArray z) {
        if (labels.ordering() != z.ordering()) {
            return null;
        }
        java.nio.FloatBuffer xb = FloatViews.of(labels);
        java.nio.FloatBuffer zb = FloatViews.of(z);
        if (xb == null || zb == null) {
            return null;
        }
        INDArray grad = z.ulike();
        java.nio.FloatBuffer gb = FloatViews.of(grad);
        if (gb == null) {
            return null;
        }
        float[] xs = FloatViews.scratch(0, CHUNK);
        float[] zs = FloatViews.scratch(1, CHUNK);
        int n = (int) z.length();
        for (int off = 0; off < n; off += CHUNK) {
            int len = Math.min(CHUNK, n - off);
            xb.get(xb.position() + off, xs, 0, len);
            zb.get(zb.position() + off, zs, 0, len);
            SigmoidMath.sigmoidMinus(zs, xs, zs, len);
            for (int i = 0; i < len; i++) { // subnormal gradients flushed to zero (x86 multiplies them ~100x slower)
                zs[i] = Math.abs(zs[i]) < Float.MIN_NORMAL ? 0f : zs[i];
            }
            gb.put(gb.position() + off, zs, 0, len);
        }
        return grad;
    }

    @Override
    public Pair<Double, INDArray> computeGradientAndScore(INDArray labels, INDArray preOutput, IActivation activationFn,
                                                          INDArray mask, boolean average) {
        INDArray gradient = computeGradient(labels, preOutput, activationFn, mask);
        double sum = fused(activationFn) && mask == null ? sumFromGradient(labels, preOutput, gradient) : Double.NaN;
        if (Double.isNaN(sum)) { // not this path: the score on its own
            return new Pair<>(computeScore(labels, preOutput, activationFn, mask, average), gradient);
        }
        return new Pair<>(average ? sum / preOutput.size(0) : sum, gradient); // one sigmoid pass for both
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
