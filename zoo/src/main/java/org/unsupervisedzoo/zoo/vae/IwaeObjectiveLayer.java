package org.unsupervisedzoo.zoo.vae;

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
import org.unsupervisedzoo.zoo.core.Runtimes;

/**
 * The importance-weighted bound of Burda, Grosse &amp; Salakhutdinov (2016) as the loss of one output layer, for a
 * Bernoulli decoder. Each example arrives as {@code k} consecutive rows (example-major: rows {@code i k .. i k + k - 1}
 * are example {@code i}, as {@link VaeIterator} repeats it), each row with its own latent sample
 * {@code z_s = mu + exp(logvar / 2) * eps_s}, and the example's loss is
 * <pre>
 *   -log (1/k) sum_s w_s,   log w_s = log p(x|z_s) + log p(z_s) - log q(z_s|x)
 *                                   = sum_j [x_j d_j - softplus(d_j)]                  (Bernoulli, decoder logits d)
 *                                     - 1/2 |z_s|^2 + 1/2 |eps_s|^2 + 1/2 sum_l logvar_l   (the 2 pi terms cancel)
 * </pre>
 * computed with a log-sum-exp over the k rows (stable for any spread of the log-weights). With {@code k = 1} it is
 * the one-sample ELBO estimate with the KL term sampled, not in closed form; the KL is part of the bound, so an
 * IWAE graph has no separate KL head.
 *
 * <p>Input {@code [d | z | logvar | eps]}, {@code [b k, D + 3L]}: the decoder's logits, the latent sample, the
 * encoder's log-variance and the noise that made {@code z} from {@code mu}. The gradient to {@code z} flows back
 * through the reparameterization into {@code mu} and {@code logvar}. Labels {@code x}, {@code [b k, D]} (the k
 * copies of each example). The layer's scalar is {@code k} times the sum of the examples' losses, so that DL4J's
 * division by the minibatch size (the {@code b k} rows) leaves the <b>mean over examples</b>: the score is in nats
 * per example, comparable with the ELBO's. Its activations ({@code output()}) are the Bernoulli means
 * {@code sigmoid(d)}, any number of rows.
 *
 * <p>Two runtimes of the same formula: {@link IwaeObjectiveImpl} writes it and its gradient with ND4J ops (the
 * default; it also checks that the rows come in groups of k copies of one example), {@link #defineLayer} with SameDiff
 * ({@link #isSameDiffRuntime()}: the reference, by automatic differentiation; a test checks that both agree).
 */
public class IwaeObjectiveLayer extends SameDiffOutputLayer {
    /** The SameDiff variable of the activations, the Bernoulli means. */
    static final String MEANS = "bernoulli-means";

    private long dataSize;
    private long latentSize;
    private int samples = 1;
    private boolean sameDiffRuntime;

    /** For JSON. */
    public IwaeObjectiveLayer() {
    }

    /**
     * @param dataSize   D, the pixels of an example
     * @param latentSize L, the dimension of z
     * @param samples    k, the rows (latent samples) of each example
     */
    public IwaeObjectiveLayer(long dataSize, long latentSize, int samples) {
        if (dataSize <= 0 || latentSize <= 0 || samples <= 0) {
            throw new IllegalArgumentException("dataSize, latentSize and samples must be positive, got dataSize "
                    + dataSize + ", latentSize " + latentSize + ", samples " + samples);
        }
        this.dataSize = dataSize;
        this.latentSize = latentSize;
        this.samples = samples;
    }

    /** The input's width, {@code D + 3L}. */
    public long inputWidth() {
        return dataSize + 3 * latentSize;
    }

    @Override
    public SDVariable defineLayer(SameDiff sd, SDVariable in, SDVariable labels, Map<String, SDVariable> params) {
        long dn = dataSize;
        long l = latentSize;
        SDVariable d = in.get(SDIndex.all(), SDIndex.interval(0L, dn));
        SDVariable z = in.get(SDIndex.all(), SDIndex.interval(dn, dn + l));
        SDVariable logvar = in.get(SDIndex.all(), SDIndex.interval(dn + l, dn + 2 * l));
        SDVariable eps = in.get(SDIndex.all(), SDIndex.interval(dn + 2 * l, dn + 3 * l));
        sd.nn().sigmoid(MEANS, d);
        // softplus(d) = relu(d) + log(1 + exp(-|d|)): SameDiff's softplus overflows for large logits
        SDVariable softplus = sd.nn().relu(d, 0).add(sd.math().log(sd.math().exp(sd.math().abs(d).neg()).add(1.0)));
        SDVariable logPxz = labels.mul(d).sub(softplus).sum(1);
        SDVariable logPzOverQ = sd.math().square(eps).sub(sd.math().square(z)).add(logvar).sum(1).mul(0.5);
        SDVariable logW = logPxz.add(logPzOverQ);
        if (samples == 1) {
            // the log-sum-exp of one term is the term (SameDiff's reduction over a dimension of size 1 failed)
            SDVariable loss = logW.sum().neg();
            loss.markAsLoss();
            return loss;
        }
        SDVariable grouped = sd.reshape(logW, -1, samples);
        SDVariable max = grouped.max(true, 1);
        SDVariable lse = sd.math().log(sd.math().exp(grouped.sub(max)).sum(1)).add(max.reshape(-1));
        // k * sum_i -(lse_i - log k): DL4J divides by the b k rows
        SDVariable loss = lse.sub(Math.log(samples)).sum().mul(-samples);
        loss.markAsLoss();
        return loss;
    }

    @Override
    public String activationsVertexName() {
        return MEANS;
    }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf,
            Collection<TrainingListener> trainingListeners, int layerIndex, INDArray layerParamsView,
            boolean initializeParams, DataType networkDataType) {
        if (sameDiffRuntime) {
            return super.instantiate(conf, trainingListeners, layerIndex, layerParamsView, initializeParams,
                    networkDataType);
        }
        IwaeObjectiveImpl ret = Runtimes.wire(new IwaeObjectiveImpl(conf, networkDataType), this, conf, layerIndex,
                layerParamsView, initializeParams);
        ret.setListeners(trainingListeners);
        return ret;
    }

    @Override
    public void defineParameters(SDLayerParams params) {
        // none
    }

    @Override
    public void initializeParameters(Map<String, INDArray> params) {
        // none
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        return InputType.feedForward(dataSize);
    }

    public long getDataSize() {
        return dataSize;
    }

    public void setDataSize(long dataSize) {
        this.dataSize = dataSize;
    }

    public long getLatentSize() {
        return latentSize;
    }

    public void setLatentSize(long latentSize) {
        this.latentSize = latentSize;
    }

    /** k, the consecutive rows (latent samples) of each example. */
    public int getSamples() {
        return samples;
    }

    public void setSamples(int samples) {
        this.samples = samples;
    }

    /** True: run {@link #defineLayer} through SameDiff (the reference; slower). Default false. */
    public boolean isSameDiffRuntime() {
        return sameDiffRuntime;
    }

    public void setSameDiffRuntime(boolean sameDiffRuntime) {
        this.sameDiffRuntime = sameDiffRuntime;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof IwaeObjectiveLayer) || !super.equals(o)) {
            return false;
        }
        IwaeObjectiveLayer m = (IwaeObjectiveLayer) o;
        return dataSize == m.dataSize && latentSize == m.latentSize && samples == m.samples
                && sameDiffRuntime == m.sameDiffRuntime;
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), dataSize, latentSize, samples, sameDiffRuntime);
    }
}
