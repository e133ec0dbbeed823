package org.unsupervisedzoo.zoo.fast;

import org.unsupervisedzoo.zoo.core.FloatViews;
import java.nio.FloatBuffer;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationLReLU;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationSoftPlus;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Activation functions of the cached layers as Java passes over float chunks copied in bulk ({@link FloatViews}):
 * <ul>
 *   <li>DL4J's plain ReLU ({@code max(z, 0)}, derivative 1 where {@code z > 0}, else 0) and leaky ReLU ({@code z}
 *       where {@code z >= 0}, else {@code alpha z}; derivative 1 (also at 0) or {@code alpha}): ND4J 1.0.0-M2.1 runs
 *       the backward pass as a custom op whose fixed cost (output-shape calculation, op context) is most of its time
 *       at the zoo's layer sizes;</li>
 *   <li>softplus ({@code log(1 + e^z)}, derivative {@code sigmoid(z)}), where {@link Simd#enabled()}: ND4J's
 *       scalar {@code exp} and {@code log} took 38% of M2's training step, the SIMD kernels ({@link SimdKernels})
 *       about a sixth of ND4J's time. Above {@code z} of about 88, where ND4J's {@code log(1 + e^z)} overflows to
 *       infinity, this gives {@code z}.</li>
 * </ul>
 * Each method returns null where it does not apply (another activation, softplus without the SIMD kernels, not
 * float, not contiguous, shapes or orderings that differ); the caller then uses the activation function as DL4J
 * does.
 */
final class ActivationMath {
    private static final int CHUNK = 4096;

    private ActivationMath() {
    }

    /** DL4J's ReLU without a cap, threshold or negative slope. */
    static boolean plain(IActivation a) {
        if (!(a instanceof ActivationReLU)) {
            return false;
        }
        ActivationReLU r = (ActivationReLU) a;
        return r.getMax() == null && (r.getThreshold() == null || r.getThreshold() == 0)
                && (r.getNegativeSlope() == null || r.getNegativeSlope() == 0);
    }

    /** DL4J's leaky ReLU. */
    static boolean leaky(IActivation a) {
        return a instanceof ActivationLReLU;
    }

    /** DL4J's softplus, where the SIMD kernels run. */
    static boolean simdSoftplus(IActivation a) {
        return a instanceof ActivationSoftPlus && Simd.enabled();
    }

    /**
     * {@code max(z, 0)} (leaky: {@code alpha z} below 0; softplus: {@code log(1 + e^z)}) written into {@code z} (as
     * DL4J's activation), or null.
     */
    static INDArray forward(IActivation a, INDArray z) {
        boolean leaky = leaky(a);
        boolean softplus = simdSoftplus(a);
        FloatBuffer zb = plain(a) || leaky || softplus ? FloatViews.of(z) : null;
        if (zb == null) {
            return null;
        }
        float alpha = leaky ? (float) ((ActivationLReLU) a).getAlpha() : 0f;
        float[] c = FloatViews.scratch(0, CHUNK);
        int n = (int) z.length();
        for (int off = 0; off < n; off += CHUNK) {
            int len = Math.min(CHUNK, n - off);
            zb.get(zb.position() + off, c, 0, len);
            if (softplus) {
                SimdKernels.softplus(c, len);
            } else if (leaky) {
                for (int i = 0; i < len; i++) {
                    c[i] = c[i] < 0 ? c[i] * alpha : c[i];
                }
            } else {
                for (int i = 0; i < len; i++) {
                    c[i] = Math.max(c[i], 0f);
                }
            }
            zb.put(zb.position() + off, c, 0, len);
        }
        return z;
    }

    /**
     * {@code dL/dz = epsilon} where {@code z > 0}, else 0 (leaky: {@code alpha epsilon}; softplus: {@code epsilon
     * sigmoid(z)}), written into {@code z} (as DL4J's backprop), or null.
     */
    static INDArray backward(IActivation a, INDArray z, INDArray epsilon) {
        boolean leaky = leaky(a);
        boolean softplus = simdSoftplus(a);
        FloatBuffer zb = plain(a) || leaky || softplus ? FloatViews.of(z) : null;
        FloatBuffer eb = FloatViews.of(epsilon);
        if (zb == null || eb == null || !z.equalShapes(epsilon) || z.ordering() != epsilon.ordering()) {
            return null;
        }
        float alpha = leaky ? (float) ((ActivationLReLU) a).getAlpha() : 0f;
        float[] zc = FloatViews.scratch(0, CHUNK);
        float[] ec = FloatViews.scratch(1, CHUNK);
        int n = (int) z.length();
        for (int off = 0; off < n; off += CHUNK) {
            int len = Math.min(CHUNK, n - off);
            zb.get(zb.position() + off, zc, 0, len);
            eb.get(eb.position() + off, ec, 0, len);
            if (softplus) {
                SimdKernels.softplusDelta(zc, ec, len);
            } else if (leaky) {
                for (int i = 0; i < len; i++) {
                    zc[i] = zc[i] >= 0 ? ec[i] : ec[i] * alpha; // DL4J: slope 1 at 0
                }
            } else {
                for (int i = 0; i < len; i++) {
                    zc[i] = zc[i] > 0 ? ec[i] : 0f;
                }
            }
            zb.put(zb.position() + off, zc, 0, len);
        }
        return z;
    }

    /** The activation of {@code z}: the Java pass where it applies, else DL4J's activation function. */
    static INDArray activate(IActivation a, INDArray z, boolean training) {
        INDArray ret = forward(a, z);
        return ret != null ? ret : a.getActivation(z, training);
    }

    /** {@code dL/dz}: the Java pass where it applies, else DL4J's backprop of the activation function. */
    static INDArray delta(IActivation a, INDArray z, INDArray epsilon) {
        INDArray ret = backward(a, z, epsilon);
        return ret != null ? ret : a.backprop(z, epsilon).getFirst();
    }
}
