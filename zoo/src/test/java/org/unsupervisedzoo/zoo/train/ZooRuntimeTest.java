package org.unsupervisedzoo.zoo.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
}
