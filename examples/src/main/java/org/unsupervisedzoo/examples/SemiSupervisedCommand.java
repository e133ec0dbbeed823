package org.unsupervisedzoo.examples;

import org.unsupervisedzoo.zoo.core.AtomicFiles;
import org.unsupervisedzoo.zoo.fast.Accelerate;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.Adam;
import org.unsupervisedzoo.datasets.DataSource;
import org.unsupervisedzoo.datasets.LabelledImages;
import org.unsupervisedzoo.datasets.MnistIterator;
import org.unsupervisedzoo.datasets.Split;
import org.unsupervisedzoo.zoo.core.EncoderModel;
import org.unsupervisedzoo.zoo.classifier.ClassifierFit;
import org.unsupervisedzoo.zoo.classifier.EncoderClassifier;

/**
 * {@code semi-supervised}: the zoo's headline comparison. Each encoder was pretrained without labels on all
 * training digits (by {@code train}); for each label budget and seed a balanced labelled subset is drawn, and the
 * same classifier (the encoder's architecture plus a softmax) is trained on it three ways: on the frozen
 * pretrained encoder, fine-tuning the pretrained encoder, and from scratch (fresh weights). Every run takes the
 * same number of Adam steps; the test error is measured on the whole test set. Writes every run to
 * {@code runs.csv} and the mean and standard deviation over seeds to {@code summary.md}.
 *
 * <p>{@code --protocol validation} (the default) is the protocol of issue 20, the same for every row: the last
 * {@code --validation} training digits are a labelled validation set (never the test set), the budgets are drawn
 * from the other training digits; for every encoder, mode, budget and seed each setting of a small grid (learning
 * rate x head width x head dropout) is trained with early stopping on the validation error ({@link ClassifierFit});
 * the setting with the lowest validation error is kept and only its test error is measured. A fourth row,
 * "pretrained (chosen)", takes the pretrained mode (frozen, fine-tuned, lp-ft when run) with the lower validation
 * error per seed. {@code lp-ft} fine-tunes the frozen mode's chosen classifier, its head kept, at each grid rate
 * (the start itself kept when no epoch beats it on validation: {@link ClassifierFit.Builder#keepStart}).
 * {@code --protocol fixed}: the earlier protocol, a fixed number of steps at one setting.
 */
final class SemiSupervisedCommand implements Command {
    @Override
    public String name() {
        return "semi-supervised";
    }

    @Override
    public String description() {
        return "test error of classifiers on pretrained encoders vs from scratch, for several label budgets";
    }

    @Override
    public Options options() {
        return new Options()
                .option("encoders", "", "comma-separated model.zip files written by 'train' (required)")
                .option("budgets", "100,600,1000,3000", "labelled digits per run, balanced per class").eachAtLeast(1)
                .option("seeds", "3", "seeds per budget (the labelled subset and the head differ per seed)").min(1)
                .option("modes", "frozen,fine-tuned,scratch", "which classifiers: frozen, fine-tuned, scratch; lp-ft"
                        + " (validation protocol, after frozen): fine-tunes the frozen mode's chosen classifier at"
                        + " each --grid-lr")
                .option("protocol", "validation", "validation: settings chosen and training stopped on held-out"
                        + " training digits; fixed: --steps Adam steps at --lr with the --hidden head (the earlier"
                        + " protocol)")
                .option("validation", "1000", "validation protocol: labelled digits held out of the end of the"
                        + " training set (the budgets are drawn from the rest)").min(1)
                .option("grid-lr", "0.001,0.0001", "validation protocol: Adam learning rates tried")
                .eachBetween(0, Double.POSITIVE_INFINITY, true, true)
                .option("grid-hidden", "0,100", "validation protocol: head widths tried (0: softmax on the code)")
                .eachAtLeast(0)
                .option("grid-dropout", "0,0.5", "validation protocol: head dropouts tried, each in [0, 1)")
                .eachBetween(0, 1, false, true)
                .option("code-norm", "false", "validation protocol: true puts a batch normalization between the"
                        + " code and the head, in every mode (frozen, fine-tuned and scratch alike)")
                .option("balance-scales", "pretrained", "validation protocol: pretrained rescales each ReLU or"
                        + " linear layer of the pretrained encoders (frozen, fine-tuned, lp-ft) to activations of mean"
                        + " square 1 on the first " + BALANCE_DIGITS + " training digits (no labels), the next layer"
                        + " compensating; all does the same to the scratch encoders; off: neither")
                .option("max-epochs", "50", "validation protocol: the most epochs per classifier").min(1)
                .option("patience", "5", "validation protocol: stop after this many epochs without a lower"
                        + " validation error").min(1)
                .option("steps-per-epoch", "20", "validation protocol: Adam steps between validation checks"
                        + " (0: one pass over the labelled digits, at least 10 steps)").min(0)
                .option("steps", "1000", "fixed protocol: Adam steps per classifier").min(1)
                .option("batch", "100", "minibatch size (at most the budget)").min(1)
                .option("lr", "0.001", "fixed protocol: Adam learning rate").positive()
                .option("hidden", "", "fixed protocol: widths of a dense head between code and softmax (empty:"
                        + " softmax only)").eachAtLeast(1)
                .option("data", "", "sample, mnist or fashion (default: the data of the first encoder)")
                .option("data-dir", "", "folder with the four IDX files (default: as recorded)")
                .option("out", "output/semi-supervised", "output folder")
                .option("resume", "false", "validation protocol: continue a stopped run in --out, keeping the runs"
                        + " already in its runs.csv (the same settings; other encoders, budgets or seeds may be"
                        + " added)");
    }

    @Override
    public void run(Options o) throws Exception {
        if (o.string("encoders").isEmpty()) {
            throw new IllegalArgumentException("--encoders <model.zip,...> is required (train them with 'train')");
        }
        List<SavedModel> encoders = new ArrayList<>();
        for (String f : o.string("encoders").split(",")) {
            encoders.add(SavedModel.load(Path.of(f.trim())).override(o, "data", "data-dir"));
        }
        List<String> modes = List.of(o.string("modes").split(","));
        for (String m : modes) {
            if (!List.of("frozen", "fine-tuned", "scratch", "lp-ft").contains(m)) {
                throw new IllegalArgumentException("--modes takes frozen, fine-tuned, scratch and lp-ft, got '" + m
                        + "'");
            }
        }
        if (modes.contains("lp-ft") && (!modes.contains("frozen") || modes.indexOf("frozen") > modes.indexOf("lp-ft"))) {
            throw new IllegalArgumentException("--modes: lp-ft fine-tunes the frozen mode's chosen classifier, so"
                    + " frozen must come before it, got '" + o.string("modes") + "'");
        }
        if (modes.contains("lp-ft") && o.string("protocol").equals("fixed")) {
            throw new IllegalArgumentException("--modes lp-ft needs --protocol validation (it starts from the"
                    + " frozen mode's chosen classifier), got --protocol fixed");
        }
        int[] budgets = o.integers("budgets");
        int seeds = o.integer("seeds");
        int steps = o.integer("steps");
        if (seeds <= 0 || steps <= 0 || budgets.length == 0) {
            throw new IllegalArgumentException("--seeds (" + seeds + "), --steps (" + steps
                    + ") and --budgets must be positive");
        }
        String protocol = o.string("protocol");
        if (!protocol.equals("validation") && !protocol.equals("fixed")) {
            throw new IllegalArgumentException("--protocol must be validation or fixed, got '" + protocol + "'");
        }
        String balance = o.string("balance-scales");
        if (!List.of("off", "pretrained", "all").contains(balance)) {
            throw new IllegalArgumentException("--balance-scales must be off, pretrained or all, got '" + balance
                    + "'");
        }
        if (o.isSet("balance-scales") && !balance.equals("off") && protocol.equals("fixed")) {
            throw new IllegalArgumentException("--balance-scales " + balance + " needs --protocol validation, got"
                    + " --protocol fixed");
        }
        if (protocol.equals("validation")) {
            runValidation(o, encoders, modes);
            return;
        }
        if (o.bool("resume")) {
            throw new IllegalArgumentException("--resume continues the validation protocol only; the fixed protocol"
                    + " is short enough to run again");
        }
        DataSource source = ExampleData.locate(encoders.get(0).options);
        LabelledImages train = source.load(Split.TRAIN);
        LabelledImages test = source.load(Split.TEST);
        Path out = o.path("out");
        Files.createDirectories(out);
        System.out.printf("semi-supervised  data %s  encoders %d  budgets %s  seeds %d  steps %d  out %s%n",
                source.description(), encoders.size(), o.string("budgets"), seeds, steps, out);
        Map<String, List<Double>> errors = new LinkedHashMap<>();
        try (CsvLog csv = new CsvLog(out.resolve("runs.csv"))) {
            csv.header("encoder,model,mode,labels,seed,test_error,seconds");
            for (SavedModel saved : encoders) {
                EncoderModel model = saved.command.encoderModel(saved.options, train);
                MnistIterator.Shape shape = ClassifierTraining.shapeOf(model.inputShape());
                String row = rowName(saved, encoders);
                for (int budget : budgets) {
                    for (int s = 1; s <= seeds; s++) {
                        LabelledImages labelled = budget >= train.count() ? train : train.balancedSubset(budget, s);
                        for (String mode : modes) {
                            long t0 = System.nanoTime();
                            EncoderClassifier.Builder b = mode.equals("scratch")
                                    ? EncoderClassifier.fromScratch(model)
                                    : EncoderClassifier.builder(model, saved.graph).frozen(mode.equals("frozen"));
                            ComputationGraph clf = b.hiddenSizes(o.integers("hidden"))
                                    .updater(new Adam(o.real("lr"))).seed(s).build();
                            clf = Accelerate.accelerate(clf);
                            ClassifierTraining.trainSteps(clf, labelled, shape, steps, o.integer("batch"), s);
                            double error = 1 - ClassifierTraining.accuracy(clf, test, shape);
                            double seconds = (System.nanoTime() - t0) / 1e9;
                            System.out.printf("run  %-26s %-10s labels %5d  seed %d  test_error %6.2f%%  time %6.1fs%n",
                                    saved.record.model, mode, labelled.count(), s, 100 * error, seconds);
                            csv.printf("%s,%s,%s,%d,%d,%.6f,%.2f%n", saved.file, saved.record.model, mode,
                                    labelled.count(), s, error, seconds);
                            csv.flush();
                            errors.computeIfAbsent(row + "|" + mode + "|" + labelled.count(),
                                    k -> new ArrayList<>()).add(error);
                        }
                    }
                }
            }
        }
        String summary = summary(errors, budgets, train.count());
        AtomicFiles.writeString(out.resolve("summary.md"), summary);
        System.out.print(summary);
        System.out.println("wrote " + out.resolve("runs.csv"));
        System.out.println("wrote " + out.resolve("summary.md"));
    }

    /** A run already in runs.csv: its errors and the setting chosen. */
    record Finished(double validationError, double testError, Setting setting) {
    }

    /** One setting of the grid. */
    record Setting(double lr, int hidden, double dropout) {
        @Override
        public String toString() {
            return String.format(java.util.Locale.ROOT, "lr %g  hidden %d  dropout %.2f", lr, hidden, dropout);
        }
    }

    /** The grid of {@code --grid-lr x --grid-hidden x --grid-dropout}. */
    static List<Setting> grid(Options o) {
        int[] hidden = o.integers("grid-hidden");
        if (hidden.length == 0) {
            throw new IllegalArgumentException("--grid-hidden must list at least one width (0: none), got ''");
        }
        List<Setting> g = new ArrayList<>();
        for (double lr : o.reals("grid-lr")) {
            for (int h : hidden) {
                for (double d : o.reals("grid-dropout")) {
                    g.add(new Setting(lr, h, d));
                }
            }
        }
        return g;
    }

    private void runValidation(Options o, List<SavedModel> encoders, List<String> modes) throws Exception {
        List<Setting> grid = grid(o);
        int[] budgets = o.integers("budgets");
        int seeds = o.integer("seeds");
        DataSource source = ExampleData.locate(encoders.get(0).options);
        LabelledImages train = source.load(Split.TRAIN);
        LabelledImages test = source.load(Split.TEST);
        int nVal = o.integer("validation");
        if (nVal >= train.count()) {
            throw new IllegalArgumentException("--validation must be below the " + train.count()
                    + " training digits, got " + nVal);
        }
        int cut = train.count() - nVal;
        LabelledImages pool = train.range(0, cut);
        LabelledImages validation = train.range(cut, train.count());
        Path out = o.path("out");
        Files.createDirectories(out);
        System.out.printf("semi-supervised  protocol validation  data %s  encoders %d  budgets %s  seeds %d"
                        + "  validation %d (training digits [%d, %d))  grid %d settings  max-epochs %d  patience %d"
                        + "  out %s%n", source.description(), encoders.size(), o.string("budgets"), seeds, nVal, cut,
                train.count(), grid.size(), o.integer("max-epochs"), o.integer("patience"), out);
        Map<String, List<Double>> errors = new LinkedHashMap<>();
        Map<String, String> settings = settings(o);
        Map<String, Finished> done = o.bool("resume") ? finishedRuns(out, settings) : Map.of();
        AtomicFiles.writeString(out.resolve(SETTINGS), settingsText(settings));
        try (CsvLog runs = new CsvLog(out.resolve("runs.csv"));
             CsvLog all = new CsvLog(out.resolve("grid.csv"))) {
            if (o.bool("resume")) {
                runs.resume(Files.readString(out.resolve("runs.csv")));
                all.resume(Files.exists(out.resolve("grid.csv")) ? Files.readString(out.resolve("grid.csv")) : "");
                System.out.println("resumed " + out + ": " + done.size() + " runs already in runs.csv");
            } else {
                runs.header("encoder,model,mode,labels,seed,lr,hidden,dropout,best_epoch,validation_error,"
                        + "test_error,seconds");
                all.header("encoder,model,mode,labels,seed,lr,hidden,dropout,best_epoch,epochs_run,"
                        + "validation_error");
            }
            for (SavedModel saved : encoders) {
                EncoderModel model = saved.command.encoderModel(saved.options, train);
                MnistIterator.Shape shape = ClassifierTraining.shapeOf(model.inputShape());
                INDArray unlabelled = o.string("balance-scales").equals("off") ? null
                        : MnistIterator.builder(pool.range(0, Math.min(BALANCE_DIGITS, pool.count())))
                        .batchSize(BALANCE_DIGITS).shape(shape).shuffle(false).build().next().getFeatures();
                String row = rowName(saved, encoders);
                for (int budget : budgets) {
                    for (int s = 1; s <= seeds; s++) {
                        LabelledImages labelled = budget >= pool.count() ? pool : pool.balancedSubset(budget, s);
                        double[] chosen = null; // {validation error, test error} of frozen / fine-tuned's best
                        ClassifierFit.Result frozenBest = null; // the start of lp-ft
                        Setting frozenSetting = null;
                        for (String mode : modes) {
                            Finished earlier = done.get(runKey(saved.file.toString(), mode, labelled.count(), s));
                            if (earlier != null && mode.equals("frozen") && modes.contains("lp-ft")
                                    && !done.containsKey(runKey(saved.file.toString(), "lp-ft", labelled.count(), s))) {
                                // lp-ft still to run: the frozen run's chosen setting trained again (seeded: the same)
                                frozenSetting = earlier.setting();
                                frozenBest = ClassifyCommand.fit(o, classifier(o, model, saved, "frozen",
                                        frozenSetting, s, unlabelled), labelled, validation, shape, s, null);
                            }
                            if (earlier != null) {
                                System.out.printf("run  %-26s %-10s labels %5d  seed %d  (in runs.csv)  val_error"
                                                + " %6.2f%%  test_error %6.2f%%%n", saved.record.model, mode,
                                        labelled.count(), s, 100 * earlier.validationError(), 100 * earlier.testError());
                                errors.computeIfAbsent(row + "|" + mode + "|" + labelled.count(),
                                        k -> new ArrayList<>()).add(earlier.testError());
                                if (!mode.equals("scratch") && (chosen == null || earlier.validationError() < chosen[0])) {
                                    chosen = new double[] {earlier.validationError(), earlier.testError()};
                                }
                                continue;
                            }
                            long t0 = System.nanoTime();
                            ClassifierFit.Result best = null;
                            Setting bestSetting = null;
                            List<Setting> tried = grid;
                            if (mode.equals("lp-ft")) { // the frozen choice's head, each rate of the grid
                                Setting head = frozenSetting;
                                tried = java.util.Arrays.stream(o.reals("grid-lr"))
                                        .mapToObj(lr -> new Setting(lr, head.hidden, head.dropout)).toList();
                            }
                            for (Setting setting : tried) {
                                EncoderClassifier.Builder b = classifier(o, model, saved, mode, setting, s, unlabelled);
                                ClassifierFit.Result r = ClassifyCommand.fit(o, b, labelled, validation, shape, s,
                                        null, null, mode.equals("lp-ft") ? frozenBest.classifier() : null);
                                all.printf("%s,%s,%s,%d,%d,%g,%d,%.2f,%d,%d,%.6f%n", saved.file,
                                        saved.record.model, mode, labelled.count(), s, setting.lr, setting.hidden,
                                        setting.dropout, r.bestEpoch(), r.curve().size(), r.bestValidationError());
                                all.flush();
                                if (best == null || r.bestValidationError() < best.bestValidationError()) {
                                    best = r;
                                    bestSetting = setting;
                                }
                            }
                            double error = ClassifierFit.score(best.classifier(),
                                    ClassifyCommand.iterator(test, shape)).error();
                            double seconds = (System.nanoTime() - t0) / 1e9;
                            System.out.printf("run  %-26s %-10s labels %5d  seed %d  chose %s  epoch %d"
                                            + "  val_error %6.2f%%  test_error %6.2f%%  time %6.1fs%n",
                                    saved.record.model, mode, labelled.count(), s, bestSetting, best.bestEpoch(),
                                    100 * best.bestValidationError(), 100 * error, seconds);
                            runs.printf("%s,%s,%s,%d,%d,%g,%d,%.2f,%d,%.6f,%.6f,%.2f%n", saved.file,
                                    saved.record.model, mode, labelled.count(), s, bestSetting.lr,
                                    bestSetting.hidden, bestSetting.dropout, best.bestEpoch(),
                                    best.bestValidationError(), error, seconds);
                            runs.flush();
                            errors.computeIfAbsent(row + "|" + mode + "|" + labelled.count(),
                                    k -> new ArrayList<>()).add(error);
                            if (mode.equals("frozen")) {
                                frozenBest = best;
                                frozenSetting = bestSetting;
                            }
                            if (!mode.equals("scratch")
                                    && (chosen == null || best.bestValidationError() < chosen[0])) {
                                chosen = new double[] {best.bestValidationError(), error};
                            }
                        }
                        if (modes.contains("frozen") && modes.contains("fine-tuned")) {
                            errors.computeIfAbsent(row + "|pretrained (chosen)|" + labelled.count(),
                                    k -> new ArrayList<>()).add(chosen[1]);
                        }
                    }
                }
            }
        }
        String summary = summary(errors, budgets, pool.count());
        AtomicFiles.writeString(out.resolve("summary.md"), summary);
        System.out.print(summary);
        System.out.println("wrote " + out.resolve("runs.csv"));
        System.out.println("wrote " + out.resolve("grid.csv"));
        System.out.println("wrote " + out.resolve("summary.md"));
    }

    /** Unlabelled training digits on which --balance-scales rescales the encoders. */
    static final int BALANCE_DIGITS = 1000;

    /**
     * The classifier of {@code mode} (lp-ft: fine-tuned, its start set by the caller) under one grid setting;
     * {@code unlabelled} the digits --balance-scales rescales its encoder on.
     */
    private static EncoderClassifier.Builder classifier(Options o, EncoderModel model, SavedModel saved, String mode,
                                                        Setting setting, int seed, INDArray unlabelled) {
        EncoderClassifier.Builder b = mode.equals("scratch") ? EncoderClassifier.fromScratch(model)
                : EncoderClassifier.builder(model, saved.graph).frozen(mode.equals("frozen"));
        String balance = o.string("balance-scales");
        if (balance.equals("all") || balance.equals("pretrained") && !mode.equals("scratch")) {
            b.balanceScales(unlabelled);
        }
        return b.hiddenSizes(setting.hidden == 0 ? new int[0] : new int[] {setting.hidden})
                .dropout(setting.dropout).updater(new Adam(setting.lr)).seed(seed)
                .codeNormalization(o.bool("code-norm"));
    }

    /** The file in --out that records the settings a resumed run must share. */
    static final String SETTINGS = "settings.properties";
    /** Options a resumed run may change: what to run, not how (finished runs are found by encoder, mode, budget, seed). */
    private static final java.util.Set<String> MAY_CHANGE = java.util.Set.of("encoders", "budgets", "seeds", "modes");

    /** The options that decide each run's result: the train runners' fingerprint less what to run. */
    static Map<String, String> settings(Options o) {
        return Checkpoint.fingerprint(o, MAY_CHANGE);
    }

    private static String settingsText(Map<String, String> settings) throws java.io.IOException {
        java.util.Properties p = new java.util.Properties();
        p.putAll(settings);
        java.io.StringWriter w = new java.io.StringWriter();
        p.store(w, "semi-supervised --protocol validation: the settings of this folder's runs (a --resume must give"
                + " the same)");
        return w.toString();
    }

    /**
     * The summary row's name of {@code saved}: its model's name, with its file in brackets when another of
     * {@code encoders} is a model of the same name (two contractive AEs of other settings), so that their runs are
     * not averaged into one row.
     */
    static String rowName(SavedModel saved, List<SavedModel> encoders) {
        return rowName(saved.record.model, saved.file.toString(),
                encoders.stream().map(e -> e.record.model).collect(java.util.stream.Collectors.toList()));
    }

    static String rowName(String model, String file, List<String> models) {
        return java.util.Collections.frequency(models, model) > 1 ? model + " (" + file + ")" : model;
    }

    static String runKey(String encoder, String mode, int labels, int seed) {
        return encoder + "|" + mode + "|" + labels + "|" + seed;
    }

    /**
     * The runs already in {@code out}'s runs.csv, by {@link #runKey}; a clear error
     * when there is nothing to resume or a setting differs from the one recorded.
     */
    static Map<String, Finished> finishedRuns(Path out, Map<String, String> settings) throws java.io.IOException {
        Path file = out.resolve(SETTINGS);
        if (!Files.exists(file) || !Files.exists(out.resolve("runs.csv"))) {
            throw new IllegalArgumentException("--resume: " + out + " holds no earlier run (no " + SETTINGS
                    + " or runs.csv); run without --resume");
        }
        java.util.Properties recorded = new java.util.Properties();
        try (java.io.Reader r = Files.newBufferedReader(file)) {
            recorded.load(r);
        }
        for (Map.Entry<String, String> e : settings.entrySet()) {
            String was = recorded.getProperty(e.getKey());
            if (was != null && !was.equals(e.getValue())) {
                throw new IllegalArgumentException("--resume: --" + e.getKey() + " was " + was + " in " + out
                        + ", now " + e.getValue() + "; give the same value or another --out");
            }
        }
        Map<String, Finished> done = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(out.resolve("runs.csv"));
        for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
            String[] f = line.split(",");
            if (f.length == 12) { // encoder,model,mode,labels,seed,lr,hidden,dropout,best_epoch,val,test,seconds
                done.put(runKey(f[0], f[2], Integer.parseInt(f[3]), Integer.parseInt(f[4])),
                        new Finished(Double.parseDouble(f[9]), Double.parseDouble(f[10]), new Setting(
                                Double.parseDouble(f[5]), Integer.parseInt(f[6]), Double.parseDouble(f[7]))));
            }
        }
        return done;
    }

    /** A Markdown table: one row per encoder and mode, one column per budget, mean +- sd test error in %. */
    static String summary(Map<String, List<Double>> errors, int[] budgets, int trainCount) {
        StringBuilder sb = new StringBuilder("| pretraining | classifier |");
        return table(sb, errors, budgets, trainCount);
    }

    private static String table(StringBuilder sb, Map<String, List<Double>> errors, int[] budgets, int trainCount) {
        for (int b : budgets) {
            sb.append(' ').append(Math.min(b, trainCount)).append(" labels |");
        }
        sb.append("\n|---|---|");
        for (int b : budgets) {
            sb.append("---|");
        }
        sb.append('\n');
        Map<String, Map<Integer, List<Double>>> rows = new LinkedHashMap<>();
        errors.forEach((k, v) -> {
            String[] p = k.split("\\|");
            rows.computeIfAbsent(p[0] + "|" + p[1], r -> new LinkedHashMap<>()).put(Integer.parseInt(p[2]), v);
        });
        rows.forEach((row, byBudget) -> {
            String[] p = row.split("\\|");
            sb.append("| ").append(p[0]).append(" | ").append(p[1]).append(" |");
            for (int b : budgets) {
                List<Double> v = byBudget.get(Math.min(b, trainCount));
                sb.append(' ').append(v == null ? "" : meanSd(v)).append(" |");
            }
            sb.append('\n');
        });
        return sb.toString();
    }

    /** {@code 12.34 +- 0.56} (percent; sample standard deviation), or just the mean for one value. */
    static String meanSd(List<Double> v) {
        double mean = v.stream().mapToDouble(d -> d).average().orElse(Double.NaN);
        if (v.size() < 2) {
            return String.format("%.2f", 100 * mean);
        }
        double ss = v.stream().mapToDouble(d -> (d - mean) * (d - mean)).sum();
        return String.format("%.2f ± %.2f", 100 * mean, 100 * Math.sqrt(ss / (v.size() - 1)));
    }
}
