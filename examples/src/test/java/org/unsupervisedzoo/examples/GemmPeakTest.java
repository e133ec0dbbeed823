package org.unsupervisedzoo.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

/** The {@code gemm} command: one line per thread count and shape, positive GFLOPS, bad shapes named. */
class GemmPeakTest {
    @Test
    void printsALinePerThreadCountAndShapeAndRestoresTheBlasThreads() {
        int before = Nd4j.factory().blas().getMaxThreads();
        CliTest.Result r = CliTest.cli("gemm", "--threads", "1,2", "--shapes", "64x32x16,64x64x64", "--seconds", "0.05",
                "--rounds", "3");
        assertEquals(0, r.status, r.toString());
        Pattern line = Pattern.compile("gemm threads (\\d) +(\\d+x\\d+x\\d+) +median ([0-9.]+) GFLOPS +best ([0-9.]+)");
        List<String> lines = r.out.lines().filter(l -> l.startsWith("gemm threads")).toList();
        assertEquals(4, lines.size(), r.toString());
        String[] expected = {"1 64x32x16", "1 64x64x64", "2 64x32x16", "2 64x64x64"};
        for (int i = 0; i < 4; i++) {
            Matcher m = line.matcher(lines.get(i));
            assertTrue(m.find(), lines.get(i));
            assertEquals(expected[i], m.group(1) + " " + m.group(2));
            double median = Double.parseDouble(m.group(3));
            assertTrue(median > 0 && median <= Double.parseDouble(m.group(4)), lines.get(i));
        }
        assertEquals(before, Nd4j.factory().blas().getMaxThreads(), "the BLAS thread count is restored");
    }

    @Test
    void shapesAreParsedAndBadOnesNamed() {
        assertArrayEquals(new long[] {256, 784, 1024}, GemmPeak.shape(" 256X784x1024 "));
        CliTest.oneLineError(CliTest.cli("gemm", "--shapes", "256x784"), "--shapes");
        CliTest.oneLineError(CliTest.cli("gemm", "--shapes", "0x4x4"), "'0x4x4'");
        CliTest.oneLineError(CliTest.cli("gemm", "--threads", "0"), "threads");
    }
}
