package org.unsupervisedzoo.zoo.fast;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Element-wise kernels on the JDK's incubating Vector API ({@code jdk.incubator.vector}), whose {@code EXP} and
 * {@code LOG1P} run as SIMD code on x86-64 (Intel's short vector math library, in the JDK since 17). Only
 * {@link Simd} loads this class, and only where the JVM resolved the module ({@code --add-modules
 * jdk.incubator.vector}): without it, this class cannot link.
 */
final class SimdKernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private SimdKernels() {
    }

    /** The lanes of a float vector on this machine (16 with AVX-512, 8 with AVX2). */
    static int lanes() {
        return S.length();
    }

    /**
     * {@code c[i] = softplus(c[i]) = log(1 + e^c[i])} for {@code i < len}, as {@code max(x, 0) + log1p(e^-|x|)}:
     * finite for every finite {@code x} (ND4J's {@code log(1 + e^x)} overflows to infinity above about 88).
     */
    static void softplus(float[] c, int len) {
        int i = 0;
        for (int up = S.loopBound(len); i < up; i += S.length()) {
            FloatVector x = FloatVector.fromArray(S, c, i);
            x.max(0f).add(x.abs().neg().lanewise(VectorOperators.EXP).lanewise(VectorOperators.LOG1P)).intoArray(c, i);
        }
        for (; i < len; i++) {
            float x = c[i];
            c[i] = Math.max(x, 0f) + (float) Math.log1p(Math.exp(-Math.abs(x)));
        }
    }

    /** {@code z[i] = e[i] sigmoid(z[i]) = e[i] / (1 + e^-z[i])} for {@code i < len}: softplus's backward pass. */
    static void softplusDelta(float[] z, float[] e, int len) {
        int i = 0;
        for (int up = S.loopBound(len); i < up; i += S.length()) {
            FloatVector x = FloatVector.fromArray(S, z, i);
            FloatVector.fromArray(S, e, i).div(x.neg().lanewise(VectorOperators.EXP).add(1f)).intoArray(z, i);
        }
        for (; i < len; i++) {
            z[i] = e[i] / (1f + (float) Math.exp(-z[i]));
        }
    }
}
