package org.unsupervisedzoo.datasets;

/** Which half of an IDX data set: the training files ({@code train-*}) or the test files ({@code t10k-*}). */
public enum Split {
    TRAIN("train"),
    TEST("t10k");

    private final String filePrefix;

    Split(String filePrefix) {
        this.filePrefix = filePrefix;
    }

    /** The prefix of this split's file names, as LeCun named them. */
    public String filePrefix() {
        return filePrefix;
    }
}
