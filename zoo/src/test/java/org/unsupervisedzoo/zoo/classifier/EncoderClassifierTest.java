package org.unsupervisedzoo.zoo.classifier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.unsupervisedzoo.zoo.ZooAssertions.rejects;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.FrozenLayer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.unsupervisedzoo.datasets.MnistIterator;
import org.unsupervisedzoo.zoo.core.EncoderModel;
import org.unsupervisedzoo.zoo.SampleData;
import org.unsupervisedzoo.zoo.ZooAssertions;
import org.unsupervisedzoo.zoo.autoencoder.Autoencoders;
import org.unsupervisedzoo.zoo.contractive.ContractiveAutoencoder;
import org.unsupervisedzoo.zoo.convolutional.ConvolutionalAutoencoder;
import org.unsupervisedzoo.zoo.denoising.DenoisingAutoencoder;
import org.unsupervisedzoo.zoo.sparse.SparseAutoencoder;
import org.unsupervisedzoo.zoo.autoencoder.UndercompleteAutoencoder;
import org.unsupervisedzoo.zoo.vae.VAE;
import org.unsupervisedzoo.zoo.vae.VaeIterator;
import org.unsupervisedzoo.zoo.denoising.GaussianCorruption;
import org.unsupervisedzoo.zoo.core.Encoders;

class EncoderClassifierTest {
    @TempDir
    Path tmp;

    private static final INDArray X = SampleData.testBatch(8, MnistIterator.Shape.FLAT);
    private static final INDArray IMAGES = SampleData.testBatch(8, MnistIterator.Shape.IMAGE);

    /** A labelled batch of the first sample digits. */
    private static DataSet labelled(MnistIterator.Shape shape) {
        return MnistIterator.builder(SampleData.TRAIN).batchSize(32).shape(shape).seed(3).build().next();
    }

    /** Trains {@code model} briefly so its weights are not the initial ones. */
    private static ComputationGraph trained(EncoderModel model, MnistIterator.Shape shape) {
        if (model instanceof VAE) {
            ComputationGraph g = model.init();
            g.fit(new VaeIterator(SampleData.train(64, shape, 256), (VAE) model, 1));
            return g;
        }
        return SampleData.trained((org.unsupervisedzoo.zoo.autoencoder.AutoencoderFactory) model, 1, 256, shape);
    }

    @Test
    void encoderGraphReproducesTheCodeOfEveryAutoencoder() {
        Map<EncoderModel, MnistIterator.Shape> models = Map.of(
                UndercompleteAutoencoder.builder().hiddenSizes(32, 8).build(), MnistIterator.Shape.FLAT,
                DenoisingAutoencoder.builder().hiddenSizes(16).corruption(new GaussianCorruption(0.3, true)).build(),
                MnistIterator.Shape.FLAT,
                SparseAutoencoder.builder().hiddenSizes(24).build(), MnistIterator.Shape.FLAT,
                ContractiveAutoencoder.builder().hiddenSizes(16, 8).build(), MnistIterator.Shape.FLAT,
                ConvolutionalAutoencoder.builder().filters(4, 8).codeSize(6).build(), MnistIterator.Shape.IMAGE,
                VAE.builder().hiddenSizes(16).latentSize(3).build(), MnistIterator.Shape.FLAT);
        for (Map.Entry<EncoderModel, MnistIterator.Shape> e : models.entrySet()) {
            EncoderModel model = e.getKey();
            INDArray x = e.getValue() == MnistIterator.Shape.FLAT ? X : IMAGES;
            ComputationGraph g = trained(model, e.getValue());
            ComputationGraph encoder = model.encoderGraph(g);
            INDArray expected = model instanceof VAE ? ((VAE) model).encode(g, x)[0]
                    : Autoencoders.encode(g, x);
            INDArray actual = encoder.outputSingle(false, x);
            assertTrue(expected.equalsWithEps(actual, 1e-6), model.name() + ": encoder graph gives the code");
            assertEquals(List.of("input"), encoder.getConfiguration().getNetworkInputs(), model.name());
            for (org.deeplearning4j.nn.conf.graph.GraphVertex v : encoder.getConfiguration().getVertices().values()) {
                if (v instanceof LayerVertex) {
                    assertNull(((LayerVertex) v).getLayerConf().getLayer().getIDropout(),
                            model.name() + ": no corruption or dropout left in the encoder");
                }
            }
            // the copy is not shared: training the autoencoder further leaves the encoder graph alone
            INDArray encoderParams = encoder.params().dup();
            g.params().addi(1);
            assertEquals(encoderParams, encoder.params(), model.name());
        }
    }

    @Test
    void frozenClassifierCarriesTheEncoderWeightsAndNeverMovesThem() throws Exception {
        UndercompleteAutoencoder ae = UndercompleteAutoencoder.builder().hiddenSizes(32, 8).build();
        ComputationGraph g = trained(ae, MnistIterator.Shape.FLAT);
        ComputationGraph clf = EncoderClassifier.builder(ae, g).hiddenSizes(16).build();
        assertEquals(List.of(EncoderClassifier.PREDICTION), clf.getConfiguration().getNetworkOutputs());
        for (String name : new String[] {Autoencoders.encoderLayer(1), Autoencoders.CODE}) {
            assertEquals(g.getLayer(name).params(), clf.getLayer(name).params(), name + " carried over exactly");
            assertTrue(clf.getLayer(name) instanceof FrozenLayer, name + " frozen");
        }
        assertTrue(clf.getVertex(Autoencoders.RECONSTRUCTION) == null, "decoder dropped");
        DataSet batch = labelled(MnistIterator.Shape.FLAT);
        INDArray out = clf.outputSingle(false, batch.getFeatures());
        assertArrayEquals(new long[] {32, 10}, out.shape());
        assertTrue(out.sum(1).sub(1).amaxNumber().doubleValue() < 1e-5, "softmax rows sum to one");
        INDArray encoderBefore = clf.getLayer(Autoencoders.CODE).params().dup();
        INDArray headBefore = clf.getLayer(EncoderClassifier.PREDICTION).params().dup();
        for (int i = 0; i < 3; i++) {
            clf.fit(batch);
        }
        assertEquals(encoderBefore, clf.getLayer(Autoencoders.CODE).params(), "frozen encoder unchanged");
        assertEquals(g.getLayer(Autoencoders.encoderLayer(1)).params(),
                clf.getLayer(Autoencoders.encoderLayer(1)).params());
        assertNotEquals(headBefore, clf.getLayer(EncoderClassifier.PREDICTION).params(), "head trained");
        ZooAssertions.jsonRoundTrip(clf, batch.getFeatures());
        ZooAssertions.serializerRoundTrip(clf, tmp, batch.getFeatures());
    }

    @Test
    void fineTunedClassifierMovesTheEncoderAndSparsityHeadIsDropped() {
        SparseAutoencoder sae = SparseAutoencoder.builder().hiddenSizes(24).build();
        ComputationGraph g = trained(sae, MnistIterator.Shape.FLAT);
        ComputationGraph clf = EncoderClassifier.builder(sae, g).frozen(false).build();
        assertTrue(clf.getVertex(SparseAutoencoder.SPARSITY) == null, "penalty head dropped");
        assertEquals(g.getLayer(Autoencoders.CODE).params(), clf.getLayer(Autoencoders.CODE).params());
        assertTrue(!(clf.getLayer(Autoencoders.CODE) instanceof FrozenLayer));
        INDArray before = clf.getLayer(Autoencoders.CODE).params().dup();
        clf.fit(labelled(MnistIterator.Shape.FLAT));
        assertNotEquals(before, clf.getLayer(Autoencoders.CODE).params(), "fine-tuning moves the encoder");
    }

    @Test
    void inputDropoutDropsPixelsWhileTrainingOnlyAndIsRefusedOnAFrozenEncoder() throws Exception {
        ContractiveAutoencoder cae = ContractiveAutoencoder.builder().hiddenSizes(24).build();
        ComputationGraph g = trained(cae, MnistIterator.Shape.FLAT);
        ComputationGraph plain = EncoderClassifier.builder(cae, g).frozen(false).seed(5).build();
        ComputationGraph dropped = EncoderClassifier.builder(cae, g).frozen(false).seed(5).inputDropout(0.2).build();
        assertEquals(plain.params(), dropped.params(), "same weights: the encoder's and the same head");
        assertEquals(0.8, ((org.deeplearning4j.nn.conf.dropout.Dropout) dropped.getLayer(Autoencoders.CODE)
                .conf().getLayer().getIDropout()).getP(), 0, "DL4J's dropout takes the probability of keeping");
        assertNull(plain.getLayer(Autoencoders.CODE).conf().getLayer().getIDropout());
        assertNull(g.getLayer(Autoencoders.CODE) == null ? null
                : g.getLayer(Autoencoders.CODE).conf().getLayer().getIDropout(), "the trained graph is not changed");
        assertEquals(plain.outputSingle(false, X), dropped.outputSingle(false, X), "inference: no dropout");
        Nd4j.getRandom().setSeed(1);
        INDArray training = dropped.outputSingle(true, X);
        assertNotEquals(plain.outputSingle(true, X), training, "training: pixels dropped");
        ComputationGraph accelerated = org.unsupervisedzoo.zoo.fast.Accelerate.accelerate(dropped);
        Nd4j.getRandom().setSeed(1);
        assertEquals(training, accelerated.outputSingle(true, X), "the fast layers drop the same pixels");
        ZooAssertions.fitChangesParameters(dropped, new org.nd4j.linalg.dataset.MultiDataSet(
                labelled(MnistIterator.Shape.FLAT).getFeatures(), labelled(MnistIterator.Shape.FLAT).getLabels()));
        ZooAssertions.jsonRoundTrip(dropped, X);
        ZooAssertions.serializerRoundTrip(dropped, tmp, X);
        rejects(() -> EncoderClassifier.builder(cae, g).inputDropout(0.2).build(), "inputDropout", "0.2",
                "frozen=true");
        rejects(() -> EncoderClassifier.builder(cae, g).frozen(false).inputDropout(1).build(), "inputDropout", "1");
    }

    @Test
    void convolutionalCodeIsFlattenedAndVaeUsesTheMean() throws Exception {
        ConvolutionalAutoencoder cae = ConvolutionalAutoencoder.builder().filters(4, 8).codeSize(0).build();
        ComputationGraph clf = EncoderClassifier.builder(cae, cae.init()).build();
        DataSet images = labelled(MnistIterator.Shape.IMAGE);
        assertArrayEquals(new long[] {32, 10}, clf.outputSingle(false, images.getFeatures()).shape());
        ZooAssertions.fitChangesParameters(clf, new org.nd4j.linalg.dataset.MultiDataSet(images.getFeatures(),
                images.getLabels()));
        ZooAssertions.serializerRoundTrip(clf, tmp, images.getFeatures());

        VAE vae = VAE.builder().hiddenSizes(16).latentSize(3).build();
        ComputationGraph v = vae.init();
        ComputationGraph vc = EncoderClassifier.builder(vae, v).build();
        assertEquals(List.of("input"), vc.getConfiguration().getNetworkInputs(), "no noise input");
        assertArrayEquals(new long[] {8, 10}, vc.outputSingle(false, X).shape());
        ZooAssertions.jsonRoundTrip(vc, X);
    }

    @Test
    void codeNormalizationStandardizesEachCodeUnitInEveryMode() throws Exception {
        UndercompleteAutoencoder ae = UndercompleteAutoencoder.builder().hiddenSizes(32, 8).build();
        ComputationGraph g = trained(ae, MnistIterator.Shape.FLAT);
        DataSet batch = labelled(MnistIterator.Shape.FLAT);
        ComputationGraph frozen = EncoderClassifier.builder(ae, g).hiddenSizes(16).codeNormalization(true).build();
        assertEquals(List.of(Autoencoders.CODE), frozen.getConfiguration().getVertexInputs()
                .get(EncoderClassifier.CODE_NORM), "normalization reads the code");
        assertEquals(List.of(EncoderClassifier.CODE_NORM), frozen.getConfiguration().getVertexInputs()
                .get(EncoderClassifier.headLayer(1)), "the head reads the normalized code");
        // in training mode batch normalization (gamma 1, beta 0 at the start) standardizes each unit over the batch
        Map<String, INDArray> acts = frozen.feedForward(batch.getFeatures(), true);
        INDArray code = acts.get(Autoencoders.CODE), norm = acts.get(EncoderClassifier.CODE_NORM);
        INDArray mean = code.mean(0), var = code.var(false, 0);
        for (int j = 0; j < code.columns(); j++) {
            for (int i = 0; i < code.rows(); i++) {
                double expected = (code.getDouble(i, j) - mean.getDouble(j)) / Math.sqrt(var.getDouble(j) + 1e-5);
                assertEquals(expected, norm.getDouble(i, j), 1e-3, "unit " + j + " example " + i);
            }
        }
        INDArray encoder = frozen.getLayer(Autoencoders.CODE).params().dup();
        INDArray bn = frozen.getLayer(EncoderClassifier.CODE_NORM).params().dup();
        for (int i = 0; i < 3; i++) {
            frozen.fit(batch);
        }
        assertEquals(encoder, frozen.getLayer(Autoencoders.CODE).params(), "the encoder stays frozen");
        assertNotEquals(bn, frozen.getLayer(EncoderClassifier.CODE_NORM).params(), "the normalization trains");
        ZooAssertions.jsonRoundTrip(frozen, X);
        ZooAssertions.serializerRoundTrip(frozen, tmp, X);
        assertEquals(EncoderClassifier.fromScratch(ae).hiddenSizes(16).codeNormalization(true).build().numParams(),
                frozen.numParams(), "scratch gets the same layer");
        ConvolutionalAutoencoder conv = ConvolutionalAutoencoder.builder().filters(4, 8).codeSize(0).build();
        ComputationGraph convClf = EncoderClassifier.builder(conv, conv.init()).codeNormalization(true).build();
        assertArrayEquals(new long[] {8, 10}, convClf.outputSingle(false, IMAGES).shape(), "a 4-D code is flattened");
    }

    /**
     * Scale balancing of a ReLU encoder: every encoder layer's activations end at mean square 1 on the sample, the
     * code is the original code divided by one factor (the same function up to the code's scale), each layer's
     * factor is the root mean square of its activations in the trained graph, the trained graph is not touched,
     * in a frozen and a fine-tuned classifier alike; balancing twice changes nothing more, a sigmoid encoder is left
     * exactly as it is, the VAE's latent parameters (read by a split vertex) keep their scale, a convolutional
     * encoder keeps its code up to one factor, and a sample of the wrong shape is refused naming it.
     */
    @Test
    void balanceScalesRescalesAReluEncoderWithoutChangingWhatItComputes() throws Exception {
        UndercompleteAutoencoder ae = UndercompleteAutoencoder.builder().hiddenSizes(32, 16, 8).build();
        ComputationGraph g = trained(ae, MnistIterator.Shape.FLAT);
        // the layers at unequal scales, as pretraining can leave them (the decoder is not part of the classifier)
        g.getLayer("encoder-1").getParam("W").muli(3);
        g.getLayer("encoder-1").getParam("b").muli(3);
        g.getLayer("encoder-2").getParam("W").muli(0.2);
        g.getLayer("encoder-2").getParam("b").muli(0.2);
        INDArray before = g.params().dup();
        INDArray sample = SampleData.train(64, MnistIterator.Shape.FLAT, 256).next().getFeatures();
        Map<String, INDArray> original = ae.encoderGraph(g).feedForward(X, false);
        for (boolean frozen : new boolean[] {true, false}) {
            ComputationGraph clf = EncoderClassifier.builder(ae, g).frozen(frozen).hiddenSizes(16)
                    .balanceScales(sample).build();
            assertEquals(before, g.params(), "the trained graph is not touched");
            Map<String, INDArray> acts = clf.feedForward(sample, false);
            for (String layer : new String[] {"encoder-1", "encoder-2", Autoencoders.CODE}) {
                INDArray h = acts.get(layer);
                assertEquals(1.0, h.mul(h).meanNumber().doubleValue(), 1e-3, layer + ": mean square 1 on the sample");
            }
            INDArray code = clf.feedForward(X, false).get(Autoencoders.CODE);
            INDArray want = original.get(Autoencoders.CODE);
            double factor = want.norm2Number().doubleValue() / code.norm2Number().doubleValue();
            assertTrue(Math.abs(Math.log(factor)) > 0.3, "the code's scale changed: " + factor);
            assertTrue(want.div(factor).equalsWithEps(code, 1e-4), "the same code up to one factor");
            if (!frozen) {
                assertTrue(!(clf.getLayer(Autoencoders.CODE) instanceof FrozenLayer));
            }
        }
        ComputationGraph clf = EncoderClassifier.builder(ae, g).build();
        Map<String, Double> factors = ScaleBalancing.balance(clf, List.of("encoder-1", "encoder-2", Autoencoders.CODE),
                sample);
        Map<String, INDArray> raw = ae.encoderGraph(g).feedForward(sample, false);
        for (String layer : new String[] {"encoder-1", "encoder-2", Autoencoders.CODE}) {
            INDArray h = raw.get(layer);
            double rms = Math.sqrt(h.mul(h).meanNumber().doubleValue());
            assertEquals(rms, factors.get(layer), 1e-3 * rms, layer + ": divided by its own scale in the trained graph");
        }
        Map<String, Double> again = ScaleBalancing.balance(clf, List.of("encoder-1", "encoder-2", Autoencoders.CODE),
                sample);
        again.values().forEach(f -> assertEquals(1.0, f, 1e-3, "balancing twice changes nothing more"));

        SparseAutoencoder sparse = SparseAutoencoder.builder().hiddenSizes(24).build();
        ComputationGraph sg = trained(sparse, MnistIterator.Shape.FLAT);
        ComputationGraph plain = EncoderClassifier.builder(sparse, sg).frozen(false).seed(4).build();
        ComputationGraph balanced = EncoderClassifier.builder(sparse, sg).frozen(false).seed(4)
                .balanceScales(sample).build();
        assertEquals(plain.params(), balanced.params(), "a sigmoid encoder is left as it is");

        VAE vae = VAE.builder().hiddenSizes(16).latentSize(3).build();
        ComputationGraph vg = trained(vae, MnistIterator.Shape.FLAT);
        ComputationGraph vaeClf = EncoderClassifier.builder(vae, vg).frozen(false).balanceScales(sample).build();
        INDArray h = vaeClf.feedForward(sample, false).get("encoder-1");
        assertEquals(1.0, h.mul(h).meanNumber().doubleValue(), 1e-3, "the VAE's hidden layer is balanced");
        assertTrue(vae.encode(vg, X)[0].equalsWithEps(vaeClf.feedForward(X, false).get(VAE.Z_MEAN), 1e-4),
                "its latent parameters (split into mean and log-variance by a vertex) keep their scale: the same code");

        ConvolutionalAutoencoder conv = ConvolutionalAutoencoder.builder().filters(4, 8).codeSize(6).build();
        ComputationGraph cg = trained(conv, MnistIterator.Shape.IMAGE);
        INDArray images = SampleData.train(64, MnistIterator.Shape.IMAGE, 256).next().getFeatures();
        ComputationGraph convClf = EncoderClassifier.builder(conv, cg).frozen(false).balanceScales(images).build();
        INDArray convCode = convClf.feedForward(IMAGES, false).get(Autoencoders.CODE);
        INDArray rawCode = conv.encoderGraph(cg).outputSingle(false, IMAGES);
        double k = rawCode.norm2Number().doubleValue() / convCode.norm2Number().doubleValue();
        assertTrue(rawCode.div(k).equalsWithEps(convCode, 1e-4), "a convolutional encoder: the same code up to one"
                + " factor (" + k + ")");

        rejects(() -> EncoderClassifier.builder(ae, g).balanceScales(X.reshape(8, 28, 28)).build(), "balanceScales",
                "[8, 28, 28]", "784");
        rejects(() -> ScaleBalancing.balance(clf, List.of(Autoencoders.CODE), Nd4j.zeros(DataType.FLOAT, 0, 784)),
                "sample", "[0, 784]");
    }

    @Test
    void copyParametersStartsAFineTunedClassifierFromATrainedFrozenOne() {
        UndercompleteAutoencoder ae = UndercompleteAutoencoder.builder().hiddenSizes(32, 8).build();
        ComputationGraph g = trained(ae, MnistIterator.Shape.FLAT);
        DataSet batch = labelled(MnistIterator.Shape.FLAT);
        ComputationGraph frozen = EncoderClassifier.builder(ae, g).hiddenSizes(16).seed(1).build();
        for (int i = 0; i < 3; i++) {
            frozen.fit(batch);
        }
        ComputationGraph tuned = EncoderClassifier.builder(ae, g).frozen(false).hiddenSizes(16).seed(2).build();
        assertNotEquals(frozen.outputSingle(false, X), tuned.outputSingle(false, X), "another head before the copy");
        assertTrue(tuned == EncoderClassifier.copyParameters(frozen, tuned));
        assertEquals(frozen.params(), tuned.params());
        assertEquals(frozen.outputSingle(false, X), tuned.outputSingle(false, X), "the same function after it");
        assertTrue(!(tuned.getLayer(Autoencoders.CODE) instanceof FrozenLayer), "still fine-tuned");
        INDArray code = tuned.getLayer(Autoencoders.CODE).params().dup();
        tuned.fit(batch);
        assertNotEquals(code, tuned.getLayer(Autoencoders.CODE).params(), "the encoder trains");
        assertEquals(code, frozen.getLayer(Autoencoders.CODE).params(), "the source is not touched");
        rejects(() -> EncoderClassifier.copyParameters(frozen,
                EncoderClassifier.builder(ae, g).frozen(false).hiddenSizes(12).build()), "head-1", "[8, 16]",
                "[8, 12]");
        rejects(() -> EncoderClassifier.copyParameters(frozen,
                EncoderClassifier.builder(ae, g).frozen(false).build()), "head-1");
    }

    @Test
    void fromScratchHasTheSameArchitectureWithFreshWeights() {
        UndercompleteAutoencoder ae = UndercompleteAutoencoder.builder().hiddenSizes(32, 8).seed(3).build();
        ComputationGraph g = trained(ae, MnistIterator.Shape.FLAT);
        ComputationGraph pre = EncoderClassifier.builder(ae, g).frozen(false).build();
        ComputationGraph scratch = EncoderClassifier.fromScratch(ae).build();
        assertEquals(pre.numParams(), scratch.numParams());
        assertNotEquals(pre.getLayer(Autoencoders.CODE).params(), scratch.getLayer(Autoencoders.CODE).params());
        assertTrue(!(scratch.getLayer(Autoencoders.CODE) instanceof FrozenLayer));
    }

    @Test
    void badSettingsAreNamed() {
        UndercompleteAutoencoder ae = UndercompleteAutoencoder.builder().hiddenSizes(8).build();
        ComputationGraph g = ae.init();
        rejects(() -> EncoderClassifier.builder(ae, g).numClasses(1).build(), "numClasses", "1");
        rejects(() -> EncoderClassifier.builder(ae, g).hiddenSizes(4, -2).build(), "hiddenSizes", "-2");
        rejects(() -> EncoderClassifier.builder(ae.encoderGraph(g), 3, 28, 28).build(), "[3, 28, 28]");
        rejects(() -> Encoders.extract(g, "input", "nope"), "nope");
        VAE vae = VAE.builder().hiddenSizes(8).latentSize(2).build();
        rejects(() -> Encoders.extract(vae.init(), "input", VAE.Z), "eps");
    }

    /**
     * The probe minimises its convex objective J = mean cross-entropy + (l2/2)||W||^2: its J after training is
     * within 1e-4 of the minimum, found here independently by 20,000 steps of full-batch gradient descent in
     * double precision on the same standardised features.
     */
    @Test
    void linearProbeReachesTheMinimumOfItsObjective() {
        Nd4j.getRandom().setSeed(7);
        int n = 2000;
        int d = 30;
        int k = 4;
        INDArray x = Nd4j.randn(DataType.DOUBLE, n, d);
        INDArray y = Nd4j.zeros(DataType.DOUBLE, n, k);
        java.util.Random rng = new java.util.Random(8);
        for (int i = 0; i < n; i++) {
            int c = rng.nextInt(k);
            y.putScalar(i, c, 1);
            for (int j = 0; j < 3; j++) {  // overlapping classes: the minimum has finite weights
                x.putScalar(i, c * 3 + j, x.getDouble(i, c * 3 + j) + 0.8);
            }
        }
        double l2 = 1e-3;
        DataSet train = new DataSet(x.castTo(DataType.FLOAT), y.castTo(DataType.FLOAT));
        LinearProbe.Result r = new LinearProbe().l2(l2).onFeatures(train, train);

        // the minimum: accelerated gradient descent in plain double arithmetic on the probe's standardised features
        double[][] z = x.subRowVector(x.mean(0)).diviRowVector(x.std(0).addi(1e-6)).toDoubleMatrix();
        int[] label = y.argMax(1).toIntVector();
        double[] mins = minimumByGradientDescent(z, label, k, l2, 6000);
        double min = mins[1];
        assertEquals(mins[0], mins[1], 1e-8, "gradient descent has converged");
        assertTrue(r.trainObjective >= min - 1e-7, r.trainObjective + " below the minimum " + min);
        assertEquals(min, r.trainObjective, 1e-4, "the probe's J against the minimum: " + r);
        assertTrue(r.gradientMax < 1e-5 && r.iterations < 1000, r.toString());
        assertEquals(r.trainObjective, new LinearProbe().l2(l2).onFeatures(train, train).trainObjective, 0,
                "deterministic");
        rejects(() -> new LinearProbe().l2(-1).onFeatures(train, train), "l2", "-1");
        rejects(() -> new LinearProbe().maxIterations(0).onFeatures(train, train), "maxIterations", "0");
    }

    /**
     * J after {@code iterations / 2} and after {@code iterations} steps of Nesterov's accelerated gradient descent
     * (step 1/L with L = d/2 + l2, a bound on the curvature for standardised features) from zeros.
     */
    private static double[] minimumByGradientDescent(double[][] z, int[] label, int k, double l2, int iterations) {
        int n = z.length;
        int d = z[0].length;
        double[][] w = new double[d + 1][k]; // row d: the biases
        double[][] v = new double[d + 1][k];
        double[][] prev = new double[d + 1][k];
        double step = 1 / (0.5 * d + l2);
        double[] values = new double[2];
        for (int it = 1; it <= iterations; it++) {
            double[][] grad = new double[d + 1][k];
            double value = 0;
            double[] logit = new double[k];
            for (int i = 0; i < n; i++) {
                double max = Double.NEGATIVE_INFINITY;
                for (int c = 0; c < k; c++) {
                    double s = v[d][c];
                    for (int j = 0; j < d; j++) {
                        s += z[i][j] * v[j][c];
                    }
                    logit[c] = s;
                    max = Math.max(max, s);
                }
                double sum = 0;
                for (int c = 0; c < k; c++) {
                    sum += Math.exp(logit[c] - max);
                }
                value += (max + Math.log(sum) - logit[label[i]]) / n;
                for (int c = 0; c < k; c++) {
                    double delta = (Math.exp(logit[c] - max) / sum - (c == label[i] ? 1 : 0)) / n;
                    for (int j = 0; j < d; j++) {
                        grad[j][c] += delta * z[i][j];
                    }
                    grad[d][c] += delta;
                }
            }
            double norm2 = 0;
            for (int j = 0; j < d; j++) {
                for (int c = 0; c < k; c++) {
                    norm2 += v[j][c] * v[j][c];
                    grad[j][c] += l2 * v[j][c];
                }
            }
            if (it == iterations / 2 || it == iterations) { // J at the look-ahead point, which converges with w
                values[it == iterations ? 1 : 0] = value + 0.5 * l2 * norm2;
            }
            double momentum = (it - 1.0) / (it + 2.0);
            for (int j = 0; j <= d; j++) {
                for (int c = 0; c < k; c++) {
                    prev[j][c] = w[j][c];
                    w[j][c] = v[j][c] - step * grad[j][c];
                    v[j][c] = w[j][c] + momentum * (w[j][c] - prev[j][c]);
                }
            }
        }
        return values;
    }

    @Test
    void linearProbeSeparatesSeparableCodesAndNotRandomLabels() {
        Nd4j.getRandom().setSeed(4);
        int n = 600;
        INDArray labels = Nd4j.zeros(n, 3);
        INDArray x = Nd4j.randn(n, 5).muli(0.3);
        INDArray random = Nd4j.zeros(n, 3);
        java.util.Random rng = new java.util.Random(5);
        for (int i = 0; i < n; i++) {
            labels.putScalar(i, i % 3, 1);
            x.putScalar(i, i % 3, x.getDouble(i, i % 3) + 2);
            random.putScalar(i, rng.nextInt(3), 1);
        }
        LinearProbe probe = new LinearProbe();
        DataSet train = new DataSet(x.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 400)),
                labels.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 400)));
        DataSet test = new DataSet(x.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(400, n)),
                labels.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(400, n)));
        LinearProbe.Result r = probe.onFeatures(train, test);
        assertTrue(r.testAccuracy > 0.97, r.toString());
        assertEquals(5, r.codeWidth);
        LinearProbe.Result noise = probe.onFeatures(new DataSet(train.getFeatures(),
                random.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 400))),
                new DataSet(test.getFeatures(), random.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(400, n))));
        assertTrue(noise.testAccuracy < 0.5, "random labels stay near chance: " + noise);
    }

    @Test
    void linearProbeOnAnEncoderUsesItsCodes() {
        UndercompleteAutoencoder ae = UndercompleteAutoencoder.builder().hiddenSizes(64, 16).build();
        ComputationGraph g = trained(ae, MnistIterator.Shape.FLAT);
        MnistIterator train = MnistIterator.builder(SampleData.TRAIN).batchSize(250).subset(1000).build();
        MnistIterator test = MnistIterator.builder(SampleData.TEST).batchSize(250).shuffle(false).build();
        LinearProbe.Result r = new LinearProbe().evaluate(ae.encoderGraph(g), train, test);
        assertEquals(16, r.codeWidth);
        assertTrue(r.testAccuracy > 0.3 && r.testAccuracy <= 1, r.toString());
    }

    @Test
    void rbmHiddenProbabilitiesFeedAClassifier() {
        org.unsupervisedzoo.zoo.rbm.RBM rbm = org.unsupervisedzoo.zoo.rbm.RBM.builder().nHidden(16).build();
        ComputationGraph g = rbm.init();
        g.params().addi(Nd4j.randn(g.params().shape()).muli(0.1)); // not the initial weights
        ComputationGraph clf = EncoderClassifier.builder(rbm, g).build();
        INDArray hidden = rbm.params(g).hiddenProbabilities(X);
        assertTrue(hidden.equalsWithEps(clf.feedForward(X, false).get(org.unsupervisedzoo.zoo.rbm.RBM.CODE), 1e-5),
                "the classifier's code is the RBM's p(h|v)");
        DataSet batch = labelled(MnistIterator.Shape.FLAT);
        INDArray before = clf.getLayer(org.unsupervisedzoo.zoo.rbm.RBM.CODE).params().dup();
        clf.fit(batch);
        assertEquals(before, clf.getLayer(org.unsupervisedzoo.zoo.rbm.RBM.CODE).params(), "frozen");
        assertArrayEquals(new long[] {32, 10}, clf.outputSingle(false, batch.getFeatures()).shape());
    }
}
