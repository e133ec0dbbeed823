package org.unsupervisedzoo.zoo.stacked;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.unsupervisedzoo.zoo.autoencoder.AutoencoderFactory;
import org.unsupervisedzoo.zoo.autoencoder.Autoencoders;
import org.unsupervisedzoo.zoo.autoencoder.UndercompleteAutoencoder;
import org.unsupervisedzoo.zoo.classifier.EncoderClassifier;
import org.unsupervisedzoo.zoo.contractive.ContractiveAutoencoder;
import org.unsupervisedzoo.zoo.core.Checks;
import org.unsupervisedzoo.zoo.core.MappedMultiDataSetIterator;
import org.unsupervisedzoo.zoo.core.ReconstructionIterator;
import org.unsupervisedzoo.zoo.denoising.Corruption;
import org.unsupervisedzoo.zoo.denoising.DenoisingAutoencoder;
import org.unsupervisedzoo.zoo.denoising.MaskingCorruption;

/**
 * Greedy layer-wise pretraining of a stack of one-hidden-layer autoencoders, the recipe of the stacked denoising
 * autoencoder (Vincent et al. 2010) and of stacked contractive autoencoders (Rifai et al. 2011), and the deep
 * encoder it leaves for supervised fine-tuning. DL4J's {@code fit()} stopped pretraining layer by layer in 1.0;
 * this class does it with the zoo's autoencoders.
 *
 * <pre>
 *   layer 1   x  -> h1 = f1(x)         trained epochsPerLayer epochs to reconstruct x
 *   layer 2   h1 -> h2 = f2(h1)        trained to reconstruct h1, where h1 = f1(x) of the trained, clean layer 1
 *   ...
 *   layer L   h(L-1) -> hL = fL(h(L-1))
 *   encoder   input [batch, inputSize] -> encoder-1 -> ... -> encoder-(L-1) -> code [batch, hiddenSizes[L-1]]
 * </pre>
 *
 * Each layer is an {@link AutoencoderFactory} with one hidden layer, made by the {@link LayerFactory} from its
 * input and code widths: a {@link DenoisingAutoencoder} corrupts its own input (the clean codes of the layers
 * below) while it trains, a {@link ContractiveAutoencoder} penalises the Jacobian of its own code. The
 * {@link Result#encoder() encoder} is an ordinary DL4J graph of built-in {@link DenseLayer}s holding the trained
 * encoders' weights (no custom layer on the classpath needed); {@link Result#classifier()} puts a softmax on it
 * for fine-tuning (train it with {@link org.unsupervisedzoo.zoo.classifier.ClassifierFit}), and
 * {@link #freshEncoder()} is the same network freshly initialised, the from-scratch baseline.
 *
 * <p><b>Defaults and tuning.</b> {@code inputSize=784, hiddenSizes=[1000, 1000, 1000], layers=denoising(masking
 * 0.25, Adam 1e-3), epochsPerLayer=20, seed=12345} (seed + l for layer l). Codes are sigmoid, so every layer
 * reconstructs values in [0, 1] with a sigmoid output and cross-entropy, as in Vincent et al. 2010 (masking noise
 * of 0.1-0.4 per layer; 3 layers of 1000 units, SdA-3, 1.28% test error on MNIST after fine-tuning).
 *
 * <p>This class trains (the factories it uses do not). The graphs come from {@link Builder#init}, by default
 * {@code new ComputationGraph(conf).init()}; pass the zoo's accelerated graphs there if you want the speed path.
 *
 * <p><b>References.</b> Bengio, Lamblin, Popovici &amp; Larochelle, "Greedy layer-wise training of deep
 * networks", NIPS 2007; Vincent, Larochelle, Lajoie, Bengio &amp; Manzagol, "Stacked denoising autoencoders",
 * JMLR 11 (2010); Rifai, Vincent, Muller, Glorot &amp; Bengio, "Contractive auto-encoders", ICML 2011.
 */
public final class StackedAutoencoders {
    /** Makes layer {@code layer} (1-based) of the stack: an autoencoder {@code nIn -> nOut -> nIn}. */
    @FunctionalInterface
    public interface LayerFactory {
        AutoencoderFactory layer(int layer, int nIn, int nOut, long seed);
    }

    /** Told about each layer as it trains (for progress lines and checkpoints). */
    public interface Listener {
        /** Before the first epoch of {@code layer} (1-based), with the graph about to be trained. */
        default void layerStarted(int layer, AutoencoderFactory factory, ComputationGraph graph) {
        }

        /** After epoch {@code epoch} (1-based) of {@code layer}. */
        default void epochDone(int layer, int epoch, ComputationGraph graph) {
        }

        /** After the last epoch of {@code layer}. */
        default void layerDone(int layer, ComputationGraph graph) {
        }
    }

    /** Denoising layers: sigmoid codes, the same corruption of each layer's input, {@code updater}. */
    public static LayerFactory denoising(Corruption corruption, IUpdater updater) {
        Checks.notNull("corruption", corruption);
        Checks.updater("updater", updater);
        return (layer, nIn, nOut, seed) -> DenoisingAutoencoder.builder().inputSize(nIn).hiddenSizes(nOut)
                .codeActivation(Activation.SIGMOID).corruption(corruption).updater(updater).seed(seed).build();
    }

    /** Contractive layers (sigmoid codes, Rifai's closed-form penalty with weight {@code lambda}), {@code updater}. */
    public static LayerFactory contractive(double lambda, IUpdater updater) {
        Checks.nonNegative("lambda", lambda);
        Checks.updater("updater", updater);
        return (layer, nIn, nOut, seed) -> ContractiveAutoencoder.builder().inputSize(nIn).hiddenSizes(nOut)
                .lambda(lambda).updater(updater).seed(seed).build();
    }

    /** Plain autoencoder layers (sigmoid codes, no corruption or penalty), {@code updater}: Bengio et al. 2007. */
    public static LayerFactory plain(IUpdater updater) {
        Checks.updater("updater", updater);
        return (layer, nIn, nOut, seed) -> UndercompleteAutoencoder.builder().inputSize(nIn).hiddenSizes(nOut)
                .codeActivation(Activation.SIGMOID).updater(updater).seed(seed).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    private final Builder b;
    private final List<AutoencoderFactory> factories = new ArrayList<>();

    private StackedAutoencoders(Builder b) {
        this.b = b;
        int nIn = b.inputSize;
        for (int l = 1; l <= b.hiddenSizes.length; l++) {
            int nOut = b.hiddenSizes[l - 1];
            AutoencoderFactory f = b.layers.layer(l, nIn, nOut, b.seed + l - 1);
            if (f == null) {
                throw new IllegalArgumentException("layers gave no autoencoder for layer " + l + " (" + nIn + " -> "
                        + nOut + ")");
            }
            long[] shape = f.inputShape();
            if (shape.length != 1 || shape[0] != nIn || f.codeSize() != nOut) {
                throw new IllegalArgumentException("layers must give layer " + l + " an autoencoder " + nIn + " -> "
                        + nOut + ", got input shape " + Arrays.toString(shape) + " and code width " + f.codeSize());
            }
            codeLayer(l, f.encoderGraph(f.init()));
            factories.add(f);
            nIn = nOut;
        }
    }

    /** The autoencoders of the stack, bottom first. */
    public List<AutoencoderFactory> factories() {
        return List.copyOf(factories);
    }

    /** The number of layers. */
    public int depth() {
        return factories.size();
    }

    /** Name of the encoder graph's layer {@code l} (1-based): {@code encoder-l}, the top one {@code code}. */
    public String encoderLayer(int l) {
        return layerNames(depth()).get(l - 1);
    }

    /** Greedy pretraining of every layer on {@code data} (features {@code [batch, inputSize]}; labels are ignored). */
    public Result pretrain(DataSetIterator data) {
        return pretrain(data, List.of());
    }

    /**
     * Greedy pretraining that continues after the layers already trained: {@code trained.get(i)} is the trained
     * graph of layer {@code i + 1} (from {@link Listener#layerDone}, e.g. saved and loaded again), those layers are
     * not trained again and the rest are trained on their codes.
     */
    public Result pretrain(DataSetIterator data, List<ComputationGraph> trained) {
        Checks.notNull("data", data);
        Checks.notNull("trained", trained);
        if (trained.size() > depth()) {
            throw new IllegalArgumentException("trained holds " + trained.size() + " layers, the stack has "
                    + depth());
        }
        List<ComputationGraph> layers = new ArrayList<>(trained);
        for (int l = 1; l <= layers.size(); l++) {
            checkLayer(l, layers.get(l - 1));
        }
        for (int l = layers.size() + 1; l <= depth(); l++) {
            AutoencoderFactory f = factories.get(l - 1);
            ComputationGraph graph = b.init.apply(f.conf());
            ComputationGraph below = l == 1 ? null : stack(layers);
            MappedMultiDataSetIterator it = l == 1 ? new ReconstructionIterator(data, f.penaltyHeads())
                    : new CodesIterator(data, below, f.penaltyHeads());
            b.listener.layerStarted(l, f, graph);
            for (int e = 1; e <= b.epochsPerLayer; e++) {
                it.reset();
                graph.fit(it);
                b.listener.epochDone(l, e, graph);
            }
            layers.add(graph);
            b.listener.layerDone(l, graph);
        }
        return new Result(List.copyOf(layers), stack(layers), b.inputSize);
    }

    /**
     * The stack's encoder with every layer freshly initialised by its factory (the same initialisation pretraining
     * starts from): the from-scratch baseline of a fine-tuning comparison.
     */
    public ComputationGraph freshEncoder() {
        List<ComputationGraph> fresh = new ArrayList<>();
        for (AutoencoderFactory f : factories) {
            fresh.add(b.init.apply(f.conf()));
        }
        return stack(fresh);
    }

    /** The encoder of the first {@code layers.size()} layers: built-in dense layers holding their code weights. */
    private ComputationGraph stack(List<ComputationGraph> layers) {
        DataType type = null;
        List<DenseLayer> dense = new ArrayList<>();
        List<Map<String, INDArray>> params = new ArrayList<>();
        for (int l = 1; l <= layers.size(); l++) {
            ComputationGraph enc = factories.get(l - 1).encoderGraph(layers.get(l - 1));
            Layer code = codeLayer(l, enc);
            IActivation act = ((BaseLayer) code.conf().getLayer()).getActivationFn();
            long nIn = l == 1 ? b.inputSize : b.hiddenSizes[l - 2];
            dense.add(new DenseLayer.Builder().nIn(nIn).nOut(b.hiddenSizes[l - 1]).activation(act).build());
            params.add(code.paramTable());
            type = enc.params().dataType();
        }
        List<String> names = layerNames(dense.size());
        GraphBuilder g = new NeuralNetConfiguration.Builder().seed(b.seed).dataType(type).graphBuilder()
                .addInputs(Autoencoders.INPUT).setInputTypes(InputType.feedForward(b.inputSize));
        String prev = Autoencoders.INPUT;
        for (int l = 1; l <= dense.size(); l++) {
            g.addLayer(names.get(l - 1), dense.get(l - 1), prev);
            prev = names.get(l - 1);
        }
        ComputationGraph encoder = new ComputationGraph(g.setOutputs(prev).build());
        encoder.init();
        for (int l = 1; l <= dense.size(); l++) {
            Map<String, INDArray> p = params.get(l - 1);
            encoder.getLayer(names.get(l - 1)).setParam("W", p.get("W").dup());
            encoder.getLayer(names.get(l - 1)).setParam("b", p.get("b").dup());
        }
        return encoder;
    }

    private List<String> layerNames(int n) {
        List<String> names = new ArrayList<>();
        for (int l = 1; l <= n; l++) {
            names.add(l == n && n == depth() ? Autoencoders.CODE : Autoencoders.encoderLayer(l));
        }
        return names;
    }

    /** The single dense code layer of layer {@code l}'s encoder graph, with parameters W and b. */
    private static Layer codeLayer(int l, ComputationGraph enc) {
        List<Layer> withParams = new ArrayList<>();
        for (Layer layer : enc.getLayers()) {
            if (layer.numParams() > 0) {
                withParams.add(layer);
            }
        }
        if (withParams.size() != 1 || !(withParams.get(0).conf().getLayer() instanceof BaseLayer)
                || !withParams.get(0).paramTable().containsKey("W") || !withParams.get(0).paramTable().containsKey("b")) {
            throw new IllegalArgumentException("layer " + l + "'s encoder must be one dense layer with W and b (an"
                    + " autoencoder with one hidden layer), got layers " + withParams.stream()
                    .map(x -> x.conf().getLayer().getLayerName() + " " + x.paramTable().keySet()).toList());
        }
        return withParams.get(0);
    }

    private void checkLayer(int l, ComputationGraph graph) {
        Checks.notNull("trained[" + (l - 1) + "]", graph);
        long expected = b.init.apply(factories.get(l - 1).conf()).numParams();
        if (graph.numParams() != expected) {
            throw new IllegalArgumentException("trained[" + (l - 1) + "] has " + graph.numParams()
                    + " parameters, layer " + l + " of this stack has " + expected);
        }
    }

    /** What greedy pretraining leaves: the trained layers and the deep encoder. */
    public record Result(List<ComputationGraph> layers, ComputationGraph encoder, int inputSize) {
        /**
         * A classifier on the pretrained encoder, fine-tuned end to end ({@code frozen(false)}); its other settings
         * (head, dropout, updater, seed) are {@link EncoderClassifier.Builder}'s, to set on the result.
         */
        public EncoderClassifier.Builder classifier() {
            return EncoderClassifier.builder(encoder, inputSize).frozen(false);
        }
    }

    /** Feeds layer l: the clean codes of the layers below as inputs and as reconstruction targets. */
    private static final class CodesIterator extends MappedMultiDataSetIterator {
        private final ComputationGraph below;
        private final int penaltyHeads;

        CodesIterator(DataSetIterator base, ComputationGraph below, int penaltyHeads) {
            super(base);
            this.below = below;
            this.penaltyHeads = penaltyHeads;
        }

        /** The mapping runs a graph, so batches are not prefetched on another thread. */
        @Override
        public boolean asyncSupported() {
            return false;
        }

        @Override
        protected org.nd4j.linalg.dataset.api.MultiDataSet map(DataSet ds) {
            INDArray x = ds.getFeatures();
            if (x.rank() != 2) {
                x = x.reshape(x.size(0), x.length() / x.size(0));
            }
            INDArray h = below.outputSingle(false, x.castTo(below.params().dataType()));
            return ReconstructionIterator.of(h, h, penaltyHeads);
        }
    }

    /** Hyper-parameters, each with its default. */
    public static final class Builder {
        private int inputSize = 784;
        private int[] hiddenSizes = {1000, 1000, 1000};
        private LayerFactory layers = denoising(new MaskingCorruption(0.25), new Adam(1e-3));
        private int epochsPerLayer = 20;
        private long seed = 12345;
        private Function<ComputationGraphConfiguration, ComputationGraph> init = conf -> {
            ComputationGraph g = new ComputationGraph(conf);
            g.init();
            return g;
        };
        private Listener listener = new Listener() {
        };

        private Builder() {
        }

        /** Width of one input example (flattened). Default 784. */
        public Builder inputSize(int inputSize) {
            this.inputSize = inputSize;
            return this;
        }

        /** Code width of each layer, bottom first. Default [1000, 1000, 1000] (SdA-3). */
        public Builder hiddenSizes(int... hiddenSizes) {
            this.hiddenSizes = hiddenSizes == null ? null : hiddenSizes.clone();
            return this;
        }

        /** The autoencoder of each layer. Default {@code denoising(new MaskingCorruption(0.25), new Adam(1e-3))}. */
        public Builder layers(LayerFactory layers) {
            this.layers = layers;
            return this;
        }

        /** Training epochs of each layer. Default 20. */
        public Builder epochsPerLayer(int epochsPerLayer) {
            this.epochsPerLayer = epochsPerLayer;
            return this;
        }

        /** Seed of layer 1 (layer l gets seed + l - 1). Default 12345. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Makes an initialised graph from a layer's configuration. Default {@code new ComputationGraph(conf).init()}. */
        public Builder init(Function<ComputationGraphConfiguration, ComputationGraph> init) {
            this.init = init;
            return this;
        }

        /** Told about each layer's progress. Default none. */
        public Builder listener(Listener listener) {
            this.listener = listener;
            return this;
        }

        /** The stack, checked: each layer's autoencoder is made here. */
        public StackedAutoencoders build() {
            Checks.positive("inputSize", inputSize);
            Checks.positiveSizes("hiddenSizes", hiddenSizes);
            if (hiddenSizes.length == 0) {
                throw new IllegalArgumentException("hiddenSizes must list at least one layer, got []");
            }
            Checks.notNull("layers", layers);
            Checks.positive("epochsPerLayer", epochsPerLayer);
            Checks.notNull("init", init);
            Checks.notNull("listener", listener);
            return new StackedAutoencoders(this);
        }
    }
}
