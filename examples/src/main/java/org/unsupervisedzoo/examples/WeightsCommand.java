package org.unsupervisedzoo.examples;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.jackson.databind.JsonNode;
import org.nd4j.shade.jackson.databind.ObjectMapper;
import org.nd4j.shade.jackson.databind.node.ArrayNode;
import org.nd4j.shade.jackson.databind.node.ObjectNode;
import org.nd4j.linalg.dataset.DataSet;
import org.unsupervisedzoo.datasets.BundledSample;
import org.unsupervisedzoo.datasets.DataLocator;
import org.unsupervisedzoo.datasets.DataSource;
import org.unsupervisedzoo.datasets.ImageDataset;
import org.unsupervisedzoo.datasets.LabelledImages;
import org.unsupervisedzoo.datasets.MnistIterator;
import org.unsupervisedzoo.datasets.Split;
import org.unsupervisedzoo.zoo.autoencoder.ReconstructionLoss;
import org.unsupervisedzoo.zoo.autoencoder.ReconstructionMetrics;
import org.unsupervisedzoo.zoo.catalog.Pretrained;
import org.unsupervisedzoo.zoo.catalog.PretrainedFigures;
import org.unsupervisedzoo.zoo.catalog.ZooCatalog;
import org.unsupervisedzoo.zoo.core.AtomicFiles;
import org.unsupervisedzoo.zoo.core.GraphIO;
import org.unsupervisedzoo.zoo.fast.Accelerate;

/**
 * {@code weights-add}: puts a model trained by {@code train} into the weights module ({@value Pretrained#ARTIFACT}):
 * the graph in DL4J's classes without its updater state (a GAN: its {@code generator.zip}), and a manifest entry with
 * its SHA-256, the recipe (the recorded command line, seed, epochs, the training images' SHA-256) and its figures
 * ({@link PretrainedFigures}: reconstruction BCE, RBM reconstruction MSE, SOM quantization error and classifier
 * accuracy, GAN Inception score and class accuracy judged by the module's {@code lenet}, LeNet test accuracy),
 * measured on the full test set of {@code --data} and on the entry's sample (which the weights module's tests
 * measure again). A model saved without a run record ({@code lenet.zip}), or a run resumed from a checkpoint,
 * needs {@code --recipe} (and {@code --name}); {@code --log} adds figures the training run printed (the RBM's AIS
 * log-likelihood, a GAN's final IS and FID) as logged, not measured again.
 */
final class WeightsCommand implements Command {
    /** The weights module's resource folder in the source tree. */
    static final String SOURCE_DIR = "zoo/weights/src/main/resources/org/unsupervisedzoo/weights";
    /** The figure every autoencoder-like model's weights carry. */
    static final String FIGURE = "test_bce_per_pixel";
    /** The jar a recipe runs. */
    static final String JAR = "java -Xmn16m -jar examples/target/unsupervised-zoo-examples.jar ";
    /** Options whose value is a path on the training machine: dropped from the recorded recipe. */
    private static final Set<String> MACHINE_PATHS = Set.of("out", "data-dir");

    @Override
    public String name() {
        return "weights-add";
    }

    @Override
    public String description() {
        return "add a trained model.zip to the weights module, with its checksum, recipe and figures";
    }

    @Override
    public Options options() {
        return ExampleData.declare(new Options())
                .option("model", "", "a model.zip (a GAN: generator.zip) written by 'train'")
                .option("name", "", "the catalog name, for a zip without a run record (lenet.zip)")
                .option("recipe", "", "the training command(s), 'train ...' (several joined by ' && '), for a zip"
                        + " without a run record or a run resumed from a checkpoint")
                .option("log", "", "the training run's output, to record the figures it printed (optional)")
                .option("dir", SOURCE_DIR, "the weights folder holding manifest.json");
    }

    @Override
    public void run(Options o) throws Exception {
        if (o.string("model").isEmpty()) {
            throw new IllegalArgumentException("--model <model.zip> is required");
        }
        Path zip = o.path("model");
        String name;
        String recipe;
        ComputationGraph trained;
        if (!o.string("name").isEmpty()) {
            name = o.string("name");
            if (o.string("recipe").isEmpty()) {
                throw new CliException("--name " + name + " needs --recipe 'train ...': the command that trained "
                        + zip);
            }
            trained = restore(zip);
            recipe = o.string("recipe");
        } else {
            RunRecord record = Models.upgrade(RunRecord.read(zip)); // old names (train dcgan) as today's
            name = record.model;
            trained = restore(zip);
            recipe = o.string("recipe").isEmpty() ? recorded(zip, record) : o.string("recipe");
        }
        ZooCatalog.get(name);
        Options last = recipeOptions(recipe);
        PretrainedFigures.Kind kind = PretrainedFigures.kind(name);
        ComputationGraph graph = Accelerate.toStock(trained);
        if (kind == PretrainedFigures.Kind.GAN && graph.getConfiguration().getNetworkInputs().contains("image")) {
            throw new CliException(zip + " is not a generator; a GAN's weights are its generator.zip");
        }

        String dataset = o.string("data");
        if (!last.string("data").equals(dataset)) {
            throw new CliException("the recipe trained on --data " + last.string("data") + ", not on --data "
                    + dataset + ": give weights-add the same --data");
        }
        Path dir = o.path("dir");
        ComputationGraph judge = null;
        String judgeSha = "";
        if (kind == PretrainedFigures.Kind.GAN) {
            List<Pretrained.Entry> judges = readManifest(dir).stream()
                    .filter(e -> e.model().equals(PretrainedFigures.JUDGE)).toList();
            // the MNIST judge (the bundled sample's, for a GAN trained on the sample)
            Pretrained.Entry j = judges.stream().filter(e -> e.dataset().equals("mnist")).findFirst()
                    .or(() -> judges.stream().filter(e -> e.dataset().equals(dataset)).findFirst())
                    .orElseThrow(() -> new CliException("a GAN's figures are judged by the pretrained "
                            + PretrainedFigures.JUDGE + ": add it to " + dir + " first (weights-add --name lenet)"));
            judge = Pretrained.restoreVerified(j, Files.readAllBytes(dir.resolve(j.file())));
            judgeSha = j.sha256();
        }
        DataSource source = ExampleData.locate(o);
        PretrainedFigures.Data fullData = fullData(source, judge);
        PretrainedFigures.Data sampleData = sampleData(dataset, judge);
        List<PretrainedFigures.Figure> full = PretrainedFigures.measure(name, graph, fullData);
        List<PretrainedFigures.Figure> sample = PretrainedFigures.measure(name, graph, sampleData);
        String measuredOn = kind == PretrainedFigures.Kind.GAN
                ? PretrainedFigures.generatedDescription(fullData.generated()) : fullData.description();
        String sampleOn = kind == PretrainedFigures.Kind.GAN
                ? PretrainedFigures.generatedDescription(sampleData.generated()) : sampleData.description();

        Files.createDirectories(dir);
        String file = name + "-" + dataset + ".zip";
        ByteArrayOutputStream saved = new ByteArrayOutputStream();
        ModelSerializer.writeModel(graph, saved, false);
        ByteArrayOutputStream bytes = reproducible(saved.toByteArray());

        ObjectMapper mapper = new ObjectMapper();
        Path manifest = dir.resolve("manifest.json");
        ObjectNode root = Files.exists(manifest) ? (ObjectNode) mapper.readTree(manifest.toFile())
                : mapper.createObjectNode();
        ArrayNode weights = root.has("weights") ? (ArrayNode) root.get("weights") : root.putArray("weights");
        for (int i = weights.size() - 1; i >= 0; i--) {
            if (weights.get(i).get("model").asText().equals(name) && weights.get(i).get("dataset").asText()
                    .equals(dataset)) {
                weights.remove(i);
            }
        }
        ObjectNode e = weights.addObject();
        e.put("model", name);
        e.put("dataset", dataset);
        e.put("file", file);
        e.put("sha256", Pretrained.sha256(bytes.toByteArray()));
        e.put("command", Arrays.stream(recipe.split(" && ")).map(c -> JAR + c.strip())
                .collect(Collectors.joining(" && ")));
        e.put("seed", last.integer("seed"));
        e.put("epochs", last.integer("epochs"));
        e.put("dataSha256", imagesSha256(source.load(Split.TRAIN)));
        e.put("figure", full.get(0).name());
        e.put("value", round(full.get(0).value()));
        e.put("sampleValue", round(sample.get(0).value()));
        ArrayNode figures = e.putArray("figures");
        for (int i = 0; i < full.size(); i++) {
            ObjectNode f = figures.addObject();
            f.put("name", full.get(i).name());
            f.put("value", round(full.get(i).value()));
            f.put("sampleValue", round(sample.get(i).value()));
            f.put("tolerance", full.get(i).tolerance());
        }
        e.put("measuredOn", measuredOn);
        e.put("sample", sampleOn);
        if (!judgeSha.isEmpty()) {
            e.put("judgeSha256", judgeSha);
        }
        Map<String, Double> logged = o.path("log") == null ? Map.of() : logged(kind, Files.readString(o.path("log")));
        if (!logged.isEmpty()) {
            ObjectNode l = e.putObject("logged");
            logged.forEach(l::put);
        }
        // the zip first: a manifest never names a file that is not there
        AtomicFiles.write(dir.resolve(file), tmp -> Files.write(tmp, bytes.toByteArray()));
        AtomicFiles.writeString(manifest, mapper.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n");
        System.out.printf(Locale.ROOT, "wrote %s (%d bytes)%n", dir.resolve(file), bytes.size());
        for (int i = 0; i < full.size(); i++) {
            System.out.printf(Locale.ROOT, "  %-24s %.6f on %s, %.6f on %s%n", full.get(i).name(),
                    full.get(i).value(), measuredOn, sample.get(i).value(), sampleOn);
        }
        logged.forEach((k, v) -> System.out.printf(Locale.ROOT, "  %-24s %s (from the log)%n", k, v));
    }

    /** The full test set of {@code source} (SOM: its training set too), the GAN figures' full number of digits. */
    static PretrainedFigures.Data fullData(DataSource source, ComputationGraph judge) {
        PretrainedFigures.Digits test = digits(source.load(Split.TEST), 0);
        String name = source.dataset() == ImageDataset.FASHION_MNIST ? "Fashion-MNIST" : "MNIST";
        return new PretrainedFigures.Data(() -> digits(source.load(Split.TRAIN), 0), test,
                PretrainedFigures.GAN_SAMPLES, judge, String.format(Locale.ROOT, "the %s test set (%,d digits)",
                        name, test.count()));
    }

    /**
     * The sample of an entry of {@code dataset} ({@link PretrainedFigures}): MNIST (and {@code sample}), the bundled
     * sample; Fashion-MNIST, the first digits of the local Fashion files.
     */
    static PretrainedFigures.Data sampleData(String dataset, ComputationGraph judge) {
        if (dataset.equals("fashion")) {
            DataSource f = new DataLocator().locate(ImageDataset.FASHION_MNIST);
            return new PretrainedFigures.Data(() -> digits(f.load(Split.TRAIN), PretrainedFigures.FASHION_SAMPLE_TRAIN),
                    digits(f.load(Split.TEST), PretrainedFigures.FASHION_SAMPLE_DIGITS),
                    PretrainedFigures.GAN_SAMPLE_SAMPLES, judge, "the first " + PretrainedFigures.FASHION_SAMPLE_DIGITS
                    + " Fashion-MNIST test digits");
        }
        BundledSample s = new BundledSample();
        return new PretrainedFigures.Data(() -> digits(s.load(Split.TRAIN), 0), digits(s.load(Split.TEST), 0),
                PretrainedFigures.GAN_SAMPLE_SAMPLES, judge, "the bundled MNIST sample's 1,000 test digits");
    }

    /** The first {@code n} digits of {@code images} (0: all), in file order, grey levels. */
    static PretrainedFigures.Digits digits(LabelledImages images, int n) {
        DataSet d = MnistIterator.builder(images).batchSize(images.count()).shuffle(false).subset(n).build().next();
        return new PretrainedFigures.Digits(d.getFeatures(), d.getLabels().argMax(1).toIntVector());
    }

    /** The time stamp of every entry of a weight file: the same graph gives the same bytes and checksum. */
    private static final long ENTRY_TIME = 315_532_800_000L; // 1980-01-01, the zip format's epoch

    /** {@code zip} with its entries in the same order and every time stamp set to {@link #ENTRY_TIME}. */
    static ByteArrayOutputStream reproducible(byte[] zip) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip));
             ZipOutputStream z = new ZipOutputStream(out)) {
            for (ZipEntry entry; (entry = in.getNextEntry()) != null; ) {
                ZipEntry e = new ZipEntry(entry.getName());
                e.setTime(ENTRY_TIME);
                z.putNextEntry(e);
                z.write(in.readAllBytes());
                z.closeEntry();
            }
        }
        return out;
    }

    /** Package names of the speed layer before it moved to {@code fast} (2026-12-05), in files saved before. */
    private static final String[][] LEGACY_PACKAGES = {
        {"org.unsupervisedzoo.zoo.layers.", "org.unsupervisedzoo.zoo.fast."},
        {"org.unsupervisedzoo.zoo.train.", "org.unsupervisedzoo.zoo.fast."}};

    /**
     * The graph in {@code zip}; a file saved before the speed layer's classes moved to {@code fast} (the same classes,
     * fields and parameters) is read with their names updated in its configuration.
     */
    static ComputationGraph restore(Path zip) throws IOException {
        if (!Files.isRegularFile(zip)) {
            throw new CliException("model file " + zip + " does not exist");
        }
        ByteArrayOutputStream renamed = new ByteArrayOutputStream();
        boolean legacy = false;
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip));
             ZipOutputStream out = new ZipOutputStream(renamed)) {
            for (ZipEntry entry; (entry = in.getNextEntry()) != null; ) {
                byte[] bytes = in.readAllBytes();
                if (entry.getName().equals("configuration.json")) {
                    String json = new String(bytes, StandardCharsets.UTF_8);
                    for (String[] p : LEGACY_PACKAGES) {
                        legacy |= json.contains(p[0]);
                        json = json.replace(p[0], p[1]);
                    }
                    bytes = json.getBytes(StandardCharsets.UTF_8);
                }
                out.putNextEntry(new ZipEntry(entry.getName()));
                out.write(bytes);
                out.closeEntry();
            }
        }
        if (!legacy) {
            return RunRecord.restoreGraph(zip);
        }
        System.out.println(zip + " names the speed layer's classes by their packages before 'fast': read with the"
                + " names updated");
        try {
            return ModelSerializer.restoreComputationGraph(new ByteArrayInputStream(renamed.toByteArray()), false);
        } catch (Exception e) {
            throw new CliException(zip + " does not hold a ComputationGraph: " + e.getMessage(), e);
        }
    }

    /**
     * The recorded command line without the machine's own paths (output folder, data folder); a run resumed from a
     * checkpoint or started from a saved model is only a part of its recipe, so it needs {@code --recipe}.
     */
    static String recorded(Path zip, RunRecord run) {
        RunRecord record = Models.upgrade(run); // a record of an older release names its command as today
        List<String> args = new ArrayList<>();
        for (int i = 0; i < record.args.size(); i++) {
            String a = record.args.get(i);
            String key = a.startsWith("--") ? a.substring(2).split("=", 2)[0] : "";
            if ((key.equals("resume") || key.equals("load")) && !(i + 1 < record.args.size()
                    && record.args.get(i + 1).isEmpty())) {
                throw new CliException(zip + " continued an earlier run (--" + key + "); give the whole recipe with"
                        + " --recipe 'train ... && train ... --" + key + " ...'");
            }
            if (MACHINE_PATHS.contains(key)) {
                if (!a.contains("=")) {
                    i++;
                }
            } else if (key.equals("classifier") && !a.contains("=") && i + 1 < record.args.size()) {
                args.add(a); // the GAN's judge: only its file name (it judges, it does not train)
                args.add(Path.of(record.args.get(++i)).getFileName().toString());
            } else {
                args.add(a);
            }
        }
        return "train " + record.command + " " + String.join(" ", args);
    }

    /** The options of a recipe's last {@code train} command (its seed and epochs are the entry's). */
    static Options recipeOptions(String recipe) {
        String[] parts = recipe.split(" && ");
        String lastPart = parts[parts.length - 1].strip();
        if (recipe.contains("/tmp/") || recipe.contains("/work/") || recipe.contains("/root/")
                || recipe.contains("/home/")) {
            throw new CliException("--recipe names a path of this machine; use paths relative to the repository");
        }
        List<String> words = new ArrayList<>(Arrays.asList(lastPart.split("\\s+")));
        if (words.size() < 2 || !words.get(0).equals("train")) {
            throw new CliException("--recipe must be 'train <command> [options]', got '" + lastPart + "'");
        }
        ModelCommand c = Main.trainCommands().get(words.get(1));
        if (c == null) {
            throw new CliException("--recipe: no train command '" + words.get(1) + "'; train commands: "
                    + Main.trainCommands().keySet());
        }
        Options o = c.options();
        try {
            o.parse(words.subList(2, words.size()).toArray(new String[0]));
        } catch (IllegalArgumentException ex) {
            throw new CliException("--recipe: " + ex.getMessage());
        }
        return o;
    }

    /** Figures the training run printed, by kind of model (not measured again). */
    static Map<String, Double> logged(PretrainedFigures.Kind kind, String log) {
        Map<String, Double> out = new LinkedHashMap<>();
        switch (kind) {
            case RBM:
                last(log, "test_loglik (-?[0-9.]+) nats", "ais_test_loglik_nats", out);
                last(log, "softmax on hidden_probabilities test_accuracy ([0-9.]+)",
                        "softmax_on_features_test_accuracy", out);
                break;
            case GAN:
                last(log, "final epoch \\d+\\s+samples (\\d+)", "final_samples", out);
                last(log, "final epoch .*?IS ([0-9.]+)", "final_inception_score", out);
                last(log, "final epoch .*?FID ([0-9.]+)", "final_fid", out);
                last(log, "final epoch .*?class_acc ([0-9.]+)", "final_class_accuracy", out);
                last(log, "final epoch .*?min_share ([0-9.]+)", "final_min_share", out);
                last(log, "real_test_IS ([0-9.]+)", "judge_real_test_inception_score", out);
                break;
            case CLASSIFIER:
                last(log, "classifier test_accuracy ([0-9.]+)", "test_accuracy", out);
                last(log, "real_test_IS ([0-9.]+)", "real_test_inception_score", out);
                break;
            default:
                break;
        }
        return out;
    }

    private static void last(String log, String regex, String key, Map<String, Double> out) {
        Matcher m = Pattern.compile(regex).matcher(log);
        String v = null;
        while (m.find()) {
            v = m.group(1);
        }
        if (v != null) {
            out.put(key, Double.parseDouble(v));
        }
    }

    private static List<Pretrained.Entry> readManifest(Path dir) throws Exception {
        Path manifest = dir.resolve("manifest.json");
        List<Pretrained.Entry> out = new ArrayList<>();
        if (Files.exists(manifest)) {
            JsonNode root = new ObjectMapper().readTree(manifest.toFile());
            for (JsonNode n : root.get("weights")) {
                out.add(Pretrained.parse(n));
            }
        }
        return out;
    }

    private static double round(double v) {
        return Math.round(v * 1e6) / 1e6;
    }

    /**
     * The reconstruction BCE per pixel of the graph's first output on every test digit, in inference mode; inputs
     * other than the data (a VAE's {@code eps}) are fed zeros, the catalog's inference value for the mean code.
     */
    static double bcePerPixel(ComputationGraph graph, List<GraphIO> inputs, LabelledImages test) {
        INDArray x = MnistIterator.builder(test).batchSize(test.count()).shuffle(false).build().next().getFeatures();
        return ReconstructionMetrics.perElement(ReconstructionLoss.BCE, x,
                PretrainedFigures.reconstruct(graph, inputs, x));
    }

    /** SHA-256 of the images' pixels, row by row, as read. */
    static String imagesSha256(LabelledImages images) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        ByteBuffer row = ByteBuffer.allocate(images.pixelCount());
        for (int i = 0; i < images.count(); i++) {
            row.clear();
            for (int p = 0; p < images.pixelCount(); p++) {
                row.put((byte) images.pixel(i, p));
            }
            md.update(row.array());
        }
        return java.util.HexFormat.of().formatHex(md.digest());
    }
}
