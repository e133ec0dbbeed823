package org.unsupervisedzoo.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code --resume} continues a run exactly: a run of N epochs and a run of k epochs resumed to N end with the same
 * parameters, updater state, iteration and epoch counts (bit for bit) and the same epochs.csv (but for the timing
 * columns), on the bundled sample.
 */
class ResumeTest {
    @TempDir
    Path tmp;

    static final int EPOCHS = 3;
    static final int FIRST = 1;

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "undercomplete-autoencoder | --hidden 32,8 --batch 128",
        "denoising-autoencoder | --hidden 32,8 --batch 128",
        "denoising-autoencoder | --hidden 32 --batch 128 --noise masking --level 0.3 --keras-style true",
        "sparse-autoencoder | --hidden 32 --batch 128",
        "contractive-autoencoder | --hidden 16 --batch 128",
        "convolutional-autoencoder | --filters 2,4 --code 8 --batch 256",
        "variational-autoencoder | --hidden 32 --latent 4 --batch 128 --binarize dynamic",
        "variational-autoencoder | --hidden 32 --latent 4 --batch 128 --binarize dynamic --objective iwae --samples 3"})
    void autoencoderRunnersResumeExactly(String command, String args) throws Exception {
        assertResumesExactly(command, List.of("model.zip"), args.trim().split("\\s+"));
    }

    /** The RBM's fused PCD trainer: its persistent chain is saved in the checkpoint and continued, not restarted. */
    @Test
    void rbmResumesItsPersistentChainExactly() throws Exception {
        assertResumesExactly("rbm", List.of("model.zip"), "--hidden", "16", "--batch", "20", "--train-digits", "400",
                "--ais-digits", "0", "--clf-epochs", "0");
        assertTrue(Files.exists(tmp.resolve("rbm-parts/checkpoint/chain.bin")));
    }

    /**
     * A centered RBM (--centering): its offsets are saved in the checkpoint and continued, and a resume that asks for
     * another rate is refused.
     */
    @Test
    void centeredRbmResumesItsOffsetsExactlyAndRefusesAnotherRate() throws Exception {
        assertResumesExactly("rbm", List.of("model.zip"), "--hidden", "16", "--batch", "20", "--train-digits", "400",
                "--centering", "0.05", "--momentum", "0.5", "--ais-digits", "0", "--clf-epochs", "0");
        assertTrue(Files.exists(tmp.resolve("rbm-parts/checkpoint/offsets.bin")));
        CliTest.Result r = run(2, "rbm", tmp.resolve("rbm-other"), EPOCHS, tmp.resolve("rbm-parts/checkpoint"),
                "--hidden", "16", "--batch", "20", "--train-digits", "400", "--centering", "0.01", "--momentum", "0.5",
                "--ais-digits", "0", "--clf-epochs", "0");
        CliTest.oneLineError(r, "was trained with --centering '0.05', this run asks for '0.01'");
    }

    /**
     * A checkpoint written before an option was added (here: one without --centering) resumes when the run leaves
     * that option at its default, the behaviour the checkpoint was trained with, and is refused when it asks for
     * another value.
     */
    @Test
    void aCheckpointFromBeforeAnAddedOptionResumesAtThatOptionsDefault() throws Exception {
        Path out = tmp.resolve("rbm-old");
        String[] args = {"--hidden", "16", "--batch", "20", "--train-digits", "400", "--ais-digits", "0", "--clf-epochs", "0"};
        run(0, "rbm", out, 1, null, args);
        Path props = out.resolve("checkpoint").resolve(Checkpoint.PROPERTIES);
        List<String> lines = Files.readAllLines(props);
        List<String> old = lines.stream().filter(l -> !l.startsWith("option.centering=")).toList();
        assertEquals(lines.size() - 1, old.size(), "the checkpoint records --centering");
        Files.write(props, old);
        run(0, "rbm", tmp.resolve("rbm-old-resumed"), 2, out.resolve("checkpoint"), args);
        String[] other = java.util.stream.Stream.concat(java.util.Arrays.stream(args), java.util.stream.Stream.of("--centering", "0.01"))
                .toArray(String[]::new);
        CliTest.Result r = run(2, "rbm", tmp.resolve("rbm-old-other"), 2, out.resolve("checkpoint"), other);
        CliTest.oneLineError(r, "was trained with --centering (not an option then), this run asks for '0.01'");
    }

    /** The graph.fit path (Nesterov momentum: its updater state too) with dynamic binarization. */
    @Test
    void rbmOnGraphFitResumesExactly() throws Exception {
        assertResumesExactly("rbm", List.of("model.zip"), "--hidden", "8", "--batch", "50", "--train-digits", "300",
                "--momentum", "0.5", "--binarize", "dynamic", "--ais-digits", "0", "--clf-epochs", "0");
    }

    /**
     * The SOM's schedules follow the iteration count, kept in the checkpoint, over --decay-epochs (a run that stops
     * early names the total).
     */
    @Test
    void somResumesItsSchedulesExactly() throws Exception {
        assertResumesExactly("self-organizing-map", List.of("model.zip"), "--batch", "128", "--subset", "1280", "--rows", "4",
                "--cols", "5", "--sigma", "2", "--init", "sample", "--decay-epochs", Integer.toString(EPOCHS));
        // without --decay-epochs the schedules run over --epochs: a checkpoint resumes only to the same total
        Path early = tmp.resolve("som-early");
        run(0, "self-organizing-map", early, 1, null, "--batch", "128", "--subset", "640", "--rows", "2", "--cols", "2");
        CliTest.Result r = run(2, "self-organizing-map", tmp.resolve("som-other"), 2, early.resolve("checkpoint"), "--batch", "128",
                "--subset", "640", "--rows", "2", "--cols", "2");
        CliTest.oneLineError(r, "was trained with --decay-epochs '1', this run asks for '2'");
    }

    /** The adversarial autoencoder's three graphs and their updater states. */
    @Test
    void aaeResumesExactly() throws Exception {
        assertResumesExactly("adversarial-autoencoder", List.of("autoencoder.zip", "generator.zip", "discriminator.zip"), "--hidden",
                "32,4", "--disc", "16", "--batch", "200");
    }

    /** The semi-supervised VAE: the labelled draw, the labelled digits' cycling and the noise from (seed, epoch). */
    @Test
    void semiSupervisedVaeResumesExactly() throws Exception {
        assertResumesExactly("semi-supervised-vae", List.of("model.zip"), "--hidden", "16", "--classifier", "16",
                "--latent", "3", "--batch", "400", "--labels", "30", "--labelled-batch", "20", "--validation", "200");
    }

    /** Runs {@code command} for {@link #EPOCHS} epochs, and for {@link #FIRST} resumed to EPOCHS; compares. */
    void assertResumesExactly(String command, List<String> graphs, String... args) throws Exception {
        Path whole = tmp.resolve(command + "-whole");
        Path parts = tmp.resolve(command + "-parts");
        run(0, command, whole, EPOCHS, null, args);
        run(0, command, parts, FIRST, null, args);
        CliTest.Result r = run(0, command, parts, EPOCHS, parts.resolve("checkpoint"), args);
        assertTrue(r.out.contains("resumed " + parts.resolve("checkpoint") + " after epoch " + FIRST), r.toString());
        assertEquals(EPOCHS - FIRST, r.out.lines().filter(l -> l.startsWith("epoch ")).count(), r.toString());
        for (String g : graphs) {
            assertSameGraph(whole.resolve("checkpoint").resolve(g), parts.resolve("checkpoint").resolve(g));
        }
        assertEquals(withoutTimes(whole.resolve("epochs.csv")), withoutTimes(parts.resolve("epochs.csv")));
        assertEquals(EPOCHS + 1, Files.readAllLines(parts.resolve("epochs.csv")).size());
        assertNoTemporaries(parts);
    }

    static CliTest.Result run(int status, String command, Path out, int epochs, Path resume, String... args) {
        List<String> argv = new ArrayList<>(List.of("train", command));
        argv.addAll(Arrays.asList(args));
        argv.addAll(List.of("--epochs", Integer.toString(epochs), "--out", out.toString()));
        if (resume != null) {
            argv.addAll(List.of("--resume", resume.toString()));
        }
        CliTest.Result r = CliTest.cli(argv.toArray(new String[0]));
        assertEquals(status, r.status, r.toString());
        return r;
    }

    /** Parameters, updater state and counters equal, bit for bit. */
    static void assertSameGraph(Path a, Path b) throws Exception {
        ComputationGraph x = ModelSerializer.restoreComputationGraph(a.toFile(), true);
        ComputationGraph y = ModelSerializer.restoreComputationGraph(b.toFile(), true);
        assertEquals(x.params(), y.params(), "parameters of " + a.getFileName());
        assertArrayEquals(x.params().toFloatVector(), y.params().toFloatVector(), 0f, "parameters, bit for bit");
        if (x.getUpdater(false) != null && x.getUpdater(false).getStateViewArray() != null) {
            assertArrayEquals(x.getUpdater(false).getStateViewArray().toFloatVector(),
                    y.getUpdater(false).getStateViewArray().toFloatVector(), 0f, "updater state");
        }
        assertEquals(x.getConfiguration().getIterationCount(), y.getConfiguration().getIterationCount());
        assertEquals(x.getConfiguration().getEpochCount(), y.getConfiguration().getEpochCount());
    }

    /** The CSV's lines without the columns that time the run (examples_per_second, seconds, eval_seconds). */
    static List<String> withoutTimes(Path csv) throws Exception {
        List<String> lines = Files.readAllLines(csv);
        String[] header = lines.get(0).split(",", -1);
        List<String> out = new ArrayList<>();
        for (String line : lines) {
            String[] f = line.split(",", -1);
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < f.length; i++) {
                if (!header[i].contains("second")) {
                    b.append(f[i]).append(',');
                }
            }
            out.add(b.toString());
        }
        return out;
    }

    /** No file or folder a write in progress uses (they start with '.') under {@code dir}. */
    static void assertNoTemporaries(Path dir) throws Exception {
        try (Stream<Path> s = Files.walk(dir)) {
            List<Path> left = s.filter(p -> p.getFileName().toString().startsWith("."))
                    .collect(Collectors.toList());
            assertEquals(List.of(), left, "temporary files left");
        }
    }

    @Test
    void aCheckpointOfAnotherModelOrOtherOptionsIsRefused() throws Exception {
        Path ae = tmp.resolve("ae");
        run(0, "undercomplete-autoencoder", ae, 1, null, "--hidden", "32,8");
        Path cp = ae.resolve("checkpoint");
        CliTest.Result other = run(2, "sparse-autoencoder", tmp.resolve("x"), 2, cp, "--hidden", "32,8");
        CliTest.oneLineError(other, "is a checkpoint of 'train undercomplete-autoencoder', not of 'train sparse-autoencoder'");
        CliTest.Result hidden = run(2, "undercomplete-autoencoder", tmp.resolve("y"), 2, cp, "--hidden", "32,16");
        CliTest.oneLineError(hidden, "was trained with --hidden '32,8', this run asks for '32,16'");
        CliTest.Result seed = run(2, "undercomplete-autoencoder", tmp.resolve("z"), 2, cp, "--hidden", "32,8", "--seed", "1");
        CliTest.oneLineError(seed, "--seed '12345', this run asks for '1'");
        CliTest.Result past = run(2, "undercomplete-autoencoder", tmp.resolve("w"), 1, tmp.resolve("nothing"), "--hidden", "32,8");
        CliTest.oneLineError(past, "no checkpoint there");
    }
}
