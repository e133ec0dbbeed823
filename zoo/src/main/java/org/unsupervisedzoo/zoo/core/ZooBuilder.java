package org.unsupervisedzoo.zoo.core;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Adam;

/**
 * The training hyper-parameters every zoo factory shares, each with its default. Model builders extend it and
 * add their own fields.
 *
 * @param <B> the concrete builder, returned by every setter
 */
public abstract class ZooBuilder<B extends ZooBuilder<B>> implements Cloneable {
    protected IUpdater updater = new Adam(1e-3);
    protected WeightInit weightInit = WeightInit.XAVIER;
    protected double l1 = 0;
    protected double l2 = 0;
    protected double weightDecay = 0;
    protected long seed = 12345;
    protected DataType dataType = DataType.FLOAT;

    @SuppressWarnings("unchecked")
    protected final B self() {
        return (B) this;
    }

    /**
     * Optimiser, e.g. {@code new Sgd(0.1)}, {@code new Adam(1e-3)}. Default {@code Adam(1e-3)} (the zoo's runners
     * swap in its faster twin {@code FastAdam}: same update and state).
     */
    public B updater(IUpdater updater) {
        this.updater = updater;
        return self();
    }

    /** Weight initialisation. Default XAVIER. */
    public B weightInit(WeightInit weightInit) {
        this.weightInit = weightInit;
        return self();
    }

    /** L1 penalty on weights. Default 0. */
    public B l1(double l1) {
        this.l1 = l1;
        return self();
    }

    /** L2 penalty on weights (exclusive with weightDecay). Default 0. */
    public B l2(double l2) {
        this.l2 = l2;
        return self();
    }

    /** Decoupled weight decay coefficient, scaled by the learning rate (exclusive with l2). Default 0. */
    public B weightDecay(double weightDecay) {
        this.weightDecay = weightDecay;
        return self();
    }

    /** Seed of weight initialisation and of any noise DL4J draws (dropout, corruption). Default 12345. */
    public B seed(long seed) {
        this.seed = seed;
        return self();
    }

    /** Parameter and activation type. Default FLOAT; DOUBLE for gradient checks. */
    public B dataType(DataType dataType) {
        this.dataType = dataType;
        return self();
    }

    /**
     * A copy of these settings that later calls on this builder do not change: each factory's constructor keeps one,
     * so a built model is immutable. Arrays, updaters, dropouts and schedules are copied; other fields are immutable
     * values (enums, numbers, strings, activation functions).
     */
    @SuppressWarnings("unchecked")
    public final B copy() {
        try {
            B c = (B) super.clone();
            for (Class<?> k = getClass(); k != Object.class; k = k.getSuperclass()) {
                for (java.lang.reflect.Field f : k.getDeclaredFields()) {
                    if (java.lang.reflect.Modifier.isStatic(f.getModifiers())) {
                        continue;
                    }
                    f.setAccessible(true);
                    f.set(c, deepCopy(f.get(c)));
                }
            }
            return c;
        } catch (CloneNotSupportedException | IllegalAccessException e) {
            throw new IllegalStateException("cannot copy " + getClass().getName() + ": " + e.getMessage(), e);
        }
    }

    private static Object deepCopy(Object v) {
        if (v == null) {
            return null;
        }
        if (v.getClass().isArray()) {
            int n = java.lang.reflect.Array.getLength(v);
            Object out = java.lang.reflect.Array.newInstance(v.getClass().getComponentType(), n);
            for (int i = 0; i < n; i++) {
                java.lang.reflect.Array.set(out, i, deepCopy(java.lang.reflect.Array.get(v, i)));
            }
            return out;
        }
        if (v instanceof IUpdater u) {
            return u.clone();
        }
        if (v instanceof org.deeplearning4j.nn.conf.dropout.IDropout d) {
            return d.clone();
        }
        if (v instanceof org.nd4j.linalg.schedule.ISchedule s) {
            return s.clone();
        }
        return v;
    }

    /** Checks the shared fields; model builders call it from {@code build()}. */
    protected void validateCommon() {
        Checks.updater("updater", updater);
        Checks.notNull("weightInit", weightInit);
        Checks.notNull("dataType", dataType);
        Checks.nonNegative("l1", l1);
        Checks.nonNegative("l2", l2);
        Checks.nonNegative("weightDecay", weightDecay);
        if (l2 > 0 && weightDecay > 0) {
            throw new IllegalArgumentException("set l2 (" + l2 + ") or weightDecay (" + weightDecay
                    + "), not both: DL4J keeps only one of them");
        }
        if (!dataType.isFPType()) {
            throw new IllegalArgumentException("dataType must be a floating-point type, got " + dataType);
        }
    }

    /** The parameter type the model is built with. */
    public DataType getDataType() {
        return dataType;
    }

    /** A DL4J configuration builder carrying the shared fields. */
    public NeuralNetConfiguration.Builder netBuilder() {
        return new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(dataType)
                .updater(updater)
                .weightInit(weightInit)
                .l1(l1)
                .l2(l2)
                .weightDecay(weightDecay);
    }
}
