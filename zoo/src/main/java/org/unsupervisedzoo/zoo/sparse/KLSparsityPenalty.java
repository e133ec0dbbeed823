package org.unsupervisedzoo.zoo.sparse;

import org.nd4j.linalg.ops.transforms.Transforms;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Objects;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.unsupervisedzoo.zoo.core.Checks;
import org.unsupervisedzoo.zoo.core.PenaltyLayer;
import org.unsupervisedzoo.zoo.core.DenseMath;
import org.unsupervisedzoo.zoo.core.FloatViews;

/**
 * The KL sparsity penalty of a sparse autoencoder (Ng, CS294A lecture notes, "Sparse autoencoder", 2011):
 * <pre>
 *   P = beta * sum_j KL(rho || rho_hat_j),   rho_hat_j = (1/B) sum_b h_bj,
 *   KL(rho || q) = rho log(rho / q) + (1 - rho) log((1 - rho) / (1 - q))
 * </pre>
 * on a code {@code h} in (0,1) (a sigmoid layer), {@code [B, n]}. The penalty is defined once per batch (on
 * the batch-mean activation), so it is returned times {@code B} and DL4J's division by the batch size leaves
 * exactly {@code P} in the score. {@code rho_hat} is clipped to {@code [1e-7, 1 - 1e-7]}.
 *
 * <p>Defaults: {@code rho = 0.05} (target mean activation; 0.05-0.1 is typical), {@code beta = 3}
 * (penalty weight). Use as a leaf vertex fed by the code layer; see {@link PenaltyLayer}.
 */
public class KLSparsityPenalty extends PenaltyLayer {
    /** Clip of the mean activation before the logarithms. */
    public static final double EPS = 1e-7;

    private double rho = 0.05;
    private double beta = 3.0;

    /** For JSON; the defaults above. */
    public KLSparsityPenalty() {
    }

    public KLSparsityPenalty(double rho, double beta) {
        setRho(rho);
        setBeta(beta);
    }

    @Override
    protected SDVariable batchPenalty(SameDiff sd, SDVariable h) {
        SDVariable batch = batchSize(sd, h);
        // the batch mean as ones^T h / B: SameDiff's mean over dimension 0 failed for a batch of one
        SDVariable ones = sd.onesLike(h.sum(true, 1));
        SDVariable q = sd.math().clipByValue(sd.mmul(ones, h, true, false, false).div(batch), EPS, 1 - EPS);
        // rho (log rho - log q) + (1 - rho)(log(1 - rho) - log(1 - q))
        SDVariable a = sd.math().log(q).rsub(Math.log(rho)).mul(rho);
        SDVariable b = sd.math().log(q.rsub(1.0)).rsub(Math.log(1 - rho)).mul(1 - rho);
        return a.add(b).sum().mul(beta).mul(batch);
    }

    @Override
    public double penaltyValue(INDArray h) {
        float[] means = javaColumnMeans(h);
        if (means != null) { // float: the 1 x n vector work in Java (each ND4J op on it paid a fixed cost)
            double kl = 0;
            for (int j = 0; j < h.size(1); j++) {
                double q = Math.max(Math.min(means[j], 1 - EPS), EPS);
                kl += rho * Math.log(rho / q) + (1 - rho) * Math.log((1 - rho) / (1 - q));
            }
            return kl * beta * h.size(0);
        }
        INDArray q = clippedMean(h);
        INDArray kl = Transforms.log(q, true).rsubi(Math.log(rho)).muli(rho)
                .addi(Transforms.log(q.rsub(1.0), false).rsubi(Math.log(1 - rho)).muli(1 - rho));
        return kl.sumNumber().doubleValue() * beta * h.size(0);
    }

    /** d/dh_bj = beta (-rho / q_j + (1 - rho) / (1 - q_j)), zero where q_j is clipped. */
    @Override
    public INDArray penaltyGradient(INDArray h) {
        INDArray out = h.ulike();
        penaltyGradientInto(h, out);
        return out;
    }

    /** {@link #penaltyGradient} written into {@code out}: the per-unit derivative copied into every row. */
    @Override
    public boolean penaltyGradientInto(INDArray h, INDArray out) {
        float[] means = out.ordering() == 'c' && out.equalShapes(h) ? javaColumnMeans(h) : null;
        if (means != null) {
            int n = (int) h.size(1);
            for (int j = 0; j < n; j++) {
                double raw = means[j];
                boolean inside = raw >= EPS && raw <= 1 - EPS;
                double q = Math.max(Math.min(raw, 1 - EPS), EPS);
                means[j] = inside ? (float) (beta * (-rho / q + (1 - rho) / (1 - q))) : 0f;
            }
            if (DenseMath.fillRows(out, means, n)) {
                return true;
            }
        }
        INDArray raw = columnMeans(h);
        INDArray inside = raw.gte(EPS).castTo(h.dataType()).muli(raw.lte(1 - EPS).castTo(h.dataType()));
        INDArray q = clip(raw.dup());
        INDArray dq = q.rdiv(-rho).addi(q.rsub(1.0).rdivi(1 - rho)).muli(beta).muli(inside);
        out.putiRowVector(dq.reshape(1, out.size(1)));
        return true;
    }

    /** A float 'c' matrix's column means in a heap array (scratch slot 2), or null for other arrays. */
    private static float[] javaColumnMeans(INDArray h) {
        if (h.rank() != 2 || h.ordering() != 'c' || FloatViews.of(h) == null) {
            return null;
        }
        int n = (int) h.size(1);
        float[] sums = DenseMath.columnSums(h);
        if (sums == null) {
            return null;
        }
        float[] means = FloatViews.scratch(2, n);
        for (int j = 0; j < n; j++) {
            means[j] = sums[j] / h.size(0);
        }
        return means;
    }

    private static INDArray clippedMean(INDArray h) {
        return clip(columnMeans(h));
    }

    /** {@code q} clipped to [EPS, 1 - EPS], in place. */
    private static INDArray clip(INDArray q) {
        return Transforms.max(Transforms.min(q, 1 - EPS, false), EPS, false);
    }

    /**
     * The mean activation of each unit over the batch, {@code [1, n]}, as one product with a row of ones (ND4J's
     * reduction along dimension 0 walks the matrix with a stride: the largest part of this head's cost).
     */
    private static INDArray columnMeans(INDArray h) {
        if (h.rank() != 2) {
            return h.mean(true, 0);
        }
        INDArray q = Nd4j.createUninitialized(h.dataType(), 1, h.size(1));
        Nd4j.gemm(Nd4j.ones(h.dataType(), 1, h.size(0)), h, q, false, false, 1.0 / h.size(0), 0.0);
        return q;
    }

    public double getRho() {
        return rho;
    }

    public void setRho(double rho) {
        if (!(rho > 0 && rho < 1)) {
            throw new IllegalArgumentException("rho must be in (0,1), got " + rho);
        }
        this.rho = rho;
    }

    public double getBeta() {
        return beta;
    }

    public void setBeta(double beta) {
        Checks.nonNegative("beta", beta);
        this.beta = beta;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof KLSparsityPenalty) || !super.equals(o)) {
            return false;
        }
        KLSparsityPenalty k = (KLSparsityPenalty) o;
        return rho == k.rho && beta == k.beta;
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), rho, beta);
    }
}
