package org.unsupervisedzoo.zoo.gan;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayerWithBackprop;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.impl.LossBinaryXENT;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.unsupervisedzoo.zoo.core.StockLayers;
import org.nd4j.linalg.activations.IActivation;

/**
 * Vertex names shared by the GAN factories, and the assembly of the three graphs from a generator part and a
 * discriminator part.
 */
public abstract class Gan implements GanFactory {
    /** Noise input z. */
    public static final String NOISE = "noise";
    /** Class label input (one-hot), conditional GANs only. */
    public static final String LABEL = "label";
    /** The generator's merge of noise and label (conditional only). */
    public static final String GENERATOR_INPUT = "generator-input";
    /** The generated image: G's last layer; D's input in D's own graph. */
    public static final String IMAGE = "image";
    /** The discriminator's merge of image and label (conditional only). */
    public static final String DISCRIMINATOR_INPUT = "discriminator-input";
    /**
     * The instance-noise input of the combined graph {@link #conf(boolean) conf(true)}: noise of the image's shape,
     * added to G's image before D ({@link GanTrainer.Builder#instanceNoise}).
     */
    public static final String IMAGE_NOISE = "image-noise";
    /** The sum {@code image + image-noise} that D reads in the combined graph of {@link #conf(boolean) conf(true)}. */
    public static final String NOISY_IMAGE = "noisy-image";
    /** Projection discriminator ({@link GanBuilder#projection}): D's last hidden features, flat. */
    public static final String DISCRIMINATOR_FEATURES = "discriminator-features";
    /** Projection discriminator: the label's learnt embedding, as wide as {@link #DISCRIMINATOR_FEATURES}. */
    public static final String DISCRIMINATOR_EMBEDDING = "discriminator-embedding";
    /** Projection discriminator: features times embedding, element-wise. */
    public static final String DISCRIMINATOR_PROJECTION = "discriminator-projection";
    /** Projection discriminator: features and projection side by side, what {@link #LOGIT} reads. */
    public static final String DISCRIMINATOR_JOINT = "discriminator-joint";
    /** The auxiliary classifier's logits ({@link GanBuilder#auxiliaryClassifier}): dense on D's last features. */
    public static final String CLASS_LOGITS = "class-logits";
    /** The auxiliary classifier's output: softmax + cross-entropy against the label, D's second output. */
    public static final String CLASS_SCORE = "class-score";
    /** D's last layer: one unbounded logit per example. */
    public static final String LOGIT = "logit";
    /** The output: sigmoid of the logit with binary cross-entropy against the target (1 real, 0 fake). */
    public static final String SCORE = "score";

    /** Suffixes of a generator layer's batch normalization and of the activation layer after it. */
    public static final String BATCH_NORM_SUFFIX = "-bn";
    public static final String ACTIVATION_SUFFIX = "-act";

    public static String generatorLayer(int i) {
        return "generator-" + i;
    }

    public static String discriminatorLayer(int i) {
        return "discriminator-" + i;
    }

    /** The builder of the concrete factory, for the shared fields. */
    abstract GanBuilder<?> settings();

    /** Input type of D's image input. */
    abstract InputType imageInputType();

    /**
     * Adds G's vertices after the inputs ({@link #NOISE}, and {@link #LABEL} when conditional); the last one must
     * be named {@link #IMAGE}.
     */
    abstract void addGenerator(GraphBuilder g);

    /**
     * Adds D's vertices from {@code image} ({@link #IMAGE}, or {@link #NOISY_IMAGE}) and {@link #LABEL} up to
     * {@link #LOGIT}; {@code layer} wraps each layer (identity, or frozen).
     */
    abstract void addDiscriminator(GraphBuilder g, String image, java.util.function.UnaryOperator<Layer> layer);

    /** The name of D's last hidden layer (what the logit and the auxiliary classifier read). */
    abstract String discriminatorFeatures();

    /** True with {@link GanBuilder#auxiliaryClassifier}: D has a second output, {@link #CLASS_SCORE}. */
    @Override
    public boolean auxiliaryClassifier() {
        return settings().auxiliaryClassifier;
    }

    @Override
    public ComputationGraphConfiguration generatorConf() {
        GraphBuilder g = settings().netBuilder().graphBuilder();
        addInputs(g, NOISE, InputType.feedForward(noiseSize()));
        addGenerator(g);
        return g.setOutputs(IMAGE).build();
    }

    @Override
    public ComputationGraphConfiguration discriminatorConf() {
        GraphBuilder g = settings().netBuilder().graphBuilder();
        addInputs(g, IMAGE, imageInputType());
        addDiscriminator(g, IMAGE, l -> l);
        return addScore(g, l -> l).build();
    }

    @Override
    public ComputationGraphConfiguration conf() {
        return conf(false);
    }

    /**
     * {@link #conf()}, or with {@code imageNoise} the same graph with one more input, {@link #IMAGE_NOISE} (last,
     * of D's image type), added to G's image by an element-wise vertex {@link #NOISY_IMAGE} that D reads: D(G(z) + n).
     * The sum passes the error unchanged to G, so a G step through it takes the gradient of D at the noisy image.
     * Same layers, names and parameters as {@link #conf()}.
     */
    @Override
    public ComputationGraphConfiguration conf(boolean imageNoise) {
        GraphBuilder g = settings().netBuilder().graphBuilder();
        if (imageNoise) {
            if (conditional()) {
                g.addInputs(NOISE, LABEL, IMAGE_NOISE).setInputTypes(InputType.feedForward(noiseSize()),
                        InputType.feedForward(numClasses()), imageInputType());
            } else {
                g.addInputs(NOISE, IMAGE_NOISE).setInputTypes(InputType.feedForward(noiseSize()), imageInputType());
            }
        } else {
            addInputs(g, NOISE, InputType.feedForward(noiseSize()));
        }
        addGenerator(g);
        String image = IMAGE;
        if (imageNoise) {
            g.addVertex(NOISY_IMAGE, new ElementWiseVertex(ElementWiseVertex.Op.Add), IMAGE, IMAGE_NOISE);
            image = NOISY_IMAGE;
        }
        addDiscriminator(g, image, FrozenLayerWithBackprop::new);
        return addScore(g, FrozenLayerWithBackprop::new).build();
    }

    /**
     * Adds batch normalization of {@code input} ({@code <input>-bn}) followed by {@code activation} as a layer of its
     * own ({@code <input>-act}); returns the name of the activation layer. The activation cannot be set on the batch
     * normalization layer itself: DL4J 1.0.0-M2.1's {@code BatchNormalization} accepts {@code .activation(..)} but
     * its runtime never applies it (nor its derivative), so a generator built that way had no nonlinearity at all
     * between its input and its output tanh (test).
     */
    static String batchNormThen(GraphBuilder g, String input, IActivation activation) {
        g.addLayer(input + BATCH_NORM_SUFFIX, new BatchNormalization.Builder().activation(Activation.IDENTITY)
                .build(), input);
        g.addLayer(input + ACTIVATION_SUFFIX, new ActivationLayer.Builder().activation(activation).build(),
                input + BATCH_NORM_SUFFIX);
        return input + ACTIVATION_SUFFIX;
    }

    /**
     * The projection discriminator's end ({@link GanBuilder#projection}): from D's flat features
     * {@code phi} {@code [batch, width]} and the label, the embedding {@code e = dense(label)} {@code [batch, width]},
     * the product {@code phi * e} and {@link #LOGIT} = dense 1 on {@code [phi, phi * e]}.
     */
    static void addProjectionLogit(GraphBuilder g, String features, long width,
                                   java.util.function.UnaryOperator<Layer> layer) {
        g.addLayer(DISCRIMINATOR_EMBEDDING, layer.apply(StockLayers.dense(0, width, Activation.IDENTITY, null)), LABEL);
        g.addVertex(DISCRIMINATOR_PROJECTION, new ElementWiseVertex(ElementWiseVertex.Op.Product), features,
                DISCRIMINATOR_EMBEDDING);
        g.addVertex(DISCRIMINATOR_JOINT, new MergeVertex(), features, DISCRIMINATOR_PROJECTION);
        g.addLayer(LOGIT, layer.apply(StockLayers.dense(0, 1, Activation.IDENTITY, null)), DISCRIMINATOR_JOINT);
    }

    private void addInputs(GraphBuilder g, String first, InputType type) {
        if (conditional()) {
            g.addInputs(first, LABEL).setInputTypes(type, InputType.feedForward(numClasses()));
        } else {
            g.addInputs(first).setInputTypes(type);
        }
    }

    /** The outputs: {@link #SCORE}, and with the auxiliary classifier {@link #CLASS_SCORE} on D's features. */
    private GraphBuilder addScore(GraphBuilder g, java.util.function.UnaryOperator<Layer> layer) {
        g.addLayer(SCORE, new LossLayer.Builder(new LossBinaryXENT()).activation(Activation.SIGMOID)
                .build(), LOGIT);
        if (!auxiliaryClassifier()) {
            return g.setOutputs(SCORE);
        }
        g.addLayer(CLASS_LOGITS, layer.apply(StockLayers.dense(0, numClasses(), Activation.IDENTITY, null)),
                discriminatorFeatures());
        g.addLayer(CLASS_SCORE, new LossLayer.Builder(new LossMCXENT())
                .activation(Activation.SOFTMAX).build(), CLASS_LOGITS);
        return g.setOutputs(SCORE, CLASS_SCORE);
    }
}
