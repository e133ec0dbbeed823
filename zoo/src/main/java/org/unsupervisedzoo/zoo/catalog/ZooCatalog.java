package org.unsupervisedzoo.zoo.catalog;

import org.unsupervisedzoo.zoo.core.AtomicFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.unsupervisedzoo.zoo.core.GraphIO;
import org.unsupervisedzoo.zoo.aae.AdversarialAutoencoder;
import org.unsupervisedzoo.zoo.m2.SemiSupervisedVAE;
import org.unsupervisedzoo.zoo.contractive.ContractiveAutoencoder;
import org.unsupervisedzoo.zoo.convolutional.ConvolutionalAutoencoder;
import org.unsupervisedzoo.zoo.denoising.DenoisingAutoencoder;
import org.unsupervisedzoo.zoo.sparse.SparseAutoencoder;
import org.unsupervisedzoo.zoo.autoencoder.UndercompleteAutoencoder;
import org.unsupervisedzoo.zoo.vae.VAE;
import org.unsupervisedzoo.zoo.classifier.LeNet;
import org.unsupervisedzoo.zoo.gan.Dcgan;
import org.unsupervisedzoo.zoo.gan.GanFactory;
import org.unsupervisedzoo.zoo.gan.MlpGan;
import org.unsupervisedzoo.zoo.rbm.RBM;
import org.unsupervisedzoo.zoo.som.SOM;

/**
 * Every zoo model by name, with its default configuration as DL4J JSON shipped in the jar under
 * {@value #RESOURCE_DIR}. Load one without building anything:
 *
 * <pre>{@code
 * ComputationGraphConfiguration conf = ZooCatalog.configuration("variational-autoencoder");
 * // or, by hand: ComputationGraphConfiguration.fromJson(<the resource's text>)
 * ComputationGraph net = new ComputationGraph(conf);
 * net.init();
 * }</pre>
 *
 * The JSON files are generated from the factories' defaults ({@link #write(Path)}, run by the command line's
 * {@code export --all}); a test fails when a committed file no longer matches its factory.
 */
public final class ZooCatalog {
    /** Classpath folder of the JSON configurations. */
    public static final String RESOURCE_DIR = "/org/unsupervisedzoo/zoo/catalog/";
    /** The same folder in the source tree, relative to the repository root. */
    public static final String SOURCE_DIR = "zoo/src/main/resources/org/unsupervisedzoo/zoo/catalog";

    private static final List<CatalogEntry> ENTRIES = List.of(
            CatalogEntry.of("autoencoder", "deep undercomplete autoencoder, 784-128-64-32-64-128-784",
                    "G. E. Hinton, R. R. Salakhutdinov, Reducing the dimensionality of data with neural networks, "
                            + "Science 2006",
                    () -> UndercompleteAutoencoder.builder().build()),
            CatalogEntry.of("autoencoder", "denoising autoencoder (input corruption during training only)",
                    "P. Vincent et al., Stacked denoising autoencoders, JMLR 2010",
                    () -> DenoisingAutoencoder.builder().build()),
            CatalogEntry.of("autoencoder", "sparse overcomplete autoencoder, KL sparsity penalty on the code",
                    "A. Ng, Sparse autoencoder, CS294A lecture notes, 2011",
                    () -> SparseAutoencoder.builder().build()),
            CatalogEntry.of("autoencoder", "contractive autoencoder, Frobenius norm of the encoder's Jacobian",
                    "S. Rifai et al., Contractive auto-encoders, ICML 2011",
                    () -> ContractiveAutoencoder.builder().build()),
            CatalogEntry.of("autoencoder", "convolutional autoencoder, strided convolutions and transposed decoder",
                    "J. Masci et al., Stacked convolutional auto-encoders, ICANN 2011",
                    () -> ConvolutionalAutoencoder.builder().build()),
            CatalogEntry.of("autoencoder", "variational autoencoder 784-400-20, Bernoulli likelihood",
                    "D. P. Kingma, M. Welling, Auto-encoding variational Bayes, ICLR 2014",
                    () -> VAE.builder().build()),
            CatalogEntry.of("energy-based", "restricted Boltzmann machine, 784 Bernoulli visible and 256 hidden units,"
                            + " PCD-1 (scikit-learn's BernoulliRBM defaults)",
                    "G. E. Hinton, Training products of experts by minimizing contrastive divergence, Neural"
                            + " Computation 2002; T. Tieleman, ICML 2008", () -> RBM.builder().build()),
            CatalogEntry.of("self-organizing", "self-organizing map, 20x20 prototypes of 784 pixels, Gaussian"
                            + " neighbourhood, decaying learning rate and radius",
                    "T. Kohonen, Self-organized formation of topologically correct feature maps, Biological"
                            + " Cybernetics 1982",
                    () -> SOM.builder().build()),
            gan("adversarial", "MLP GAN, G 100-256-512-784, D 784-512-256-1, LeakyReLU",
                    "I. Goodfellow et al., Generative adversarial nets, NeurIPS 2014", () -> MlpGan.builder().build()),
            gan("adversarial", "conditional MLP GAN: the class label fed to G and D",
                    "M. Mirza, S. Osindero, Conditional generative adversarial nets, arXiv:1411.1784, 2014",
                    () -> MlpGan.builder().conditional(10).build()),
            gan("adversarial", "DCGAN for 1x28x28: dense + transposed-conv generator with batch norm, strided-conv"
                            + " discriminator",
                    "A. Radford, L. Metz, S. Chintala, Unsupervised representation learning with deep convolutional"
                            + " generative adversarial networks, ICLR 2016", () -> Dcgan.builder().build()),
            gan("adversarial", "conditional DCGAN: the class label fed to G and D",
                    "M. Mirza, S. Osindero, Conditional generative adversarial nets, arXiv:1411.1784, 2014",
                    () -> Dcgan.builder().conditional(10).build()),
            aae(),
            CatalogEntry.of("semi-supervised", "M2 semi-supervised VAE: classifier q(y|x) 784-500-10, encoder q(z|x,y)"
                            + " 794-500-50, decoder p(x|y,z) 60-500-784, softplus; each unlabelled digit summed over its"
                            + " 10 classes", "D. P. Kingma, D. J. Rezende, S. Mohamed, M. Welling, Semi-supervised"
                            + " learning with deep generative models, NIPS 2014",
                    () -> SemiSupervisedVAE.builder().build()),
            CatalogEntry.of("classifier", "LeNet-style MNIST classifier, the judge of the GAN sample measures",
                    "Y. LeCun et al., Gradient-based learning applied to document recognition, Proc. IEEE 1998",
                    () -> LeNet.builder().build()));

    /** The adversarial autoencoder: the autoencoder, the generator phase's graph, the code discriminator, the decoder. */
    private static CatalogEntry aae() {
        java.util.function.Supplier<AdversarialAutoencoder> defaults = () -> AdversarialAutoencoder.builder().build();
        return CatalogEntry.ofParts(defaults.get().name(), "adversarial", "adversarial autoencoder 784-512-256-8,"
                + " codes matched to a Gaussian prior by a discriminator 8-256-256-1 (three phases per minibatch)",
                "A. Makhzani et al., Adversarial autoencoders, arXiv:1511.05644, 2015", defaults, () -> {
                    AdversarialAutoencoder a = defaults.get();
                    Map<String, ComputationGraphConfiguration> parts = new java.util.LinkedHashMap<>();
                    parts.put("autoencoder", a.conf());
                    parts.put("generator", a.generatorConf());
                    parts.put("discriminator", a.discriminatorConf());
                    parts.put("decoder", a.decoderConf());
                    return parts;
                }, (part, inputs) -> {
                    AdversarialAutoencoder a = defaults.get();
                    switch (part) {
                        case "discriminator":
                            return inputs ? a.discriminatorInputs() : GraphIO.outputs(a.discriminatorConf(),
                                    a.discriminatorInputs(), (n, p) -> new String[] {"1 for prior samples, 0 for codes",
                                        "D(z), the probability that z was drawn from the prior"});
                        case "generator":
                            return inputs ? a.inputs() : a.generatorOutputs();
                        case "decoder":
                            return inputs ? a.decoderInputs() : GraphIO.outputs(a.decoderConf(), a.decoderInputs(),
                                    (n, p) -> new String[] {"not trained alone", "images in [0, 1]"});
                        default:
                            return inputs ? a.inputs() : a.outputs();
                    }
                });
    }

    /** A GAN: its generator, its discriminator and the combined graph with the discriminator frozen. */
    private static CatalogEntry gan(String family, String description, String reference,
                                    java.util.function.Supplier<? extends GanFactory> defaults) {
        return CatalogEntry.ofParts(defaults.get().name(), family, description, reference, defaults, () -> {
            GanFactory g = defaults.get();
            Map<String, ComputationGraphConfiguration> parts = new java.util.LinkedHashMap<>();
            parts.put("generator", g.generatorConf());
            parts.put("discriminator", g.discriminatorConf());
            parts.put("combined", g.conf());
            return parts;
        }, (part, inputs) -> {
            GanFactory g = defaults.get();
            switch (part) {
                case "generator":
                    return inputs ? g.inputs() : g.generatorOutputs();
                case "discriminator":
                    return inputs ? g.discriminatorInputs() : g.discriminatorOutputs();
                default:
                    return inputs ? g.inputs() : g.outputs();
            }
        });
    }

    private ZooCatalog() {
    }

    /** Every entry, in catalog order. */
    public static List<CatalogEntry> entries() {
        return ENTRIES;
    }

    /** The entry called {@code name}. */
    public static Optional<CatalogEntry> find(String name) {
        return ENTRIES.stream().filter(e -> e.name().equals(name)).findFirst();
    }

    /** The entry called {@code name}, or an error listing the names there are. */
    public static CatalogEntry get(String name) {
        return find(name).orElseThrow(() -> new IllegalArgumentException("unknown model '" + name
                + "'; the catalog has " + names()));
    }

    /** The names, in catalog order. */
    public static List<String> names() {
        List<String> out = new ArrayList<>();
        ENTRIES.forEach(e -> out.add(e.name()));
        return out;
    }

    /** The shipped default configuration of a one-graph model, read from the jar's JSON. */
    public static ComputationGraphConfiguration configuration(String name) {
        return configuration(name, "");
    }

    /** The shipped default configuration of part {@code part} of a model, read from the jar's JSON. */
    public static ComputationGraphConfiguration configuration(String name, String part) {
        CatalogEntry e = get(name);
        if (!e.configurations().containsKey(part)) {
            throw new IllegalArgumentException("model '" + name + "' has no part '" + part + "'; parts: "
                    + e.configurations().keySet());
        }
        return ComputationGraphConfiguration.fromJson(resource(e.fileName(part)));
    }

    /** The text of a shipped JSON file. */
    static String resource(String file) {
        try (InputStream in = ZooCatalog.class.getResourceAsStream(RESOURCE_DIR + file)) {
            if (in == null) {
                throw new IllegalStateException("catalog file " + RESOURCE_DIR + file + " is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read catalog file " + RESOURCE_DIR + file, e);
        }
    }

    /** The catalog's index as JSON: one object per model with its description and files. */
    public static String indexJson() {
        StringBuilder sb = new StringBuilder("[\n");
        for (int i = 0; i < ENTRIES.size(); i++) {
            CatalogEntry e = ENTRIES.get(i);
            sb.append("  {\"name\": ").append(quote(e.name()))
                    .append(", \"family\": ").append(quote(e.family()))
                    .append(", \"description\": ").append(quote(e.description()))
                    .append(", \"customLayers\": ").append(quoteAll(e.customLayers()))
                    .append(", \"reference\": ").append(quote(e.reference()))
                    .append(",\n   \"graphs\": [");
            List<String> parts = new ArrayList<>(e.configurations().keySet());
            for (int j = 0; j < parts.size(); j++) {
                String part = parts.get(j);
                sb.append("\n    {\"part\": ").append(quote(part)).append(", \"file\": ")
                        .append(quote(e.fileName(part)))
                        .append(",\n     \"inputs\": ").append(ioJson(e.inputs(part)))
                        .append(",\n     \"outputs\": ").append(ioJson(e.outputs(part))).append('}')
                        .append(j + 1 < parts.size() ? "," : "");
            }
            sb.append("]}")
                    .append(i + 1 < ENTRIES.size() ? ",\n" : "\n");
        }
        return sb.append("]\n").toString();
    }

    /** Writes every default configuration and the index ({@code catalog.json}) into {@code dir}. */
    public static List<Path> write(Path dir) throws IOException {
        Files.createDirectories(dir);
        List<Path> written = new ArrayList<>();
        for (CatalogEntry e : ENTRIES) {
            for (Map.Entry<String, ComputationGraphConfiguration> part : e.configurations().entrySet()) {
                Path p = dir.resolve(e.fileName(part.getKey()));
                AtomicFiles.writeString(p, part.getValue().toJson() + "\n");
                written.add(p);
            }
        }
        Path index = dir.resolve("catalog.json");
        AtomicFiles.writeString(index, indexJson());
        written.add(index);
        return written;
    }

    /**
     * Regenerates the shipped JSON: {@code java -cp <zoo jar, DL4J and a backend> ...ZooCatalog [dir]} (default
     * {@value #SOURCE_DIR}, run from the repository root); the command line's {@code export --all} does the same.
     */
    public static void main(String[] args) throws IOException {
        for (Path p : write(Path.of(args.length > 0 ? args[0] : SOURCE_DIR))) {
            System.out.println("wrote " + p);
        }
    }

    private static String ioJson(List<GraphIO> io) {
        List<String> items = new ArrayList<>();
        for (GraphIO g : io) {
            items.add("\n      {\"name\": " + quote(g.name()) + ", \"shape\": " + Arrays.toString(g.shape())
                    + ", \"dtype\": \"FLOAT\", \"training\": " + quote(g.training()) + ", \"inference\": "
                    + quote(g.inference()) + "}");
        }
        return "[" + String.join(",", items) + "]";
    }

    private static String quote(String s) {
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    private static String quoteAll(List<String> items) {
        List<String> q = new ArrayList<>();
        items.forEach(s -> q.add(quote(s)));
        return "[" + String.join(", ", q) + "]";
    }
}
