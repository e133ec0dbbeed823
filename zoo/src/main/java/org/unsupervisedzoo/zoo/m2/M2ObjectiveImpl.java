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
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The runtime of {@link M2ObjectiveLayer} with ND4J ops: the rows' objective and its gradient written out. With
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

    /** The pieces of the rows' objective for the current input and labels. */
    private final class Rows {
        final INDArray d;
        final INDArray mu;
        final INDArray logvar;
        final INDArray y;
        final INDArray x;
        final INDArray wL;
        final INDArray wC;
        final INDArray wU;
        final INDArray e;
        final INDArray logq;
        final INDArray q;
        final INDArray logqy;
        final INDArray qy;

        Rows() {
            M2ObjectiveLayer c = objectiveConf();
            long n = c.getDataSize();
            long dn = c.decoderWidth();
            long l = c.getLatentSize();
            long k = c.getNumClasses();
            checkShapes(dn, l, k);
            d = input.get(NDArrayIndex.all(), NDArrayIndex.interval(0, dn));
            mu = input.get(NDArrayIndex.all(), NDArrayIndex.interval(dn, dn + l));
            logvar = input.get(NDArrayIndex.all(), NDArrayIndex.interval(dn + l, dn + 2 * l));
            INDArray a = input.get(NDArrayIndex.all(), NDArrayIndex.interval(dn + 2 * l, dn + 2 * l + k));
            y = input.get(NDArrayIndex.all(), NDArrayIndex.interval(dn + 2 * l + k, dn + 2 * l + 2 * k));
            x = labels.get(NDArrayIndex.all(), NDArrayIndex.interval(0, n));
            wL = labels.get(NDArrayIndex.all(), NDArrayIndex.interval(n, n + 1));
            wC = labels.get(NDArrayIndex.all(), NDArrayIndex.interval(n + 1, n + 2));
            wU = labels.get(NDArrayIndex.all(), NDArrayIndex.interval(n + 2, n + 3));
            INDArray bce;
            if (c.getLikelihood() == M2ObjectiveLayer.Likelihood.GAUSSIAN) {
                // 1/2 sum_j [s_j + (x_j - m_j)^2 exp(-s_j) + log(2 pi)]
                INDArray m = d.get(NDArrayIndex.all(), NDArrayIndex.interval(0, n));
                INDArray s = d.get(NDArrayIndex.all(), NDArrayIndex.interval(n, 2 * n));
                INDArray diff = x.sub(m);
                bce = diff.muli(diff).muli(Transforms.exp(s.neg(), false)).addi(s).addi(Math.log(2 * Math.PI))
                        .sum(true, 1).muli(0.5);
            } else {
                // softplus(d) = max(d, 0) + log(1 + exp(-|d|)), without overflow
                INDArray softplus = Transforms.log(Transforms.exp(Transforms.abs(d, true).negi(), false).addi(1),
                        false).addi(Transforms.relu(d, true));
                bce = softplus.subi(x.mul(d)).sum(true, 1);
            }
            INDArray kl = mu.mul(mu).addi(Transforms.exp(logvar, true)).subi(1).subi(logvar).sum(true, 1).muli(0.5);
            e = bce.addi(kl).addi(Math.log(k));
            logq = logSoftmax(a);
            q = Transforms.exp(logq, true);
            logqy = y.mul(logq).sum(true, 1);
            qy = y.mul(q).sum(true, 1);
        }

        /** Each row's objective, {@code [rows, 1]}. */
        INDArray rows() {
            return wL.mul(e).subi(wC.mul(logqy)).addi(wU.mul(qy).muli(e.add(logqy)));
        }
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
        double sum = new Rows().rows().sumNumber().doubleValue();
        return (sum + fullNetRegTerm) / input.size(0);
    }

    @Override
    public INDArray computeScoreForExamples(double fullNetRegTerm, LayerWorkspaceMgr workspaceMgr) {
        if (!fast()) {
            return super.computeScoreForExamples(fullNetRegTerm, workspaceMgr);
        }
        assertInputSet(false);
        INDArray rows = new Rows().rows().addi(fullNetRegTerm);
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
        Rows r = new Rows();
        M2ObjectiveLayer c = objectiveConf();
        long n = c.getDataSize();
        long dn = c.decoderWidth();
        long l = c.getLatentSize();
        long k = c.getNumClasses();
        INDArray dIn = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, input.dataType(), input.shape(),
                'c');
        INDArray g = r.wL.add(r.wU.mul(r.qy));
        // decoder output, mu, logvar
        if (c.getLikelihood() == M2ObjectiveLayer.Likelihood.GAUSSIAN) {
            INDArray m = r.d.get(NDArrayIndex.all(), NDArrayIndex.interval(0, n));
            INDArray s = r.d.get(NDArrayIndex.all(), NDArrayIndex.interval(n, 2 * n));
            INDArray precision = Transforms.exp(s.neg(), false);
            INDArray dm = m.sub(r.x).muli(precision); // (m - x) exp(-s)
            dIn.get(NDArrayIndex.all(), NDArrayIndex.interval(n, 2 * n)) // (1 - (x - m)^2 exp(-s)) / 2
                    .assign(dm.mul(m.sub(r.x)).rsubi(1).muli(0.5).muliColumnVector(g));
            dIn.get(NDArrayIndex.all(), NDArrayIndex.interval(0, n)).assign(dm.muliColumnVector(g));
        } else {
            dIn.get(NDArrayIndex.all(), NDArrayIndex.interval(0, dn))
                    .assign(Transforms.sigmoid(r.d, true).subi(r.x).muliColumnVector(g));
        }
        dIn.get(NDArrayIndex.all(), NDArrayIndex.interval(dn, dn + l)).assign(r.mu.mulColumnVector(g));
        dIn.get(NDArrayIndex.all(), NDArrayIndex.interval(dn + l, dn + 2 * l))
                .assign(Transforms.exp(r.logvar, true).subi(1).muli(0.5).muliColumnVector(g));
        // class logits: -w_C (y - q S) + w_U [q (y - q_y)(E + log q_y) + q_y (y - q S)]
        INDArray s = r.y.sum(true, 1);
        INDArray yMinusQs = r.y.sub(r.q.mulColumnVector(s));
        INDArray eLog = r.e.add(r.logqy);
        INDArray da = yMinusQs.mulColumnVector(r.wU.mul(r.qy).subi(r.wC))
                .addi(r.q.mul(r.y.subColumnVector(r.qy)).muliColumnVector(eLog.mul(r.wU)));
        dIn.get(NDArrayIndex.all(), NDArrayIndex.interval(dn + 2 * l, dn + 2 * l + k)).assign(da);
        // y: -w_C log q + w_U [q (E + log q_y) + q_y log q]
        INDArray dy = r.logq.mulColumnVector(r.wU.mul(r.qy).subi(r.wC))
                .addi(r.q.mulColumnVector(eLog.mul(r.wU)));
        dIn.get(NDArrayIndex.all(), NDArrayIndex.interval(dn + 2 * l + k, dn + 2 * l + 2 * k)).assign(dy);
        return new Pair<>(new DefaultGradient(), dIn);
    }
}
