package org.unsupervisedzoo.zoo.gan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.unsupervisedzoo.datasets.MnistIterator;
import org.unsupervisedzoo.zoo.SampleData;
import org.unsupervisedzoo.zoo.ZooAssertions;

/** GAN factories and trainer: shapes, the clean freeze, losses, checkpoints. Tiny models on the bundled sample. */
class GanTest {
    @TempDir
    Path dir;

    static GanFactory mlp(int classes) {
        return MlpGan.builder().noiseSize(8).generatorSizes(16, 32).discriminatorSizes(32, 16).conditional(classes)
                .generatorBatchNorm(classes > 0).build();
    }

    static GanFactory dcgan(int classes) {
        return Dcgan.builder().noiseSize(8).filters(4, 8).kernelSize(3).conditional(classes).build();
    }

    /** The conditional GANs with a projection discriminator ({@link GanBuilder#projection}). */
    static GanFactory projection(String kind) {
        return kind.equals("mlp") ? MlpGan.builder().noiseSize(8).generatorSizes(16, 32).discriminatorSizes(32, 16)
                .conditional(10).generatorBatchNorm(true).projection(true).build()
                : Dcgan.builder().noiseSize(8).filters(4, 8).kernelSize(3).conditional(10).projection(true).build();
    }

    /** The projection DCGAN with D's auxiliary classifier ({@link GanBuilder#auxiliaryClassifier}). */
    static GanFactory auxiliary() {
        return Dcgan.builder().noiseSize(8).filters(4, 8).kernelSize(3).conditional(10).projection(true)
                .auxiliaryClassifier(true).build();
    }

    /** A DCGAN whose G is wider than its D ({@link Dcgan.Builder#generatorFilters}). */
    static GanFactory wideGenerator() {
        return Dcgan.builder().noiseSize(8).filters(4, 8).generatorFilters(6, 12).kernelSize(3).build();
    }

    static Stream<GanFactory> factories() {
        return Stream.of(mlp(0), mlp(10), dcgan(0), dcgan(10), projection("mlp"), projection("dcgan"), auxiliary(),
                wideGenerator());
    }

    /** G's widths follow generatorFilters, D's filters; unset, G mirrors D; a length mismatch is refused. */
    @Test
    void generatorFiltersSetGsWidthsAndLeaveDs() {
        ComputationGraph wide = wideGenerator().init();
        ComputationGraph plain = dcgan(0).init();
        assertEquals(12L * 7 * 7, ((org.deeplearning4j.nn.conf.layers.FeedForwardLayer) wide.getLayer("generator-1")
                .conf().getLayer()).getNOut(), "G's dense layer projects to generatorFilters' last width");
        assertEquals(6L, ((org.deeplearning4j.nn.conf.layers.FeedForwardLayer) wide.getLayer("generator-2").conf()
                .getLayer()).getNOut(), "G's transposed convolution");
        assertEquals(8L * 7 * 7, ((org.deeplearning4j.nn.conf.layers.FeedForwardLayer) plain.getLayer("generator-1")
                .conf().getLayer()).getNOut(), "unset: G mirrors D");
        for (String d : new String[] {"discriminator-1", "discriminator-2", Gan.LOGIT}) {
            assertEquals(plain.getLayer(d).numParams(), wide.getLayer(d).numParams(), d + ": D is the same");
        }
        ZooAssertions.rejects(() -> Dcgan.builder().filters(4, 8).generatorFilters(6).build(), "generatorFilters",
                "[6]", "2");
        ZooAssertions.rejects(() -> Dcgan.builder().generatorFilters(6, 0).build(), "generatorFilters", "0");
    }

    /** Sample digits and one-hot labels, shaped for the factory. */
    static DataSet data(GanFactory gan, int n) {
        MnistIterator.Shape shape = gan.imageShape().length == 1 ? MnistIterator.Shape.FLAT : MnistIterator.Shape.IMAGE;
        return MnistIterator.builder(SampleData.TRAIN).batchSize(n).shape(shape).shuffle(false).build().next();
    }

    static INDArray[] inputs(GanFactory gan, int n) {
        INDArray z = Nd4j.randn(n, gan.noiseSize());
        if (!gan.conditional()) {
            return new INDArray[] {z};
        }
        INDArray y = Nd4j.zeros(n, gan.numClasses());
        for (int i = 0; i < n; i++) {
            y.putScalar(i, i % gan.numClasses(), 1);
        }
        return new INDArray[] {z, y};
    }

    /** The labels of a fit: the real/fake target, and the class labels too for D's auxiliary classifier. */
    static INDArray[] targets(GanFactory gan, INDArray target, INDArray[] in) {
        return gan.auxiliaryClassifier() ? new INDArray[] {target, in[1]} : new INDArray[] {target};
    }

    static GanTrainer trainer(GanFactory gan) {
        return GanTrainer.builder(gan).batchSize(16).seed(7).fixedSamples(20).build();
    }

    @ParameterizedTest
    @MethodSource("factories")
    void shapesOfTheThreeGraphs(GanFactory gan) {
        ComputationGraph g = gan.initGenerator();
        ComputationGraph d = gan.initDiscriminator();
        ComputationGraph c = gan.init();
        INDArray[] in = inputs(gan, 5);
        INDArray image = g.output(false, in)[0];
        long[] expected = new long[gan.imageShape().length + 1];
        expected[0] = 5;
        System.arraycopy(gan.imageShape(), 0, expected, 1, gan.imageShape().length);
        assertArrayEquals(expected, image.shape());
        assertTrue(image.minNumber().doubleValue() >= -1 && image.maxNumber().doubleValue() <= 1, "tanh range");
        INDArray[] dIn = gan.conditional() ? new INDArray[] {image, in[1]} : new INDArray[] {image};
        INDArray score = d.output(false, dIn)[0];
        assertArrayEquals(new long[] {5, 1}, score.shape());
        assertTrue(score.minNumber().doubleValue() > 0 && score.maxNumber().doubleValue() < 1, "probabilities");
        assertArrayEquals(new long[] {5, 1}, c.output(false, in)[0].shape());
        // the combined graph holds G's and D's parameters, and every D layer in it is frozen
        assertEquals(g.numParams() + d.numParams(), c.numParams());
        for (Layer l : c.getLayers()) {
            String name = l.conf().getLayer().getLayerName();
            boolean inD = d.getConfiguration().getVertices().containsKey(name) && l.numParams() > 0;
            assertEquals(inD, l instanceof org.deeplearning4j.nn.layers.FrozenLayerWithBackprop, name);
        }
        // DL4J allocates Adam state for the frozen D layers too (its slice of the combined graph's state)
        assertEquals(2 * d.numParams(), frozenAdamState(c).length());
    }

    @ParameterizedTest
    @MethodSource("factories")
    void combinedGraphOfAFreshTrainerComputesDOfG(GanFactory gan) {
        GanTrainer t = trainer(gan);
        INDArray[] in = inputs(gan, 4);
        INDArray image = t.generator().output(false, in)[0];
        INDArray[] dIn = gan.conditional() ? new INDArray[] {image, in[1]} : new INDArray[] {image};
        INDArray viaD = t.discriminator().output(false, dIn)[0];
        INDArray viaCombined = t.combined().output(false, in)[0];
        assertTrue(viaD.equalsWithEps(viaCombined, 1e-6), viaD + " vs " + viaCombined);
    }

    /** D(x) of a D step is D's output on the real digits before the update (caught from fit's forward pass). */
    @ParameterizedTest
    @MethodSource("factories")
    void dStepReportsDOutputsOfItsOwnForwardPass(GanFactory gan) {
        GanTrainer t = trainer(gan);
        DataSet ds = data(gan, 16);
        for (int step = 0; step < 2; step++) {
            INDArray signed = ds.getFeatures().mul(2).subi(1).reshape(
                    Stream.concat(Stream.of(16L), java.util.Arrays.stream(gan.imageShape()).boxed())
                            .mapToLong(Long::longValue).toArray());
            INDArray[] dIn = gan.conditional() ? new INDArray[] {signed, ds.getLabels()} : new INDArray[] {signed};
            double expected = t.discriminator().output(false, dIn)[0].meanNumber().doubleValue();
            GanTrainer.DStep s = t.discriminatorStep(ds.getFeatures(), gan.conditional() ? ds.getLabels() : null);
            assertEquals(expected, s.dReal, 1e-6, "D(x) before the update, step " + step);
            assertTrue(s.dFake > 0 && s.dFake < 1, "D(G(z)) " + s.dFake);
            // a listener of the user's own replacing the trainer's does not lose the measures
            t.discriminator().setListeners(new org.deeplearning4j.optimize.listeners.ScoreIterationListener(1000));
        }
    }

    @ParameterizedTest
    @MethodSource("factories")
    void dStepMovesOnlyDAndGStepOnlyG(GanFactory gan) {
        GanTrainer t = trainer(gan);
        DataSet ds = data(gan, 16);
        // warm up both optimizers so that their Adam moments are non-zero
        t.discriminatorStep(ds.getFeatures(), gan.conditional() ? ds.getLabels() : null);
        t.generatorStep(16);

        Snapshot before = new Snapshot(t);
        t.discriminatorStep(ds.getFeatures(), gan.conditional() ? ds.getLabels() : null);
        Snapshot afterD = new Snapshot(t);
        assertNotEquals(before.d, afterD.d, "a D step moves D");
        assertNotEquals(before.dState, afterD.dState, "a D step moves D's Adam moments");
        assertEquals(before.g, afterD.g, "a D step leaves G's parameters alone");
        assertEquals(before.combinedG, afterD.combinedG, "... also in the combined graph");
        assertEquals(before.combinedState, afterD.combinedState, "... and G's Adam moments");
        assertEquals(afterD.d, afterD.combinedD, "the combined graph's frozen D is D after the copy step");

        t.generatorStep(16);
        Snapshot afterG = new Snapshot(t);
        assertNotEquals(afterD.g, afterG.g, "a G step moves G");
        assertNotEquals(afterD.combinedState, afterG.combinedState, "a G step moves G's Adam moments");
        assertEquals(afterD.d, afterG.d, "a G step leaves D's parameters alone");
        assertEquals(afterD.dState, afterG.dState, "... and D's Adam moments");
        assertEquals(afterD.combinedD, afterG.combinedD, "... and the frozen copy of D in the combined graph");
        assertEquals(afterG.g, afterG.combinedG, "the standalone generator is G after the copy step");
        INDArray frozenState = frozenAdamState(t.combined());
        assertEquals(0, frozenState.amaxNumber().doubleValue(), 0.0,
                "the frozen D's slice of the combined graph's Adam state stays exactly zero (zero gradient)");
    }

    /** The Adam moments the combined graph's updater keeps for its frozen (D) layers, concatenated. */
    static INDArray frozenAdamState(ComputationGraph c) {
        List<INDArray> parts = new java.util.ArrayList<>();
        for (org.deeplearning4j.nn.updater.UpdaterBlock b
                : ((org.deeplearning4j.nn.updater.BaseMultiLayerUpdater<?>) c.getUpdater()).getUpdaterBlocks()) {
            INDArray view = b.getUpdaterView();
            if (view == null) {
                continue;
            }
            int len = b.getParamOffsetEnd() - b.getParamOffsetStart();
            for (org.deeplearning4j.nn.updater.UpdaterBlock.ParamState ps : b.getLayersAndVariablesInBlock()) {
                if (c.getLayer(ps.getLayer().getConfig().getLayerName())
                        instanceof org.deeplearning4j.nn.layers.FrozenLayerWithBackprop) {
                    long from = ps.getParamOffsetStart() - b.getParamOffsetStart();
                    long to = ps.getParamOffsetEnd() - b.getParamOffsetStart();
                    for (long k = 0; k < view.length() / len; k++) {
                        parts.add(view.reshape(-1).get(org.nd4j.linalg.indexing.NDArrayIndex.interval(k * len + from,
                                k * len + to)).dup());
                    }
                }
            }
        }
        return parts.isEmpty() ? Nd4j.empty() : Nd4j.concat(0, parts.toArray(new INDArray[0]));
    }

    /** Flattened parameters per part, copied. */
    static final class Snapshot {
        final INDArray g;
        final INDArray d;
        final INDArray dState;
        final INDArray combinedG;
        final INDArray combinedD;
        final INDArray combinedState;

        Snapshot(GanTrainer t) {
            // layer by layer in getLayers() order, as part(..) reads the combined graph: the flat params() vector is
            // in topological order, which differs (the projection D's label embedding)
            g = part(t.generator(), t.generator());
            d = part(t.discriminator(), t.discriminator());
            dState = t.discriminator().getUpdater().getStateViewArray().dup();
            combinedG = part(t.combined(), t.generator());
            combinedD = part(t.combined(), t.discriminator());
            combinedState = t.combined().getUpdater().getStateViewArray().dup();
        }

        /** The parameters of {@code of}'s layers as held in {@code in}, in {@code of}'s order. */
        static INDArray part(ComputationGraph in, ComputationGraph of) {
            List<INDArray> parts = new java.util.ArrayList<>();
            for (Layer l : of.getLayers()) {
                if (l.numParams() > 0) {
                    parts.add(in.getLayer(l.conf().getLayer().getLayerName()).params().reshape(1, -1).dup());
                }
            }
            return Nd4j.hstack(parts.toArray(new INDArray[0])).reshape(-1);
        }
    }

    @ParameterizedTest
    @MethodSource("factories")
    void lossesAreFiniteAndChangeOnTheSample(GanFactory gan) {
        GanTrainer t = trainer(gan);
        DataSet ds = data(gan, 128);
        INDArray labels = gan.conditional() ? ds.getLabels() : null;
        GanTrainer.EpochStats e1 = t.fitEpoch(ds.getFeatures(), labels);
        GanTrainer.EpochStats e2 = t.fitEpoch(ds.getFeatures(), labels);
        for (GanTrainer.EpochStats e : List.of(e1, e2)) {
            for (double v : new double[] {e.dReal, e.dFake, e.lossD, e.lossG}) {
                assertTrue(Double.isFinite(v), "finite: " + v);
            }
            assertTrue(e.dReal > 0 && e.dReal < 1 && e.dFake > 0 && e.dFake < 1);
            assertEquals(128, e.realExamples);
        }
        assertNotEquals(e1.lossD, e2.lossD);
        assertNotEquals(e1.lossG, e2.lossG);
        assertEquals(2, t.epoch());
        assertEquals(16, t.discriminatorSteps());
        assertEquals(16, t.generatorSteps());
        INDArray fixed = t.fixedSamples();
        assertEquals(20, fixed.size(0));
        assertTrue(fixed.minNumber().doubleValue() >= 0 && fixed.maxNumber().doubleValue() <= 1);
        assertEquals(t.fixedSamples(), fixed, "the fixed batch is fixed");
    }

    @Test
    void stepRatioIsRespected() {
        GanTrainer t = GanTrainer.builder(mlp(0)).batchSize(16).dSteps(3).gSteps(2).build();
        DataSet ds = data(mlp(0), 96);
        t.fitEpoch(ds.getFeatures(), null);
        assertEquals(6, t.discriminatorSteps());
        assertEquals(4, t.generatorSteps());
    }

    @ParameterizedTest
    @MethodSource("factories")
    void checkpointResumeReproducesTheNextSteps(GanFactory gan) throws Exception {
        GanTrainer a = GanTrainer.builder(gan).batchSize(16).seed(3).realLabel(0.9).build();
        DataSet ds = data(gan, 64);
        INDArray labels = gan.conditional() ? ds.getLabels() : null;
        a.fitEpoch(ds.getFeatures(), labels);
        a.save(dir);
        GanTrainer b = GanTrainer.restore(dir);
        assertEquals(a.epoch(), b.epoch());
        GanTrainer.EpochStats ea = a.fitEpoch(ds.getFeatures(), labels);
        GanTrainer.EpochStats eb = b.fitEpoch(ds.getFeatures(), labels);
        assertEquals(a.generator().params(), b.generator().params());
        assertEquals(a.discriminator().params(), b.discriminator().params());
        assertEquals(a.combined().params(), b.combined().params());
        assertEquals(a.discriminator().getUpdater().getStateViewArray(),
                b.discriminator().getUpdater().getStateViewArray());
        assertEquals(ea.lossD, eb.lossD, 0.0);
        assertEquals(ea.lossG, eb.lossG, 0.0);
        assertEquals(a.fixedSamples(), b.fixedSamples());
    }

    @ParameterizedTest
    @MethodSource("factories")
    void roundTripsAndFit(GanFactory gan) throws Exception {
        INDArray[] in = inputs(gan, 3);
        ComputationGraph g = gan.initGenerator();
        ZooAssertions.jsonRoundTrip(g, in);
        ZooAssertions.serializerRoundTrip(g, dir, in);
        ComputationGraph c = gan.init();
        ZooAssertions.jsonRoundTrip(c, in);
        INDArray dBefore = Snapshot.part(c, gan.initDiscriminator()).dup();
        ZooAssertions.fitChangesParameters(c, new MultiDataSet(in, targets(gan, Nd4j.ones(3, 1), in)));
        assertEquals(dBefore, Snapshot.part(c, gan.initDiscriminator()), "fit of the combined graph leaves D frozen");
        ZooAssertions.serializerRoundTrip(c, dir, in);
        ComputationGraph d = gan.initDiscriminator();
        INDArray image = g.output(false, in)[0];
        INDArray[] dIn = gan.conditional() ? new INDArray[] {image, in[1]} : new INDArray[] {image};
        ZooAssertions.jsonRoundTrip(d, dIn);
        ZooAssertions.fitChangesParameters(d, new MultiDataSet(dIn, targets(gan, Nd4j.zeros(3, 1), in)));
        ZooAssertions.serializerRoundTrip(d, dir, dIn);
    }

    /**
     * The projection D by hand: logit = w . [phi, phi * (E y + c)] + b, with phi D's last hidden features (flat)
     * read from the graph; no label at D's input; the logit reads twice the features' width; the label changes it.
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"mlp", "dcgan"})
    void projectionDiscriminatorMatchesItsFormula(String kind) {
        GanFactory gan = projection(kind);
        ComputationGraph d = gan.initDiscriminator();
        assertTrue(!d.getConfiguration().getVertices().containsKey(Gan.DISCRIMINATOR_INPUT), "no label at D's input");
        assertTrue(!d.getConfiguration().getVertices().containsKey(Dcgan.DISCRIMINATOR_LABEL));
        INDArray[] in = inputs(gan, 6);
        INDArray image = gan.initGenerator().output(false, in)[0];
        java.util.Map<String, INDArray> acts = d.feedForward(new INDArray[] {image, in[1]}, false);
        INDArray phi = acts.get(kind.equals("mlp") ? Gan.discriminatorLayer(2) : Gan.DISCRIMINATOR_FEATURES);
        phi = phi.reshape(6, -1);
        assertEquals(kind.equals("mlp") ? 16 : 8 * 7 * 7, phi.size(1));
        INDArray e = in[1].mmul(d.getParam(Gan.DISCRIMINATOR_EMBEDDING + "_W"))
                .addRowVector(d.getParam(Gan.DISCRIMINATOR_EMBEDDING + "_b"));
        INDArray joint = Nd4j.hstack(phi, phi.mul(e));
        INDArray logit = joint.mmul(d.getParam(Gan.LOGIT + "_W")).addRowVector(d.getParam(Gan.LOGIT + "_b"));
        assertTrue(logit.equalsWithEps(acts.get(Gan.LOGIT), 1e-5), logit + " vs " + acts.get(Gan.LOGIT));
        INDArray score = d.output(false, image, in[1])[0];
        assertTrue(score.equalsWithEps(org.nd4j.linalg.ops.transforms.Transforms.sigmoid(logit), 1e-5));
        // another label, another score
        INDArray other = Nd4j.zeros(6, 10);
        for (int i = 0; i < 6; i++) {
            other.putScalar(i, (i + 5) % 10, 1);
        }
        assertTrue(!score.equalsWithEps(d.output(false, image, other)[0], 1e-6), "D reads the label");
    }

    /**
     * The auxiliary classifier: D's second output learns the classes of the real digits it is trained on (the
     * trainer passes their labels), and is frozen and read by G's step in the combined graph.
     */
    @Test
    void auxiliaryClassifierLearnsTheRealDigitsClasses() {
        GanFactory gan = Dcgan.builder().noiseSize(8).filters(4, 8).kernelSize(3).conditional(10).projection(true)
                .auxiliaryClassifier(true).updater(new org.nd4j.linalg.learning.config.Adam(2e-3, 0.5, 0.999, 1e-8))
                .build();
        assertEquals(List.of(Gan.SCORE, Gan.CLASS_SCORE), gan.discriminatorConf().getNetworkOutputs());
        assertEquals(List.of(Gan.SCORE, Gan.CLASS_SCORE), gan.conf().getNetworkOutputs());
        GanTrainer t = GanTrainer.builder(gan).batchSize(32).seed(7).build();
        DataSet ds = data(gan, 256);
        INDArray signed = ds.getFeatures().mul(2).subi(1);
        java.util.function.Supplier<Double> accuracy = () -> {
            INDArray q = t.discriminator().output(false, signed, ds.getLabels())[1];
            return q.argMax(1).eq(ds.getLabels().argMax(1)).castTo(org.nd4j.linalg.api.buffer.DataType.INT)
                    .sumNumber().doubleValue() / 256;
        };
        double before = accuracy.get();
        for (int e = 0; e < 10; e++) {
            GanTrainer.EpochStats s = t.fitEpoch(ds.getFeatures(), ds.getLabels());
            assertTrue(Double.isFinite(s.lossD) && Double.isFinite(s.lossG));
        }
        double after = accuracy.get();
        assertTrue(after > before + 0.3 && after > 0.5, "D's class head on its training digits: " + before + " -> "
                + after);
    }

    @Test
    void conditionalSamplesOfAChosenClass() {
        GanTrainer t = trainer(dcgan(10));
        INDArray sevens = t.sampleClass(6, 7, 0);
        assertArrayEquals(new long[] {6, 1, 28, 28}, sevens.shape());
        INDArray y = t.fixedLabels();
        assertEquals(20, y.size(0));
        assertEquals(0, y.getRow(0).argMax().getInt(0));
        assertEquals(9, y.getRow(19).argMax().getInt(0));
        ZooAssertions.rejects(() -> t.sampleClass(1, 10, 0), "digit", "10");
    }

    @Test
    void badSettingsAreRejectedNamingFieldAndValue() {
        ZooAssertions.rejects(() -> MlpGan.builder().noiseSize(0).build(), "noiseSize", "0");
        ZooAssertions.rejects(() -> MlpGan.builder().conditional(1).build(), "numClasses", "1");
        ZooAssertions.rejects(() -> MlpGan.builder().projection(true).build(), "projection", "numClasses 0");
        ZooAssertions.rejects(() -> Dcgan.builder().projection(true).build(), "projection", "numClasses 0");
        ZooAssertions.rejects(() -> Dcgan.builder().conditional(10).auxiliaryClassifier(true).build(),
                "auxiliaryClassifier", "projection false");
        ZooAssertions.rejects(() -> MlpGan.builder().generatorSizes(16, -2).build(), "generatorSizes[1]", "-2");
        ZooAssertions.rejects(() -> MlpGan.builder().leakySlope(1.5).build(), "leakySlope", "1.5");
        ZooAssertions.rejects(() -> Dcgan.builder().imageSize(30, 28).build(), "30x28", "divisible");
        ZooAssertions.rejects(() -> Dcgan.builder().kernelSize(0).build(), "kernelSize", "0");
        ZooAssertions.rejects(() -> GanTrainer.builder(mlp(0)).realLabel(0.3).build(), "realLabel", "0.3");
        ZooAssertions.rejects(() -> GanTrainer.builder(mlp(0)).dSteps(0).build(), "dSteps", "0");
        GanTrainer t = trainer(mlp(10));
        DataSet ds = data(mlp(10), 32);
        ZooAssertions.rejects(() -> t.fitEpoch(ds.getFeatures(), null), "conditional", "labels");
        GanTrainer u = trainer(mlp(0));
        ZooAssertions.rejects(() -> u.fitEpoch(ds.getFeatures().get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
                org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 700)).dup(), null), "generator's shape");
    }

    /** {@code conf} with every zoo dense layer replaced by DL4J's own (the layers' JSON is the same otherwise). */
    /** The stock configuration with the zoo's cached dense layers in place of DL4J's (and nothing else swapped). */
    private static org.deeplearning4j.nn.conf.ComputationGraphConfiguration withCachedDense(
            org.deeplearning4j.nn.conf.ComputationGraphConfiguration conf) {
        String json = conf.toJson();
        String dense = "\"org.deeplearning4j.nn.conf.layers.DenseLayer\"";
        assertTrue(json.contains(dense), "the factory declares DL4J's dense layers");
        return org.deeplearning4j.nn.conf.ComputationGraphConfiguration.fromJson(json.replace(dense,
                "\"org.unsupervisedzoo.zoo.fast.CachedDenseLayer\""));
    }

    /** With the zoo's cached dense layers swapped in, a D step and a G step equal DL4J's dense layers' exactly. */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"mlp-gan", "conditional-mlp-gan", "dcgan",
        "conditional-dcgan"})
    void cachedDenseLayersTrainExactlyAsDl4jsDenseLayers(String name) {
        org.nd4j.linalg.api.buffer.DataType before = Nd4j.dataType();
        Nd4j.setDefaultDataTypes(org.nd4j.linalg.api.buffer.DataType.DOUBLE,
                org.nd4j.linalg.api.buffer.DataType.DOUBLE);
        try {
            int classes = name.startsWith("conditional") ? 3 : 0;
            GanFactory gan = name.contains("dcgan")
                    ? Dcgan.builder().noiseSize(8).filters(4, 8).kernelSize(3).conditional(classes)
                            .dataType(org.nd4j.linalg.api.buffer.DataType.DOUBLE).build()
                    : MlpGan.builder().noiseSize(8).generatorSizes(16, 32).discriminatorSizes(32, 16)
                            .conditional(classes).dataType(org.nd4j.linalg.api.buffer.DataType.DOUBLE).build();
            int n = 6;
            INDArray z = Nd4j.randn(org.nd4j.linalg.api.buffer.DataType.DOUBLE, n, 8);
            INDArray y = classes == 0 ? null : Nd4j.eye(classes).castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE)
                    .getRows(0, 1, 2, 0, 1, 2);
            for (boolean combined : new boolean[] {false, true}) {
                org.deeplearning4j.nn.conf.ComputationGraphConfiguration conf = combined ? gan.conf()
                        : gan.discriminatorConf();
                ComputationGraph zoo = new ComputationGraph(withCachedDense(conf));
                zoo.init();
                ComputationGraph dl4j = new ComputationGraph(conf);
                dl4j.init();
                dl4j.setParams(zoo.params().dup());
                INDArray x = combined ? z : Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.DOUBLE,
                        Stream.concat(Stream.of((long) n), java.util.Arrays.stream(gan.imageShape()).boxed())
                                .mapToLong(Long::longValue).toArray()).muli(2).subi(1);
                INDArray[] in = classes == 0 ? new INDArray[] {x} : new INDArray[] {x, y};
                MultiDataSet mds = new MultiDataSet(in, new INDArray[] {Nd4j.rand(
                        org.nd4j.linalg.api.buffer.DataType.DOUBLE, n, 1).gt(0.5)
                        .castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE)});
                for (int step = 0; step < 2; step++) {
                    zoo.fit(mds);
                    dl4j.fit(mds);
                    assertEquals(dl4j.score(), zoo.score(), 1e-10, name + (combined ? " combined" : " D") + " score");
                    assertTrue(zoo.params().equalsWithEps(dl4j.params(), 1e-10),
                            name + (combined ? " combined" : " D") + " parameters after step " + (step + 1));
                }
            }
        } finally {
            Nd4j.setDefaultDataTypes(before, before);
        }
    }
}
