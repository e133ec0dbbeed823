package org.unsupervisedzoo.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.unsupervisedzoo.examples.CliTest.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.unsupervisedzoo.zoo.autoencoder.Autoencoders;

/** {@code stacked}: greedy layer-wise pretraining, then fine-tuning, on the bundled sample. */
class StackedCommandTest {
    @TempDir
    Path tmp;

    private static final Pattern RESULT = Pattern.compile("stacked (\\w+) 784-32-16 (pretrained|from scratch): "
            + "test_error (\\d+\\.\\d\\d)% \\(best epoch (\\d+) of (\\d+), val_error (\\d+\\.\\d\\d)%.*");

    private static CliTest.Result stacked(Path out, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("stacked", "--hidden", "32,16", "--layer-epochs", "2",
                "--labels", "200", "--validation", "500", "--max-epochs", "3", "--patience", "2", "--batch", "64",
                "--out", out.toString()));
        args.addAll(List.of(more));
        return cli(args.toArray(String[]::new));
    }

    private static Matcher result(CliTest.Result r) {
        Matcher m = RESULT.matcher(r.out.lines().reduce((a, b) -> b).orElse(""));
        assertTrue(m.matches(), r.out);
        return m;
    }

    @Test
    void pretrainsEachLayerThenFineTunesAndSavesTheLayers() throws Exception {
        Path out = tmp.resolve("dae");
        CliTest.Result r = stacked(out);
        assertEquals(0, r.status, r.toString());
        for (int l = 1; l <= 2; l++) {
            assertTrue(r.out.contains("layer " + l + "/2  denoising-autoencoder"), r.out);
            for (int e = 1; e <= 2; e++) {
                assertTrue(r.out.contains("layer " + l + "/2  epoch   " + e + "/2  train_loss "), r.out);
            }
            assertTrue(Files.exists(StackedCommand.layerFile(out, l)));
        }
        ComputationGraph layer2 = ModelSerializer.restoreComputationGraph(StackedCommand.layerFile(out, 2).toFile());
        assertEquals(32, layer2.getLayer(Autoencoders.RECONSTRUCTION).getParam("W").size(1), "layer 2 rebuilds 32 codes");
        Matcher m = result(r);
        assertEquals("denoising", m.group(1));
        assertEquals("pretrained", m.group(2));
        assertTrue(Files.readString(out.resolve("summary.txt")).startsWith("stacked denoising 784-32-16 pretrained"));
        assertTrue(Files.exists(out.resolve("classifier.zip")));
        assertEquals(Integer.parseInt(m.group(5)) + 1, Files.readAllLines(out.resolve("curve.csv")).size());

        // --resume: the saved layers are not trained again, and the result is the same
        CliTest.Result again = stacked(out, "--resume", "true");
        assertEquals(0, again.status, again.toString());
        assertTrue(again.out.contains("resuming after 2 pretrained layers"), again.out);
        assertTrue(again.out.contains("resuming the fine-tuning from "), again.out);
        assertFalse(again.out.contains("fine-tune  epoch"), "the finished fine-tuning is not run again: " + again.out);
        assertFalse(again.out.contains("layer 1/2  epoch"), again.out);
        assertEquals(m.group(3), result(again).group(3), "same layers, same fine-tuning, same test error");

        // resuming under other pretraining settings is refused, naming both
        CliTest.Result other = stacked(out, "--resume", "true", "--level", "0.5");
        assertEquals(2, other.status, other.toString());
        assertTrue(other.err.contains("level 0.25") && other.err.contains("level 0.5"), other.err);
    }

    @Test
    void contractiveLayersAndTheScratchBaseline() {
        CliTest.Result cae = stacked(tmp.resolve("cae"), "--layer", "contractive", "--lambda", "0.5");
        assertEquals(0, cae.status, cae.toString());
        assertTrue(cae.out.contains("layer 2/2  contractive-autoencoder 32 -> 16"), cae.out);
        assertEquals("contractive", result(cae).group(1));
        CliTest.Result scratch = stacked(tmp.resolve("scratch"), "--scratch", "true");
        assertEquals(0, scratch.status, scratch.toString());
        assertFalse(scratch.out.contains("layer 1/2"), scratch.out);
        assertEquals("from scratch", result(scratch).group(2));
        assertTrue(scratch.out.contains("eta <= "), scratch.out);
        CliTest.Result resumed = stacked(tmp.resolve("scratch"), "--scratch", "true", "--resume", "true");
        assertEquals(0, resumed.status, resumed.toString());
        assertEquals(result(scratch).group(3), result(resumed).group(3), "the same run's result");
        CliTest.Result none = stacked(tmp.resolve("scratch-none"), "--scratch", "true", "--resume", "true");
        assertEquals(2, none.status, none.toString());
        assertTrue(none.err.contains("finetune-checkpoint"), none.err);
    }

    @Test
    void badFlagsEndWithOneLineNamingTheFlag() {
        Path out = tmp.resolve("bad");
        CliTest.Result layer = stacked(out, "--layer", "rbm");
        assertEquals(2, layer.status, layer.toString());
        assertTrue(layer.err.contains("--layer") && layer.err.contains("'rbm'"), layer.err);
        CliTest.Result hidden = stacked(out, "--hidden", "32,0");
        assertEquals(2, hidden.status, hidden.toString());
        assertTrue(hidden.err.contains("--hidden"), hidden.err);
        CliTest.Result resume = stacked(tmp.resolve("nothing"), "--resume", "true");
        assertEquals(2, resume.status, resume.toString());
        assertTrue(resume.err.contains("--resume"), resume.err);
    }
}
