package org.unsupervisedzoo.zoo.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The vectorised sigmoid against {@code 1 / (1 + Math.exp(-x))} rounded to float, over the whole float range. */
class SigmoidMathTest {
    private static float reference(float x) {
        return (float) (1.0 / (1.0 + Math.exp(-(double) x)));
    }

    private static int ulps(float a, float b) {
        return Math.abs(Float.floatToRawIntBits(a) - Float.floatToRawIntBits(b));
    }

    /**
     * Every 1,021st float bit pattern of either sign (about 4.2 million values from the smallest subnormal to
     * {@code Float.MAX_VALUE}, in chunks that are not multiples of the pass's): at most one ulp from the reference,
     * and that rarely (the double-to-float rounding of two nearby doubles).
     */
    @Test
    void withinOneUlpOfMathExpOverTheFloatRange() {
        float[] in = new float[3001];
        float[] out = new float[3001];
        long total = 0;
        long offByOne = 0;
        int n = 0;
        for (int sign = 0; sign < 2; sign++) {
            for (long bits = 0; bits <= 0x7f7fffffL; bits += 1021) {
                in[n++] = Float.intBitsToFloat((int) bits | (sign << 31));
                if (n == in.length || bits + 1021 > 0x7f7fffffL) {
                    SigmoidMath.sigmoid(in, 0, out, 0, n);
                    for (int i = 0; i < n; i++) {
                        int d = ulps(reference(in[i]), out[i]);
                        assertTrue(d <= 1, "sigmoid(" + in[i] + ") = " + out[i] + ", reference " + reference(in[i]));
                        offByOne += d;
                        total++;
                    }
                    n = 0;
                }
            }
        }
        assertTrue(offByOne < total / 10_000, offByOne + " of " + total + " one ulp off");
    }

    @Test
    void specialValuesAndSaturation() {
        float[] in = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f, 104f, -104f, 200f, -200f,
                88.8f, -88.8f, 17f, -17f};
        float[] out = new float[in.length];
        SigmoidMath.sigmoid(in, 0, out, 0, in.length);
        assertTrue(Float.isNaN(out[0]));
        assertEquals(1f, out[1]);
        assertEquals(0f, out[2]);
        assertEquals(0.5f, out[3]);
        assertEquals(0.5f, out[4]);
        for (int i = 5; i < in.length; i++) {
            assertTrue(ulps(reference(in[i]), out[i]) <= 1, in[i] + ": " + out[i] + " vs " + reference(in[i]));
        }
        assertEquals(0f, out[8], "far below: 0");
        assertEquals(1f, out[7], "far above: 1");
    }

    /** Offsets, in-place use and the gradient form. */
    @Test
    void offsetsInPlaceAndMinus() {
        java.util.SplittableRandom r = new java.util.SplittableRandom(3);
        int len = 2500; // two full chunks and a short one
        float[] in = new float[len + 7];
        float[] minus = new float[len];
        for (int i = 0; i < in.length; i++) {
            in[i] = (float) (r.nextDouble(-30, 30));
        }
        for (int i = 0; i < len; i++) {
            minus[i] = (float) r.nextDouble();
        }
        float[] out = new float[len + 3];
        SigmoidMath.sigmoid(in, 7, out, 3, len);
        float[] grad = new float[len];
        float[] first = java.util.Arrays.copyOfRange(in, 0, len);
        SigmoidMath.sigmoidMinus(first, minus, grad, len);
        float[] inPlace = in.clone();
        SigmoidMath.sigmoid(inPlace, 0, inPlace, 0, len);
        for (int i = 0; i < len; i++) {
            assertTrue(ulps(reference(in[7 + i]), out[3 + i]) <= 1, "offsets at " + i);
            assertEquals(reference(in[i]) - minus[i], grad[i], 1.2e-7f, "minus at " + i);
            assertTrue(ulps(reference(in[i]), inPlace[i]) <= 1, "in place at " + i);
        }
        assertEquals(in[len + 6], inPlace[len + 6], "beyond len untouched");
    }
}
