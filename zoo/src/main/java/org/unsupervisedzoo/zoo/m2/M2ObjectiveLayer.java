package org.unsupervisedzoo.zoo.m2;

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
 * The M2 objective of Kingma et al. (2014) as one output layer: each row of the batch is a digit {@code x} paired
 * with a class {@code y}, and contributes
 * <pre>
 *   row = w_L * E  -  w_C * log q(y|x)  +  w_U * q(y|x) * (E + log q(y|x))
 *   E   = -ELBO(x, y) = sum_j [softplus(d_j) - x_j d_j]                      (Bernoulli -log p(x|y,z), logits d)
 *                     + 1/2 sum_l (mu_l^2 + exp(logvar_l) - 1 - logvar_l)   (KL(q(z|x,y) || N(0, I)))
 *                     + log K                                                (-log p(y), uniform prior)
 *   q(.|x) = softmax(a)                                                      (the classifier's logits a)
 * </pre>
 * With {@link Likelihood#GAUSSIAN} (M1+M2: M2 on the latent codes of a trained VAE) the decoder gives a mean and a
 * log-variance per dimension, {@code d = [m | s]}, and the first term of {@code E} is
 * {@code -log N(x; m, diag(exp(s))) = 1/2 sum_j [s_j + (x_j - m_j)^2 exp(-s_j) + log(2 pi)]}.
 * A labelled digit is one row with its label and weights {@code (w_L, w_C, 0)}: {@code w_L(-ELBO) + w_C CE}. An
 * unlabelled digit is {@code K} rows, one per class, with weights {@code (0, 0, w_U)}; summed over its rows they give
 * {@code w_U sum_y q(y|x)(-ELBO(x, y) + log q(y|x)) = w_U (sum_y q(y|x)(-ELBO(x, y)) - H(q(y|x)))}, the paper's
 * {@code -U(x)}. {@link M2Batches} builds such rows and weights.
 *
 * <p>Input {@code [d | mu | logvar | a | y]}, {@code [rows, D' + 2L + 2K]} ({@code D' = D} Bernoulli logits, or
 * {@code 2D} Gaussian {@code [m | s]}): the decoder's output, the encoder's
 * Gaussian parameters, the classifier's logits and the row's one-hot class. Labels {@code [x | w_L | w_C | w_U]},
 * {@code [rows, D + 3]}. The layer's score is the sum of the rows (DL4J divides it by the number of rows); its
 * activations ({@code output()}) are the class probabilities {@code q(y|x)}, {@code [rows, K]}.
 *
 * <p>Two runtimes of the same formula: {@link M2ObjectiveImpl} writes it and its gradient with ND4J ops (the
 * default), {@link #defineLayer} with SameDiff ({@link #isSameDiffRuntime()}: the reference, by automatic
 * differentiation; a test checks that both agree).
 */
public class M2ObjectiveLayer extends SameDiffOutputLayer {
    /** The SameDiff variable of the activations, {@code q(y|x)}. */
    static final String PROBABILITIES = "class-probabilities";

    private long dataSize;
    private long latentSize;
    private long numClasses;
    private Likelihood likelihood = Likelihood.BERNOULLI;
    private boolean sameDiffRuntime;

    /** The decoder's distribution {@code p(x|y,z)}. */
    public enum Likelihood {
        /** Bernoulli with logits {@code d} (D columns): binary or grey-level pixels as probabilities. */
        BERNOULLI,
        /**
         * Gaussian with a diagonal covariance, {@code d = [mean | log-variance]} (2D columns): real-valued data such
         * as a VAE's latent codes (M1+M2).
         */
        GAUSSIAN
    }

    /** For JSON. */
    public M2ObjectiveLayer() {
    }

    /**
     * @param dataSize   D, the pixels of a digit
     * @param latentSize L, the dimension of z
     * @param numClasses K, the classes of y
     */
    public M2ObjectiveLayer(long dataSize, long latentSize, long numClasses) {
        if (dataSize <= 0 || latentSize <= 0 || numClasses < 2) {
            throw new IllegalArgumentException("dataSize and latentSize must be positive and numClasses at least 2,"
                    + " got dataSize " + dataSize + ", latentSize " + latentSize + ", numClasses " + numClasses);
        }
        this.dataSize = dataSize;
        this.latentSize = latentSize;
        this.numClasses = numClasses;
    }

    /**
     * @param likelihood the decoder's distribution: {@code BERNOULLI} (D logits) or {@code GAUSSIAN} (2D columns,
     *                   mean and log-variance)
     */
    public M2ObjectiveLayer(long dataSize, long latentSize, long numClasses, Likelihood likelihood) {
        this(dataSize, latentSize, numClasses);
        if (likelihood == null) {
            throw new IllegalArgumentException("likelihood must be BERNOULLI or GAUSSIAN, got null");
        }
        this.likelihood = likelihood;
    }

    /** The decoder's columns: {@code D} (Bernoulli) or {@code 2D} (Gaussian). */
    public long decoderWidth() {
        return likelihood == Likelihood.GAUSSIAN ? 2 * dataSize : dataSize;
    }

    /** The input's width, {@code D' + 2L + 2K}. */
    public long inputWidth() {
        return decoderWidth() + 2 * latentSize + 2 * numClasses;
    }

    @Override
    public SDVariable defineLayer(SameDiff sd, SDVariable in, SDVariable labels, Map<String, SDVariable> params) {
        long d0 = decoderWidth();
        long l = latentSize;
        long k = numClasses;
        SDVariable d = in.get(SDIndex.all(), SDIndex.interval(0L, d0));
        SDVariable mu = in.get(SDIndex.all(), SDIndex.interval(d0, d0 + l));
        SDVariable logvar = in.get(SDIndex.all(), SDIndex.interval(d0 + l, d0 + 2 * l));
        SDVariable a = in.get(SDIndex.all(), SDIndex.interval(d0 + 2 * l, d0 + 2 * l + k));
        SDVariable y = in.get(SDIndex.all(), SDIndex.interval(d0 + 2 * l + k, d0 + 2 * l + 2 * k));
        long n = dataSize;
        SDVariable x = labels.get(SDIndex.all(), SDIndex.interval(0L, n));
        SDVariable wL = labels.get(SDIndex.all(), SDIndex.interval(n, n + 1));
        SDVariable wC = labels.get(SDIndex.all(), SDIndex.interval(n + 1, n + 2));
        SDVariable wU = labels.get(SDIndex.all(), SDIndex.interval(n + 2, n + 3));
        SDVariable bce;
        if (likelihood == Likelihood.GAUSSIAN) { // 1/2 sum_j [s_j + (x_j - m_j)^2 exp(-s_j) + log(2 pi)]
            SDVariable m = d.get(SDIndex.all(), SDIndex.interval(0L, n));
            SDVariable s = d.get(SDIndex.all(), SDIndex.interval(n, 2 * n));
            bce = s.add(sd.math().square(x.sub(m)).mul(sd.math().exp(s.neg()))).add(Math.log(2 * Math.PI))
                    .sum(true, 1).mul(0.5);
        } else {
            bce = sd.nn().softplus(d).sub(x.mul(d)).sum(true, 1);
        }
        SDVariable kl = sd.math().square(mu).add(sd.math().exp(logvar)).sub(1.0).sub(logvar).sum(true, 1).mul(0.5);
        SDVariable e = bce.add(kl).add(Math.log(k));
        // log softmax written out: SameDiff's LogSoftMax op with a dimension failed to build its gradient function
        SDVariable shifted = a.sub(a.max(true, 1));
        SDVariable logq = shifted.sub(sd.math().log(sd.math().exp(shifted).sum(true, 1)));
        SDVariable q = sd.math().exp(logq).rename(PROBABILITIES);
        SDVariable logqy = y.mul(logq).sum(true, 1);
        SDVariable qy = y.mul(q).sum(true, 1);
        SDVariable row = wL.mul(e).sub(wC.mul(logqy)).add(wU.mul(qy).mul(e.add(logqy)));
        return row.sum();
    }

    @Override
    public String activationsVertexName() {
        return PROBABILITIES;
    }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf,
            Collection<TrainingListener> trainingListeners, int layerIndex, INDArray layerParamsView,
            boolean initializeParams, DataType networkDataType) {
        if (sameDiffRuntime) {
            return super.instantiate(conf, trainingListeners, layerIndex, layerParamsView, initializeParams,
                    networkDataType);
        }
        M2ObjectiveImpl ret = Runtimes.wire(new M2ObjectiveImpl(conf, networkDataType), this, conf, layerIndex,
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
        return InputType.feedForward(numClasses);
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

    public Likelihood getLikelihood() {
        return likelihood;
    }

    public void setLikelihood(Likelihood likelihood) {
        this.likelihood = likelihood;
    }

    public long getNumClasses() {
        return numClasses;
    }

    public void setNumClasses(long numClasses) {
        this.numClasses = numClasses;
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
        if (!(o instanceof M2ObjectiveLayer) || !super.equals(o)) {
            return false;
        }
        M2ObjectiveLayer m = (M2ObjectiveLayer) o;
        return dataSize == m.dataSize && latentSize == m.latentSize && numClasses == m.numClasses
                && likelihood == m.likelihood && sameDiffRuntime == m.sameDiffRuntime;
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), dataSize, latentSize, numClasses, likelihood, sameDiffRuntime);
    }
}
