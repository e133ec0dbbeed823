package org.unsupervisedzoo.zoo.m2;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.ViewIterator;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The features of M1+M2 (Kingma et al. 2014): each digit's approximate posterior {@code q(z1|x) = N(mean,
 * diag(exp(logvar)))} under a trained VAE (M1), on the dimensions that M1 uses. M2 ({@link SemiSupervisedVAE} with
 * {@code likelihood(GAUSSIAN)}) is trained on fresh draws {@code z1 = mean + exp(logvar/2) eps} at every step, as
 * the authors' code does, and classifies validation and test digits by their means.
 *
 * <p>{@link #encode} runs a graph whose output is M1's {@code [mean | logvar]} ({@code [n, 2L]}; the zoo's VAE's
 * {@code z-params} vertex, cut out with {@code Encoders.extract}) and keeps the columns {@code keep};
 * {@link #activeDimensions} chooses them as the authors' code does: the latent dimensions whose posterior mean
 * varies across digits (standard deviation above a threshold, 0.1 there), since a VAE leaves its unused dimensions
 * at the prior, where they carry noise and no information.
 */
public final class M1Codes {
    private final INDArray mean;
    private final INDArray logvar;
    private final INDArray labels;

    /**
     * @param mean   posterior means {@code [n, d]}
     * @param logvar posterior log-variances {@code [n, d]}
     * @param labels one-hot labels {@code [n, K]}, or null
     */
    public M1Codes(INDArray mean, INDArray logvar, INDArray labels) {
        if (mean == null || logvar == null || mean.rank() != 2 || !java.util.Arrays.equals(mean.shape(),
                logvar.shape())) {
            throw new IllegalArgumentException("mean and logvar must be [n, d] of one shape, got "
                    + (mean == null ? "null" : java.util.Arrays.toString(mean.shape())) + " and "
                    + (logvar == null ? "null" : java.util.Arrays.toString(logvar.shape())));
        }
        if (labels != null && labels.size(0) != mean.size(0)) {
            throw new IllegalArgumentException("labels must have " + mean.size(0) + " rows, got "
                    + java.util.Arrays.toString(labels.shape()));
        }
        this.mean = mean;
        this.logvar = logvar;
        this.labels = labels;
    }

    /**
     * The posterior of every digit of {@code digits} (features fed to {@code zParams}, labels kept), on the columns
     * {@code keep} of the latent space.
     *
     * @param zParams a graph from digits to {@code [mean | logvar]}, {@code [n, 2L]}
     * @param keep    latent dimensions to keep, each in {@code [0, L)}
     */
    public static M1Codes encode(ComputationGraph zParams, DataSetIterator digits, int[] keep) {
        List<INDArray> means = new ArrayList<>();
        List<INDArray> logvars = new ArrayList<>();
        List<INDArray> ys = new ArrayList<>();
        digits.reset();
        while (digits.hasNext()) {
            DataSet d = digits.next();
            INDArray p = zParams.outputSingle(false, d.getFeatures());
            long l = p.size(1) / 2;
            if (p.size(1) != 2 * l) {
                throw new IllegalArgumentException("the graph's output must be [n, 2L] ([mean | logvar]), got "
                        + java.util.Arrays.toString(p.shape()));
            }
            int[] cols = new int[keep.length];
            int[] lcols = new int[keep.length];
            for (int i = 0; i < keep.length; i++) {
                if (keep[i] < 0 || keep[i] >= l) {
                    throw new IllegalArgumentException("keep must list dimensions in [0, " + l + "), got "
                            + keep[i]);
                }
                cols[i] = keep[i];
                lcols[i] = (int) (keep[i] + l);
            }
            means.add(p.getColumns(cols));
            logvars.add(p.getColumns(lcols));
            ys.add(d.getLabels());
        }
        return new M1Codes(Nd4j.vstack(means.toArray(new INDArray[0])), Nd4j.vstack(logvars.toArray(new INDArray[0])),
                ys.get(0) == null ? null : Nd4j.vstack(ys.toArray(new INDArray[0])));
    }

    /**
     * The columns of {@code means} ({@code [n, L]}) whose standard deviation over the rows exceeds {@code minSd}, in
     * order.
     */
    public static int[] activeDimensions(INDArray means, double minSd) {
        if (means.size(0) < 2) {
            throw new IllegalArgumentException("at least 2 rows are needed for a standard deviation, got "
                    + means.size(0));
        }
        INDArray sd = means.std(true, 0);
        List<Integer> keep = new ArrayList<>();
        for (int j = 0; j < sd.length(); j++) {
            if (sd.getDouble(j) > minSd) {
                keep.add(j);
            }
        }
        if (keep.isEmpty()) {
            throw new IllegalArgumentException("no latent dimension has a posterior mean with sd above " + minSd
                    + " (largest " + sd.maxNumber() + "): is M1 trained?");
        }
        return keep.stream().mapToInt(Integer::intValue).toArray();
    }

    public int count() {
        return (int) mean.size(0);
    }

    /** The kept latent dimensions d. */
    public int dimensions() {
        return (int) mean.size(1);
    }

    public INDArray mean() {
        return mean;
    }

    public INDArray logvar() {
        return logvar;
    }

    /** The means with the labels: what validation and test digits are classified by. */
    public DataSet means() {
        return new DataSet(mean, labels);
    }

    /** The rows {@code from .. to-1}. */
    public M1Codes range(int from, int to) {
        org.nd4j.linalg.indexing.INDArrayIndex rows = org.nd4j.linalg.indexing.NDArrayIndex.interval(from, to);
        org.nd4j.linalg.indexing.INDArrayIndex all = org.nd4j.linalg.indexing.NDArrayIndex.all();
        return new M1Codes(mean.get(rows, all).dup(), logvar.get(rows, all).dup(),
                labels == null ? null : labels.get(rows, all).dup());
    }

    /** A draw {@code mean + exp(logvar/2) eps} of the given rows, {@code eps ~ N(0, I)} from {@code rng}. */
    public INDArray sample(int[] rows, Random rng) {
        INDArray m = gather(mean, rows);
        INDArray sd = Transforms.exp(gather(logvar, rows).muli(0.5), false);
        return Nd4j.randn(m.shape(), rng).castTo(m.dataType()).muli(sd).addi(m);
    }

    /**
     * {@code a.getRows(rows)} as one copy through Java arrays: ND4J's {@code getRows} copies row by row, which took
     * 8% of an M1+M2 epoch for its 50,000-row draws.
     */
    static INDArray gather(INDArray a, int[] rows) {
        if (a.rank() != 2 || a.ordering() != 'c' || a.isView()
                || (a.dataType() != DataType.FLOAT && a.dataType() != DataType.DOUBLE)) {
            return a.getRows(rows);
        }
        int cols = (int) a.size(1);
        long n = a.size(0);
        boolean single = a.dataType() == DataType.FLOAT;
        Object src = single ? a.data().asFloat() : a.data().asDouble();
        Object out = single ? new float[rows.length * cols] : new double[rows.length * cols];
        for (int i = 0; i < rows.length; i++) {
            if (rows[i] < 0 || rows[i] >= n) {
                throw new IllegalArgumentException("row " + rows[i] + " is outside 0.." + (n - 1));
            }
            System.arraycopy(src, rows[i] * cols, out, i * cols, cols);
        }
        long[] shape = {rows.length, cols};
        return single ? Nd4j.create((float[]) out, shape, 'c') : Nd4j.create((double[]) out, shape, 'c');
    }

    /**
     * One epoch of fresh draws: the digits in an order shuffled by {@code seed}, {@code batch} per step, each a new
     * draw of {@code q(z1|x)} (noise from {@code seed} too: the same seed gives the same batches).
     */
    public DataSetIterator epoch(int batch, long seed) {
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be at least 1, got " + batch);
        }
        int n = count();
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        java.util.Random shuffle = new java.util.Random(seed);
        for (int i = n - 1; i > 0; i--) {
            int r = shuffle.nextInt(i + 1);
            int t = order[i];
            order[i] = order[r];
            order[r] = t;
        }
        Random rng = Nd4j.getRandomFactory().getNewRandomInstance(seed ^ 0x2545F4914F6CDD1DL);
        return new ViewIterator(new DataSet(sample(order, rng), labels == null ? null : gather(labels, order)), batch);
    }
}
