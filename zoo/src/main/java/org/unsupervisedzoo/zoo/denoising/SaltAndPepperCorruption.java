package org.unsupervisedzoo.zoo.denoising;

import java.util.Objects;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;

/**
 * Salt-and-pepper noise (Vincent et al. 2010): each element is, with probability {@code fraction}, replaced by
 * 0 or 1 (each with probability 1/2). Default {@code fraction = 0.2}.
 */
public class SaltAndPepperCorruption extends Corruption {
    private double fraction = 0.2;

    /** For JSON; the default above. */
    public SaltAndPepperCorruption() {
    }

    public SaltAndPepperCorruption(double fraction) {
        setFraction(fraction);
    }

    @Override
    protected Pair<INDArray, INDArray> apply(INDArray clean, Random rng) {
        INDArray hit = below(uniform(clean, rng), fraction, clean);
        INDArray salt = below(uniform(clean, rng), 0.5, clean);
        INDArray keep = hit.rsub(1.0);
        // x * (1 - hit) + hit * salt
        return new Pair<>(clean.mul(keep).addi(hit.muli(salt)), keep);
    }

    public double getFraction() {
        return fraction;
    }

    public void setFraction(double fraction) {
        this.fraction = fraction("fraction", fraction);
    }

    @Override
    public SaltAndPepperCorruption clone() {
        return new SaltAndPepperCorruption(fraction);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SaltAndPepperCorruption && ((SaltAndPepperCorruption) o).fraction == fraction;
    }

    @Override
    public int hashCode() {
        return Objects.hash(getClass(), fraction);
    }

    @Override
    public String toString() {
        return "SaltAndPepperCorruption(fraction=" + fraction + ")";
    }
}
