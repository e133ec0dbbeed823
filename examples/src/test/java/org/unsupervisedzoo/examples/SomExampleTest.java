package org.unsupervisedzoo.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The som runner end to end on the bundled sample with a tiny map. */
class SomExampleTest {
    @TempDir
    Path out;

    private String run(String... args) throws Exception {
        Options o = SomExample.declare();
        List<String> all = new ArrayList<>(Arrays.asList(args));
        all.addAll(List.of("--out", out.toString()));
        o.parse(all.toArray(new String[0]));
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true));
        try {
            SomExample.train(o);
        } finally {
            System.setOut(old);
        }
        return buf.toString();
    }

    @ParameterizedTest
    @ValueSource(strings = {"--init sample", "--init pca --topology hexagonal --neighborhood bubble --distance cosine"})
    void runsOnTheSampleAndWritesModelPicturesAndLog(String variant) throws Exception {
        List<String> argv = new ArrayList<>(List.of("--epochs", "2", "--batch", "128", "--subset", "1280", "--rows", "4", "--cols", "5",
                "--sigma", "2"));
        argv.addAll(Arrays.asList(variant.split(" ")));
        String printed = run(argv.toArray(new String[0]));
        assertTrue(printed.contains("bundled MNIST SAMPLE"), printed);
        List<String> lines = printed.lines().filter(l -> l.startsWith("epoch ")).toList();
        assertEquals(2, lines.size(), printed);
        // lr and sigma at the last of 2 x 10 iterations: 0.5 (0.01 / 0.5)^(19/20) and 2 (0.5 / 2)^(19/20)
        assertTrue(lines.get(1).matches("epoch +2/2  lr 0\\.01216  sigma 0\\.53589  qe \\d+\\.\\d{5}  te \\d\\.\\d{5}"
                + "  examples/s +\\d+  time +\\d+\\.\\ds  eta \\d+[smh]\\S*"), lines.get(1));
        assertTrue(printed.lines().anyMatch(l -> l.matches("som classifier  test_accuracy 0\\.\\d{4}  units 20  .*")),
                printed);
        for (String png : new String[] {"umatrix.png", "prototypes.png", "hitmap.png", "anomalies.png"}) {
            assertNotNull(ImageIO.read(out.resolve(png).toFile()), png);
        }
        assertEquals(5 * 29 + 1, ImageIO.read(out.resolve("prototypes.png").toFile()).getWidth(), "5 columns of digits");
        List<String> csv = Files.readAllLines(out.resolve("epochs.csv"));
        assertEquals(3, csv.size());
        assertEquals("epoch,learning_rate,sigma,quantization_error,topographic_error,examples_per_second,seconds",
                csv.get(0));
        assertEquals(5, Files.readAllLines(out.resolve("labels.csv")).size(), "comment and 4 map rows");
        ComputationGraph g = ModelSerializer.restoreComputationGraph(out.resolve("model.zip").toFile(), false);
        assertEquals(20 * 784, g.numParams());
    }

    @Test
    void validationHoldsOutTheLastTrainingDigits() throws Exception {
        String printed = run("--epochs", "1", "--batch", "128", "--rows", "3", "--cols", "3", "--sigma", "1",
                "--validation", "300");
        int n = ExampleData.locate(SomExample.declare()).load(org.unsupervisedzoo.datasets.Split.TRAIN).count();
        assertTrue(printed.contains("train " + (n - 300) + "  val 300  "), printed);
        assertTrue(printed.lines().anyMatch(l -> l.matches("som classifier  val_accuracy 0\\.\\d{4}  units 9  .*"
                + "  val qe \\d+\\.\\d{5} te .*")), printed);
        CliException e = assertThrows(CliException.class, () -> run("--epochs", "1", "--validation", "" + n));
        assertTrue(e.getMessage().contains("--validation") && e.getMessage().contains("" + n), e.getMessage());
    }

    @Test
    void badChoicesAreRejectedNamingOptionAndValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> run("--topology", "triangle", "--epochs", "1"));
        assertTrue(e.getMessage().contains("--topology") && e.getMessage().contains("triangle"), e.getMessage());
    }
}
