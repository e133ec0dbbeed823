package org.unsupervisedzoo.datasets;

/**
 * A data set could not be found or read: a missing file, a corrupt or truncated IDX file, counts that
 * disagree, an invalid iterator setting. The message names the file (or field) and what is wrong.
 */
public class DatasetException extends RuntimeException {
    public DatasetException(String message) {
        super(message);
    }

    public DatasetException(String message, Throwable cause) {
        super(message, cause);
    }
}
