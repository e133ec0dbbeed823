package org.unsupervisedzoo.zoo.catalog;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
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
 * </pre>
 * Its {@value #MANIFEST} lists each weight file with its SHA-256 (checked on every load), the recipe that trained it
 * (command, seed, epochs, the training data's SHA-256) and the figure it reaches, on the full test set and on the
 * bundled sample's test digits.
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
     * @param command       the command line that trained it
     * @param seed          its seed
     * @param epochs        its epochs
     * @param dataSha256    SHA-256 of the training images file it read
     * @param figure        the name of the measured figure, e.g. {@code test_bce_per_pixel}
     * @param value         the figure on the full test set
     * @param sampleValue   the figure on the bundled sample's 1,000 test digits (what the tests re-measure)
     */
    public record Entry(String model, String dataset, String file, String sha256, String command, long seed,
                        int epochs, String dataSha256, String figure, double value, double sampleValue) {
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

    /** {@code bytes} restored as a graph, after their SHA-256 is found to be the manifest's. */
    static ComputationGraph restoreVerified(Entry e, byte[] bytes) {
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
                out.add(new Entry(n.get("model").asText(), n.get("dataset").asText(), n.get("file").asText(),
                        n.get("sha256").asText(), n.get("command").asText(), n.get("seed").asLong(),
                        n.get("epochs").asInt(), n.get("dataSha256").asText(), n.get("figure").asText(),
                        n.get("value").asDouble(), n.get("sampleValue").asDouble()));
            }
            return out;
        } catch (IOException | RuntimeException ex) {
            throw new IllegalStateException(MANIFEST + " could not be parsed: " + ex.getMessage(), ex);
        }
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
