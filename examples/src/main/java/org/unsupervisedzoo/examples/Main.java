package org.unsupervisedzoo.examples;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.unsupervisedzoo.datasets.DatasetException;

/**
 * Entry point of the examples jar: {@code java -jar unsupervised-zoo-examples.jar <example> [options]}.
 * {@code <example> --help} lists an example's options and their defaults.
 */
public final class Main {
    private Main() {
    }

    /** Every example, by command name, with a one-line description. */
    static Map<String, AutoencoderRunner> examples() {
        Map<String, AutoencoderRunner> m = new LinkedHashMap<>();
        for (AutoencoderRunner r : new AutoencoderRunner[] {new UndercompleteExample(), new DenoisingExample(),
            new SparseExample(), new ContractiveExample(), new ConvolutionalExample(), new VaeExample()}) {
            m.put(r.name(), r);
        }
        return m;
    }

    private static final Map<String, String> DESCRIPTIONS = Map.of(
            "autoencoder", "deep undercomplete autoencoder (784-128-64-32-64-128-784)",
            "denoising", "denoising autoencoder (Gaussian, masking, salt-and-pepper or occlusion noise)",
            "sparse", "sparse autoencoder, overcomplete (KL penalty, L1 activity or k-sparse)",
            "contractive", "contractive autoencoder (Jacobian penalty)",
            "conv", "convolutional autoencoder (strided convolutions, transposed-convolution decoder)",
            "vae", "variational autoencoder (784-400-20), ELBO and importance-weighted likelihood");

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
        if (args[0].equals("bench-layers")) {
            LayerCostBenchmark.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        if (args[0].equals("rbm")) {
            RbmExample.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        if (args[0].equals("bench-vae")) {
            VaeComparisonBenchmark.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        AutoencoderRunner example = examples().get(args[0]);
        if (example == null) {
            System.err.println("unknown example '" + args[0] + "'\n" + usage());
            System.exit(2);
        }
        try {
            example.main(Arrays.copyOfRange(args, 1, args.length));
        } catch (IllegalArgumentException | DatasetException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(2);
        }
    }

    static String usage() {
        StringBuilder sb = new StringBuilder("usage: java -jar unsupervised-zoo-examples.jar <example> [options]\n"
                + "examples:\n");
        examples().keySet().forEach(n -> sb.append(String.format("  %-12s %s%n", n, DESCRIPTIONS.get(n))));
        sb.append(String.format("  %-12s %s%n", "rbm", "restricted Boltzmann machine (CD-k/PCD-k), AIS log-likelihood"));
        sb.append(String.format("  %-12s %s%n", "bench-layers", "cost of the custom layers, side by side"));
        sb.append(String.format("  %-12s %s%n", "bench-vae", "the zoo's VAE against DL4J's built-in VAE layer"));
        return sb.append("run '<example> --help' for its options").toString();
    }
}
