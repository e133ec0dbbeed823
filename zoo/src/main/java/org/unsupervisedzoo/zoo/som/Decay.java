package org.unsupervisedzoo.zoo.som;

import java.util.Objects;
import org.nd4j.linalg.schedule.ISchedule;

/**
 * A value (learning rate or radius) decaying over training iterations {@code t}, with {@code T} =
 * {@code iterations}, {@code s} = {@code start}, {@code e} = {@code end}, {@code u = min(t, T) / T}:
 * <ul>
 *   <li>{@code CONSTANT}: {@code s};</li>
 *   <li>{@code LINEAR}: {@code s + (e - s) u};</li>
 *   <li>{@code EXPONENTIAL}: {@code s (e / s)^u};</li>
 *   <li>{@code ASYMPTOTIC}: {@code s / (1 + t / (T / 2))}, MiniSom's {@code asymptotic_decay} ({@code e} unused).</li>
 * </ul>
 * LINEAR and EXPONENTIAL reach {@code e} at {@code t = T} and stay there. It is an ND4J {@link ISchedule}, so it
 * also serves as the learning-rate schedule of an {@code Sgd} updater (which evaluates it at the graph's
 * iteration count); {@link SomIterator} evaluates the radius schedule at the same count.
 */
public class Decay implements ISchedule {
    /** The decay curves. */
    public enum Type {
        CONSTANT, LINEAR, EXPONENTIAL, ASYMPTOTIC
    }

    private Type type = Type.EXPONENTIAL;
    private double start = 1;
    private double end = 1;
    private long iterations = 1;

    /** For JSON. */
    public Decay() {
    }

    public Decay(Type type, double start, double end, long iterations) {
        if (type == null) {
            throw new IllegalArgumentException("decay type must not be null");
        }
        if (!(start > 0) || Double.isInfinite(start)) {
            throw new IllegalArgumentException("start must be a finite number > 0, got " + start);
        }
        if (!(end > 0) || Double.isInfinite(end)) {
            throw new IllegalArgumentException("end must be a finite number > 0, got " + end);
        }
        if (iterations <= 0) {
            throw new IllegalArgumentException("iterations must be positive, got " + iterations);
        }
        this.type = type;
        this.start = start;
        this.end = end;
        this.iterations = iterations;
    }

    /** The value at iteration {@code t} (0-based). */
    public double at(long t) {
        double u = Math.min(Math.max(t, 0), iterations) / (double) iterations;
        switch (type) {
            case CONSTANT:
                return start;
            case LINEAR:
                return start + (end - start) * u;
            case EXPONENTIAL:
                return start * Math.pow(end / start, u);
            case ASYMPTOTIC:
                return start / (1 + Math.max(t, 0) / (iterations / 2.0));
            default:
                throw new IllegalStateException(type.name());
        }
    }

    @Override
    public double valueAt(int iteration, int epoch) {
        return at(iteration);
    }

    @Override
    public ISchedule clone() {
        return new Decay(type, start, end, iterations);
    }

    public Type getType() {
        return type;
    }

    public void setType(Type type) {
        this.type = type;
    }

    public double getStart() {
        return start;
    }

    public void setStart(double start) {
        this.start = start;
    }

    public double getEnd() {
        return end;
    }

    public void setEnd(double end) {
        this.end = end;
    }

    public long getIterations() {
        return iterations;
    }

    public void setIterations(long iterations) {
        this.iterations = iterations;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Decay)) {
            return false;
        }
        Decay d = (Decay) o;
        return type == d.type && start == d.start && end == d.end && iterations == d.iterations;
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, start, end, iterations);
    }

    @Override
    public String toString() {
        return "Decay(" + type + ", " + start + " -> " + end + " over " + iterations + ")";
    }
}
