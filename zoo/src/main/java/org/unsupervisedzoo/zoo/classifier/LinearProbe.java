package org.unsupervisedzoo.zoo.classifier;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.unsupervisedzoo.zoo.core.Checks;

/**
 * The linear probe of representation learning: multinomial logistic regression (one softmax layer) trained on the
 * frozen codes of an encoder, its test accuracy the measure of how linearly separable the classes are in the code.
 *
 * <p>The codes of the training and test sets are computed once (flattened to {@code [n, width]}) and standardised
 * with the training set's mean and standard deviation; the softmax's weights {@code W [width, classes]} and biases
 * {@code b} are then the minimum of its convex objective
 * <pre>
 *   J(W, b) = (1/n) sum_i -log softmax(x_i W + b)_{y_i}  +  (l2 / 2) ||W||_F^2
 * </pre>
 * found by full-batch L-BFGS (10 pairs of history, backtracking line search, from zeros; no random numbers), so the
 * probe measures the code and not an optimiser: Adam at a constant rate for 30 epochs, the probe's method until
 * 2026-12-06, stopped short of the minimum (on the sparse autoencoder's 1,024-unit code it reported 96.46-96.72%
 * test accuracy where scikit-learn's L-BFGS minimum of the same objective reaches 97.35%; BENCHMARKS.md). The
 * products with the codes run in float, everything else in double. Raw pixels through the identity "encoder" give
 * the baseline ({@link #onFeatures}).
 *
 * <p><b>Defaults and tuning.</b> {@code l2=1e-4} (scikit-learn's {@code C = 1 / (l2 n)}; larger values for small
 * labelled sets), {@code maxIterations=1000}, {@code tolerance=1e-5} (stop when every partial derivative of J is
 * below it; also stops when J no longer decreases).
 */
public final class LinearProbe {
    private static final int HISTORY = 10;
    private double l2 = 1e-4;
    private int maxIterations = 1000;
    private double tolerance = 1e-5;

    /** A probe with the default settings. */
    public LinearProbe() {
    }

    /** L2 penalty on the softmax weights (not the biases), as in J above. Default 1e-4. */
    public LinearProbe l2(double l2) {
        this.l2 = l2;
        return this;
    }

    /** The most L-BFGS iterations. Default 1000. */
    public LinearProbe maxIterations(int maxIterations) {
        this.maxIterations = maxIterations;
        return this;
    }

    /** Converged when the largest absolute partial derivative of J is below this. Default 1e-5. */
    public LinearProbe tolerance(double tolerance) {
        this.tolerance = tolerance;
        return this;
    }

    /** The outcome: accuracies in [0,1], the width of the code, and how the minimisation ended. */
    public static final class Result {
        public final double trainAccuracy;
        public final double testAccuracy;
        public final long codeWidth;
        /** J on the training codes at the returned weights. */
        public final double trainObjective;
        /** The largest absolute partial derivative of J there. */
        public final double gradientMax;
        /** L-BFGS iterations taken. */
        public final int iterations;

        Result(double trainAccuracy, double testAccuracy, long codeWidth, double trainObjective, double gradientMax,
               int iterations) {
            this.trainAccuracy = trainAccuracy;
            this.testAccuracy = testAccuracy;
            this.codeWidth = codeWidth;
            this.trainObjective = trainObjective;
            this.gradientMax = gradientMax;
            this.iterations = iterations;
        }

        @Override
        public String toString() {
            return String.format("linear probe: code width %d, train accuracy %.4f, test accuracy %.4f (J %.6f,"
                    + " max |dJ| %.2e, %d L-BFGS iterations)", codeWidth, trainAccuracy, testAccuracy,
                    trainObjective, gradientMax, iterations);
        }
    }

    /** Probes {@code encoder} (one input, one output) with one-hot labelled iterators. */
    public Result evaluate(ComputationGraph encoder, DataSetIterator train, DataSetIterator test) {
        Checks.notNull("encoder", encoder);
        return onFeatures(codes(encoder, train), codes(encoder, test));
    }

    /** Probes precomputed features: {@code [features, one-hot labels]} of the training and test sets. */
    public Result onFeatures(DataSet train, DataSet test) {
        Checks.nonNegative("l2", l2);
        Checks.positive("maxIterations", maxIterations);
        Checks.positive("tolerance", tolerance);
        INDArray x = train.getFeatures().castTo(DataType.FLOAT);
        INDArray xt = test.getFeatures().castTo(DataType.FLOAT);
        if (x.rank() != 2 || xt.rank() != 2 || x.size(1) != xt.size(1)) {
            throw new IllegalArgumentException("train and test features must be [n, width] of one width, got "
                    + java.util.Arrays.toString(x.shape()) + " and " + java.util.Arrays.toString(xt.shape()));
        }
        INDArray mean = x.mean(0);
        INDArray std = x.std(0).addi(1e-6);
        x = x.subRowVector(mean).diviRowVector(std);
        xt = xt.subRowVector(mean).diviRowVector(std);
        INDArray y = train.getLabels().castTo(DataType.DOUBLE);
        Objective f = new Objective(x, y, l2);
        Minimum m = minimise(f, Nd4j.zeros(DataType.DOUBLE, f.size()));
        return new Result(accuracy(logits(x, m.theta), y), accuracy(logits(xt, m.theta), test.getLabels()), x.size(1),
                m.value, m.gradient.amaxNumber().doubleValue(), m.iterations);
    }

    private record Minimum(INDArray theta, double value, INDArray gradient, int iterations) {
    }

    /** L-BFGS with a backtracking (Armijo) line search from {@code theta}. */
    private Minimum minimise(Objective f, INDArray theta) {
        INDArray g = Nd4j.zeros(DataType.DOUBLE, theta.length());
        double value = f.evaluate(theta, g);
        Deque<INDArray[]> history = new ArrayDeque<>(); // {s, y} pairs, newest first
        int stalls = 0;
        int it = 0;
        while (it < maxIterations && g.amaxNumber().doubleValue() >= tolerance && stalls < 5) {
            it++;
            INDArray d = direction(g, history);
            double slope = dot(g, d);
            if (!(slope < 0)) { // not a descent direction: restart from the gradient
                history.clear();
                d = g.neg();
                slope = -dot(g, g);
            }
            double step = history.isEmpty() ? Math.min(1, 1 / Math.sqrt(-slope)) : 1;
            INDArray next = null;
            INDArray gNext = Nd4j.zeros(DataType.DOUBLE, theta.length());
            double valueNext = Double.NaN;
            for (int k = 0; k < 50; k++) {
                next = theta.add(d.mul(step));
                valueNext = f.evaluate(next, gNext);
                if (valueNext <= value + 1e-4 * step * slope) {
                    break;
                }
                step *= 0.5;
            }
            if (!(valueNext <= value)) { // the line search found no decrease: at float precision's floor
                break;
            }
            INDArray s = next.sub(theta);
            INDArray yk = gNext.sub(g);
            if (dot(s, yk) > 1e-12) {
                history.addFirst(new INDArray[] {s, yk});
                if (history.size() > HISTORY) {
                    history.removeLast();
                }
            }
            stalls = value - valueNext <= 1e-12 * Math.max(1, Math.abs(value)) ? stalls + 1 : 0;
            theta = next;
            g = gNext;
            value = valueNext;
        }
        return new Minimum(theta, value, g, it);
    }

    /** The inner product of two vectors of one length. */
    private static double dot(INDArray a, INDArray b) {
        return Nd4j.getBlasWrapper().dot(a, b);
    }

    /** The two-loop recursion: {@code -H g} with H the L-BFGS inverse-Hessian estimate. */
    private static INDArray direction(INDArray g, Deque<INDArray[]> history) {
        INDArray q = g.dup();
        double[] alpha = new double[history.size()];
        int i = 0;
        for (INDArray[] sy : history) {
            double rho = 1 / dot(sy[1], sy[0]);
            alpha[i] = rho * dot(sy[0], q);
            q.subi(sy[1].mul(alpha[i]));
            i++;
        }
        if (!history.isEmpty()) {
            INDArray[] newest = history.peekFirst();
            q.muli(dot(newest[0], newest[1]) / dot(newest[1], newest[1]));
        }
        Iterator<INDArray[]> oldestFirst = history.descendingIterator();
        i = history.size() - 1;
        while (oldestFirst.hasNext()) {
            INDArray[] sy = oldestFirst.next();
            double rho = 1 / dot(sy[1], sy[0]);
            double beta = rho * dot(sy[1], q);
            q.addi(sy[0].mul(alpha[i] - beta));
            i--;
        }
        return q.negi();
    }

    /** {@code W [width, classes]}, the first {@code width * classes} entries of {@code theta} (row-major). */
    private static INDArray weights(long width, INDArray theta) {
        long k = theta.length() / (width + 1);
        return theta.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, width * k)).reshape(width, k);
    }

    /** The logits {@code x W + b} of codes {@code x [n, width]} at {@code theta = [W | b]}, in double. */
    private static INDArray logits(INDArray x, INDArray theta) {
        long width = x.size(1);
        INDArray w = weights(width, theta).castTo(DataType.FLOAT);
        INDArray b = theta.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(w.length(), theta.length()));
        return x.mmul(w).castTo(DataType.DOUBLE).addiRowVector(b.reshape(1, b.length()));
    }

    /**
     * J and its gradient at {@code theta = [W (width x classes, row-major) | b]}, for codes {@code x [n, width]} and
     * one-hot labels {@code y [n, classes]}.
     */
    private record Objective(INDArray x, INDArray y, double l2) {
        long size() {
            return (x.size(1) + 1) * y.size(1);
        }

        /** J at {@code theta}; its gradient written into {@code gradient}. */
        double evaluate(INDArray theta, INDArray gradient) {
            INDArray z = logits(x, theta);
            INDArray shifted = z.subColumnVector(z.max(true, 1));
            INDArray logNorm = Transforms.log(Transforms.exp(shifted, true).sum(true, 1), false);
            INDArray logP = shifted.subiColumnVector(logNorm);
            long n = x.size(0);
            INDArray w = weights(x.size(1), theta);
            double norm2 = w.norm2Number().doubleValue();
            double value = -logP.mul(y).sumNumber().doubleValue() / n + 0.5 * l2 * norm2 * norm2;
            INDArray delta = Transforms.exp(logP, false).subi(y).divi(n); // (P - Y) / n
            INDArray gw = x.transpose().mmul(delta.castTo(DataType.FLOAT)).castTo(DataType.DOUBLE).addi(w.mul(l2));
            INDArray gb = delta.sum(0);
            gradient.assign(Nd4j.concat(0, Nd4j.toFlattened('c', gw).reshape(gw.length()), gb.reshape(gb.length())));
            return value;
        }
    }

    /** Share of rows whose arg-max logit is the arg-max of the label. */
    private static double accuracy(INDArray logits, INDArray oneHot) {
        INDArray predicted = logits.argMax(1);
        INDArray truth = oneHot.argMax(1);
        return predicted.eq(truth).castTo(DataType.DOUBLE).meanNumber().doubleValue();
    }

    /** The flattened codes of every example of {@code data} with their labels. */
    public static DataSet codes(ComputationGraph encoder, DataSetIterator data) {
        List<INDArray> features = new ArrayList<>();
        List<INDArray> labels = new ArrayList<>();
        data.reset();
        while (data.hasNext()) {
            DataSet ds = data.next();
            INDArray code = encoder.outputSingle(false, ds.getFeatures());
            features.add(code.reshape(code.size(0), code.length() / code.size(0)).dup());
            labels.add(ds.getLabels());
        }
        if (features.isEmpty()) {
            throw new IllegalArgumentException("the iterator returned no examples");
        }
        return new DataSet(Nd4j.vstack(features.toArray(new INDArray[0])), Nd4j.vstack(labels.toArray(new INDArray[0])));
    }
}
