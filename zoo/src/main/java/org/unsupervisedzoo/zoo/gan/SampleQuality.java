package org.unsupervisedzoo.zoo.gan;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.unsupervisedzoo.zoo.core.Checks;
import org.unsupervisedzoo.zoo.classifier.LeNet;

/**
 * Sample-quality measures of generated digits, judged by a trained MNIST classifier ({@link LeNet}):
 * <ul>
 *   <li><b>Inception Score</b> (Salimans et al. 2016) with the classifier in place of Inception:
 *       {@code IS = exp(E_x KL(p(y|x) || p(y)))}, {@code p(y)} the mean of {@code p(y|x)} over the samples; computed
 *       on {@code splits} equal parts and reported as mean and standard deviation over them. It lies in
 *       {@code [1, numClasses]}: high when each sample is confidently one class and the classes are balanced.</li>
 *   <li><b>Frechet distance</b> (Heusel et al. 2017) between Gaussians fitted to the classifier's
 *       {@value LeNet#FEATURES} activations of two sets:
 *       {@code ||mu1 - mu2||^2 + tr(C1 + C2 - 2 (C1^1/2 C2 C1^1/2)^1/2)}. Matrix square roots come from a Jacobi
 *       eigen-decomposition of symmetric matrices (negative eigenvalues from round-off clipped to 0), so the
 *       product stays symmetric.</li>
 *   <li><b>Mode coverage</b>: the share of samples the classifier assigns to each class (argmax), and the classes
 *       whose share falls below a threshold, flagged as collapsed.</li>
 * </ul>
 * Pixels in [0, 1], images {@code [n, 784]} or {@code [n, 1, 28, 28]}.
 */
public final class SampleQuality {
    /** Images classified at once. */
    public static final int CHUNK = 500;

    private SampleQuality() {
    }

    /** The classifier's class probabilities {@code [n, classes]} and features {@code [n, f]}, in DOUBLE. */
    public static final class Judged {
        public final INDArray probabilities;
        public final INDArray features;

        Judged(INDArray probabilities, INDArray features) {
            this.probabilities = probabilities;
            this.features = features;
        }
    }

    /** Runs {@code classifier} (a {@link LeNet} graph) over {@code images} in chunks. */
    public static Judged judge(ComputationGraph classifier, INDArray images) {
        long n = images.size(0);
        INDArray x = images.reshape(n, 1, 28, 28).castTo(classifier.params().dataType());
        List<INDArray> probs = new ArrayList<>();
        List<INDArray> feats = new ArrayList<>();
        for (long i = 0; i < n; i += CHUNK) {
            INDArray part = x.get(NDArrayIndex.interval(i, Math.min(n, i + CHUNK)), NDArrayIndex.all(),
                    NDArrayIndex.all(), NDArrayIndex.all());
            Map<String, INDArray> acts = classifier.feedForward(new INDArray[] {part}, false, false);
            probs.add(acts.get(LeNet.CLASSES).castTo(DataType.DOUBLE));
            feats.add(acts.get(LeNet.FEATURES).castTo(DataType.DOUBLE));
        }
        return new Judged(org.nd4j.linalg.factory.Nd4j.vstack(probs.toArray(new INDArray[0])),
                org.nd4j.linalg.factory.Nd4j.vstack(feats.toArray(new INDArray[0])));
    }

    /** Share of correctly classified images. */
    public static double accuracy(INDArray probabilities, int[] labels) {
        int[] pred = probabilities.argMax(1).toIntVector();
        int right = 0;
        for (int i = 0; i < labels.length; i++) {
            right += pred[i] == labels[i] ? 1 : 0;
        }
        return right / (double) labels.length;
    }

    // ---------------------------------------------------------------------------------------- Inception Score

    /**
     * {@code [mean, std]} of the Inception Score over {@code splits} equal contiguous parts of {@code probabilities}.
     * The rows must be in random order: samples grouped by class (e.g. a conditional generator's, class by class)
     * give splits of few classes each and a score near 1; interleave them first.
     */
    public static double[] inceptionScore(INDArray probabilities, int splits) {
        double[][] p = probabilities.castTo(DataType.DOUBLE).toDoubleMatrix();
        Checks.positive("splits", splits);
        if (splits > p.length) {
            throw new IllegalArgumentException("splits (" + splits + ") must not exceed the samples (" + p.length + ")");
        }
        double[] scores = new double[splits];
        for (int s = 0; s < splits; s++) {
            int from = (int) ((long) s * p.length / splits);
            int to = (int) ((long) (s + 1) * p.length / splits);
            scores[s] = inceptionScore(p, from, to);
        }
        double mean = 0;
        for (double v : scores) {
            mean += v / splits;
        }
        double var = 0;
        for (double v : scores) {
            var += (v - mean) * (v - mean) / splits;
        }
        return new double[] {mean, Math.sqrt(var)};
    }

    private static double inceptionScore(double[][] p, int from, int to) {
        int k = p[from].length;
        double[] marginal = new double[k];
        for (int i = from; i < to; i++) {
            for (int c = 0; c < k; c++) {
                marginal[c] += p[i][c] / (to - from);
            }
        }
        double kl = 0;
        for (int i = from; i < to; i++) {
            for (int c = 0; c < k; c++) {
                if (p[i][c] > 0) {
                    kl += p[i][c] * (Math.log(p[i][c]) - Math.log(marginal[c]));
                }
            }
        }
        return Math.exp(kl / (to - from));
    }

    // ---------------------------------------------------------------------------------------- Frechet distance

    /** A Gaussian fitted to rows of features: mean and (n-1)-normalized covariance. */
    public static final class Gaussian {
        public final double[] mean;
        public final double[][] covariance;

        public Gaussian(double[] mean, double[][] covariance) {
            this.mean = mean;
            this.covariance = covariance;
        }

        public static Gaussian fit(INDArray features) {
            double[][] x = features.castTo(DataType.DOUBLE).toDoubleMatrix();
            int n = x.length;
            if (n < 2) {
                throw new IllegalArgumentException("fitting a Gaussian needs at least 2 rows, got " + n);
            }
            int d = x[0].length;
            double[] mu = new double[d];
            for (double[] r : x) {
                for (int j = 0; j < d; j++) {
                    mu[j] += r[j] / n;
                }
            }
            double[][] c = new double[d][d];
            for (double[] r : x) {
                for (int i = 0; i < d; i++) {
                    double a = r[i] - mu[i];
                    if (a == 0) {
                        continue;
                    }
                    for (int j = i; j < d; j++) {
                        c[i][j] += a * (r[j] - mu[j]);
                    }
                }
            }
            for (int i = 0; i < d; i++) {
                for (int j = i; j < d; j++) {
                    c[i][j] /= n - 1;
                    c[j][i] = c[i][j];
                }
            }
            return new Gaussian(mu, c);
        }
    }

    /** Frechet distance between the Gaussians fitted to two feature sets. */
    public static double frechetDistance(INDArray features1, INDArray features2) {
        return frechetDistance(Gaussian.fit(features1), Gaussian.fit(features2));
    }

    /** {@code ||mu1 - mu2||^2 + tr(C1) + tr(C2) - 2 tr((C1^1/2 C2 C1^1/2)^1/2)}. */
    public static double frechetDistance(Gaussian a, Gaussian b) {
        int d = a.mean.length;
        if (b.mean.length != d) {
            throw new IllegalArgumentException("the Gaussians have different dimensions: " + d + " and "
                    + b.mean.length);
        }
        double meanTerm = 0;
        double traces = 0;
        for (int i = 0; i < d; i++) {
            meanTerm += (a.mean[i] - b.mean[i]) * (a.mean[i] - b.mean[i]);
            traces += a.covariance[i][i] + b.covariance[i][i];
        }
        double[][] s = sqrtPsd(a.covariance);
        double[][] m = multiply(multiply(s, b.covariance), s);
        symmetrize(m);
        double[] eig = symmetricEigen(m, null);
        double traceSqrt = 0;
        for (double e : eig) {
            traceSqrt += Math.sqrt(Math.max(0, e));
        }
        return Math.max(0, meanTerm + traces - 2 * traceSqrt);
    }

    /** Square root of a symmetric positive semi-definite matrix ({@code V diag(sqrt(max(l, 0))) V^T}). */
    public static double[][] sqrtPsd(double[][] a) {
        int d = a.length;
        double[][] v = new double[d][d];
        double[] l = symmetricEigen(a, v);
        double[][] r = new double[d][d];
        for (int k = 0; k < d; k++) {
            double s = Math.sqrt(Math.max(0, l[k]));
            if (s == 0) {
                continue;
            }
            for (int i = 0; i < d; i++) {
                double vik = v[i][k] * s;
                for (int j = 0; j < d; j++) {
                    r[i][j] += vik * v[j][k];
                }
            }
        }
        symmetrize(r);
        return r;
    }

    /**
     * Eigenvalues of the symmetric matrix {@code a} by cyclic Jacobi rotations; the eigenvectors go into the columns
     * of {@code vectors} when it is not null. {@code a} is not modified.
     */
    public static double[] symmetricEigen(double[][] a, double[][] vectors) {
        int n = a.length;
        double[][] m = new double[n][];
        for (int i = 0; i < n; i++) {
            m[i] = a[i].clone();
        }
        if (vectors != null) {
            for (int i = 0; i < n; i++) {
                java.util.Arrays.fill(vectors[i], 0);
                vectors[i][i] = 1;
            }
        }
        for (int sweep = 0; sweep < 100; sweep++) {
            double off = 0;
            double total = 0;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    total += m[i][j] * m[i][j];
                    if (i != j) {
                        off += m[i][j] * m[i][j];
                    }
                }
            }
            if (off <= 1e-30 * Math.max(total, 1e-300)) {
                break;
            }
            for (int p = 0; p < n - 1; p++) {
                for (int q = p + 1; q < n; q++) {
                    double apq = m[p][q];
                    if (Math.abs(apq) < 1e-300) {
                        continue;
                    }
                    double theta = (m[q][q] - m[p][p]) / (2 * apq);
                    double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
                    if (theta == 0) {
                        t = 1;
                    }
                    double c = 1 / Math.sqrt(t * t + 1);
                    double s = t * c;
                    for (int k = 0; k < n; k++) {
                        double mkp = m[k][p];
                        double mkq = m[k][q];
                        m[k][p] = c * mkp - s * mkq;
                        m[k][q] = s * mkp + c * mkq;
                    }
                    for (int k = 0; k < n; k++) {
                        double mpk = m[p][k];
                        double mqk = m[q][k];
                        m[p][k] = c * mpk - s * mqk;
                        m[q][k] = s * mpk + c * mqk;
                    }
                    if (vectors != null) {
                        for (int k = 0; k < n; k++) {
                            double vkp = vectors[k][p];
                            double vkq = vectors[k][q];
                            vectors[k][p] = c * vkp - s * vkq;
                            vectors[k][q] = s * vkp + c * vkq;
                        }
                    }
                }
            }
        }
        double[] l = new double[n];
        for (int i = 0; i < n; i++) {
            l[i] = m[i][i];
        }
        return l;
    }

    private static double[][] multiply(double[][] a, double[][] b) {
        int n = a.length;
        int k = b.length;
        int m = b[0].length;
        double[][] r = new double[n][m];
        for (int i = 0; i < n; i++) {
            for (int t = 0; t < k; t++) {
                double ait = a[i][t];
                if (ait == 0) {
                    continue;
                }
                for (int j = 0; j < m; j++) {
                    r[i][j] += ait * b[t][j];
                }
            }
        }
        return r;
    }

    private static void symmetrize(double[][] m) {
        for (int i = 0; i < m.length; i++) {
            for (int j = i + 1; j < m.length; j++) {
                double v = (m[i][j] + m[j][i]) / 2;
                m[i][j] = v;
                m[j][i] = v;
            }
        }
    }

    // ---------------------------------------------------------------------------------------- mode coverage

    /** Share of samples per class (argmax of the classifier) and the classes below the threshold. */
    public static final class ModeCoverage {
        public final double[] shares;
        public final double threshold;
        public final List<Integer> collapsed;

        ModeCoverage(double[] shares, double threshold) {
            this.shares = shares;
            this.threshold = threshold;
            List<Integer> low = new ArrayList<>();
            for (int c = 0; c < shares.length; c++) {
                if (shares[c] < threshold) {
                    low.add(c);
                }
            }
            this.collapsed = Collections.unmodifiableList(low);
        }

        /** True when some class's share is below the threshold. */
        public boolean modeCollapse() {
            return !collapsed.isEmpty();
        }

        public double minShare() {
            double m = Double.MAX_VALUE;
            for (double s : shares) {
                m = Math.min(m, s);
            }
            return m;
        }

        /** Classes with at least one sample. */
        public int classesCovered() {
            int n = 0;
            for (double s : shares) {
                n += s > 0 ? 1 : 0;
            }
            return n;
        }
    }

    /** Default collapse threshold as a fraction of the uniform share {@code 1/numClasses}: half of it. */
    public static final double DEFAULT_THRESHOLD_FRACTION = 0.5;

    /** Mode coverage with the default threshold, half the uniform share (0.05 for 10 classes). */
    public static ModeCoverage modeCoverage(INDArray probabilities) {
        return modeCoverage(probabilities, DEFAULT_THRESHOLD_FRACTION / probabilities.size(1));
    }

    /** Mode coverage: a class whose share of samples is below {@code threshold} is flagged as collapsed. */
    public static ModeCoverage modeCoverage(INDArray probabilities, double threshold) {
        Checks.inRange("threshold", threshold, 0, 1);
        int k = (int) probabilities.size(1);
        int[] pred = probabilities.argMax(1).toIntVector();
        double[] shares = new double[k];
        for (int p : pred) {
            shares[p] += 1.0 / pred.length;
        }
        return new ModeCoverage(shares, threshold);
    }
}
