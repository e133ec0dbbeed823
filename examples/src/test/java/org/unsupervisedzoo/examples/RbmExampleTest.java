package org.unsupervisedzoo.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rbm runner end to end on the bundled sample, tiny settings. */
class RbmExampleTest {
    @TempDir
    Path out;

    private String run(String... args) throws Exception {
        List<String> all = new ArrayList<>(Arrays.asList(args));
        all.addAll(List.of("--out", out.toString()));
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true));
        try {
            RbmExample.main(all.toArray(new String[0]));
        } finally {
            System.setOut(old);
        }
        return buf.toString();
    }

    /** The runner's recon_error (test set, mean-field reconstruction) of a saved 16-unit model. */
    private static double reconstructionError(Path model) throws Exception {
        Options o = RbmExample.declare();
        o.parse(new String[] {"--hidden", "16"});
        org.unsupervisedzoo.datasets.LabelledImages test = ExampleData.locate(o)
                .load(org.unsupervisedzoo.datasets.Split.TEST);
        org.nd4j.linalg.api.ndarray.INDArray x = org.unsupervisedzoo.datasets.MnistIterator.builder(test)
                .batchSize(test.count()).shuffle(false).build().next().getFeatures();
        ComputationGraph g = ModelSerializer.restoreComputationGraph(model.toFile(), false);
        return RbmExample.factory(o, test).params(g).reconstructionError(x);
    }

    @Test
    void runsOnTheSampleAndWritesModelPicturesLogAndFinalMeasures() throws Exception {
        String printed = run("--epochs", "2", "--hidden", "16", "--batch", "20", "--train-digits", "1000", "--ais-digits", "50",
                "--ais-runs", "20", "--ais-betas", "200", "--clf-epochs", "1");
        List<String> lines = printed.lines().filter(l -> l.startsWith("epoch ")).toList();
        assertEquals(2, lines.size(), printed);
        assertTrue(lines.get(1).matches("epoch +2/2  pseudo_likelihood -\\d+\\.\\d{3}  test_pseudo_likelihood "
                + "-\\d+\\.\\d{3}  recon_error \\d\\.\\d{5}  examples/s +\\d+  time +\\d+\\.\\ds  eta \\d+[smh]\\S*"), lines.get(1));
        assertTrue(printed.lines().anyMatch(l -> l.matches("ais log_z \\d+\\.\\d{3} .* test_loglik -\\d+\\.\\d{3} nats"
                + "  digits 50  runs 20  betas 200 .*")), printed);
        assertTrue(printed.lines().anyMatch(l -> l.matches("softmax on hidden_probabilities test_accuracy 0\\.\\d{4}"
                + "  on raw_pixels test_accuracy 0\\.\\d{4}  epochs 1 .*")), printed);
        assertTrue(printed.lines().anyMatch(l -> l.matches("linear_probe on hidden_probabilities l2 1\\.0E-4  test_accuracy 0\\.\\d{4}"
                + "  train_accuracy [01]\\.\\d{4}  objective \\d+\\.\\d{6}  lbfgs_iterations \\d+  time .*")), printed);
        for (String png : List.of("filters.png", "samples.png", "reconstructions.png")) {
            assertTrue(ImageIO.read(out.resolve(png).toFile()).getWidth() > 0, png);
        }
        List<String> csv = Files.readAllLines(out.resolve("epochs.csv"));
        assertEquals(3, csv.size());
        ComputationGraph g = ModelSerializer.restoreComputationGraph(out.resolve("model.zip").toFile(), false);
        assertEquals(784L * 16 + 784 + 16, g.numParams());

        // --load evaluates the saved model: the same reconstruction error as after the last epoch
        Path saved = out.resolveSibling(out.getFileName() + "-saved.zip");
        Files.copy(out.resolve("model.zip"), saved);
        String again = run("--epochs", "0", "--hidden", "16", "--train-digits", "1000", "--ais-digits", "0",
                "--clf-epochs", "0", "--load", saved.toString());
        assertTrue(again.contains("wrote"), again);
        double lastEpoch = Double.parseDouble(csv.get(2).split(",")[3]); // recon_error, printed to 6 decimals
        assertEquals(lastEpoch, reconstructionError(saved), 5e-7, "the saved model is the last epoch's");
        assertEquals(lastEpoch, reconstructionError(out.resolve("model.zip")), 5e-7,
                "--load --epochs 0 evaluates and saves the same model");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> run("--epochs", "0",
                "--hidden", "17", "--load", saved.toString()));
        assertTrue(e.getMessage().contains("--load"), e.getMessage());
    }

    /** Issue 19's recipe options: momentum with warm-up, weight cost, linear decay, a validation split, AIS seeds. */
    @Test
    void recipeOptionsTrainFusedOnATrainingSplitAndEvaluateOnItsValidationDigits() throws Exception {
        String printed = run("--epochs", "2", "--hidden", "16", "--batch", "20", "--train-digits", "600",
                "--validation", "300", "--momentum", "0.9", "--momentum-warmup", "1", "--weight-decay", "1e-4",
                "--lr-schedule", "linear", "--lr", "0.01", "--ais-digits", "50", "--ais-runs", "10", "--ais-betas",
                "100", "--ais-seeds", "2", "--clf-epochs", "1", "--probe-l2", "1e-3,0.01");
        assertTrue(printed.lines().anyMatch(l -> l.contains("momentum 0.9 lr-schedule linear weight-decay 1e-4")
                && l.contains("train 600  validation 300  trainer fused")), printed);
        assertEquals(2, printed.lines().filter(l -> l.matches("ais log_z .* validation_loglik -\\d+\\.\\d{3} nats"
                + "  digits 50  runs 10  betas 100  ais_seed \\d .*")).count(), printed);
        assertTrue(printed.lines().anyMatch(l -> l.matches("ais over 2 seeds: log_z mean \\d+\\.\\d{3}  sd \\d+\\.\\d{3} .*")),
                printed);
        assertTrue(printed.lines().anyMatch(l -> l.startsWith("softmax on hidden_probabilities validation_accuracy")),
                printed);
        // one probe per --probe-l2 value, in order; the figure line quotes the last
        List<String> probes = printed.lines().filter(l -> l.startsWith("linear_probe on hidden_probabilities")).toList();
        assertEquals(2, probes.size(), printed);
        assertTrue(probes.get(0).contains(" l2 0.001  validation_accuracy ") && probes.get(1).contains(" l2 0.01  "),
                probes.toString());
        String lastProbe = String.format(java.util.Locale.ROOT, "linear probe %.2f%%", 100 * (1 - Double.parseDouble(
                probes.get(1).replaceAll(".*validation_accuracy (\\S+) .*", "$1"))));
        assertTrue(printed.lines().anyMatch(l -> l.startsWith("figure: ") && l.endsWith(lastProbe)), lastProbe + printed);
        assertTrue(printed.lines().anyMatch(l -> l.matches("figure: validation log-likelihood -\\d+\\.\\d{2} nats"
                + " \\(target >= -90 nats\\), softmax on features validation error \\d+\\.\\d{2}% \\(target <= 1\\.8%\\),"
                + " linear probe \\d+\\.\\d{2}%")),
                printed);
        int model = printed.indexOf("wrote " + out.resolve("model.zip"));
        assertTrue(model >= 0 && model < printed.indexOf("ais log_z"), "model.zip before AIS: " + printed);
    }

    /** --centering: printed, trained by the fused step, its offsets in the checkpoint; off the fused step refused. */
    @Test
    void centeringTrainsFusedAndKeepsItsOffsetsInTheCheckpoint() throws Exception {
        String printed = run("--epochs", "1", "--hidden", "16", "--batch", "20", "--train-digits", "400",
                "--centering", "0.01", "--ais-digits", "0", "--clf-epochs", "0");
        assertTrue(printed.lines().anyMatch(l -> l.contains("sgd 0.1 centering 0.01  batch 20")
                && l.contains("trainer fused")), printed);
        org.nd4j.linalg.api.ndarray.INDArray offsets = org.nd4j.linalg.factory.Nd4j.readBinary(
                out.resolve("checkpoint").resolve("offsets.bin").toFile());
        assertEquals(784 + 16, offsets.length());
        assertTrue(offsets.minNumber().doubleValue() >= 0 && offsets.maxNumber().doubleValue() <= 1, offsets.toString());
        RuntimeException e = assertThrows(RuntimeException.class, () -> run("--epochs", "1",
                "--hidden", "8", "--train-digits", "100", "--visible", "gaussian", "--centering", "0.01"));
        assertTrue(e.getMessage().contains("--centering 0.01 needs the fused trainer"), e.getMessage());
        e = assertThrows(RuntimeException.class, () -> run("--centering", "1.5"));
        assertTrue(e.getMessage().contains("--centering") && e.getMessage().contains("1.5"), e.getMessage());
    }

    @Test
    void gaussianVariantAndCdRun() throws Exception {
        String printed = run("--epochs", "1", "--hidden", "8", "--batch", "50", "--train-digits", "500", "--visible", "gaussian", "--lr",
                "0.001", "--chain", "cd", "--k", "2", "--clf-epochs", "0");
        assertTrue(printed.lines().anyMatch(l -> l.matches("epoch +1/1  pseudo_likelihood NaN  .*recon_error "
                + "\\d+\\.\\d{5} .*")), printed);
        assertTrue(Files.exists(out.resolve("samples.png")));
    }

    @Test
    void badOptionsAreClearErrors() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> run("--chain", "xyz"));
        assertTrue(e.getMessage().contains("--chain") && e.getMessage().contains("xyz"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> run("--hidden", "0", "--epochs", "1"));
        // the option's range is checked before the builder's (which names nHidden): the message names the flag
        assertTrue(e.getMessage().contains("--hidden must be at least 1, got '0'"), e.getMessage());
    }
}
