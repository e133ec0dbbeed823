package org.unsupervisedzoo.zoo.m2;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.samediff.SameDiffOutputLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The runtime of {@link M2ObjectiveLayer} without SameDiff: the rows' objective and its gradient written out, as one
 * Java loop over the rows in double ({@code pass}). With
 * {@code g = w_L + w_U q_y} (the weight of the row's {@code E = -ELBO}), {@code S = sum_k y_k} (1 for one-hot rows)
 * and {@code q_y = sum_k y_k q_k}, {@code log q_y = sum_k y_k log q_k}:
 * <pre>
 *   d row / d d      = g (sigmoid(d) - x)                                   (Bernoulli)
 *   d row / d m      = g (m - x) exp(-s),   d row / d s = g (1 - (x - m)^2 exp(-s)) / 2   (Gaussian, d = [m | s])
 *   d row / d mu     = g mu,        d row / d logvar = g (exp(logvar) - 1) / 2
 *   d row / d a_k    = -w_C (y_k - q_k S) + w_U [q_k (y_k - q_y)(E + log q_y) + q_y (y_k - q_k S)]
 *   d row / d y_k    = -w_C log q_k + w_U [q_k (E + log q_y) + q_y log q_k]
 * </pre>
 * ({@code y} is a network input in the zoo's graph, so its gradient is discarded there; it is written for a
 * layer whose {@code y} is computed.) The SameDiff definition of the layer stays the reference; a test compares
 * both runtimes' scores and gradients.
 */
public class M2ObjectiveImpl extends SameDiffOutputLayer {
    public M2ObjectiveImpl(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    private M2ObjectiveLayer objectiveConf() {
        return (M2ObjectiveLayer) layerConf();
    }

    private void checkShapes(long dn, long l, long k) {
        long width = dn + 2 * l + 2 * k;
        if (input.rank() != 2 || input.size(1) != width) {
            throw new IllegalArgumentException("M2ObjectiveLayer " + layerId() + ": expected input [rows, " + width
                    + "] ([decoder output " + dn + " | mu " + l + " | logvar " + l + " | class logits " + k
                    + " | one-hot y " + k + "]), got " + java.util.Arrays.toString(input.shape()));
        }
        long n = objectiveConf().getDataSize();
        if (labels != null && (labels.rank() != 2 || labels.size(1) != n + 3 || labels.size(0) != input.size(0))) {
            throw new IllegalArgumentException("M2ObjectiveLayer " + layerId() + ": expected labels [" + input.size(0)
                    + ", " + (n + 3) + "] ([x | w_L | w_C | w_U]), got " + java.util.Arrays.toString(labels.shape()));
        }
    }

    /** log softmax over the columns, stable. */
    static INDArray logSoftmax(INDArray a) {
        INDArray shifted = a.subColumnVector(a.max(true, 1));
        INDArray lse = Transforms.log(Transforms.exp(shifted, true).sum(true, 1), false);
        return shifted.subiColumnVector(lse);
    }

    /** Each row's objective and the gradient of their sum, from one pass over the rows ({@link #pass}). */
    private static final class Pass {
        final INDArray input;
        final INDArray labels;
        final double[] rows;
        final double[] dIn;
        int uses;

        Pass(INDArray input, INDArray labels, double[] rows, double[] dIn) {
            this.input = input;
            this.labels = labels;
            this.rows = rows;
            this.dIn = dIn;
        }
    }

    /** The last pass: DL4J asks for the gradient and the score of the same rows in turn, so one pass serves both. */
    private Pass last;

    @Override
    public void clear() {
        last = null;
        super.clear();
    }

    /**
     * The rows' objectives and gradient for the current input and labels: the formulas above as one Java loop in
     * double over the rows (the ND4J-op version of 2026-12 ran about 40 ops on small arrays, 16% of an M1+M2 step,
     * and ran twice, for the score and for the gradient). Reused once for the same input and labels objects.
     */
    private Pass pass() {
        Pass p = last;
        if (p != null && p.input == input && p.labels == labels && p.uses < 2) {
            p.uses++;
            return p;
        }
        M2ObjectiveLayer c = objectiveConf();
        int n = (int) c.getDataSize();
        int dn = (int) c.decoderWidth();
        int l = (int) c.getLatentSize();
        int k = (int) c.getNumClasses();
        checkShapes(dn, l, k);
        boolean gaussian = c.getLikelihood() == M2ObjectiveLayer.Likelihood.GAUSSIAN;
        int rowsCount = (int) input.size(0);
        int width = dn + 2 * l + 2 * k;
        double[] in = input.castTo(DataType.DOUBLE).dup('c').reshape(input.length()).toDoubleVector();
        double[] lab = labels.castTo(DataType.DOUBLE).dup('c').reshape(labels.length()).toDoubleVector();
        double[] rows = new double[rowsCount];
        double[] grad = new double[rowsCount * width];
        double[] logq = new double[k];
        double[] q = new double[k];
        double logK = Math.log(k);
        double log2pi = Math.log(2 * Math.PI);
        for (int r = 0; r < rowsCount; r++) {
            int o = r * width;
            int ol = r * (n + 3);
            double wl = lab[ol + n];
            double wc = lab[ol + n + 1];
            double wu = lab[ol + n + 2];
            double rec = 0;
            if (gaussian) {
                for (int j = 0; j < n; j++) {
                    double diff = lab[ol + j] - in[o + j];
                    double s = in[o + n + j];
                    rec += s + diff * diff * Math.exp(-s) + log2pi;
                }
                rec *= 0.5;
            } else {
                for (int j = 0; j < n; j++) {
                    double d = in[o + j];
                    rec += Math.max(d, 0) + Math.log1p(Math.exp(-Math.abs(d))) - lab[ol + j] * d;
                }
            }
            double kl = 0;
            for (int j = 0; j < l; j++) {
                double mu = in[o + dn + j];
                double lv = in[o + dn + l + j];
                kl += mu * mu + Math.exp(lv) - 1 - lv;
            }
            double e = rec + 0.5 * kl + logK;
            int oa = o + dn + 2 * l;
            int oy = oa + k;
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < k; j++) {
                max = Math.max(max, in[oa + j]);
            }
            double sum = 0;
            for (int j = 0; j < k; j++) {
                sum += Math.exp(in[oa + j] - max);
            }
            double lse = Math.log(sum);
            double logqy = 0;
            double qy = 0;
            double ySum = 0;
            for (int j = 0; j < k; j++) {
                logq[j] = in[oa + j] - max - lse;
                q[j] = Math.exp(logq[j]);
                logqy += in[oy + j] * logq[j];
                qy += in[oy + j] * q[j];
                ySum += in[oy + j];
            }
            rows[r] = wl * e - wc * logqy + wu * qy * (e + logqy);
            // the gradient: g = w_L + w_U q_y weighs -ELBO's terms
            double g = wl + wu * qy;
            if (gaussian) {
                for (int j = 0; j < n; j++) {
                    double diff = in[o + j] - lab[ol + j];
                    double precision = Math.exp(-in[o + n + j]);
                    grad[o + j] = g * diff * precision;
                    grad[o + n + j] = g * 0.5 * (1 - diff * diff * precision);
                }
            } else {
                for (int j = 0; j < n; j++) {
                    grad[o + j] = g * (1 / (1 + Math.exp(-in[o + j])) - lab[ol + j]);
                }
            }
            for (int j = 0; j < l; j++) {
                grad[o + dn + j] = g * in[o + dn + j];
                grad[o + dn + l + j] = g * 0.5 * (Math.exp(in[o + dn + l + j]) - 1);
            }
            double eLog = e + logqy;
            double ca = wu * qy - wc;
            for (int j = 0; j < k; j++) {
                double y = in[oy + j];
                grad[oa + j] = (y - q[j] * ySum) * ca + q[j] * (y - qy) * eLog * wu;
                grad[oy + j] = logq[j] * ca + q[j] * eLog * wu;
            }
        }
        p = new Pass(input, labels, rows, grad);
        p.uses = 1;
        last = p;
        return p;
    }

    private boolean fast() {
        return !objectiveConf().isSameDiffRuntime();
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        if (!fast()) {
            return super.activate(training, workspaceMgr);
        }
        assertInputSet(false);
        M2ObjectiveLayer c = objectiveConf();
        long dn = c.decoderWidth();
        long l = c.getLatentSize();
        long k = c.getNumClasses();
        long width = dn + 2 * l + 2 * k;
        if (input.rank() != 2 || input.size(1) != width) {
            checkShapes(dn, l, k);
        }
        INDArray a = input.get(NDArrayIndex.all(), NDArrayIndex.interval(dn + 2 * l, dn + 2 * l + k));
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, input.dataType(),
                new long[] {input.size(0), k}, 'c');
        return out.assign(Transforms.exp(logSoftmax(a), false));
    }

    @Override
    public double computeScore(double fullNetRegTerm, boolean training, LayerWorkspaceMgr workspaceMgr) {
        if (!fast()) {
            return super.computeScore(fullNetRegTerm, training, workspaceMgr);
        }
        assertInputSet(false);
        double sum = 0;
        for (double r : pass().rows) {
            sum += r;
        }
        return (sum + fullNetRegTerm) / input.size(0);
    }

    @Override
    public INDArray computeScoreForExamples(double fullNetRegTerm, LayerWorkspaceMgr workspaceMgr) {
        if (!fast()) {
            return super.computeScoreForExamples(fullNetRegTerm, workspaceMgr);
        }
        assertInputSet(false);
        INDArray rows = Nd4j.create(pass().rows, new long[] {input.size(0), 1}, 'c').castTo(input.dataType())
                .addi(fullNetRegTerm);
        return workspaceMgr.leverageTo(ArrayType.ACTIVATIONS, rows);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        if (!fast()) {
            return super.backpropGradient(epsilon, workspaceMgr);
        }
        assertInputSet(true);
        if (labels == null) {
            throw new IllegalStateException("M2ObjectiveLayer " + layerId() + ": no labels ([x | w_L | w_C | w_U])"
                    + " to backpropagate");
        }
        INDArray dIn = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, input.dataType(), input.shape(),
                'c');
        dIn.assign(Nd4j.create(pass().dIn, input.shape(), 'c'));
        return new Pair<>(new DefaultGradient(), dIn);
    }
}
