package org.unsupervisedzoo.zoo.vae;

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
 * The runtime of {@link IwaeObjectiveLayer} with ND4J ops: the bound and its gradient written out. With the
 * normalised weights {@code wt_s = w_s / sum_t w_t} of an example's k rows (a softmax of the log-weights), the
 * derivative of the layer's scalar {@code k sum_i -log (1/k) sum_s w_is} is, per row,
 * <pre>
 *   d / d d      = k wt (sigmoid(d) - x)
 *   d / d z      = k wt z,      d / d logvar = -k wt / 2,      d / d eps = -k wt eps
 * </pre>
 * ({@code eps} is a network input in the zoo's graph, so its gradient is discarded there.) It also refuses rows that
 * are not groups of k copies of one example: a batch fed without {@link VaeIterator}'s repetition would otherwise
 * be scored as a bound over unrelated examples. The SameDiff definition of the layer stays the reference; a test
 * compares both runtimes' scores and gradients.
 */
public class IwaeObjectiveImpl extends SameDiffOutputLayer {
    public IwaeObjectiveImpl(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    private IwaeObjectiveLayer objectiveConf() {
        return (IwaeObjectiveLayer) layerConf();
    }

    private boolean fast() {
        return !objectiveConf().isSameDiffRuntime();
    }

    private String name() {
        return "IwaeObjectiveLayer " + layerId();
    }

    private void checkInput() {
        IwaeObjectiveLayer c = objectiveConf();
        long width = c.inputWidth();
        if (input.rank() != 2 || input.size(1) != width) {
            throw new IllegalArgumentException(name() + ": expected input [rows, " + width + "] ([decoder logits "
                    + c.getDataSize() + " | z " + c.getLatentSize() + " | logvar " + c.getLatentSize() + " | eps "
                    + c.getLatentSize() + "]), got " + java.util.Arrays.toString(input.shape()));
        }
    }

    /** The rows' log-weights and their per-example normalisation, for the current input and labels. */
    private final class Bound {
        final INDArray d;
        final INDArray z;
        final INDArray eps;
        final INDArray x;
        /** {@code [b, k]}: the normalised importance weights of each example's rows. */
        final INDArray weights;
        /** {@code [b]}: each example's loss, {@code log k - logsumexp_s log w_s}. */
        final INDArray loss;

        Bound() {
            IwaeObjectiveLayer c = objectiveConf();
            long dn = c.getDataSize();
            long l = c.getLatentSize();
            int k = c.getSamples();
            checkInput();
            long rows = input.size(0);
            if (labels == null) {
                throw new IllegalStateException(name() + ": no labels (the data x, each example repeated k = " + k
                        + " times) to score");
            }
            if (labels.rank() != 2 || labels.size(0) != rows || labels.size(1) != dn) {
                throw new IllegalArgumentException(name() + ": expected labels [" + rows + ", " + dn + "] (the data x),"
                        + " got " + java.util.Arrays.toString(labels.shape()));
            }
            if (rows % k != 0) {
                throw new IllegalArgumentException(name() + ": " + rows + " rows are not a multiple of samples k = " + k
                        + "; each example must arrive as k consecutive copies (VaeIterator repeats each example"
                        + " samplesPerExample times)");
            }
            long b = rows / k;
            if (k > 1) {
                INDArray groups = labels.reshape('c', b, k, dn);
                INDArray first = groups.get(NDArrayIndex.all(), NDArrayIndex.point(0), NDArrayIndex.all());
                double spread = Transforms.abs(groups.sub(first.reshape(b, 1, dn)), false).maxNumber().doubleValue();
                if (spread > 0) {
                    throw new IllegalArgumentException(name() + ": the rows are not groups of k = " + k + " copies of"
                            + " one example (rows i*k .. i*k+k-1 must hold the same x; VaeIterator repeats each example"
                            + " samplesPerExample times)");
                }
            }
            d = input.get(NDArrayIndex.all(), NDArrayIndex.interval(0, dn));
            z = input.get(NDArrayIndex.all(), NDArrayIndex.interval(dn, dn + l));
            INDArray logvar = input.get(NDArrayIndex.all(), NDArrayIndex.interval(dn + l, dn + 2 * l));
            eps = input.get(NDArrayIndex.all(), NDArrayIndex.interval(dn + 2 * l, dn + 3 * l));
            x = labels;
            // softplus(d) = max(d, 0) + log(1 + exp(-|d|)), without overflow
            INDArray softplus = Transforms.log(Transforms.exp(Transforms.abs(d, true).negi(), false).addi(1), false)
                    .addi(Transforms.relu(d, true));
            INDArray logPxz = x.mul(d).subi(softplus).sum(1);
            INDArray logPzOverQ = eps.mul(eps).subi(z.mul(z)).addi(logvar).sum(1).muli(0.5);
            INDArray logW = logPxz.addi(logPzOverQ).reshape('c', b, k);
            INDArray max = logW.max(true, 1);
            INDArray shifted = Transforms.exp(logW.subColumnVector(max), false);
            INDArray sum = shifted.sum(true, 1);
            weights = shifted.diviColumnVector(sum);
            loss = Transforms.log(sum, false).addi(max).reshape(b).rsubi(Math.log(k));
        }
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        if (!fast()) {
            return super.activate(training, workspaceMgr);
        }
        assertInputSet(false);
        checkInput();
        long dn = objectiveConf().getDataSize();
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, input.dataType(),
                new long[] {input.size(0), dn}, 'c');
        return out.assign(Transforms.sigmoid(input.get(NDArrayIndex.all(), NDArrayIndex.interval(0, dn)), true));
    }

    @Override
    public double computeScore(double fullNetRegTerm, boolean training, LayerWorkspaceMgr workspaceMgr) {
        if (!fast()) {
            return super.computeScore(fullNetRegTerm, training, workspaceMgr);
        }
        assertInputSet(false);
        double sum = new Bound().loss.sumNumber().doubleValue() * objectiveConf().getSamples();
        return (sum + fullNetRegTerm) / input.size(0);
    }

    /** Per row, the loss of the row's example (so the rows' mean is the examples' mean), {@code [rows, 1]}. */
    @Override
    public INDArray computeScoreForExamples(double fullNetRegTerm, LayerWorkspaceMgr workspaceMgr) {
        if (!fast()) {
            return super.computeScoreForExamples(fullNetRegTerm, workspaceMgr);
        }
        assertInputSet(false);
        INDArray loss = new Bound().loss;
        INDArray rows = loss.reshape(loss.length(), 1).repeat(0, objectiveConf().getSamples()).addi(fullNetRegTerm);
        return workspaceMgr.leverageTo(ArrayType.ACTIVATIONS, rows);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        if (!fast()) {
            return super.backpropGradient(epsilon, workspaceMgr);
        }
        assertInputSet(true);
        Bound r = new Bound();
        IwaeObjectiveLayer c = objectiveConf();
        long dn = c.getDataSize();
        long l = c.getLatentSize();
        int k = c.getSamples();
        INDArray g = r.weights.reshape('c', input.size(0), 1).mul(k);
        INDArray dIn = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, input.dataType(), input.shape(),
                'c');
        dIn.get(NDArrayIndex.all(), NDArrayIndex.interval(0, dn))
                .assign(Transforms.sigmoid(r.d, true).subi(r.x).muliColumnVector(g));
        dIn.get(NDArrayIndex.all(), NDArrayIndex.interval(dn, dn + l)).assign(r.z.mulColumnVector(g));
        dIn.get(NDArrayIndex.all(), NDArrayIndex.interval(dn + l, dn + 2 * l))
                .assign(0).addiColumnVector(g.mul(-0.5));
        dIn.get(NDArrayIndex.all(), NDArrayIndex.interval(dn + 2 * l, dn + 3 * l))
                .assign(r.eps.mulColumnVector(g).negi());
        return new Pair<>(new DefaultGradient(), dIn);
    }
}
