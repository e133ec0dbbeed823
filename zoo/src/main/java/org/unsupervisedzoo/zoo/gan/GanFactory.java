package org.unsupervisedzoo.zoo.gan;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.unsupervisedzoo.zoo.ZooModelFactory;

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

    /** Width of the noise vector z. */
    int noiseSize();

    /** Classes of the conditional GAN's label input; 0 when unconditional. */
    int numClasses();

    /** Shape of one generated image, without the batch dimension: {@code [784]} or {@code [1, 28, 28]}. */
    long[] imageShape();

    default boolean conditional() {
        return numClasses() > 0;
    }

    /** The noise shape, without the batch dimension. */
    @Override
    default long[] inputShape() {
        return new long[] {noiseSize()};
    }

    default ComputationGraph initGenerator() {
        ComputationGraph g = new ComputationGraph(generatorConf());
        g.init();
        org.unsupervisedzoo.zoo.layers.InputGradients.skipAtNetworkInputs(g);
        return org.unsupervisedzoo.zoo.train.ViewGradientUpdater.install(g);
    }

    default ComputationGraph initDiscriminator() {
        ComputationGraph g = new ComputationGraph(discriminatorConf());
        g.init();
        org.unsupervisedzoo.zoo.layers.InputGradients.skipAtNetworkInputs(g);
        return org.unsupervisedzoo.zoo.train.ViewGradientUpdater.install(g);
    }
}
