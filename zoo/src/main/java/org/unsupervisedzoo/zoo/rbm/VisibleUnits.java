package org.unsupervisedzoo.zoo.rbm;

/** The distribution of an RBM's visible units given the hidden ones (hidden units are always Bernoulli). */
public enum VisibleUnits {
    /**
     * Bernoulli: {@code p(v_i = 1 | h) = sigmoid(b_i + W_i h)}; inputs are probabilities in [0,1] (grey levels or
     * binary pixels), as scikit-learn's BernoulliRBM expects. Energy {@code E(v,h) = -b.v - c.h - v^T W h}.
     */
    BERNOULLI,
    /**
     * Gaussian with unit variance: {@code v | h ~ N(b + W h, I)}; inputs real-valued and standardized (zero mean,
     * unit variance per feature). Energy {@code E(v,h) = ||v - b||^2 / 2 - c.h - v^T W h}.
     */
    GAUSSIAN
}
