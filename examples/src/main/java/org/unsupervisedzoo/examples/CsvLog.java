package org.unsupervisedzoo.examples;

import java.io.IOException;
import java.nio.file.Path;
import org.unsupervisedzoo.zoo.core.AtomicFiles;

/**
 * A CSV (or other small text file) that is never half-written: the header is held until the first row, and every
 * row rewrites the whole file through {@link AtomicFiles} (a temporary file renamed over it). A run that fails
 * before its first row leaves the previous run's file as it was, and a crash never leaves a truncated one.
 */
final class CsvLog implements AutoCloseable {
    private final Path file;
    private final StringBuilder text = new StringBuilder();
    private boolean dirty;
    private boolean rows;

    CsvLog(Path file) {
        this.file = file;
    }

    /**
     * Starts from {@code earlier}, the text of a run's first epochs (its header and rows, as a checkpoint holds
     * them), held until the next row or {@link #flush}: a resumed run continues the file, never truncates it.
     */
    CsvLog resume(String earlier) {
        text.setLength(0);
        text.append(earlier);
        rows = !earlier.isEmpty();
        dirty = true;
        return this;
    }

    /** The whole text so far (header and rows), written or not. */
    String text() {
        return text.toString();
    }

    /** A line held until the next row or {@link #flush} (the header). */
    CsvLog header(String line) {
        text.append(line).append('\n');
        dirty = true;
        return this;
    }

    /** As {@link #header}: a line held until the next row or {@link #flush} (to write a file whole, once). */
    CsvLog line(String line) {
        return header(line);
    }

    /** Appends {@code line} and writes the file. */
    void row(String line) throws IOException {
        text.append(line).append('\n');
        rows = true;
        dirty = true;
        flush();
    }

    /** {@link #row} of a line given as PrintWriter's printf takes it (a trailing %n is dropped). */
    void printf(String format, Object... args) throws IOException {
        row(String.format(format, args).stripTrailing());
    }

    /** Writes the lines held so far, if any are not yet on disk (e.g. a header-only file for a run of no rows). */
    void flush() throws IOException {
        if (dirty) {
            AtomicFiles.writeString(file, text);
            dirty = false;
        }
    }

    /** Writes what is held once a row has been written; a file of no rows is only written by {@link #flush}. */
    @Override
    public void close() throws IOException {
        if (rows) {
            flush();
        }
    }

    Path file() {
        return file;
    }
}
