package org.unsupervisedzoo.zoo.fast;

/**
 * Whether the zoo's SIMD kernels ({@link SimdKernels}) run in this JVM: only where it was started with {@code
 * --add-modules jdk.incubator.vector} (the JDK's incubating Vector API), a float vector has at least 4 lanes, and
 * the system property {@code zoo.simd} is not {@code false}. Elsewhere every caller keeps DL4J's own path; the
 * results agree to float rounding (tested in {@code CachedLayersTest}).
 *
 * <p>The flag cannot be set from inside a running JVM or from an executable jar's manifest, so the zoo's recipes
 * pass it ({@code JDK_JAVA_OPTIONS=--add-modules=jdk.incubator.vector}), and a runner whose model would gain from it
 * says so once ({@link #hint}).
 */
public final class Simd {
    /** The module that must be resolved. */
    public static final String MODULE = "jdk.incubator.vector";
    private static final boolean AVAILABLE = probe();
    private static volatile boolean enabled = AVAILABLE;

    private Simd() {
    }

    private static boolean probe() {
        if (!Boolean.parseBoolean(System.getProperty("zoo.simd", "true"))
                || ModuleLayer.boot().findModule(MODULE).isEmpty()) {
            return false;
        }
        try {
            return SimdKernels.lanes() >= 4;
        } catch (LinkageError e) {
            return false;
        }
    }

    /** Whether the SIMD kernels run now. */
    public static boolean enabled() {
        return enabled;
    }

    /**
     * Turns the kernels off (DL4J's path everywhere, e.g. to compare the two) or back on where available; returns the
     * previous state. Also {@code -Dzoo.simd=false} at start.
     */
    public static boolean enable(boolean on) {
        boolean was = enabled;
        enabled = on && AVAILABLE;
        return was;
    }

    /**
     * A one-line note for a runner's log where the kernels are off but would run with the flag, else null: {@code
     * what} says what gains (e.g. "M2 trains about 1.4x faster").
     */
    public static String hint(String what) {
        if (enabled || !Boolean.parseBoolean(System.getProperty("zoo.simd", "true"))) {
            return null;
        }
        return "note: " + what + " with the JVM option --add-modules " + MODULE + " (e.g. JDK_JAVA_OPTIONS="
                + "--add-modules=" + MODULE + "); the same results either way";
    }
}
