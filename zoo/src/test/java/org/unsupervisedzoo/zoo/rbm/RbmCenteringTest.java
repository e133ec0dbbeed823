package org.unsupervisedzoo.zoo.rbm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.Sgd;

/**
 * Centering in the fused trainer (Melchior, Fischer &amp; Wiskott 2016, as PyDeep): off and with offsets held at zero
 * it is the ordinary step; a step equals PyDeep's algorithm re-implemented here in double precision in the centered
 * parameters; the centered energy is the ordinary one up to a constant; the offsets carry over exactly.
 */
class RbmCenteringTest {
    private static final int NV = 4;
    private static final int NH = 3;

    private static INDArray binary(long seed, int rows, int cols) {
        return Nd4j.rand(Nd4j.getRandomFactory().getNewRandomInstance(seed), rows, cols).castTo(DataType.FLOAT).gt(0.5)
                .castTo(DataType.FLOAT);
    }

    private static INDArray grey(long seed, int rows, int cols) {
        return Nd4j.rand(Nd4j.getRandomFactory().getNewRandomInstance(seed), rows, cols).castTo(DataType.FLOAT);
    }

    private static INDArray param(ComputationGraph g, String key) {
        return g.getParam(RBM.RBM_LAYER + "_" + key);
    }

    private static double[][] matrix(INDArray a) {
        return a.castTo(DataType.DOUBLE).toDoubleMatrix();
    }

    private static double[] vector(INDArray a) {
        return a.castTo(DataType.DOUBLE).reshape(-1).toDoubleVector();
    }

    @Test
    void offsetsHeldAtZeroAndRateZeroAreTheOrdinaryStepExactly() {
        RBM[] rbms = {
            RBM.builder().nVisible(20).nHidden(8).initStd(0.3).updater(new Sgd(0.5)).seed(5).build(),
            RBM.builder().nVisible(20).nHidden(8).initStd(0.3).updater(new Nesterovs(0.3, 0.9)).l2(1e-2).seed(5)
                    .build(),
            RBM.builder().nVisible(20).nHidden(8).initStd(0.3).updater(new Sgd(0.3)).weightDecay(5e-2).seed(5)
                    .build(),
        };
        for (int which = 0; which < rbms.length; which++) {
            RBM rbm = rbms[which];
            ComputationGraph plain = rbm.init();
            ComputationGraph centered = rbm.init();
            RbmTrainer a = new RbmTrainer(rbm, plain, 1);
            RbmTrainer b = new RbmTrainer(rbm, centered, 1).centering(0.25);
            b.offsets(Nd4j.zeros(DataType.FLOAT, 28));
            for (int step = 0; step < 4; step++) {
                INDArray v = grey(10 + step, 6, 20);
                INDArray m = binary(20 + step, 6, 20);
                a.update(v, m);
                b.update(v, m, false);
                assertArrayEquals(plain.params().toFloatVector(), centered.params().toFloatVector(), 0f,
                        "rbm " + which + " step " + step);
                assertArrayEquals(plain.getUpdater().getStateViewArray() == null ? null
                                : plain.getUpdater().getStateViewArray().toFloatVector(),
                        centered.getUpdater().getStateViewArray() == null ? null
                                : centered.getUpdater().getStateViewArray().toFloatVector(), 0f);
            }
            assertArrayEquals(new float[28], b.offsets().toFloatVector(), 0f, "held offsets stay at zero");
        }
        // rate 0 (off) through fit with draws: the same as a trainer that never heard of centering
        RBM rbm = rbms[0];
        ComputationGraph g1 = rbm.init();
        ComputationGraph g2 = rbm.init();
        RbmTrainer t1 = new RbmTrainer(rbm, g1, 7);
        RbmTrainer t2 = new RbmTrainer(rbm, g2, 7).centering(0);
        for (int step = 0; step < 3; step++) {
            INDArray v = binary(40 + step, 5, 20);
            t1.fit(v);
            t2.fit(v);
        }
        assertArrayEquals(g1.params().toFloatVector(), g2.params().toFloatVector(), 0f);
        assertArrayEquals(t1.chain().dup().reshape(-1).toFloatVector(), t2.chain().dup().reshape(-1).toFloatVector(), 0f);
        assertNull(t2.offsets());
    }

    /**
     * PyDeep's centered step (trainer.CD._train with offsets 'DD', model.update_offsets, _adapt_gradient), kept in the
     * centered parameters W, b~, c~ and offsets mu, lambda, in double precision; the velocities are those of the
     * centered parameters, with DL4J's Nesterov step and L2 on W in place of PyDeep's classical momentum.
     */
    private static final class Reference {
        final double[][] w;
        final double[] bt;
        final double[] ct;
        final double[] mu;
        final double[] lambda;
        final double[][] vw = new double[NV][NH];
        final double[] vb = new double[NV];
        final double[] vc = new double[NH];

        /** From the ordinary parameters and the offsets. */
        Reference(double[][] w, double[] b, double[] c, double[] mu, double[] lambda) {
            this.w = w;
            this.mu = mu.clone();
            this.lambda = lambda.clone();
            bt = new double[NV];
            ct = new double[NH];
            for (int i = 0; i < NV; i++) { // b~ = b + W lambda
                bt[i] = b[i];
                for (int j = 0; j < NH; j++) {
                    bt[i] += w[i][j] * lambda[j];
                }
            }
            for (int j = 0; j < NH; j++) { // c~ = c + W' mu
                ct[j] = c[j];
                for (int i = 0; i < NV; i++) {
                    ct[j] += w[i][j] * mu[i];
                }
            }
        }

        /** P(h | v) in the centered parameters: sigmoid((v - mu) W + c~). */
        double[] hidden(double[] v) {
            double[] p = new double[NH];
            for (int j = 0; j < NH; j++) {
                double a = ct[j];
                for (int i = 0; i < NV; i++) {
                    a += (v[i] - mu[i]) * w[i][j];
                }
                p[j] = 1 / (1 + Math.exp(-a));
            }
            return p;
        }

        void step(double[][] v, double[][] m, double rate, double lr, double momentum, double l2) {
            int n = v.length;
            double[][] pv = new double[n][];
            double[][] pm = new double[n][];
            for (int r = 0; r < n; r++) {
                pv[r] = hidden(v[r]);
            }
            // update_offsets: b~ += rate W (mean P(v) - lambda), lambda moves; c~ += rate W' (mean v - mu), mu moves
            double[] newH = new double[NH];
            double[] newV = new double[NV];
            for (int r = 0; r < n; r++) {
                for (int j = 0; j < NH; j++) {
                    newH[j] += pv[r][j] / n;
                }
                for (int i = 0; i < NV; i++) {
                    newV[i] += v[r][i] / n;
                }
            }
            for (int i = 0; i < NV; i++) {
                for (int j = 0; j < NH; j++) {
                    bt[i] += rate * w[i][j] * (newH[j] - lambda[j]);
                }
            }
            for (int j = 0; j < NH; j++) {
                lambda[j] = (1 - rate) * lambda[j] + rate * newH[j];
            }
            for (int j = 0; j < NH; j++) {
                for (int i = 0; i < NV; i++) {
                    ct[j] += rate * w[i][j] * (newV[i] - mu[i]);
                }
            }
            for (int i = 0; i < NV; i++) {
                mu[i] = (1 - rate) * mu[i] + rate * newV[i];
            }
            for (int r = 0; r < n; r++) {
                pm[r] = hidden(m[r]);
            }
            // gradients of the centered parameters, then DL4J's Nesterov step (g = -ascent / n + l2 W)
            double[][] gw = new double[NV][NH];
            double[] gb = new double[NV];
            double[] gc = new double[NH];
            for (int r = 0; r < n; r++) {
                for (int i = 0; i < NV; i++) {
                    gb[i] += v[r][i] - m[r][i];
                    for (int j = 0; j < NH; j++) {
                        gw[i][j] += (v[r][i] - mu[i]) * (pv[r][j] - lambda[j])
                                - (m[r][i] - mu[i]) * (pm[r][j] - lambda[j]);
                    }
                }
                for (int j = 0; j < NH; j++) {
                    gc[j] += pv[r][j] - pm[r][j];
                }
            }
            for (int i = 0; i < NV; i++) {
                for (int j = 0; j < NH; j++) {
                    double g = -gw[i][j] / n + l2 * w[i][j];
                    double prev = vw[i][j];
                    vw[i][j] = momentum * prev - lr * g;
                    w[i][j] -= momentum * prev - (1 + momentum) * vw[i][j];
                }
                double prev = vb[i];
                vb[i] = momentum * prev - lr * (-gb[i] / n);
                bt[i] -= momentum * prev - (1 + momentum) * vb[i];
            }
            for (int j = 0; j < NH; j++) {
                double prev = vc[j];
                vc[j] = momentum * prev - lr * (-gc[j] / n);
                ct[j] -= momentum * prev - (1 + momentum) * vc[j];
            }
        }

        /** The ordinary biases b = b~ - W lambda. */
        double[] b() {
            double[] b = bt.clone();
            for (int i = 0; i < NV; i++) {
                for (int j = 0; j < NH; j++) {
                    b[i] -= w[i][j] * lambda[j];
                }
            }
            return b;
        }

        /** c = c~ - W' mu. */
        double[] c() {
            double[] c = ct.clone();
            for (int j = 0; j < NH; j++) {
                for (int i = 0; i < NV; i++) {
                    c[j] -= w[i][j] * mu[i];
                }
            }
            return c;
        }
    }

    private static void assertClose(double[] expected, INDArray actual, double eps, String what) {
        double[] a = vector(actual);
        assertEquals(expected.length, a.length, what);
        for (int i = 0; i < a.length; i++) {
            assertEquals(expected[i], a[i], eps, what + "[" + i + "]");
        }
    }

    @Test
    void centeredStepsEqualPyDeepsAlgorithmByHand() {
        double[] mu0 = {0.3, 0.6, 0.5, 0.2};
        double[] lambda0 = {0.4, 0.5, 0.7};
        Object[][] cases = { // updater, momentum, l2, offsets' rate
            {new Sgd(0.1), 0.0, 0.0, 0.1},
            {new Nesterovs(0.1, 0.8), 0.8, 0.0, 0.3},
            {new Nesterovs(0.05, 0.5), 0.5, 0.05, 1.0},
        };
        for (Object[] k : cases) {
            RBM.Builder builder = RBM.builder().nVisible(NV).nHidden(NH).initStd(0.5)
                    .updater((org.nd4j.linalg.learning.config.IUpdater) k[0]).seed(3);
            if ((double) k[2] > 0) {
                builder.l2((double) k[2]);
            }
            RBM rbm = builder.build();
            ComputationGraph g = rbm.init();
            // nonzero biases, so the reparameterisation matters
            param(g, RbmLayer.VISIBLE_BIAS_KEY).assign(Nd4j.createFromArray(0.2f, -0.4f, 0.1f, 0.5f).reshape(1, NV));
            param(g, RbmLayer.HIDDEN_BIAS_KEY).assign(Nd4j.createFromArray(-0.3f, 0.25f, 0.0f).reshape(1, NH));
            double rate = (double) k[3];
            RbmTrainer t = new RbmTrainer(rbm, g, 1).centering(rate);
            float[] off = new float[NV + NH];
            for (int i = 0; i < NV; i++) {
                off[i] = (float) mu0[i];
            }
            for (int j = 0; j < NH; j++) {
                off[NV + j] = (float) lambda0[j];
            }
            t.offsets(Nd4j.createFromArray(off));
            Reference ref = new Reference(matrix(param(g, RbmLayer.WEIGHT_KEY)),
                    vector(param(g, RbmLayer.VISIBLE_BIAS_KEY)), vector(param(g, RbmLayer.HIDDEN_BIAS_KEY)),
                    mu0, lambda0);
            for (int step = 0; step < 3; step++) { // batch 2: grey data, binary particles (fixed draws)
                INDArray v = grey(100 + step, 2, NV);
                INDArray m = binary(200 + step, 2, NV);
                t.update(v, m);
                ref.step(matrix(v), matrix(m), rate, ((org.nd4j.linalg.learning.config.IUpdater) k[0])
                        .getLearningRate(0, 0), (double) k[1], (double) k[2]);
                String what = k[0] + " rate " + rate + " step " + step;
                double[] expectedW = new double[NV * NH];
                for (int i = 0; i < NV; i++) {
                    for (int j = 0; j < NH; j++) {
                        expectedW[i * NH + j] = ref.w[i][j];
                    }
                }
                assertClose(expectedW, param(g, RbmLayer.WEIGHT_KEY).dup('c'), 2e-6, "W, " + what);
                assertClose(ref.b(), param(g, RbmLayer.VISIBLE_BIAS_KEY), 2e-6, "b, " + what);
                assertClose(ref.c(), param(g, RbmLayer.HIDDEN_BIAS_KEY), 2e-6, "c, " + what);
                double[] offsets = new double[NV + NH];
                System.arraycopy(ref.mu, 0, offsets, 0, NV);
                System.arraycopy(ref.lambda, 0, offsets, NV, NH);
                assertClose(offsets, t.offsets(), 2e-6, "offsets, " + what);
            }
        }
    }

    /** All 16 visible and 8 hidden states. */
    private static double[][] states(int bits) {
        double[][] s = new double[1 << bits][bits];
        for (int x = 0; x < s.length; x++) {
            for (int i = 0; i < bits; i++) {
                s[x][i] = (x >> i) & 1;
            }
        }
        return s;
    }

    /** log p(v) for every visible state by brute force over (v, h), from an energy function. */
    private static double[] logProbabilities(java.util.function.BiFunction<double[], double[], Double> energy) {
        double[][] vs = states(NV);
        double[][] hs = states(NH);
        double[] logUnnormalized = new double[vs.length];
        for (int x = 0; x < vs.length; x++) {
            double sum = 0;
            for (double[] h : hs) {
                sum += Math.exp(-energy.apply(vs[x], h));
            }
            logUnnormalized[x] = Math.log(sum);
        }
        double z = 0;
        for (double l : logUnnormalized) {
            z += Math.exp(l);
        }
        double logZ = Math.log(z);
        for (int x = 0; x < vs.length; x++) {
            logUnnormalized[x] -= logZ;
        }
        return logUnnormalized;
    }

    /**
     * The centered energy in b~ = b + W lambda, c~ = c + W' mu is the ordinary energy plus a constant, for any
     * offsets: the exact log-probabilities (brute force) agree, and the energies differ by the same constant in every
     * state. Moving the offsets alone (rate > 0, learning rate 0) changes no stored parameter; startCentered sets the
     * biases so that the centered ones are logit(mean) and 0.
     */
    @Test
    void reparameterisationLeavesTheDistributionUnchanged() {
        RBM rbm = RBM.builder().nVisible(NV).nHidden(NH).initStd(0.8).updater(new Sgd(0.0)).seed(11).build();
        ComputationGraph g = rbm.init();
        param(g, RbmLayer.VISIBLE_BIAS_KEY).assign(Nd4j.createFromArray(0.2f, -0.4f, 0.1f, 0.5f).reshape(1, NV));
        param(g, RbmLayer.HIDDEN_BIAS_KEY).assign(Nd4j.createFromArray(-0.3f, 0.25f, 0.6f).reshape(1, NH));
        double[][] w = matrix(param(g, RbmLayer.WEIGHT_KEY));
        double[] b = vector(param(g, RbmLayer.VISIBLE_BIAS_KEY));
        double[] c = vector(param(g, RbmLayer.HIDDEN_BIAS_KEY));
        double[] mu = {0.1, 0.9, 0.5, 0.3};
        double[] lambda = {0.7, 0.2, 0.5};
        Reference centered = new Reference(w, b, c, mu, lambda);
        java.util.function.BiFunction<double[], double[], Double> ordinary = (v, h) -> {
            double e = 0;
            for (int i = 0; i < NV; i++) {
                e -= b[i] * v[i];
                for (int j = 0; j < NH; j++) {
                    e -= v[i] * w[i][j] * h[j];
                }
            }
            for (int j = 0; j < NH; j++) {
                e -= c[j] * h[j];
            }
            return e;
        };
        java.util.function.BiFunction<double[], double[], Double> centeredEnergy = (v, h) -> {
            double e = 0;
            for (int i = 0; i < NV; i++) {
                e -= centered.bt[i] * (v[i] - mu[i]);
                for (int j = 0; j < NH; j++) {
                    e -= (v[i] - mu[i]) * w[i][j] * (h[j] - lambda[j]);
                }
            }
            for (int j = 0; j < NH; j++) {
                e -= centered.ct[j] * (h[j] - lambda[j]);
            }
            return e;
        };
        double[] p = logProbabilities(ordinary);
        double[] q = logProbabilities(centeredEnergy);
        assertArrayEquals(p, q, 1e-12);
        double constant = centeredEnergy.apply(new double[NV], new double[NH]) - ordinary.apply(new double[NV],
                new double[NH]);
        for (double[] v : states(NV)) {
            for (double[] h : states(NH)) {
                assertEquals(constant, centeredEnergy.apply(v, h) - ordinary.apply(v, h), 1e-12);
            }
        }
        // a wrong reparameterisation (c~ = c - W' mu) changes the distribution: the check can fail
        Reference wrong = new Reference(w, b, c, mu, lambda);
        for (int j = 0; j < NH; j++) {
            for (int i = 0; i < NV; i++) {
                wrong.ct[j] -= 2 * w[i][j] * mu[i];
            }
        }
        double[] r = logProbabilities((v, h) -> {
            double e = 0;
            for (int i = 0; i < NV; i++) {
                e -= wrong.bt[i] * (v[i] - mu[i]);
                for (int j = 0; j < NH; j++) {
                    e -= (v[i] - mu[i]) * w[i][j] * (h[j] - lambda[j]);
                }
            }
            for (int j = 0; j < NH; j++) {
                e -= wrong.ct[j] * (h[j] - lambda[j]);
            }
            return e;
        });
        double maxDiff = 0;
        for (int x = 0; x < p.length; x++) {
            maxDiff = Math.max(maxDiff, Math.abs(p[x] - r[x]));
        }
        assertTrue(maxDiff > 1e-3, "a wrong reparameterisation should change log p(v): " + maxDiff);

        // the trainer: offsets move, the stored parameters (the distribution) do not, at learning rate 0
        float[] before = g.params().toFloatVector();
        RbmTrainer t = new RbmTrainer(rbm, g, 1).centering(0.5);
        t.update(grey(1, 2, NV), binary(2, 2, NV));
        assertArrayEquals(before, g.params().toFloatVector(), 0f);
        float[] moved = t.offsets().toFloatVector();
        assertFalse(java.util.Arrays.equals(moved, new float[] {0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f}),
                "the offsets moved from 0.5");

        // startCentered: b~ = logit(mean), c~ = 0 with mu = mean, lambda = 0.5
        double[] mean = {0.25, 0.0, 0.6, 1.0};
        t.startCentered(Nd4j.createFromArray(mean).castTo(DataType.FLOAT));
        Reference start = new Reference(matrix(param(g, RbmLayer.WEIGHT_KEY)),
                vector(param(g, RbmLayer.VISIBLE_BIAS_KEY)), vector(param(g, RbmLayer.HIDDEN_BIAS_KEY)), mean,
                new double[] {0.5, 0.5, 0.5});
        for (int i = 0; i < NV; i++) {
            double clipped = Math.min(0.999, Math.max(0.001, mean[i]));
            assertEquals(Math.log(clipped / (1 - clipped)), start.bt[i], 1e-5, "b~ " + i);
        }
        for (int j = 0; j < NH; j++) {
            assertEquals(0, start.ct[j], 1e-6, "c~ " + j);
        }
        assertArrayEquals(new float[] {0.25f, 0f, 0.6f, 1f, 0.5f, 0.5f, 0.5f}, t.offsets().toFloatVector(), 0f);
    }

    /** An epoch: four minibatches of 10 binary rows. */
    private static void epoch(RbmTrainer t, long seed) {
        for (int i = 0; i < 4; i++) {
            t.fit(binary(seed * 10 + i, 10, 20));
        }
    }

    private static byte[] save(ComputationGraph g) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ModelSerializer.writeModel(g, out, true);
        return out.toByteArray();
    }

    /**
     * Two epochs with a new trainer each (the runner's way: a seed per epoch, the chain and offsets handed on) equal
     * the first epoch, a save and restore of the graph, chain and offsets, and the second epoch: bit for bit. Without
     * the offsets the second epoch differs.
     */
    @Test
    void resumesExactlyWithTheSavedOffsets() throws IOException {
        RBM rbm = RBM.builder().nVisible(20).nHidden(8).initStd(0.1).updater(new Nesterovs(0.05, 0.9)).l2(1e-3)
                .seed(8).build();
        ComputationGraph whole = rbm.init();
        RbmTrainer e1 = new RbmTrainer(rbm, whole, 101).centering(0.05);
        e1.startCentered(Nd4j.valueArrayOf(new long[] {20}, 0.3f));
        epoch(e1, 1);
        byte[] model = save(whole);
        INDArray chain = e1.chain().dup();
        INDArray offsets = e1.offsets();
        RbmTrainer e2 = new RbmTrainer(rbm, whole, 102).centering(0.05);
        e2.chain(e1.chain());
        e2.offsets(e1.offsets());
        epoch(e2, 2);

        for (boolean withOffsets : new boolean[] {true, false}) {
            ComputationGraph resumed = ModelSerializer.restoreComputationGraph(new ByteArrayInputStream(model), true);
            RbmTrainer r2 = new RbmTrainer(rbm, resumed, 102).centering(0.05);
            r2.chain(chain);
            if (withOffsets) {
                r2.offsets(offsets);
            }
            epoch(r2, 2);
            if (withOffsets) {
                assertArrayEquals(whole.params().toFloatVector(), resumed.params().toFloatVector(), 0f);
                assertArrayEquals(whole.getUpdater().getStateViewArray().toFloatVector(),
                        resumed.getUpdater().getStateViewArray().toFloatVector(), 0f);
                assertArrayEquals(e2.offsets().toFloatVector(), r2.offsets().toFloatVector(), 0f);
                assertArrayEquals(e2.chain().dup().reshape(-1).toFloatVector(), r2.chain().dup().reshape(-1).toFloatVector(), 0f);
            } else {
                assertFalse(java.util.Arrays.equals(whole.params().toFloatVector(),
                        resumed.params().toFloatVector()), "restarted offsets should change the run");
            }
        }
    }

    /**
     * With centering the update's factors are the centered rows and {@code s . (P - lambda)}: the chain product carried
     * into the next Gibbs step still equals the product with the updated weights.
     */
    @Test
    void carriedChainProductStaysExactWithCentering() {
        RBM rbm = RBM.builder().nVisible(20).nHidden(12).updater(new Sgd(0.5)).seed(5).build();
        ComputationGraph g = rbm.init();
        RbmTrainer t = new RbmTrainer(rbm, g, 3).centering(0.2);
        t.startCentered(Nd4j.valueArrayOf(new long[] {20}, 0.3f));
        for (int step = 0; step < 4; step++) {
            t.fit(binary(1 + step, 6, 20));
        }
        assertTrue(t.chainProduct(), "carried");
        INDArray direct = t.chain().mmul(g.getParam("rbm_W"));
        double scale = direct.amaxNumber().doubleValue();
        assertTrue(direct.equalsWithEps(t.hiddenInputs(), 2e-6 * scale), "max difference "
                + direct.sub(t.hiddenInputs()).amaxNumber() + " of " + scale);
    }

    @Test
    void rejectsBadRatesAndOffsetsNamingTheValue() {
        RBM rbm = RBM.builder().nVisible(NV).nHidden(NH).seed(1).build();
        RbmTrainer t = new RbmTrainer(rbm, rbm.init(), 1);
        for (double bad : new double[] {-0.01, 1.5, Double.NaN, Double.POSITIVE_INFINITY}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.centering(bad));
            assertTrue(e.getMessage().contains("centering rate") && e.getMessage().contains(String.valueOf(bad)),
                    e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> t.offsets(Nd4j.zeros(DataType.FLOAT, NV + NH + 1)));
        assertTrue(e.getMessage().contains("offsets") && e.getMessage().contains("8"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> t.offsets(Nd4j.createFromArray(0f, 0f, 0f, 0f, 0f, 1.5f, 0f)));
        assertTrue(e.getMessage().contains("hidden offset 1") && e.getMessage().contains("1.5"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> t.offsets(Nd4j.createFromArray(0f, Float.NaN, 0f, 0f, 0f, 0f, 0f)));
        assertTrue(e.getMessage().contains("visible offset 1") && e.getMessage().contains("NaN"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> t.startCentered(Nd4j.zeros(DataType.FLOAT, 3)));
        assertTrue(e.getMessage().contains("dataMean") && e.getMessage().contains("[3]"), e.getMessage());
        assertEquals(0.0, t.centering());
    }
}
