package org.unsupervisedzoo.zoo.som;

/**
 * How strongly unit {@code j} learns from an example whose best-matching unit is {@code c}, as a function of their
 * squared grid distance {@code g2 = |r_c - r_j|^2} and the radius {@code sigma} (MiniSom's definitions).
 */
public enum Neighborhood {
    /** {@code h = exp(-g2 / (2 sigma^2))}. */
    GAUSSIAN,
    /** {@code h = 1} if {@code g2 <= sigma^2} (grid distance at most sigma; the BMU always), else 0. */
    BUBBLE,
    /**
     * Mexican hat (Ricker wavelet): {@code h = (1 - g2 / sigma^2) exp(-g2 / (2 sigma^2))}: positive near the BMU,
     * negative (pushing prototypes away) for grid distances beyond sigma.
     */
    MEXICAN_HAT;

    /** The neighbourhood value for a squared grid distance {@code g2} and radius {@code sigma}. */
    public double value(double g2, double sigma) {
        double s2 = sigma * sigma;
        switch (this) {
            case GAUSSIAN:
                return Math.exp(-g2 / (2 * s2));
            case BUBBLE:
                return g2 <= s2 ? 1.0 : 0.0;
            case MEXICAN_HAT:
                return (1 - g2 / s2) * Math.exp(-g2 / (2 * s2));
            default:
                throw new IllegalStateException(name());
        }
    }
}
