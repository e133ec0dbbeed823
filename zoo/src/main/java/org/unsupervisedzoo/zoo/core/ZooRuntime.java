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
 * In its place a daemon thread checks the resident size once a second and collects garbage when it has grown by
 * more than {@code zoo.gc.step} (512 MB) since the last collection (see {@code NativeMemoryGuard}): without any
 * check, a long run's native memory grew without bound.
 *
 * <p>BLAS kernels: the OpenBLAS 0.3.19 under ND4J 1.0.0-M2.1 picks its kernels from the CPU's family and model
 * number, and falls back to its generic SSE3 "Prescott" kernels on a model it does not know, however new. On an
 * Intel Xeon of family 6, model 207 (2026's machines here) that made every matrix product 5.5x slower (15 against
 * 84 GFLOPS on one core, {@code gemm} command; BENCHMARKS.md). Unless {@code OPENBLAS_CORETYPE} is set, this class
 * therefore names the kernels from the CPU's own feature flags ({@code /proc/cpuinfo}), before ND4J loads:
 * {@code SKYLAKEX} where the CPU has the AVX-512 subsets those kernels use (F, CD, BW, DQ, VL), else {@code HASWELL}
 * where it has AVX2 and FMA, except on AMD CPUs without AVX-512, which OpenBLAS 0.3.19 knows ("Zen") and tunes
 * for. These are the kernels OpenBLAS itself chooses for every Intel CPU of those classes it knows, so on those
 * nothing changes. {@code -Dzoo.blas.core=off} (or {@code ZOO_BLAS_CORE=off}) leaves OpenBLAS's own choice;
 * {@link #describe()} shows the kernels in effect ({@code blas core SkylakeX}).
 */
public final class ZooRuntime {
    /** System property overriding the thread settings. */
    public static final String PROPERTY = "zoo.threads";
    /** Environment variable overriding the thread settings (after the system property). */
    public static final String ENV = "ZOO_THREADS";
    /** System property ({@code off}) that leaves OpenBLAS's own choice of kernels (see the class comment). */
    public static final String BLAS_CORE_PROPERTY = "zoo.blas.core";
    /** Environment variable doing the same as {@link #BLAS_CORE_PROPERTY}, after it. */
    public static final String BLAS_CORE_ENV = "ZOO_BLAS_CORE";
    /** OpenBLAS's own variable naming its kernels; set by the user, it wins. */
    public static final String OPENBLAS_CORETYPE = "OPENBLAS_CORETYPE";
    /** JavaCPP's limit on the process's resident size (see the class comment); 0 turns its per-allocation check off. */
    public static final String MAX_PHYSICAL_BYTES = "org.bytedeco.javacpp.maxPhysicalBytes";

    private static volatile String applied;

    private ZooRuntime() {
    }

    /** System property: the growth of the resident size that makes the native-memory guard collect garbage. */
    public static final String GC_STEP_PROPERTY = "zoo.gc.step";

    /** System property: glibc's mmap threshold that the guard fixes (default {@value #MMAP_THRESHOLD} bytes). */
    public static final String MMAP_PROPERTY = "zoo.mmap.threshold";

    /** Applies the thread settings once per process; later calls return at once. Returns what was applied. */
    public static synchronized String applyDefaults() {
        if (applied == null) {
            skipPhysicalMemoryCheck();
            String property = System.getProperty(BLAS_CORE_PROPERTY);
            String core = blasCoreType(property != null ? property : System.getenv(BLAS_CORE_ENV),
                    System.getenv(OPENBLAS_CORETYPE), cpuInfo());
            if (core != null) {
                NativeEnvironment.set(OPENBLAS_CORETYPE, core); // read by OpenBLAS when ND4J loads it
            }
            guard = NativeMemoryGuard.start(System.getProperty(GC_STEP_PROPERTY));
            if (guard) {
                int bytes = mmapThreshold(System.getProperty(MMAP_PROPERTY));
                mmapThreshold = NativeEnvironment.fixMmapThreshold(bytes) ? bytes : 0;
            }
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

    /**
     * The OpenBLAS kernels to name for a CPU (see the class comment), or null to leave OpenBLAS's own choice.
     *
     * @param setting  {@code zoo.blas.core} or {@code ZOO_BLAS_CORE}: null or {@code auto} (choose), {@code off}
     * @param coretype {@code OPENBLAS_CORETYPE} as the user set it, or null
     * @param cpuinfo  the text of {@code /proc/cpuinfo}, or null where there is none
     * @throws IllegalArgumentException for a setting other than auto or off, naming it
     */
    static String blasCoreType(String setting, String coretype, String cpuinfo) {
        if (setting != null && !setting.isBlank() && !setting.trim().equalsIgnoreCase("auto")) {
            if (setting.trim().equalsIgnoreCase("off")) {
                return null;
            }
            throw new IllegalArgumentException(BLAS_CORE_PROPERTY + " (or " + BLAS_CORE_ENV
                    + ") must be auto or off, got '" + setting + "'; to name OpenBLAS's kernels set "
                    + OPENBLAS_CORETYPE);
        }
        if ((coretype != null && !coretype.isBlank()) || cpuinfo == null) {
            return null;
        }
        String flagsLine = cpuinfo.lines().filter(l -> l.startsWith("flags")).findFirst().orElse("");
        java.util.Set<String> flags = new java.util.HashSet<>(
                java.util.Arrays.asList(flagsLine.substring(flagsLine.indexOf(':') + 1).trim().split("\\s+")));
        boolean amd = cpuinfo.contains("AuthenticAMD");
        if (flags.containsAll(java.util.List.of("avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"))) {
            return "SKYLAKEX";
        }
        if (!amd && flags.containsAll(java.util.List.of("avx2", "fma"))) {
            return "HASWELL";
        }
        return null;
    }

    /** This machine's {@code /proc/cpuinfo}, or null (not Linux, or unreadable). */
    private static String cpuInfo() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/cpuinfo"));
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * The kernels of the OpenBLAS that ND4J loaded ({@code openblas_get_corename()}, e.g. {@code SkylakeX}, or
     * {@code Prescott} for the generic fallback), or {@code unknown} where it cannot be asked (not Linux, no JNA).
     */
    public static String blasCore() {
        Nd4j.create(1); // ND4J, and with it OpenBLAS, loaded
        try {
            java.util.Set<String> names = new java.util.TreeSet<>();
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/maps"))) {
                int slash = line.indexOf('/');
                if (slash >= 0 && line.substring(slash).contains("/libopenblas")) {
                    // RTLD_LAZY | RTLD_NOLOAD, without RTLD_GLOBAL (JNA's default): the library ND4J loaded, not
                    // promoted to global symbols, which let a second OpenBLAS (the gemm command's) bind to this one's
                    // functions and crash ("Bad memory unallocation")
                    com.sun.jna.NativeLibrary lib = com.sun.jna.NativeLibrary.getInstance(line.substring(slash),
                            java.util.Map.of(com.sun.jna.Library.OPTION_OPEN_FLAGS, 0x1 | 0x4));
                    names.add(lib.getFunction("openblas_get_corename").invokeString(new Object[0], false));
                }
            }
            return names.isEmpty() ? "unknown" : String.join("+", names);
        } catch (java.io.IOException | LinkageError | RuntimeException e) {
            return "unknown";
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
     * The thread counts, JavaCPP's resident-size check and OpenBLAS's kernels in effect, e.g. {@code ops 1, master 1,
     * blas 2, rss check off, blas core SkylakeX}.
     */
    public static String describe() {
        long maxPhysical = org.bytedeco.javacpp.Pointer.maxPhysicalBytes();
        return "ops " + Nd4j.getEnvironment().maxThreads() + ", master " + Nd4j.getEnvironment().maxMasterThreads()
                + ", blas " + Nd4j.factory().blas().getMaxThreads() + ", rss check "
                + (maxPhysical > 0 ? "at " + (maxPhysical >> 20) + " MB" : "off") + ", memory guard "
                + (guard ? "on" + (mmapThreshold > 0 ? ", mmap threshold " + (mmapThreshold >> 10) + " KB" : "") : "off")
                + ", blas core " + blasCore();
    }

    /**
     * The guard that replaces JavaCPP's per-allocation resident-size check (turned off above): a daemon thread,
     * {@value #GUARD_THREAD}, reads the process's resident size once a second and calls the garbage collector when
     * it has grown by more than a step (default 512 MB; {@code -Dzoo.gc.step=2G}, or {@code off}) since the last
     * collection. ND4J frees an array's native memory only when the Java object holding it is collected, and those
     * objects are small: a training loop that makes a few MB of native temporaries per step can fill gigabytes of
     * native memory while its Java heap never asks for a full collection (the contractive autoencoder grew by
     * about 1 GB an epoch, to 20 GB and the kernel's OOM killer in a 42-epoch run; BENCHMARKS.md). With the guard,
     * glibc's mmap threshold is fixed at {@value #MMAP_THRESHOLD} bytes ({@code -Dzoo.mmap.threshold}; through
     * JNA's {@code mallopt}; glibc otherwise raises it up to 32 MB once large blocks are freed, and then keeps freed
     * arrays in its arenas, where the resident size still grew by 0.3-0.5 GB an epoch despite the collections):
     * freed arrays at least that large go back to the system, and a second after each collection the guard asks
     * glibc to give back the free memory of its arenas too ({@code malloc_trim}), where the smaller arrays that the
     * collection freed lie. {@code -Dzoo.gc.step=off} turns all of it off.
     */
    static final class NativeMemoryGuard implements Runnable {
        private final long step;
        private long baseline;
        private int collections;

        NativeMemoryGuard(long step, long baseline) {
            this.step = step;
            this.baseline = baseline;
        }

        /**
         * Starts the guard unless {@code setting} is {@code off} (returns whether it started); the step is parsed
         * from it (null: 512 MB).
         */
        static boolean start(String setting) {
            long step = parseStep(setting);
            if (step <= 0) {
                return false;
            }
            Thread t = new Thread(new NativeMemoryGuard(step, org.bytedeco.javacpp.Pointer.physicalBytes()),
                    GUARD_THREAD);
            t.setDaemon(true);
            t.start();
            return true;
        }

        /** {@code null}: 512 MB; {@code off} or {@code 0}: 0 (no guard); else bytes with an optional K, M or G. */
        static long parseStep(String setting) {
            if (setting == null || setting.isBlank()) {
                return 512L << 20;
            }
            String v = setting.trim().toUpperCase(Locale.ROOT);
            if (v.equals("OFF")) {
                return 0;
            }
            long unit = v.endsWith("G") ? 1L << 30 : v.endsWith("M") ? 1L << 20 : v.endsWith("K") ? 1L << 10 : 1;
            try {
                long n = Long.parseLong(unit == 1 ? v : v.substring(0, v.length() - 1));
                if (n < 0) {
                    throw new NumberFormatException();
                }
                return n * unit;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("-D" + GC_STEP_PROPERTY + " must be off or a size such as 512M"
                        + " or 2G, got '" + setting + "'");
            }
        }

        /**
         * Whether the resident size {@code rss} calls for a collection (more than a step above the lowest size read
         * since the last collection: ND4J frees collected arrays a little after the collection, so the size read
         * right after one can still be high); if so, the caller collects.
         */
        boolean due(long rss) {
            baseline = Math.min(baseline, rss);
            return rss > baseline + step;
        }

        /** After a collection: the new baseline is the resident size then. */
        void collected(long rss) {
            baseline = rss;
            collections++;
        }

        int collections() {
            return collections;
        }

        @Override
        public void run() {
            boolean trim = false;
            while (true) {
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    return;
                }
                if (trim) { // a second after the collection: ND4J has freed the collected arrays by now
                    NativeEnvironment.trim();
                    trim = false;
                }
                if (due(org.bytedeco.javacpp.Pointer.physicalBytes())) {
                    System.gc();
                    collected(org.bytedeco.javacpp.Pointer.physicalBytes());
                    trim = true;
                }
            }
        }
    }

    /**
     * glibc's mmap threshold the guard fixes, 4 MB (see {@code NativeMemoryGuard}). Arrays below it come from
     * malloc's arenas and are reused; arrays at or above it get pages of their own, mapped and unmapped with each
     * allocation. It was glibc's initial 128 KB, which made a minibatch's activations (256 x 784 floats, 0.8 MB)
     * mapped and unmapped by every op: one thread barely noticed, but with two training threads in one process the
     * kernel's share of the run more than doubled, and two data-parallel workers ran at 0.5-0.8x of one worker
     * instead of 1.3x (BENCHMARKS.md, "Two cores").
     */
    static final int MMAP_THRESHOLD = 4 << 20;

    /** The mmap threshold a {@code zoo.mmap.threshold} setting asks for: null for the default, else a size. */
    static int mmapThreshold(String setting) {
        if (setting == null || setting.isBlank()) {
            return MMAP_THRESHOLD;
        }
        long bytes;
        try {
            bytes = NativeMemoryGuard.parseStep(setting);
        } catch (IllegalArgumentException e) {
            bytes = -1;
        }
        if (bytes < 1 || bytes > 32L << 20) {
            throw new IllegalArgumentException("-D" + MMAP_PROPERTY + " must be a size from 1 byte to 32M, such as "
                    + "128K or 4M, got '" + setting + "'");
        }
        return (int) bytes;
    }

    /** Whether this process started the native-memory guard. */
    private static boolean guard;

    /** glibc's mmap threshold as fixed, in bytes; 0 where it was not. */
    private static int mmapThreshold;

    /** The name of the native-memory guard's thread. */
    public static final String GUARD_THREAD = "zoo-native-memory-guard";

    /** C's {@code setenv} for this process, so that native libraries loaded afterwards read the value. */
    static final class NativeEnvironment {
        private NativeEnvironment() {
        }

        /** The libc binding (JNA maps the interface's method to the C function of the same name). */
        public interface LibC extends com.sun.jna.Library {
            int setenv(String name, String value, int overwrite);

            int mallopt(int param, int value);

            int malloc_trim(long pad);
        }

        /** glibc's {@code M_MMAP_THRESHOLD}: allocations at least this large get pages of their own. */
        static final int M_MMAP_THRESHOLD = -3;

        /**
         * Fixes glibc's mmap threshold at {@code bytes}, which also turns off its dynamic raising (up to 32 MB) after
         * large blocks are freed; returns false where it cannot (no JNA, not glibc). Native arrays of ND4J at least
         * that large are then given back to the system when freed, instead of staying in malloc's arenas.
         */
        static boolean fixMmapThreshold(int bytes) {
            return call(c -> c.mallopt(M_MMAP_THRESHOLD, bytes) == 1);
        }

        /** Gives the free memory of malloc's arenas back to the system ({@code malloc_trim(0)}); false where it cannot. */
        static boolean trim() {
            return call(c -> c.malloc_trim(0) == 1);
        }

        /** Sets {@code name=value}; returns false where it cannot (no JNA, no libc {@code setenv}, e.g. Windows). */
        static boolean set(String name, String value) {
            return call(c -> c.setenv(name, value, 1) == 0);
        }

        private static LibC libc;

        /**
         * Whether {@code ok} holds for a call into the C library, bound once (the guard calls {@link #trim} after each
         * collection); false where JNA, the library or the function is unavailable.
         */
        private static boolean call(java.util.function.Predicate<LibC> ok) {
            try {
                synchronized (NativeEnvironment.class) {
                    if (libc == null) {
                        libc = (LibC) com.sun.jna.Native.loadLibrary("c", LibC.class);
                    }
                }
                return ok.test(libc);
            } catch (LinkageError | RuntimeException e) {
                return false;
            }
        }
    }
}
