package org.unsupervisedzoo.zoo.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A write through AtomicFiles either replaces its target whole or leaves it (and its folder) as it was. */
class AtomicFilesTest {
    @TempDir
    Path tmp;

    private List<String> names() throws IOException {
        try (Stream<Path> s = Files.list(tmp)) {
            return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }

    @Test
    void replacesTheTargetWhole() throws IOException {
        Path target = tmp.resolve("model.zip");
        Files.writeString(target, "old");
        AtomicFiles.writeString(target, "new contents");
        assertEquals("new contents", Files.readString(target));
        assertEquals(List.of("model.zip"), names());
        AtomicFiles.writeString(tmp.resolve("fresh.csv"), "a,b\n");
        assertEquals(List.of("fresh.csv", "model.zip"), names());
        // the permissions of a plain write (a temporary file from createTempFile would be owner-only)
        Path plain = Files.writeString(tmp.resolve("plain.csv"), "a,b\n");
        if (Files.getFileStore(tmp).supportsFileAttributeView("posix")) {
            assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(tmp.resolve("fresh.csv")));
            Path dir = AtomicFiles.writeDirectory(tmp.resolve("dir"), d -> Files.writeString(d.resolve("x"), "x"));
            assertEquals(Files.getPosixFilePermissions(Files.createDirectory(tmp.resolve("plain-dir"))),
                    Files.getPosixFilePermissions(dir));
        }
    }

    /** A failure half way through a write: the old file stays as it was and no temporary file is left. */
    @Test
    void aFailureInTheMiddleKeepsTheOldFileAndLeavesNoTemp() throws IOException {
        Path target = tmp.resolve("model.zip");
        byte[] old = "the good model".getBytes();
        Files.write(target, old);
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(target, file -> {
            try (OutputStream out = Files.newOutputStream(file)) {
                out.write("half of a new mod".getBytes());
                out.flush();
                assertTrue(Files.size(file) > 0, "the half-written bytes are on disk, in the temporary file");
                throw new IOException("disk full (simulated)");
            }
        }));
        assertEquals("disk full (simulated)", e.getMessage());
        assertEquals(new String(old), Files.readString(target), "the old file is intact");
        assertEquals(List.of("model.zip"), names(), "no temporary file is left");

        // an unchecked failure (e.g. a NaN check in the writer) too
        assertThrows(IllegalStateException.class, () -> AtomicFiles.write(target, file -> {
            Files.writeString(file, "partial");
            throw new IllegalStateException("stop");
        }));
        assertEquals(new String(old), Files.readString(target));
        assertEquals(List.of("model.zip"), names());
    }

    @Test
    void aFolderIsReplacedWholeOrNotAtAll() throws IOException {
        Path dir = tmp.resolve("checkpoint");
        AtomicFiles.writeDirectory(dir, d -> {
            Files.writeString(d.resolve("a.zip"), "a1");
            Files.writeString(d.resolve("b.zip"), "b1");
        });
        assertEquals("a1", Files.readString(dir.resolve("a.zip")));
        assertThrows(IOException.class, () -> AtomicFiles.writeDirectory(dir, d -> {
            Files.writeString(d.resolve("a.zip"), "a2");
            throw new IOException("killed between the two files (simulated)");
        }));
        assertEquals("a1", Files.readString(dir.resolve("a.zip")), "the previous checkpoint is intact");
        assertEquals("b1", Files.readString(dir.resolve("b.zip")));
        assertEquals(List.of("checkpoint"), names(), "no temporary folder is left");

        AtomicFiles.writeDirectory(dir, d -> Files.writeString(d.resolve("a.zip"), "a3"));
        assertEquals("a3", Files.readString(dir.resolve("a.zip")));
        assertFalse(Files.exists(dir.resolve("b.zip")), "the new folder replaces the old one, not merged into it");
        assertEquals(List.of("checkpoint"), names(), "the previous folder is removed once the new one is in place");
    }

    /** A previous folder left by a crash between the two renames is what {@code recover} brings back. */
    @Test
    void aPreviousFolderLeftByACrashIsRecovered() throws IOException {
        Path dir = tmp.resolve("checkpoint");
        Path previous = AtomicFiles.previous(dir);
        Files.createDirectories(previous);
        Files.writeString(previous.resolve("a.zip"), "a1");
        assertEquals(dir, AtomicFiles.recoverDirectory(dir));
        assertEquals("a1", Files.readString(dir.resolve("a.zip")));
        assertEquals(List.of("checkpoint"), names());
    }
}
