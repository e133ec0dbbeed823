package org.unsupervisedzoo.zoo.catalog;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.shade.jackson.databind.JsonNode;
import org.nd4j.shade.jackson.databind.ObjectMapper;

/**
 * Trained weights of the zoo's models, from the classpath, offline: nothing is ever downloaded. They ship in a
 * separate artifact, {@value #ARTIFACT}, so that depending on the zoo does not pull megabytes of weights; add it
 * beside the zoo to use them:
 * <pre>
 *   ComputationGraph aae = Pretrained.load("adversarial-autoencoder");          // MNIST
 *   INDArray code = aae.feedForward(x, false).get("code");
 *   ComputationGraph fashionVae = Pretrained.load("variational-autoencoder", "fashion");
 * </pre>
 * What {@code load} returns is the graph the model trains, in DL4J's classes, except for GANs: their
 * <em>generator</em> graph (inputs {@code noise} and, conditional, {@code label}; output {@code image} in [-1, 1]);
 * the discriminator is not shipped. The RBM is its training graph ({@link PretrainedFigures#rbmParams} gives
 * {@code W, b, c}; {@code RBM.encoderGraph} its features), the SOM its graph ({@link PretrainedFigures#somMaps}).
 *
 * <p>Its {@value #MANIFEST} lists each weight file with its SHA-256 (checked on every load), the recipe that trained
 * it (command, seed, epochs, the training data's SHA-256) and its figures ({@link PretrainedFigures}), on the full
 * test set and on a sample the weights module's tests measure again.
 */
public final class Pretrained {
    /** The Maven coordinates of the weights artifact. */
    public static final String ARTIFACT = "org.unsupervisedzoo:unsupervised-zoo-weights";
    /** Classpath folder of the weights and their manifest. */
    public static final String RESOURCE_DIR = "/org/unsupervisedzoo/weights/";
    /** The manifest's classpath name. */
    public static final String MANIFEST = RESOURCE_DIR + "manifest.json";

    /**
     * One weight file of the manifest.
     *
     * @param model         the catalog name
     * @param dataset       {@code mnist} or {@code fashion}
     * @param file          the zip's name in {@value #RESOURCE_DIR}
     * @param sha256        the zip's SHA-256, hex
     * @param command       the command line that trained it (several joined by {@code &&} for a resumed run)
     * @param seed          its seed
     * @param epochs        its epochs
     * @param dataSha256    SHA-256 of the training images file it read
     * @param figure        the name of the main measured figure, e.g. {@code test_bce_per_pixel}
     * @param value         the main figure on the full test set (GANs: on {@value PretrainedFigures#GAN_SAMPLES}
     *                      generated digits)
     * @param sampleValue   the main figure on the entry's sample (what the tests re-measure)
     * @param figures       every measured figure, the main one first, each with its tolerance
     *                      ({@link PretrainedFigures})
     * @param measuredOn    what {@code value} was measured on
     * @param sample        what {@code sampleValue} was measured on
     * @param logged        figures read from the training run's log, not measured again (e.g. the RBM's AIS
     *                      log-likelihood); may be empty
     * @param judgeSha256   GANs: the SHA-256 of the {@code lenet} weights that judged the samples; else empty
     */
    public record Entry(String model, String dataset, String file, String sha256, String command, long seed,
                        int epochs, String dataSha256, String figure, double value, double sampleValue,
                        List<Figure> figures, String measuredOn, String sample, Map<String, Double> logged,
                        String judgeSha256) {
        /** An entry with one figure, the reconstruction BCE per pixel's tolerance, on MNIST and the bundled sample. */
        public Entry(String model, String dataset, String file, String sha256, String command, long seed, int epochs,
                     String dataSha256, String figure, double value, double sampleValue) {
            this(model, dataset, file, sha256, command, seed, epochs, dataSha256, figure, value, sampleValue,
                    List.of(new Figure(figure, value, sampleValue, PretrainedFigures.tolerance(figure))),
                    "the MNIST test set (10,000 digits)", "the bundled MNIST sample's 1,000 test digits", Map.of(),
                    "");
        }
    }

    /**
     * One figure of an entry.
     *
     * @param name        e.g. {@code inception_score}
     * @param value       on the full test set (GANs: the larger number of generated digits)
     * @param sampleValue on the entry's sample
     * @param tolerance   how far a re-measure may differ (absolute)
     */
    public record Figure(String name, double value, double sampleValue, double tolerance) {
    }

    private Pretrained() {
    }

    /** The trained MNIST model {@code model} (a catalog name). */
    public static ComputationGraph load(String model) {
        return load(model, "mnist");
    }

    /**
     * The trained model {@code model} of data set {@code dataset}, its SHA-256 checked against the manifest.
     *
     * @throws IllegalArgumentException for a name the catalog does not have
     * @throws IllegalStateException    when the weights artifact is not on the classpath, has no such weights, or
     *                                  a file's checksum differs from the manifest's
     */
    public static ComputationGraph load(String model, String dataset) {
        Entry e = entry(model, dataset);
        byte[] bytes = read(RESOURCE_DIR + e.file());
        if (bytes == null) {
            throw new IllegalStateException("pretrained weights of '" + model + "' (" + dataset + "): the manifest"
                    + " names " + e.file() + " but " + RESOURCE_DIR + e.file() + " is not on the classpath");
        }
        return restoreVerified(e, bytes);
    }

    /**
     * {@code bytes} restored as a graph, after their SHA-256 is found to be {@code e}'s.
     *
     * @throws IllegalStateException naming the model, the file and both checksums when they differ
     */
    public static ComputationGraph restoreVerified(Entry e, byte[] bytes) {
        String model = e.model();
        String dataset = e.dataset();
        String actual = sha256(bytes);
        if (!actual.equals(e.sha256())) {
            throw new IllegalStateException("pretrained weights of '" + model + "' (" + dataset + "): " + e.file()
                    + " has SHA-256 " + actual + " but the manifest says " + e.sha256()
                    + "; the file is damaged or was replaced");
        }
        try {
            return ModelSerializer.restoreComputationGraph(new ByteArrayInputStream(bytes), false);
        } catch (IOException ex) {
            throw new IllegalStateException("pretrained weights of '" + model + "': " + e.file()
                    + " could not be read: " + ex.getMessage(), ex);
        }
    }

    /** True when the weights artifact holds weights of {@code model} on {@code dataset}. */
    public static boolean available(String model, String dataset) {
        return manifestOrNull() != null && manifestOrNull().stream()
                .anyMatch(e -> e.model().equals(model) && e.dataset().equals(dataset));
    }

    /** The manifest's entries; empty when the weights artifact is not on the classpath. */
    public static List<Entry> manifest() {
        List<Entry> m = manifestOrNull();
        return m == null ? List.of() : m;
    }

    /** The manifest entry of {@code model} on {@code dataset}, or a clear error. */
    public static Entry entry(String model, String dataset) {
        ZooCatalog.get(model); // an unknown name fails here, listing the catalog's names
        List<Entry> m = manifestOrNull();
        if (m == null) {
            throw new IllegalStateException("no pretrained weights for '" + model + "' (" + dataset + "): the artifact "
                    + ARTIFACT + " is not on the classpath; add it as a dependency (weights are never downloaded)");
        }
        return m.stream().filter(e -> e.model().equals(model) && e.dataset().equals(dataset)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no pretrained weights for '" + model + "' (" + dataset
                        + ") in " + ARTIFACT + "; it has: " + m.stream().map(e -> e.model() + " (" + e.dataset() + ")")
                        .toList()));
    }

    private static List<Entry> manifestOrNull() {
        byte[] bytes = read(MANIFEST);
        if (bytes == null) {
            return null;
        }
        try {
            JsonNode root = new ObjectMapper().readTree(bytes);
            List<Entry> out = new ArrayList<>();
            for (JsonNode n : root.get("weights")) {
                out.add(parse(n));
            }
            return out;
        } catch (IOException | RuntimeException ex) {
            throw new IllegalStateException(MANIFEST + " could not be parsed: " + ex.getMessage(), ex);
        }
    }

    /** One entry of a manifest's {@code weights} array (older entries: one figure, MNIST and the bundled sample). */
    public static Entry parse(JsonNode n) {
        Entry plain = new Entry(n.get("model").asText(), n.get("dataset").asText(), n.get("file").asText(),
                n.get("sha256").asText(), n.get("command").asText(), n.get("seed").asLong(),
                n.get("epochs").asInt(), n.get("dataSha256").asText(), n.get("figure").asText(),
                n.get("value").asDouble(), n.get("sampleValue").asDouble());
        if (!n.has("figures")) {
            return plain;
        }
        List<Figure> figures = new ArrayList<>();
        for (JsonNode f : n.get("figures")) {
            figures.add(new Figure(f.get("name").asText(), f.get("value").asDouble(), f.get("sampleValue").asDouble(),
                    f.get("tolerance").asDouble()));
        }
        Map<String, Double> logged = new LinkedHashMap<>();
        if (n.has("logged")) {
            n.get("logged").fields().forEachRemaining(f -> logged.put(f.getKey(), f.getValue().asDouble()));
        }
        return new Entry(plain.model(), plain.dataset(), plain.file(), plain.sha256(), plain.command(), plain.seed(),
                plain.epochs(), plain.dataSha256(), plain.figure(), plain.value(), plain.sampleValue(),
                List.copyOf(figures), text(n, "measuredOn", plain.measuredOn()), text(n, "sample", plain.sample()),
                java.util.Collections.unmodifiableMap(logged), text(n, "judgeSha256", ""));
    }

    private static String text(JsonNode n, String field, String otherwise) {
        return n.has(field) ? n.get(field).asText() : otherwise;
    }

    private static byte[] read(String resource) {
        try (InputStream in = Pretrained.class.getResourceAsStream(resource)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException ex) {
            throw new IllegalStateException("cannot read " + resource + ": " + ex.getMessage(), ex);
        }
    }

    /** SHA-256 of {@code bytes}, lowercase hex. */
    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }
}
