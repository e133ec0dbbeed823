package org.unsupervisedzoo.zoo.som;

import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams;
import org.deeplearning4j.nn.conf.layers.samediff.SameDiffOutputLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.unsupervisedzoo.zoo.core.PenaltyLayerImpl;
import org.unsupervisedzoo.zoo.core.Runtimes;

/**
 * The self-organizing map as a label-free SameDiff output layer. Its one parameter is the prototype matrix
 * {@value #WEIGHT_KEY}, {@code W [units, inputSize]} (row {@code j = r * cols + c} is unit {@code (r, c)}).
 *
 * <p><b>Input</b> {@code [B, inputSize + 1]}: the examples {@code x} and, as last column, the neighbourhood radius
 * {@code sigma} for each example (the SOM factory merges its {@code input} and {@code sigma} graph inputs; the
 * radius reaches the layer at run time, so it can decay over training). <b>Output</b> ({@code output()}):
 * {@code e [B, units]}, the training dissimilarity of every example to every prototype: {@code |x - w_j|^2}
 * (EUCLIDEAN) or {@code |x/|x| - w_j/|w_j||^2 = 2 (1 - cos(x, w_j))} (COSINE).
 *
 * <p><b>Score</b> (summed over the batch; DL4J divides it and the gradients by {@code B}):
 * <pre>
 *   L = sum_b sum_j h(c_b, j; sigma_b) e_bj / 2,     c_b = argmin_j e_bj   (the best-matching unit, BMU)
 * </pre>
 * with {@code h} the {@link Neighborhood} of the squared grid distance between {@code c_b} and {@code j}. The BMU
 * is found by {@code argmin} and held fixed: no gradient flows through the choice, so for EUCLIDEAN
 * {@code dL/dw_j = -sum_b h_bj (x_b - w_j)}, and one plain SGD step with learning rate {@code lr} is
 * <pre>
 *   w_j += lr / B * sum_b h(c_b, j) (x_b - w_j)
 * </pre>
 * the classic Kohonen update (Kohonen 1982) for {@code B = 1}, and its mean over the batch at fixed prototypes
 * otherwise ("batch-online"). For COSINE the gradient also passes through the normalisation of {@code w_j}.
 *
 * <p>Parameters start uniform in [0, 1); see {@code som.Initialization} for data-driven starts.
 */
public class SomLayer extends SameDiffOutputLayer {
    /** The prototype parameter, {@code [units, inputSize]}. */
    public static final String WEIGHT_KEY = "W";
    /** Name of the dissimilarity variable {@code e}, the layer's activations. */
    private static final String DISSIMILARITY = "som-dissimilarity";
    private static final double NORM_EPS = 1e-12;

    private int rows;
    private int cols;
    private long inputSize;
    private Topology topology = Topology.RECTANGULAR;
    private Neighborhood neighborhood = Neighborhood.GAUSSIAN;
    private SomDistance distance = SomDistance.EUCLIDEAN;

    /** For JSON. */
    public SomLayer() {
    }

    public SomLayer(int rows, int cols, long inputSize, Topology topology, Neighborhood neighborhood,
                    SomDistance distance) {
        new SomGrid(rows, cols, topology); // validates rows, cols, topology
        if (inputSize <= 0) {
            throw new IllegalArgumentException("inputSize must be positive, got " + inputSize);
        }
        if (neighborhood == null) {
            throw new IllegalArgumentException("neighborhood must not be null");
        }
        if (distance == null) {
            throw new IllegalArgumentException("distance must not be null");
        }
        this.rows = rows;
        this.cols = cols;
        this.inputSize = inputSize;
        this.topology = topology;
        this.neighborhood = neighborhood;
        this.distance = distance;
    }

    public SomGrid grid() {
        return new SomGrid(rows, cols, topology);
    }

    public int units() {
        return rows * cols;
    }

    @Override
    public SDVariable defineLayer(SameDiff sd, SDVariable in, SDVariable labels, Map<String, SDVariable> params) {
        // the columns by products with constant selection matrices: a strided slice of a batch of one failed in
        // backprop (strided_slice_bp: "lengths of arrays are mismatched"), gathers along dimension 1 failed in
        // backprop too ("Length must be >= 1", "Variable name transposeConcat already exists")
        INDArray pickData = Nd4j.eye(inputSize + 1).castTo(in.dataType())
                .get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
                        org.nd4j.linalg.indexing.NDArrayIndex.interval(0, inputSize)).dup();
        INDArray pickSigma = Nd4j.zeros(in.dataType(), inputSize + 1, 1);
        pickSigma.putScalar(inputSize, 0, 1.0);
        SDVariable x = sd.mmul(in, sd.constant(pickData));                                     // [B, D]
        SDVariable sigma = sd.mmul(in, sd.constant(pickSigma));                                // [B, 1]
        SDVariable w = params.get(WEIGHT_KEY);                                                  // [U, D]
        SDVariable e;                                                                           // [B, U]
        if (distance == SomDistance.COSINE) {
            SDVariable xn = x.div(sd.math().sqrt(sd.math().square(x).sum(true, 1)).add(NORM_EPS));
            SDVariable wn = w.div(sd.math().sqrt(sd.math().square(w).sum(true, 1)).add(NORM_EPS));
            e = sd.mmul(xn, wn, false, true, false).mul(-2.0).add(2.0);
        } else {
            // |x|^2 + |w|^2 - 2 x.w
            SDVariable x2 = sd.math().square(x).sum(true, 1);                                   // [B, 1]
            SDVariable w2 = sd.math().square(w).sum(true, 1);                                   // [U, 1]
            e = sd.mmul(x, w, false, true, false).mul(-2.0).add(x2).add(sd.transpose(w2));
        }
        e = sd.identity(DISSIMILARITY, e);
        // best-matching unit, held fixed: argmin and gather have no gradient path to the choice
        SDVariable bmu = sd.argmin(e, 1);                                                      // [B]
        SDVariable grid2 = sd.constant(Nd4j.createFromArray(grid().distances2()).castTo(in.dataType()));
        SDVariable g2 = sd.gather(grid2, bmu, 0);                                               // [B, U]
        SDVariable s2 = sigma.mul(sigma);                                                       // [B, 1]
        SDVariable h;
        switch (neighborhood) {
            case GAUSSIAN:
                h = sd.math().exp(g2.div(s2.mul(-2.0)));
                break;
            case BUBBLE:
                h = sd.lte(g2, s2).castTo(in.dataType());
                break;
            case MEXICAN_HAT:
                h = g2.div(s2).rsub(1.0).mul(sd.math().exp(g2.div(s2.mul(-2.0))));
                break;
            default:
                throw new IllegalStateException(String.valueOf(neighborhood));
        }
        return h.mul(e).sum().mul(0.5);
    }

    @Override
    public boolean labelsRequired() {
        return false;
    }

    @Override
    public String activationsVertexName() {
        return DISSIMILARITY;
    }

    @Override
    public void defineParameters(SDLayerParams params) {
        params.addWeightParam(WEIGHT_KEY, units(), inputSize);
    }

    @Override
    public void initializeParameters(Map<String, INDArray> params) {
        INDArray w = params.get(WEIGHT_KEY);
        w.assign(Nd4j.rand(w.dataType(), w.shape()));
    }

    @Override
    public void setNIn(InputType inputType, boolean override) {
        long n = inputType.arrayElementsPerExample();
        if (n != inputSize + 1) {
            throw new IllegalArgumentException("the SOM layer takes inputSize + 1 = " + (inputSize + 1)
                    + " values per example (the data and the radius), got " + n);
        }
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        return InputType.feedForward(units());
    }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf,
            Collection<TrainingListener> trainingListeners, int layerIndex, INDArray layerParamsView,
            boolean initializeParams, DataType networkDataType) {
        // the label-free runtime of the penalty heads: backprop passes no labels placeholder
        return Runtimes.wire(new PenaltyLayerImpl(conf, networkDataType), this, conf, layerIndex, layerParamsView,
                initializeParams);
    }

    public int getRows() {
        return rows;
    }

    public void setRows(int rows) {
        this.rows = rows;
    }

    public int getCols() {
        return cols;
    }

    public void setCols(int cols) {
        this.cols = cols;
    }

    public long getInputSize() {
        return inputSize;
    }

    public void setInputSize(long inputSize) {
        this.inputSize = inputSize;
    }

    public Topology getTopology() {
        return topology;
    }

    public void setTopology(Topology topology) {
        this.topology = topology;
    }

    public Neighborhood getNeighborhood() {
        return neighborhood;
    }

    public void setNeighborhood(Neighborhood neighborhood) {
        this.neighborhood = neighborhood;
    }

    public SomDistance getDistance() {
        return distance;
    }

    public void setDistance(SomDistance distance) {
        this.distance = distance;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof SomLayer) || !super.equals(o)) {
            return false;
        }
        SomLayer s = (SomLayer) o;
        return rows == s.rows && cols == s.cols && inputSize == s.inputSize && topology == s.topology
                && neighborhood == s.neighborhood && distance == s.distance;
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), rows, cols, inputSize, topology, neighborhood, distance);
    }
}
