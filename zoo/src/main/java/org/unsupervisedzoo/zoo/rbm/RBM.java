package org.unsupervisedzoo.zoo.rbm;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.transferlearning.FineTuneConfiguration;
import org.deeplearning4j.nn.transferlearning.TransferLearning;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.unsupervisedzoo.zoo.core.Checks;
import org.unsupervisedzoo.zoo.core.ZooBuilder;
import org.unsupervisedzoo.zoo.core.EncoderModel;

/**
 * Restricted Boltzmann machine (Smolensky 1986; Hinton 2002), trained by contrastive divergence (CD-k) or
 * persistent contrastive divergence (PCD-k, a.k.a. stochastic maximum likelihood, Tieleman 2008), as a DL4J
 * ComputationGraph. Bernoulli-Bernoulli by default (visible units in [0,1] as probabilities, like scikit-learn's
 * {@code BernoulliRBM}); Gaussian-Bernoulli with unit-variance visible units for standardized real-valued data.
 *
 * <p><b>Model.</b> {@code p(v, h) = exp(-E(v, h)) / Z}, {@code E(v, h) = -b.v - c.h - v^T W h} (Bernoulli) or
 * {@code ||v - b||^2/2 - c.h - v^T W h} (Gaussian); hidden units binary. Free energy
 * {@code F(v) = -b.v - sum_j softplus(c_j + (vW)_j)}; the features are {@code p(h|v) = sigmoid(c + vW)}.
 *
 * <p><b>Objective.</b> Maximum likelihood, whose gradient {@code <v h^T>_data - <v h^T>_model} is approximated
 * with negative particles {@code v_model} from a Gibbs chain: CD-k starts the chain at the minibatch, PCD-k keeps
 * it across updates. The graph's score is {@code mean F(v_data) - mean F(v_model)} (layer {@link RbmLayer}), whose
 * gradient is exactly the (P)CD update. The chain is drawn in Java by {@link RbmIterator} (seeded, fresh draws on
 * every step, with the current parameters) and enters as the second input: train with
 * {@code graph.fit(new RbmIterator(data, rbm, graph, seed))}.
 *
 * <p><b>Graph.</b>
 * <pre>
 *   input      [batch, nVisible]     v_data (the minibatch)
 *   negative   [batch, nVisible]     v_model (the chain's particles; no gradient)
 *   particles  merge(input, negative)            [batch, 2 nVisible]
 *   rbm        RbmLayer: W [nVisible, nHidden], b [1, nVisible], c [1, nHidden]; score as above (output, labels null)
 * </pre>
 * {@link #params} gives the trained parameters with the energy, free energy, Gibbs sampler, reconstruction and
 * pseudo-likelihood ({@link RbmParams}); {@link RbmLikelihood} estimates log Z by AIS; {@link #encoderGraph}
 * turns the hidden layer into an ordinary DL4J graph {@value #INPUT} -> {@value #CODE} (sigmoid DenseLayer) for
 * downstream models, and {@link #classifierGraph} puts a softmax on it; {@link RbmStack} stacks RBMs greedily.
 *
 * <p><b>Defaults</b> (scikit-learn's BernoulliRBM): {@code nVisible=784, nHidden=256, visibleUnits=BERNOULLI,
 * k=1, persistent=true (PCD-1), initStd=0.01}, updater {@code Sgd(0.1)} (train with minibatches of 10 as
 * scikit-learn does; larger batches want a larger rate). Tuning: more hidden units and more epochs give better
 * likelihoods (500 units, CD-25 or PCD: about -86 nats on MNIST after long training); CD-1 learns good features
 * fast but poor density models; PCD needs a small learning rate (the chain must keep up); Adam is accepted but
 * not the classical choice. For Gaussian units standardize the data and lower the rate (e.g. 0.001-0.01).
 *
 * <p><b>References.</b> G. Hinton, "Training products of experts by minimizing contrastive divergence", Neural
 * Computation 2002; T. Tieleman, "Training restricted Boltzmann machines using approximations to the likelihood
 * gradient", ICML 2008; R. Salakhutdinov &amp; I. Murray, "On the quantitative analysis of deep belief networks",
 * ICML 2008; G. Hinton, "A practical guide to training restricted Boltzmann machines", UTML TR 2010-003;
 * scikit-learn {@code sklearn.neural_network.BernoulliRBM}.
 */
public final class RBM implements EncoderModel {
    /** The data input, and the encoder graph's input. */
    public static final String INPUT = "input";
    /** The negative particles input. */
    public static final String NEGATIVE = "negative";
    /** Merge of data and particles feeding the RBM layer. */
    public static final String PARTICLES = "particles";
    /** The RBM layer (parameters and score). */
    public static final String RBM_LAYER = "rbm";
    /** The encoder graph's output: the hidden probabilities. */
    public static final String CODE = "code";
    /** The classifier graph's softmax output. */
    public static final String CLASSIFIER = "classifier";

    private final Builder b;

    private RBM(Builder b) {
        this.b = b.copy();
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return "rbm";
    }

    @Override
    public long[] inputShape() {
        return new long[] {b.nVisible};
    }

    /** The data, and the negative particles {@code [nVisible]}. */
    @Override
    public java.util.List<org.unsupervisedzoo.zoo.core.GraphIO> inputs() {
        return java.util.List.of(org.unsupervisedzoo.zoo.core.GraphIO.data(INPUT, inputShape()),
                new org.unsupervisedzoo.zoo.core.GraphIO(NEGATIVE, inputShape(),
                        "the visible states of the Gibbs chains: PCD's persistent chains, or CD-k's chains started at"
                                + " the data (RbmIterator draws them)",
                        "any array of the data's shape (the data again); use encoderGraph for the hidden units"));
    }

    @Override
    public String[] describeOutput(String name, boolean penaltyHead) {
        return new String[] {"null (no labels)", "its input [data | particles], unchanged"};
    }

    public int nVisible() {
        return b.nVisible;
    }

    public int nHidden() {
        return b.nHidden;
    }

    public VisibleUnits visibleUnits() {
        return b.visibleUnits;
    }

    /** Gibbs steps per update. */
    public int k() {
        return b.k;
    }

    /** PCD (true) or CD (false). */
    public boolean persistent() {
        return b.persistent;
    }

    public double initStd() {
        return b.initStd;
    }

    public long seed() {
        return b.seedValue();
    }

    /** The shared configuration (seed, data type) for graphs derived from this RBM. */
    org.deeplearning4j.nn.conf.NeuralNetConfiguration.Builder netBuilderForEncoder() {
        return b.netBuilder();
    }

    @Override
    public ComputationGraphConfiguration conf() {
        return b.netBuilder().graphBuilder()
                .addInputs(INPUT, NEGATIVE)
                .setInputTypes(InputType.feedForward(b.nVisible), InputType.feedForward(b.nVisible))
                // [batch, nVisible] x 2 -> [batch, 2 nVisible]
                .addVertex(PARTICLES, new MergeVertex(), INPUT, NEGATIVE)
                // score mean F(v_data) - mean F(v_model)
                .addLayer(RBM_LAYER, new RbmLayer(b.nVisible, b.nHidden, b.visibleUnits, b.initStd), PARTICLES)
                .setOutputs(RBM_LAYER)
                .build();
    }

    /** The parameters of a graph built by this factory, as views (they follow further training). */
    public RbmParams params(ComputationGraph trained) {
        return new RbmParams(trained.getParam(RBM_LAYER + "_" + RbmLayer.WEIGHT_KEY),
                trained.getParam(RBM_LAYER + "_" + RbmLayer.VISIBLE_BIAS_KEY),
                trained.getParam(RBM_LAYER + "_" + RbmLayer.HIDDEN_BIAS_KEY), b.visibleUnits);
    }

    /**
     * The RBM layer, {@value #RBM_LAYER}: the features are its hidden probabilities, which no vertex of the
     * training graph outputs, so {@link #encoderGraph} builds them as a sigmoid dense layer.
     */
    @Override
    public String codeVertex() {
        return RBM_LAYER;
    }

    /**
     * A plain DL4J graph {@value #INPUT} {@code [batch, nVisible]} -> {@value #CODE} (sigmoid DenseLayer,
     * {@code [batch, nHidden]}) whose output is the trained RBM's hidden probabilities {@code p(h|v)}: built-in
     * layers only, weights {@code W} and hidden bias {@code c} copied.
     */
    @Override
    public ComputationGraph encoderGraph(ComputationGraph trained) {
        return encoderGraph(netBuilderForEncoder(), new RbmParams[] {params(trained)});
    }

    /** The encoder graph of a stack of RBMs: input -> hidden-1 -> ... -> code, each a sigmoid DenseLayer. */
    static ComputationGraph encoderGraph(org.deeplearning4j.nn.conf.NeuralNetConfiguration.Builder net,
                                         RbmParams[] layers) {
        ComputationGraphConfiguration.GraphBuilder g = net.graphBuilder().addInputs(INPUT)
                .setInputTypes(InputType.feedForward(layers[0].nVisible()));
        String prev = INPUT;
        for (int i = 0; i < layers.length; i++) {
            String name = i == layers.length - 1 ? CODE : RbmStack.hiddenLayer(i + 1);
            g.addLayer(name, new DenseLayer.Builder().nIn(layers[i].nVisible()).nOut(layers[i].nHidden())
                    .activation(Activation.SIGMOID).build(), prev);
            prev = name;
        }
        ComputationGraph encoder = new ComputationGraph(g.setOutputs(CODE).build());
        encoder.init();
        for (int i = 0; i < layers.length; i++) {
            String name = i == layers.length - 1 ? CODE : RbmStack.hiddenLayer(i + 1);
            encoder.getParam(name + "_W").assign(layers[i].weights());
            encoder.getParam(name + "_b").assign(layers[i].hiddenBias());
        }
        return encoder;
    }

    /**
     * A classifier on the RBM's features: the {@link #encoderGraph} frozen, plus a softmax output layer
     * {@value #CLASSIFIER} ({@code nClasses}, multi-class cross-entropy) trained with {@code updater}.
     * Labels are one-hot.
     */
    public ComputationGraph classifierGraph(ComputationGraph trained, int nClasses, IUpdater updater) {
        return classifierOn(encoderGraph(trained), b.nHidden, nClasses, updater, b.seedValue());
    }

    static ComputationGraph classifierOn(ComputationGraph encoder, int features, int nClasses, IUpdater updater,
                                         long seed) {
        Checks.positive("nClasses", nClasses);
        Checks.updater("updater", updater);
        return new TransferLearning.GraphBuilder(encoder)
                .fineTuneConfiguration(new FineTuneConfiguration.Builder().updater(updater).seed(seed).build())
                .setFeatureExtractor(CODE)
                .addLayer(CLASSIFIER, new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(features)
                        .nOut(nClasses).activation(Activation.SOFTMAX)
                        .weightInit(org.deeplearning4j.nn.weights.WeightInit.XAVIER).build(), CODE)
                .setOutputs(CLASSIFIER)
                .build();
    }

    /** Hyper-parameters, each with its default, plus those of {@link ZooBuilder} (updater default Sgd(0.1)). */
    public static final class Builder extends ZooBuilder<Builder> {
        private int nVisible = 784;
        private int nHidden = 256;
        private VisibleUnits visibleUnits = VisibleUnits.BERNOULLI;
        private int k = 1;
        private boolean persistent = true;
        private double initStd = 0.01;

        private Builder() {
            updater = new Sgd(0.1);
        }

        long seedValue() {
            return seed;
        }

        /** Visible units (data width). Default 784. */
        public Builder nVisible(int nVisible) {
            this.nVisible = nVisible;
            return this;
        }

        /** Hidden units (scikit-learn's n_components). Default 256. */
        public Builder nHidden(int nHidden) {
            this.nHidden = nHidden;
            return this;
        }

        /** Visible distribution. Default BERNOULLI. */
        public Builder visibleUnits(VisibleUnits visibleUnits) {
            this.visibleUnits = visibleUnits;
            return this;
        }

        /** Gibbs steps per update (the k of CD-k / PCD-k). Default 1. */
        public Builder k(int k) {
            this.k = k;
            return this;
        }

        /** Persistent chain (PCD / SML, as scikit-learn) or restart at the data (CD). Default true. */
        public Builder persistent(boolean persistent) {
            this.persistent = persistent;
            return this;
        }

        /** Standard deviation of the initial weights. Default 0.01. */
        public Builder initStd(double initStd) {
            this.initStd = initStd;
            return this;
        }

        public RBM build() {
            validateCommon();
            Checks.positive("nVisible", nVisible);
            Checks.positive("nHidden", nHidden);
            Checks.notNull("visibleUnits", visibleUnits);
            Checks.positive("k", k);
            Checks.nonNegative("initStd", initStd);
            return new RBM(this);
        }
    }
}
