package org.unsupervisedzoo.zoo.rbm;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The parameters of a restricted Boltzmann machine and everything computed from them, in plain ND4J:
 * energy, free energy, conditionals, Gibbs sampling, reconstruction and scikit-learn's pseudo-likelihood.
 * Shapes: {@code W [nVisible, nHidden]}, {@code b [1, nVisible]}, {@code c [1, nHidden]}; batches are rows.
 * The arrays may be views of a graph's parameters ({@link RBM#params}): results then follow training.
 *
 * <p>Every sampling method takes its random generator, so a fixed seed gives the same draws and successive
 * calls give fresh ones.
 */
public final class RbmParams {
    private final INDArray w;
    private final INDArray b;
    private final INDArray c;
    private final VisibleUnits visible;

    public RbmParams(INDArray w, INDArray b, INDArray c, VisibleUnits visible) {
        if (w == null || b == null || c == null || visible == null) {
            throw new IllegalArgumentException("W, b, c and visible units must not be null");
        }
        if (w.rank() != 2 || b.length() != w.size(0) || c.length() != w.size(1)) {
            throw new IllegalArgumentException("shapes must be W [nVisible, nHidden], b [nVisible], c [nHidden]; got W "
                    + java.util.Arrays.toString(w.shape()) + ", b " + java.util.Arrays.toString(b.shape()) + ", c "
                    + java.util.Arrays.toString(c.shape()));
        }
        this.w = w;
        this.b = b.reshape(1, w.size(0));
        this.c = c.reshape(1, w.size(1));
        this.visible = visible;
    }

    public INDArray weights() {
        return w;
    }

    public INDArray visibleBias() {
        return b;
    }

    public INDArray hiddenBias() {
        return c;
    }

    public VisibleUnits visibleUnits() {
        return visible;
    }

    public int nVisible() {
        return (int) w.size(0);
    }

    public int nHidden() {
        return (int) w.size(1);
    }

    /** A copy in another floating-point type (e.g. DOUBLE for likelihood estimates). */
    public RbmParams castTo(DataType type) {
        return new RbmParams(w.castTo(type).dup(), b.castTo(type).dup(), c.castTo(type).dup(), visible);
    }

    /**
     * Rejects a batch that is not {@code [n, nVisible]}, holds NaN/infinity, or (Bernoulli visible units) has values
     * outside [0,1], with a message naming the offending value.
     */
    public INDArray checkVisible(String name, INDArray v) {
        if (v == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
        if (v.rank() != 2 || v.size(1) != nVisible()) {
            throw new IllegalArgumentException(name + " must be [batch, " + nVisible() + "], got shape "
                    + java.util.Arrays.toString(v.shape()));
        }
        double min = v.minNumber().doubleValue();
        double max = v.maxNumber().doubleValue();
        if (Double.isNaN(min) || Double.isNaN(max) || Double.isInfinite(min) || Double.isInfinite(max)) {
            throw new IllegalArgumentException(name + " contains NaN or infinite values (min " + min + ", max " + max
                    + ")");
        }
        if (visible == VisibleUnits.BERNOULLI && (min < 0 || max > 1)) {
            throw new IllegalArgumentException(name + ": Bernoulli visible units take values in [0,1] (probabilities),"
                    + " got " + (min < 0 ? "min " + min : "max " + max)
                    + "; scale the data to [0,1] or use GAUSSIAN visible units on standardized data");
        }
        return v;
    }

    private INDArray typed(INDArray x) {
        return x.dataType() == w.dataType() ? x : x.castTo(w.dataType());
    }

    /** {@code c + v W}, {@code [n, nHidden]}. */
    public INDArray hiddenInput(INDArray v) {
        return product(typed(v), false).addiRowVector(c);
    }

    /**
     * {@code x W} or {@code x W^T} through one {@code Nd4j.gemm} into a new 'c'-ordered array ({@code INDArray.mmul}
     * first copies its operands, and {@code W^T} as an operand would be copied too: a cost per Gibbs step that
     * dominated at small batches).
     */
    private INDArray product(INDArray x, boolean transposeW) {
        INDArray out = Nd4j.createUninitialized(w.dataType(), x.size(0), transposeW ? w.size(0) : w.size(1));
        Nd4j.gemm(x, w, out, false, transposeW, 1.0, 0.0);
        return out;
    }

    /** {@code p(h_j = 1 | v) = sigmoid(c_j + (v W)_j)}, {@code [n, nHidden]}: the RBM's features. */
    public INDArray hiddenProbabilities(INDArray v) {
        return Transforms.sigmoid(hiddenInput(v), false);
    }

    /** The mean of {@code v | h}: {@code sigmoid(b + h W^T)} (Bernoulli) or {@code b + h W^T} (Gaussian). */
    public INDArray visibleMean(INDArray h) {
        INDArray x = product(typed(h), true).addiRowVector(b);
        return visible == VisibleUnits.BERNOULLI ? Transforms.sigmoid(x, false) : x;
    }

    /** Draws {@code h ~ p(h | v)}. */
    public INDArray sampleHidden(INDArray v, Random rng) {
        return bernoulli(hiddenProbabilities(v), rng);
    }

    /** Draws {@code v ~ p(v | h)}. */
    public INDArray sampleVisible(INDArray h, Random rng) {
        INDArray mean = visibleMean(h);
        if (visible == VisibleUnits.BERNOULLI) {
            return bernoulli(mean, rng);
        }
        return mean.addi(Nd4j.randn(rng, mean.shape()).castTo(mean.dataType()));
    }

    /** {@code k} steps of block Gibbs sampling from {@code v}: each step draws h ~ p(h|v), then v ~ p(v|h). */
    public INDArray gibbs(INDArray v, int k, Random rng) {
        if (k < 0) {
            throw new IllegalArgumentException("k must be >= 0, got " + k);
        }
        INDArray x = typed(v);
        for (int i = 0; i < k; i++) {
            x = sampleVisible(sampleHidden(x, rng), rng);
        }
        return x;
    }

    /**
     * Independent Bernoulli draws with probabilities {@code p}, in p's type: {@code u < p} for uniform {@code u},
     * computed in place as {@code step(p - u)} (one array instead of three; the same draws).
     */
    public static INDArray bernoulli(INDArray p, Random rng) {
        INDArray u = Nd4j.rand(rng, p.shape()).castTo(p.dataType());
        return Transforms.step(u.rsubi(p), false);
    }

    /** Numerically stable {@code log(1 + exp(x))}, a new array. */
    static INDArray softplus(INDArray x) {
        INDArray pos = Transforms.relu(x, true);
        INDArray tail = Transforms.log(Transforms.exp(Transforms.abs(x, true).negi(), false).addi(1.0), false);
        return pos.addi(tail);
    }

    /** Energy {@code E(v, h)} per example, {@code [n]} (see {@link VisibleUnits} for the formulas). */
    public INDArray energy(INDArray v, INDArray h) {
        INDArray vt = typed(v);
        INDArray ht = typed(h);
        INDArray interaction = vt.mmul(w).muli(ht).sum(1);
        INDArray hiddenTerm = ht.mulRowVector(c).sum(1);
        INDArray visibleTerm = visible == VisibleUnits.BERNOULLI ? vt.mulRowVector(b).sum(1).negi()
                : pow2(vt.subRowVector(b)).sum(1).muli(0.5);
        return visibleTerm.subi(hiddenTerm).subi(interaction);
    }

    private static INDArray pow2(INDArray x) {
        return x.muli(x);
    }

    /** Free energy {@code F(v) = -log sum_h exp(-E(v, h))} per example, {@code [n]}. */
    public INDArray freeEnergy(INDArray v) {
        INDArray vt = typed(v);
        INDArray hiddenTerm = softplus(hiddenInput(vt)).sum(1);
        INDArray visibleTerm = visible == VisibleUnits.BERNOULLI ? vt.mulRowVector(b).sum(1).negi()
                : pow2(vt.subRowVector(b)).sum(1).muli(0.5);
        return visibleTerm.subi(hiddenTerm);
    }

    /** Mean-field reconstruction {@code E[v | h = p(h|v)]}: the visible mean given the hidden probabilities. */
    public INDArray reconstruct(INDArray v) {
        return visibleMean(hiddenProbabilities(v));
    }

    /** Mean squared reconstruction error per element. */
    public double reconstructionError(INDArray v) {
        INDArray d = reconstruct(v).subi(typed(v));
        return d.muli(d).meanNumber().doubleValue();
    }

    /**
     * Pseudo-likelihood per example exactly as scikit-learn's {@code BernoulliRBM.score_samples}: flip one visible
     * unit per example, chosen uniformly by {@code rng} ({@code v_i -> 1 - v_i}), and return
     * {@code nVisible * log sigmoid(F(v_flipped) - F(v))}, {@code [n]}. Bernoulli visible units only.
     */
    public INDArray pseudoLikelihood(INDArray v, Random rng) {
        if (visible != VisibleUnits.BERNOULLI) {
            throw new IllegalArgumentException("pseudo-likelihood is defined for BERNOULLI visible units (as"
                    + " scikit-learn's score_samples), got " + visible);
        }
        INDArray vt = typed(checkVisible("v", v)).dup();
        INDArray flipped = vt.dup();
        for (long i = 0; i < flipped.size(0); i++) {
            int j = rng.nextInt(nVisible());
            flipped.putScalar(i, j, 1.0 - flipped.getDouble(i, j));
        }
        INDArray diff = freeEnergy(flipped).subi(freeEnergy(vt));
        // log sigmoid(x) = -softplus(-x)
        return softplus(diff.negi()).negi().muli(nVisible());
    }

    /** The mean pseudo-likelihood over the rows of {@code v}. */
    public double meanPseudoLikelihood(INDArray v, Random rng) {
        return pseudoLikelihood(v, rng).meanNumber().doubleValue();
    }
}
