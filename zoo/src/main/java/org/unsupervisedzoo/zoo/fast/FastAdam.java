package org.unsupervisedzoo.zoo.fast;

import org.unsupervisedzoo.zoo.core.Checks;
import org.unsupervisedzoo.zoo.core.FloatViews;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.floating.Sqrt;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.AdamUpdater;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.shade.jackson.annotation.JsonCreator;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Adam (Kingma and Ba 2015) with DL4J's exact update, computed in one Java pass over the parameters (float; double
 * in seven in-place ND4J passes) instead of
 * ND4J 1.0.0-M2.1's native {@code adam_updater} op, which took 16 ms per step for 1.6 million parameters on this
 * project's machine against 9 ms this way (BENCHMARKS.md): the zoo's default optimiser.
 *
 * <p>With {@code t = iteration + 1}, gradient {@code g}, and DL4J's bias correction folded into the step size:
 * <pre>
 *   m = beta1 m + (1 - beta1) g          (scale, BLAS axpy)
 *   v = beta2 v + (1 - beta2) g^2        (g squared in place, scale, axpy)
 *   update = alpha_t m / (sqrt(v) + epsilon),   alpha_t = lr sqrt(1 - beta2^t) / (1 - beta1^t)
 *                                            (epsilon where that is 0 or NaN, as DL4J's op: a rate of 0 still steps)
 * </pre>
 * which is DL4J's {@link AdamUpdater} to float rounding (a test compares them step by step). The state (m then v in
 * one view), JSON fields, defaults and learning-rate schedules are {@link Adam}'s, so saved models and checkpoints
 * are interchangeable with it. Arrays the in-place path cannot take (a gradient whose layout differs from the state's,
 * half precision) go through DL4J's native op.
 */
public class FastAdam extends Adam {
    /** Adam with DL4J's defaults (lr 1e-3, beta1 0.9, beta2 0.999, epsilon 1e-8). */
    public FastAdam() {
        super();
    }

    /** Adam with learning rate {@code learningRate} and the other defaults. */
    public FastAdam(double learningRate) {
        super(learningRate);
        check(true);
    }

    /** Adam with every setting. */
    public FastAdam(double learningRate, double beta1, double beta2, double epsilon) {
        super(learningRate, beta1, beta2, epsilon);
        check(true);
    }

    /** For JSON. */
    @JsonCreator
    public FastAdam(@JsonProperty("learningRate") double learningRate,
                    @JsonProperty("learningRateSchedule") ISchedule learningRateSchedule,
                    @JsonProperty("beta1") double beta1, @JsonProperty("beta2") double beta2,
                    @JsonProperty("epsilon") double epsilon) {
        super(learningRate, beta1, beta2, epsilon);
        setLearningRateSchedule(learningRateSchedule);
        check(learningRateSchedule == null); // with a schedule the fixed rate is unused
    }

    /**
     * The settings' ranges: a finite rate >= 0 (as the builders' Checks.updater), betas in [0, 1), epsilon > 0
     * (DL4J's Adam takes any double; a NaN rate makes every parameter NaN after the first step).
     */
    private void check(boolean fixedRate) {
        if (fixedRate) {
            Checks.nonNegative("learningRate", getLearningRate());
        }
        Checks.inRange("beta1", getBeta1(), 0, 1);
        Checks.inRange("beta2", getBeta2(), 0, 1);
        Checks.positive("epsilon", getEpsilon());
    }

    @Override
    public GradientUpdater instantiate(INDArray viewArray, boolean initializeViewArray) {
        Updater u = new Updater(this);
        viewArray = viewArray.reshape(viewArray.length()); // as Adam.instantiate: state [n] and [n]
        long[] gradientShape = viewArray.shape();
        gradientShape = Arrays.copyOf(gradientShape, gradientShape.length);
        gradientShape[0] /= 2;
        u.setStateViewArray(viewArray, gradientShape, viewArray.ordering(), initializeViewArray);
        return u;
    }

    @Override
    public GradientUpdater instantiate(Map<String, INDArray> updaterState, boolean initializeStateArrays) {
        Updater u = new Updater(this);
        u.setState(updaterState, initializeStateArrays);
        return u;
    }

    @Override
    public FastAdam clone() {
        return new FastAdam(getLearningRate(), getLearningRateSchedule() == null ? null
                : getLearningRateSchedule().clone(), getBeta1(), getBeta2(), getEpsilon());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FastAdam && super.equals(o);
    }

    @Override
    public int hashCode() {
        return 31 * super.hashCode() + 1;
    }

    @Override
    public String toString() {
        return "FastAdam(learningRate=" + getLearningRate() + ", learningRateSchedule=" + getLearningRateSchedule()
                + ", beta1=" + getBeta1() + ", beta2=" + getBeta2() + ", epsilon=" + getEpsilon() + ")";
    }

    /** The runtime: DL4J's {@link AdamUpdater} (state layout, set-up) with the update in in-place passes. */
    static final class Updater extends AdamUpdater {
        /** Elements per chunk of the Java pass (three chunks fit in a core's L2 cache). */
        static final int CHUNK = 8192;
        private final FastAdam settings;
        private long inPlaceSteps;
        private long javaPassSteps;
        private float[] cg;
        private float[] cm;
        private float[] cv;

        Updater(FastAdam settings) {
            super(settings);
            this.settings = settings;
        }

        /** Steps taken by the in-place path (the rest went through DL4J's op). */
        long inPlaceSteps() {
            return inPlaceSteps;
        }

        /** Steps of the in-place path that took the Java pass. */
        long javaPassSteps() {
            return javaPassSteps;
        }

        /**
         * The float update in one Java pass per chunk of {@link #CHUNK} elements: bulk copies of g, m and v into
         * three small heap arrays, the update in a loop the JIT compiles to vector instructions, bulk copies back.
         * ND4J 1.0.0-M2.1's {@code sqrt} op alone took about 4 ns per float on this project's machine (0.5-0.9 ms
         * for the undercomplete autoencoder's 221,000 parameters), this whole pass about 0.07 ms (BENCHMARKS.md).
         * Returns false, touching nothing, where an array's buffer is not readable from Java (the caller then runs
         * the ND4J passes).
         */
        boolean javaPass(INDArray g, INDArray m, INDArray v, float beta1, float beta2, float alpha, float eps) {
            FloatBuffer gb = FloatViews.of(g);
            FloatBuffer mb = FloatViews.of(m);
            FloatBuffer vb = FloatViews.of(v);
            if (gb == null || mb == null || vb == null) {
                return false;
            }
            if (cg == null) {
                cg = new float[CHUNK];
                cm = new float[CHUNK];
                cv = new float[CHUNK];
            }
            float[] sg = cg;
            float[] sm = cm;
            float[] sv = cv;
            float a1 = 1 - beta1;
            float a2 = 1 - beta2;
            int n = (int) g.length();
            int g0 = gb.position();
            int m0 = mb.position();
            int v0 = vb.position();
            for (int off = 0; off < n; off += CHUNK) {
                int len = Math.min(CHUNK, n - off);
                gb.get(g0 + off, sg, 0, len);
                mb.get(m0 + off, sm, 0, len);
                vb.get(v0 + off, sv, 0, len);
                for (int i = 0; i < len; i++) {
                    float gi = sg[i];
                    float mi = beta1 * sm[i] + a1 * gi;
                    float vi = beta2 * sv[i] + a2 * (gi * gi);
                    sm[i] = mi;
                    sv[i] = vi;
                    sg[i] = alpha * mi / ((float) Math.sqrt(vi) + eps);
                }
                gb.put(g0 + off, sg, 0, len);
                mb.put(m0 + off, sm, 0, len);
                vb.put(v0 + off, sv, 0, len);
            }
            javaPassSteps++;
            return true;
        }

        static boolean inPlaceCapable(INDArray g, INDArray m, INDArray v) {
            DataType t = g.dataType();
            return (t == DataType.FLOAT || t == DataType.DOUBLE) && m.dataType() == t && v.dataType() == t
                    && Arrays.equals(g.shape(), m.shape()) && Arrays.equals(g.shape(), v.shape())
                    && g.ordering() == m.ordering() && g.ordering() == v.ordering()
                    && g.elementWiseStride() == 1 && m.elementWiseStride() == 1 && v.elementWiseStride() == 1;
        }

        @Override
        public void applyUpdater(INDArray gradient, int iteration, int epoch) {
            INDArray m = getM();
            INDArray v = getV();
            if (m == null || v == null) {
                throw new IllegalStateException("Updater has not been initialized with view state");
            }
            // the gradient as the state's shape (DL4J's op does the same); a view of it for contiguous gradients
            INDArray g = gradient.length() == m.length() ? gradient.reshape(m.ordering(), m.shape()) : gradient;
            if (!inPlaceCapable(g, m, v)) {
                super.applyUpdater(gradient, iteration, epoch);
                return;
            }
            double beta1 = settings.getBeta1();
            double beta2 = settings.getBeta2();
            double lr = settings.getLearningRate(iteration, epoch);
            int t = iteration + 1;
            double alpha = lr * Math.sqrt(1 - Math.pow(beta2, t)) / (1 - Math.pow(beta1, t));
            if (Double.isNaN(alpha) || alpha == 0) {
                // DL4J's native Adam op takes epsilon as the step size where it would be 0 or NaN (a rate of 0, or
                // a schedule that reaches 0): the same here, so the two stay equal (FastAdamTest)
                alpha = settings.getEpsilon();
            }
            if (!javaPass(g, m, v, (float) beta1, (float) beta2, (float) alpha, (float) settings.getEpsilon())) {
                long n = g.length();
                m.muli(beta1);
                Nd4j.getBlasWrapper().level1().axpy(n, 1 - beta1, g, m);
                g.muli(g);
                v.muli(beta2);
                Nd4j.getBlasWrapper().level1().axpy(n, 1 - beta2, g, v);
                Nd4j.exec(new Sqrt(v, g));
                g.addi(settings.getEpsilon()).rdivi(m).muli(alpha);
            }
            if (g.data() != gradient.data()) { // reshape had to copy
                gradient.assign(g.reshape(gradient.ordering(), gradient.shape()));
            }
            inPlaceSteps++;
        }
    }
}
