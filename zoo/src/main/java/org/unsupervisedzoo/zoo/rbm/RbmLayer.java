package org.unsupervisedzoo.zoo.rbm;

import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams;
import org.deeplearning4j.nn.conf.layers.samediff.SameDiffOutputLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.unsupervisedzoo.zoo.core.Checks;
import org.unsupervisedzoo.zoo.core.PenaltyLayer;
import org.unsupervisedzoo.zoo.core.PenaltyLayerImpl;

/**
 * The training rule of a restricted Boltzmann machine as a SameDiff output layer with the RBM's parameters
 * {@code W [nVisible, nHidden]}, visible bias {@code b [1, nVisible]} and hidden bias {@code c [1, nHidden]}.
 *
 * <p>Its input is {@code [v_data | v_model]}, {@code [batch, 2 * nVisible]}: a minibatch of data and as many
 * negative particles (the end of a Gibbs chain, drawn outside the graph by {@link RbmIterator}, so they carry no
 * gradient). Its score is the free-energy difference
 * <pre>
 *   L = mean_batch F(v_data) - mean_batch F(v_model)
 *   F(v) = -b.v - sum_j softplus(c_j + (v W)_j)            (Bernoulli visible units)
 *   F(v) = ||v - b||^2 / 2 - sum_j softplus(c_j + (v W)_j) (Gaussian, unit variance)
 * </pre>
 * whose gradient is minus the contrastive-divergence update:
 * {@code dL/dW = -(<v p(h|v)^T>_data - <v p(h|v)^T>_model)}, {@code dL/dc = -(<p(h|v)>_data - <p(h|v)>_model)},
 * {@code dL/db = -(<v>_data - <v>_model)} (Bernoulli). Plain SGD with learning rate {@code lr} on it is exactly
 * scikit-learn's BernoulliRBM update. The layer returns the batch sum, which DL4J divides by the batch size
 * (see {@link PenaltyLayer}). Labels are not used (pass {@code null}); its activations are its input unchanged.
 *
 * <p>The score and gradients run as plain ND4J ops ({@link RbmLayerImpl}); {@link #setSameDiffRuntime} runs this
 * SameDiff definition instead (the tested reference).
 *
 * <p>Weights start as {@code N(0, initStd^2)} (0.01 as scikit-learn and Hinton's practical guide), biases zero.
 */
public class RbmLayer extends SameDiffOutputLayer {
    public static final String WEIGHT_KEY = "W";
    public static final String VISIBLE_BIAS_KEY = "b";
    public static final String HIDDEN_BIAS_KEY = "c";
    /** Hidden inputs are clipped to this value inside softplus (exp(80) is finite in float). */
    static final double SOFTPLUS_CLIP = 80;

    private int nVisible;
    private int nHidden;
    private VisibleUnits visibleUnits = VisibleUnits.BERNOULLI;
    private double initStd = 0.01;
    private boolean sameDiffRuntime;

    /** For JSON. */
    public RbmLayer() {
    }

    public RbmLayer(int nVisible, int nHidden, VisibleUnits visibleUnits, double initStd) {
        setNVisible(nVisible);
        setNHidden(nHidden);
        setVisibleUnits(visibleUnits);
        setInitStd(initStd);
    }

    /** Free energy per example, {@code [n]}, in SameDiff (see the class comment). */
    SDVariable freeEnergy(SameDiff sd, SDVariable v, SDVariable w, SDVariable b, SDVariable c) {
        SDVariable x = v.mmul(w).add(c);
        // softplus(x) = log(1 + exp(x)); the clip keeps exp finite in float (x above 80 does not occur in practice)
        SDVariable hiddenTerm = sd.nn.softplus(sd.math().clipByValue(x, -Double.MAX_VALUE, SOFTPLUS_CLIP)).sum(1);
        if (visibleUnits == VisibleUnits.GAUSSIAN) {
            SDVariable d = v.sub(b);
            return d.mul(d).sum(1).mul(0.5).sub(hiddenTerm);
        }
        return sd.mmul(v, b, false, true, false).reshape(-1).add(hiddenTerm).neg();
    }

    @Override
    public SDVariable defineLayer(SameDiff sd, SDVariable input, SDVariable labels, Map<String, SDVariable> params) {
        SDVariable w = params.get(WEIGHT_KEY);
        SDVariable b = params.get(VISIBLE_BIAS_KEY);
        SDVariable c = params.get(HIDDEN_BIAS_KEY);
        // [batch, 2 nVisible] -> [2 batch, nVisible]: rows alternate v_data, v_model, so one pass computes both
        // free energies (SameDiff's cost here is per op, not per flop)
        SDVariable rows = input.reshape(-1, nVisible);
        SDVariable f = freeEnergy(sd, rows, w, b, c).reshape(-1, 2);
        // sum_batch F(v_data) - F(v_model); DL4J divides by the batch size
        SDVariable sign = sd.constant(Nd4j.create(input.dataType(), 2, 1).putScalar(0, 0, 1.0).putScalar(1, 0, -1.0));
        return f.mmul(sign).sum();
    }

    @Override
    public boolean labelsRequired() {
        return false;
    }

    @Override
    public String activationsVertexName() {
        return PenaltyLayer.INPUT_KEY;
    }

    @Override
    public void defineParameters(SDLayerParams params) {
        params.clear();
        params.addWeightParam(WEIGHT_KEY, nVisible, nHidden);
        params.addBiasParam(VISIBLE_BIAS_KEY, 1, nVisible);
        params.addBiasParam(HIDDEN_BIAS_KEY, 1, nHidden);
    }

    @Override
    public void initializeParameters(Map<String, INDArray> params) {
        INDArray w = params.get(WEIGHT_KEY);
        w.assign(Nd4j.randn(w.dataType(), w.shape()).muli(initStd));
        params.get(VISIBLE_BIAS_KEY).assign(0);
        params.get(HIDDEN_BIAS_KEY).assign(0);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        return inputType;
    }

    @Override
    public void setNIn(InputType inputType, boolean override) {
        // sizes are fixed by the constructor
    }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf,
            Collection<TrainingListener> trainingListeners, int layerIndex, INDArray layerParamsView,
            boolean initializeParams, DataType networkDataType) {
        // score and gradients in plain ND4J (RbmLayerImpl); the SameDiff definition above when sameDiffRuntime
        PenaltyLayerImpl ret = new RbmLayerImpl(conf, networkDataType);
        ret.setIndex(layerIndex);
        ret.setParamsViewArray(layerParamsView);
        ret.setParamTable(initializer().init(conf, layerParamsView, initializeParams));
        ret.setConf(conf);
        return ret;
    }

    public int getNVisible() {
        return nVisible;
    }

    public void setNVisible(int nVisible) {
        Checks.positive("nVisible", nVisible);
        this.nVisible = nVisible;
    }

    public int getNHidden() {
        return nHidden;
    }

    public void setNHidden(int nHidden) {
        Checks.positive("nHidden", nHidden);
        this.nHidden = nHidden;
    }

    public VisibleUnits getVisibleUnits() {
        return visibleUnits;
    }

    public void setVisibleUnits(VisibleUnits visibleUnits) {
        Checks.notNull("visibleUnits", visibleUnits);
        this.visibleUnits = visibleUnits;
    }

    public double getInitStd() {
        return initStd;
    }

    public void setInitStd(double initStd) {
        Checks.nonNegative("initStd", initStd);
        this.initStd = initStd;
    }

    /** True: run the SameDiff definition ({@link #defineLayer}) instead of {@link RbmLayerImpl}'s ND4J ops. */
    public boolean isSameDiffRuntime() {
        return sameDiffRuntime;
    }

    public void setSameDiffRuntime(boolean sameDiffRuntime) {
        this.sameDiffRuntime = sameDiffRuntime;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof RbmLayer) || !super.equals(o)) {
            return false;
        }
        RbmLayer r = (RbmLayer) o;
        return nVisible == r.nVisible && nHidden == r.nHidden && visibleUnits == r.visibleUnits
                && initStd == r.initStd && sameDiffRuntime == r.sameDiffRuntime;
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), nVisible, nHidden, visibleUnits, initStd, sameDiffRuntime);
    }
}
