package org.unsupervisedzoo.zoo.core;

import java.util.Arrays;
import org.nd4j.linalg.learning.config.IUpdater;

/** Build-time validation of hyper-parameters; every message names the field and the value. */
public final class Checks {
    private Checks() {
    }

    public static void positive(String field, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(field + " must be positive, got " + value);
        }
    }

    public static void positive(String field, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(field + " must be a finite number > 0, got " + value);
        }
    }

    public static void nonNegative(String field, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(field + " must be a finite number >= 0, got " + value);
        }
    }

    /** {@code lo <= value < hi}. */
    public static void inRange(String field, double value, double lo, double hi) {
        if (!(value >= lo && value < hi)) {
            throw new IllegalArgumentException(field + " must be in [" + lo + "," + hi + "), got " + value);
        }
    }

    /**
     * An updater that is set and, where it has a learning rate, whose rate (at iteration 0, epoch 0: the schedule's
     * start where it has one) is a finite number >= 0. DL4J's updaters take any double, and a NaN rate trains every
     * parameter to NaN without an error. A rate of 0 is allowed (a graph whose steps change nothing; the Spark
     * trainer reports such an epoch, and the command line's --lr must be > 0).
     */
    public static void updater(String field, IUpdater updater) {
        notNull(field, updater);
        if (updater.hasLearningRate()) {
            double lr = updater.getLearningRate(0, 0);
            if (!(lr >= 0) || Double.isInfinite(lr)) {
                throw new IllegalArgumentException(field + " learning rate must be a finite number >= 0, got " + lr
                        + " (" + updater.getClass().getSimpleName() + ")");
            }
        }
    }

    public static void notNull(String field, Object value) {
        if (value == null) {
            throw new IllegalArgumentException(field + " must not be null");
        }
    }

    /** A non-empty list of positive sizes. */
    public static void positiveSizes(String field, int[] sizes) {
        if (sizes == null || sizes.length == 0) {
            throw new IllegalArgumentException(field + " must list at least one size, got "
                    + Arrays.toString(sizes));
        }
        for (int i = 0; i < sizes.length; i++) {
            if (sizes[i] <= 0) {
                throw new IllegalArgumentException(field + "[" + i + "] must be positive, got " + sizes[i]
                        + " in " + Arrays.toString(sizes));
            }
        }
    }
}
