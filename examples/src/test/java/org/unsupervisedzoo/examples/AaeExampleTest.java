package org.unsupervisedzoo.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.factory.Nd4j;

class AaeExampleTest {
    @TempDir
    Path out;

    @Test
    void trainsOnTheSampleAndWritesAStockModelPicturesAndOneLinePerEpoch() throws Exception {
        CliTest.Result r = CliTest.cli("train", "adversarial-autoencoder", "--epochs", "2", "--hidden", "64,2", "--disc", "32",
                "--out", out.toString());
        assertEquals(0, r.status, r.toString());
        List<String> lines = r.out.lines().filter(l -> l.startsWith("epoch ")).toList();
        assertEquals(2, lines.size(), r.out);
        String number = "-?\\d+\\.\\d+";
        assertTrue(lines.get(1).matches("epoch +2/2  recon +" + number + "  loss_d " + number + "  loss_g " + number
                + "  D\\(prior\\) " + number + "  D\\(code\\) " + number + "  test_bce " + number + "  code_gap "
                + number + "  examples/s +\\d+  time +\\d+\\.\\ds"), lines.get(1));
        List<String> csv = Files.readAllLines(out.resolve("epochs.csv"));
        assertEquals(3, csv.size());
        assertTrue(Double.parseDouble(csv.get(2).split(",")[6]) < Double.parseDouble(csv.get(1).split(",")[6]),
                "test BCE falls: " + csv);
        String json = ModelSerializer.restoreComputationGraph(out.resolve("model.zip").toFile(), false)
                .getConfiguration().toJson();
        assertTrue(!json.contains("org.unsupervisedzoo.zoo.fast."), "model.zip in DL4J's classes");
        ComputationGraph g = ModelSerializer.restoreComputationGraph(out.resolve("model.zip").toFile(), false);
        assertEquals(784, g.outputSingle(false, Nd4j.rand(1, 784)).size(1));
        for (String p : new String[] {"reconstructions.png", "samples.png", "latent.png"}) {
            assertTrue(ImageIO.read(out.resolve(p).toFile()).getWidth() > 100, p);
        }
        CliTest.Result bad = CliTest.cli("train", "adversarial-autoencoder", "--hidden", "64,1", "--prior", "mixture", "--out",
                out.toString());
        CliTest.oneLineError(bad, "codeSize 1");
    }
}
