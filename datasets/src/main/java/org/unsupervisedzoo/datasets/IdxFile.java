package org.unsupervisedzoo.datasets;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
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
 */
public final class IdxFile {
    /** IDX type code of unsigned bytes. */
    public static final int TYPE_UNSIGNED_BYTE = 0x08;

    private final String source;
    private final int[] dims;
    private final byte[] data;

    private IdxFile(String source, int[] dims, byte[] data) {
        this.source = source;
        this.dims = dims;
        this.data = data;
    }

    /** Reads an IDX file from disk, raw or gzipped. */
    public static IdxFile read(Path path) {
        try (InputStream in = Files.newInputStream(path)) {
            return read(in, path.toString());
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

    /** Data up to this size (bytes) is read into one array allocated from the header's sizes. */
    static final long DIRECT_READ_LIMIT = 256L << 20;

    private static IdxFile parse(InputStream in, String source) throws IOException {
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
        long total = 1;
        for (int i = 0; i < ndims; i++) {
            dims[i] = ((header[4 * i] & 0xff) << 24) | ((header[4 * i + 1] & 0xff) << 16)
                    | ((header[4 * i + 2] & 0xff) << 8) | (header[4 * i + 3] & 0xff);
            if (dims[i] <= 0) {
                throw new DatasetException("Invalid IDX header in " + source + ": dimension " + i + " is "
                        + dims[i] + ", must be positive");
            }
            total *= dims[i];
        }
        if (total > Integer.MAX_VALUE - 16) {
            throw new DatasetException("IDX data in " + source + " too large: " + Arrays.toString(dims));
        }
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
            throw new DatasetException("Truncated IDX data in " + source + ": header " + Arrays.toString(dims)
                    + " promises " + total + " bytes, found " + found);
        }
        if (in.read() != -1) {
            ByteArrayOutputStream extra = new ByteArrayOutputStream();
            extra.write(0);
            in.transferTo(extra);
            throw new DatasetException("Trailing data in " + source + ": " + extra.size()
                    + " bytes after the " + total + " bytes that header " + Arrays.toString(dims) + " promises");
        }
        return new IdxFile(source, dims, data);
    }

    /** Where this file came from (a path or a resource name). */
    public String source() {
        return source;
    }

    /** Dimension sizes, e.g. {@code [60000, 28, 28]} for MNIST training images. */
    public int[] dims() {
        return dims.clone();
    }

    /** The raw unsigned bytes, row-major. Not copied: do not modify. */
    byte[] data() {
        return data;
    }

    /** Number of items: the first dimension. */
    public int count() {
        return dims[0];
    }
}
