package org.unsupervisedzoo.zoo.vae;

import org.nd4j.linalg.ops.transforms.Transforms;

import org.nd4j.linalg.indexing.NDArrayIndex;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Objects;
import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.unsupervisedzoo.zoo.core.Checks;
import org.unsupervisedzoo.zoo.core.PenaltyLayer;

/**
 * The VAE's KL term against a standard normal prior, in closed form:
 * <pre>
 *   KL(N(mu, diag(exp(logvar))) || N(0, I)) = 1/2 sum_j (mu_j^2 + exp(logvar_j) - 1 - logvar_j)
 * </pre>
 * times {@code beta} (1 for the VAE, larger for a beta-VAE), per example, averaged over the batch in the score. Its
 * input is the encoder's {@code [mu | logvar]}, {@code [batch, 2 * latentSize]}.
 */
public class GaussianKLPenalty extends PenaltyLayer {
    private long latentSize;
    private double beta = 1.0;

    /** For JSON. */
    public GaussianKLPenalty() {
    }

    public GaussianKLPenalty(long latentSize, double beta) {
        if (latentSize <= 0) {
            throw new IllegalArgumentException("latentSize must be positive, got " + latentSize);
        }
        this.latentSize = latentSize;
        setBeta(beta);
    }

    @Override
    protected SDVariable batchPenalty(SameDiff sd, SDVariable in) {
        SDVariable mu = in.get(SDIndex.all(), SDIndex.interval(0L, latentSize));
        SDVariable logvar = in.get(SDIndex.all(), SDIndex.interval(latentSize, 2 * latentSize));
        SDVariable perElement = sd.math().square(mu).add(sd.math().exp(logvar)).sub(1.0).sub(logvar);
        return perElement.sum().mul(0.5 * beta);
    }

    @Override
    public double penaltyValue(INDArray in) {
        INDArray mu = in.get(NDArrayIndex.all(), NDArrayIndex.interval(0, latentSize));
        INDArray logvar = in.get(NDArrayIndex.all(), NDArrayIndex.interval(latentSize, 2 * latentSize));
        return 0.5 * beta * mu.mul(mu).addi(Transforms.exp(logvar, true)).subi(1.0).subi(logvar).sumNumber()
                .doubleValue();
    }

    /** d/dmu = beta mu, d/dlogvar = beta (exp(logvar) - 1) / 2. */
    @Override
    public INDArray penaltyGradient(INDArray in) {
        INDArray g = in.ulike();
        g.get(NDArrayIndex.all(), NDArrayIndex.interval(0, latentSize))
                .assign(in.get(NDArrayIndex.all(), NDArrayIndex.interval(0, latentSize)).mul(beta));
        g.get(NDArrayIndex.all(), NDArrayIndex.interval(latentSize, 2 * latentSize)).assign(Transforms.exp(
                in.get(NDArrayIndex.all(), NDArrayIndex.interval(latentSize, 2 * latentSize)), true).subi(1.0)
                .muli(0.5 * beta));
        return g;
    }

    public long getLatentSize() {
        return latentSize;
    }

    public void setLatentSize(long latentSize) {
        this.latentSize = latentSize;
    }

    public double getBeta() {
        return beta;
    }

    public void setBeta(double beta) {
        Checks.nonNegative("beta", beta);
        this.beta = beta;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof GaussianKLPenalty) || !super.equals(o)) {
            return false;
        }
        GaussianKLPenalty g = (GaussianKLPenalty) o;
        return latentSize == g.latentSize && beta == g.beta;
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), latentSize, beta);
    }
}
