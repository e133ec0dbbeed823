package org.unsupervisedzoo.zoo.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
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

    /** The child JVM of the test above: nothing touches ND4J before {@code applyDefaults()}. */
    public static final class Child {
        public static void main(String[] args) {
            System.out.println("applied: " + ZooRuntime.applyDefaults());
        }
    }
}
