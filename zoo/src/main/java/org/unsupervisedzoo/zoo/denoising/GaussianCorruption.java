package org.unsupervisedzoo.zoo.denoising;

import java.util.Objects;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.random.impl.GaussianDistribution;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.nd4j.shade.jackson.annotation.JsonIgnore;
import org.unsupervisedzoo.zoo.core.Checks;

/**
 * Additive isotropic Gaussian noise, {@code x~ = x + sigma * N(0, 1)}, optionally clipped to [0,1] (as the Keras
 * blog's denoising example clips). Default {@code sigma = 0.5}, {@code clip = true}.
 */
public class GaussianCorruption extends Corruption {
    private double sigma = 0.5;
    private boolean clip = true;
    /** The clipping mask of the last training step, reused across steps (not configuration). */
    @JsonIgnore
    private transient INDArray mask;

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

    /**
     * The same draws and values as {@link #apply} (the same random stream, the same float ops), written into
     * {@code result}; the clipping mask in a buffer kept across steps; clipping and mask in one Java pass for float
     * arrays.
     */
    @Override
    protected INDArray applyInto(INDArray clean, INDArray result, Random rng) {
        if (!result.equalShapes(clean) || result.dataType() != clean.dataType()
                || clean.dataType() != Nd4j.defaultFloatingPointType()) { // apply() draws in the default type
            return super.applyInto(clean, result, rng);
        }
        Nd4j.getExecutioner().exec(new GaussianDistribution(result, 0.0, 1.0), rng);
        result.muli(sigma).addi(clean);
        if (!clip) {
            return null;
        }
        if (mask == null || !mask.equalShapes(result) || mask.dataType() != result.dataType()) {
            mask = Nd4j.createUninitialized(result.dataType(), result.shape(), 'c');
        }
        if (!clipInJava(result, mask)) {
            mask.assign(result.gte(0.0).castTo(result.dataType()).muli(result.lte(1.0).castTo(result.dataType())));
            Transforms.min(Transforms.max(result, 0.0, false), 1.0, false);
        }
        return mask;
    }

    /** {@code mask = 1} where {@code 0 <= v <= 1}, else 0; then {@code v} clipped to [0,1]; false if not float. */
    private static boolean clipInJava(INDArray v, INDArray mask) {
        java.nio.FloatBuffer vb = org.unsupervisedzoo.zoo.core.FloatViews.of(v);
        java.nio.FloatBuffer mb = org.unsupervisedzoo.zoo.core.FloatViews.of(mask);
        if (vb == null || mb == null || v.ordering() != mask.ordering()) {
            return false;
        }
        int chunk = 4096;
        float[] vc = org.unsupervisedzoo.zoo.core.FloatViews.scratch(0, chunk);
        float[] mc = org.unsupervisedzoo.zoo.core.FloatViews.scratch(1, chunk);
        int n = (int) v.length();
        for (int off = 0; off < n; off += chunk) {
            int len = Math.min(chunk, n - off);
            vb.get(vb.position() + off, vc, 0, len);
            for (int i = 0; i < len; i++) {
                float x = vc[i];
                mc[i] = x >= 0f && x <= 1f ? 1f : 0f;
                vc[i] = Math.min(Math.max(x, 0f), 1f);
            }
            vb.put(vb.position() + off, vc, 0, len);
            mb.put(mb.position() + off, mc, 0, len);
        }
        return true;
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
