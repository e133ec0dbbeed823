package org.unsupervisedzoo.examples;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.shade.jackson.databind.ObjectMapper;
import org.nd4j.shade.jackson.databind.node.ArrayNode;
import org.nd4j.shade.jackson.databind.node.ObjectNode;
import org.unsupervisedzoo.datasets.BundledSample;
import org.unsupervisedzoo.datasets.DataSource;
import org.unsupervisedzoo.datasets.LabelledImages;
import org.unsupervisedzoo.datasets.MnistIterator;
import org.unsupervisedzoo.datasets.Split;
import org.unsupervisedzoo.zoo.autoencoder.ReconstructionLoss;
import org.unsupervisedzoo.zoo.autoencoder.ReconstructionMetrics;
import org.unsupervisedzoo.zoo.catalog.Pretrained;
import org.unsupervisedzoo.zoo.catalog.ZooCatalog;
import org.unsupervisedzoo.zoo.core.AtomicFiles;
import org.unsupervisedzoo.zoo.core.GraphIO;
import org.unsupervisedzoo.zoo.fast.Accelerate;

/**
 * {@code weights-add}: puts a model trained by {@code train} into the weights module ({@value Pretrained#ARTIFACT}):
 * the graph in DL4J's classes without its updater state, and a manifest entry with its SHA-256, the recipe (the
 * recorded command line, seed, epochs, the training images' SHA-256) and its figure, the reconstruction BCE per pixel,
 * measured on the full test set of {@code --data} and on the bundled sample's test digits (which the weights
 * module's tests measure again).
 */
final class WeightsCommand implements Command {
    /** The weights module's resource folder in the source tree. */
    static final String SOURCE_DIR = "zoo/weights/src/main/resources/org/unsupervisedzoo/weights";
    /** The figure every autoencoder-like model's weights carry. */
    static final String FIGURE = "test_bce_per_pixel";

    @Override
    public String name() {
        return "weights-add";
    }

    @Override
    public String description() {
        return "add a trained model.zip to the weights module, with its checksum, recipe and figure";
    }

    @Override
    public Options options() {
        return ExampleData.declare(new Options())
                .option("model", "", "a model.zip written by 'train'")
                .option("dir", SOURCE_DIR, "the weights folder holding manifest.json");
    }

    @Override
    public void run(Options o) throws Exception {
        if (o.string("model").isEmpty()) {
            throw new IllegalArgumentException("--model <model.zip> is required");
        }
        SavedModel saved = SavedModel.load(o.path("model"));
        String name = saved.record.model;
        ZooCatalog.get(name);
        DataSource source = ExampleData.locate(o);
        String dataset = o.string("data");
        ComputationGraph graph = Accelerate.toStock(saved.graph);
        List<GraphIO> inputs = ZooCatalog.get(name).inputs(ZooCatalog.get(name).configurations().keySet()
                .iterator().next());
        double full = bcePerPixel(graph, inputs, source.load(Split.TEST));
        double sample = bcePerPixel(graph, inputs, new BundledSample().load(Split.TEST));

        Path dir = o.path("dir");
        Files.createDirectories(dir);
        String file = name + "-" + dataset + ".zip";
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ModelSerializer.writeModel(graph, bytes, false);
        AtomicFiles.write(dir.resolve(file), tmp -> Files.write(tmp, bytes.toByteArray()));

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
        // the recipe: the recorded command line without the machine's own paths (output folder, data folder)
        List<String> args = new ArrayList<>();
        for (int i = 0; i < saved.record.args.size(); i++) {
            String a = saved.record.args.get(i);
            if (a.equals("--out") || a.equals("--data-dir")) {
                i++;
            } else if (!a.startsWith("--out=") && !a.startsWith("--data-dir=")) {
                args.add(a);
            }
        }
        e.put("command", "java -Xmn16m -jar examples/target/unsupervised-zoo-examples.jar train "
                + saved.record.command + " " + String.join(" ", args));
        e.put("seed", saved.options.integer("seed"));
        e.put("epochs", saved.options.integer("epochs"));
        e.put("dataSha256", imagesSha256(source.load(Split.TRAIN)));
        e.put("figure", FIGURE);
        e.put("value", round(full));
        e.put("sampleValue", round(sample));
        AtomicFiles.writeString(manifest, mapper.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n");
        System.out.printf(Locale.ROOT, "wrote %s (%d bytes)  %s %.6f on %s's test set, %.6f on the sample's%n",
                dir.resolve(file), bytes.size(), FIGURE, full, dataset, sample);
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
        return ReconstructionMetrics.perElement(ReconstructionLoss.BCE, x, reconstruct(graph, inputs, x));
    }

    /**
     * The graph's first output for the digits {@code x} {@code [n, pixels]}, flat: the data input gets {@code x} in
     * the catalog's shape (e.g. {@code [n, 1, 28, 28]}), any other input zeros (a VAE's {@code eps}: the mean code).
     */
    static INDArray reconstruct(ComputationGraph graph, List<GraphIO> inputs, INDArray x) {
        long n = x.size(0);
        INDArray[] in = new INDArray[inputs.size()];
        for (int i = 0; i < in.length; i++) {
            long[] shape = inputs.get(i).shape();
            long[] full = new long[shape.length + 1];
            full[0] = n;
            System.arraycopy(shape, 0, full, 1, shape.length);
            in[i] = i == 0 ? x.reshape(full) : Nd4j.zeros(x.dataType(), full);
        }
        return graph.output(false, in)[0].reshape(n, x.size(1));
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
