package org.unsupervisedzoo.zoo.m2;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Builds the training batches of a {@link SemiSupervisedVAE} graph: {@code B_l} labelled digits and {@code B_u}
 * unlabelled ones become {@code R = B_l + K B_u} rows, features {@code [x, y, eps]} and labels
 * {@code [[x | w_L | w_C | w_U]]} for the {@value SemiSupervisedVAE#OBJECTIVE} layer ({@link M2ObjectiveLayer}):
 * <pre>
 *   rows 0 .. B_l-1            a labelled digit with its one-hot label,  w = (R N_l / (N B_l), R alpha / B_l, 0)
 *   rows B_l + K i + k         unlabelled digit i with class k,           w = (0, 0, R N_u / (N B_u))
 * </pre>
 * where {@code N_l} and {@code N_u} are the sizes of the whole labelled and unlabelled sets, {@code N = N_l + N_u},
 * and {@code eps ~ N(0, I)} is drawn per row from this object's generator. DL4J divides the layer's summed score by
 * {@code R}, so the graph's score is an unbiased minibatch estimate of the paper's objective per digit,
 * <pre>
 *   J^alpha / N = (N_l / N) mean_l[-ELBO(x, y)] + (N_u / N) mean_u[-U(x)] + alpha mean_l[-log q(y|x)],
 * </pre>
 * i.e. {@code J + alpha N E_l[-log q(y|x)]} divided by {@code N}: Kingma et al.'s {@code J^alpha} with their
 * {@code alpha N} written {@code alpha * N} ({@code alpha = 0.1}). Either part may be empty ({@code B_l = 0} or
 * {@code B_u = 0}); then the other part alone is estimated.
 */
public final class M2Batches {
    private final int numClasses;
    private final int latentSize;
    private final double alpha;
    private final long labelledCount;
    private final long unlabelledCount;
    private final DataType dataType;
    private final Random rng;

    /**
     * @param model           the model (classes, latent size, {@code alpha}, data type)
     * @param labelledCount   {@code N_l}, the digits with a label in the whole training set
     * @param unlabelledCount {@code N_u}, the digits without
     * @param seed            seed of the noise {@code eps}
     */
    public M2Batches(SemiSupervisedVAE model, long labelledCount, long unlabelledCount, long seed) {
        if (model == null) {
            throw new IllegalArgumentException("model must not be null");
        }
        if (labelledCount < 0 || unlabelledCount < 0 || labelledCount + unlabelledCount == 0) {
            throw new IllegalArgumentException("labelledCount and unlabelledCount must be >= 0 and not both 0, got "
                    + labelledCount + " and " + unlabelledCount);
        }
        this.numClasses = model.numClasses();
        this.latentSize = model.latentSize();
        this.alpha = model.alpha();
        this.labelledCount = labelledCount;
        this.unlabelledCount = unlabelledCount;
        this.dataType = model.dataType();
        this.rng = Nd4j.getRandomFactory().getNewRandomInstance(seed);
    }

    /** The graph's training data for labelled digits {@code xl} (one-hot {@code yl}) and unlabelled {@code xu}. */
    public MultiDataSet batch(INDArray xl, INDArray yl, INDArray xu) {
        long bl = xl == null ? 0 : xl.size(0);
        long bu = xu == null ? 0 : xu.size(0);
        INDArray eps = Nd4j.randn(new long[] {bl + numClasses * bu, latentSize}, rng).castTo(dataType);
        return batch(xl, yl, xu, eps);
    }

    /** As {@link #batch(INDArray, INDArray, INDArray)}, with the noise {@code eps} {@code [R, L]} given. */
    public MultiDataSet batch(INDArray xl, INDArray yl, INDArray xu, INDArray eps) {
        long bl = xl == null ? 0 : xl.size(0);
        long bu = xu == null ? 0 : xu.size(0);
        if (bl + bu == 0) {
            throw new IllegalArgumentException("a batch needs at least one digit");
        }
        if (bl > 0 && (yl == null || yl.size(0) != bl || yl.size(1) != numClasses)) {
            throw new IllegalArgumentException("yl must be one-hot [" + bl + ", " + numClasses + "], got "
                    + (yl == null ? "null" : java.util.Arrays.toString(yl.shape())));
        }
        long rows = bl + numClasses * bu;
        if (eps.size(0) != rows || eps.size(1) != latentSize) {
            throw new IllegalArgumentException("eps must be [" + rows + ", " + latentSize + "], got "
                    + java.util.Arrays.toString(eps.shape()));
        }
        // one pass through Java arrays: ND4J's repeat, tile, vstack and hstack took 6% of an M1+M2 step
        double n = labelledCount + unlabelledCount;
        int d = (int) (bl > 0 ? xl.size(1) : xu.size(1));
        if (bl > 0 && bu > 0 && xu.size(1) != d) {
            throw new IllegalArgumentException("xl and xu must have the same columns, got " + d + " and " + xu.size(1));
        }
        int k = numClasses;
        int r = (int) rows;
        double wl = rows * labelledCount / (n * Math.max(bl, 1));
        double wc = rows * alpha / Math.max(bl, 1);
        double wu = rows * unlabelledCount / (n * Math.max(bu, 1));
        double[] xl1 = bl > 0 ? doubles(xl) : null;
        double[] yl1 = bl > 0 ? doubles(yl) : null;
        double[] xu1 = bu > 0 ? doubles(xu) : null;
        double[] x = new double[r * d];
        double[] y = new double[r * k];
        double[] lab = new double[r * (d + 3)];
        for (int i = 0; i < r; i++) {
            boolean labelled = i < bl;
            double[] src = labelled ? xl1 : xu1;
            int from = (labelled ? i : (int) ((i - bl) / k)) * d;
            System.arraycopy(src, from, x, i * d, d);
            System.arraycopy(src, from, lab, i * (d + 3), d);
            if (labelled) {
                System.arraycopy(yl1, i * k, y, i * k, k);
                lab[i * (d + 3) + d] = wl;
                lab[i * (d + 3) + d + 1] = wc;
            } else {
                y[i * k + (int) ((i - bl) % k)] = 1;
                lab[i * (d + 3) + d + 2] = wu;
            }
        }
        INDArray xs = array(x, rows, d);
        INDArray ys = array(y, rows, k);
        INDArray labels = array(lab, rows, d + 3);
        return new MultiDataSet(new INDArray[] {xs, ys, eps.castTo(dataType)}, new INDArray[] {labels});
    }

    /** The values of {@code a} in row-major order, as doubles (a float array's are exact). */
    private static double[] doubles(INDArray a) {
        return a.dup('c').data().asDouble();
    }

    /**
     * {@code [rows, cols]} of this batch's data type from {@code v}: a float array is filled from Java floats (ND4J's
     * {@code create} from doubles and {@code castTo} took most of the batch's time).
     */
    private INDArray array(double[] v, long rows, int cols) {
        if (dataType == DataType.FLOAT) {
            float[] f = new float[v.length];
            for (int i = 0; i < v.length; i++) {
                f[i] = (float) v[i];
            }
            return Nd4j.create(f, new long[] {rows, cols}, 'c');
        }
        return Nd4j.create(v, new long[] {rows, cols}, 'c').castTo(dataType);
    }
}
