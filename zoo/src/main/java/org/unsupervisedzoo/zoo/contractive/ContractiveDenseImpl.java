package org.unsupervisedzoo.zoo.contractive;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.unsupervisedzoo.zoo.core.ZooSameDiffLayerImpl;
import org.unsupervisedzoo.zoo.contractive.ContractiveMath;
import org.unsupervisedzoo.zoo.core.DenseMath;
import org.unsupervisedzoo.zoo.core.InputGradients;
import org.unsupervisedzoo.zoo.core.PreOutputCache;

/**
 * The runtime of {@link ContractiveDenseLayer} without SameDiff: the forward pass {@code [h | q]} with
 * {@code h = phi(x W + b)}, {@code q_bj = phi'(z_bj)^2 s_j}, {@code s_j = sum_i W_ij^2}, and its backward pass
 * written out. With {@code g_h, g_q} the incoming errors and {@code d = phi'(z)}, {@code d2 = phi''(z)}:
 * <pre>
 *   dL/dz = g_h d + 2 g_q d d2 s,    dL/ds_j = sum_b g_q,bj d_bj^2,
 *   dL/dW = x^T dL/dz + 2 W diag(dL/ds),    dL/db = sum_b dL/dz,    dL/dx = dL/dz W^T.
 * </pre>
 * The same maths as {@link ContractiveDenseLayer#defineLayer} (a test compares both), with ND4J ops instead of a
 * SameDiff session per step. Parameters, their layout and the gradient views are the SameDiff layer's.
 */
public class ContractiveDenseImpl extends ZooSameDiffLayerImpl implements InputGradients.Optional {
    private final transient InputGradients.Flag inputGradients = new InputGradients.Flag();
    private long javaBackwardPasses;
    private long javaForwardPasses;

    @Override
    public InputGradients.Flag inputGradientFlag() {
        return inputGradients;
    }

    /** {h, d, d2} of a training forward pass, handed once to the backward pass of the same input. */
    private final transient PreOutputCache cache = new PreOutputCache();

    public ContractiveDenseImpl(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    /** How many backward passes reused the forward pass's {h, d, d2} instead of computing them again. */
    public long reusedForwards() {
        return cache.reused();
    }

    @Override
    public void setInput(INDArray input, LayerWorkspaceMgr workspaceMgr) {
        cache.invalidate();
        super.setInput(input, workspaceMgr);
    }

    @Override
    public void clear() {
        cache.invalidate();
        super.clear();
    }

    /** {@code z = x W + b} for the current input (through {@code Nd4j.gemm}, not {@code mmul}: see DenseMath). */
    private INDArray preActivation() {
        INDArray w = paramTable.get(ContractiveDenseLayer.WEIGHT_KEY);
        return DenseMath.affineInto(input, w, paramTable.get(ContractiveDenseLayer.BIAS_KEY),
                Nd4j.createUninitialized(w.dataType(), new long[] {input.size(0), w.size(1)}, 'c'));
    }

    /** {h, d = phi'(z), d2 = phi''(z)} for the current input. */
    private INDArray[] forward() {
        ContractiveDenseLayer c = (ContractiveDenseLayer) layerConf();
        INDArray z = preActivation();
        INDArray h;
        INDArray d;
        INDArray d2;
        switch (c.getActivation()) {
            case SIGMOID:
                return derivatives(c.getActivation(), Transforms.sigmoid(z, true));
            case TANH:
                return derivatives(c.getActivation(), Transforms.tanh(z, true));
            case RELU:
                d = z.gt(0.0).castTo(z.dataType());
                h = z.mul(d);
                d2 = z.ulike().assign(0);
                break;
            case SOFTPLUS:
                d = Transforms.sigmoid(z, true);
                h = Transforms.softPlus(z, true);
                d2 = d.rsub(1.0).muli(d);
                break;
            case IDENTITY:
                h = z;
                d = z.ulike().assign(1);
                d2 = z.ulike().assign(0);
                break;
            default:
                throw new IllegalStateException("unsupported activation " + c.getActivation());
        }
        return new INDArray[] {h, d, d2};
    }

    private INDArray columnNorms() {
        INDArray w = paramTable.get(ContractiveDenseLayer.WEIGHT_KEY);
        INDArray s = ContractiveMath.columnSquares(w);
        return s != null ? s : w.mul(w).sum(true, 0);
    }

    /** How many backward passes took the Java passes of {@link ContractiveMath} (float). */
    public long javaBackwardPasses() {
        return javaBackwardPasses;
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        INDArray norms = columnNorms();
        INDArray w = paramTable.get(ContractiveDenseLayer.WEIGHT_KEY);
        long k = w.size(1);
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, w.dataType(),
                new long[] {input.size(0), 2 * k}, 'c');
        INDArray[] f = forwardInto(norms, out);
        if (f == null) {
            f = forward();
            fillOutput(out, f, norms);
        }
        if (training) {
            cache.storeAll(input, f[0], f[1], f[2], norms); // the norms too: W does not change before backprop
        } else {
            cache.invalidate();
        }
        return out;
    }

    /**
     * Float sigmoid or tanh units: {h, d, d2} with {@code out = [h | d^2 s]} filled in the same Java pass over the
     * units ({@link ContractiveMath#forwardTerms}); null, before any work, for other activations and types.
     */
    private INDArray[] forwardInto(INDArray norms, INDArray out) {
        ContractiveDenseLayer c = (ContractiveDenseLayer) layerConf();
        boolean sigmoid = c.getActivation() == Activation.SIGMOID;
        INDArray w = paramTable.get(ContractiveDenseLayer.WEIGHT_KEY);
        if (w.dataType() != DataType.FLOAT || !sigmoid && c.getActivation() != Activation.TANH) {
            return null;
        }
        INDArray z = preActivation();
        INDArray h = sigmoid ? Transforms.sigmoid(z, false) : Transforms.tanh(z, false);
        INDArray d = Nd4j.createUninitialized(h.dataType(), h.shape(), 'c');
        INDArray d2 = Nd4j.createUninitialized(h.dataType(), h.shape(), 'c');
        if (!ContractiveMath.forwardTerms(sigmoid, h, norms, d, d2, out)) {
            INDArray[] f = derivatives(c.getActivation(), h);
            fillOutput(out, f, norms);
            return f;
        }
        javaForwardPasses++;
        return new INDArray[] {h, d, d2};
    }

    /** The layer's output {@code [h | d^2 s]} from {@code f = {h, d, ...}} and the column norms {@code s}. */
    private static void fillOutput(INDArray out, INDArray[] f, INDArray norms) {
        long k = f[0].size(1);
        out.get(NDArrayIndex.all(), NDArrayIndex.interval(0, k)).assign(f[0]);
        out.get(NDArrayIndex.all(), NDArrayIndex.interval(k, 2 * k)).assign(f[1].mul(f[1]).muliRowVector(norms));
    }

    /** {h, d, d2} of sigmoid or tanh units from their activations {@code h}. */
    private static INDArray[] derivatives(Activation a, INDArray h) {
        INDArray d;
        INDArray d2;
        if (a == Activation.SIGMOID) {
            d = h.rsub(1.0).muli(h);
            d2 = h.mul(-2.0).addi(1.0).muli(d);
        } else {
            d = h.mul(h).rsubi(1.0);
            d2 = h.mul(-2.0).muli(d);
        }
        return new INDArray[] {h, d, d2};
    }

    /** How many forward passes computed {@code d, d2} and the output in Java ({@link ContractiveMath}, float). */
    public long javaForwardPasses() {
        return javaForwardPasses;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        INDArray[] f = cache.takeAll(input);
        INDArray s;
        if (f == null) {
            f = forward();
            s = columnNorms();
        } else {
            s = f[3];
        }
        INDArray d = f[1];
        long k = d.size(1);
        INDArray w = paramTable.get(ContractiveDenseLayer.WEIGHT_KEY);
        INDArray x = input.castTo(w.dataType());
        INDArray gw = gradTable.get(ContractiveDenseLayer.WEIGHT_KEY);
        INDArray dz = d.dataType() == DataType.FLOAT ? Nd4j.createUninitialized(d.dataType(), d.shape(), 'c') : null;
        float[] ds = dz == null ? null : ContractiveMath.errorTerms(epsilon, d, f[2], s, dz);
        if (ds != null) {
            Nd4j.gemm(x, dz, gw, true, false, 1.0, 0.0);
            for (int j = 0; j < ds.length; j++) {
                ds[j] *= 2;
            }
            if (!ContractiveMath.addScaledColumns(gw, w, ds)) {
                gw.addi(w.mulRowVector(Nd4j.createFromArray(ds).reshape(1, k)));
            }
            javaBackwardPasses++;
        } else {
            INDArray gh = epsilon.get(NDArrayIndex.all(), NDArrayIndex.interval(0, k));
            INDArray gq = epsilon.get(NDArrayIndex.all(), NDArrayIndex.interval(k, 2 * k));
            INDArray gqd = gq.mul(d);
            INDArray dsArr = gqd.mul(d).sum(true, 0);
            dz = gh.mul(d).addi(gqd.muli(f[2]).muli(2.0).muliRowVector(s));
            Nd4j.gemm(x, dz, gw, true, false, 1.0, 0.0);
            gw.addi(w.mulRowVector(dsArr.muli(2.0)));
        }
        INDArray gb = gradTable.get(ContractiveDenseLayer.BIAS_KEY);
        if (!DenseMath.columnSums(dz, gb)) {
            gb.assign(dz.sum(true, 0));
        }
        INDArray dx = null; // (none when the layer below is the network's input: InputGradients)
        if (inputGradients.needed()) {
            dx = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, x.dataType(), x.shape(), 'c');
            Nd4j.gemm(dz, w, dx, false, true, 1.0, 0.0);
        }
        Gradient g = new DefaultGradient();
        g.gradientForVariable().put(ContractiveDenseLayer.WEIGHT_KEY, gw);
        g.gradientForVariable().put(ContractiveDenseLayer.BIAS_KEY, gb);
        return new Pair<>(g, dx);
    }
}
