package org.unsupervisedzoo.zoo.catalog;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.unsupervisedzoo.zoo.core.GraphIO;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.unsupervisedzoo.zoo.core.ZooModelFactory;

/**
 * One model of the catalog: what it is, and its default configuration(s). Most models have one configuration (the
 * graph {@link ZooModelFactory#conf()} builds); a model made of several graphs (a GAN's generator and
 * discriminator) names each part.
 */
public final class CatalogEntry {
    private final String name;
    private final String family;
    private final String description;
    private final String reference;
    private final Supplier<? extends ZooModelFactory> defaults;
    private final Supplier<Map<String, ComputationGraphConfiguration>> parts;
    private final BiFunction<String, Boolean, List<GraphIO>> io;

    private CatalogEntry(String name, String family, String description, String reference,
                         Supplier<? extends ZooModelFactory> defaults,
                         Supplier<Map<String, ComputationGraphConfiguration>> parts,
                         BiFunction<String, Boolean, List<GraphIO>> io) {
        this.io = io;
        this.name = name;
        this.family = family;
        this.description = description;
        this.reference = reference;
        this.defaults = defaults;
        this.parts = parts;
    }

    /** A model with one configuration, the default factory's {@code conf()}; its name is the factory's. */
    public static CatalogEntry of(String family, String description, String reference,
                                  Supplier<? extends ZooModelFactory> defaults) {
        return new CatalogEntry(defaults.get().name(), family, description, reference, defaults,
                () -> Map.of("", defaults.get().conf()),
                (part, inputs) -> inputs ? defaults.get().inputs() : defaults.get().outputs());
    }

    /**
     * A model of several named graphs (e.g. {@code generator}, {@code discriminator}); {@code io.apply(part, true)}
     * lists a part's inputs, {@code io.apply(part, false)} its outputs.
     */
    public static CatalogEntry ofParts(String name, String family, String description, String reference,
                                       Supplier<? extends ZooModelFactory> defaults,
                                       Supplier<Map<String, ComputationGraphConfiguration>> parts,
                                       BiFunction<String, Boolean, List<GraphIO>> io) {
        return new CatalogEntry(name, family, description, reference, defaults, parts, io);
    }

    /** Lowercase name, e.g. {@code variational-autoencoder}. */
    public String name() {
        return name;
    }

    /** Family, e.g. {@code autoencoder}, {@code energy-based}, {@code adversarial}. */
    public String family() {
        return family;
    }

    /** One line: what the model is. */
    public String description() {
        return description;
    }

    /** The paper to cite. */
    public String reference() {
        return reference;
    }

    /** A factory with every hyper-parameter at its default. */
    public ZooModelFactory defaults() {
        return defaults.get();
    }

    /** Shape of one input example of the default model. */
    public long[] inputShape() {
        return defaults.get().inputShape();
    }

    /** Every input of part {@code part}'s graph ({@code ""} for a one-graph model), in the graph's order. */
    public List<GraphIO> inputs(String part) {
        return io.apply(part, true);
    }

    /** Every output of part {@code part}'s graph, in the graph's order. */
    public List<GraphIO> outputs(String part) {
        return io.apply(part, false);
    }

    /** The default configurations by part name ({@code ""} for a one-graph model), freshly built. */
    public Map<String, ComputationGraphConfiguration> configurations() {
        return new LinkedHashMap<>(parts.get());
    }

    /** The resource file name of each part: {@code <name>.json} or {@code <name>-<part>.json}. */
    public List<String> fileNames() {
        List<String> out = new ArrayList<>();
        for (String part : parts.get().keySet()) {
            out.add(fileName(part));
        }
        return out;
    }

    /** The resource file name of part {@code part}. */
    public String fileName(String part) {
        return part.isEmpty() ? name + ".json" : name + "-" + part + ".json";
    }

    /** Simple class names of the zoo's custom layers and vertices in the default configurations, sorted. */
    public List<String> customLayers() {
        TreeSet<String> out = new TreeSet<>();
        for (ComputationGraphConfiguration conf : parts.get().values()) {
            for (GraphVertex v : conf.getVertices().values()) {
                Object o = v instanceof LayerVertex ? ((LayerVertex) v).getLayerConf().getLayer() : v;
                if (o.getClass().getName().startsWith("org.unsupervisedzoo.")) {
                    out.add(o.getClass().getSimpleName());
                }
            }
        }
        return new ArrayList<>(out);
    }
}
