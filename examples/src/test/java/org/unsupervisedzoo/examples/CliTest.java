package org.unsupervisedzoo.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.unsupervisedzoo.zoo.catalog.ZooCatalog;

/** The command line end to end: help, errors as one line, and the train / evaluate / export / classify chain. */
class CliTest {
    @TempDir
    Path tmp;

    /** Exit status, stdout and stderr of one command line. */
    static final class Result {
        final int status;
        final String out;
        final String err;

        Result(int status, String out, String err) {
            this.status = status;
            this.out = out;
            this.err = err;
        }

        @Override
        public String toString() {
            return "status " + status + "\n--- out\n" + out + "\n--- err\n" + err;
        }
    }

    static Result cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(args, new PrintStream(out, true), new PrintStream(err, true));
        return new Result(status, out.toString(), err.toString());
    }

    /** A usage error: status 2, one line on stderr naming {@code fragment}, no stack trace. */
    static void oneLineError(Result r, String fragment) {
        assertEquals(2, r.status, r.toString());
        assertEquals(1, r.err.lines().count(), r.toString());
        assertTrue(r.err.startsWith("error: ") && r.err.contains(fragment), r.toString());
        assertFalse(r.err.contains("\tat ") || r.out.contains("\tat "), r.toString());
    }

    @Test
    void helpOnEveryCommand() {
        Result root = cli("--help");
        assertEquals(0, root.status, root.toString());
        for (String c : List.of("train", "list", "evaluate", "export", "classify", "semi-supervised")) {
            assertTrue(root.out.contains(c), c + " in\n" + root.out);
            Result r = cli(c, "--help");
            assertEquals(0, r.status, r.toString());
            assertTrue(r.out.contains("Usage:"), r.toString());
        }
        for (String model : Main.trainCommands().keySet()) {
            assertTrue(cli("train", "--help").out.contains(model), model);
            Result r = cli("train", model, "--help");
            assertEquals(0, r.status, r.toString());
            assertTrue(r.out.contains("--epochs") && r.out.contains("(default: "), r.toString());
        }
        Result none = cli();
        assertEquals(0, none.status);
        assertTrue(none.out.contains("variational-autoencoder"), none.toString());
    }

    @Test
    void listShowsTheCatalogAndTheTrainCommands() {
        Result r = cli("list");
        assertEquals(0, r.status, r.toString());
        ZooCatalog.names().forEach(n -> assertTrue(r.out.contains(n), n));
        Main.trainCommands().keySet().forEach(n -> assertTrue(r.out.contains("  " + n + " "), n));
        assertTrue(r.out.contains("custom layers: ContractiveDenseLayer") || r.out.contains("ActivityPenalty"),
                r.out);
    }

    @Test
    void badInputIsOneLineAndANonZeroExit() throws Exception {
        oneLineError(cli("trian"), "trian");
        oneLineError(cli("train", "rbn"), "rbn");
        oneLineError(cli("train", "undercomplete-autoencoder", "--epoch", "3"), "--epoch");
        oneLineError(cli("train", "undercomplete-autoencoder", "--epochs"), "--epochs");
        oneLineError(cli("train", "undercomplete-autoencoder", "--batch", "many", "--out", tmp.toString()), "--batch must be an integer");
        oneLineError(cli("train", "undercomplete-autoencoder", "--data", "cifar"), "cifar");
        oneLineError(cli("train", "undercomplete-autoencoder", "--data", "mnist", "--data-dir", tmp.resolve("none").toString()),
                tmp.resolve("none").toString());
        oneLineError(cli("evaluate", tmp.resolve("missing.zip").toString()), "does not exist");
        Path text = Files.writeString(tmp.resolve("notes.zip"), "not a zip");
        oneLineError(cli("evaluate", text.toString()), "not a DL4J model file");
        oneLineError(cli("evaluate"), "<model>");
        oneLineError(cli("classify"), "--encoder");
        oneLineError(cli("export", "--model", "rbn"), "unknown model 'rbn'");
        oneLineError(cli("export"), "--all");
        assertEquals(2, cli("train").status, "train without a model prints its usage and fails");
    }

    /**
     * Numbers out of range are one-line errors naming the option and the value, before any data is loaded or a
     * model is built (nothing is written under --out).
     */
    @Test
    void badNumbersAreOneLineErrors() {
        String out = tmp.resolve("never").toString();
        oneLineError(cli("train", "undercomplete-autoencoder", "--lr", "NaN", "--out", out), "--lr must be a finite number greater than 0, got 'NaN'");
        oneLineError(cli("train", "undercomplete-autoencoder", "--lr", "Infinity", "--out", out),
                "--lr must be a finite number greater than 0, got 'Infinity'");
        oneLineError(cli("train", "undercomplete-autoencoder", "--lr", "1e999", "--out", out), "--lr must be a finite number");
        oneLineError(cli("train", "undercomplete-autoencoder", "--lr", "-1", "--out", out), "--lr must be greater than 0, got '-1'");
        oneLineError(cli("train", "undercomplete-autoencoder", "--lr", "0", "--out", out), "--lr must be greater than 0, got '0'");
        oneLineError(cli("train", "undercomplete-autoencoder", "--epochs", "0", "--out", out), "--epochs must be at least 1, got '0'");
        oneLineError(cli("train", "undercomplete-autoencoder", "--epochs", "-1", "--out", out), "--epochs must be at least 1, got '-1'");
        oneLineError(cli("train", "undercomplete-autoencoder", "--batch", "0", "--out", out), "--batch must be at least 1, got '0'");
        oneLineError(cli("train", "undercomplete-autoencoder", "--hidden", "32,0", "--out", out), "--hidden must be comma-separated integers, each at least 1, got '32,0'");
        oneLineError(cli("train", "variational-autoencoder", "--beta", "NaN", "--out", out), "--beta must be a finite number");
        oneLineError(cli("train", "sparse-autoencoder", "--rho", "1.5", "--out", out), "--rho must be in (0, 1), got '1.5'");
        oneLineError(cli("train", "self-organizing-map", "--sigma", "-Infinity", "--out", out), "--sigma must be a finite number");
        oneLineError(cli("train", "self-organizing-map", "--lr", "NaN", "--out", out), "--lr must be a finite number");
        oneLineError(cli("train", "rbm", "--lr", "NaN", "--out", out), "--lr must be a finite number");
        oneLineError(cli("train", "rbm", "--epochs", "-1", "--out", out), "--epochs must be at least 0, got '-1'");
        oneLineError(cli("train", "mlp-gan", "--lr", "NaN", "--out", out), "--lr must be a finite number");
        oneLineError(cli("train", "mlp-gan", "--real-label", "2", "--out", out), "--real-label must be in (0.5, 1], got '2'");
        oneLineError(cli("classify", "--encoder", "x.zip", "--lr", "NaN"), "--lr must be a finite number");
        oneLineError(cli("semi-supervised", "--encoders", "x.zip", "--budgets", "100,-5"), "--budgets");
        assertFalse(Files.exists(tmp.resolve("never")), "nothing written for a rejected command line");
    }

    /**
     * A run whose loss turns NaN (Adam at --lr 1e10; at 1e6 the loss grew to 7e27 but stayed finite) stops with one
     * line naming the epoch and step, the last finite loss and a hint, exit status 3, and leaves the model.zip of an
     * earlier run byte for byte, with no temporary file beside it.
     */
    @Test
    void aDivergingRunStopsWithOneLineAndKeepsTheEarlierModel() throws Exception {
        Path run = tmp.resolve("ae");
        Result good = cli("train", "undercomplete-autoencoder", "--epochs", "1", "--hidden", "32,8", "--out", run.toString());
        assertEquals(0, good.status, good.toString());
        Path model = run.resolve("model.zip");
        byte[] before = Files.readAllBytes(model);
        String csvBefore = Files.readString(run.resolve("epochs.csv"));

        Result bad = cli("train", "undercomplete-autoencoder", "--epochs", "3", "--hidden", "32,8", "--lr", "1e10", "--out",
                run.toString());
        assertEquals(3, bad.status, bad.toString());
        assertEquals(1, bad.err.lines().count(), bad.toString());
        assertTrue(bad.err.matches("(?s)error: training diverged at epoch \\d+, step \\d+: \\S+ (NaN|-?Infinity|not finite).*"
                + "\\((last finite loss \\S+ at epoch \\d+, step \\d+|no finite loss before it)\\); model not saved,"
                + " the earlier .*model.zip is kept; try a lower --lr \\(now 1e10\\)\\s*"), bad.toString());
        assertFalse(bad.err.contains("\tat ") || bad.out.contains("\tat "), bad.toString());
        org.junit.jupiter.api.Assertions.assertArrayEquals(before, Files.readAllBytes(model), "model.zip untouched");
        assertEquals("undercomplete-autoencoder", RunRecord.read(model).command);
        try (java.util.stream.Stream<Path> files = Files.list(run)) {
            List<String> left = files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("."))
                    .collect(java.util.stream.Collectors.toList());
            assertEquals(List.of(), left, "no temporary files");
        }
        // epochs.csv holds the diverged run's finite epochs, if any, or the earlier run's: never a NaN row
        String csv = Files.readString(run.resolve("epochs.csv"));
        assertFalse(csv.contains("NaN") || csv.contains("Infinity"), csv);
        assertTrue(csv.startsWith("epoch,train_loss,test_loss"), csv);
        if (bad.err.contains("at epoch 1,")) {
            assertEquals(csvBefore, csv, "a run that diverged in its first epoch leaves the earlier epochs.csv");
        }
    }

    /**
     * The SOM and RBM runners stop the same way: one line, exit status 3, nothing saved. (The RBM's CD gradient is
     * bounded, so its weights grow only linearly with the rate: at --lr 1e30 they stayed finite, pseudo-likelihood
     * -3e31; 1e38 overflows float within an epoch.)
     */
    @Test
    void divergingSomAndRbmRunsStopWithOneLine() {
        for (String[] args : new String[][] {
            {"train", "self-organizing-map", "--lr", "1e30", "--lr-final", "1e30", "--epochs", "2", "--rows", "4", "--cols", "4",
                "--subset", "500", "--init", "random"},
            {"train", "rbm", "--lr", "1e38", "--epochs", "2", "--hidden", "16", "--train-digits", "500",
                "--ais-digits", "0", "--clf-epochs", "0"}}) {
            Path out = tmp.resolve(args[1]);
            String[] all = java.util.stream.Stream.concat(java.util.Arrays.stream(args),
                    java.util.stream.Stream.of("--out", out.toString())).toArray(String[]::new);
            Result r = cli(all);
            assertEquals(3, r.status, r.toString());
            assertEquals(1, r.err.lines().count(), r.toString());
            assertTrue(r.err.matches("(?s)error: training diverged at epoch \\d+, step \\d+: .*; model not saved \\(no "
                    + ".*model.zip written\\); try a lower --lr \\(now 1e3[08]\\)\\s*"), r.toString());
            assertFalse(Files.exists(out.resolve("model.zip")), r.toString());
        }
    }

    /** Every option of every command whose default is a number or a list of numbers declares its range. */
    @Test
    void everyNumericOptionDeclaresARange() {
        java.util.Map<String, Command> all = new java.util.LinkedHashMap<>();
        Main.trainCommands().forEach((k, v) -> all.put("train " + k, v));
        Main.commands().forEach(all::put);
        for (java.util.Map.Entry<String, Command> c : all.entrySet()) {
            Options o = c.getValue().options();
            for (String name : o.names()) {
                String d = o.string(name);
                if (d.matches("-?[0-9][0-9.,e-]*")) {
                    assertTrue(o.hasRange(name), c.getKey() + " --" + name + " (default " + d + ") has no range");
                }
            }
            o.validate(); // every default is inside its range
        }
    }

    @Test
    void trainEvaluateExportClassifyAndSemiSupervisedChain() throws Exception {
        Path run = tmp.resolve("ae");
        Result train = cli("train", "undercomplete-autoencoder", "--epochs", "1", "--hidden", "32,8", "--out", run.toString());
        assertEquals(0, train.status, train.toString());
        Path model = run.resolve("model.zip");
        assertTrue(train.out.contains("wrote " + model), train.out);
        RunRecord record = RunRecord.read(model);
        assertEquals("undercomplete-autoencoder", record.command);
        assertEquals("undercomplete-autoencoder", record.model);
        assertTrue(record.args.containsAll(List.of("--hidden", "32,8")), record.args.toString());

        Result eval = cli("evaluate", model.toString(), "--out", tmp.resolve("eval").toString());
        assertEquals(0, eval.status, eval.toString());
        assertTrue(eval.out.lines().anyMatch(l -> l.matches("evaluate undercomplete-autoencoder  data .*  test_loss \\d\\.\\d{5}")),
                eval.out);
        assertTrue(Files.exists(tmp.resolve("eval/metrics.csv")) && Files.exists(tmp.resolve("eval/reconstructions.png")));

        Result export = cli("export", "--model", model.toString(), "--dir", tmp.resolve("json").toString());
        assertEquals(0, export.status, export.toString());
        ComputationGraphConfiguration conf = ComputationGraphConfiguration.fromJson(
                Files.readString(tmp.resolve("json/undercomplete-autoencoder.json")));
        assertEquals(List.of("reconstruction"), conf.getNetworkOutputs());
        Result all = cli("export", "--all", "true", "--dir", tmp.resolve("catalog").toString());
        assertEquals(0, all.status, all.toString());
        assertEquals(Files.readString(Path.of("../" + ZooCatalog.SOURCE_DIR + "/catalog.json")),
                Files.readString(tmp.resolve("catalog/catalog.json")));

        Path clfOut = tmp.resolve("clf");
        Result clf = cli("classify", "--encoder", model.toString(), "--protocol", "fixed", "--labels", "200",
                "--epochs", "2",
                "--frozen", "false", "--probe", "true", "--out", clfOut.toString());
        assertEquals(0, clf.status, clf.toString());
        assertEquals(2, clf.out.lines().filter(l -> l.matches(
                "epoch +\\d/2  train_loss \\d+\\.\\d{5}  test_accuracy 0\\.\\d{4}  test_error .*")).count(), clf.out);
        assertTrue(clf.out.lines().anyMatch(l -> l.matches("linear_probe  code_width 8  train_accuracy [01]\\.\\d{4}"
                + "  test_accuracy [01]\\.\\d{4}  objective \\d+\\.\\d{6}  lbfgs_iterations \\d+")), clf.out);
        assertTrue(Files.exists(clfOut.resolve("classifier.zip")));
        // a classifier is not a model 'train' saved: a clear error, not a stack trace
        oneLineError(cli("classify", "--encoder", clfOut.resolve("classifier.zip").toString()),
                "was not saved by this command line's 'train'");

        Result semi = cli("semi-supervised", "--encoders", model.toString(), "--protocol", "fixed",
                "--budgets", "20,50", "--seeds", "2",
                "--steps", "3", "--out", tmp.resolve("semi").toString());
        assertEquals(0, semi.status, semi.toString());
        assertEquals(12, semi.out.lines().filter(l -> l.startsWith("run  undercomplete-autoencoder")).count(), semi.out);
        List<String> summary = Files.readAllLines(tmp.resolve("semi/summary.md"));
        assertEquals(5, summary.size(), String.join("\n", summary));
        assertTrue(summary.get(0).contains("20 labels") && summary.get(0).contains("50 labels"), summary.get(0));
        assertTrue(summary.get(2).matches("\\| undercomplete-autoencoder \\| frozen \\| \\d+\\.\\d\\d ± \\d+\\.\\d\\d \\|.*"),
                summary.get(2));
    }
}
