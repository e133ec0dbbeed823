package org.unsupervisedzoo.zoo.noise;

import java.util.Objects;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.unsupervisedzoo.zoo.Checks;

/**
 * Additive isotropic Gaussian noise, {@code x~ = x + sigma * N(0, 1)}, optionally clipped to [0,1] (as the Keras
 * blog's denoising example clips). Default {@code sigma = 0.5}, {@code clip = true}.
 */
public class GaussianCorruption extends Corruption {
    private double sigma = 0.5;
    private boolean clip = true;

    /** For JSON; the defaults above. */
    public GaussianCorruption() {
    }

    public GaussianCorruption(double sigma, boolean clip) {
        setSigma(sigma);
        this.clip = clip;
    }

    @Override
    protected Pair<INDArray, INDArray> apply(INDArray clean, Random rng) {
        INDArray noisy = Nd4j.randn(clean.shape(), rng).castTo(clean.dataType()).muli(sigma).addi(clean);
        if (!clip) {
            return new Pair<>(noisy, null);
        }
        // clipping has derivative 1 inside [0,1] and 0 outside
        INDArray inRange = noisy.gte(0.0).castTo(clean.dataType()).muli(noisy.lte(1.0).castTo(clean.dataType()));
        Transforms.min(Transforms.max(noisy, 0.0, false), 1.0, false);
        return new Pair<>(noisy, inRange);
    }

    public double getSigma() {
        return sigma;
    }

    public void setSigma(double sigma) {
        Checks.nonNegative("sigma", sigma);
        this.sigma = sigma;
    }

    public boolean isClip() {
        return clip;
    }

    public void setClip(boolean clip) {
        this.clip = clip;
    }

    @Override
    public GaussianCorruption clone() {
        return new GaussianCorruption(sigma, clip);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GaussianCorruption && ((GaussianCorruption) o).sigma == sigma
                && ((GaussianCorruption) o).clip == clip;
    }

    @Override
    public int hashCode() {
        return Objects.hash(getClass(), sigma, clip);
    }

    @Override
    public String toString() {
        return "GaussianCorruption(sigma=" + sigma + ", clip=" + clip + ")";
    }
}
