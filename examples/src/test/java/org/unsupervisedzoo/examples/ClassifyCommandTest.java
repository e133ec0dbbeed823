package org.unsupervisedzoo.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.unsupervisedzoo.examples.CliTest.cli;
import static org.unsupervisedzoo.examples.CliTest.oneLineError;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.unsupervisedzoo.datasets.BundledSample;
import org.unsupervisedzoo.datasets.LabelledImages;
import org.unsupervisedzoo.datasets.MnistIterator;
import org.unsupervisedzoo.datasets.Split;
import org.unsupervisedzoo.zoo.classifier.ClassifierFit;

/** {@code classify} and {@code semi-supervised} under the validation protocol, on the bundled sample. */
class ClassifyCommandTest {
    @TempDir
    static Path shared;
    @TempDir
    Path tmp;

    private static Path model;

    @BeforeAll
    static void trainEncoder() {
        Path run = shared.resolve("ae");
        CliTest.Result train = cli("train", "undercomplete-autoencoder", "--epochs", "1", "--hidden", "32,8",
                "--out", run.toString());
        assertEquals(0, train.status, train.toString());
        model = run.resolve("model.zip");
    }

    private static final Pattern EPOCH = Pattern.compile(
            "seed (\\d+)  epoch +(\\d+)  train_loss \\d+\\.\\d{5}  val_loss \\d+\\.\\d{5}  val_error (\\d+\\.\\d\\d)%.*");
    private static final Pattern BEST = Pattern.compile(
            "best  seed (\\d+)  epoch (\\d+) of (\\d+)  val_error (\\d+\\.\\d\\d)%  test_error (\\d+\\.\\d\\d)%.*");

    @Test
    void validationProtocolPrintsTheCurveKeepsTheBestEpochAndReportsMeanAndSd() throws Exception {
        Path out = tmp.resolve("clf");
        CliTest.Result r = cli("classify", "--encoder", model.toString(), "--labels", "100", "--validation", "500",
                "--frozen", "false", "--hidden", "16", "--dropout", "0.2", "--lr", "0.01", "--max-epochs", "30",
                "--patience", "2", "--steps-per-epoch", "3", "--seeds", "3", "--seed", "7", "--out", out.toString());
        assertEquals(0, r.status, r.toString());
        assertTrue(r.out.contains("labelled 100  validation 500 (training digits [4500, 5000))"), r.out);
        List<String> best = r.out.lines().filter(l -> BEST.matcher(l).matches()).toList();
        assertEquals(3, best.size(), r.out);
        for (int k = 0; k < 3; k++) {
            long seed = 7 + k;
            List<Matcher> epochs = r.out.lines().map(EPOCH::matcher).filter(Matcher::matches)
                    .filter(m -> Long.parseLong(m.group(1)) == seed).toList();
            Matcher b = BEST.matcher(best.get(k));
            assertTrue(b.matches());
            assertEquals(seed, Long.parseLong(b.group(1)));
            int bestEpoch = Integer.parseInt(b.group(2));
            int run = Integer.parseInt(b.group(3));
            assertEquals(run, epochs.size(), "one line per epoch run");
            assertTrue(run == 30 || run == bestEpoch + 2, "patience 2 stops two epochs after the best: " + r.out);
            double min = epochs.stream().mapToDouble(m -> Double.parseDouble(m.group(3))).min().orElseThrow();
            assertEquals(min, Double.parseDouble(b.group(4)), 1e-9, "best = the curve's minimum");
            assertEquals(min, Double.parseDouble(epochs.get(bestEpoch - 1).group(3)), 1e-9);
            List<String> csv = Files.readAllLines(out.resolve("curve-seed" + seed + ".csv"));
            assertEquals(run + 1, csv.size());
            assertEquals("epoch,train_loss,validation_loss,validation_error,seconds", csv.get(0));
        }
        assertTrue(r.out.lines().anyMatch(l -> l.matches(
                "test_error \\d+\\.\\d\\d ± \\d+\\.\\d\\d % over 3 seeds \\(fine-tuned, labelled 100, validation 500\\)")),
                r.out);
        List<String> summary = Files.readAllLines(out.resolve("summary.csv"));
        assertEquals(4, summary.size(), summary.toString());
        assertTrue(Files.readString(out.resolve("summary.txt")).startsWith("test_error "));

        // the saved classifier is the best epoch's: its validation error is the one reported
        ComputationGraph clf = ModelSerializer.restoreComputationGraph(out.resolve("classifier-seed7.zip").toFile(),
                false);
        LabelledImages train = new BundledSample().load(Split.TRAIN);
        double v = ClassifierFit.score(clf, MnistIterator.builder(train.range(4500, 5000)).batchSize(500)
                .shuffle(false).build()).error();
        Matcher b7 = BEST.matcher(best.get(0));
        assertTrue(b7.matches());
        assertEquals(Double.parseDouble(b7.group(4)), 100 * v, 0.006);
        double test = ClassifierFit.score(clf, MnistIterator.builder(new BundledSample().load(Split.TEST))
                .batchSize(1000).shuffle(false).build()).error();
        assertEquals(Double.parseDouble(b7.group(5)), 100 * test, 0.006);
    }

    @Test
    void scratchRunsTheSameProtocolOnTheSameDigits() {
        String[] common = {"--encoder", model.toString(), "--labels", "50", "--max-epochs", "3", "--patience", "5",
            "--steps-per-epoch", "2", "--frozen", "false"};
        CliTest.Result pre = cli(concat(common, "--out", tmp.resolve("pre").toString()));
        CliTest.Result scratch = cli(concat(common, "--scratch", "true", "--out", tmp.resolve("s").toString()));
        assertEquals(0, pre.status, pre.toString());
        assertEquals(0, scratch.status, scratch.toString());
        assertTrue(scratch.out.contains(", scratch)") && pre.out.contains(", fine-tuned)"), scratch.out);
        for (CliTest.Result r : List.of(pre, scratch)) {
            assertTrue(r.out.contains("labelled 50  validation 1000 (training digits [4000, 5000))"), r.out);
            assertEquals(3, r.out.lines().filter(l -> EPOCH.matcher(l).matches()).count(), r.out);
        }
        String prePar = pre.out.lines().filter(l -> l.startsWith("best ")).findFirst().orElseThrow();
        String scrPar = scratch.out.lines().filter(l -> l.startsWith("best ")).findFirst().orElseThrow();
        assertEquals(prePar.replaceAll(".*params ", ""), scrPar.replaceAll(".*params ", ""), "same network");
    }

    @Test
    void resumeContinuesEachSeedFromItsCheckpointAndRefusesAnotherRun() throws Exception {
        Path out = tmp.resolve("resume");
        String[] run = {"--encoder", model.toString(), "--labels", "50", "--max-epochs", "3",
            "--patience", "5", "--steps-per-epoch", "2", "--frozen", "false", "--dropout", "0.2", "--seeds", "2",
            "--seed", "7", "--out", out.toString()};
        CliTest.Result first = cli(concat(run));
        assertEquals(0, first.status, first.toString());
        assertTrue(first.out.lines().anyMatch(l -> EPOCH.matcher(l).matches() && l.contains("eta <= ")), first.out);
        assertTrue(Files.isDirectory(out.resolve("checkpoint-seed7")) && Files.isDirectory(out.resolve("checkpoint-seed8")));
        List<String> best = first.out.lines().filter(l -> BEST.matcher(l).matches()).toList();

        // both seeds finished: resuming trains nothing and reports the same; a seed without its checkpoint (as if
        // killed before it began) starts afresh and ends the same, the seeds' runs being deterministic
        Files.walk(out.resolve("checkpoint-seed8")).sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        CliTest.Result again = cli(concat(run, "--resume", "true"));
        assertEquals(0, again.status, again.toString());
        assertTrue(again.out.contains("resuming seed 7 from ") && !again.out.contains("resuming seed 8"), again.out);
        assertEquals(3, again.out.lines().filter(l -> EPOCH.matcher(l).matches()).count(), "seed 8's epochs only: "
                + again.out);
        assertEquals(best, again.out.lines().filter(l -> BEST.matcher(l).matches()).toList());

        CliTest.Result other = cli(concat(run, "--resume", "true", "--lr", "0.01"));
        assertEquals(2, other.status, other.toString());
        assertTrue(other.err.contains("lr") && other.err.contains("'0.001'") && other.err.contains("'0.01'"), other.err);
        CliTest.Result none = cli("classify", "--encoder", model.toString(), "--resume", "true", "--out",
                tmp.resolve("nothing").toString());
        assertEquals(2, none.status, none.toString());
        assertTrue(none.err.contains("--resume") && none.err.contains("no checkpoint"), none.err);
        CliTest.Result fixed = cli("classify", "--encoder", model.toString(), "--resume", "true", "--protocol",
                "fixed", "--out", tmp.resolve("fixed").toString());
        assertEquals(2, fixed.status, fixed.toString());
        assertTrue(fixed.err.contains("--resume") && fixed.err.contains("--protocol fixed"), fixed.err);
    }

    @Test
    void learningRateDecaysPerEpochAndInputDropoutReachesTheEncoder() throws Exception {
        Path out = tmp.resolve("decay");
        CliTest.Result r = cli("classify", "--encoder", model.toString(), "--labels", "50", "--max-epochs", "3",
                "--patience", "5", "--steps-per-epoch", "2", "--frozen", "false", "--lr", "0.01", "--lr-decay",
                "0.5", "--input-dropout", "0.2", "--out", out.toString());
        assertEquals(0, r.status, r.toString());
        ComputationGraph clf = ModelSerializer.restoreComputationGraph(out.resolve("classifier.zip").toFile(), false);
        for (String layer : List.of("code", "prediction")) {
            org.nd4j.linalg.learning.config.IUpdater u = ((org.deeplearning4j.nn.conf.layers.BaseLayer) clf
                    .getLayer(layer).conf().getLayer()).getIUpdater();
            assertEquals(0.01, u.getLearningRate(0, 0), 1e-12, layer + ": " + u);
            assertEquals(0.01 * 0.25, u.getLearningRate(0, 2), 1e-12, layer + ": " + u);
        }
        assertEquals(3, clf.getConfiguration().getEpochCount(), "the schedule's clock: one count per epoch");
        assertEquals(0.8, ((org.deeplearning4j.nn.conf.dropout.Dropout) clf.getLayer("encoder-1").conf().getLayer()
                .getIDropout()).getP(), 0, "20% of the pixels dropped (the 32,8 encoder's first layer reads them)");
        assertEquals(null, clf.getLayer("code").conf().getLayer().getIDropout(), "only the layer reading pixels");
    }

    @Test
    void nesterovUpdaterWithItsMomentumAndDecayReachesEveryTrainedLayer() throws Exception {
        Path out = tmp.resolve("nesterov");
        CliTest.Result r = cli("classify", "--encoder", model.toString(), "--labels", "50", "--max-epochs", "2",
                "--patience", "5", "--steps-per-epoch", "2", "--frozen", "false", "--updater", "nesterov",
                "--momentum", "0.8", "--lr", "0.05", "--lr-decay", "0.5", "--out", out.toString());
        assertEquals(0, r.status, r.toString());
        for (String layer : List.of("encoder-1", "code", "prediction")) {
            org.nd4j.linalg.learning.config.IUpdater u = savedUpdater(out, layer);
            assertTrue(u instanceof org.nd4j.linalg.learning.config.Nesterovs, layer + ": " + u);
            assertEquals(0.8, ((org.nd4j.linalg.learning.config.Nesterovs) u).getMomentum(), 0, layer + ": " + u);
            assertEquals(0.05 * 0.5, u.getLearningRate(0, 1), 1e-12, layer + ": " + u);
        }
        CliTest.Result sgd = cli("classify", "--encoder", model.toString(), "--labels", "50", "--max-epochs", "1",
                "--patience", "5", "--steps-per-epoch", "2", "--updater", "SGD", "--lr", "0.1", "--out",
                tmp.resolve("sgd").toString());
        assertEquals(0, sgd.status, sgd.toString());
        org.nd4j.linalg.learning.config.IUpdater u = savedUpdater(tmp.resolve("sgd"), "prediction");
        assertTrue(u instanceof org.nd4j.linalg.learning.config.Sgd && u.getLearningRate(0, 3) == 0.1, u.toString());
    }

    /** The updater of {@code layer} in the classifier.zip that classify wrote under {@code out}. */
    private static org.nd4j.linalg.learning.config.IUpdater savedUpdater(Path out, String layer) throws Exception {
        ComputationGraph clf = ModelSerializer.restoreComputationGraph(out.resolve("classifier.zip").toFile(), false);
        return ((org.deeplearning4j.nn.conf.layers.BaseLayer) clf.getLayer(layer).conf().getLayer()).getIUpdater();
    }

    @Test
    void semiSupervisedChoosesOnValidationAndReportsMeanAndSd() throws Exception {
        Path out = tmp.resolve("semi");
        CliTest.Result r = cli("semi-supervised", "--encoders", model.toString(), "--budgets", "30", "--seeds", "3",
                "--grid-lr", "0.001", "--grid-hidden", "0,8", "--grid-dropout", "0", "--max-epochs", "2",
                "--patience", "1", "--steps-per-epoch", "2", "--validation", "300", "--out", out.toString());
        assertEquals(0, r.status, r.toString());
        assertEquals(9, r.out.lines().filter(l -> l.matches("run  undercomplete-autoencoder +(frozen|fine-tuned|scratch)"
                + " +labels +30  seed \\d  chose lr 0\\.00100000  hidden [08]  dropout 0\\.00  epoch \\d.*")).count(),
                r.out);
        assertEquals(1 + 2 * 9, Files.readAllLines(out.resolve("grid.csv")).size(), "every grid point logged");
        assertEquals(1 + 9, Files.readAllLines(out.resolve("runs.csv")).size());
        List<String> summary = Files.readAllLines(out.resolve("summary.md"));
        assertEquals(6, summary.size(), String.join("\n", summary));
        assertTrue(summary.get(5).matches("\\| undercomplete-autoencoder \\| pretrained \\(chosen\\) \\| "
                + "\\d+\\.\\d\\d ± \\d+\\.\\d\\d \\|"), summary.get(5));
    }

    /**
     * --balance-scales: pretrained rescales the pretrained encoders only (the sample's undercomplete autoencoder is
     * ReLU, so its frozen runs change and its scratch runs repeat to the digit), all the scratch encoders too, and
     * the fixed protocol refuses it when asked for.
     */
    @Test
    void semiSupervisedBalancesThePretrainedEncodersOrAll() throws Exception {
        Map<String, List<String>> rows = new java.util.HashMap<>();
        for (String balance : List.of("off", "pretrained", "all")) {
            Path out = tmp.resolve("balance-" + balance);
            CliTest.Result r = cli("semi-supervised", "--encoders", model.toString(), "--budgets", "30", "--seeds", "1",
                    "--modes", "frozen,scratch", "--grid-lr", "0.01", "--grid-hidden", "0", "--grid-dropout", "0",
                    "--max-epochs", "3", "--patience", "3", "--steps-per-epoch", "10", "--validation", "300",
                    "--balance-scales", balance, "--out", out.toString());
            assertEquals(0, r.status, r.toString());
            List<String> lines = Files.readAllLines(out.resolve("runs.csv"));
            // mode,...: drop the encoder and model columns and the seconds
            rows.put(balance, lines.subList(1, lines.size()).stream()
                    .map(l -> l.substring(l.indexOf(",", l.indexOf(",") + 1) + 1, l.lastIndexOf(","))).toList());
        }
        assertEquals(2, rows.get("off").size(), rows.toString());
        assertNotEquals(rows.get("off").get(0), rows.get("pretrained").get(0), "frozen on the balanced code");
        assertEquals(rows.get("off").get(1), rows.get("pretrained").get(1), "scratch untouched by pretrained");
        assertNotEquals(rows.get("off").get(1), rows.get("all").get(1), "scratch balanced by all");
        bad(cli("semi-supervised", "--encoders", model.toString(), "--balance-scales", "some", "--out",
                tmp.resolve("never").toString()), "--balance-scales must be off, pretrained or all", "'some'");
        bad(cli("semi-supervised", "--encoders", model.toString(), "--protocol", "fixed", "--balance-scales", "all",
                "--out", tmp.resolve("never").toString()), "--balance-scales all needs --protocol validation");
    }

    /**
     * A stopped semi-supervised run continues with --resume: the runs in runs.csv are kept, not trained again, and the
     * summary is the one of a run never stopped; a changed setting or a folder with nothing to resume is refused.
     */
    @Test
    void semiSupervisedResumeKeepsFinishedRunsAndRefusesOtherSettings() throws Exception {
        String[] common = {"semi-supervised", "--encoders", model.toString(), "--budgets", "30", "--grid-lr", "0.001",
            "--grid-hidden", "0", "--grid-dropout", "0", "--max-epochs", "2", "--patience", "1", "--steps-per-epoch",
            "2", "--validation", "300"};
        Path whole = tmp.resolve("semi-whole");
        Path part = tmp.resolve("semi-part");
        CliTest.Result all = cli(join(common, "--seeds", "2", "--out", whole.toString()));
        assertEquals(0, all.status, all.toString());
        CliTest.Result first = cli(join(common, "--seeds", "1", "--out", part.toString()));
        assertEquals(0, first.status, first.toString());
        CliTest.Result rest = cli(join(common, "--seeds", "2", "--resume", "true", "--out", part.toString()));
        assertEquals(0, rest.status, rest.toString());
        assertTrue(rest.out.contains("resumed " + part + ": 3 runs already in runs.csv"), rest.out);
        assertEquals(3, rest.out.lines().filter(l -> l.contains("seed 1  (in runs.csv)")).count(), rest.out);
        assertEquals(3, rest.out.lines().filter(l -> l.contains("seed 2  chose")).count(), rest.out);
        assertEquals(Files.readAllLines(whole.resolve("summary.md")), Files.readAllLines(part.resolve("summary.md")),
                "the same table as a run never stopped");
        assertEquals(1 + 6, Files.readAllLines(part.resolve("runs.csv")).size());
        bad(cli(join(common, "--seeds", "2", "--batch", "50", "--resume", "true", "--out", part.toString())),
                "--resume: --batch was 100 in", "now 50");
        bad(cli(join(common, "--resume", "true", "--out", tmp.resolve("semi-none").toString())),
                "--resume:", "holds no earlier run");
        bad(cli(join(common, "--protocol", "fixed", "--resume", "true", "--out", part.toString())),
                "--resume continues the validation protocol only");
    }

    /** classify --start: LP-FT from the command line, a frozen run's classifier.zip the start of a fine-tuned one. */
    @Test
    void classifyStartsFromAFrozenRunsClassifier() throws Exception {
        String[] common = {"classify", "--encoder", model.toString(), "--labels", "50", "--validation", "300",
            "--hidden", "8", "--steps-per-epoch", "2", "--patience", "2", "--seed", "3"};
        Path frozen = tmp.resolve("frozen");
        CliTest.Result f = cli(join(common, "--max-epochs", "5", "--lr", "0.01", "--out", frozen.toString()));
        assertEquals(0, f.status, f.toString());
        Matcher fb = f.out.lines().map(BEST::matcher).filter(Matcher::matches).findFirst().orElseThrow();
        // a rate too small to move anything: the fine-tuned run's first epoch is the frozen run's best classifier
        CliTest.Result t = cli(join(common, "--max-epochs", "1", "--lr", "1e-12", "--frozen", "false", "--start",
                frozen.resolve("classifier.zip").toString(), "--out", tmp.resolve("lpft").toString()));
        assertEquals(0, t.status, t.toString());
        Matcher tb = t.out.lines().map(BEST::matcher).filter(Matcher::matches).findFirst().orElseThrow();
        assertEquals(fb.group(4), tb.group(4), "validation error of the start: " + f.out + t.out);
        assertEquals(fb.group(5), tb.group(5), "test error of the start");
        bad(cli("classify", "--encoder", model.toString(), "--labels", "50", "--validation", "300", "--hidden", "4",
                "--frozen", "false", "--start", frozen.resolve("classifier.zip").toString(), "--out",
                tmp.resolve("never").toString()), "--start", "head-1");
        bad(cli(join(common, "--start", tmp.resolve("none.zip").toString(), "--out", tmp.resolve("never").toString())),
                "--start", "does not exist");
        bad(cli(join(common, "--protocol", "fixed", "--start", frozen.resolve("classifier.zip").toString(), "--out",
                tmp.resolve("never").toString())), "--start needs --protocol validation");
    }

    /**
     * lp-ft fine-tunes the frozen mode's chosen classifier at each grid rate, with the frozen choice's head; resumed
     * after a frozen-only run, it trains the frozen choice again (seeded: the same) and gives the same table.
     */
    @Test
    void lpFtStartsFromTheFrozenChoiceAndResumesOntoAFrozenOnlyRun() throws Exception {
        String[] common = {"semi-supervised", "--encoders", model.toString(), "--budgets", "30", "--seeds", "1",
            "--grid-lr", "0.01,0.001", "--grid-hidden", "0,8", "--grid-dropout", "0", "--max-epochs", "3",
            "--patience", "2", "--steps-per-epoch", "2", "--validation", "300"};
        Path whole = tmp.resolve("lpft-whole");
        CliTest.Result all = cli(join(common, "--modes", "frozen,lp-ft", "--out", whole.toString()));
        assertEquals(0, all.status, all.toString());
        List<String[]> runs = Files.readAllLines(whole.resolve("runs.csv")).stream().skip(1).map(l -> l.split(","))
                .toList();
        assertEquals(List.of("frozen", "lp-ft"), runs.stream().map(f -> f[2]).toList());
        assertEquals(runs.get(0)[6] + "," + runs.get(0)[7], runs.get(1)[6] + "," + runs.get(1)[7],
                "lp-ft keeps the frozen choice's head");
        assertEquals(2 * 4, Files.readAllLines(whole.resolve("grid.csv")).stream().filter(l -> l.contains(",frozen,"))
                .count() * 2, "the frozen grid: 2 rates x 2 heads");
        assertEquals(2, Files.readAllLines(whole.resolve("grid.csv")).stream().filter(l -> l.contains(",lp-ft,"))
                .count(), "lp-ft: one run per rate");
        assertTrue(Files.readString(whole.resolve("summary.md")).contains("| lp-ft |"), all.out);

        Path part = tmp.resolve("lpft-part");
        assertEquals(0, cli(join(common, "--modes", "frozen", "--out", part.toString())).status);
        CliTest.Result rest = cli(join(common, "--modes", "frozen,lp-ft", "--resume", "true", "--out",
                part.toString()));
        assertEquals(0, rest.status, rest.toString());
        assertEquals(Files.readAllLines(whole.resolve("runs.csv")).stream().map(l -> l.substring(0,
                l.lastIndexOf(','))).toList(), Files.readAllLines(part.resolve("runs.csv")).stream().map(l ->
                l.substring(0, l.lastIndexOf(','))).toList(), "the same runs, times apart");

        bad(cli(join(common, "--modes", "lp-ft,frozen", "--out", tmp.resolve("never").toString())), "--modes",
                "frozen must come before it", "'lp-ft,frozen'");
        bad(cli(join(common, "--modes", "fine-tuned,lp-ft", "--out", tmp.resolve("never").toString())), "--modes",
                "frozen must come before it");
        bad(cli(join(common, "--modes", "frozen,lp-ft", "--protocol", "fixed", "--out",
                tmp.resolve("never").toString())), "--modes lp-ft needs --protocol validation");
    }

    private static String[] join(String[] a, String... b) {
        String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    /** Two encoders of the same model get rows of their own in semi-supervised's summary (named by file). */
    @Test
    void summaryRowsOfTwoEncodersOfOneModelStayApart() {
        List<String> models = List.of("contractive-autoencoder", "contractive-autoencoder", "rbm");
        assertEquals("contractive-autoencoder (a/model.zip)", SemiSupervisedCommand.rowName("contractive-autoencoder",
                "a/model.zip", models));
        assertEquals("rbm", SemiSupervisedCommand.rowName("rbm", "r/model.zip", models));
        java.util.Map<String, List<Double>> errors = new java.util.LinkedHashMap<>();
        errors.put(SemiSupervisedCommand.rowName("contractive-autoencoder", "a/model.zip", models) + "|frozen|30",
                List.of(0.1, 0.2));
        errors.put(SemiSupervisedCommand.rowName("contractive-autoencoder", "b/model.zip", models) + "|frozen|30",
                List.of(0.3, 0.4));
        String table = SemiSupervisedCommand.summary(errors, new int[] {30}, 1000);
        assertTrue(table.contains("| contractive-autoencoder (a/model.zip) | frozen | 15.00 ± 7.07 |"), table);
        assertTrue(table.contains("| contractive-autoencoder (b/model.zip) | frozen | 35.00 ± 7.07 |"), table);
    }

    @Test
    void savedEncodersBuildsFromModelZipAndFits() {
        LabelledImages train = new BundledSample().load(Split.TRAIN);
        ClassifierFit fit = ClassifierFit.builder().maxEpochs(2).patience(2).build();
        ClassifierFit.Result r = fit.fit(SavedEncoders.classifier(model).frozen(false),
                MnistIterator.builder(train.range(0, 4000).balancedSubset(50, 1)).batchSize(25).build(),
                MnistIterator.builder(train.range(4000, 5000)).batchSize(500).shuffle(false).build());
        ClassifierFit.Result s = fit.fit(SavedEncoders.scratch(model),
                MnistIterator.builder(train.range(0, 4000).balancedSubset(50, 1)).batchSize(25).build(),
                MnistIterator.builder(train.range(4000, 5000)).batchSize(500).shuffle(false).build());
        assertEquals(2, r.curve().size());
        assertEquals(r.classifier().numParams(), s.classifier().numParams());
        assertEquals(8, r.classifier().getLayer("code").getParam("W").size(1), "the 32,8 encoder of model.zip");
    }

    @Test
    void badOptionsAreOneLineErrors() {
        String m = model.toString();
        String out = tmp.resolve("never").toString();
        bad(cli("classify", "--encoder", m, "--patience", "0", "--out", out),
                "--patience must be at least 1, got '0'");
        bad(cli("classify", "--encoder", m, "--dropout", "1", "--out", out), "--dropout", "'1'");
        bad(cli("classify", "--encoder", m, "--validation", "-3", "--out", out), "--validation", "'-3'");
        bad(cli("classify", "--encoder", m, "--validation", "many", "--out", out), "--validation", "'many'");
        bad(cli("classify", "--encoder", m, "--seeds", "0", "--out", out), "--seeds must be at least 1");
        bad(cli("classify", "--encoder", m, "--protocol", "best", "--out", out), "--protocol", "'best'");
        bad(cli("classify", "--encoder", m, "--validation", "5000", "--out", out),
                "--validation must be below the 5000 training digits, got 5000");
        bad(cli("classify", "--encoder", m, "--validation", "1000", "--labels", "4500", "--out", out),
                "--labels must be at most 4000", "4500");
        bad(cli("classify", "--encoder", m, "--lr-decay", "0", "--out", out), "--lr-decay", "'0'");
        bad(cli("classify", "--encoder", m, "--lr-decay", "1.5", "--out", out), "--lr-decay", "'1.5'");
        bad(cli("classify", "--encoder", m, "--updater", "rmsprop", "--out", out), "--updater must be one of",
                "nesterov", "'rmsprop'");
        bad(cli("classify", "--encoder", m, "--momentum", "1", "--out", out), "--momentum", "'1'");
        bad(cli("classify", "--encoder", m, "--input-dropout", "0.2", "--out", out), "--input-dropout",
                "0.2", "--frozen false");
        bad(cli("semi-supervised", "--encoders", m, "--grid-dropout", "0,1.5", "--out", out),
                "--grid-dropout", "'0,1.5'");
        bad(cli("semi-supervised", "--encoders", m, "--grid-lr", "0.001,-1", "--out", out),
                "--grid-lr", "'0.001,-1'");
        bad(cli("semi-supervised", "--encoders", m, "--patience", "0", "--out", out), "--patience", "'0'");
        assertTrue(!Files.exists(tmp.resolve("never")), "nothing written for a rejected command line");
    }

    @Test
    void unitsReportsEveryEncoderLayersDeadUnitsAndScale() {
        CliTest.Result r = cli("units", "--encoder", model.toString(), "--digits", "300");
        assertEquals(0, r.status, r.toString());
        assertTrue(r.out.contains("digits 300"), r.out);
        Pattern layer = Pattern.compile("layer (\\S+) +units +(\\d+)  dead +(\\d+) \\( *\\d+\\.\\d%\\)  mean .*");
        List<String> names = r.out.lines().map(layer::matcher).filter(Matcher::matches).map(m -> m.group(1)
                + ":" + m.group(2)).toList();
        assertEquals(List.of("encoder-1:32", "code:8"), names, r.out);
        bad(cli("units", "--digits", "300"), "--encoder");
        bad(cli("units", "--encoder", model.toString(), "--digits", "1"), "--digits", "'1'");
    }

    /** A one-line usage error containing every fragment. */
    private static void bad(CliTest.Result r, String... fragments) {
        oneLineError(r, fragments[0]);
        for (String f : fragments) {
            assertTrue(r.err.contains(f), "'" + f + "' in " + r.err);
        }
    }

    private static String[] concat(String[] a, String... b) {
        String[] c = new String[a.length + b.length + 1];
        c[0] = "classify";
        System.arraycopy(a, 0, c, 1, a.length);
        System.arraycopy(b, 0, c, 1 + a.length, b.length);
        return c;
    }
}
