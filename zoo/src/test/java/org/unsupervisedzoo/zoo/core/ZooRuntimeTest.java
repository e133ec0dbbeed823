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

    /**
     * glibc's mmap threshold: 4 MB by default, so that a minibatch's activations (256 x 784 floats, 0.8 MB) come from
     * malloc's arenas instead of being mapped and unmapped by every op (at 128 KB, the default before, two
     * data-parallel workers in one process ran at half the speed of one: BENCHMARKS.md, "Two cores"); the property
     * sets it, and a bad value is refused naming the property and the value.
     */
    @Test
    void theMmapThresholdIsFourMegabytesUnlessSet() throws Exception {
        assertEquals(4 << 20, ZooRuntime.mmapThreshold(null));
        assertEquals(128 << 10, ZooRuntime.mmapThreshold("128K"));
        assertEquals(32 << 20, ZooRuntime.mmapThreshold(" 32m "));
        for (String bad : new String[] {"0", "64M", "lots", "off"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ZooRuntime.mmapThreshold(bad));
            assertTrue(e.getMessage().contains("-Dzoo.mmap.threshold") && e.getMessage().contains("'" + bad + "'"),
                    e.getMessage());
        }
        String javaBin = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        for (String[] c : new String[][] {{null, "mmap threshold 4096 KB"}, {"256K", "mmap threshold 256 KB"}}) {
            java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of(javaBin));
            if (c[0] != null) {
                cmd.add("-D" + ZooRuntime.MMAP_PROPERTY + "=" + c[0]);
            }
            cmd.addAll(java.util.List.of("-cp", System.getProperty("java.class.path"), Child.class.getName()));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "child JVM did not finish");
            Assumptions.assumeTrue(out.contains("mmap threshold"), "not glibc: no threshold to fix");
            assertTrue(out.contains(c[1]), out);
        }
    }

    /** The child JVM of the tests above: nothing touches ND4J before {@code applyDefaults()}. */
    public static final class Child {
        public static void main(String[] args) {
            System.out.println("applied: " + ZooRuntime.applyDefaults());
        }
    }

    /** The guard's step: its default, units, off, and a one-line error naming the property and the value. */
    @Test
    void theGuardsStepParsesSizesAndOff() {
        assertEquals(512L << 20, ZooRuntime.NativeMemoryGuard.parseStep(null));
        assertEquals(2L << 30, ZooRuntime.NativeMemoryGuard.parseStep("2G"));
        assertEquals(128L << 20, ZooRuntime.NativeMemoryGuard.parseStep(" 128m "));
        assertEquals(4096, ZooRuntime.NativeMemoryGuard.parseStep("4K"));
        assertEquals(0, ZooRuntime.NativeMemoryGuard.parseStep("off"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ZooRuntime.NativeMemoryGuard.parseStep("lots"));
        assertTrue(e.getMessage().contains("-Dzoo.gc.step") && e.getMessage().contains("'lots'"), e.getMessage());
    }

    /** A collection is due a step above the lowest size read since the last one, not above a size read at a peak. */
    @Test
    void aCollectionIsDueAStepAboveTheLowestSizeSinceTheLast() {
        ZooRuntime.NativeMemoryGuard g = new ZooRuntime.NativeMemoryGuard(100, 1000);
        assertTrue(!g.due(1100), "exactly a step above");
        assertTrue(g.due(1101));
        g.collected(1500); // read right after the collection, before ND4J freed the arrays
        assertTrue(!g.due(1550));
        assertTrue(!g.due(900), "freed: the new low");
        assertTrue(g.due(1001), "a step above 900, though below the 1500 read after the collection");
        assertEquals(1, g.collections());
    }

    /**
     * A loop that, like a training loop, keeps making native arrays whose Java objects reach the old generation and
     * then become garbage (1,500 MB in all, 25 MB live at a time): with {@code -Dzoo.gc.step=off} nothing asks for a
     * collection (the heap is nearly empty) and all of it stays resident, as the contractive autoencoder's run grew
     * to 20 GB; with the guard (the default) collections keep the resident size within about a step (512 MB) of
     * where it started.
     */
    @Test
    void theGuardFreesNativeMemoryHeldOnlyByOldGarbage() throws Exception {
        Assumptions.assumeTrue(new File("/proc/self/statm").exists(), "Linux: JavaCPP reads the resident size there");
        long[] on = guardChild(null);
        long[] off = guardChild("off");
        // [before, after the loop and 2 s, the largest reading during the loop] in MB
        assertTrue(off[1] > off[0] + 1300, "without the guard the garbage stays: " + java.util.Arrays.toString(off));
        assertTrue(on[1] < on[0] + 900, "the guard collected it: " + java.util.Arrays.toString(on));
    }

    private static long[] guardChild(String step) throws Exception {
        String javaBin = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of(javaBin, "-Xmx1g", "-Xmn16m",
                "-XX:MaxTenuringThreshold=0"));
        if (step != null) {
            cmd.add("-Dzoo.gc.step=" + step);
        }
        cmd.addAll(java.util.List.of("-cp", System.getProperty("java.class.path"), GuardChild.class.getName()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "child JVM did not finish");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("rss (\\d+) (\\d+) (\\d+)").matcher(out);
        assertTrue(m.find(), out);
        assertTrue(out.contains(step == null ? "memory guard on" : "memory guard off"), out);
        return new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3))};
    }

    /**
     * 60 rounds: a 25 MB native array is made, survives a young collection (promoted at once:
     * {@code -XX:MaxTenuringThreshold=0}) and is dropped; a round every 100 ms, so the guard reads the size ~6 times.
     */
    public static final class GuardChild {
        public static void main(String[] args) throws Exception {
            System.out.println("applied: " + ZooRuntime.applyDefaults());
            org.nd4j.linalg.factory.Nd4j.create(1); // ND4J loaded before the first reading
            System.gc();
            Thread.sleep(1500);
            long before = org.bytedeco.javacpp.Pointer.physicalBytes() >> 20;
            long peak = before;
            long sink = 0;
            for (int round = 0; round < 60; round++) {
                org.nd4j.linalg.api.ndarray.INDArray held = org.nd4j.linalg.factory.Nd4j.ones(
                        org.nd4j.linalg.api.buffer.DataType.FLOAT, 25 << 18);
                for (int i = 0; i < 3_000; i++) { // 30 MB of Java garbage: at least one young collection
                    sink += new byte[10_000].length;
                }
                sink += held.length();
                held = null;
                Thread.sleep(100);
                peak = Math.max(peak, org.bytedeco.javacpp.Pointer.physicalBytes() >> 20);
            }
            Thread.sleep(2000);
            long after = org.bytedeco.javacpp.Pointer.physicalBytes() >> 20;
            System.out.println("rss " + before + " " + after + " " + peak + " (" + sink + ")");
        }
    }
}
