package org.unsupervisedzoo.examples;

/** A failure the command line reports as one line and a non-zero exit, without a stack trace. */
final class CliException extends RuntimeException {
    CliException(String message) {
        super(message);
    }

    CliException(String message, Throwable cause) {
        super(message, cause);
    }
}
