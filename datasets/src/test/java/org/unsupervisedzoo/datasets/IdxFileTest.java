package org.unsupervisedzoo.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxFileTest {
    @TempDir
    Path tmp;

    private Path write(String name, byte[] bytes) throws Exception {
        Path p = tmp.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    private void assertFails(Path file, String... fragments) {
        DatasetException e = assertThrows(DatasetException.class, () -> IdxFile.read(file));
        assertTrue(e.getMessage().contains(file.toString()), "names the file: " + e.getMessage());
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "mentions '" + f + "': " + e.getMessage());
        }
    }

    @Test
    void readsRawAndGzippedAlike() throws Exception {
        byte[] raw = IdxFixtures.images(3, 4, 5);
        IdxFile a = IdxFile.read(write("raw-idx3-ubyte", raw));
        IdxFile b = IdxFile.read(write("packed.gz", IdxFixtures.gzip(raw)));
        assertArrayEquals(new int[] {3, 4, 5}, a.dims());
        assertArrayEquals(a.dims(), b.dims());
        assertArrayEquals(a.data(), b.data());
        assertEquals(60, a.data().length);
        assertEquals((byte) ((7 * 59) % 256), a.data()[59]);
        assertEquals(3, a.count());
        // the raw file is mapped (its pages come from the file cache), the gzipped one decompressed into memory
        assertTrue(a.buffer().isDirect(), "raw file mapped");
        assertTrue(a.buffer().isReadOnly() && b.buffer().isReadOnly());
        assertEquals(60, a.buffer().capacity());
    }

    @Test
    void gzipIsRecognisedByContentNotName() throws Exception {
        byte[] raw = IdxFixtures.labels(7);
        IdxFile f = IdxFile.read(write("labels-without-suffix", IdxFixtures.gzip(raw)));
        assertArrayEquals(new int[] {7}, f.dims());
    }

    @Test
    void missingFile() {
        assertFails(tmp.resolve("nope-idx3-ubyte"), "not found");
    }

    @Test
    void wrongMagicNumber() throws Exception {
        byte[] raw = IdxFixtures.labels(4);
        raw[2] = 0x0D; // float type, not unsigned byte
        assertFails(write("float.idx", raw), "Wrong magic number", "0x00000d01");
        assertFails(write("text.idx", "hello world, not idx".getBytes()), "Wrong magic number");
    }

    @Test
    void truncatedHeader() throws Exception {
        assertFails(write("short", new byte[] {0, 0}), "Truncated IDX header");
        byte[] raw = IdxFixtures.images(2, 2, 2);
        assertFails(write("short-dims", Arrays.copyOf(raw, 9)), "Truncated IDX header", "3 dimension sizes");
    }

    @Test
    void truncatedData() throws Exception {
        byte[] raw = IdxFixtures.images(10, 28, 28);
        assertFails(write("cut", Arrays.copyOf(raw, raw.length - 100)), "Truncated IDX data", "promises 7840 bytes",
                "found 7740");
        // truncated inside a gzip stream
        byte[] gz = IdxFixtures.gzip(raw);
        assertFails(write("cut.gz", Arrays.copyOf(gz, gz.length / 2)), "Truncated");
    }

    @Test
    void trailingData() throws Exception {
        byte[] raw = IdxFixtures.labels(5);
        assertFails(write("long", Arrays.copyOf(raw, raw.length + 3)), "Trailing data", "3 bytes");
    }

    @Test
    void unreadableGzip() throws Exception {
        byte[] bad = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
        assertFails(write("bad.gz", bad), "gzip");
    }

    @Test
    void zeroDimensionIsRejected() throws Exception {
        assertFails(write("empty", IdxFixtures.idx(new int[] {0, 28, 28}, new byte[0])), "dimension 0 is 0");
    }

    /**
     * Dimension sizes whose product overflows a long: four sizes of 65536 wrap to exactly 0 (a 20-byte file was
     * accepted as an empty data set), 65535^4 and 2*(2^31-1)^3 wrap to negative numbers (a
     * NegativeArraySizeException from the stream path, "Trailing data" from the mapped path). Each must be the
     * reader's own error, naming the file, the sizes and the limit, raw or gzipped.
     */
    @Test
    void dimensionProductOverflowIsRejected() throws Exception {
        int max = Integer.MAX_VALUE;
        int[][] cases = {{65536, 65536, 65536, 65536}, {65535, 65535, 65535, 65535}, {2, max, max, max},
            {65536, 65536, 65536, 32768}};
        for (int[] dims : cases) {
            byte[] raw = IdxFixtures.idx(dims, new byte[0]);
            String name = "overflow-" + dims[0] + "-" + dims[3];
            for (Path file : new Path[] {write(name, raw), write(name + ".gz", IdxFixtures.gzip(raw))}) {
                assertFails(file, "too large", Arrays.toString(dims), String.valueOf(IdxFile.MAX_DATA_BYTES));
            }
        }
    }

    /** A product past the limit that does not overflow is the same error (e.g. 65536 x 65536 = 2^32 bytes). */
    @Test
    void dimensionProductPastTheLimitIsRejected() throws Exception {
        byte[] raw = IdxFixtures.idx(new int[] {65536, 65536}, new byte[0]);
        assertFails(write("big", raw), "too large", "[65536, 65536]", "at least 4294967296 bytes",
                String.valueOf(IdxFile.MAX_DATA_BYTES));
        assertFails(write("big.gz", IdxFixtures.gzip(raw)), "too large", "[65536, 65536]");
    }

    @Test
    void labelledImagesChecksTheirAgreement() throws Exception {
        IdxFile img = IdxFile.read(write("img", IdxFixtures.images(6, 28, 28)));
        IdxFile lab = IdxFile.read(write("lab", IdxFixtures.labels(5)));
        List<String> names = ImageDataset.MNIST.classNames();
        DatasetException e = assertThrows(DatasetException.class,
                () -> LabelledImages.of("t", img, lab, 28, 28, names));
        assertTrue(e.getMessage().contains("6 images") && e.getMessage().contains("5 labels"), e.getMessage());

        IdxFile small = IdxFile.read(write("img27", IdxFixtures.images(5, 27, 28)));
        e = assertThrows(DatasetException.class, () -> LabelledImages.of("t", small, lab, 28, 28, names));
        assertTrue(e.getMessage().contains("27x28") && e.getMessage().contains("expected 28x28"), e.getMessage());

        e = assertThrows(DatasetException.class, () -> LabelledImages.of("t", lab, lab, 28, 28, names));
        assertTrue(e.getMessage().contains("expected 3"), e.getMessage());

        byte[] badLabels = IdxFixtures.idx(new int[] {5}, new byte[] {1, 2, 3, 12, 4});
        IdxFile bad = IdxFile.read(write("lab12", badLabels));
        IdxFile img5 = IdxFile.read(write("img5", IdxFixtures.images(5, 28, 28)));
        e = assertThrows(DatasetException.class, () -> LabelledImages.of("t", img5, bad, 28, 28, names));
        assertTrue(e.getMessage().contains("label 12 at index 3"), e.getMessage());

        LabelledImages ok = LabelledImages.of("t", img5, lab, 28, 28, names);
        assertEquals(5, ok.count());
        assertEquals(4, ok.label(4));
        assertEquals((7 * 784) % 256, ok.pixel(1, 0));
    }
}
