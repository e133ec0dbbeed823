package org.unsupervisedzoo.zoo.core;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Writes that replace their target whole or not at all: the bytes go to a temporary file (or folder) beside the
 * target, are forced to disk, and are then renamed over it with {@code ATOMIC_MOVE, REPLACE_EXISTING}. A failure
 * (an exception, a full disk, a killed process) leaves the previous target as it was; a failure that throws also
 * removes the temporary file. Temporaries are named {@code .<target>.<random>.tmp} (files) and
 * {@code .<target>.new-<random>} (folders); those a killed process left behind are removed by the next write of
 * the same target.
 *
 * <p>A folder cannot be renamed over a non-empty folder, so {@link #writeDirectory} moves the previous folder aside
 * to {@link #previous} first, renames the complete new one into place, and only then deletes the previous one; a
 * crash between the two renames leaves the previous folder under that name, and {@link #recoverDirectory} (called
 * by the next write, and by readers such as {@code GanTrainer.restore}) puts it back.
 */
public final class AtomicFiles {
    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    private AtomicFiles() {
    }

    /** Writes one file or folder at the path it is given. */
    @FunctionalInterface
    public interface Body {
        void write(Path path) throws IOException;
    }

    /**
     * Writes {@code target} through {@code body}, which creates and writes the temporary path it is given (a new
     * name in the target's folder; the file gets the permissions a plain write would give it).
     */
    public static Path write(Path target, Body body) throws IOException {
        Path parent = parentOf(target);
        Files.createDirectories(parent);
        String name = target.getFileName().toString();
        removeStale(parent, "." + name + ".", ".tmp");
        // named, not created: the body creates it with the usual permissions (createTempFile's are owner-only)
        Path tmp = parent.resolve("." + name + "." + Long.toUnsignedString(RANDOM.nextLong(), 36) + ".tmp");
        boolean moved = false;
        try {
            body.write(tmp);
            force(tmp);
            move(tmp, target);
            moved = true;
            return target;
        } finally {
            if (!moved) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    /** Writes {@code text} (UTF-8) to {@code target} atomically. */
    public static Path writeString(Path target, CharSequence text) throws IOException {
        return write(target, p -> Files.writeString(p, text, StandardCharsets.UTF_8));
    }

    /**
     * Writes the folder {@code target} through {@code body}, which fills the new, empty temporary folder it is
     * given; the previous folder is kept until the new one is complete and in place.
     */
    public static Path writeDirectory(Path target, Body body) throws IOException {
        Path parent = parentOf(target);
        Files.createDirectories(parent);
        String name = target.getFileName().toString();
        recoverDirectory(target);
        removeStale(parent, "." + name + ".new-", "");
        Path tmp = Files.createDirectory(parent.resolve("." + name + ".new-"
                + Long.toUnsignedString(RANDOM.nextLong(), 36)));
        boolean moved = false;
        try {
            body.write(tmp);
            try (Stream<Path> files = Files.walk(tmp)) {
                for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                    force(f);
                }
            }
            Path previous = previous(target);
            deleteTree(previous);
            if (Files.exists(target)) {
                move(target, previous);
            }
            move(tmp, target);
            moved = true;
            deleteTree(previous);
            return target;
        } finally {
            if (!moved) {
                deleteTree(tmp);
            }
        }
    }

    /** Where {@link #writeDirectory} keeps the previous folder while the new one is renamed into place. */
    public static Path previous(Path target) {
        return parentOf(target).resolve("." + target.getFileName() + ".previous");
    }

    /**
     * Puts a previous folder back where a crash between {@link #writeDirectory}'s two renames left it (the target
     * missing, the previous folder complete); otherwise changes nothing. Returns {@code target}.
     */
    public static Path recoverDirectory(Path target) throws IOException {
        Path previous = previous(target);
        if (!Files.exists(target) && Files.isDirectory(previous)) {
            move(previous, target);
        }
        return target;
    }

    /** Renames {@code from} to {@code to} atomically, replacing it (a plain replace where the file system cannot). */
    public static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static Path parentOf(Path target) {
        Path parent = target.toAbsolutePath().getParent();
        if (parent == null) {
            throw new IllegalArgumentException("target must name a file in a folder, got " + target);
        }
        return parent;
    }

    private static void force(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
    }

    /** Temporaries of the same target a killed process left behind. */
    private static void removeStale(Path parent, String prefix, String suffix) throws IOException {
        try (DirectoryStream<Path> s = Files.newDirectoryStream(parent, p -> {
            String n = p.getFileName().toString();
            return n.startsWith(prefix) && n.endsWith(suffix) && !n.endsWith(".previous");
        })) {
            for (Path p : s) {
                deleteTree(p);
            }
        }
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(q);
            }
        }
    }
}
