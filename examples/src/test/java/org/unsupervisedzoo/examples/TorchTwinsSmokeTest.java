package org.unsupervisedzoo.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every PyTorch twin of {@code examples/scripts/torch_twins.py} (the peers of BENCHMARKS' side-by-side figures)
 * runs two steps on the bundled sample and reports finite losses. Skipped where {@code /usr/bin/python3} cannot
 * import torch (Debian's {@code python3-torch}; a fresh CI machine has none). It exists because an edit of one twin
 * once broke another and nothing noticed.
 */
class TorchTwinsSmokeTest {
    private static final Path SCRIPT = Path.of("scripts", "torch_twins.py");
    private static final Pattern LOSSES = Pattern.compile("\"train_loss\": ([^,]+), \"test_loss\": ([^,]+),");

    @TempDir
    static Path data;

    @BeforeAll
    static void torchAndSample() throws IOException, InterruptedException {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")), "no /usr/bin/python3");
        Process p = new ProcessBuilder("/usr/bin/python3", "-c", "import torch").redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        Assumptions.assumeTrue(p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0, "python3 has no torch");
        for (String name : new String[] {"train-images-idx3-ubyte", "t10k-images-idx3-ubyte"}) {
            try (InputStream in = new GZIPInputStream(TorchTwinsSmokeTest.class.getResourceAsStream(
                    "/org/unsupervisedzoo/datasets/mnist-sample/" + name + ".gz"))) {
                Files.write(data.resolve(name), in.readAllBytes());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"rbm", "mlp-gan", "dcgan", "dcgan --info-categories 10", "undercomplete-autoencoder",
        "denoising-autoencoder", "sparse-autoencoder", "contractive-autoencoder", "convolutional-autoencoder",
        "variational-autoencoder"})
    void twinTrainsTwoSteps(String model) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("/usr/bin/python3", SCRIPT.toString(), "--model"));
        command.addAll(List.of(model.split(" ")));
        command.addAll(List.of("--steps", "2", "--warmup", "0", "--batch", "16", "--data-dir", data.toString()));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), model + ": still running");
        assertEquals(0, p.exitValue(), model + ":\n" + out);
        Matcher m = LOSSES.matcher(out);
        assertTrue(m.find(), model + ": no RESULT line:\n" + out);
        assertTrue(Double.isFinite(Double.parseDouble(m.group(1))) && Double.isFinite(Double.parseDouble(m.group(2))),
                model + ": " + m.group());
    }
}
