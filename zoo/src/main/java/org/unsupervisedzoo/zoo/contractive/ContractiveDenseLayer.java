package org.unsupervisedzoo.zoo.contractive;

import java.util.Map;
import java.util.Objects;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.unsupervisedzoo.zoo.core.ActivityPenalty;
import org.unsupervisedzoo.zoo.core.ZooSameDiffLayer;
import org.unsupervisedzoo.zoo.core.Runtimes;

/**
 * A dense encoder layer that also outputs its own Jacobian term, for the contractive autoencoder
 * (Rifai et al., "Contractive auto-encoders: explicit invariance during feature extraction", ICML 2011).
 *
 * <p>For {@code h = phi(x W + b)} with an element-wise activation {@code phi}, the Jacobian of the code with
 * respect to the layer's input is {@code J = diag(phi'(z)) W^T}, so its squared Frobenius norm splits by code
 * unit:
 * <pre>
 *   ||J||_F^2 = sum_j q_j,    q_j = phi'(z_j)^2 * sum_i W_ij^2
 * </pre>
 * The layer's output is {@code [h | q]}, shape {@code [batch, 2 * nOut]}: columns {@code 0..nOut-1} are the code,
 * columns {@code nOut..2*nOut-1} are {@code q}. In the zoo's graph a subset vertex takes each half, and an
 * {@link ActivityPenalty} (L1, weight lambda) on {@code q} adds {@code lambda * ||J||_F^2}. This is exact for
 * every supported activation: SIGMOID ({@code phi' = h(1-h)}, Rifai's closed form), TANH ({@code 1-h^2}),
 * RELU ({@code 1[z>0]}), SOFTPLUS ({@code sigmoid(z)}), IDENTITY ({@code 1}). It is the Jacobian of this layer
 * with respect to its own input: for a deeper encoder, it is the last layer's term, as in stacked CAEs.
 *
 * <p>Parameters {@code W [nIn, nOut]} and {@code b [1, nOut]} are laid out as in DL4J's DenseLayer, so a trained
 * layer's weights copy into an ordinary DenseLayer unchanged.
 */
public class ContractiveDenseLayer extends ZooSameDiffLayer {
    public static final String WEIGHT_KEY = "W";
    public static final String BIAS_KEY = "b";

    private long nIn;
    private long nOut;
    private Activation activation = Activation.SIGMOID;
    private boolean sameDiffRuntime;

    /** For JSON. */
    public ContractiveDenseLayer() {
    }

    private ContractiveDenseLayer(Builder b) {
        super(b);
        this.nIn = b.nIn;
        this.nOut = b.nOut;
        this.activation = b.activation;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public SDVariable defineLayer(SameDiff sd, SDVariable x, Map<String, SDVariable> params, SDVariable mask) {
        SDVariable w = params.get(WEIGHT_KEY);
        SDVariable z = x.mmul(w).add(params.get(BIAS_KEY));
        SDVariable h;
        SDVariable dh;
        switch (activation) {
            case SIGMOID:
                h = sd.nn().sigmoid(z);
                dh = h.mul(h.rsub(1.0));
                break;
            case TANH:
                h = sd.math().tanh(z);
                dh = h.mul(h).rsub(1.0);
                break;
            case RELU:
                h = sd.nn().relu(z, 0.0);
                dh = sd.gt(z, 0.0).castTo(z.dataType());
                break;
            case SOFTPLUS:
                h = sd.nn().softplus(z);
                dh = sd.nn().sigmoid(z);
                break;
            case IDENTITY:
                h = z;
                dh = sd.onesLike(z);
                break;
            default:
                throw new IllegalStateException("unsupported activation " + activation);
        }
        SDVariable columnNorms = sd.math().square(w).sum(0); // [nOut]: sum_i W_ij^2
        SDVariable q = sd.math().square(dh).mul(columnNorms);
        return sd.concat(1, h, q);
    }

    /**
     * The runtime: {@link ContractiveDenseImpl}, this layer's forward and backward pass written with ND4J ops
     * (the same maths as {@link #defineLayer}, without SameDiff's fixed cost per step); with {@link
     * #isSameDiffRuntime()}, SameDiff runs {@link #defineLayer}.
     *
     * @throws IllegalArgumentException when the layer has dropout (set on it or inherited from the network's
     *                                  defaults): neither runtime is tested with it, so it is refused rather than
     *                                  applied in one and not the other; put a DropoutLayer before the layer instead
     */
    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(org.deeplearning4j.nn.conf.NeuralNetConfiguration conf,
            java.util.Collection<org.deeplearning4j.optimize.api.TrainingListener> trainingListeners, int layerIndex,
            INDArray layerParamsView, boolean initializeParams, org.nd4j.linalg.api.buffer.DataType networkDataType) {
        if (getIDropout() != null) {
            throw new IllegalArgumentException("ContractiveDenseLayer does not take dropout (" + getIDropout()
                    + "): the contractive penalty of a dropped-out input is not implemented; put a DropoutLayer"
                    + " before it, or set dropout on the other layers only");
        }
        if (sameDiffRuntime) {
            return super.instantiate(conf, trainingListeners, layerIndex, layerParamsView, initializeParams,
                    networkDataType);
        }
        return Runtimes.wire(new ContractiveDenseImpl(conf, networkDataType), this, conf, layerIndex, layerParamsView,
                initializeParams);
    }

    /** True: run {@link #defineLayer} through SameDiff (the reference; slower). Default false. */
    public boolean isSameDiffRuntime() {
        return sameDiffRuntime;
    }

    public void setSameDiffRuntime(boolean sameDiffRuntime) {
        this.sameDiffRuntime = sameDiffRuntime;
    }

    @Override
    public void defineParameters(SDLayerParams params) {
        params.addWeightParam(WEIGHT_KEY, nIn, nOut);
        params.addBiasParam(BIAS_KEY, 1, nOut);
    }

    @Override
    public void initializeParameters(Map<String, INDArray> params) {
        initWeights((int) nIn, (int) nOut, weightInit == null ? WeightInit.XAVIER : weightInit,
                params.get(WEIGHT_KEY));
        params.get(BIAS_KEY).assign(0);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        return InputType.feedForward(2 * nOut);
    }

    @Override
    public void setNIn(InputType inputType, boolean override) {
        if (nIn <= 0 || override) {
            nIn = inputType.arrayElementsPerExample();
        }
    }

    public long getNIn() {
        return nIn;
    }

    public void setNIn(long nIn) {
        this.nIn = nIn;
    }

    public long getNOut() {
        return nOut;
    }

    public void setNOut(long nOut) {
        this.nOut = nOut;
    }

    public Activation getActivation() {
        return activation;
    }

    public void setActivation(Activation activation) {
        this.activation = activation;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ContractiveDenseLayer) || !super.equals(o)) {
            return false;
        }
        ContractiveDenseLayer c = (ContractiveDenseLayer) o;
        return nIn == c.nIn && nOut == c.nOut && activation == c.activation;
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), nIn, nOut, activation);
    }

    /** Builder: {@code nIn} (set from the input type when 0), {@code nOut}, activation (default SIGMOID). */
    public static class Builder extends org.deeplearning4j.nn.conf.layers.samediff.SameDiffLayer.Builder<Builder> {
        private long nIn;
        private long nOut;
        private Activation activation = Activation.SIGMOID;

        public Builder nIn(long nIn) {
            this.nIn = nIn;
            return this;
        }

        public Builder nOut(long nOut) {
            this.nOut = nOut;
            return this;
        }

        /** One of SIGMOID, TANH, RELU, SOFTPLUS, IDENTITY. */
        public Builder activation(Activation activation) {
            this.activation = activation;
            return this;
        }

        @Override
        @SuppressWarnings("unchecked")
        public ContractiveDenseLayer build() {
            if (nOut <= 0) {
                throw new IllegalArgumentException("nOut must be positive, got " + nOut);
            }
            if (nIn < 0) {
                throw new IllegalArgumentException("nIn must be positive (or 0 to infer it), got " + nIn);
            }
            if (activation == null || !SUPPORTED.contains(activation)) {
                throw new IllegalArgumentException("activation must be one of " + SUPPORTED + ", got " + activation);
            }
            return new ContractiveDenseLayer(this);
        }
    }

    /** Activations whose derivative the layer knows. */
    public static final java.util.Set<Activation> SUPPORTED = java.util.EnumSet.of(Activation.SIGMOID,
            Activation.TANH, Activation.RELU, Activation.SOFTPLUS, Activation.IDENTITY);
}
