package org.unsupervisedzoo.zoo.train;

import java.util.Locale;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Thread settings of ND4J's CPU backend that suit small models on few cores, applied once per process when the first
 * zoo model is initialised ({@link org.unsupervisedzoo.zoo.ZooModelFactory#init()}) or explicitly with {@link
 * #applyDefaults()}.
 *
 * <p>ND4J runs two thread pools: its own for element-wise ops, reductions and convolution helpers (sized from
 * {@code OMP_NUM_THREADS}, else the core count), and OpenBLAS's for matrix products. Left at the core count both,
 * they compete for the same cores; on 2 cores that made the dense autoencoders 2.5x slower (BENCHMARKS.md). The
 * default here is one thread for each (the zoo's models are small: their matrix products are too small for a second
 * BLAS thread to pay for its synchronisation; measured side by side with 1+2, 2+2 and ND4J's own default,
 * BENCHMARKS.md), set from Java so that a run needs no environment variable. On a machine with many cores and
 * larger models, try {@code ZOO_THREADS=1,4}.
 *
 * <p>Overrides, in order: the system property {@code zoo.threads} or the environment variable {@code ZOO_THREADS}
 * ({@code off}: leave ND4J as it starts; {@code N}: N threads for both pools; {@code N,M}: N for ND4J's ops, M for
 * BLAS; {@code auto}: the default); else, when {@code OMP_NUM_THREADS} is set, ND4J's own reading of it is kept
 * (the user chose); else the default above.
 */
public final class ZooRuntime {
    /** System property overriding the thread settings. */
    public static final String PROPERTY = "zoo.threads";
    /** Environment variable overriding the thread settings (after the system property). */
    public static final String ENV = "ZOO_THREADS";

    private static volatile String applied;

    private ZooRuntime() {
    }

    /** Applies the thread settings once per process; later calls return at once. Returns what was applied. */
    public static synchronized String applyDefaults() {
        if (applied == null) {
            applied = apply(setting(System.getProperty(PROPERTY), System.getenv(ENV),
                    System.getenv("OMP_NUM_THREADS"), Runtime.getRuntime().availableProcessors()));
        }
        return applied;
    }

    /**
     * The thread counts {ops, blas} a setting asks for, or null to leave ND4J alone.
     *
     * @param property the {@code zoo.threads} property, or null
     * @param env      {@code ZOO_THREADS}, or null
     * @param omp      {@code OMP_NUM_THREADS}, or null
     * @param cores    available processors (kept for settings that depend on them; the default does not)
     * @throws IllegalArgumentException for a malformed setting, naming it
     */
    static int[] setting(String property, String env, String omp, int cores) {
        String source = property != null ? PROPERTY : ENV;
        String s = property != null ? property : env;
        if (s == null || s.isBlank() || s.trim().equalsIgnoreCase("auto")) {
            if (omp != null && !omp.isBlank()) {
                return null;
            }
            return new int[] {1, 1};
        }
        s = s.trim().toLowerCase(Locale.ROOT);
        if (s.equals("off")) {
            return null;
        }
        String[] parts = s.split(",");
        try {
            int ops = Integer.parseInt(parts[0].trim());
            int blas = parts.length > 1 ? Integer.parseInt(parts[1].trim()) : ops;
            if (parts.length > 2 || ops < 1 || blas < 1) {
                throw new NumberFormatException();
            }
            return new int[] {ops, blas};
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(source + " must be auto, off, N or N,M with positive N and M, got '"
                    + s + "'");
        }
    }

    private static String apply(int[] threads) {
        if (threads != null) {
            Nd4j.getEnvironment().setMaxMasterThreads(threads[0]);
            Nd4j.getEnvironment().setMaxThreads(threads[0]);
            Nd4j.factory().blas().setMaxThreads(threads[1]);
        }
        return describe();
    }

    /** The thread counts in effect, e.g. {@code ops 1, blas 2}. */
    public static String describe() {
        return "ops " + Nd4j.getEnvironment().maxThreads() + ", master " + Nd4j.getEnvironment().maxMasterThreads()
                + ", blas " + Nd4j.factory().blas().getMaxThreads();
    }
}
