package org.unsupervisedzoo.datasets;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * One IDX file (LeCun's MNIST format) of unsigned bytes, raw or gzipped.
 *
 * <p>Layout: a 4-byte magic number {@code 0x00 0x00 0x08 ndims}, then {@code ndims} big-endian 32-bit
 * dimension sizes, then exactly {@code prod(dims)} bytes. Only the unsigned-byte type (0x08) is accepted,
 * which is what MNIST and Fashion-MNIST use. A gzipped file is recognised by its first two bytes, not its
 * name. Any deviation (wrong magic, missing or extra bytes, an unreadable gzip stream) is a
 * {@link DatasetException} naming the source and what was found.
 *
 * <p>A raw file on disk is memory-mapped, not copied: its pages come from the operating system's file cache as
 * they are read (full MNIST's 47 MB of training images took 0.4 s to copy into new memory on the project's
 * machines, 0.06 s mapped; BENCHMARKS.md). A mapped file must not be truncated while it is in use.
 */
public final class IdxFile {
    /** IDX type code of unsigned bytes. */
    public static final int TYPE_UNSIGNED_BYTE = 0x08;

    private final String source;
    private final int[] dims;
    /** The {@code prod(dims)} data bytes, read-only, position 0 (read with absolute gets). */
    private final ByteBuffer data;

    private IdxFile(String source, int[] dims, ByteBuffer data) {
        this.source = source;
        this.dims = dims;
        this.data = data.asReadOnlyBuffer();
    }

    /** Reads an IDX file from disk, raw (memory-mapped) or gzipped. */
    public static IdxFile read(Path path) {
        try (FileChannel ch = FileChannel.open(path)) {
            ByteBuffer first = ByteBuffer.allocate(2);
            while (first.hasRemaining() && ch.read(first) >= 0) {
                // a file channel returns what is there
            }
            if (first.position() == 2 && (first.get(0) & 0xff) == 0x1f && (first.get(1) & 0xff) == 0x8b) {
                try (InputStream in = Files.newInputStream(path)) {
                    return read(in, path.toString());
                }
            }
            return mapped(ch, path.toString());
        } catch (NoSuchFileException e) {
            throw new DatasetException("IDX file not found: " + path);
        } catch (IOException e) {
            throw new DatasetException("Cannot read IDX file " + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads an IDX stream, raw or gzipped. {@code source} names the stream in error messages. The stream is
     * read to its end but not closed.
     */
    public static IdxFile read(InputStream raw, String source) {
        try {
            BufferedInputStream buffered = new BufferedInputStream(raw, 1 << 16);
            buffered.mark(2);
            int b0 = buffered.read();
            int b1 = buffered.read();
            buffered.reset();
            InputStream in = buffered;
            if (b0 == 0x1f && b1 == 0x8b) {
                in = new GZIPInputStream(buffered, 1 << 16);
            }
            return parse(in, source);
        } catch (ZipException e) {
            throw new DatasetException("Unreadable gzip data in " + source + ": " + e.getMessage(), e);
        } catch (EOFException e) {
            throw new DatasetException("Truncated gzip stream in " + source + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new DatasetException("Cannot read IDX data from " + source + ": " + e.getMessage(), e);
        }
    }

    /** The most data bytes a file may hold (the largest array a JVM reliably allocates). */
    static final long MAX_DATA_BYTES = Integer.MAX_VALUE - 16L;

    /** Data up to this size (bytes) is read into one array allocated from the header's sizes. */
    static final long DIRECT_READ_LIMIT = 256L << 20;

    /** A raw file's header read from its first bytes, its data mapped; the same checks as the stream path. */
    private static IdxFile mapped(FileChannel ch, String source) throws IOException {
        long size = ch.size();
        ByteBuffer head = ByteBuffer.allocate((int) Math.min(size, 4 + 4 * 255));
        ch.read(head, 0);
        ByteArrayInputStream in = new ByteArrayInputStream(head.array(), 0, head.position());
        int[] dims = header(in, source);
        long offset = 4 + 4L * dims.length;
        long total = product(dims);
        long found = size - offset;
        if (found < total) {
            throw truncated(source, dims, total, found);
        }
        if (found > total) {
            throw trailing(source, dims, total, found - total);
        }
        return new IdxFile(source, dims, ch.map(FileChannel.MapMode.READ_ONLY, offset, total));
    }

    /** The product of sizes {@link #header} has checked (positive, no more than {@link #MAX_DATA_BYTES}). */
    private static long product(int[] dims) {
        long total = 1;
        for (int d : dims) {
            total = Math.multiplyExact(total, (long) d);
        }
        return total;
    }

    private static DatasetException truncated(String source, int[] dims, long total, long found) {
        return new DatasetException("Truncated IDX data in " + source + ": header " + Arrays.toString(dims)
                + " promises " + total + " bytes, found " + found);
    }

    private static DatasetException trailing(String source, int[] dims, long total, long extra) {
        return new DatasetException("Trailing data in " + source + ": " + extra + " bytes after the " + total
                + " bytes that header " + Arrays.toString(dims) + " promises");
    }

    private static IdxFile parse(InputStream in, String source) throws IOException {
        int[] dims = header(in, source);
        long total = product(dims);
        byte[] data;
        int found;
        if (total <= DIRECT_READ_LIMIT) {
            // straight into one array: InputStream.readNBytes(int) collects 8 KB pieces and copies them at the end
            // (for MNIST's 47 MB, thousands of live young-generation arrays for the collector to copy at start-up)
            data = new byte[(int) total];
            found = in.readNBytes(data, 0, data.length);
        } else { // a header this large may be corrupt: read what is there before trusting it with memory
            data = in.readNBytes((int) total);
            found = data.length;
        }
        if (found < total) {
            throw truncated(source, dims, total, found);
        }
        if (in.read() != -1) {
            ByteArrayOutputStream extra = new ByteArrayOutputStream();
            extra.write(0);
            in.transferTo(extra);
            throw trailing(source, dims, total, extra.size());
        }
        return new IdxFile(source, dims, ByteBuffer.wrap(data));
    }

    /** The magic number and dimension sizes (checked: unsigned bytes, positive sizes, not too large). */
    private static int[] header(InputStream in, String source) throws IOException {
        byte[] magic = in.readNBytes(4);
        if (magic.length < 4) {
            throw new DatasetException("Truncated IDX header in " + source + ": file has " + magic.length
                    + " bytes, the magic number needs 4");
        }
        if (magic[0] != 0 || magic[1] != 0 || magic[2] != TYPE_UNSIGNED_BYTE || magic[3] < 1) {
            throw new DatasetException(String.format(
                    "Wrong magic number in %s: 0x%02x%02x%02x%02x, expected 0x000008NN (unsigned bytes, NN dimensions)",
                    source, magic[0], magic[1], magic[2], magic[3]));
        }
        int ndims = magic[3];
        byte[] header = in.readNBytes(4 * ndims);
        if (header.length < 4 * ndims) {
            throw new DatasetException("Truncated IDX header in " + source + ": " + ndims
                    + " dimension sizes need " + (4 * ndims) + " bytes, found " + header.length);
        }
        int[] dims = new int[ndims];
        for (int i = 0; i < ndims; i++) {
            dims[i] = ((header[4 * i] & 0xff) << 24) | ((header[4 * i + 1] & 0xff) << 16)
                    | ((header[4 * i + 2] & 0xff) << 8) | (header[4 * i + 3] & 0xff);
            if (dims[i] <= 0) {
                throw new DatasetException("Invalid IDX header in " + source + ": dimension " + i + " is "
                        + dims[i] + ", must be positive");
            }
        }
        // checked inside the loop: a product tested only at the end can wrap (four sizes of 65536 give 0)
        long total = 1;
        for (int d : dims) {
            try {
                total = Math.multiplyExact(total, (long) d);
            } catch (ArithmeticException overflow) {
                throw tooLarge(source, dims, -1);
            }
            if (total > MAX_DATA_BYTES) {
                throw tooLarge(source, dims, total);
            }
        }
        return dims;
    }

    /** {@code total} is the product of the sizes so far, or negative where it overflowed a long. */
    private static DatasetException tooLarge(String source, int[] dims, long total) {
        return new DatasetException("IDX data in " + source + " too large: header " + Arrays.toString(dims)
                + " promises " + (total < 0 ? "more than 2^63" : "at least " + total) + " bytes, the limit is "
                + MAX_DATA_BYTES + " bytes");
    }

    /** Where this file came from (a path or a resource name). */
    public String source() {
        return source;
    }

    /** Dimension sizes, e.g. {@code [60000, 28, 28]} for MNIST training images. */
    public int[] dims() {
        return dims.clone();
    }

    /** The raw unsigned bytes, row-major, as a new array. */
    byte[] data() {
        byte[] out = new byte[data.capacity()];
        data.get(0, out);
        return out;
    }

    /** The raw unsigned bytes, row-major: a read-only buffer (mapped for raw files), position 0. */
    ByteBuffer buffer() {
        return data;
    }

    /** Number of items: the first dimension. */
    public int count() {
        return dims[0];
    }
}
