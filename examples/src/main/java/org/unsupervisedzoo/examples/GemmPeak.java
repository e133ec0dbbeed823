package org.unsupervisedzoo.examples;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The machine's limit for the zoo's speed figures (issue 23): fp32 matrix-product throughput of ND4J's BLAS
 * (OpenBLAS on CPU) for given thread counts and product shapes, in GFLOPS ({@code 2 m n k} per product, as
 * {@code StepFlops} counts the models' work). A model's GFLOPS (bench-torch) divided by this peak, at the same thread
 * count, says how far the model is from the hardware.
 *
 * <p>Per thread count and shape it runs {@code C = A B} into a preallocated C (no allocation in the timed loop) for
 * about {@code --seconds}, {@code --rounds} times, and prints the median and the best round:
 * <pre>
 *   gemm threads 1  256x784x1024   median 41.20 GFLOPS  best 42.03  (rounds 5, 2.00 s each)
 * </pre>
 * The shapes default to the zoo's typical products (a minibatch of 256 digits times a 784 x 1024 weight matrix, and
 * its transpose-sized backward product) and a square 1024 product, the usual "peak" figure.
 */
final class GemmPeak {
    private GemmPeak() {
    }

    static Options options() {
        return new Options()
                .option("threads", "1,2", "BLAS thread counts to measure, comma-separated").eachAtLeast(1)
                .option("shapes", "256x784x1024,1024x256x784,1024x1024x1024",
                        "products m x k x n (A is m x k, B is k x n), comma-separated")
                .option("seconds", "2", "time per round").positive()
                .option("rounds", "5", "rounds per thread count and shape (median and best printed)").min(1);
    }

    /** Parses {@code m x k x n}; names the option and the value when it is malformed. */
    static long[] shape(String s) {
        String[] p = s.trim().toLowerCase(java.util.Locale.ROOT).split("x");
        try {
            if (p.length != 3) {
                throw new NumberFormatException();
            }
            long[] d = {Long.parseLong(p[0].trim()), Long.parseLong(p[1].trim()), Long.parseLong(p[2].trim())};
            if (d[0] < 1 || d[1] < 1 || d[2] < 1) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--shapes: each shape must be m x k x n with positive integers, e.g."
                    + " 256x784x1024, got '" + s.trim() + "'");
        }
    }

    static void run(Options o) {
        int[] threads = o.integers("threads");
        List<long[]> shapes = new ArrayList<>();
        for (String s : o.string("shapes").split(",")) {
            shapes.add(shape(s));
        }
        double seconds = o.real("seconds");
        int rounds = o.integer("rounds");
        int before = Nd4j.factory().blas().getMaxThreads();
        try {
            for (int t : threads) {
                Nd4j.factory().blas().setMaxThreads(t);
                for (long[] d : shapes) {
                    double[] g = measure(d, seconds, rounds);
                    System.out.printf("gemm threads %d  %dx%dx%d  median %.2f GFLOPS  best %.2f  (rounds %d, %.2f s"
                            + " each)%n", t, d[0], d[1], d[2], TorchBenchmark.median(Arrays.stream(g).boxed().toList()),
                            Arrays.stream(g).max().orElse(Double.NaN), rounds, seconds);
                }
            }
        } finally {
            Nd4j.factory().blas().setMaxThreads(before);
        }
    }

    /** GFLOPS of each round of {@code C = A B} for the shape {m, k, n}. */
    static double[] measure(long[] d, double seconds, int rounds) {
        INDArray a = Nd4j.rand(DataType.FLOAT, d[0], d[1]);
        INDArray b = Nd4j.rand(DataType.FLOAT, d[1], d[2]);
        INDArray c = Nd4j.create(DataType.FLOAT, new long[] {d[0], d[2]}, 'f');
        double flops = 2.0 * d[0] * d[1] * d[2];
        for (int i = 0; i < 3; i++) { // warm-up: BLAS buffers, JIT
            Nd4j.gemm(a, b, c, false, false, 1.0, 0.0);
        }
        double[] out = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            long n = 0;
            long t0 = System.nanoTime();
            long end = t0 + (long) (seconds * 1e9);
            long now;
            do {
                Nd4j.gemm(a, b, c, false, false, 1.0, 0.0);
                n++;
                now = System.nanoTime();
            } while (now < end);
            out[r] = n * flops / ((now - t0) / 1e9) / 1e9;
        }
        return out;
    }
}
