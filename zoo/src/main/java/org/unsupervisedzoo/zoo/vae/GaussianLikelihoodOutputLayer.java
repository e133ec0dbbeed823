package org.unsupervisedzoo.zoo.vae;

import java.util.Map;
import java.util.Objects;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams;
import org.deeplearning4j.nn.conf.layers.samediff.SameDiffOutputLayer;
import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A Gaussian decoder's negative log-likelihood as an output layer:
 * <pre>
 *   -log p(x | z) = sum_i 1/2 (log(2 pi) + logvar_i + (x_i - mean_i)^2 exp(-logvar_i))
 * </pre>
 * per example (summed over the batch; DL4J divides by the batch size). With {@code learnVariance} the input is
 * {@code [mean | logvar]}, {@code [batch, 2 * dataSize]}; otherwise it is {@code [mean]} and
 * {@code logvar = log(fixedVariance)} for every element. The labels are the data {@code x}. The layer's activations
 * ({@code output()}) are the mean.
 */
public class GaussianLikelihoodOutputLayer extends SameDiffOutputLayer {
    private static final String MEAN = "gaussian-mean";

    private long dataSize;
    private boolean learnVariance = true;
    private double fixedVariance = 1.0;

    /** For JSON. */
    public GaussianLikelihoodOutputLayer() {
    }

    public GaussianLikelihoodOutputLayer(long dataSize, boolean learnVariance, double fixedVariance) {
        if (dataSize <= 0) {
            throw new IllegalArgumentException("dataSize must be positive, got " + dataSize);
        }
        if (!(fixedVariance > 0) || Double.isInfinite(fixedVariance)) {
            throw new IllegalArgumentException("fixedVariance must be a finite number > 0, got " + fixedVariance);
        }
        this.dataSize = dataSize;
        this.learnVariance = learnVariance;
        this.fixedVariance = fixedVariance;
    }

    @Override
    public SDVariable defineLayer(SameDiff sd, SDVariable in, SDVariable labels, Map<String, SDVariable> params) {
        SDVariable mean;
        SDVariable sq;
        SDVariable perElement;
        if (learnVariance) {
            mean = in.get(SDIndex.all(), SDIndex.interval(0L, dataSize)).rename(MEAN);
            SDVariable logvar = in.get(SDIndex.all(), SDIndex.interval(dataSize, 2 * dataSize));
            sq = sd.math().square(labels.sub(mean));
            perElement = logvar.add(sq.mul(sd.math().exp(logvar.neg()))).add(Math.log(2 * Math.PI));
        } else {
            mean = sd.identity(MEAN, in);
            sq = sd.math().square(labels.sub(mean));
            perElement = sq.div(fixedVariance).add(Math.log(2 * Math.PI * fixedVariance));
        }
        return perElement.sum().mul(0.5);
    }

    @Override
    public String activationsVertexName() {
        return MEAN;
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

    public boolean isLearnVariance() {
        return learnVariance;
    }

    public void setLearnVariance(boolean learnVariance) {
        this.learnVariance = learnVariance;
    }

    public double getFixedVariance() {
        return fixedVariance;
    }

    public void setFixedVariance(double fixedVariance) {
        this.fixedVariance = fixedVariance;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof GaussianLikelihoodOutputLayer) || !super.equals(o)) {
            return false;
        }
        GaussianLikelihoodOutputLayer g = (GaussianLikelihoodOutputLayer) o;
        return dataSize == g.dataSize && learnVariance == g.learnVariance && fixedVariance == g.fixedVariance;
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), dataSize, learnVariance, fixedVariance);
    }
}
