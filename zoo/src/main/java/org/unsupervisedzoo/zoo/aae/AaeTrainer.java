package org.unsupervisedzoo.zoo.aae;

import java.util.Random;
import java.util.function.Function;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.unsupervisedzoo.zoo.core.Checks;
import org.unsupervisedzoo.zoo.core.GraphParameters;

/**
 * Trains an {@link AdversarialAutoencoder} in the paper's three phases per minibatch {@code x}:
 * <ol>
 *   <li>reconstruction: one step of the autoencoder ({@link #autoencoder()}) on {@code (x, x)};</li>
 *   <li>discriminator: one step of D ({@link #discriminator()}) on prior samples (label 1) and the encoder's codes of
 *       {@code x} (label 0);</li>
 *   <li>generator: one step of the encoder through the frozen D ({@link #generator()}) with labels 1 (skipped when
 *       the model's {@code adversarialWeight} is 0).</li>
 * </ol>
 * After each phase the parameters it changed are copied by name into the other graphs. Prior samples come from a
 * {@link Random} seeded once, so a run is reproducible.
 */
public final class AaeTrainer {
    private final AdversarialAutoencoder aae;
    private final ComputationGraph autoencoder;
    private final ComputationGraph generator;
    private final ComputationGraph discriminator;
    private Random rng;

    /**
     * One minibatch's figures: the reconstruction loss per example (the autoencoder's score), D's loss, the generator
     * phase's loss (NaN when skipped), and D's mean output on the prior samples and on the codes (after D's step).
     */
    public record Step(double reconstruction, double lossD, double lossG, double dPrior, double dCode) {
    }

    /**
     * A trainer on new graphs of {@code aae}, made by {@code graphs} (e.g. {@code Accelerate::init}, or DL4J's
     * plain {@code new ComputationGraph(conf).init()}); the three graphs start with the same shared weights.
     */
    public AaeTrainer(AdversarialAutoencoder aae, Function<ComputationGraphConfiguration, ComputationGraph> graphs,
                      long seed) {
        Checks.notNull("aae", aae);
        this.aae = aae;
        this.autoencoder = graphs.apply(aae.conf());
        this.generator = graphs.apply(aae.generatorConf());
        this.discriminator = graphs.apply(aae.discriminatorConf());
        GraphParameters.copyByName(autoencoder, generator);
        GraphParameters.copyByName(discriminator, generator);
        this.rng = new Random(seed);
    }

    /**
     * A trainer continuing the three graphs of {@code aae} as an earlier trainer left them (e.g. restored from a
     * checkpoint with their updater states), its prior samples drawn from {@code seed}.
     */
    public AaeTrainer(AdversarialAutoencoder aae, ComputationGraph autoencoder, ComputationGraph generator,
                      ComputationGraph discriminator, long seed) {
        Checks.notNull("aae", aae);
        Checks.notNull("autoencoder", autoencoder);
        Checks.notNull("generator", generator);
        Checks.notNull("discriminator", discriminator);
        this.aae = aae;
        this.autoencoder = autoencoder;
        this.generator = generator;
        this.discriminator = discriminator;
        this.rng = new Random(seed);
    }

    /**
     * Draws the prior samples from a new generator seeded by {@code seed} from now on: a runner reseeds at every
     * epoch from (seed, epoch), so that a run resumed from a checkpoint draws what the uninterrupted run drew.
     */
    public void reseed(long seed) {
        this.rng = new Random(seed);
    }

    /** A trainer on plain DL4J graphs. */
    public AaeTrainer(AdversarialAutoencoder aae, long seed) {
        this(aae, conf -> {
            ComputationGraph g = new ComputationGraph(conf);
            g.init();
            return g;
        }, seed);
    }

    /** The autoencoder graph ({@link AdversarialAutoencoder#conf()}): the trained model. */
    public ComputationGraph autoencoder() {
        return autoencoder;
    }

    /** The generator phase's graph (encoder and frozen D). */
    public ComputationGraph generator() {
        return generator;
    }

    /** D's own graph. */
    public ComputationGraph discriminator() {
        return discriminator;
    }

    /** The three phases on the minibatch {@code x} {@code [b, inputSize]} of values in [0, 1]. */
    public Step step(INDArray x) {
        int b = (int) x.size(0);
        // 1. reconstruction
        autoencoder.fit(new MultiDataSet(new INDArray[] {x}, new INDArray[] {x}));
        double reconstruction = autoencoder.score();
        GraphParameters.copyByName(autoencoder, generator);
        // 2. discriminator: prior samples against the codes
        INDArray z = Nd4j.vstack(aae.prior().sample(rng, b, aae.codeSize(), x.dataType()), codes(x));
        INDArray labels = Nd4j.vstack(Nd4j.ones(x.dataType(), b, 1), Nd4j.zeros(x.dataType(), b, 1));
        discriminator.fit(new MultiDataSet(new INDArray[] {z}, new INDArray[] {labels}));
        double lossD = discriminator.score();
        INDArray d = discriminator.outputSingle(false, z);
        double dPrior = d.get(NDArrayIndex.interval(0, b)).meanNumber().doubleValue();
        double dCode = d.get(NDArrayIndex.interval(b, 2 * b)).meanNumber().doubleValue();
        GraphParameters.copyByName(discriminator, generator);
        // 3. generator: the encoder against the frozen D
        double lossG = Double.NaN;
        if (aae.adversarialWeight() > 0) {
            generator.fit(new MultiDataSet(new INDArray[] {x}, new INDArray[] {Nd4j.ones(x.dataType(), b, 1)}));
            lossG = generator.score();
            GraphParameters.copyByName(generator, autoencoder);
        }
        return new Step(reconstruction, lossD, lossG, dPrior, dCode);
    }

    /** The encoder's codes of {@code x}, {@code [b, codeSize]}, in inference mode. */
    public INDArray codes(INDArray x) {
        return autoencoder.feedForward(new INDArray[] {x}, false, false).get(AdversarialAutoencoder.CODE).dup();
    }

    /** Reconstructions of {@code x} in [0, 1]. */
    public INDArray reconstruct(INDArray x) {
        return autoencoder.outputSingle(false, x);
    }

    /** The decoder's images of {@code n} prior samples, in [0, 1]: new digits. */
    public INDArray sample(int n) {
        ComputationGraph decoder = new ComputationGraph(aae.decoderConf());
        decoder.init();
        GraphParameters.copyByName(autoencoder, decoder);
        return decoder.outputSingle(false, aae.prior().sample(rng, n, aae.codeSize(), autoencoder.params()
                .dataType()));
    }
}
