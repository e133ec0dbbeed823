package org.unsupervisedzoo.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AutoencoderExampleTest {
    @TempDir
    Path out;

    @Test
    void trainsOnTheBundledSampleAndWritesModelPictureAndLog() throws Exception {
        Options o = AutoencoderExample.options();
        o.parse(new String[] {"--epochs", "2", "--hidden", "32,8", "--out", out.toString()});
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true));
        try {
            AutoencoderExample.run(o);
        } finally {
            System.setOut(old);
        }
        String printed = buf.toString();
        assertTrue(printed.contains("bundled MNIST SAMPLE"), printed);
        List<String> epochLines = printed.lines().filter(l -> l.startsWith("epoch ")).toList();
        assertEquals(2, epochLines.size(), printed);
        assertTrue(epochLines.get(1).matches(
                "epoch +2/2  train_loss \\d\\.\\d{5}  test_loss \\d\\.\\d{5}  examples/s +\\d+  time +\\d+\\.\\ds"),
                epochLines.get(1));

        List<String> csv = Files.readAllLines(out.resolve("epochs.csv"));
        assertEquals(3, csv.size());
        double first = Double.parseDouble(csv.get(1).split(",")[2]);
        double second = Double.parseDouble(csv.get(2).split(",")[2]);
        assertTrue(second < first, "test loss falls: " + csv);

        ComputationGraph model = ModelSerializer.restoreComputationGraph(out.resolve("model.zip").toFile(), false);
        assertEquals(784, model.outputSingle(org.nd4j.linalg.factory.Nd4j.zeros(1, 784)).length());
        assertEquals(10 * (2 * 28 + 1) + 1, ImageIO.read(out.resolve("reconstructions.png").toFile()).getWidth());
    }

    @Test
    void badOptionsAreNamed() {
        Options o = AutoencoderExample.options();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> o.parse(new String[] {"--epoch", "3"}));
        assertTrue(e.getMessage().contains("--epoch"), e.getMessage());
        o.parse(new String[] {"--batch", "many"});
        e = assertThrows(IllegalArgumentException.class, () -> o.integer("batch"));
        assertTrue(e.getMessage().contains("--batch") && e.getMessage().contains("many"), e.getMessage());
        assertFalse(o.parse(new String[] {"--help"}));
        Options d = AutoencoderExample.options();
        d.parse(new String[] {"--data", "cifar"});
        e = assertThrows(IllegalArgumentException.class, () -> ExampleData.locate(d));
        assertTrue(e.getMessage().contains("cifar"), e.getMessage());
    }
}
