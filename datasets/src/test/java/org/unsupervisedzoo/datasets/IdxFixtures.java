package org.unsupervisedzoo.datasets;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Builds small IDX files for tests. */
final class IdxFixtures {
    private IdxFixtures() {
    }

    /** IDX bytes: magic 0x000008NN, the dims, then {@code body}. */
    static byte[] idx(int[] dims, byte[] body) {
        ByteBuffer buf = ByteBuffer.allocate(4 + 4 * dims.length + body.length);
        buf.put(new byte[] {0, 0, 8, (byte) dims.length});
        for (int d : dims) {
            buf.putInt(d);
        }
        buf.put(body);
        return buf.array();
    }

    static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(raw);
        }
        return out.toByteArray();
    }

    /** {@code n} images of {@code rows x cols}, pixel value {@code (i * 7 + p) % 256}. */
    static byte[] images(int n, int rows, int cols) {
        byte[] body = new byte[n * rows * cols];
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) ((i * 7) % 256);
        }
        return idx(new int[] {n, rows, cols}, body);
    }

    /** {@code n} labels cycling 0..9. */
    static byte[] labels(int n) {
        byte[] body = new byte[n];
        for (int i = 0; i < n; i++) {
            body[i] = (byte) (i % 10);
        }
        return idx(new int[] {n}, body);
    }

    /** Writes a complete four-file data set of {@code n} 28x28 images per split into {@code dir}. */
    static Path writeDataset(Path dir, int n, boolean gzipped) throws IOException {
        Files.createDirectories(dir);
        String suffix = gzipped ? ".gz" : "";
        for (String prefix : new String[] {"train", "t10k"}) {
            byte[] img = images(n, 28, 28);
            byte[] lab = labels(n);
            Files.write(dir.resolve(prefix + "-images-idx3-ubyte" + suffix), gzipped ? gzip(img) : img);
            Files.write(dir.resolve(prefix + "-labels-idx1-ubyte" + suffix), gzipped ? gzip(lab) : lab);
        }
        return dir;
    }
}
