package org.unsupervisedzoo.zoo.som;

/** How the prototypes start. */
public enum Initialization {
    /** Uniform in [0, 1) per component, drawn by {@code init()} from the model's seed (data in [0,1], e.g. pixels). */
    RANDOM,
    /** Distinct random training examples (MiniSom's {@code random_weights_init}); needs data. */
    SAMPLE,
    /**
     * A regular lattice on the plane of the first two principal components through the data mean:
     * {@code w_(r,c) = mean + a_c sqrt(l1) v1 + b_r sqrt(l2) v2} with {@code a, b} evenly spaced in [-1, 1]
     * (MiniSom's {@code pca_weights_init}, which omits the mean and the {@code sqrt(l)} scaling); needs data.
     */
    PCA
}
