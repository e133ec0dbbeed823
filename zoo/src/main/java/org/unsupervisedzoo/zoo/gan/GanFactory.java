package org.unsupervisedzoo.zoo.gan;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.unsupervisedzoo.zoo.core.GraphIO;
import org.unsupervisedzoo.zoo.core.ZooModelFactory;

/**
 * A generative adversarial network as three configurations of one model: the generator G, the discriminator D,
 * and the combined graph "G then D" ({@link #conf()}) in which every D layer is a DL4J
 * {@code FrozenLayerWithBackprop}: gradients flow through D to G, but D's parameters never change there (its
 * gradient is zeroed, so its slice of that graph's Adam state stays zero). {@link GanTrainer} trains D in its own graph and G through the combined graph, and
 * copies the parameters across after each step ({@link GanTrainer#copyParameters}).
 *
 * <p>Vertex names (shared by the three graphs, so parameters copy by name): inputs {@value Gan#NOISE} and, when
 * conditional, {@value Gan#LABEL}; generator layers {@code generator-1, ...}; the generated image
 * {@value Gan#IMAGE} (D's input in D's own graph); discriminator layers {@code discriminator-1, ...}; the logit
 * {@value Gan#LOGIT} and the output {@value Gan#SCORE} (sigmoid + binary cross-entropy, no parameters).
 */
public interface GanFactory extends ZooModelFactory {
    /** G alone: inputs {@code noise} (and {@code label}), output {@code image} in [-1, 1] (tanh). */
    ComputationGraphConfiguration generatorConf();

    /** D alone: inputs {@code image} (and {@code label}), output {@code score} = D(x), the probability "real". */
    ComputationGraphConfiguration discriminatorConf();

    /** The combined graph: inputs as G's, output D(G(z)); D's layers frozen. Train G through it. */
    @Override
    ComputationGraphConfiguration conf();

    /**
     * {@link #conf()} when {@code imageNoise} is false; with it, the combined graph with a last input {@code
     * image-noise} (the image's shape) added to G's image before D, for {@link GanTrainer.Builder#instanceNoise}.
     * The zoo's factories implement both; this default only the first.
     */
    default ComputationGraphConfiguration conf(boolean imageNoise) {
        if (imageNoise) {
            throw new UnsupportedOperationException(getClass().getSimpleName() + " has no combined graph with an"
                    + " image-noise input: instance noise needs conf(true)");
        }
        return conf();
    }

    /** Width of the noise vector z. */
    int noiseSize();

    /** Classes of the conditional GAN's label input; 0 when unconditional. */
    int numClasses();

    /** Shape of one generated image, without the batch dimension: {@code [784]} or {@code [1, 28, 28]}. */
    long[] imageShape();

    default boolean conditional() {
        return numClasses() > 0;
    }

    /** True when D has a second output, the auxiliary classifier's {@value Gan#CLASS_SCORE}. Default false. */
    default boolean auxiliaryClassifier() {
        return false;
    }

    /** The noise shape, without the batch dimension. */
    @Override
    default long[] inputShape() {
        return new long[] {noiseSize()};
    }

    /** The noise (and label) inputs of {@link #conf()} and {@link #generatorConf()}. */
    @Override
    default List<GraphIO> inputs() {
        GraphIO noise = new GraphIO(Gan.NOISE, new long[] {noiseSize()}, "standard normal noise N(0, I)",
                "standard normal noise N(0, I)");
        return conditional() ? List.of(noise, label()) : List.of(noise);
    }

    /** The image (and label) inputs of {@link #discriminatorConf()}. */
    default List<GraphIO> discriminatorInputs() {
        GraphIO image = new GraphIO(Gan.IMAGE, imageShape(), "real images scaled to [-1, 1], or G's samples",
                "images scaled to [-1, 1]");
        return conditional() ? List.of(image, label()) : List.of(image);
    }

    private GraphIO label() {
        return new GraphIO(Gan.LABEL, new long[] {numClasses()}, "one-hot class labels (of the real images, or asked"
                + " of G)", "one-hot class labels");
    }

    /** The outputs of {@link #generatorConf()}. */
    default List<GraphIO> generatorOutputs() {
        return GraphIO.outputs(generatorConf(), inputs(), (name, penalty) -> new String[] {
            "G is not trained alone: train it through the combined graph", "images in [-1, 1] (tanh)"});
    }

    /** The outputs of {@link #discriminatorConf()}. */
    default List<GraphIO> discriminatorOutputs() {
        return GraphIO.outputs(discriminatorConf(), discriminatorInputs(), (name, penalty) -> name.equals(
                Gan.CLASS_SCORE) ? new String[] {"one-hot labels of the images (real, or asked of G)",
                    "q(y|x), D's class probabilities (auxiliary classifier)"}
                : new String[] {"1 for real images, 0 for G's samples (or a smoothed real label)",
                    "D(x), the probability \"real\""});
    }

    @Override
    default String[] describeOutput(String name, boolean penaltyHead) {
        if (name.equals(Gan.CLASS_SCORE)) {
            return new String[] {"the labels asked of G (D's layers are frozen)", "q(y|G(z, y)), D's class"
                    + " probabilities of the samples"};
        }
        return new String[] {"1 for every sample (G's non-saturating loss; D's layers are frozen)", "D(G(z))"};
    }

    default ComputationGraph initGenerator() {
        ComputationGraph g = new ComputationGraph(generatorConf());
        g.init();
        return g;
    }

    default ComputationGraph initDiscriminator() {
        ComputationGraph g = new ComputationGraph(discriminatorConf());
        g.init();
        return g;
    }
}
