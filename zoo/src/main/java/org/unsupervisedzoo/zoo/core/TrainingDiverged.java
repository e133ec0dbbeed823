package org.unsupervisedzoo.zoo.core;

/**
 * Training stopped because a loss or the parameters stopped being finite (NaN or infinite). The message is one
 * line: where (epoch and step), what was not finite, the last finite loss and a hint. Thrown before anything is
 * saved from the diverged model, so files written earlier stay as they were. The command line maps it to exit
 * status 3.
 */
public class TrainingDiverged extends RuntimeException {
    private final int epoch;
    private final long step;

    public TrainingDiverged(String message, int epoch, long step) {
        super(message);
        this.epoch = epoch;
        this.step = step;
    }

    /** The epoch (from 1) in which training diverged. */
    public int epoch() {
        return epoch;
    }

    /** The step within that epoch (from 1) after which the loss or the parameters were not finite. */
    public long step() {
        return step;
    }
}
