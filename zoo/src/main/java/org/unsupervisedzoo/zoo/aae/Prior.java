package org.unsupervisedzoo.zoo.aae;

import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The prior p(z) an adversarial autoencoder matches its codes to; samples are drawn in Java from a seeded stream. */
public enum Prior {
    /** {@code N(0, I)}. */
    GAUSSIAN,
    /**
     * A mixture of 10 equally likely Gaussians whose means lie on a circle of radius 4 in the first two code
     * dimensions (standard deviation 0.5 there; the other dimensions {@code N(0, 1)}): Makhzani et al.'s 2-D
     * mixture prior. Needs a code of at least 2 dimensions.
     */
    MIXTURE;

    /** Components of {@link #MIXTURE}. */
    public static final int COMPONENTS = 10;
    /** Radius of the circle the {@link #MIXTURE} means lie on. */
    public static final double RADIUS = 4;
    /** Standard deviation of each {@link #MIXTURE} component in the first two dimensions. */
    public static final double COMPONENT_STD = 0.5;

    /** {@code n} samples {@code [n, size]} of this prior. */
    public INDArray sample(Random rng, int n, int size, DataType type) {
        double[] z = new double[n * size];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < size; j++) {
                z[i * size + j] = rng.nextGaussian();
            }
            if (this == MIXTURE) {
                double angle = 2 * Math.PI * rng.nextInt(COMPONENTS) / COMPONENTS;
                z[i * size] = RADIUS * Math.cos(angle) + COMPONENT_STD * z[i * size];
                z[i * size + 1] = RADIUS * Math.sin(angle) + COMPONENT_STD * z[i * size + 1];
            }
        }
        return Nd4j.create(z, new long[] {n, size}, DataType.DOUBLE).castTo(type);
    }
}
