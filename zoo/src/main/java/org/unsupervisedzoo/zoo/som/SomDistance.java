package org.unsupervisedzoo.zoo.som;

/** How an example is compared with a prototype (to find its best-matching unit, and to train). */
public enum SomDistance {
    /** {@code |x - w|} (training uses {@code |x - w|^2 / 2}). */
    EUCLIDEAN,
    /**
     * {@code 1 - cos(x, w)}: examples and prototypes are normalised to unit length first; training uses
     * {@code |x/|x| - w/|w||^2 / 2 = 1 - cos(x, w)}.
     */
    COSINE
}
