package org.unsupervisedzoo.zoo.fast;

import org.nd4j.shade.jackson.databind.JsonNode;
import org.nd4j.shade.jackson.databind.ObjectMapper;
import org.nd4j.shade.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Deconvolution2D;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.impl.LossBinaryXENT;
import org.unsupervisedzoo.zoo.core.InputGradients;
import org.unsupervisedzoo.zoo.core.ZooModelFactory;

/**
 * The zoo's optional speed layer, in one entry point. The factories declare DL4J's own layers, losses and updaters
 * (plus the zoo's custom SameDiff layers), so every configuration they build, and every JSON file the zoo ships,
 * loads and trains in a plain DL4J project. {@link #apply} swaps in the zoo's faster twins, each with the same
 * parameters, JSON fields and maths (tests compare each with the DL4J class it replaces):
 * <pre>
 *   DenseLayer       -> CachedDenseLayer        (no layer norm, no weight noise, with bias)
 *   ConvolutionLayer -> CachedConvolutionLayer  (no weight noise)
 *   Deconvolution2D  -> CachedDeconvolution2D   (no weight noise)
 *   OutputLayer      -> CachedOutputLayer       (no weight noise)
 *   LossBinaryXENT   -> FusedBinaryXENT         (no class weights, default clipping; the exact log-sigmoid where
 *                                               DL4J clips probabilities at 1e-5: equal scores unless saturated)
 *   Adam             -> FastAdam                (same state layout: checkpoints are interchangeable)
 *   BatchNormalization -> FastBatchNormalization (learned gamma and beta, NCHW, no dropout; float training passes)
 * </pre>
 * A layer with a setting its twin does not implement stays DL4J's. {@link #toStock} swaps back. {@link #init} also
 * installs the graph-level speed-ups: {@link ViewGradientUpdater} (DL4J's updater on its standard path) and the
 * skipped input gradients of layers that read the network input ({@link InputGradients}).
 *
 * <p>The zoo's runners call {@link #init} by default. In a project of your own:
 * <pre>
 *   ComputationGraph g = Accelerate.init(VAE.builder().build());        // fast
 *   ComputationGraph s = Accelerate.toStock(g);                         // the same model, DL4J's classes only
 * </pre>
 * The DL4J internals this package depends on are listed in {@code src/site/markdown/dl4j-internals.md}, each with the
 * test that guards it.
 */
public final class Accelerate {
    private static final String CLASS = "@class";

    /** Stock class -> fast twin, with the condition (on the stock object's JSON) under which the twin implements it. */
    private static final Map<String, Swap> TO_FAST = new LinkedHashMap<>();
    /** Fast twin -> stock class. */
    private static final Map<String, String> TO_STOCK = new LinkedHashMap<>();

    /** DL4J's default clipping of LossBinaryXENT, restored by {@link #toStock} (FusedBinaryXENT has no fields). */
    private static final double DEFAULT_CLIP = 1e-5;

    private record Swap(String fast, Predicate<JsonNode> supported) {
    }

    static {
        Predicate<JsonNode> noWeightNoise = n -> isNull(n.get("weightNoise"));
        swap(DenseLayer.class, CachedDenseLayer.class, noWeightNoise.and(n -> !isTrue(n.get("hasLayerNorm"))
                && !isFalse(n.get("hasBias"))));
        swap(ConvolutionLayer.class, CachedConvolutionLayer.class, noWeightNoise);
        swap(Deconvolution2D.class, CachedDeconvolution2D.class, noWeightNoise);
        swap(OutputLayer.class, CachedOutputLayer.class, noWeightNoise);
        swap(LossBinaryXENT.class, FusedBinaryXENT.class, n -> isNull(n.get("weights"))
                && (n.get("clipEps") == null || n.get("clipEps").asDouble() == DEFAULT_CLIP));
        swap(Adam.class, FastAdam.class, n -> true);
        swap(BatchNormalization.class, FastBatchNormalization.class, n -> !isTrue(n.get("lockGammaBeta"))
                && isNull(n.get("idropout")) && (isNull(n.get("cnn2DFormat")) || "NCHW".equals(n.get("cnn2DFormat").asText())));
    }

    private Accelerate() {
    }

    private static void swap(Class<?> stock, Class<?> fast, Predicate<JsonNode> supported) {
        TO_FAST.put(stock.getName(), new Swap(fast.getName(), supported));
        TO_STOCK.put(fast.getName(), stock.getName());
    }

    private static boolean isNull(JsonNode n) {
        return n == null || n.isNull();
    }

    private static boolean isTrue(JsonNode n) {
        return n != null && n.isBoolean() && n.booleanValue();
    }

    private static boolean isFalse(JsonNode n) {
        return n != null && n.isBoolean() && !n.booleanValue();
    }

    /** A copy of {@code conf} with the fast twins swapped in where they implement the layer's settings. */
    public static ComputationGraphConfiguration apply(ComputationGraphConfiguration conf) {
        return rewrite(conf, true);
    }

    /** A copy of {@code conf} with DL4J's classes in place of the fast twins: loads without this package. */
    public static ComputationGraphConfiguration toStock(ComputationGraphConfiguration conf) {
        return rewrite(conf, false);
    }

    /** A configuration's JSON with the fast twins swapped out (or in): what the zoo ships and exports. */
    public static String stockJson(ComputationGraphConfiguration conf) {
        return toStock(conf).toJson();
    }

    /**
     * A new, initialised graph of {@code factory}'s configuration with the fast twins, {@link ViewGradientUpdater}
     * and the skipped input gradients: what the zoo's runners train.
     */
    public static ComputationGraph init(ZooModelFactory factory) {
        return init(factory.conf());
    }

    /** As {@link #init(ZooModelFactory)}, for any configuration. */
    public static ComputationGraph init(ComputationGraphConfiguration conf) {
        ComputationGraph graph = new ComputationGraph(apply(conf));
        graph.init();
        return speedUp(graph);
    }

    /** The graph-level speed-ups on a graph whose configuration already holds the fast twins (e.g. restored). */
    public static ComputationGraph speedUp(ComputationGraph graph) {
        InputGradients.skipAtNetworkInputs(graph);
        FrozenBackprop.mark(graph);
        return ViewGradientUpdater.install(graph);
    }

    /** The same model (parameters, updater state, iteration and epoch counts) with the fast twins. */
    public static ComputationGraph accelerate(ComputationGraph graph) {
        return speedUp(copy(graph, apply(graph.getConfiguration())));
    }

    /**
     * The same model (parameters, updater state, iteration and epoch counts) with DL4J's classes only: what a plain
     * DL4J project can restore without this package.
     */
    public static ComputationGraph toStock(ComputationGraph graph) {
        return copy(graph, toStock(graph.getConfiguration()));
    }

    /** True when {@code conf} names none of this package's classes. */
    public static boolean isStock(ComputationGraphConfiguration conf) {
        return !conf.toJson().contains("\"" + Accelerate.class.getPackageName() + ".");
    }

    private static ComputationGraph copy(ComputationGraph from, ComputationGraphConfiguration conf) {
        ComputationGraph to = new ComputationGraph(conf);
        to.init(from.params().dup(), false);
        to.getConfiguration().setIterationCount(from.getConfiguration().getIterationCount());
        to.getConfiguration().setEpochCount(from.getConfiguration().getEpochCount());
        if (from.getUpdater(false) != null) {
            INDArray state = from.getUpdater(false).getStateViewArray();
            if (state != null) {
                INDArray target = to.getUpdater(true).getStateViewArray();
                if (target == null || target.length() != state.length()) {
                    throw new IllegalStateException("the updater state does not carry over: " + state.length()
                            + " values against " + (target == null ? 0 : target.length()));
                }
                target.assign(state);
            }
        }
        return to;
    }

    private static ComputationGraphConfiguration rewrite(ComputationGraphConfiguration conf, boolean toFast) {
        ObjectMapper mapper = NeuralNetConfiguration.mapper();
        try {
            JsonNode tree = mapper.readTree(conf.toJson());
            if (!swapClasses(tree, toFast)) {
                return conf.clone();
            }
            return ComputationGraphConfiguration.fromJson(mapper.writeValueAsString(tree));
        } catch (java.io.IOException e) {
            throw new IllegalStateException("configuration JSON could not be rewritten: " + e.getMessage(), e);
        }
    }

    /** Swaps the class names of every object in the tree; true when one changed. */
    private static boolean swapClasses(JsonNode node, boolean toFast) {
        boolean changed = false;
        if (node.isObject()) {
            ObjectNode o = (ObjectNode) node;
            JsonNode cls = o.get(CLASS);
            if (cls != null && cls.isTextual()) {
                String name = cls.textValue();
                if (toFast) {
                    Swap s = TO_FAST.get(name);
                    if (s != null && s.supported().test(o)) {
                        o.put(CLASS, s.fast());
                        changed = true;
                    }
                } else if (TO_STOCK.containsKey(name)) {
                    o.put(CLASS, TO_STOCK.get(name));
                    if (name.equals(FusedBinaryXENT.class.getName())) {
                        o.put("clipEps", DEFAULT_CLIP);
                    }
                    changed = true;
                }
            }
            for (Iterator<JsonNode> it = o.elements(); it.hasNext(); ) {
                changed |= swapClasses(it.next(), toFast);
            }
        } else if (node.isArray()) {
            for (JsonNode child : node) {
                changed |= swapClasses(child, toFast);
            }
        }
        return changed;
    }
}
