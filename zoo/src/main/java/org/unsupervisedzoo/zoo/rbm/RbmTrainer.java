package org.unsupervisedzoo.zoo.rbm;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.deeplearning4j.optimize.solvers.BaseOptimizer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.learning.regularization.L2Regularization;
import org.nd4j.linalg.learning.regularization.Regularization;
import org.nd4j.linalg.learning.regularization.WeightDecay;
import org.unsupervisedzoo.zoo.core.FloatViews;
import org.unsupervisedzoo.zoo.core.SigmoidMath;

/**
 * Trains an {@link RBM} graph's parameters in place with one fused step per minibatch, where the graph's RBM layer
 * has one {@link Sgd} or {@link Nesterovs} updater (constant rates or schedules, momentum schedules included), at
 * most {@link L2Regularization} and {@link WeightDecay} and no gradient normalization, and the graph Bernoulli
 * visible units and float parameters: the zoo's {@code train rbm} defaults, as scikit-learn's
 * {@code BernoulliRBM}, and Tieleman's / Hinton's recipe (momentum, weight decay, a decaying rate). {@link #unsupported} says why not otherwise; then train with {@code graph.fit} on an
 * {@link RbmIterator} (the reference, which the tests compare this with).
 *
 * <p>A step on minibatch {@code v} ({@code [n, nVisible]}, values in [0,1]) with rate {@code lr}:
 * <pre>
 *   m = k Gibbs steps from the persistent chain (PCD) or from v (CD), as RbmIterator draws them
 *   P(x) = sigmoid(x W + c)
 *   W += lr/n (v^T P(v) - m^T P(m))      b += lr/n sum_rows(v - m)      c += lr/n sum_rows(P(v) - P(m))
 * </pre>
 * which is {@code graph.fit}'s SGD step on the RBM layer's gradient ({@link RbmLayerImpl}) divided by the
 * minibatch. With momentum or regularization the ascent direction {@code x2^T (s . P)} goes to a buffer and W, b and
 * c take graph.fit's step from it ({@code step}: L2 before the updater, Nesterovs with its velocity in the graph's
 * own updater state, weight decay after), so saving the graph with its updater, or a graph.fit in between, carries
 * the velocity on; the carried chain product below is then not used. At scikit-learn's batch of 10, {@code graph.fit} spent most of a step on the fixed cost of about
 * forty ND4J ops (merge vertex, score, gradient division, updater, step function): here a step is four products
 * through {@code Nd4j.gemm} (the weight update as one product into {@code W}, as PyTorch's {@code addmm_}), and the
 * sigmoids ({@link SigmoidMath}), Bernoulli draws and bias updates as Java passes over heap copies (BENCHMARKS.md).
 * With PCD, the chain's product {@code chain W} at the start of a step is carried from the last update instead of
 * computed again: the update's product {@code [v; m] W_old} holds {@code m W_old}, and the update adds the rank-2n
 * term {@code lr/n [v; m]^T (s . P)} to {@code W}, so {@code m W_new} is that plus {@code lr/n (m [v; m]^T)(s . P)}
 * (two small products in place of one large). The carry is dropped when the iteration count or a sample of
 * {@code W} shows the parameters changed outside the trainer.
 *
 * <p>{@link #centering(double)} (off by default) trains a centered RBM (Melchior, Fischer &amp; Wiskott 2016): the
 * same products on the centered rows {@code [v; m] - mu} and {@code s . (P - lambda)}, the stored parameters still an
 * ordinary RBM's; the offsets are trainer state ({@link #offsets()}).
 *
 * <p>Draws come from a {@link SplittableRandom} seeded by {@code seed}: the same for the same seed, but not the
 * draws of {@link RbmIterator} (ND4J's generator) for that seed. The graph's iteration and epoch counts advance as
 * in {@code fit}, so rate schedules apply; its listeners hear {@code onEpochStart}, {@code iterationDone} and
 * {@code onEpochEnd}, and when it has listeners the graph's score is set to the step's {@code mean F(v) - mean F(m)}
 * (the layer's score).
 */
public final class RbmTrainer {
    private final RBM rbm;
    private final ComputationGraph graph;
    private final SplittableRandom rng;
    private final int nv;
    private final int nh;

    /** The persistent chain [N, nVisible] 'c' (PCD), or CD's start. */
    private INDArray chain;
    /** [2n, nVisible] 'c': rows 0..n-1 the data, n..2n-1 the model particles. */
    private INDArray x2;
    /** chain W then the hidden draws, [N, nHidden] 'f'. */
    private INDArray zh;
    /** h W^T, [N, nVisible] 'f'. */
    private INDArray zv;
    /** x2 W, then s . P(x2), [2n, nHidden] 'f'. */
    private INDArray z2;
    /** chain x2^T, [n, 2n] 'f': the low-rank correction's left factor. */
    private INDArray g;
    /**
     * Whether {@code zh} holds {@code chain W_old} from the last update (PCD with the chain as its n model rows), so
     * that the next Gibbs step gets {@code chain W} as that plus the update's low-rank term.
     */
    private boolean carried;
    /** Momentum or regularization: the ascent direction for W in W's layout, and heap copies of W, it, a velocity. */
    private INDArray gw;
    private float[] wHeap;
    private float[] gHeap;
    private float[] velHeap;
    /** W before a centered step with momentum or regularization. */
    private float[] gHeap2;
    private float[] meanHeap;
    private static final String[] KEYS = {RbmLayer.WEIGHT_KEY, RbmLayer.VISIBLE_BIAS_KEY, RbmLayer.HIDDEN_BIAS_KEY};
    /** The update's {@code lr / n}, for the carried term. */
    private float carriedScale;
    /** The iteration count and a sample of W after the last update: a change outside the trainer drops the carry. */
    private int carriedIteration;
    private double carriedFingerprint;
    /** Centering (Melchior, Fischer &amp; Wiskott 2016): the offsets' rate, 0 for off. */
    private double offsetRate;
    /** The visible offsets mu [nVisible] and hidden offsets lambda [nHidden], or null before centering starts. */
    private float[] mu;
    private float[] lambda;

    /**
     * @param seed seeds the chain's start and every draw
     * @throws IllegalArgumentException when {@link #unsupported} gives a reason
     */
    public RbmTrainer(RBM rbm, ComputationGraph graph, long seed) {
        if (rbm == null || graph == null) {
            throw new IllegalArgumentException("rbm and graph must not be null");
        }
        String why = unsupported(rbm, graph);
        if (why != null) {
            throw new IllegalArgumentException("RbmTrainer cannot train this graph: " + why
                    + "; train it with graph.fit(new RbmIterator(...))");
        }
        this.rbm = rbm;
        this.graph = graph;
        this.rng = new SplittableRandom(seed);
        this.nv = rbm.nVisible();
        this.nh = rbm.nHidden();
    }

    /** Why the fused step cannot train {@code graph}, or null when it can. */
    public static String unsupported(RBM rbm, ComputationGraph graph) {
        if (rbm.visibleUnits() != VisibleUnits.BERNOULLI) {
            return "visible units are " + rbm.visibleUnits() + ", the fused step draws Bernoulli units";
        }
        GraphVertex v = graph.getConfiguration().getVertices().get(RBM.RBM_LAYER);
        if (!(v instanceof LayerVertex) || !(((LayerVertex) v).getLayerConf().getLayer() instanceof RbmLayer)) {
            return "the graph has no RbmLayer called '" + RBM.RBM_LAYER + "'";
        }
        RbmLayer layer = (RbmLayer) ((LayerVertex) v).getLayerConf().getLayer();
        if (layer.getNVisible() != rbm.nVisible() || layer.getNHidden() != rbm.nHidden()) {
            return "the graph's RBM layer is " + layer.getNVisible() + " x " + layer.getNHidden() + ", the factory's "
                    + rbm.nVisible() + " x " + rbm.nHidden();
        }
        IUpdater updater = layer.getUpdaterByParam(RbmLayer.WEIGHT_KEY);
        for (String key : new String[] {RbmLayer.WEIGHT_KEY, RbmLayer.VISIBLE_BIAS_KEY, RbmLayer.HIDDEN_BIAS_KEY}) {
            IUpdater u = layer.getUpdaterByParam(key);
            if (!(u instanceof Sgd || u instanceof Nesterovs) || !u.equals(updater)) {
                return "the updater of " + key + " is " + u + ", the fused step applies one Sgd or Nesterovs to all"
                        + " three parameters";
            }
            List<Regularization> r = layer.getRegularizationByParam(key);
            if (r != null) {
                for (Regularization reg : r) {
                    if (!(reg instanceof L2Regularization || reg instanceof WeightDecay)) {
                        return "parameter " + key + " has regularization " + reg
                                + ", the fused step applies L2Regularization and WeightDecay only";
                    }
                }
            }
        }
        if (layer.getIDropout() != null) {
            return "the RBM layer has dropout " + layer.getIDropout() + ", which the fused step does not apply";
        }
        if (layer.getConstraints() != null && !layer.getConstraints().isEmpty()) {
            return "the RBM layer has weight constraints " + layer.getConstraints()
                    + ", which the fused step does not apply";
        }
        GradientNormalization gn = layer.getGradientNormalization();
        if (gn != null && gn != GradientNormalization.None) {
            return "gradient normalization is " + gn;
        }
        if (!graph.getConfiguration().getDefaultConfiguration().isMiniBatch()) {
            return "miniBatch is false (gradients not divided by the batch)";
        }
        for (String key : new String[] {RbmLayer.WEIGHT_KEY, RbmLayer.VISIBLE_BIAS_KEY, RbmLayer.HIDDEN_BIAS_KEY}) {
            INDArray p = graph.getParam(RBM.RBM_LAYER + "_" + key);
            if (FloatViews.of(p) == null) {
                return "parameter " + key + " is " + p.dataType() + (p.dataType() == DataType.FLOAT
                        ? " but not contiguous" : ", the fused step runs in FLOAT");
            }
        }
        if (updater instanceof Nesterovs) {
            INDArray state = graph.getUpdater().getStateViewArray();
            if (state == null || state.length() != graph.numParams() || FloatViews.of(state) == null) {
                return "the Nesterovs state is not one float vector laid out as the parameters";
            }
        }
        return null;
    }

    /** The persistent chain's current particles (PCD), or null before the first step or for CD. */
    public INDArray chain() {
        return rbm.persistent() ? chain : null;
    }

    /**
     * Continues the persistent chain {@code particles} ({@code [N, nVisible]}, e.g. {@link #chain()} of the trainer
     * of the previous epoch, or one saved in a checkpoint) instead of starting a new one; null starts a new one.
     *
     * @throws IllegalArgumentException for CD (no persistent chain) or particles of the wrong width
     */
    public void chain(INDArray particles) {
        if (!rbm.persistent()) {
            throw new IllegalArgumentException("CD keeps no chain between steps; only PCD continues one");
        }
        if (particles != null && (particles.rank() != 2 || particles.size(1) != nv)) {
            throw new IllegalArgumentException("chain must be [n, " + nv + "], got "
                    + Arrays.toString(particles.shape()));
        }
        chain = particles == null ? null : particles.castTo(DataType.FLOAT).dup('c');
        carried = false;
    }

    /**
     * Centers the RBM (Montavon &amp; M&uuml;ller 2012; Melchior, Fischer &amp; Wiskott 2016, "How to center deep
     * Boltzmann machines", as PyDeep's {@code BinaryBinaryRBM} with offsets 'DD'): each step first moves the visible
     * offsets {@code mu} and hidden offsets {@code lambda} a fraction {@code rate} towards the minibatch's data mean and
     * mean hidden probability given the data, {@code mu += rate (mean(v) - mu)}, {@code lambda += rate (mean(P(v)) -
     * lambda)}, then takes the step of the centered energy {@code E(v,h) = -(v-mu)'W(h-lambda) - b~'(v-mu) -
     * c~'(h-lambda)}: its gradients are {@code (v-mu)^T (P(v)-lambda) - (m-mu)^T (P(m)-lambda)} for W and the
     * ordinary ones for the centered biases {@code b~ = b + W lambda}, {@code c~ = c + W^T mu}; the updater
     * (momentum, weight decay) acts on W, b~ and c~ as in PyDeep, and the stored biases take the step
     * {@code db = db~ - dW lambda}, {@code dc = dc~ - dW^T mu} that keeps them the ordinary RBM's. A move of the
     * offsets alone leaves W, b and c (the modelled distribution) unchanged, so the stored parameters are always an
     * ordinary RBM's ({@code E = -v'Wh - b'v - c'h}): likelihood, features and saved models need nothing else. The
     * offsets are trainer state: {@link #offsets()} to save them, {@link #offsets(INDArray)} to continue.
     *
     * @param rate in [0, 1]; 0 (the default) trains the ordinary RBM, exactly as without this call
     * @throws IllegalArgumentException for a rate outside [0, 1] or NaN
     */
    public RbmTrainer centering(double rate) {
        if (!(rate >= 0 && rate <= 1)) {
            throw new IllegalArgumentException("centering rate must be in [0, 1] (0: off), got " + rate);
        }
        offsetRate = rate;
        return this;
    }

    /** The centering rate (0: off). */
    public double centering() {
        return offsetRate;
    }

    /**
     * The offsets {@code [mu; lambda]} as one float vector of {@code nVisible + nHidden} (a copy), or null while
     * centering has not started (then the first step starts at 0.5 for every unit, PyDeep's default without data).
     */
    public INDArray offsets() {
        if (mu == null) {
            return null;
        }
        float[] all = new float[nv + nh];
        System.arraycopy(mu, 0, all, 0, nv);
        System.arraycopy(lambda, 0, all, nv, nh);
        return Nd4j.createFromArray(all);
    }

    /**
     * Continues from the offsets {@code [mu; lambda]} ({@link #offsets()} of the previous epoch's trainer or of a
     * checkpoint; null: start again at 0.5). Setting offsets changes no parameter.
     *
     * @throws IllegalArgumentException for a vector of the wrong length or a value outside [0, 1]
     */
    public void offsets(INDArray offsets) {
        if (offsets == null) {
            mu = null;
            lambda = null;
            return;
        }
        if (offsets.length() != nv + nh || (offsets.rank() == 2 && offsets.size(0) != 1 && offsets.size(1) != 1)
                || offsets.rank() > 2) {
            throw new IllegalArgumentException("offsets must be a vector of nVisible + nHidden = " + (nv + nh)
                    + " values, got " + Arrays.toString(offsets.shape()));
        }
        float[] all = offsets.castTo(DataType.FLOAT).dup('c').data().asFloat();
        for (int i = 0; i < all.length; i++) {
            if (!(all[i] >= 0f && all[i] <= 1f)) {
                throw new IllegalArgumentException("offsets: " + (i < nv ? "visible offset " + i
                        : "hidden offset " + (i - nv)) + " must be in [0, 1], got " + all[i]);
            }
        }
        mu = Arrays.copyOfRange(all, 0, nv);
        lambda = Arrays.copyOfRange(all, nv, nv + nh);
    }

    /**
     * Starts a centered RBM as PyDeep's {@code BinaryBinaryRBM(data=...)}: visible offsets the data mean
     * {@code dataMean} ({@code nVisible} values in [0, 1]), hidden offsets 0.5, and the biases set so that the centered
     * ones are {@code b~ = logit(clip(mean, 0.001, 0.999))} and {@code c~ = 0}: {@code b = b~ - W lambda},
     * {@code c = -W^T mu}. The weights are kept.
     */
    public void startCentered(INDArray dataMean) {
        if (dataMean == null || dataMean.length() != nv) {
            throw new IllegalArgumentException("dataMean must have nVisible = " + nv + " values, got "
                    + (dataMean == null ? "null" : Arrays.toString(dataMean.shape())));
        }
        float[] m = dataMean.castTo(DataType.FLOAT).dup('c').data().asFloat();
        float[] all = new float[nv + nh];
        System.arraycopy(m, 0, all, 0, nv);
        Arrays.fill(all, nv, nv + nh, 0.5f);
        offsets(Nd4j.createFromArray(all)); // checks the range
        INDArray w = weights().castTo(DataType.DOUBLE);
        INDArray muRow = Nd4j.createFromArray(m).castTo(DataType.DOUBLE).reshape(1, nv);
        INDArray lambdaRow = Nd4j.valueArrayOf(new long[] {1, nh}, 0.5, DataType.DOUBLE);
        double[] wl = lambdaRow.mmul(w.transpose()).data().asDouble(); // (W lambda)'
        double[] wm = muRow.mmul(w).data().asDouble(); // (W' mu)'
        float[] b = new float[nv];
        for (int i = 0; i < nv; i++) {
            double p = Math.min(0.999, Math.max(0.001, m[i]));
            b[i] = (float) (Math.log(p / (1 - p)) - wl[i]);
        }
        float[] c = new float[nh];
        for (int j = 0; j < nh; j++) {
            c[j] = (float) -wm[j];
        }
        putBiases(RbmLayer.VISIBLE_BIAS_KEY, b, nv);
        putBiases(RbmLayer.HIDDEN_BIAS_KEY, c, nh);
        carried = false;
    }

    /**
     * One epoch: a step on every minibatch of {@code data} (reset first when it has none left), with the
     * listeners' epoch events and the epoch count advanced, as {@code graph.fit(iterator)}.
     */
    public void fit(DataSetIterator data) {
        fit(data, null);
    }

    /**
     * One epoch on {@code transform} of each minibatch (e.g. the features of the RBMs below in a stack; null: the
     * minibatch itself).
     */
    public void fit(DataSetIterator data, UnaryOperator<INDArray> transform) {
        if (!data.hasNext() && data.resetSupported()) {
            data.reset();
        }
        for (TrainingListener l : graph.getListeners()) {
            l.onEpochStart(graph);
        }
        while (data.hasNext()) {
            DataSet ds = data.next();
            fit(transform == null ? ds.getFeatures() : transform.apply(ds.getFeatures()));
        }
        for (TrainingListener l : graph.getListeners()) {
            l.onEpochEnd(graph);
        }
        graph.incrementEpochCount();
    }

    /** One step on minibatch {@code v}, {@code [n, nVisible]} with values in [0,1]. */
    public void fit(INDArray v) {
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            int n = rows(v);
            INDArray vf = floats(v);
            checkUnitRange(vf); // before the chain moves
            update(vf, negativeParticles(vf, n), n, true);
        }
    }

    /**
     * The update for minibatch {@code v} with the given model particles ({@code [n, nVisible]} each), without
     * drawing: what {@link #fit(INDArray)} applies after its Gibbs steps (for tests against {@code graph.fit}).
     */
    void update(INDArray v, INDArray particles) {
        update(v, particles, true);
    }

    /** As {@link #update(INDArray, INDArray)}; with centering and {@code !moveOffsets} the offsets stay put (tests). */
    void update(INDArray v, INDArray particles, boolean moveOffsets) {
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            int n = rows(v);
            if (rows(particles) != n) {
                throw new IllegalArgumentException("particles must have the batch's " + n + " rows, got "
                        + particles.size(0));
            }
            INDArray vf = floats(v);
            checkUnitRange(vf);
            update(vf, floats(particles), n, moveOffsets);
        }
    }

    private int rows(INDArray v) {
        if (v == null || v.rank() != 2 || v.size(1) != nv) {
            throw new IllegalArgumentException("RBM training input must be [batch, " + nv + "], got "
                    + (v == null ? "null" : Arrays.toString(v.shape())));
        }
        return (int) v.size(0);
    }

    /** Rejects data outside [0,1] (or NaN) with {@link RbmParams#checkVisible}'s message. */
    private void checkUnitRange(INDArray vf) {
        FloatBuffer vb = FloatViews.of(vf);
        int len = (int) vf.length();
        float[] x = FloatViews.scratch(3, len);
        vb.get(vb.position(), x, 0, len);
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < len; i++) {
            min = Math.min(min, x[i]);
            max = Math.max(max, x[i]);
        }
        if (!(min >= 0f && max <= 1f)) { // NaN fails too
            rbm.params(graph).checkVisible("training input", vf); // throws, naming the value
            throw new IllegalArgumentException("training input: values outside [0,1] (min " + min + ", max " + max
                    + ")");
        }
    }

    /** A contiguous float copy of {@code a} unless it is one already. */
    private static INDArray floats(INDArray a) {
        return FloatViews.of(a) != null && a.ordering() == 'c' ? a : a.castTo(DataType.FLOAT).dup('c');
    }

    /** The chain advanced {@code k} Gibbs steps (PCD) or v's k-step chain (CD); its first n rows are used. */
    private INDArray negativeParticles(INDArray v, int n) {
        if (!rbm.persistent()) {
            chain = floats(v).dup('c');
        } else if (chain == null || chain.size(0) < n) {
            chain = extendedChain(n);
        }
        for (int i = 0; i < rbm.k(); i++) {
            gibbsStep();
        }
        return chain;
    }

    /** The chain with rows added up to n, each drawn as scikit-learn starts it: v ~ p(v | h = 0). */
    private INDArray extendedChain(int n) {
        INDArray grown = Nd4j.create(DataType.FLOAT, new long[] {n, nv}, 'c');
        int old = chain == null ? 0 : (int) chain.size(0);
        FloatBuffer g = FloatViews.of(grown);
        float[] rows = new float[n * nv];
        if (old > 0) {
            FloatBuffer c = FloatViews.of(chain);
            c.get(c.position(), rows, 0, old * nv);
        }
        float[] b = biases(RbmLayer.VISIBLE_BIAS_KEY, nv, 0);
        for (int r = old; r < n; r++) {
            for (int j = 0; j < nv; j++) {
                rows[r * nv + j] = uniform() < sigmoid(b[j]) ? 1f : 0f;
            }
        }
        g.put(g.position(), rows, 0, rows.length);
        return grown;
    }

    /**
     * h ~ p(h | chain), then chain ~ p(v | h), over the whole chain. Right after a PCD update whose model rows were
     * this chain, {@code chain W} is carried: {@code chain W_old} (the bottom rows of the update's product) plus
     * {@code lr/n (chain x2^T)(s . P)}, the chain's product with the update's rank-2n term, exactly the product with
     * the new weights up to float rounding. Two small products in place of one {@code [N, nVisible] x [nVisible,
     * nHidden]} (BENCHMARKS.md).
     */
    private void gibbsStep() {
        int rows = (int) chain.size(0);
        chainProduct();
        float[] h = draws(zh, RbmLayer.HIDDEN_BIAS_KEY, false);
        FloatBuffer hb = FloatViews.of(zh);
        hb.put(hb.position(), h, 0, rows * nh); // zh now holds the hidden draws, column-major
        zv = buffer(zv, rows, nv, 'f');
        Nd4j.gemm(zh, weights(), zv, false, true, 1.0, 0.0);
        float[] v = draws(zv, RbmLayer.VISIBLE_BIAS_KEY, true);
        FloatBuffer cb = FloatViews.of(chain);
        cb.put(cb.position(), v, 0, rows * nv);
    }

    /**
     * {@code zh = chain W} ([N, nHidden] 'f'), carried from the last update where it applies (then it returns true;
     * the carry is used up either way). Package-private for tests.
     */
    boolean chainProduct() {
        int rows = (int) chain.size(0);
        boolean carry = carriedValid(rows);
        carried = false;
        zh = buffer(zh, rows, nh, 'f');
        if (carry) {
            g = buffer(g, rows, 2 * rows, 'f');
            Nd4j.gemm(chain, x2, g, false, true, 1.0, 0.0);
            Nd4j.gemm(g, z2, zh, false, false, carriedScale, 1.0);
        } else {
            Nd4j.gemm(chain, weights(), zh, false, false, 1.0, 0.0);
        }
        return carry;
    }

    /** The hidden units' inputs {@link #chainProduct} wrote (tests). */
    INDArray hiddenInputs() {
        return zh;
    }

    /** Whether the carried {@code chain W_old} applies to a chain of {@code rows} rows now. */
    private boolean carriedValid(int rows) {
        return carried && zh != null && zh.size(0) == rows && x2 != null && x2.size(0) == 2L * rows
                && graph.getConfiguration().getIterationCount() == carriedIteration
                && fingerprint() == carriedFingerprint;
    }

    /** A sum of 509 weights spread over W: any realistic change of W outside the trainer changes it. */
    private double fingerprint() {
        FloatBuffer w = FloatViews.of(weights());
        int len = nv * nh;
        int stride = Math.max(1, len / 509);
        double sum = 0;
        for (int i = 0; i < len; i += stride) {
            sum += w.get(w.position() + i) * (1.0 + (i & 7));
        }
        return sum;
    }

    private INDArray weights() {
        return graph.getParam(RBM.RBM_LAYER + "_" + RbmLayer.WEIGHT_KEY);
    }

    /**
     * Bernoulli draws {@code u < sigmoid(z + bias)} of the units whose inputs are the 'f' array {@code z}, in a heap
     * array, column-major or (with {@code rowMajorOut}) row-major, as {@link #drawColumns} writes it.
     */
    private float[] draws(INDArray z, String biasKey, boolean rowMajorOut) {
        int rows = (int) z.size(0);
        int cols = (int) z.size(1);
        float[] bias = biases(biasKey, cols, 0);
        FloatBuffer zb = FloatViews.of(z);
        float[] pre = FloatViews.scratch(1, rows * cols);
        zb.get(zb.position(), pre, 0, rows * cols);
        float[] out = rowMajorOut ? FloatViews.scratch(3, rows * cols) : pre;
        drawColumns(pre, rows, cols, bias, uniforms(rows * cols), out, rowMajorOut);
        return out;
    }

    /**
     * Bernoulli draws {@code u < sigmoid(z + bias_col)} for {@code z} in column-major order ({@code rows x cols});
     * written to {@code out} column-major, or row-major when {@code rowMajorOut} ({@code out} may be {@code z} when
     * not).
     */
    static void drawColumns(float[] z, int rows, int cols, float[] bias, float[] u, float[] out,
                            boolean rowMajorOut) {
        int len = rows * cols;
        float[] p = rowMajorOut ? FloatViews.scratch(4, len) : out; // the probabilities, column-major
        for (int j = 0; j < cols; j++) {
            float bj = bias[j];
            int col = j * rows;
            for (int r = 0; r < rows; r++) {
                p[col + r] = z[col + r] + bj;
            }
        }
        SigmoidMath.sigmoid(p, 0, p, 0, len); // one vectorised pass: Math.exp per element was 8% of the step
        if (!rowMajorOut) {
            for (int i = 0; i < len; i++) {
                out[i] = u[i] < p[i] ? 1f : 0f;
            }
            return;
        }
        for (int j = 0; j < cols; j++) {
            int col = j * rows;
            for (int r = 0; r < rows; r++) {
                out[r * cols + j] = u[col + r] < p[col + r] ? 1f : 0f;
            }
        }
    }

    private static float sigmoid(float x) {
        return (float) (1.0 / (1.0 + Math.exp(-x)));
    }

    /** {@code count} uniform draws in [0, 1), 24 bits each, in scratch slot 2. */
    private float[] uniforms(int count) {
        float[] u = FloatViews.scratch(2, count + 1);
        for (int i = 0; i < count; i += 2) {
            long bits = rng.nextLong();
            u[i] = (bits >>> 40) * 0x1.0p-24f;
            u[i + 1] = ((bits >>> 16) & 0xffffff) * 0x1.0p-24f;
        }
        return u;
    }

    private float uniform() {
        return (rng.nextInt() >>> 8) * 0x1.0p-24f;
    }

    /** A parameter vector's values in scratch slot {@code slot}. */
    private float[] biases(String key, int length, int slot) {
        FloatBuffer p = FloatViews.of(graph.getParam(RBM.RBM_LAYER + "_" + key));
        float[] a = FloatViews.scratch(slot, length);
        p.get(p.position(), a, 0, length);
        return a;
    }

    /** {@code a} when it has this shape and order, else a new float array outside workspaces. */
    private static INDArray buffer(INDArray a, int rows, int cols, char order) {
        if (a != null && a.size(0) == rows && a.size(1) == cols && a.ordering() == order) {
            return a;
        }
        return Nd4j.create(DataType.FLOAT, new long[] {rows, cols}, order);
    }

    /** The SGD update for data v and the first n rows of {@code model} (both 'c' float or castable). */
    private void update(INDArray vf, INDArray model, int n, boolean moveOffsets) {
        INDArray w = weights();
        IUpdater updater = rbmLayer().getUpdaterByParam(RbmLayer.WEIGHT_KEY);
        boolean plain = plainSgd();
        boolean carry = plain && rbm.persistent() && model == chain && chain.size(0) == n;
        carried = false;
        int epoch = graph.getConfiguration().getEpochCount();
        int iteration = graph.getConfiguration().getIterationCount();
        double lr = updater.getLearningRate(iteration, epoch);
        float scale = (float) (lr / n);
        boolean centered = offsetRate > 0;
        if (centered && mu == null) {
            mu = new float[nv];
            lambda = new float[nh];
            Arrays.fill(mu, 0.5f);
            Arrays.fill(lambda, 0.5f);
        }
        float rate = moveOffsets ? (float) offsetRate : 0f;

        // x2 = [v; m] (v checked by the caller); db = sum(v) - sum(m)
        x2 = buffer(x2, 2 * n, nv, 'c');
        float[] x = FloatViews.scratch(3, 2 * n * nv);
        FloatBuffer vb = FloatViews.of(vf);
        vb.get(vb.position(), x, 0, n * nv);
        FloatBuffer mb = FloatViews.of(model);
        mb.get(mb.position(), x, n * nv, n * nv);
        float[] db = FloatViews.scratch(4, nv);
        Arrays.fill(db, 0, nv, 0f);
        for (int r = 0; r < n; r++) {
            int off = r * nv;
            for (int j = 0; j < nv; j++) {
                db[j] += x[off + j] - x[n * nv + off + j];
            }
        }
        FloatBuffer xb = FloatViews.of(x2);
        xb.put(xb.position(), x, 0, 2 * n * nv);

        // z2 = x2 W, then s . P with s = +1 for the data rows, -1 for the model's; dc = column sums
        z2 = buffer(z2, 2 * n, nh, 'f');
        Nd4j.gemm(x2, w, z2, false, false, 1.0, 0.0);
        if (centered) { // mu moves towards the data mean, then x2 = [v; m] - mu: the update's left factor
            if (rate > 0f) {
                float[] mean = offsetMean(nv);
                Arrays.fill(mean, 0, nv, 0f);
                for (int r = 0; r < n; r++) {
                    int off = r * nv;
                    for (int j = 0; j < nv; j++) {
                        mean[j] += x[off + j];
                    }
                }
                for (int j = 0; j < nv; j++) {
                    mu[j] += rate * (mean[j] / n - mu[j]);
                }
            }
            for (int r = 0; r < 2 * n; r++) {
                int off = r * nv;
                for (int j = 0; j < nv; j++) {
                    x[off + j] -= mu[j];
                }
            }
            xb.put(xb.position(), x, 0, 2 * n * nv);
        }
        float[] c = biases(RbmLayer.HIDDEN_BIAS_KEY, nh, 0);
        float[] b = biases(RbmLayer.VISIBLE_BIAS_KEY, nv, 5);
        FloatBuffer zb = FloatViews.of(z2);
        float[] z = FloatViews.scratch(1, 2 * n * nh);
        zb.get(zb.position(), z, 0, 2 * n * nh);
        if (carry) { // keep m W_old, column-major [n, nh], for the next Gibbs step
            zh = buffer(zh, n, nh, 'f');
            float[] kept = FloatViews.scratch(2, n * nh);
            for (int j = 0; j < nh; j++) {
                System.arraycopy(z, j * 2 * n + n, kept, j * n, n);
            }
            FloatBuffer hb = FloatViews.of(zh);
            hb.put(hb.position(), kept, 0, n * nh);
        }
        boolean scored = !graph.getListeners().isEmpty();
        float[] dc = plain ? null : FloatViews.scratch(2, nh);
        double hiddenTerm = 0;
        for (int j = 0; j < nh; j++) { // pre-activations in place
            float cj = c[j];
            int col = j * 2 * n;
            for (int r = 0; r < 2 * n; r++) {
                float pre = z[col + r] + cj;
                if (scored) {
                    double clipped = Math.min(pre, RbmLayer.SOFTPLUS_CLIP);
                    double softplus = Math.max(clipped, 0) + Math.log1p(Math.exp(-Math.abs(clipped)));
                    hiddenTerm += r < n ? softplus : -softplus;
                }
                z[col + r] = pre;
            }
        }
        SigmoidMath.sigmoid(z, 0, z, 0, 2 * n * nh);
        for (int j = 0; j < nh; j++) {
            int col = j * 2 * n;
            float off = 0f; // lambda_j, moved towards the mean hidden probability given the data
            if (centered) {
                if (rate > 0f) {
                    float mean = 0f;
                    for (int r = 0; r < n; r++) {
                        mean += z[col + r];
                    }
                    lambda[j] += rate * (mean / n - lambda[j]);
                }
                off = lambda[j];
            }
            float sum = 0f;
            for (int r = 0; r < 2 * n; r++) {
                float p = r < n ? z[col + r] - off : -(z[col + r] - off);
                z[col + r] = p;
                sum += p;
            }
            if (plain) {
                c[j] += scale * sum;
            } else {
                dc[j] = sum;
            }
        }
        zb.put(zb.position(), z, 0, 2 * n * nh);
        double visibleTerm = 0;
        if (scored) {
            for (int j = 0; j < nv; j++) {
                visibleTerm -= (double) b[j] * db[j];
            }
        }
        if (plain) {
            if (centered) { // the stored biases' step: db~ - dW lambda, dc~ - dW^T mu, with dW = lr/n x2^T (s . P)
                centeredBiasSteps(x, z, n, c, b, db, scale);
            }
            for (int j = 0; j < nv; j++) {
                b[j] += scale * db[j];
            }
            // W += lr/n x2^T (s . P): one product into the weights
            Nd4j.gemm(x2, z2, w, true, false, scale, 1.0);
        } else {
            // the ascent direction x2^T (s . P) in W's layout, then DL4J's step on W, b and c
            gw = buffer(gw, nv, nh, w.ordering());
            Nd4j.gemm(x2, z2, gw, true, false, 1.0, 0.0);
            int len = nv * nh;
            if (wHeap == null) {
                wHeap = new float[len];
                gHeap = new float[len];
            }
            FloatBuffer wb = FloatViews.of(w);
            wb.get(wb.position(), wHeap, 0, len);
            FloatBuffer gb = FloatViews.of(gw);
            gb.get(gb.position(), gHeap, 0, len);
            if (centered) { // keep W_old: the biases' correction uses the step W took, momentum and decay included
                if (gHeap2 == null) {
                    gHeap2 = new float[len];
                }
                System.arraycopy(wHeap, 0, gHeap2, 0, len);
            }
            step(wHeap, gHeap, len, n, RbmLayer.WEIGHT_KEY, updater, lr, iteration, epoch);
            wb.put(wb.position(), wHeap, 0, len);
            step(b, db, nv, n, RbmLayer.VISIBLE_BIAS_KEY, updater, lr, iteration, epoch);
            step(c, dc, nh, n, RbmLayer.HIDDEN_BIAS_KEY, updater, lr, iteration, epoch);
            if (centered) { // b -= dW lambda, c -= dW^T mu with dW = W_new - W_old
                boolean rowMajor = w.ordering() == 'c';
                for (int i = 0; i < nv; i++) {
                    for (int j = 0; j < nh; j++) {
                        int at = rowMajor ? i * nh + j : j * nv + i;
                        float dw = wHeap[at] - gHeap2[at];
                        b[i] -= dw * lambda[j];
                        c[j] -= dw * mu[i];
                    }
                }
            }
        }
        if (carry) {
            carriedScale = scale;
            carriedFingerprint = fingerprint();
        }
        putBiases(RbmLayer.HIDDEN_BIAS_KEY, c, nh);
        putBiases(RbmLayer.VISIBLE_BIAS_KEY, b, nv);

        if (scored) {
            graph.setScore((visibleTerm - hiddenTerm) / n); // graph.fit's score leaves the regularization out too
        }
        for (TrainingListener l : graph.getListeners()) {
            l.iterationDone(graph, iteration, epoch);
        }
        BaseOptimizer.incrementIterationCount(graph, 1);
        if (carry) {
            carriedIteration = graph.getConfiguration().getIterationCount();
            carried = true;
        }
    }

    /**
     * The plain SGD step's corrections of the stored biases under centering, {@code -lr/n x2^T ((s . P) lambda)} for
     * b and {@code -lr/n (s . P)^T (x2 mu)} for c, with {@code x} the centered rows {@code [v; m] - mu} (row-major
     * {@code [2n, nVisible]}) and {@code z} the centered {@code s . (P - lambda)} (column-major {@code [2n, nHidden]}):
     * added into {@code db} (as a sum, before the {@code lr/n}) and into {@code c} (scaled).
     */
    private void centeredBiasSteps(float[] x, float[] z, int n, float[] c, float[] b, float[] db, float scale) {
        int rows = 2 * n;
        double[] u = new double[rows]; // (s . P) lambda
        double[] t = new double[rows]; // x2 mu
        for (int j = 0; j < nh; j++) {
            int col = j * rows;
            double l = lambda[j];
            for (int r = 0; r < rows; r++) {
                u[r] += z[col + r] * l;
            }
        }
        for (int r = 0; r < rows; r++) {
            int off = r * nv;
            double sum = 0;
            for (int i = 0; i < nv; i++) {
                sum += x[off + i] * mu[i];
            }
            t[r] = sum;
        }
        for (int r = 0; r < rows; r++) {
            int off = r * nv;
            float ur = (float) u[r];
            for (int i = 0; i < nv; i++) {
                db[i] -= x[off + i] * ur;
            }
        }
        for (int j = 0; j < nh; j++) {
            int col = j * rows;
            double sum = 0;
            for (int r = 0; r < rows; r++) {
                sum += z[col + r] * t[r];
            }
            c[j] -= scale * (float) sum;
        }
    }

    /** Whether the layer has plain Sgd and no regularization: the update is then one product into W. */
    private boolean plainSgd() {
        RbmLayer layer = rbmLayer();
        if (!(layer.getUpdaterByParam(RbmLayer.WEIGHT_KEY) instanceof Sgd)) {
            return false;
        }
        for (String key : KEYS) {
            List<Regularization> r = layer.getRegularizationByParam(key);
            if (r != null && !r.isEmpty()) {
                return false;
            }
        }
        return true;
    }

    /**
     * {@code p -= update} as graph.fit applies it to one parameter whose gradient is {@code g = -ascent / n}: L2
     * regularization before the updater ({@code g += l2 p}), the updater (Sgd: {@code u = lr g}; Nesterovs, with
     * its velocity {@code v} kept in the graph's updater state: {@code v' = mu v - lr g}, {@code u = mu v - (1 + mu)
     * v'}), then weight decay ({@code u += coeff lr p}, or {@code coeff p} without applyLR).
     */
    private void step(float[] p, float[] ascent, int len, int n, String key, IUpdater updater, double lr,
                      int iteration, int epoch) {
        double l2 = 0;
        double decay = 0;
        List<Regularization> regs = rbmLayer().getRegularizationByParam(key);
        if (regs != null) {
            for (Regularization r : regs) {
                if (r instanceof L2Regularization) {
                    l2 += ((L2Regularization) r).getL2().valueAt(iteration, epoch);
                } else if (r instanceof WeightDecay) {
                    WeightDecay d = (WeightDecay) r;
                    decay += d.getCoeff().valueAt(iteration, epoch) * (d.isApplyLR() ? lr : 1.0);
                }
            }
        }
        float fl2 = (float) l2;
        float fDecay = (float) decay;
        float flr = (float) lr;
        float fn = n;
        if (updater instanceof Nesterovs) {
            float mu = (float) ((Nesterovs) updater).currentMomentum(iteration, epoch);
            INDArray param = graph.getParam(RBM.RBM_LAYER + "_" + key);
            INDArray state = graph.getUpdater().getStateViewArray();
            long offset = param.offset() - graph.params().offset();
            FloatBuffer sb = FloatViews.of(state);
            int at = (int) (sb.position() + offset);
            float[] vel = velocity(len);
            sb.get(at, vel, 0, len);
            for (int i = 0; i < len; i++) {
                float g = -ascent[i] / fn + fl2 * p[i];
                float prev = vel[i];
                float next = mu * prev - flr * g;
                vel[i] = next;
                p[i] -= mu * prev - (1f + mu) * next + fDecay * p[i];
            }
            sb.put(at, vel, 0, len);
        } else {
            for (int i = 0; i < len; i++) {
                float g = -ascent[i] / fn + fl2 * p[i];
                p[i] -= flr * g + fDecay * p[i];
            }
        }
    }

    /** A heap array for the minibatch's visible means (centering). */
    private float[] offsetMean(int len) {
        if (meanHeap == null || meanHeap.length < len) {
            meanHeap = new float[len];
        }
        return meanHeap;
    }

    private float[] velocity(int len) {
        if (velHeap == null || velHeap.length < len) {
            velHeap = new float[Math.max(len, nv * nh)];
        }
        return velHeap;
    }

    private void putBiases(String key, float[] values, int length) {
        FloatBuffer p = FloatViews.of(graph.getParam(RBM.RBM_LAYER + "_" + key));
        p.put(p.position(), values, 0, length);
    }

    private RbmLayer rbmLayer() {
        return (RbmLayer) ((LayerVertex) graph.getConfiguration().getVertices().get(RBM.RBM_LAYER)).getLayerConf()
                .getLayer();
    }
}
