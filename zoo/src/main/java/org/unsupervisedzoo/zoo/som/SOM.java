package org.unsupervisedzoo.zoo.som;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.eigen.Eigen;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Sgd;
import org.unsupervisedzoo.zoo.core.Checks;
import org.unsupervisedzoo.zoo.core.ZooBuilder;
import org.unsupervisedzoo.zoo.core.ZooModelFactory;

/**
 * Self-organizing map (Kohonen map): {@code rows x cols} units on a rectangular or hexagonal lattice, each with a
 * prototype {@code w_j} in input space, trained so that prototypes of neighbouring units are close: a
 * topology-preserving quantization of the data.
 *
 * <p><b>Objective.</b> Per minibatch {@code X = {x_b}}, with best-matching unit {@code c_b = argmin_j d(x_b, w_j)}
 * held fixed, minimise the neighbourhood-weighted quantization loss
 * <pre>
 *   L = (1/B) sum_b sum_j h(c_b, j; sigma_t) e(x_b, w_j) / 2,    e = |x - w|^2  (cosine: |x/|x| - w/|w||^2)
 * </pre>
 * by plain SGD with learning rate {@code lr_t}. Its step is the batch-online Kohonen rule
 * {@code w_j += lr_t / B * sum_b h(c_b, j) (x_b - w_j)} (exactly the classic online rule for {@code B = 1}).
 * {@code lr_t} and {@code sigma_t} follow {@link Decay} schedules over the graph's iteration count {@code t}: the
 * learning rate through the {@code Sgd} updater's schedule, the radius through the {@value #SIGMA} input, fed per
 * minibatch by {@link #iterator} at the same count. The layer is {@link SomLayer}.
 *
 * <p><b>Graph</b> (vertex names are the constants):
 * <pre>
 *   input       [B, inputSize]
 *   sigma       [B, 1]                    the radius sigma_t, per example (the same for a whole minibatch)
 *   som-input   merge(input, sigma)       [B, inputSize + 1]
 *   som         SomLayer                  output [B, units]: e(x_b, w_j); parameter som_W [units, inputSize]
 * </pre>
 *
 * <p><b>Defaults and tuning.</b> {@code rows = cols = 10, inputSize = 784, RECTANGULAR, GAUSSIAN, EUCLIDEAN,
 * RANDOM init; learningRate 0.5 -> finalLearningRate 0.01 and sigma 5 -> finalSigma 0.5, both EXPONENTIAL over
 * decayIterations = 10000}. Set {@code decayIterations} to the planned number of minibatches (epochs x batches per
 * epoch). Start {@code sigma} at about half the map's larger side so the map unfolds; end it below 1 so units
 * specialise. PCA initialisation converges in fewer epochs than RANDOM. Small batches (16-64) behave like the
 * online SOM; larger ones average more updates per step. {@code updater(...)} replaces the scheduled Sgd.
 *
 * <p><b>Views and metrics</b>: {@link SomMaps} (quantization and topographic error, U-matrix, hit map, label map,
 * anomaly score) and {@link SomClassifier}.
 *
 * <p><b>References.</b> T. Kohonen, "Self-organized formation of topologically correct feature maps", Biological
 * Cybernetics 43, 1982; T. Kohonen, "Self-Organizing Maps", Springer, 3rd ed. 2001; G. Vettigli, MiniSom
 * (github.com/JustGlowing/minisom), whose neighbourhood, decay, initialisation and error definitions are followed.
 */
public final class SOM implements ZooModelFactory {
    public static final String INPUT = "input";
    public static final String SIGMA = "sigma";
    public static final String SOM_INPUT = "som-input";
    /** The SOM layer; its parameter is {@code som_W}. */
    public static final String SOM = "som";

    private final Builder b;

    private SOM(Builder b) {
        this.b = b.copy();
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return "self-organizing-map";
    }

    @Override
    public long[] inputShape() {
        return new long[] {b.inputSize};
    }

    /** The data, and the neighbourhood radius {@code sigma} as a column {@code [1]}. */
    @Override
    public java.util.List<org.unsupervisedzoo.zoo.core.GraphIO> inputs() {
        return java.util.List.of(org.unsupervisedzoo.zoo.core.GraphIO.data(INPUT, inputShape()),
                new org.unsupervisedzoo.zoo.core.GraphIO(SIGMA, new long[] {1},
                        "the radius sigma_t of the schedule, the same in every row (SomIterator feeds it)",
                        "any positive value (the best-matching unit does not depend on it)"));
    }

    @Override
    public String[] describeOutput(String name, boolean penaltyHead) {
        return new String[] {"null (no labels)", "the distance of each example to each unit, [rows * cols]"};
    }

    public SomGrid grid() {
        return new SomGrid(b.rows, b.cols, b.topology);
    }

    public int inputSize() {
        return b.inputSize;
    }

    public Neighborhood neighborhood() {
        return b.neighborhood;
    }

    public SomDistance distance() {
        return b.distance;
    }

    public Initialization initialization() {
        return b.initialization;
    }

    public DataType dataType() {
        return b.getDataType();
    }

    /** The learning-rate schedule (used by the default Sgd updater). */
    public Decay learningRateSchedule() {
        return new Decay(b.learningRateDecay, b.learningRate, b.finalLearningRate, b.decayIterations);
    }

    /** The radius schedule (fed by {@link #iterator}). */
    public Decay sigmaSchedule() {
        return new Decay(b.sigmaDecay, b.sigma, b.finalSigma, b.decayIterations);
    }

    @Override
    public ComputationGraphConfiguration conf() {
        IUpdater updater = b.effectiveUpdater(learningRateSchedule());
        return b.netBuilder().updater(updater).graphBuilder()
                .addInputs(INPUT, SIGMA)
                .setInputTypes(InputType.feedForward(b.inputSize), InputType.feedForward(1))
                // [B, D] and [B, 1] -> [B, D + 1]
                .addVertex(SOM_INPUT, new MergeVertex(), INPUT, SIGMA)
                // -> [B, units], score sum_b sum_j h e / 2
                .addLayer(SOM, new SomLayer(b.rows, b.cols, b.inputSize, b.topology, b.neighborhood, b.distance),
                        SOM_INPUT)
                .setOutputs(SOM)
                .build();
    }

    /** The prototypes of a graph built from this factory, {@code [units, inputSize]} (the live parameter view). */
    public INDArray prototypes(ComputationGraph graph) {
        INDArray w = graph.getParam(SOM + "_" + SomLayer.WEIGHT_KEY);
        if (w == null) {
            throw new IllegalArgumentException("graph has no parameter " + SOM + "_" + SomLayer.WEIGHT_KEY
                    + ": not a SOM graph");
        }
        return w;
    }

    /** The metrics and views of the graph's current prototypes. */
    public SomMaps maps(ComputationGraph graph) {
        return new SomMaps(grid(), b.distance, prototypes(graph).dup());
    }

    /**
     * The training iterator: features {@code [x, sigma_t column]}, labels {@code [null]}, with {@code t} the
     * graph's iteration count when the batch is taken.
     */
    public SomIterator iterator(DataSetIterator data, ComputationGraph graph) {
        return new SomIterator(data, this, graph);
    }

    /** A fixed radius column for inference ({@code output()} does not depend on it). */
    public INDArray sigmaColumn(long batch, double sigma) {
        return Nd4j.valueArrayOf(new long[] {batch, 1}, sigma, b.getDataType());
    }

    /** The dissimilarities {@code e [B, units]} the layer computes (inference). */
    public INDArray dissimilarities(ComputationGraph graph, INDArray x) {
        checkInput(x);
        return graph.output(false, x.castTo(b.getDataType()), sigmaColumn(x.size(0), 1.0))[0];
    }

    /** Fails with a clear message unless {@code x} is {@code [n, inputSize]} (MiniSom's input-length check). */
    public void checkInput(INDArray x) {
        SomMaps.checkInput(x, b.inputSize);
    }

    /**
     * Applies the configured {@link Initialization} to a fresh graph from {@code data} ({@code [n, inputSize]}):
     * SAMPLE copies distinct random rows (with repeats only when n &lt; units), PCA spans the first two principal
     * components, RANDOM keeps what {@code init()} drew.
     */
    public void initialize(ComputationGraph graph, INDArray data, long seed) {
        checkInput(data);
        INDArray w = prototypes(graph);
        int units = grid().units();
        switch (b.initialization) {
            case RANDOM:
                return;
            case SAMPLE: {
                java.util.Random rng = new java.util.Random(seed);
                int n = (int) data.size(0);
                int[] order = new int[n];
                for (int i = 0; i < n; i++) {
                    order[i] = i;
                }
                for (int i = n - 1; i > 0; i--) {
                    int k = rng.nextInt(i + 1);
                    int t = order[i];
                    order[i] = order[k];
                    order[k] = t;
                }
                for (int j = 0; j < units; j++) {
                    w.putRow(j, data.getRow(order[j % n]).castTo(w.dataType()));
                }
                return;
            }
            case PCA:
                w.assign(pcaPrototypes(data, grid()).castTo(w.dataType()));
                return;
            default:
                throw new IllegalStateException(String.valueOf(b.initialization));
        }
    }

    /**
     * The PCA lattice: {@code w_(r,c) = mean + a_c sqrt(l1) v1 + b_r sqrt(l2) v2}, {@code a_c, b_r} evenly spaced
     * in [-1, 1] over the columns and rows (0 for a single column or row), {@code l, v} the two largest
     * eigenvalues and eigenvectors of the data covariance.
     */
    static INDArray pcaPrototypes(INDArray data, SomGrid grid) {
        if (data.size(1) < 2 || data.size(0) < 2) {
            throw new IllegalArgumentException("PCA initialisation needs at least 2 examples of at least 2 values,"
                    + " got " + java.util.Arrays.toString(data.shape()));
        }
        INDArray x = data.castTo(DataType.DOUBLE).dup();
        INDArray mean = x.mean(0);
        x.subiRowVector(mean);
        int d = (int) x.size(1);
        INDArray cov = x.transpose().mmul(x).divi(x.size(0) - 1);
        double[] values = Eigen.symmetricGeneralizedEigenvalues(cov, true).toDoubleVector(); // cov <- eigenvectors
        Integer[] order = new Integer[d];
        for (int i = 0; i < d; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (p, q) -> Double.compare(values[q], values[p]));
        INDArray v1 = cov.getColumn(order[0]).reshape(1, d).mul(Math.sqrt(Math.max(0, values[order[0]])));
        INDArray v2 = cov.getColumn(order[1]).reshape(1, d).mul(Math.sqrt(Math.max(0, values[order[1]])));
        INDArray w = Nd4j.create(DataType.DOUBLE, grid.units(), d);
        for (int j = 0; j < grid.units(); j++) {
            double a = grid.cols() == 1 ? 0 : -1 + 2.0 * grid.col(j) / (grid.cols() - 1);
            double bb = grid.rows() == 1 ? 0 : -1 + 2.0 * grid.row(j) / (grid.rows() - 1);
            w.putRow(j, mean.reshape(1, d).add(v1.mul(a)).addi(v2.mul(bb)));
        }
        return w;
    }

    /** Hyper-parameters, each with its default, plus those of {@link ZooBuilder} (whose updater is unused unless set). */
    public static final class Builder extends ZooBuilder<Builder> {
        private int rows = 10;
        private int cols = 10;
        private int inputSize = 784;
        private Topology topology = Topology.RECTANGULAR;
        private Neighborhood neighborhood = Neighborhood.GAUSSIAN;
        private SomDistance distance = SomDistance.EUCLIDEAN;
        private Initialization initialization = Initialization.RANDOM;
        private double learningRate = 0.5;
        private double finalLearningRate = 0.01;
        private Decay.Type learningRateDecay = Decay.Type.EXPONENTIAL;
        private double sigma = 5.0;
        private double finalSigma = 0.5;
        private Decay.Type sigmaDecay = Decay.Type.EXPONENTIAL;
        private long decayIterations = 10_000;
        private boolean customUpdater = false;

        private Builder() {
        }

        /** Map height in units. Default 10. */
        public Builder rows(int rows) {
            this.rows = rows;
            return this;
        }

        /** Map width in units. Default 10. */
        public Builder cols(int cols) {
            this.cols = cols;
            return this;
        }

        /** Data width D. Default 784. */
        public Builder inputSize(int inputSize) {
            this.inputSize = inputSize;
            return this;
        }

        /** Lattice. Default RECTANGULAR. */
        public Builder topology(Topology topology) {
            this.topology = topology;
            return this;
        }

        /** Neighbourhood function. Default GAUSSIAN. */
        public Builder neighborhood(Neighborhood neighborhood) {
            this.neighborhood = neighborhood;
            return this;
        }

        /** Example-prototype distance. Default EUCLIDEAN. */
        public Builder distance(SomDistance distance) {
            this.distance = distance;
            return this;
        }

        /** Prototype start, applied by {@link SOM#initialize}. Default RANDOM. */
        public Builder initialization(Initialization initialization) {
            this.initialization = initialization;
            return this;
        }

        /** Learning rate at iteration 0. Default 0.5. */
        public Builder learningRate(double learningRate) {
            this.learningRate = learningRate;
            return this;
        }

        /** Learning rate reached at decayIterations (LINEAR, EXPONENTIAL). Default 0.01. */
        public Builder finalLearningRate(double finalLearningRate) {
            this.finalLearningRate = finalLearningRate;
            return this;
        }

        /** Learning-rate schedule. Default EXPONENTIAL. */
        public Builder learningRateDecay(Decay.Type learningRateDecay) {
            this.learningRateDecay = learningRateDecay;
            return this;
        }

        /** Neighbourhood radius at iteration 0, in grid units. Default 5. */
        public Builder sigma(double sigma) {
            this.sigma = sigma;
            return this;
        }

        /** Radius reached at decayIterations (LINEAR, EXPONENTIAL). Default 0.5. */
        public Builder finalSigma(double finalSigma) {
            this.finalSigma = finalSigma;
            return this;
        }

        /** Radius schedule. Default EXPONENTIAL. */
        public Builder sigmaDecay(Decay.Type sigmaDecay) {
            this.sigmaDecay = sigmaDecay;
            return this;
        }

        /** Iterations (minibatches) over which both schedules decay. Default 10000. */
        public Builder decayIterations(long decayIterations) {
            this.decayIterations = decayIterations;
            return this;
        }

        /** Replaces the scheduled plain Sgd (the Kohonen rule) by another optimiser. Default: Sgd(schedule). */
        @Override
        public Builder updater(IUpdater updater) {
            this.customUpdater = true;
            return super.updater(updater);
        }

        private IUpdater effectiveUpdater(Decay lr) {
            return customUpdater ? updater : new Sgd(lr);
        }

        public SOM build() {
            validateCommon();
            Checks.positive("rows", rows);
            Checks.positive("cols", cols);
            if ((long) rows * cols < 2) {
                throw new IllegalArgumentException("the map needs at least 2 units, got rows x cols = " + rows + "x"
                        + cols);
            }
            Checks.positive("inputSize", inputSize);
            Checks.notNull("topology", topology);
            Checks.notNull("neighborhood", neighborhood);
            Checks.notNull("distance", distance);
            Checks.notNull("initialization", initialization);
            Checks.notNull("learningRateDecay", learningRateDecay);
            Checks.notNull("sigmaDecay", sigmaDecay);
            Checks.positive("learningRate", learningRate);
            Checks.positive("finalLearningRate", finalLearningRate);
            Checks.positive("sigma", sigma);
            Checks.positive("finalSigma", finalSigma);
            if (decayIterations <= 0) {
                throw new IllegalArgumentException("decayIterations must be positive, got " + decayIterations);
            }
            return new SOM(this);
        }
    }
}
