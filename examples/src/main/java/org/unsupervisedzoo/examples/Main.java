package org.unsupervisedzoo.examples;

import java.util.Arrays;
import org.unsupervisedzoo.datasets.DatasetException;

/**
 * Entry point of the examples jar: {@code java -jar unsupervised-zoo-examples.jar <example> [options]}.
 * {@code <example> --help} lists an example's options and their defaults.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("java.awt.headless", "true");
        if (System.getenv("OMP_NUM_THREADS") == null) {
            System.err.println("note: OMP_NUM_THREADS is not set; OMP_NUM_THREADS=1 trained 2.5x faster on 2 cores"
                    + " (BENCHMARKS.md)");
        }
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
            System.out.println(usage());
            return;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        try {
            switch (args[0]) {
                case AutoencoderExample.NAME:
                    AutoencoderExample.main(rest);
                    break;
                default:
                    System.err.println("unknown example '" + args[0] + "'\n" + usage());
                    System.exit(2);
            }
        } catch (IllegalArgumentException | DatasetException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(2);
        }
    }

    static String usage() {
        return "usage: java -jar unsupervised-zoo-examples.jar <example> [options]\n"
                + "examples:\n"
                + "  " + AutoencoderExample.NAME + "    deep undercomplete autoencoder (784-128-64-32-64-128-784)\n"
                + "run '<example> --help' for its options";
    }
}
