package org.unsupervisedzoo.zoo.classifier;

import java.util.Arrays;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.dropout.IDropout;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.transferlearning.FineTuneConfiguration;
import org.deeplearning4j.nn.transferlearning.TransferLearning;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.unsupervisedzoo.zoo.core.Checks;
import org.unsupervisedzoo.zoo.core.EncoderModel;

/**
 * A classifier on top of a pretrained zoo encoder: the encoder of any {@link EncoderModel} (undercomplete,
 * denoising, sparse, contractive, convolutional, variational (its mean), RBM (its hidden probabilities)), then an
 * optional MLP head, then a softmax output. The encoder is either frozen (a fixed feature extractor: DL4J's
 * {@code FrozenLayer}s, so neither its weights nor any updater state change) or fine-tuned end to end with the
 * head.
 *
 * <pre>
 *   input -> [encoder, weights copied from the trained model] -> code      (e.g. 784 -> 128 -> 64 -> 32)
 *         -> head-1 .. head-k (dense, {@code activation})                   (optional, e.g. 32 -> 100)
 *         -> prediction (softmax, multi-class cross-entropy)                (-> numClasses)
 * </pre>
 *
 * <p>Built with DL4J's {@link TransferLearning.GraphBuilder} on the encoder graph of
 * {@link EncoderModel#encoderGraph}: decoder and penalty heads (custom SameDiff layers) are dropped, input
 * corruption and dropout are removed, the encoder weights are carried over exactly. A 4-D code (a convolutional
 * encoder without a dense code) is flattened. Labels are one-hot {@code [batch, numClasses]}.
 *
 * <p><b>Defaults and tuning.</b> {@code numClasses=10, hiddenSizes=[] (a softmax on the code, i.e. multinomial
 * logistic regression when frozen), activation=RELU, frozen=true, updater=Adam(1e-3), l2=0, dropout=0,
 * inputDropout=0, seed=12345}. Frozen
 * codes are what a linear probe measures; with few labels fine-tuning usually wins once the head has settled,
 * and a smaller learning rate (1e-4) keeps the pretrained features from being washed out.
 *
 * <p><b>The same classifier from scratch</b> (the baseline of a semi-supervised comparison): call
 * {@link #fromScratch(EncoderModel)}, which builds this classifier on a freshly initialised encoder of the same
 * architecture, trained end to end.
 *
 * <p><b>Training it</b> with early stopping on a labelled validation split: {@link ClassifierFit}.
 */
public final class EncoderClassifier {
    /** Name of the classifier's softmax output layer. */
    public static final String PREDICTION = "prediction";

    private EncoderClassifier() {
    }

    /** Name of the batch normalization on the code ({@link Builder#codeNormalization}). */
    public static final String CODE_NORM = "code-norm";

    /** Name of head layer {@code i} (1-based). */
    public static String headLayer(int i) {
        return "head-" + i;
    }

    /** A classifier on the encoder of {@code trained}, a graph of {@code model}. */
    public static Builder builder(EncoderModel model, ComputationGraph trained) {
        Checks.notNull("model", model);
        Checks.notNull("trained", trained);
        return new Builder(model.encoderGraph(trained), model.inputShape());
    }

    /** A classifier on an encoder graph (one input, one output: the code) reading examples of {@code inputShape}. */
    public static Builder builder(ComputationGraph encoder, long... inputShape) {
        Checks.notNull("encoder", encoder);
        return new Builder(encoder, inputShape);
    }

    /** The same classifier on a freshly initialised encoder of {@code model}'s architecture, trained end to end. */
    public static Builder fromScratch(EncoderModel model) {
        return builder(model, model.init()).frozen(false);
    }

    /**
     * Copies every parameter of {@code from} into {@code to}, two classifiers of the same layers (names and
     * parameter shapes), frozen or not: LP-FT (Kumar et al. 2022, "Fine-tuning can distort pretrained features"),
     * where a classifier trained on the frozen encoder is the start of one that fine-tunes it, so the encoder
     * never meets a random head. Returns {@code to}. Train it with {@link ClassifierFit.Builder#keepStart} on, so
     * that the result is never worse on validation than the frozen classifier it starts from.
     *
     * @throws IllegalArgumentException naming the first layer or parameter that differs
     */
    public static ComputationGraph copyParameters(ComputationGraph from, ComputationGraph to) {
        Checks.notNull("from", from);
        Checks.notNull("to", to);
        for (org.deeplearning4j.nn.graph.vertex.GraphVertex v : from.getVertices()) {
            if (!v.hasLayer() || v.numParams() == 0) {
                continue;
            }
            String name = v.getVertexName();
            org.deeplearning4j.nn.graph.vertex.GraphVertex t = to.getVertex(name);
            if (t == null || !t.hasLayer()) {
                throw new IllegalArgumentException("copyParameters: 'to' has no layer '" + name + "'");
            }
            for (Map.Entry<String, INDArray> p : v.getLayer().paramTable().entrySet()) {
                INDArray dst = t.getLayer().paramTable().get(p.getKey());
                if (dst == null || !Arrays.equals(dst.shape(), p.getValue().shape())) {
                    throw new IllegalArgumentException("copyParameters: layer '" + name + "' parameter '"
                            + p.getKey() + "' has shape " + Arrays.toString(p.getValue().shape()) + " in 'from', "
                            + (dst == null ? "none" : Arrays.toString(dst.shape())) + " in 'to'");
                }
            }
        }
        if (from.numParams() != to.numParams()) {
            throw new IllegalArgumentException("copyParameters: 'from' has " + from.numParams() + " parameters, 'to' "
                    + to.numParams());
        }
        for (org.deeplearning4j.nn.graph.vertex.GraphVertex v : from.getVertices()) {
            if (v.hasLayer() && v.numParams() > 0) {
                Map<String, INDArray> dst = to.getVertex(v.getVertexName()).getLayer().paramTable();
                v.getLayer().paramTable().forEach((k, x) -> dst.get(k).assign(x.castTo(dst.get(k).dataType())));
            }
        }
        return to;
    }

    /** Hyper-parameters, each with its default. */
    public static final class Builder {
        private final ComputationGraph encoder;
        private final long[] inputShape;
        private int numClasses = 10;
        private int[] hiddenSizes = {};
        private Activation activation = Activation.RELU;
        private boolean frozen = true;
        private IUpdater updater = new org.nd4j.linalg.learning.config.Adam(1e-3);
        private double l2 = 0;
        private long seed = 12345;
        private double dropout = 0;
        private double inputDropout = 0;
        private boolean codeNormalization = false;
        private INDArray balanceSample = null;

        private Builder(ComputationGraph encoder, long[] inputShape) {
            this.encoder = encoder;
            this.inputShape = inputShape;
        }

        /** Number of classes of the softmax output. Default 10. */
        public Builder numClasses(int numClasses) {
            this.numClasses = numClasses;
            return this;
        }

        /** Widths of the dense head between code and softmax; empty for a softmax on the code. Default []. */
        public Builder hiddenSizes(int... hiddenSizes) {
            this.hiddenSizes = hiddenSizes == null ? null : hiddenSizes.clone();
            return this;
        }

        /** Activation of the head's dense layers. Default RELU. */
        public Builder activation(Activation activation) {
            this.activation = activation;
            return this;
        }

        /** True: the encoder is a fixed feature extractor; false: it is fine-tuned with the head. Default true. */
        public Builder frozen(boolean frozen) {
            this.frozen = frozen;
            return this;
        }

        /** Optimiser of the trainable part. Default Adam(1e-3). */
        public Builder updater(IUpdater updater) {
            this.updater = updater;
            return this;
        }

        /** L2 penalty on the trainable weights. Default 0. */
        public Builder l2(double l2) {
            this.l2 = l2;
            return this;
        }

        /** Seed of the head's initialisation. Default 12345. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Dropout on the head: the probability of zeroing each input of every head layer (the code, and each hidden
         * layer's activations) while training, in {@code [0, 1)}; 0 for none. Inference is unchanged (DL4J's
         * inverted dropout). Default 0.
         */
        public Builder dropout(double dropout) {
            this.dropout = dropout;
            return this;
        }

        /**
         * Dropout on the network input: the probability of zeroing each input of the encoder layers that read the
         * examples (e.g. each pixel), while training, in {@code [0, 1)}; 0 for none. Only with a fine-tuned encoder
         * ({@code frozen=false}): a frozen encoder runs in inference mode, where dropout does nothing. Hinton et
         * al. 2012 drop 20% of MNIST's pixels. Default 0.
         */
        public Builder inputDropout(double inputDropout) {
            this.inputDropout = inputDropout;
            return this;
        }

        /**
         * True: a batch normalization layer ({@link #CODE_NORM}, trainable also when the encoder is frozen) between
         * the code and the head, so the head reads each code unit at zero mean and unit variance whatever the
         * encoder's scale (a trained ReLU autoencoder's code can reach tens; a fresh head expects about one).
         * The same layer is added from scratch, so both classifiers stay the same network. Default false.
         */
        public Builder codeNormalization(boolean codeNormalization) {
            this.codeNormalization = codeNormalization;
            return this;
        }

        /**
         * Unlabelled examples ({@code [n, inputShape...]}, e.g. 1,000 training digits without their labels) on which
         * the encoder's layers are rescaled before training ({@link ScaleBalancing}: each ReLU or linear layer's
         * activations brought to mean square 1, the next layer compensating, so the network computes the same
         * function up to the code's scale). For a pretrained ReLU encoder whose layers drifted apart in scale
         * during pretraining; sigmoid and tanh encoders are left as they are. Null for none. Default null.
         */
        public Builder balanceScales(INDArray unlabelled) {
            this.balanceSample = unlabelled;
            return this;
        }

        /** The shape of one input example, e.g. {@code [784]} or {@code [1, 28, 28]}. */
        public long[] inputShape() {
            return inputShape == null ? null : inputShape.clone();
        }

        /** The classifier graph, initialised; the encoder part holds the encoder's weights. */
        public ComputationGraph build() {
            Checks.positive("numClasses", numClasses);
            if (numClasses < 2) {
                throw new IllegalArgumentException("numClasses must be at least 2, got " + numClasses);
            }
            Checks.notNull("hiddenSizes", hiddenSizes);
            for (int h : hiddenSizes) {
                if (h <= 0) {
                    throw new IllegalArgumentException("hiddenSizes must be positive, got "
                            + Arrays.toString(hiddenSizes));
                }
            }
            Checks.notNull("activation", activation);
            Checks.updater("updater", updater);
            Checks.nonNegative("l2", l2);
            Checks.inRange("dropout", dropout, 0, 1);
            Checks.inRange("inputDropout", inputDropout, 0, 1);
            if (inputDropout > 0 && frozen) {
                throw new IllegalArgumentException("inputDropout needs a fine-tuned encoder (frozen=false): a frozen"
                        + " encoder runs in inference mode, where dropout does nothing; got inputDropout "
                        + inputDropout + " with frozen=true");
            }
            Checks.notNull("inputShape", inputShape);
            if (inputShape.length == 0 || Arrays.stream(inputShape).anyMatch(d -> d <= 0)) {
                throw new IllegalArgumentException("inputShape must be non-empty and positive, got "
                        + Arrays.toString(inputShape));
            }
            if (balanceSample != null && (balanceSample.rank() != inputShape.length + 1 || balanceSample.size(0) < 1
                    || !Arrays.equals(Arrays.copyOfRange(balanceSample.shape(), 1, balanceSample.rank()),
                    inputShape))) {
                throw new IllegalArgumentException("balanceScales must be a batch [n >= 1, " + Arrays.toString(
                        inputShape).replaceAll("[\\[\\]]", "") + "] of examples, got shape "
                        + Arrays.toString(balanceSample.shape()));
            }
            if (encoder.getConfiguration().getNetworkInputs().size() != 1
                    || encoder.getConfiguration().getNetworkOutputs().size() != 1) {
                throw new IllegalArgumentException("encoder must have one input and one output, got inputs "
                        + encoder.getConfiguration().getNetworkInputs() + " and outputs "
                        + encoder.getConfiguration().getNetworkOutputs());
            }
            String code = encoder.getConfiguration().getNetworkOutputs().get(0);
            long[] codeShape = codeShape();
            long width = 1;
            for (int i = 1; i < codeShape.length; i++) {
                width *= codeShape[i];
            }
            InputPreProcessor flatten = codeShape.length == 4
                    ? new CnnToFeedForwardPreProcessor(codeShape[2], codeShape[3], codeShape[1]) : null;
            if (codeShape.length != 2 && codeShape.length != 4) {
                throw new IllegalArgumentException("the encoder's code must be 2-D or 4-D, got shape "
                        + Arrays.toString(codeShape));
            }

            FineTuneConfiguration fine = new FineTuneConfiguration.Builder()
                    .updater(updater).l2(l2).seed(seed).build();
            TransferLearning.GraphBuilder g = new TransferLearning.GraphBuilder(withInputDropout())
                    .fineTuneConfiguration(fine);
            if (frozen) {
                g.setFeatureExtractor(code);
            }
            // code (width) -> head-1 .. head-k -> prediction (numClasses)
            String prev = code;
            long nIn = width;
            if (codeNormalization) {
                g.addLayer(CODE_NORM, new BatchNormalization.Builder().nIn(width).nOut(width).build(), flatten, code);
                prev = CODE_NORM;
                flatten = null;
            }
            for (int i = 0; i < hiddenSizes.length; i++) {
                DenseLayer layer = new DenseLayer.Builder().nIn(nIn).nOut(hiddenSizes[i]).activation(activation)
                        .weightInit(WeightInit.RELU).dropOut(retain()).build();
                g.addLayer(headLayer(i + 1), layer, i == 0 ? flatten : null, prev);
                prev = headLayer(i + 1);
                nIn = hiddenSizes[i];
            }
            OutputLayer out = new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(nIn).nOut(numClasses)
                    .activation(Activation.SOFTMAX).weightInit(WeightInit.XAVIER).dropOut(retain()).build();
            g.addLayer(PREDICTION, out, hiddenSizes.length == 0 ? flatten : null, prev);
            g.setOutputs(PREDICTION);
            ComputationGraph built = g.build();
            DataType type = encoder.params().dataType();
            // DL4J's transfer learning builds the new head in its default type (FLOAT): keep the encoder's
            if (built.getConfiguration().getDataType() != type) {
                built = built.convertDataType(type);
            }
            if (balanceSample != null) {
                ScaleBalancing.balance(built, encoder.getConfiguration().getVertices().keySet(), balanceSample);
            }
            return built;
        }

        /**
         * The encoder, or with {@link #inputDropout} a copy (same parameters) whose layers that read the network
         * input drop their inputs while training. Refuses an encoder whose input feeds anything but a layer with
         * dropout of its own unset.
         */
        private ComputationGraph withInputDropout() {
            if (inputDropout == 0) {
                return encoder;
            }
            ComputationGraphConfiguration conf = encoder.getConfiguration().clone();
            String input = conf.getNetworkInputs().get(0);
            conf.getVertexInputs().forEach((name, inputs) -> {
                if (!inputs.contains(input)) {
                    return;
                }
                GraphVertex v = conf.getVertices().get(name);
                if (!(v instanceof LayerVertex lv) || lv.getLayerConf().getLayer().getIDropout() != null) {
                    throw new IllegalArgumentException("inputDropout needs the network input to feed layers"
                            + " without dropout of their own; '" + name + "' is " + v);
                }
                lv.getLayerConf().getLayer().setIDropout(new Dropout(1 - inputDropout));
            });
            ComputationGraph copy = new ComputationGraph(conf);
            copy.init(encoder.params().dup(), false);
            return copy;
        }

        /** DL4J's dropout of the head layers (it takes the probability of keeping an input), or null for none. */
        private IDropout retain() {
            return dropout == 0 ? null : new Dropout(1 - dropout);
        }

        /** The shape of the encoder's output for one example of {@link #inputShape}. */
        private long[] codeShape() {
            long[] shape = new long[inputShape.length + 1];
            shape[0] = 1;
            System.arraycopy(inputShape, 0, shape, 1, inputShape.length);
            INDArray x = Nd4j.zeros(encoder.params().dataType(), shape);
            try {
                return encoder.outputSingle(false, x).shape();
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("the encoder does not accept examples of shape "
                        + Arrays.toString(inputShape) + ": " + e.getMessage(), e);
            }
        }
    }
}
