package org.unsupervisedzoo.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.unsupervisedzoo.zoo.classifier.LeNet;

/** The gan runner on the bundled sample with tiny settings: epoch lines, pictures, checkpoint and resume. */
class GanExampleTest {
    @TempDir
    static Path shared;

    @TempDir
    Path out;

    static Path classifier;

    @BeforeAll
    static void tinyJudge() throws Exception {
        // an untrained, tiny LeNet: the measures are computed the same way, their values do not matter here
        classifier = shared.resolve("lenet.zip");
        ModelSerializer.writeModel(LeNet.builder().filters(2, 4).featureSize(8).build().init(), classifier.toFile(),
                false);
    }

    /** Runs the GAN command that {@code --model} (mlp or dcgan) and {@code --conditional} in {@code args} name. */
    private String run(Path dir, String... args) throws Exception {
        List<String> rest = new ArrayList<>(Arrays.asList(args));
        String model = take(rest, "--model", "mlp");
        boolean conditional = Boolean.parseBoolean(take(rest, "--conditional", "false"));
        Options o = GanExample.options(model, conditional);
        List<String> all = new ArrayList<>(List.of("--train-subset", "256", "--batch", "32", "--eval-samples", "100",
                "--noise", "16", "--classifier", classifier.toString(), "--out", dir.toString()));
        all.addAll(model.equals("mlp") ? List.of("--g-hidden", "32,64", "--d-hidden", "64,32")
                : List.of("--filters", "4,8"));
        all.addAll(rest);
        o.parse(all.toArray(new String[0]));
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true));
        try {
            GanExample.run(o);
        } finally {
            System.setOut(old);
        }
        return buf.toString();
    }

    private static String take(List<String> args, String name, String otherwise) {
        int i = args.indexOf(name);
        if (i < 0) {
            return otherwise;
        }
        args.remove(i);
        return args.remove(i);
    }

    private static List<String> epochLines(String printed) {
        return printed.lines().filter(l -> l.startsWith("epoch ")).toList();
    }

    private static final String LINE = "epoch +\\d+/\\d+  D\\(x\\) 0\\.\\d{4}  D\\(G\\(z\\)\\) 0\\.\\d{4}  loss_d \\d+\\.\\d{5}"
            + "  loss_g \\d+\\.\\d{5}  IS \\d+\\.\\d{3}  FID \\d+\\.\\d{4}  min_share \\d\\.\\d{4}  collapse (-|\\[[\\d,]+\\])";

    @Test
    void mlpGanTrainsWritesPicturesAndResumesExactly() throws Exception {
        String printed = run(out, "--model", "mlp", "--epochs", "2");
        assertTrue(printed.contains("classifier test_accuracy"), printed);
        List<String> lines = epochLines(printed);
        assertEquals(2, lines.size(), printed);
        assertTrue(lines.get(1).matches(LINE + "  examples/s +\\d+  time +\\d+\\.\\ds"), lines.get(1));
        for (String f : List.of("samples-epoch-001.png", "samples-epoch-002.png", "losses.png", "discriminator.png",
                "digits.png")) {
            assertTrue(ImageIO.read(out.resolve(f).toFile()).getWidth() > 100, f);
        }
        assertTrue(Files.exists(out.resolve("generator.zip")));
        assertEquals(3, Files.readAllLines(out.resolve("epochs.csv")).size());

        // one epoch, then resume to two: the second epoch is the same as in the uninterrupted run
        Path other = out.resolve("resumed");
        run(other, "--model", "mlp", "--epochs", "1");
        String resumed = run(other, "--model", "mlp", "--epochs", "2", "--resume",
                other.resolve("checkpoint").toString());
        assertTrue(resumed.contains("resumed"), resumed);
        List<String> again = epochLines(resumed);
        assertEquals(1, again.size(), resumed);
        assertEquals(strip(lines.get(1)), strip(again.get(0)));
        assertEquals(3, Files.readAllLines(other.resolve("epochs.csv")).size());
        for (String g : List.of("generator.zip", "discriminator.zip", "combined.zip")) {
            ResumeTest.assertSameGraph(out.resolve("checkpoint").resolve(g), other.resolve("checkpoint").resolve(g));
        }
        assertEquals(ResumeTest.withoutTimes(out.resolve("epochs.csv")),
                ResumeTest.withoutTimes(other.resolve("epochs.csv")));

        // resumed into a new folder with the epochs already reached: only the final evaluation
        Path fresh = out.resolve("evaluated");
        String evaluated = run(fresh, "--model", "mlp", "--epochs", "2", "--resume",
                out.resolve("checkpoint").toString());
        assertTrue(evaluated.contains("final epoch 2"), evaluated);
        assertTrue(Files.exists(fresh.resolve("epochs.csv")));
    }

    /**
     * With an EMA generator and instance noise (annealed to 0 within the first epoch, so the second feeds zeros):
     * one epoch and a resume to two give the uninterrupted run's second epoch line and the same checkpoint, EMA
     * generator included; generator.zip holds the EMA weights; a resume with another --ema-decay is refused.
     */
    @Test
    void emaAndInstanceNoiseRunsResumeExactly() throws Exception {
        String[] stable = {"--model", "mlp", "--ema-decay", "0.9", "--instance-noise", "0.2",
            "--instance-noise-epochs", "1"};
        String printed = run(out, concat(stable, "--epochs", "2"));
        assertTrue(printed.contains("ema-decay 0.9  instance-noise 0.2 over 8 D steps"), printed);
        List<String> lines = epochLines(printed);
        assertEquals(2, lines.size(), printed);
        assertTrue(lines.get(1).matches(LINE + "  examples/s +\\d+  time +\\d+\\.\\ds"), lines.get(1));
        Path cp = out.resolve("checkpoint");
        assertEquals(ModelSerializer.restoreComputationGraph(cp.resolve("generator-ema.zip").toFile(), false).params(),
                ModelSerializer.restoreComputationGraph(out.resolve("generator.zip").toFile(), false).params(),
                "generator.zip is the EMA generator");

        Path other = out.resolve("resumed");
        run(other, concat(stable, "--epochs", "1"));
        String resumed = run(other, concat(stable, "--epochs", "2", "--resume", other.resolve("checkpoint").toString()));
        List<String> again = epochLines(resumed);
        assertEquals(1, again.size(), resumed);
        assertEquals(strip(lines.get(1)), strip(again.get(0)));
        for (String g : List.of("generator.zip", "discriminator.zip", "combined.zip", "generator-ema.zip")) {
            ResumeTest.assertSameGraph(cp.resolve(g), other.resolve("checkpoint").resolve(g));
        }
        CliException ema = assertThrows(CliException.class, () -> run(out.resolve("x"), "--model", "mlp",
                "--ema-decay", "0.5", "--instance-noise", "0.2", "--instance-noise-epochs", "1", "--epochs", "3",
                "--resume", cp.toString()));
        assertTrue(ema.getMessage().contains("was trained with --ema-decay '0.9', this run asks for '0.5'"),
                ema.getMessage());
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    /**
     * A checkpoint resumes only the GAN it holds, with the options that made it (issue 22: an MLP GAN's checkpoint
     * resumed under --model dcgan); a row written after the checkpoint (a run killed before its next checkpoint)
     * is dropped, the earlier rows kept.
     */
    @Test
    void aCheckpointOfAnotherGanOrOtherOptionsIsRefused() throws Exception {
        run(out, "--model", "mlp", "--epochs", "1");
        String cp = out.resolve("checkpoint").toString();
        CliException kind = assertThrows(CliException.class, () -> run(out.resolve("x"), "--model", "dcgan",
                "--epochs", "2", "--resume", cp));
        assertEquals("--resume " + cp + " is a checkpoint of a mlp-gan, this run trains a dcgan", kind.getMessage());
        CliException label = assertThrows(CliException.class, () -> run(out.resolve("y"), "--model", "mlp",
                "--real-label", "0.9", "--epochs", "2", "--resume", cp));
        assertTrue(label.getMessage().contains("was trained with --real-label '1.0', this run asks for '0.9'"),
                label.getMessage());
        CliException seed = assertThrows(CliException.class, () -> run(out.resolve("z"), "--model", "mlp",
                "--seed", "7", "--epochs", "2", "--resume", cp));
        assertTrue(seed.getMessage().contains("--seed '12345', this run asks for '7'"), seed.getMessage());
        CliException noise = assertThrows(CliException.class, () -> run(out.resolve("n"), "--model", "mlp",
                "--instance-noise", "0.1", "--epochs", "2", "--resume", cp));
        assertTrue(noise.getMessage().contains("--instance-noise '0', this run asks for '0.1'"), noise.getMessage());
        // a checkpoint written before the stability options (no run.ema-decay, ...) resumes with them at their defaults
        Path props = out.resolve("checkpoint").resolve("trainer.properties");
        Files.writeString(props, Files.readAllLines(props).stream().filter(l -> !l.startsWith("run.ema-decay")
                && !l.startsWith("run.instance-noise")).collect(java.util.stream.Collectors.joining("\n")) + "\n");

        Path csv = out.resolve("epochs.csv");
        List<String> rows = Files.readAllLines(csv);
        Files.writeString(csv, String.join("\n", rows) + "\n2,0.5,0.5,1,1,1,0,1,0,0,,1,1,1\n"); // past the checkpoint
        run(out, "--model", "mlp", "--epochs", "2", "--resume", cp);
        List<String> after = Files.readAllLines(csv);
        assertEquals(3, after.size(), after.toString());
        assertEquals(rows, after.subList(0, 2));
        assertFalse(after.get(2).startsWith("2,0.5,0.5,1,1,"), after.toString());
    }

    private static String strip(String line) {
        return line.replaceAll("  examples/s.*", "");
    }

    @Test
    void conditionalDcganPrintsClassAccuracy() throws Exception {
        String printed = run(out, "--model", "dcgan", "--conditional", "true", "--epochs", "1", "--real-label", "0.9");
        List<String> lines = epochLines(printed);
        assertEquals(1, lines.size(), printed);
        assertTrue(lines.get(0).matches(LINE + "  class_acc \\d\\.\\d{4}  examples/s +\\d+  time +\\d+\\.\\ds"),
                lines.get(0));
        assertTrue(printed.contains("conditional-dcgan"), printed);
        assertTrue(Files.exists(out.resolve("samples-epoch-001.png")));
    }

    /** --generator-filters sets G's widths (D's stay --filters'); the saved generator has them; a wrong length is refused. */
    @Test
    void generatorFiltersWidenGOnly() throws Exception {
        String printed = run(out, "--model", "dcgan", "--epochs", "1", "--generator-filters", "6,12"); // D: 4,8
        assertEquals(1, epochLines(printed).size(), printed);
        org.deeplearning4j.nn.graph.ComputationGraph g = org.deeplearning4j.util.ModelSerializer
                .restoreComputationGraph(out.resolve("generator.zip").toFile(), false);
        assertEquals(12L * 7 * 7, ((org.deeplearning4j.nn.conf.layers.FeedForwardLayer) g.getLayer("generator-1")
                .conf().getLayer()).getNOut(), "G's dense layer");
        assertEquals(6L, ((org.deeplearning4j.nn.conf.layers.FeedForwardLayer) g.getLayer("generator-2")
                .conf().getLayer()).getNOut(), "G's transposed convolution");
        Exception bad = assertThrows(Exception.class, () -> run(out.resolve("w"), "--model", "dcgan", "--epochs", "1",
                "--generator-filters", "6"));
        assertTrue(bad.getMessage().contains("generatorFilters") && bad.getMessage().contains("[6]"), bad.getMessage());
    }

    @Test
    void projectionDiscriminatorTrainsAndItsCheckpointRefusesTheOtherD() throws Exception {
        String printed = run(out, "--model", "dcgan", "--conditional", "true", "--projection", "true", "--epochs",
                "1");
        assertEquals(1, epochLines(printed).size(), printed);
        String cp = out.resolve("checkpoint").toString();
        CliException other = assertThrows(CliException.class, () -> run(out.resolve("p"), "--model", "dcgan",
                "--conditional", "true", "--epochs", "2", "--resume", cp));
        assertTrue(other.getMessage().contains("--projection 'true', this run asks for 'false'"), other.getMessage());
        CliException aux = assertThrows(CliException.class, () -> run(out.resolve("q"), "--model", "dcgan",
                "--conditional", "true", "--auxiliary-classifier", "true", "--epochs", "1"));
        assertTrue(aux.getMessage().contains("--auxiliary-classifier true needs --projection true"), aux.getMessage());
    }

    @Test
    void conditionalSamplesAreJudgedInterleavedSoThatEachSplitHoldsEveryClass() {
        int[] rows = GanExample.interleaved(4, 10);
        assertEquals(40, rows.length);
        assertEquals(40, java.util.Arrays.stream(rows).distinct().count(), "a permutation");
        for (int split = 0; split < 4; split++) {
            java.util.Set<Integer> classes = new java.util.HashSet<>();
            for (int i = split * 10; i < (split + 1) * 10; i++) {
                classes.add(rows[i] / 4);
            }
            assertEquals(10, classes.size(), "split " + split);
        }
        // a perfect conditional generator: confident, balanced -> IS 10 when interleaved, under 3 when grouped
        org.nd4j.linalg.api.ndarray.INDArray grouped = org.nd4j.linalg.factory.Nd4j.zeros(40, 10);
        for (int i = 0; i < 40; i++) {
            grouped.putScalar(i, i / 4, 1.0);
        }
        double groupedScore = org.unsupervisedzoo.zoo.gan.SampleQuality.inceptionScore(grouped, 4)[0];
        assertTrue(groupedScore < 3, "grouped by class, each split holds 2-3 classes: " + groupedScore);
        assertEquals(10.0, org.unsupervisedzoo.zoo.gan.SampleQuality.inceptionScore(grouped.getRows(rows), 4)[0],
                1e-6);
    }

    /** --workers: auto is the runner's choice from the cores, else a positive count; anything else is refused. */
    @Test
    void workersAreAutoOrAPositiveCount() {
        assertEquals(2, GanExample.autoWorkers("dcgan", 2));
        assertEquals(2, GanExample.autoWorkers("dcgan", 16));
        assertEquals(1, GanExample.autoWorkers("dcgan", 1));
        assertEquals(1, GanExample.autoWorkers("mlp", 2));
        Options o = GanExample.options("dcgan", false);
        o.parse(new String[0]);
        assertEquals(2, o.workers("workers", 2));
        for (String bad : new String[] {"0", "many", "2.5"}) {
            Options p = GanExample.options("mlp", false);
            p.parse(new String[] {"--workers", bad});
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> p.workers("workers", 1));
            assertEquals("--workers must be auto or a positive integer, got '" + bad + "'", e.getMessage());
        }
        o = GanExample.options("dcgan", true);
        o.parse(new String[] {"--workers", "3"});
        assertEquals(3, o.workers("workers", 2));
    }

    @Test
    void badOptionsAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GanExample.options("variational-autoencoder", false));
        assertTrue(e.getMessage().contains("variational-autoencoder"), e.getMessage());
        // each GAN command fixes its model: 'train dcgan --model mlp' and an MLP option on the DCGAN are errors
        e = assertThrows(IllegalArgumentException.class, () -> GanExample.options("dcgan", false)
                .parse(new String[] {"--model", "mlp"}));
        assertTrue(e.getMessage().contains("--model"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> GanExample.options("dcgan", true)
                .parse(new String[] {"--g-hidden", "8"}));
        assertTrue(e.getMessage().contains("--g-hidden"), e.getMessage());
        // the stability options: one line naming the option and the value
        e = assertThrows(IllegalArgumentException.class, () -> GanExample.options("dcgan", false)
                .parse(new String[] {"--ema-decay", "1"}));
        assertEquals("--ema-decay must be in [0, 1), got '1'", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> GanExample.options("mlp", false)
                .parse(new String[] {"--instance-noise", "-0.1"}));
        assertEquals("--instance-noise must be at least 0, got '-0.1'", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> GanExample.options("mlp", true)
                .parse(new String[] {"--instance-noise-epochs", "0"}));
        assertEquals("--instance-noise-epochs must be at least 1, got '0'", e.getMessage());
    }
}
