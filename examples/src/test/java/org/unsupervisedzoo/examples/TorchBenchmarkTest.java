package org.unsupervisedzoo.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.junit.jupiter.api.Test;
import org.nd4j.shade.jackson.databind.ObjectMapper;
import org.unsupervisedzoo.zoo.convolutional.ConvolutionalAutoencoder;
import org.unsupervisedzoo.zoo.autoencoder.UndercompleteAutoencoder;

/** bench-torch: the FLOP count from a configuration, and one DL4J run on the bundled sample. */
class TorchBenchmarkTest {
    @Test
    void flopsOfOneStepAreCountedFromTheConfiguration() {
        // dense 784-128-64-32-64-128-784: 2 n_in n_out per layer and example, x3 for forward and backward
        long dense = 784 * 128 + 128 * 64 + 64 * 32 + 32 * 64 + 64 * 128 + 128 * 784;
        assertEquals(3 * 2.0 * dense, StepFlops.perExample(UndercompleteAutoencoder.builder().build().conf(),
                InputType.feedForward(784)));
        // conv 3x3/2 1->16 (out 14x14), 16->32 (7x7), dense 1568-64-1568, transposed 3x3/2 32->16 (in 7x7),
        // 16->1 (in 14x14)
        double conv = 2.0 * (196 * 16 * 9 + 49 * 32 * 16 * 9 + 1568 * 64 * 2 + 49 * 32 * 16 * 9 + 196 * 16 * 9);
        assertEquals(3 * conv, StepFlops.perExample(ConvolutionalAutoencoder.builder().build().conf(),
                InputType.convolutional(28, 28, 1)));
    }

    @Test
    @SuppressWarnings("unchecked")
    void theDl4jSideReportsThroughputLossMemoryAndAProfile() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(new String[] {"bench-torch", "--side", "dl4j", "--models", "undercomplete-autoencoder,variational-autoencoder,rbm,mlp-gan",
            "--steps", "3", "--warmup", "1", "--batch", "16", "--profile", "deep"},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true));
        assertEquals(0, status, err.toString());
        String[] results = out.toString(StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("RESULT "))
                .toArray(String[]::new);
        assertEquals(4, results.length, out.toString());
        for (String line : results) {
            Map<String, Object> r = new ObjectMapper().readValue(line.substring(7), Map.class);
            assertTrue(((Number) r.get("examples_per_second")).doubleValue() > 0, line);
            double loss = ((Number) r.get("test_loss")).doubleValue();
            assertTrue(Double.isFinite(loss) && loss > 0, line);
            assertTrue(((Number) r.get("flops_per_example")).doubleValue() > 1e6, line);
            assertTrue(((Number) r.get("peak_rss_mb")).doubleValue() > 50, line);
            assertTrue(r.get("profile") instanceof Map, line);
        }
        // the VAE's test loss is -ELBO in nats per digit, the autoencoder's BCE per pixel
        assertTrue(results[1].contains("\"model\":\"variational-autoencoder\""));
        assertTrue(new ObjectMapper().readValue(results[1].substring(7), Map.class).get("test_loss") instanceof Number);
        // the RBM and the GAN in their own minibatches, as many digits as 3 x 16: 5 updates of 10, 1 round of 64
        Map<String, Object> rbm = new ObjectMapper().readValue(results[2].substring(7), Map.class);
        assertEquals(List.of("rbm", 10, 5), List.of(rbm.get("model"), rbm.get("batch"), rbm.get("steps")));
        assertEquals(12.0 * 784 * 256, ((Number) rbm.get("flops_per_example")).doubleValue());
        Map<String, Object> gan = new ObjectMapper().readValue(results[3].substring(7), Map.class);
        assertEquals(List.of("mlp-gan", 64, 1), List.of(gan.get("model"), gan.get("batch"), gan.get("steps")));
        // a fresh D scores about log 2 on real and fake digits alike
        assertEquals(Math.log(2), ((Number) gan.get("test_loss")).doubleValue(), 0.3);
    }

    /**
     * The deep profile names the ND4J call under each part. Its own run, long enough to be sampled: 5 RBM updates of
     * 10 digits can end within the sampler's first millisecond (CI's machine did, and its profile was empty).
     */
    @Test
    @SuppressWarnings("unchecked")
    void theDeepProfileNamesTheNd4jCallUnderEachPart() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(0, Main.run(new String[] {"bench-torch", "--side", "dl4j", "--models", "rbm",
            "--steps", "300", "--warmup", "1", "--batch", "16", "--profile", "deep"},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true)), err.toString());
        String line = out.toString(StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("RESULT ")).findFirst()
                .orElseThrow();
        Map<String, Object> profile = (Map<String, Object>) new ObjectMapper().readValue(line.substring(7), Map.class)
                .get("profile");
        assertTrue(profile.keySet().stream().anyMatch(k -> k.contains(" <- ")), profile.toString());
    }

    private static double rbmTestLoss(String seed) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(0, Main.run(new String[] {"bench-torch", "--side", "dl4j", "--models", "rbm,undercomplete-autoencoder",
            "--steps", "2", "--warmup", "1", "--batch", "16", "--seed", seed},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream())));
        double sum = 0;
        for (String line : out.toString(StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("RESULT "))
                .toArray(String[]::new)) {
            sum += ((Number) new ObjectMapper().readValue(line.substring(7), Map.class).get("test_loss"))
                    .doubleValue();
        }
        return sum;
    }

    /** --seed reaches the DL4J side (weights, shuffling, draws): the same seed, the same losses; another, others. */
    @Test
    void theSeedOptionSeedsTheRuns() throws Exception {
        double a = rbmTestLoss("5");
        assertEquals(a, rbmTestLoss("5"), 0.0);
        assertTrue(a != rbmTestLoss("6"), "another seed, another run");
    }

    @Test
    void badOptionsEndInOneLine() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(2, Main.run(new String[] {"bench-torch", "--models", "rbmx"}, new PrintStream(
                new ByteArrayOutputStream()), new PrintStream(err, true)));
        assertTrue(err.toString().contains("unknown model 'rbmx'"), err.toString());
        err.reset();
        assertEquals(2, Main.run(new String[] {"bench-torch", "--side", "sideways"}, new PrintStream(
                new ByteArrayOutputStream()), new PrintStream(err, true)));
        assertTrue(err.toString().contains("--side"), err.toString());
    }
}
