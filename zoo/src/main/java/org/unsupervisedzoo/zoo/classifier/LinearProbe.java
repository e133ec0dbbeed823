package org.unsupervisedzoo.zoo.classifier;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.unsupervisedzoo.zoo.core.Checks;

/**
 * The linear probe of representation learning: multinomial logistic regression (one softmax layer) trained on the
 * frozen codes of an encoder, its test accuracy the measure of how linearly separable the classes are in the code.
 *
 * <p>The codes of the training and test sets are computed once (flattened to {@code [n, width]}) and standardised
 * with the training set's mean and standard deviation; the softmax layer is trained on them with Adam for a fixed
 * number of epochs on seeded shuffles, with a small L2 penalty. Raw pixels through the identity "encoder" give the
 * baseline ({@link #onFeatures}).
 *
 * <p><b>Defaults.</b> {@code epochs=30, batchSize=256, learningRate=1e-2, l2=1e-4, seed=12345}.
 */
public final class LinearProbe {
    private int epochs = 30;
    private int batchSize = 256;
    private double learningRate = 1e-2;
    private double l2 = 1e-4;
    private long seed = 12345;

    /** A probe with the default settings. */
    public LinearProbe() {
    }

    /** Training epochs over the codes. Default 30. */
    public LinearProbe epochs(int epochs) {
        this.epochs = epochs;
        return this;
    }

    /** Minibatch size. Default 256. */
    public LinearProbe batchSize(int batchSize) {
        this.batchSize = batchSize;
        return this;
    }

    /** Adam learning rate. Default 1e-2. */
    public LinearProbe learningRate(double learningRate) {
        this.learningRate = learningRate;
        return this;
    }

    /** L2 penalty on the softmax weights. Default 1e-4. */
    public LinearProbe l2(double l2) {
        this.l2 = l2;
        return this;
    }

    /** Seed of initialisation and shuffling. Default 12345. */
    public LinearProbe seed(long seed) {
        this.seed = seed;
        return this;
    }

    /** The outcome: accuracies in [0,1] and the width of the code. */
    public static final class Result {
        public final double trainAccuracy;
        public final double testAccuracy;
        public final long codeWidth;

        Result(double trainAccuracy, double testAccuracy, long codeWidth) {
            this.trainAccuracy = trainAccuracy;
            this.testAccuracy = testAccuracy;
            this.codeWidth = codeWidth;
        }

        @Override
        public String toString() {
            return String.format("linear probe: code width %d, train accuracy %.4f, test accuracy %.4f", codeWidth,
                    trainAccuracy, testAccuracy);
        }
    }

    /** Probes {@code encoder} (one input, one output) with one-hot labelled iterators. */
    public Result evaluate(ComputationGraph encoder, DataSetIterator train, DataSetIterator test) {
        Checks.notNull("encoder", encoder);
        return onFeatures(codes(encoder, train), codes(encoder, test));
    }

    /** Probes precomputed features: {@code [features, one-hot labels]} of the training and test sets. */
    public Result onFeatures(DataSet train, DataSet test) {
        Checks.positive("epochs", epochs);
        Checks.positive("batchSize", batchSize);
        Checks.positive("learningRate", learningRate);
        Checks.nonNegative("l2", l2);
        INDArray x = train.getFeatures().castTo(DataType.FLOAT);
        INDArray xt = test.getFeatures().castTo(DataType.FLOAT);
        if (x.size(1) != xt.size(1)) {
            throw new IllegalArgumentException("train and test features differ in width: " + x.size(1) + " vs "
                    + xt.size(1));
        }
        INDArray mean = x.mean(0);
        INDArray std = x.std(0).addi(1e-6);
        x = x.subRowVector(mean).diviRowVector(std);
        xt = xt.subRowVector(mean).diviRowVector(std);
        INDArray y = train.getLabels().castTo(DataType.FLOAT);
        long width = x.size(1);
        ComputationGraph softmax = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(seed)
                .dataType(DataType.FLOAT).updater(new Adam(learningRate)).l2(l2).weightInit(WeightInit.XAVIER)
                .graphBuilder().addInputs("code")
                .addLayer("prediction", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(width)
                        .nOut(y.size(1)).activation(Activation.SOFTMAX).build(), "code")
                .setOutputs("prediction").build());
        softmax.init();
        java.util.Random rng = new java.util.Random(seed);
        int n = (int) x.size(0);
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int epoch = 0; epoch < epochs; epoch++) {
            for (int i = n - 1; i > 0; i--) {
                int r = rng.nextInt(i + 1);
                int t = order[i];
                order[i] = order[r];
                order[r] = t;
            }
            for (int start = 0; start < n; start += batchSize) {
                int[] idx = java.util.Arrays.copyOfRange(order, start, Math.min(n, start + batchSize));
                softmax.fit(new DataSet(Nd4j.pullRows(x, 1, idx), Nd4j.pullRows(y, 1, idx)));
            }
        }
        return new Result(accuracy(softmax, x, y), accuracy(softmax, xt, test.getLabels()), width);
    }

    /** Share of rows whose arg-max prediction equals the arg-max label. */
    static double accuracy(ComputationGraph net, INDArray x, INDArray oneHot) {
        INDArray predicted = net.outputSingle(false, x).argMax(1);
        INDArray truth = oneHot.argMax(1);
        return predicted.eq(truth).castTo(DataType.DOUBLE).meanNumber().doubleValue();
    }

    /** The flattened codes of every example of {@code data} with their labels. */
    public static DataSet codes(ComputationGraph encoder, DataSetIterator data) {
        List<INDArray> features = new ArrayList<>();
        List<INDArray> labels = new ArrayList<>();
        data.reset();
        while (data.hasNext()) {
            DataSet ds = data.next();
            INDArray code = encoder.outputSingle(false, ds.getFeatures());
            features.add(code.reshape(code.size(0), code.length() / code.size(0)).dup());
            labels.add(ds.getLabels());
        }
        if (features.isEmpty()) {
            throw new IllegalArgumentException("the iterator returned no examples");
        }
        return new DataSet(Nd4j.vstack(features.toArray(new INDArray[0])), Nd4j.vstack(labels.toArray(new INDArray[0])));
    }
}
