package org.unsupervisedzoo.examples;

import org.unsupervisedzoo.zoo.core.ProgressListener;

/**
 * The time a runner's remaining epochs will take at its mean wall time per epoch so far in this process (training,
 * evaluation and checkpoint together), for the {@code eta} at the end of an epoch line.
 */
final class EpochEta {
    private final long start = System.nanoTime();
    private int done;

    /** Called once after each epoch: {@code "eta 12m05s"} for {@code epochsLeft} more epochs. */
    String after(int epochsLeft) {
        return "eta " + left(epochsLeft);
    }

    /** As {@link #after}, for a run that may stop early (patience): {@code "eta <= 12m05s"}. */
    String atMost(int epochsLeft) {
        return "eta <= " + left(epochsLeft);
    }

    private String left(int epochsLeft) {
        done++;
        double perEpoch = (System.nanoTime() - start) / 1e9 / done;
        return ProgressListener.duration(perEpoch * epochsLeft);
    }
}
