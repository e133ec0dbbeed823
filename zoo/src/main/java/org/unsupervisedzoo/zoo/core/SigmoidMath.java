package org.unsupervisedzoo.zoo.core;

/**
 * The logistic sigmoid {@code 1 / (1 + exp(-x))} over float arrays in Java loops that the JIT compiles to vector
 * instructions. {@code Math.exp} is a scalar call (about 5 ns per element here) and ND4J 1.0.0-M2.1's
 * {@code sigmoid} op ran at 3-4 ns per float; this pass runs at well under 1 ns (BENCHMARKS.md).
 *
 * <p>How: {@code exp(-x) = exp(y)^256} with {@code y = -x / 256}; {@code exp(y)} by its Taylor polynomial of degree
 * 11 (Horner), then eight squarings, all in double. For {@code |y| <= 104 / 256} the polynomial's relative error
 * is below 1e-13 and the squarings multiply it by 256, far below float's half ulp (6e-8), so the results are the
 * correctly rounded float sigmoid but for rare last-bit differences (tests compare with {@code Math.exp} over the
 * whole float range). Inputs above 104 are clamped there (the float sigmoid is 1 already; the alternating polynomial
 * would be wrong far beyond); below -104 the polynomial, increasing for positive {@code y}, keeps {@code exp(-x)}
 * above {@code exp(104)}, so the result is 0 as it should be, and overflow to infinity gives 0 too. NaN stays NaN.
 * The loop body has no branch, no table and no integer bit work, which is what lets C2 vectorise it (the float to
 * double conversions in loops of their own: mixed into one loop, it did not vectorise).
 */
public final class SigmoidMath {
    /** Elements per chunk: three double and float loops over a chunk that stays in the L1 cache. */
    private static final int CHUNK = 1024;
    /** x beyond this: the float sigmoid is 1 already (and below -104 it is 0: exp(-104) is under half the smallest subnormal). */
    private static final double CLAMP = 104;
    private static final ThreadLocal<double[]> SCRATCH = ThreadLocal.withInitial(() -> new double[CHUNK]);

    private SigmoidMath() {
    }

    /** {@code out[outOff + i] = sigmoid(in[inOff + i])} for {@code i < len} ({@code out} may be {@code in}). */
    public static void sigmoid(float[] in, int inOff, float[] out, int outOff, int len) {
        double[] d = SCRATCH.get();
        for (int start = 0; start < len; start += CHUNK) {
            int n = Math.min(CHUNK, len - start);
            toDouble(in, inOff + start, d, n);
            sigmoidInPlace(d, n);
            toFloat(d, out, outOff + start, n);
        }
    }

    /**
     * {@code out[i] = sigmoid(in[i]) - minus[i]} over {@code len} elements: the gradient of binary cross-entropy
     * with respect to the sigmoid's input.
     */
    public static void sigmoidMinus(float[] in, float[] minus, float[] out, int len) {
        sigmoid(in, 0, out, 0, len);
        for (int i = 0; i < len; i++) {
            out[i] -= minus[i];
        }
    }

    private static void toDouble(float[] in, int off, double[] d, int n) {
        for (int i = 0; i < n; i++) {
            d[i] = in[off + i];
        }
    }

    private static void toFloat(double[] d, float[] out, int off, int n) {
        for (int i = 0; i < n; i++) {
            out[off + i] = (float) d[i];
        }
    }

    private static void sigmoidInPlace(double[] d, int n) {
        for (int i = 0; i < n; i++) {
            double y = Math.max(d[i] * (-1.0 / 256), -CLAMP / 256);
            double e = 1 + y * (1 + y * (1.0 / 2 + y * (1.0 / 6 + y * (1.0 / 24 + y * (1.0 / 120 + y * (1.0 / 720
                    + y * (1.0 / 5040 + y * (1.0 / 40320 + y * (1.0 / 362880 + y * (1.0 / 3628800
                    + y * (1.0 / 39916800)))))))))));
            e *= e; // e^2
            e *= e; // e^4
            e *= e; // e^8
            e *= e; // e^16
            e *= e; // e^32
            e *= e; // e^64
            e *= e; // e^128
            e *= e; // e^256 = exp(-x)
            d[i] = 1 / (1 + e);
        }
    }
}
