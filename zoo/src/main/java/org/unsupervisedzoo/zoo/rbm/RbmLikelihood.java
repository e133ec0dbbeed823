package org.unsupervisedzoo.zoo.rbm;

import java.lang.ref.Reference;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The partition function of a Bernoulli-Bernoulli RBM: exact by enumeration for tiny models, and estimated by
 * annealed importance sampling (AIS) as in Salakhutdinov &amp; Murray, "On the quantitative analysis of deep
 * belief networks", ICML 2008, so that the average test log-likelihood {@code mean(-F(v)) - log Z} can be
 * reported in nats. All computations in DOUBLE.
 *
 * <p><b>AIS.</b> The base model A has weights 0, visible biases {@code b_A} (the base rates of the data,
 * {@link #baseRateBias}) and hidden biases 0, so {@code log Z_A = sum_i softplus(b_A_i) + nHidden log 2}. The
 * intermediate distributions over v are
 * {@code log p*_beta(v) = (1-beta) b_A.v + beta b.v + sum_j softplus(beta (c_j + (vW)_j))}, for
 * {@code 0 = beta_0 < ... < beta_K = 1}; each of {@code runs} chains starts with an exact draw from A, adds
 * {@code log p*_{beta_k}(v) - log p*_{beta_{k-1}}(v)} to its log-weight and moves by one Gibbs step that leaves
 * {@code p_{beta_k}} invariant. Then {@code log Z = log Z_A + log mean(exp(logw))}.
 */
public final class RbmLikelihood {
    private RbmLikelihood() {
    }

    /** The result of AIS: the estimate and the estimate at the mean log-weight +- 3 standard errors. */
    public static final class Estimate {
        public final double logZ;
        public final double logZLow;
        public final double logZHigh;
        public final double logZBase;
        public final int runs;
        public final int betas;

        Estimate(double logZ, double logZLow, double logZHigh, double logZBase, int runs, int betas) {
            this.logZ = logZ;
            this.logZLow = logZLow;
            this.logZHigh = logZHigh;
            this.logZBase = logZBase;
            this.runs = runs;
            this.betas = betas;
        }

        @Override
        public String toString() {
            return String.format("log Z = %.4f (3 s.e.: %.4f .. %.4f; base %.4f; %d runs, %d betas)", logZ, logZLow,
                    logZHigh, logZBase, runs, betas);
        }
    }

    /**
     * Salakhutdinov &amp; Murray's schedule: 500 betas spaced 1e-3 on [0, 0.5), 4,000 spaced 1e-4 on [0.5, 0.9)
     * and 10,000 spaced 1e-5 on [0.9, 1], i.e. 14,500 intermediate distributions (14,501 betas with 0 and 1).
     */
    public static double[] standardBetas() {
        return piecewiseBetas(500, 4000, 10000);
    }

    /** The same three pieces ([0,.5), [.5,.9), [.9,1]) with the given counts; {@code 14,500 = 500+4000+10000}. */
    public static double[] piecewiseBetas(int n1, int n2, int n3) {
        if (n1 <= 0 || n2 <= 0 || n3 <= 0) {
            throw new IllegalArgumentException("beta counts must be positive, got " + n1 + ", " + n2 + ", " + n3);
        }
        double[] betas = new double[n1 + n2 + n3 + 1];
        int i = 0;
        for (int k = 0; k < n1; k++) {
            betas[i++] = 0.5 * k / n1;
        }
        for (int k = 0; k < n2; k++) {
            betas[i++] = 0.5 + 0.4 * k / n2;
        }
        for (int k = 0; k <= n3; k++) {
            betas[i++] = 0.9 + 0.1 * k / n3;
        }
        betas[betas.length - 1] = 1.0;
        return betas;
    }

    /**
     * Visible biases of the base-rate model: {@code logit(p_i)} with {@code p_i} the mean of pixel i over
     * {@code data} ({@code [n, nVisible]}), smoothed as {@code p_i = (sum_i + 0.05 n) / (1.1 n)} so no pixel
     * is exactly 0 or 1 ({@code p} in [0.045, 0.955]). {@code [1, nVisible]}.
     */
    public static INDArray baseRateBias(INDArray data) {
        double n = data.size(0);
        INDArray p = data.castTo(DataType.DOUBLE).sum(true, 0).addi(0.05 * n).divi(1.1 * n);
        return Transforms.log(p, true).subi(Transforms.log(p.rsub(1.0), false));
    }

    /**
     * AIS estimate of log Z (nats) for a Bernoulli RBM.
     *
     * @param baseBias visible biases of the base-rate model {@code [1, nVisible]}, or null for zeros (uniform)
     * @param runs     independent AIS chains (Salakhutdinov &amp; Murray: 100)
     * @param betas    increasing inverse temperatures from 0 to 1 ({@link #standardBetas()})
     */
    public static Estimate aisLogZ(RbmParams rbm, INDArray baseBias, int runs, double[] betas, Random rng) {
        requireBernoulli(rbm);
        if (runs <= 0) {
            throw new IllegalArgumentException("runs must be positive, got " + runs);
        }
        if (betas == null || betas.length < 2 || betas[0] != 0 || betas[betas.length - 1] != 1) {
            throw new IllegalArgumentException("betas must run from 0 to 1 (at least two values)");
        }
        for (int k = 1; k < betas.length; k++) {
            if (!(betas[k] > betas[k - 1])) {
                throw new IllegalArgumentException("betas must increase; betas[" + k + "] = " + betas[k]
                        + " after " + betas[k - 1]);
            }
        }
        RbmParams p = rbm.castTo(DataType.DOUBLE);
        int d = p.nVisible();
        INDArray bA = baseBias == null ? Nd4j.zeros(DataType.DOUBLE, 1, d)
                : baseBias.castTo(DataType.DOUBLE).reshape(1, d).dup();
        INDArray b = p.visibleBias();
        INDArray w = p.weights();
        INDArray wt = w.transpose().dup();
        double logZA = RbmParams.softplus(bA).sumNumber().doubleValue() + p.nHidden() * Math.log(2);

        // exact draw from the base model
        INDArray c = p.hiddenBias();
        INDArray v = RbmParams.bernoulli(Transforms.sigmoid(bA, true).repeat(0, runs), rng);
        // the biases repeated on every chain's row: the loop adds them with element-wise ops, never with ND4J's
        // broadcast ops (addiRowVector), under which this loop died twice more with SIGSEGV in
        // sd::DataBuffer::primary after 2026-12-05's fix below (one AIS run in three of 14,500 steps, 2026-12-06)
        INDArray ones = Nd4j.ones(DataType.DOUBLE, runs, 1);
        INDArray cRows = ones.mmul(c);
        INDArray bARows = ones.mmul(bA);
        INDArray x = v.mmul(w);
        x.addi(cRows);
        INDArray logw = Nd4j.zeros(DataType.DOUBLE, runs);
        INDArray bDiff = b.sub(bA);
        INDArray bDiffRows = ones.mmul(bDiff);
        INDArray bDiffT = bDiff.transpose().dup();
        // every temporary of a step lives in a workspace that is reset each step: 14,500 steps of fresh arrays
        // left to the garbage collector grew the process by gigabytes (it was killed by the OOM killer).
        // Every operand of an ND4J op is held in a local and kept reachable (reachabilityFence) until the step
        // ends: a temporary passed straight into an op (it was bA.mul(1 - beta) into addiRowVector) is reachable
        // only from the op, and a garbage collection between ND4J taking its native buffer and the native call let
        // the deallocator free it under the op (SIGSEGV in sd::DataBuffer::primary, 2026-12-05)
        WorkspaceConfiguration wsConf = WorkspaceConfiguration.builder().initialSize(0)
                .policyAllocation(AllocationPolicy.STRICT).policyLearning(LearningPolicy.FIRST_LOOP).build();
        for (int k = 1; k < betas.length; k++) {
            double bk = betas[k];
            double bPrev = betas[k - 1];
            try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().getAndActivateWorkspace(wsConf, "RBM_AIS")) {
                // log p*_{bk}(v) - log p*_{bPrev}(v)
                INDArray visible = v.mmul(bDiffT);
                INDArray step = visible.reshape(runs).muli(bk - bPrev);
                INDArray xk = x.mul(bk);
                INDArray xPrev = x.mul(bPrev);
                INDArray spk = RbmParams.softplus(xk);
                INDArray spPrev = RbmParams.softplus(xPrev);
                INDArray sumK = spk.sum(1);
                INDArray sumPrev = spPrev.sum(1);
                step.addi(sumK);
                step.subi(sumPrev);
                logw.addi(step);
                if (k < betas.length - 1) {
                    // one Gibbs step leaving p_{bk} invariant; v and x are overwritten in place
                    INDArray hProb = Transforms.sigmoid(xk, true);
                    INDArray h = RbmParams.bernoulli(hProb, rng);
                    INDArray vIn = h.mmul(wt);
                    // bk (h W^T + b) + (1 - bk) bA = bk (h W^T + b - bA) + bA
                    vIn.addi(bDiffRows);
                    vIn.muli(bk);
                    vIn.addi(bARows);
                    INDArray vProb = Transforms.sigmoid(vIn, true);
                    INDArray vNew = RbmParams.bernoulli(vProb, rng);
                    v.assign(vNew);
                    INDArray xNew = v.mmul(w);
                    xNew.addi(cRows);
                    x.assign(xNew);
                    Reference.reachabilityFence(new Object[] {hProb, h, vIn, vProb, vNew, xNew});
                }
                Reference.reachabilityFence(new Object[] {visible, step, xk, xPrev, spk, spPrev, sumK, sumPrev});
            }
        }
        Reference.reachabilityFence(new Object[] {p, bA, b, c, w, wt, v, x, bDiff, bDiffT, ones, cRows, bARows,
            bDiffRows});
        double[] lw = logw.toDoubleVector();
        double max = Double.NEGATIVE_INFINITY;
        for (double l : lw) {
            max = Math.max(max, l);
        }
        double mean = 0;
        for (double l : lw) {
            mean += Math.exp(l - max);
        }
        mean /= runs;
        double var = 0;
        for (double l : lw) {
            double e = Math.exp(l - max) - mean;
            var += e * e;
        }
        double se = runs > 1 ? Math.sqrt(var / (runs - 1) / runs) : 0;
        double logZ = logZA + max + Math.log(mean);
        double low = mean - 3 * se > 0 ? logZA + max + Math.log(mean - 3 * se) : Double.NEGATIVE_INFINITY;
        double high = logZA + max + Math.log(mean + 3 * se);
        return new Estimate(logZ, low, high, logZA, runs, betas.length - 1);
    }

    /**
     * Exact log Z by enumerating the smaller layer ({@code 2^min(nVisible, nHidden)} states, at most 2^24).
     * Bernoulli visible units: summing over h gives {@code sum_h exp(c.h + sum_i softplus(b_i + (W h)_i))};
     * Gaussian: {@code sum_h exp(c.h + b.Wh + ||Wh||^2/2) (2 pi)^(nVisible/2)} (hidden enumeration only).
     */
    public static double exactLogZ(RbmParams rbm) {
        RbmParams p = rbm.castTo(DataType.DOUBLE);
        boolean overHidden = p.visibleUnits() == VisibleUnits.GAUSSIAN || p.nHidden() <= p.nVisible();
        int bits = overHidden ? p.nHidden() : p.nVisible();
        if (bits > 24) {
            throw new IllegalArgumentException("exact log Z enumerates 2^" + bits + " states; at most 2^24 allowed"
                    + " (nVisible " + p.nVisible() + ", nHidden " + p.nHidden() + ")");
        }
        long states = 1L << bits;
        int chunk = (int) Math.min(states, 1 << 14);
        double max = Double.NEGATIVE_INFINITY;
        java.util.List<double[]> terms = new java.util.ArrayList<>();
        for (long start = 0; start < states; start += chunk) {
            int n = (int) Math.min(chunk, states - start);
            INDArray s = Nd4j.create(DataType.DOUBLE, n, bits);
            for (int r = 0; r < n; r++) {
                long code = start + r;
                for (int j = 0; j < bits; j++) {
                    if (((code >> j) & 1) == 1) {
                        s.putScalar(r, j, 1.0);
                    }
                }
            }
            INDArray t;
            if (!overHidden) {
                t = p.freeEnergy(s).negi();
            } else {
                INDArray wh = s.mmul(p.weights().transpose());
                INDArray hc = s.mmul(p.hiddenBias().transpose()).reshape(n);
                if (p.visibleUnits() == VisibleUnits.BERNOULLI) {
                    t = hc.addi(RbmParams.softplus(wh.addiRowVector(p.visibleBias())).sum(1));
                } else {
                    t = hc.addi(wh.mmul(p.visibleBias().transpose()).reshape(n))
                            .addi(wh.mul(wh).sum(1).muli(0.5))
                            .addi(0.5 * p.nVisible() * Math.log(2 * Math.PI));
                }
            }
            double[] tv = t.toDoubleVector();
            for (double v : tv) {
                max = Math.max(max, v);
            }
            terms.add(tv);
        }
        double sum = 0;
        for (double[] tv : terms) {
            for (double v : tv) {
                sum += Math.exp(v - max);
            }
        }
        return max + Math.log(sum);
    }

    /** Average log-likelihood {@code mean(-F(v)) - logZ} of the rows of {@code v}, in nats. */
    public static double averageLogLikelihood(RbmParams rbm, INDArray v, double logZ) {
        RbmParams p = rbm.castTo(DataType.DOUBLE);
        p.checkVisible("v", v);
        return -p.freeEnergy(v.castTo(DataType.DOUBLE)).meanNumber().doubleValue() - logZ;
    }

    private static void requireBernoulli(RbmParams rbm) {
        if (rbm.visibleUnits() != VisibleUnits.BERNOULLI) {
            throw new IllegalArgumentException("AIS is implemented for BERNOULLI visible units, got "
                    + rbm.visibleUnits() + " (exactLogZ covers small Gaussian-Bernoulli RBMs)");
        }
    }
}
