package org.unsupervisedzoo.zoo.som;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Metrics and views of a trained map, computed from its prototypes {@code W [units, D]} (in double precision, in
 * chunks, so whole datasets fit). Definitions (MiniSom's):
 * <ul>
 *   <li><b>best-matching unit</b> {@code c(x) = argmin_j d(x, w_j)} with the map's {@link SomDistance} (ties go to
 *       the lower index, as numpy's argmin); the second BMU is the runner-up.</li>
 *   <li><b>quantization error</b> {@code QE = (1/n) sum_i |x_i - w_c(x_i)|}, the mean Euclidean distance to the BMU
 *       (Euclidean for either distance, as MiniSom's {@code quantization_error}).</li>
 *   <li><b>topographic error</b> {@code TE = (1/n) #{i : c(x_i), c2(x_i) not grid neighbours}} (MiniSom's
 *       {@code topographic_error}; neighbours per {@link SomGrid#adjacent}: the 8 surrounding cells on a
 *       rectangular grid, the 6 adjacent hexagons on a hexagonal one).</li>
 *   <li><b>U-matrix</b> (MiniSom's {@code distance_map(scaling='mean')} before its division by the maximum): per
 *       unit, the mean Euclidean distance between its prototype and its grid neighbours' prototypes.</li>
 *   <li><b>hit map</b>: how many examples have each unit as BMU; <b>label map</b>: the majority label of each
 *       unit's examples (ties to the smaller label, -1 for a unit without hits).</li>
 *   <li><b>anomaly score</b> of an example: its distance to its BMU ({@code |x - w_c|}, or {@code 1 - cos}).</li>
 * </ul>
 */
public final class SomMaps {
    private static final int CHUNK = 1024;

    private final SomGrid grid;
    private final SomDistance distance;
    private final INDArray w;      // [U, D] double
    private final INDArray w2;     // [1, U] squared norms
    private final INDArray wUnit;  // [U, D] normalised (cosine)

    public SomMaps(SomGrid grid, SomDistance distance, INDArray prototypes) {
        if (grid == null || distance == null || prototypes == null) {
            throw new IllegalArgumentException("grid, distance and prototypes must not be null");
        }
        if (prototypes.rank() != 2 || prototypes.size(0) != grid.units()) {
            throw new IllegalArgumentException("prototypes must be [" + grid.units() + ", D] for a " + grid
                    + " map, got " + Arrays.toString(prototypes.shape()));
        }
        this.grid = grid;
        this.distance = distance;
        this.w = prototypes.castTo(DataType.DOUBLE).dup('c');
        this.w2 = w.mul(w).sum(1).reshape(1, grid.units());
        this.wUnit = w.divColumnVector(Transforms.sqrt(w2.reshape(grid.units(), 1), true).addi(1e-12));
    }

    public SomGrid grid() {
        return grid;
    }

    public int inputSize() {
        return (int) w.size(1);
    }

    /** Fails with a message naming both widths unless {@code x} is {@code [n, inputSize]}. */
    static void checkInput(INDArray x, long inputSize) {
        if (x == null) {
            throw new IllegalArgumentException("input must not be null");
        }
        if (x.rank() != 2 || x.size(1) != inputSize) {
            throw new IllegalArgumentException("input has " + (x.rank() == 2 ? x.size(1) + " features"
                    : "shape " + Arrays.toString(x.shape())) + ", the map expects [n, " + inputSize + "]");
        }
    }

    /** BMU, second BMU, distance to the BMU and Euclidean distance to the BMU, per example. */
    public static final class Matches {
        public final int[] bmu;
        public final int[] second;
        public final double[] distance;
        public final double[] euclidean;

        Matches(int n) {
            bmu = new int[n];
            second = new int[n];
            distance = new double[n];
            euclidean = new double[n];
        }
    }

    /** The best and second-best matching units of every row of {@code x}. */
    public Matches match(INDArray x) {
        checkInput(x, w.size(1));
        int n = (int) x.size(0);
        int units = grid.units();
        Matches m = new Matches(n);
        for (int from = 0; from < n; from += CHUNK) {
            int to = Math.min(n, from + CHUNK);
            INDArray xc = x.get(NDArrayIndex.interval(from, to), NDArrayIndex.all()).castTo(DataType.DOUBLE);
            INDArray x2 = xc.mul(xc).sum(1).reshape(to - from, 1);
            INDArray dot = xc.mmul(w.transpose());                                  // [b, U]
            INDArray sq = dot.mul(-2).addiColumnVector(x2).addiRowVector(w2);       // |x - w|^2
            INDArray d = distance == SomDistance.COSINE
                    ? xc.divColumnVector(Transforms.sqrt(x2, true).addi(1e-12)).mmul(wUnit.transpose()).rsubi(1)
                    : sq;                                                            // ranking values
            double[] dv = d.dup('c').data().asDouble();
            double[] sv = sq.dup('c').data().asDouble();
            for (int i = 0; i < to - from; i++) {
                int best = -1;
                int next = -1;
                for (int j = 0; j < units; j++) {
                    double v = dv[i * units + j];
                    if (best < 0 || v < dv[i * units + best]) {
                        next = best;
                        best = j;
                    } else if (next < 0 || v < dv[i * units + next]) {
                        next = j;
                    }
                }
                m.bmu[from + i] = best;
                m.second[from + i] = next;
                double euclid = Math.sqrt(Math.max(0, sv[i * units + best]));
                m.euclidean[from + i] = euclid;
                m.distance[from + i] = distance == SomDistance.COSINE ? dv[i * units + best] : euclid;
            }
        }
        return m;
    }

    /** The best-matching unit of each example. */
    public int[] bmus(INDArray x) {
        return match(x).bmu;
    }

    /** Mean Euclidean distance of the examples to their BMU. */
    public double quantizationError(INDArray x) {
        return Arrays.stream(match(x).euclidean).average().orElse(Double.NaN);
    }

    /** Share of examples whose BMU and second BMU are not grid neighbours. */
    public double topographicError(INDArray x) {
        Matches m = match(x);
        return topographicError(m);
    }

    double topographicError(Matches m) {
        int bad = 0;
        for (int i = 0; i < m.bmu.length; i++) {
            if (!grid.adjacent(m.bmu[i], m.second[i])) {
                bad++;
            }
        }
        return m.bmu.length == 0 ? Double.NaN : bad / (double) m.bmu.length;
    }

    /** Both errors from one pass: {@code [QE, TE]}. */
    public double[] errors(INDArray x) {
        Matches m = match(x);
        return new double[] {Arrays.stream(m.euclidean).average().orElse(Double.NaN), topographicError(m)};
    }

    /** Per example: distance to its BMU (Euclidean, or {@code 1 - cos} for COSINE); larger is more unusual. */
    public double[] anomalyScores(INDArray x) {
        return match(x).distance;
    }

    /** The U-matrix, {@code [rows][cols]}. */
    public double[][] uMatrix() {
        double[][] u = new double[grid.rows()][grid.cols()];
        for (int j = 0; j < grid.units(); j++) {
            int[] nb = grid.neighbours(j);
            double sum = 0;
            for (int k : nb) {
                sum += w.getRow(j).distance2(w.getRow(k));
            }
            u[grid.row(j)][grid.col(j)] = nb.length == 0 ? 0 : sum / nb.length;
        }
        return u;
    }

    /** BMU counts, {@code [rows][cols]}. */
    public int[][] hitMap(INDArray x) {
        int[][] hits = new int[grid.rows()][grid.cols()];
        for (int c : bmus(x)) {
            hits[grid.row(c)][grid.col(c)]++;
        }
        return hits;
    }

    /** Majority label per unit (index {@code r * cols + c}), -1 where no example hits. */
    public int[] labelMap(INDArray x, int[] labels) {
        if (labels == null || labels.length != x.size(0)) {
            throw new IllegalArgumentException("labels must hold one label per example (" + x.size(0) + "), got "
                    + (labels == null ? "null" : labels.length));
        }
        int classes = Arrays.stream(labels).max().orElse(-1) + 1;
        if (Arrays.stream(labels).anyMatch(l -> l < 0)) {
            throw new IllegalArgumentException("labels must be >= 0, got " + Arrays.stream(labels).min().getAsInt());
        }
        int[][] votes = new int[grid.units()][Math.max(classes, 1)];
        int[] b = bmus(x);
        for (int i = 0; i < b.length; i++) {
            votes[b[i]][labels[i]]++;
        }
        int[] map = new int[grid.units()];
        for (int j = 0; j < grid.units(); j++) {
            int best = -1;
            for (int c = 0; c < classes; c++) {
                if (votes[j][c] > 0 && (best < 0 || votes[j][c] > votes[j][best])) {
                    best = c;
                }
            }
            map[j] = best;
        }
        return map;
    }

    /** A classifier labelling each unit by majority vote of {@code x}'s labels (see {@link SomClassifier}). */
    public SomClassifier classifier(INDArray x, int[] labels) {
        return new SomClassifier(this, labelMap(x, labels));
    }
}
