package org.unsupervisedzoo.zoo.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Which thread settings a run gets from the property, the environment and the core count. */
class ZooRuntimeTest {
    @Test
    void defaultIsOneThreadForOpsAndOneForBlas() {
        assertArrayEquals(new int[] {1, 1}, ZooRuntime.setting(null, null, null, 2));
        assertArrayEquals(new int[] {1, 1}, ZooRuntime.setting(null, "auto", null, 8));
    }

    @Test
    void ompNumThreadsSetByTheUserIsKept() {
        assertNull(ZooRuntime.setting(null, null, "1", 2));
        assertArrayEquals(new int[] {2, 2}, ZooRuntime.setting(null, "2", "1", 2), "ZOO_THREADS wins");
    }

    @Test
    void explicitSettingsAndThePropertyFirst() {
        assertArrayEquals(new int[] {1, 1}, ZooRuntime.setting("1,1", "2,2", null, 2));
        assertArrayEquals(new int[] {2, 1}, ZooRuntime.setting(null, " 2 , 1 ", null, 2));
        assertNull(ZooRuntime.setting("off", null, null, 2));
    }

    @Test
    void malformedSettingsNameTheirSource() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ZooRuntime.setting("0", null, null, 2));
        assertTrue(e.getMessage().contains("zoo.threads") && e.getMessage().contains("'0'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ZooRuntime.setting(null, "two", null, 2));
        assertTrue(e.getMessage().contains("ZOO_THREADS") && e.getMessage().contains("two"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ZooRuntime.setting(null, "1,2,3", null, 2));
    }

    @Test
    void applyingTwiceKeepsTheFirstResult() {
        String first = ZooRuntime.applyDefaults();
        assertTrue(first.contains("blas"), first);
        assertTrue(first.equals(ZooRuntime.applyDefaults()));
    }

    /**
     * ND4J sizes its op pool from {@code OMP_NUM_THREADS} when its native library loads and ignores later requests;
     * a fresh JVM that calls {@code applyDefaults()} first must get the pool it asks for. 3 threads, so that the
     * result differs from ND4J's own choice (the core count) on the usual machines.
     */
    @Test
    void theOpPoolIsSizedBeforeNd4jLoads() throws Exception {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                Child.class.getName()).redirectErrorStream(true);
        pb.environment().remove("OMP_NUM_THREADS");
        pb.environment().put(ZooRuntime.ENV, "3,1");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "child JVM did not finish");
        assertTrue(out.contains("applied: ops 3, master 3, blas 1, rss check off"), out);
    }

    /** A user's own limit on JavaCPP's resident-size check is kept (the JVM below sets it on its command line). */
    @Test
    void aUsersPhysicalMemoryLimitIsKept() throws Exception {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        ProcessBuilder pb = new ProcessBuilder(java, "-Dorg.bytedeco.javacpp.maxphysicalbytes=3G", "-cp",
                System.getProperty("java.class.path"), Child.class.getName()).redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "child JVM did not finish");
        assertTrue(out.contains("rss check at 3072 MB"), out);
    }

    private static final String INTEL_AVX512 = "vendor_id\t: GenuineIntel\ncpu family\t: 6\nmodel\t\t: 207\n"
            + "flags\t\t: fpu sse sse2 ssse3 sse4_1 sse4_2 avx avx2 fma avx512f avx512dq avx512cd avx512bw avx512vl\n";

    /** The kernels named from the CPU's flags, and when nothing is named. */
    @Test
    void blasKernelsFollowTheCpusFlags() {
        assertEquals("SKYLAKEX", ZooRuntime.blasCoreType(null, null, INTEL_AVX512));
        assertEquals("SKYLAKEX", ZooRuntime.blasCoreType("auto", "", INTEL_AVX512));
        // AVX-512 without the subsets SkylakeX's kernels use (Xeon Phi: F and CD only): AVX2's kernels
        String phi = "vendor_id\t: GenuineIntel\nflags\t\t: sse4_2 avx avx2 fma avx512f avx512cd avx512er\n";
        assertEquals("HASWELL", ZooRuntime.blasCoreType(null, null, phi));
        // AMD without AVX-512 is OpenBLAS's own "Zen"; with it (Zen 4), SkylakeX's kernels
        String zen3 = "vendor_id\t: AuthenticAMD\nflags\t\t: sse4_2 avx avx2 fma\n";
        assertNull(ZooRuntime.blasCoreType(null, null, zen3));
        assertEquals("SKYLAKEX", ZooRuntime.blasCoreType(null, null, zen3.replace("fma", "fma avx512f avx512dq avx512cd avx512bw avx512vl")));
        // no AVX2, no /proc/cpuinfo, the user's own OPENBLAS_CORETYPE, or off: nothing named
        assertNull(ZooRuntime.blasCoreType(null, null, "vendor_id\t: GenuineIntel\nflags\t\t: sse4_2 avx\n"));
        assertNull(ZooRuntime.blasCoreType(null, null, null));
        assertNull(ZooRuntime.blasCoreType(null, "HASWELL", INTEL_AVX512));
        assertNull(ZooRuntime.blasCoreType("off", null, INTEL_AVX512));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ZooRuntime.blasCoreType("skylakex", null, INTEL_AVX512));
        assertTrue(e.getMessage().contains("zoo.blas.core") && e.getMessage().contains("'skylakex'")
                && e.getMessage().contains("OPENBLAS_CORETYPE"), e.getMessage());
    }

    private static String child(Map<String, String> env) throws Exception {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                Child.class.getName()).redirectErrorStream(true);
        pb.environment().remove(ZooRuntime.OPENBLAS_CORETYPE);
        pb.environment().remove(ZooRuntime.BLAS_CORE_ENV);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "child JVM did not finish");
        return out;
    }

    /**
     * On a CPU with AVX2, a fresh JVM that calls {@code applyDefaults()} first gets OpenBLAS's vector kernels, not its
     * generic fallback: on an Intel Xeon of family 6, model 207, OpenBLAS 0.3.19 chose "Prescott" by itself (15
     * GFLOPS against 84), and this test failed before the zoo named the kernels. The user's own
     * {@code OPENBLAS_CORETYPE} wins, and {@code ZOO_BLAS_CORE=off} leaves OpenBLAS's choice.
     */
    @Test
    void theBlasKernelsAreNamedBeforeNd4jLoads() throws Exception {
        String cpuinfo;
        try {
            cpuinfo = Files.readString(Path.of("/proc/cpuinfo"));
        } catch (java.io.IOException e) {
            cpuinfo = null;
        }
        String expected = ZooRuntime.blasCoreType(null, null, cpuinfo);
        Assumptions.assumeTrue(expected != null, "no AVX2 on this machine, or not Linux: nothing to name");
        String name = expected.equals("SKYLAKEX") ? "SkylakeX" : "Haswell";
        String out = child(Map.of());
        assertTrue(out.contains("blas core " + name), out);
        out = child(Map.of(ZooRuntime.OPENBLAS_CORETYPE, "HASWELL"));
        assertTrue(out.contains("blas core Haswell"), out);
        out = child(Map.of(ZooRuntime.BLAS_CORE_ENV, "off"));
        assertTrue(out.contains("blas core "), out);
    }

    /** The child JVM of the tests above: nothing touches ND4J before {@code applyDefaults()}. */
    public static final class Child {
        public static void main(String[] args) {
            System.out.println("applied: " + ZooRuntime.applyDefaults());
        }
    }
}
