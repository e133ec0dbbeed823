package org.unsupervisedzoo.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

class SemiSupervisedVaeExampleTest {
    @TempDir
    Path tmp;

    static final String[] SMALL = {"--hidden", "32", "--classifier", "32", "--latent", "4", "--batch", "200",
        "--labels", "50", "--labelled-batch", "25", "--validation", "500", "--lr", "0.003"};

    /** {@link #SMALL} with the options of {@code extra} (pairs) set or replaced. */
    private static String[] args(Path out, String... extra) {
        java.util.Map<String, String> options = new java.util.LinkedHashMap<>();
        for (String[] list : new String[][] {SMALL, extra, {"--out", out.toString()}}) {
            for (int i = 0; i < list.length; i += 2) {
                options.put(list[i], list[i + 1]);
            }
        }
        List<String> a = new java.util.ArrayList<>(List.of("train", "semi-supervised-vae"));
        options.forEach((k, v) -> {
            a.add(k);
            a.add(v);
        });
        return a.toArray(new String[0]);
    }

    @Test
    void trainsOnTheSampleWithOneLinePerEpochAndWritesModelCsvAndSamples() throws Exception {
        Path out = tmp.resolve("m2");
        CliTest.Result r = CliTest.cli(args(out, "--epochs", "2"));
        assertEquals(0, r.status, r.toString());
        assertTrue(r.out.contains("labelled 50  unlabelled 4450  validation 500  test 1000"), r.out);
        List<String> lines = r.out.lines().filter(l -> l.startsWith("epoch ")).toList();
        assertEquals(2, lines.size(), r.out);
        String pct = " *\\d+\\.\\d\\d%";
        for (int e = 1; e <= 2; e++) {
            assertTrue(lines.get(e - 1).matches("epoch +" + e + "/2  train_loss +\\d+\\.\\d{5}  val_error" + pct
                    + "  test_error" + pct + "  examples/s +\\d+  time +\\d+\\.\\ds  eta \\d+[smh]\\S*"), lines.get(e - 1));
        }
        assertTrue(r.out.lines().anyMatch(l -> l.matches("best epoch by validation: epoch [12]  val_error" + pct
                + "  test_error" + pct)), r.out);
        List<String> csv = Files.readAllLines(out.resolve("epochs.csv"));
        assertEquals("epoch,train_loss,val_error,test_error,examples_per_second,seconds", csv.get(0));
        assertEquals(3, csv.size());
        assertTrue(Double.parseDouble(csv.get(2).split(",")[1]) < Double.parseDouble(csv.get(1).split(",")[1]),
                "the training loss falls: " + csv);
        ComputationGraph g = ModelSerializer.restoreComputationGraph(out.resolve("model.zip").toFile(), false);
        assertFalse(g.getConfiguration().toJson().contains("org.unsupervisedzoo.zoo.fast."), "DL4J's classes");
        assertEquals(10, g.output(false, Nd4j.rand(2, 784), Nd4j.zeros(2, 10), Nd4j.zeros(2, 4))[0].size(1));
        assertEquals("semi-supervised-vae", RunRecord.read(out.resolve("model.zip")).command);
        assertTrue(ImageIO.read(out.resolve("samples.png").toFile()).getWidth() > 100);
        assertTrue(Files.exists(out.resolve("checkpoint/model.zip")));
        ResumeTest.assertNoTemporaries(out);

        CliTest.Result eval = CliTest.cli("evaluate", out.resolve("model.zip").toString(), "--out",
                tmp.resolve("eval").toString());
        assertEquals(0, eval.status, eval.toString());
        assertTrue(eval.out.lines().anyMatch(l -> l.matches("evaluate semi-supervised-vae  data .*  test_error" + pct)),
                eval.out);
        String lastTest = csv.get(2).split(",")[3];
        assertEquals(Double.parseDouble(lastTest), Double.parseDouble(Files.readAllLines(tmp.resolve("eval/metrics.csv"))
                .get(1)), 1e-6, "evaluate gives the last epoch's test error");
    }

    /**
     * M1+M2: M2 on the latent codes of a VAE trained on the sample. It trains and prints its one line per epoch,
     * says how many latent dimensions it kept, writes no pixel samples, evaluates its saved model to the last
     * epoch's test error (encoding the test digits with the recorded M1 again), and resumes exactly.
     */
    @Test
    void m1PlusM2TrainsOnTheCodesOfATrainedVaeEvaluatesAndResumes() throws Exception {
        Path vae = tmp.resolve("vae");
        CliTest.Result v = CliTest.cli("train", "variational-autoencoder", "--hidden", "64", "--latent", "8",
                "--epochs", "1", "--out", vae.toString());
        assertEquals(0, v.status, v.toString());
        String m1 = vae.resolve("model.zip").toString();
        Path out = tmp.resolve("m1m2");
        CliTest.Result r = CliTest.cli(args(out, "--epochs", "2", "--m1", m1, "--m1-active", "0"));
        assertEquals(0, r.status, r.toString());
        assertTrue(r.out.contains("M1+M2: M2 on 8 of the 8 latent dimensions of " + m1), r.out);
        assertEquals(2, r.out.lines().filter(l -> l.startsWith("epoch ")).count(), r.out);
        assertFalse(Files.exists(out.resolve("samples.png")), "no pixel samples from a model of codes");
        ComputationGraph g = ModelSerializer.restoreComputationGraph(out.resolve("model.zip").toFile(), false);
        assertEquals(8, g.getLayer("classifier-1").getParam("W").size(0), "the classifier reads the 8 codes");
        assertEquals(16, g.getLayer("decoder-logits").getParam("W").size(1), "a mean and a log-variance per code");
        List<String> csv = Files.readAllLines(out.resolve("epochs.csv"));
        CliTest.Result eval = CliTest.cli("evaluate", out.resolve("model.zip").toString(), "--out",
                tmp.resolve("eval-m1").toString());
        assertEquals(0, eval.status, eval.toString());
        assertEquals(Double.parseDouble(csv.get(2).split(",")[3]), Double.parseDouble(Files.readAllLines(
                tmp.resolve("eval-m1/metrics.csv")).get(1)), 1e-6, "evaluate gives the last epoch's test error");
        // resumed after epoch 1: the same epoch 2 (the codes' draws come from (seed, epoch) too)
        Path parts = tmp.resolve("m1m2-parts");
        assertEquals(0, CliTest.cli(args(parts, "--epochs", "1", "--m1", m1, "--m1-active", "0")).status);
        CliTest.Result resumed = CliTest.cli(args(parts, "--epochs", "2", "--m1", m1, "--m1-active", "0", "--resume",
                parts.resolve("checkpoint").toString()));
        assertEquals(0, resumed.status, resumed.toString());
        assertEquals(csv.get(2).split(",")[1], Files.readAllLines(parts.resolve("epochs.csv")).get(2).split(",")[1],
                "the resumed run's epoch-2 loss");
        // a threshold no dimension passes
        CliTest.oneLineError(CliTest.cli(args(tmp.resolve("never"), "--m1", m1, "--m1-active", "1000")),
                "--m1-active 1000 keeps nothing of " + m1);
        // a model.zip that is not a VAE, and no file
        Path ae = tmp.resolve("ae");
        assertEquals(0, CliTest.cli("train", "undercomplete-autoencoder", "--hidden", "16", "--epochs", "1", "--out",
                ae.toString()).status);
        CliTest.oneLineError(CliTest.cli(args(tmp.resolve("never"), "--m1", ae.resolve("model.zip").toString())),
                "--m1 must be the model.zip of a trained variational-autoencoder");
        CliTest.oneLineError(CliTest.cli(args(tmp.resolve("never"), "--m1", tmp.resolve("none.zip").toString())),
                "no such file");
        assertFalse(Files.exists(tmp.resolve("never")));
    }

    /**
     * --ema-decay: training untouched (the same losses), the errors and model.zip from the average, which the
     * checkpoint keeps (a resumed run ends as the uninterrupted one); a run without it may be continued with it
     * (the average starts there), an averaged run's checkpoint refuses a run without it.
     */
    @Test
    void emaDecayAveragesTheWeightsForTheErrorsAndResumesExactly() throws Exception {
        Path plain = tmp.resolve("plain");
        assertEquals(0, CliTest.cli(args(plain, "--epochs", "2")).status);
        Path ema = tmp.resolve("ema");
        CliTest.Result r = CliTest.cli(args(ema, "--epochs", "2", "--ema-decay", "0.9"));
        assertEquals(0, r.status, r.toString());
        List<String> p = Files.readAllLines(plain.resolve("epochs.csv"));
        List<String> e = Files.readAllLines(ema.resolve("epochs.csv"));
        for (int i = 1; i <= 2; i++) {
            assertEquals(p.get(i).split(",")[1], e.get(i).split(",")[1], "epoch " + i + ": the same training");
        }
        ComputationGraph saved = ModelSerializer.restoreComputationGraph(ema.resolve("model.zip").toFile(), false);
        assertEquals(Nd4j.readBinary(ema.resolve("checkpoint").resolve("ema.bin").toFile()).reshape(-1),
                saved.params().reshape(-1), "model.zip holds the average");
        ComputationGraph live = ModelSerializer.restoreComputationGraph(ema.resolve("checkpoint").resolve("model.zip")
                .toFile(), false);
        assertFalse(live.params().reshape(-1).equalsWithEps(saved.params().reshape(-1), 1e-6), "not the live weights");
        // killed after epoch 1, resumed: the same epoch 2, average included
        Path parts = tmp.resolve("ema-parts");
        assertEquals(0, CliTest.cli(args(parts, "--epochs", "1", "--ema-decay", "0.9")).status);
        assertEquals(0, CliTest.cli(args(parts, "--epochs", "2", "--ema-decay", "0.9", "--resume",
                parts.resolve("checkpoint").toString())).status);
        String[] uninterrupted = e.get(2).split(",");
        String[] resumed = Files.readAllLines(parts.resolve("epochs.csv")).get(2).split(",");
        for (int f = 0; f < 4; f++) { // epoch, train loss, validation and test error (not the speed)
            assertEquals(uninterrupted[f], resumed[f], "epoch 2, field " + f);
        }
        // a run without the average, continued with it: the average starts at the checkpoint
        Path late = tmp.resolve("late");
        assertEquals(0, CliTest.cli(args(late, "--epochs", "1")).status);
        CliTest.Result cont = CliTest.cli(args(late, "--epochs", "2", "--ema-decay", "0.9", "--resume",
                late.resolve("checkpoint").toString()));
        assertEquals(0, cont.status, cont.toString());
        assertTrue(cont.out.contains("ema-decay 0.9: the average starts at epoch 1's weights"), cont.out);
        assertEquals(p.get(2).split(",")[1], Files.readAllLines(late.resolve("epochs.csv")).get(2).split(",")[1]);
        // an averaged run's checkpoint refuses a run without the average
        CliTest.oneLineError(CliTest.cli(args(tmp.resolve("x"), "--epochs", "3", "--resume",
                ema.resolve("checkpoint").toString())), "--ema-decay '0.9', this run asks for '0'");
    }

    @Test
    void withoutValidationTheLastEpochIsReported() {
        CliTest.Result r = CliTest.cli(args(tmp.resolve("noval"), "--epochs", "1", "--validation", "0"));
        assertEquals(0, r.status, r.toString());
        assertTrue(r.out.lines().anyMatch(l -> l.matches("epoch +1/1  train_loss .*  val_error    n/a   test_error .*")),
                r.out);
        assertTrue(r.out.contains("last epoch (no validation set): epoch 1  val_error n/a  test_error"), r.out);
    }

    @Test
    void badOptionsAreOneLineErrorsNamingOptionAndValue() {
        Path out = tmp.resolve("never");
        CliTest.oneLineError(CliTest.cli(args(out, "--labels", "5")), "--labels must be at least 10, got '5'");
        CliTest.oneLineError(CliTest.cli(args(out, "--labels", "4600")),
                "--labels must be below the 4500 training digits left after --validation 500, got 4600");
        CliTest.oneLineError(CliTest.cli(args(out, "--labelled-batch", "80")),
                "--labelled-batch must be at most --labels (50), got 80");
        CliTest.oneLineError(CliTest.cli(args(out, "--labelled-batch", "0")), "--labelled-batch must be at least 1, got '0'");
        CliTest.oneLineError(CliTest.cli(args(out, "--validation", "5000")),
                "--validation must be below the 5000 training digits, got 5000");
        CliTest.oneLineError(CliTest.cli(args(out, "--alpha", "-1")), "--alpha");
        CliTest.oneLineError(CliTest.cli(args(out, "--alpha", "NaN")), "--alpha must be a finite number");
        CliTest.oneLineError(CliTest.cli(args(out, "--lr", "0")), "--lr must be greater than 0, got '0'");
        CliTest.oneLineError(CliTest.cli(args(out, "--latent", "0")), "--latent must be at least 1, got '0'");
        CliTest.oneLineError(CliTest.cli(args(out, "--hidden", "32,0")), "--hidden must be comma-separated integers");
        CliTest.oneLineError(CliTest.cli(args(out, "--classifier", "")), "--classifier must list at least one width");
        CliTest.oneLineError(CliTest.cli(args(out, "--batch", "x")), "--batch must be an integer");
        assertFalse(Files.exists(out), "nothing written for a rejected command line");
    }

    /** A run whose loss turns NaN stops with one line, exit status 3, and saves no model. */
    @Test
    void aDivergingRunStopsWithOneLine() {
        Path out = tmp.resolve("diverged");
        CliTest.Result r = CliTest.cli(args(out, "--epochs", "2", "--lr", "1e10"));
        assertEquals(3, r.status, r.toString());
        assertEquals(1, r.err.lines().count(), r.toString());
        assertTrue(r.err.matches("(?s)error: training diverged at epoch \\d+, step \\d+: .*; model not saved \\(no "
                + ".*model.zip written\\); try a lower --lr \\(now 1e10\\)\\s*"), r.toString());
        assertFalse(Files.exists(out.resolve("model.zip")));
    }
}
