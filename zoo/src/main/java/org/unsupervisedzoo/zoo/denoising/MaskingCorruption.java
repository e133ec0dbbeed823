package org.unsupervisedzoo.zoo.denoising;

import java.util.Objects;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;

/**
 * Masking noise (Vincent et al. 2008): each element is set to 0 with probability {@code fraction}, independently;
 * the others pass unchanged (no rescaling, unlike dropout). Default {@code fraction = 0.3}.
 */
public class MaskingCorruption extends Corruption {
    private double fraction = 0.3;

    /** For JSON; the default above. */
    public MaskingCorruption() {
    }

    public MaskingCorruption(double fraction) {
        setFraction(fraction);
    }

    @Override
    protected Pair<INDArray, INDArray> apply(INDArray clean, Random rng) {
        INDArray keep = below(uniform(clean, rng), fraction, clean).rsubi(1.0);
        return new Pair<>(clean.mul(keep), keep);
    }

    public double getFraction() {
        return fraction;
    }

    public void setFraction(double fraction) {
        this.fraction = fraction("fraction", fraction);
    }

    @Override
    public MaskingCorruption clone() {
        return new MaskingCorruption(fraction);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MaskingCorruption && ((MaskingCorruption) o).fraction == fraction;
    }

    @Override
    public int hashCode() {
        return Objects.hash(getClass(), fraction);
    }

    @Override
    public String toString() {
        return "MaskingCorruption(fraction=" + fraction + ")";
    }
}
