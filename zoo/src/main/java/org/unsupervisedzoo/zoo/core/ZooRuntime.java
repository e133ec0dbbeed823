package org.unsupervisedzoo.zoo.core;

import java.util.Locale;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Thread settings of ND4J's CPU backend that suit small models on few cores, applied once per process by an explicit
 * call of {@link #applyDefaults()}: the command line makes it first thing; a program of your own calls it at the top
 * of {@code main}. No factory calls it: building or initialising a zoo model changes nothing process-wide.
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
 *
 * <p>ND4J 1.0.0-M2.1 sizes its op pool once, from {@code OMP_NUM_THREADS}, when its native library loads; its
 * {@code setMaxThreads} is ignored after that, and its reductions and element-wise ops then keep using every core
 * (on 2 cores a second thread made the undercomplete autoencoder's step up to 1.6x slower: BENCHMARKS.md). So the
 * settings are applied, when possible, before ND4J loads: this class sets {@code OMP_NUM_THREADS} in the process's
 * own environment (C's {@code setenv}, through JNA, which DL4J's {@code deeplearning4j-core} brings) and only then
 * touches ND4J. That works when {@link #applyDefaults()} runs before any ND4J array is made: the zoo's command line
 * calls it first thing; a program of a user's own should call it at the top of {@code main}. Called later (or where
 * {@code setenv} is unavailable) it still sets the master-thread and BLAS counts, and {@link #describe()} shows the
 * op-pool size in effect ({@code ops N}).
 *
 * <p>Native memory: JavaCPP (under ND4J) by default reads the process's resident size from {@code /proc} at every
 * native allocation, to call the garbage collector when it passes {@code org.bytedeco.javacpp.maxPhysicalBytes}
 * (twice the heap limit unless set). ND4J makes several such allocations per op (shape descriptors, buffers of
 * arrays outside workspaces), and on the undercomplete autoencoder that read was 11% of the training step (a Java
 * Flight Recorder profile; 1.19x steps/s without it, BENCHMARKS.md). Unless the property is set (either spelling),
 * this class sets it to {@code 0}, which turns that check off before JavaCPP loads; JavaCPP's cheaper check against
 * {@code org.bytedeco.javacpp.maxBytes} stays, and ND4J still frees arrays outside workspaces when the garbage
 * collector finds them. A run that needs the guard (long jobs with many arrays outside workspaces and a large heap)
 * passes {@code -Dorg.bytedeco.javacpp.maxPhysicalBytes=8G} or similar; {@link #describe()} shows which is in effect.
 */
public final class ZooRuntime {
    /** System property overriding the thread settings. */
    public static final String PROPERTY = "zoo.threads";
    /** Environment variable overriding the thread settings (after the system property). */
    public static final String ENV = "ZOO_THREADS";
    /** JavaCPP's limit on the process's resident size (see the class comment); 0 turns its per-allocation check off. */
    public static final String MAX_PHYSICAL_BYTES = "org.bytedeco.javacpp.maxPhysicalBytes";

    private static volatile String applied;

    private ZooRuntime() {
    }

    /** Applies the thread settings once per process; later calls return at once. Returns what was applied. */
    public static synchronized String applyDefaults() {
        if (applied == null) {
            skipPhysicalMemoryCheck();
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

    /** Sets {@link #MAX_PHYSICAL_BYTES} to 0 unless the user set it (in either of JavaCPP's spellings). */
    static void skipPhysicalMemoryCheck() {
        if (System.getProperty(MAX_PHYSICAL_BYTES) == null
                && System.getProperty(MAX_PHYSICAL_BYTES.toLowerCase(Locale.ROOT)) == null) {
            System.setProperty(MAX_PHYSICAL_BYTES, "0");
        }
    }

    private static String apply(int[] threads) {
        if (threads != null) {
            NativeEnvironment.set("OMP_NUM_THREADS", Integer.toString(threads[0])); // before ND4J loads (see above)
            Nd4j.getEnvironment().setMaxMasterThreads(threads[0]);
            Nd4j.getEnvironment().setMaxThreads(threads[0]);
            Nd4j.factory().blas().setMaxThreads(threads[1]);
        }
        return describe();
    }

    /**
     * The thread counts and JavaCPP's resident-size check in effect, e.g. {@code ops 1, master 1, blas 2, rss check
     * off}.
     */
    public static String describe() {
        long maxPhysical = org.bytedeco.javacpp.Pointer.maxPhysicalBytes();
        return "ops " + Nd4j.getEnvironment().maxThreads() + ", master " + Nd4j.getEnvironment().maxMasterThreads()
                + ", blas " + Nd4j.factory().blas().getMaxThreads() + ", rss check "
                + (maxPhysical > 0 ? "at " + (maxPhysical >> 20) + " MB" : "off");
    }

    /** C's {@code setenv} for this process, so that native libraries loaded afterwards read the value. */
    static final class NativeEnvironment {
        private NativeEnvironment() {
        }

        /** The libc binding (JNA maps the interface's method to the C function of the same name). */
        public interface LibC extends com.sun.jna.Library {
            int setenv(String name, String value, int overwrite);
        }

        /** Sets {@code name=value}; returns false where it cannot (no JNA, no libc {@code setenv}, e.g. Windows). */
        static boolean set(String name, String value) {
            try {
                LibC c = (LibC) com.sun.jna.Native.loadLibrary("c", LibC.class);
                return c.setenv(name, value, 1) == 0;
            } catch (LinkageError | RuntimeException e) {
                return false;
            }
        }
    }
}
