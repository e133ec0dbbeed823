package org.unsupervisedzoo.zoo.contractive;

import org.unsupervisedzoo.zoo.core.FloatViews;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The contractive layer's passes over {@code W} ({@code [nIn, nOut]}) and its per-unit error terms as Java loops over
 * chunks copied in bulk (float, contiguous arrays; see {@link FloatViews}). ND4J 1.0.0-M2.1 ran the broadcast
 * {@code W.mulRowVector(v)} of the weight gradient about as slowly as the layer's matrix product, and the column norms
 * as a squared copy of {@code W} plus a strided reduction; the error terms were eight element-wise ops with a fixed
 * cost each. Every method returns null or false, touching nothing, where it does not apply: the caller then runs
 * the ND4J ops (double precision always does).
 */
final class ContractiveMath {
    private ContractiveMath() {
    }

    /** {@code s_j = sum_i W_ij^2} as a {@code [1, nOut]} array, or null. */
    static INDArray columnSquares(INDArray w) {
        FloatBuffer wb = FloatViews.of(w);
        if (wb == null || w.rank() != 2 || (w.ordering() != 'c' && w.ordering() != 'f')) {
            return null;
        }
        int nIn = (int) w.size(0);
        int nOut = (int) w.size(1);
        float[] s = new float[nOut];
        int w0 = wb.position();
        if (w.ordering() == 'c') { // rows contiguous: s += row^2, element-wise
            float[] row = FloatViews.scratch(0, nOut);
            for (int i = 0; i < nIn; i++) {
                wb.get(w0 + i * nOut, row, 0, nOut);
                for (int j = 0; j < nOut; j++) {
                    s[j] += row[j] * row[j];
                }
            }
        } else { // columns contiguous: one sum of squares each
            float[] col = FloatViews.scratch(0, nIn);
            for (int j = 0; j < nOut; j++) {
                wb.get(w0 + j * nIn, col, 0, nIn);
                float a0 = 0;
                float a1 = 0;
                int i = 0;
                for (; i + 1 < nIn; i += 2) {
                    a0 += col[i] * col[i];
                    a1 += col[i + 1] * col[i + 1];
                }
                if (i < nIn) {
                    a0 += col[i] * col[i];
                }
                s[j] = a0 + a1;
            }
        }
        return Nd4j.createFromArray(s).reshape(1, nOut);
    }

    /** {@code g_ij += W_ij v_j} in place, for {@code g} and {@code W} of the same shape and ordering; else false. */
    static boolean addScaledColumns(INDArray g, INDArray w, float[] v) {
        FloatBuffer gb = FloatViews.of(g);
        FloatBuffer wb = FloatViews.of(w);
        if (gb == null || wb == null || w.rank() != 2 || !g.equalShapes(w) || g.ordering() != w.ordering()
                || (w.ordering() != 'c' && w.ordering() != 'f') || v.length != w.size(1)) {
            return false;
        }
        int nIn = (int) w.size(0);
        int nOut = (int) w.size(1);
        int g0 = gb.position();
        int w0 = wb.position();
        if (w.ordering() == 'c') {
            float[] gr = FloatViews.scratch(0, nOut);
            float[] wr = FloatViews.scratch(1, nOut);
            for (int i = 0; i < nIn; i++) {
                gb.get(g0 + i * nOut, gr, 0, nOut);
                wb.get(w0 + i * nOut, wr, 0, nOut);
                for (int j = 0; j < nOut; j++) {
                    gr[j] += wr[j] * v[j];
                }
                gb.put(g0 + i * nOut, gr, 0, nOut);
            }
        } else {
            float[] gc = FloatViews.scratch(0, nIn);
            float[] wc = FloatViews.scratch(1, nIn);
            for (int j = 0; j < nOut; j++) {
                gb.get(g0 + j * nIn, gc, 0, nIn);
                wb.get(w0 + j * nIn, wc, 0, nIn);
                float vj = v[j];
                for (int i = 0; i < nIn; i++) {
                    gc[i] += wc[i] * vj;
                }
                gb.put(g0 + j * nIn, gc, 0, nIn);
            }
        }
        return true;
    }

    /**
     * The error terms of the backward pass from {@code epsilon = [g_h | g_q]} ({@code [B, 2k]}, 'c'), {@code d},
     * {@code d2} ({@code [B, k]}, 'c') and {@code s} ({@code [1, k]}): writes {@code dz = g_h d + 2 g_q d d2 s} into
     * {@code dz} ({@code [B, k]}, 'c') and returns {@code ds_j = sum_b g_q,bj d_bj^2}; null where it does not apply.
     */
    static float[] errorTerms(INDArray epsilon, INDArray d, INDArray d2, INDArray s, INDArray dz) {
        FloatBuffer eb = FloatViews.of(epsilon);
        FloatBuffer db = FloatViews.of(d);
        FloatBuffer d2b = FloatViews.of(d2);
        FloatBuffer sb = FloatViews.of(s);
        FloatBuffer zb = FloatViews.of(dz);
        if (eb == null || db == null || d2b == null || sb == null || zb == null || d.rank() != 2
                || epsilon.ordering() != 'c' || d.ordering() != 'c' || d2.ordering() != 'c' || dz.ordering() != 'c'
                || !d.equalShapes(d2) || !d.equalShapes(dz) || s.length() != d.size(1)
                || epsilon.rank() != 2 || epsilon.size(0) != d.size(0) || epsilon.size(1) != 2 * d.size(1)) {
            return null;
        }
        int rows = (int) d.size(0);
        int k = (int) d.size(1);
        float[] s2 = FloatViews.scratch(0, k);
        sb.get(sb.position(), s2, 0, k);
        for (int j = 0; j < k; j++) {
            s2[j] *= 2;
        }
        float[] ds = new float[k];
        float[] e = FloatViews.scratch(1, 2 * k);
        float[] dr = FloatViews.scratch(2, k);
        float[] d2r = FloatViews.scratch(3, k);
        float[] out = FloatViews.scratch(4, k);
        for (int r = 0; r < rows; r++) {
            eb.get(eb.position() + r * 2 * k, e, 0, 2 * k);
            db.get(db.position() + r * k, dr, 0, k);
            d2b.get(d2b.position() + r * k, d2r, 0, k);
            for (int j = 0; j < k; j++) {
                float gqd = e[k + j] * dr[j];
                ds[j] += gqd * dr[j];
                out[j] = e[j] * dr[j] + gqd * d2r[j] * s2[j];
            }
            zb.put(zb.position() + r * k, out, 0, k);
        }
        return ds;
    }

    /**
     * The forward pass's per-unit terms from the activations {@code h} ({@code [B, k]}, 'c') of sigmoid units
     * ({@code d = h (1 - h)}, {@code d2 = (1 - 2h) d}) or tanh units ({@code d = 1 - h^2}, {@code d2 = -2 h d}),
     * written into {@code d} and {@code d2} ('c'), and the layer's output {@code out = [h | d^2 s]} ({@code [B, 2k]},
     * 'c'); false where it does not apply.
     */
    static boolean forwardTerms(boolean sigmoid, INDArray h, INDArray s, INDArray d, INDArray d2, INDArray out) {
        FloatBuffer hb = FloatViews.of(h);
        FloatBuffer sb = FloatViews.of(s);
        FloatBuffer db = FloatViews.of(d);
        FloatBuffer d2b = FloatViews.of(d2);
        FloatBuffer ob = FloatViews.of(out);
        if (hb == null || sb == null || db == null || d2b == null || ob == null || h.rank() != 2
                || h.ordering() != 'c' || d.ordering() != 'c' || d2.ordering() != 'c' || out.ordering() != 'c'
                || !h.equalShapes(d) || !h.equalShapes(d2) || s.length() != h.size(1) || out.rank() != 2
                || out.size(0) != h.size(0) || out.size(1) != 2 * h.size(1)) {
            return false;
        }
        int rows = (int) h.size(0);
        int k = (int) h.size(1);
        float[] sv = FloatViews.scratch(0, k);
        sb.get(sb.position(), sv, 0, k);
        float[] o = FloatViews.scratch(1, 2 * k);
        float[] dr = FloatViews.scratch(2, k);
        float[] d2r = FloatViews.scratch(3, k);
        for (int r = 0; r < rows; r++) {
            hb.get(hb.position() + r * k, o, 0, k);
            if (sigmoid) {
                for (int j = 0; j < k; j++) {
                    float hj = o[j];
                    float dj = hj * (1 - hj);
                    dr[j] = dj;
                    d2r[j] = (1 - 2 * hj) * dj;
                    o[k + j] = dj * dj * sv[j];
                }
            } else {
                for (int j = 0; j < k; j++) {
                    float hj = o[j];
                    float dj = 1 - hj * hj;
                    dr[j] = dj;
                    d2r[j] = -2 * hj * dj;
                    o[k + j] = dj * dj * sv[j];
                }
            }
            db.put(db.position() + r * k, dr, 0, k);
            d2b.put(d2b.position() + r * k, d2r, 0, k);
            ob.put(ob.position() + r * 2 * k, o, 0, 2 * k);
        }
        return true;
    }
}
