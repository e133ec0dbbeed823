package org.unsupervisedzoo.zoo.core;

import java.io.PrintStream;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.optimize.api.BaseTrainingListener;

/**
 * Shows progress during a long epoch and keeps the epoch's mean score.
 *
 * <p>Prints a line each time another tenth of the epoch's batches is done, at most one every
 * {@code minIntervalSeconds} (so short epochs stay quiet):
 * <pre>  epoch 3  40% (188/469 batches)  loss 0.10231  5210 ex/s  eta 14s (run 2m31s)</pre>
 * where eta is the time left in this epoch at the epoch's rate so far, the run's time left is shown when
 * {@link #totalEpochs(int)} was given, and loss is the mean training score so far this epoch times {@code scoreScale} (e.g. {@code 1/784} turns
 * DL4J's per-example binary cross-entropy into a per-pixel figure). The counters restart at every
 * {@code onEpochStart} (which {@code fit(iterator)} calls) or {@link #startEpoch()}.
 */
public final class ProgressListener extends BaseTrainingListener {
    private final PrintStream out;
    private final int batchesPerEpoch;
    private final double scoreScale;
    private final double minIntervalSeconds;
    private long lastPrintNanos;
    private int epoch;
    private int batches;
    private long examples;
    private double scoreSum;
    private long startNanos;
    private int nextTenth;
    private int totalEpochs;

    /**
     * @param out             where to print; null prints nothing (the mean score is still kept)
     * @param batchesPerEpoch batches in one epoch, for the percentage
     * @param scoreScale      factor applied to the score before printing or returning it
     */
    public ProgressListener(PrintStream out, int batchesPerEpoch, double scoreScale) {
        this(out, batchesPerEpoch, scoreScale, 5.0);
    }

    /**
     * @param minIntervalSeconds the least time between two progress lines (and before the first)
     */
    public ProgressListener(PrintStream out, int batchesPerEpoch, double scoreScale, double minIntervalSeconds) {
        if (batchesPerEpoch <= 0) {
            throw new IllegalArgumentException("batchesPerEpoch must be positive, got " + batchesPerEpoch);
        }
        this.out = out;
        this.batchesPerEpoch = batchesPerEpoch;
        this.scoreScale = scoreScale;
        this.minIntervalSeconds = minIntervalSeconds;
        startEpoch();
    }

    /** The run's number of epochs, so progress lines also show the time left in the run; 0 (default) omits it. */
    public ProgressListener totalEpochs(int totalEpochs) {
        if (totalEpochs < 0) {
            throw new IllegalArgumentException("totalEpochs must be >= 0, got " + totalEpochs);
        }
        this.totalEpochs = totalEpochs;
        return this;
    }

    /** Restarts the counters (the epoch number comes from the model, 1-based in the printout). */
    public void startEpoch() {
        batches = 0;
        examples = 0;
        scoreSum = 0;
        nextTenth = 1;
        startNanos = System.nanoTime();
        lastPrintNanos = startNanos;
    }

    @Override
    public void onEpochStart(Model model) {
        startEpoch();
    }

    @Override
    public void iterationDone(Model model, int iteration, int epoch) {
        this.epoch = epoch;
        batches++;
        examples += model.batchSize();
        scoreSum += model.score();
        int tenth = (int) ((10L * batches) / batchesPerEpoch);
        long now = System.nanoTime();
        if (out != null && tenth >= nextTenth && batches < batchesPerEpoch
                && (now - lastPrintNanos) / 1e9 >= minIntervalSeconds) {
            nextTenth = tenth + 1;
            lastPrintNanos = now;
            double perBatch = (now - startNanos) / 1e9 / batches;
            double epochLeft = perBatch * (batchesPerEpoch - batches);
            String run = totalEpochs > epoch + 1
                    ? " (run " + duration(epochLeft + perBatch * batchesPerEpoch * (totalEpochs - epoch - 1)) + ")"
                    : "";
            out.printf("  epoch %d  %3d%% (%d/%d batches)  loss %.5f  %.0f ex/s  eta %s%s%n", epoch + 1,
                    100 * batches / batchesPerEpoch, batches, batchesPerEpoch, meanScore(), examplesPerSecond(),
                    duration(epochLeft), run);
            out.flush();
        }
    }

    /** {@code 42s}, {@code 3m07s} or {@code 1h02m}. */
    public static String duration(double seconds) {
        long s = Math.round(seconds);
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return String.format("%dm%02ds", s / 60, s % 60);
        }
        return String.format("%dh%02dm", s / 3600, (s % 3600) / 60);
    }

    /** Mean (scaled) score over the batches of the current epoch so far. */
    public double meanScore() {
        return batches == 0 ? Double.NaN : scoreScale * scoreSum / batches;
    }

    /** Examples seen this epoch so far. */
    public long examples() {
        return examples;
    }

    /** Training throughput this epoch so far. */
    public double examplesPerSecond() {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        return seconds > 0 ? examples / seconds : 0;
    }
}
