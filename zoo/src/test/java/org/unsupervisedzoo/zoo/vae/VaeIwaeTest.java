package org.unsupervisedzoo.zoo.vae;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.unsupervisedzoo.zoo.ZooAssertions.rejects;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.unsupervisedzoo.datasets.MnistIterator;
import org.unsupervisedzoo.zoo.DoublePrecision;
import org.unsupervisedzoo.zoo.SampleData;
import org.unsupervisedzoo.zoo.ZooAssertions;
import org.unsupervisedzoo.zoo.autoencoder.Autoencoders;
import org.unsupervisedzoo.zoo.fast.Accelerate;

/**
 * The VAE factory's IWAE objective: the graph, k = 1 against the ELBO graph, the bound against the multi-sample ELBO
 * (Jensen) and against {@link VaeMetrics}' importance-weighted evaluator, DOUBLE gradient checks of the whole graph
 * (MLP stock and fast, convolutional), the speed layer, round trips and refusals.
 */
@ExtendWith(DoublePrecision.class)
@DoublePrecision.Seed(23)
class VaeIwaeTest {
    @TempDir
    Path tmp;

    /** 6 -> 5 -> 2 latent, tanh, DOUBLE, no updates unless {@code updater}: small enough for gradient checks. */
    static VAE.Builder tiny(int k, VAE.Objective objective) {
        return VAE.builder().inputSize(6).hiddenSizes(5).latentSize(2).activation(Activation.TANH)
                .samplesPerExample(k).objective(objective).updater(new NoOp()).dataType(DataType.DOUBLE).seed(3);
    }

    /** The ELBO graph's parameter that an IWAE graph's parameter {@code name} corresponds to. */
    static String elboName(String name) {
        return name.replace(VAE.DECODER_OUT + "_", Autoencoders.RECONSTRUCTION + "_");
    }

    /** The IWAE graph with the ELBO graph's parameters (the decoder's logits layer takes the output layer's). */
    static void copyElboParams(ComputationGraph elbo, ComputationGraph iwae) {
        for (Map.Entry<String, INDArray> p : iwae.paramTable().entrySet()) {
            p.getValue().assign(elbo.getParam(elboName(p.getKey())));
        }
    }

    @Test
    void graphHasOneOutputNoKlHeadAndTheElbosParametersAndApi() {
        VAE vae = VAE.builder().hiddenSizes(8).latentSize(3).samplesPerExample(3).objective(VAE.Objective.IWAE)
                .seed(1).build();
        VAE elbo = VAE.builder().hiddenSizes(8).latentSize(3).samplesPerExample(3).seed(1).build();
        assertEquals(VAE.Objective.ELBO, elbo.objective(), "ELBO is the default");
        assertEquals(VAE.Objective.IWAE, vae.objective());
        assertEquals(0, vae.penaltyHeads());
        ComputationGraph g = vae.init();
        assertEquals(List.of("input", "eps"), g.getConfiguration().getNetworkInputs());
        assertEquals(List.of(Autoencoders.RECONSTRUCTION), g.getConfiguration().getNetworkOutputs());
        assertEquals(3, ZooAssertions.layer(g.getConfiguration(), Autoencoders.RECONSTRUCTION, IwaeObjectiveLayer.class)
                .getSamples());
        assertEquals(elbo.init().numParams(), g.numParams());
        // inference needs no grouping: 4 digits with k = 3; decode(mu) = reconstruct, as for the ELBO graph
        INDArray x = SampleData.testBatch(4, MnistIterator.Shape.FLAT);
        INDArray recon = vae.reconstruct(g, x);
        assertArrayEquals(new long[] {4, 784}, recon.shape());
        assertTrue(recon.minNumber().doubleValue() >= 0 && recon.maxNumber().doubleValue() <= 1, "Bernoulli means");
        assertTrue(vae.decode(vae.decoderGraph(g), vae.encode(g, x)[0]).equalsWithEps(recon, 1e-5));
        // the iterator: each digit in k consecutive rows, labels [x] (one output), and one fit moves the parameters
        MultiDataSet m = new VaeIterator(SampleData.train(8, MnistIterator.Shape.FLAT, 16), vae, 1).next();
        INDArray rows = m.getFeatures(0);
        assertEquals(24, rows.size(0));
        INDArray digits = SampleData.train(8, MnistIterator.Shape.FLAT, 16).next().getFeatures();
        for (int r = 0; r < 24; r++) {
            assertEquals(digits.getRow(r / 3), rows.getRow(r), "row " + r + " is digit " + r / 3);
        }
        assertEquals(1, m.getLabels().length);
        assertEquals(rows, m.getLabels(0));
        assertNotEquals(m.getFeatures(1).getRow(0), m.getFeatures(1).getRow(1), "each copy with its own noise");
        ZooAssertions.fitChangesParameters(g, (org.nd4j.linalg.dataset.MultiDataSet) m);
        assertTrue(Double.isFinite(g.score()) && g.score() > 0, "score " + g.score());
    }

    @Test
    void withOneSampleTheBoundIsTheElboWithItsKlSampled() {
        ComputationGraph elbo = tiny(1, VAE.Objective.ELBO).build().init();
        VAE iwae = tiny(1, VAE.Objective.IWAE).build();
        ComputationGraph g = iwae.init();
        copyElboParams(elbo, g);
        INDArray x = Nd4j.rand(DataType.DOUBLE, 8, 6);
        INDArray eps = Nd4j.randn(DataType.DOUBLE, 8, 2);
        assertEquals(elbo.output(false, x, eps)[0], g.output(false, x, eps)[0], "the same decoder");
        Map<String, INDArray> acts = g.feedForward(new INDArray[] {x, eps}, false);
        INDArray closedKl = VaeMetrics.kl(acts.get(VAE.Z_PARAMS), 2);
        INDArray sampledKl = sampledKl(acts, eps);
        double elboScore = elbo.score(VaeIterator.of(x, eps));
        // per row: BCE + log q(z|x) - log p(z), where the ELBO graph has BCE + KL in closed form
        assertEquals(elboScore - closedKl.meanNumber().doubleValue() + sampledKl.meanNumber().doubleValue(),
                g.score(VaeIterator.of(iwae, x, eps)), 1e-10);
        // ... whose mean over the noise is the closed form: one digit, 20,000 draws
        INDArray one = x.getRow(0, true).repeat(0, 20000);
        INDArray many = Nd4j.randn(DataType.DOUBLE, 20000, 2);
        double diff = g.score(VaeIterator.of(iwae, one, many)) - elbo.score(VaeIterator.of(one, many));
        INDArray draws = sampledKl(g.feedForward(new INDArray[] {one, many}, false), many);
        double se = draws.stdNumber().doubleValue() / Math.sqrt(20000);
        assertTrue(Math.abs(diff) < 4 * se, "k = 1 bound - ELBO = " + diff + ", standard error " + se);
    }

    /** Per row: log q(z|x) - log p(z) = 1/2 (|z|^2 - |eps|^2 - sum logvar). */
    private static INDArray sampledKl(Map<String, INDArray> acts, INDArray eps) {
        INDArray z = acts.get(VAE.Z);
        INDArray logvar = acts.get(VAE.Z_LOGVAR);
        return z.mul(z).subi(eps.mul(eps)).subi(logvar).sum(1).muli(0.5);
    }

    @Test
    void boundIsTighterThanTheMultiSampleElboAndEqualsTheEvaluatorOnTheSameNoise() {
        VAE iwae4 = tiny(4, VAE.Objective.IWAE).build();
        ComputationGraph g4 = iwae4.init();
        VAE iwae1 = tiny(1, VAE.Objective.IWAE).build();
        ComputationGraph g1 = iwae1.init();
        g1.setParams(g4.params());
        INDArray x = Nd4j.rand(DataType.DOUBLE, 3, 6);
        INDArray rows = VaeIterator.repeat(x, 4);
        INDArray eps = Nd4j.randn(DataType.DOUBLE, 12, 2);
        double bound = g4.score(VaeIterator.of(iwae4, rows, eps));
        double meanOfOneSample = g1.score(VaeIterator.of(iwae1, rows, eps));
        assertTrue(bound < meanOfOneSample, "-log mean w " + bound + " < -mean log w " + meanOfOneSample);
        // VaeMetrics' evaluator (encoder at eps = 0, z = mu + sigma eps, the decoder graph, streaming log-sum-exp)
        VaeMetrics.ChunkNoise same = (n, c, done, l) -> eps;
        double evaluated = VaeMetrics.importanceWeightedLogLikelihood(iwae4, g4, iwae4.decoderGraph(g4), x, 4, 4, same)
                .meanNumber().doubleValue();
        assertEquals(-evaluated, bound, 1e-9);
    }

    @Test
    void gradientChecksOfTheWholeGraphStockFastAndConvolutional() {
        INDArray x = VaeIterator.repeat(Nd4j.rand(DataType.DOUBLE, 2, 6), 3);
        INDArray eps = Nd4j.randn(DataType.DOUBLE, 6, 2);
        VAE vae = tiny(3, VAE.Objective.IWAE).build();
        for (boolean fast : new boolean[] {false, true}) {
            ComputationGraph g = fast ? Accelerate.init(vae) : vae.init();
            assertTrue(GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(g)
                    .inputs(new INDArray[] {x, eps}).labels(new INDArray[] {x}).epsilon(1e-6).maxRelError(1e-5)
                    .minAbsoluteError(1e-9)), "fast " + fast);
        }
        VAE conv = VAE.builder().convolutional(2).imageSize(8, 8, 1).latentSize(2).samplesPerExample(2)
                .objective(VAE.Objective.IWAE).activation(Activation.TANH).updater(new NoOp())
                .dataType(DataType.DOUBLE).build();
        INDArray images = VaeIterator.repeat(Nd4j.rand(DataType.DOUBLE, 2, 64), 2);
        assertTrue(GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(conv.init())
                .inputs(new INDArray[] {images, Nd4j.randn(DataType.DOUBLE, 4, 2)}).labels(new INDArray[] {images})
                .epsilon(1e-6).maxRelError(1e-5).minAbsoluteError(1e-9)), "convolutional");
    }

    @Test
    void speedLayerTrainsTheSameModel() {
        VAE vae = VAE.builder().inputSize(6).hiddenSizes(5).latentSize(2).samplesPerExample(3)
                .objective(VAE.Objective.IWAE).seed(4).dataType(DataType.DOUBLE).build();
        ComputationGraph stock = vae.init();
        ComputationGraph fast = Accelerate.init(vae);
        fast.setParams(stock.params());
        INDArray x = VaeIterator.repeat(Nd4j.rand(DataType.DOUBLE, 4, 6), 3);
        MultiDataSet m = VaeIterator.of(vae, x, Nd4j.randn(DataType.DOUBLE, 12, 2));
        assertEquals(stock.score(m), fast.score(m), 1e-10);
        for (int i = 0; i < 3; i++) {
            stock.fit(m);
            fast.fit(m);
        }
        assertTrue(stock.params().equalsWithEps(fast.params(), 1e-9), "3 Adam steps");
        assertEquals(stock.score(m), fast.score(m), 1e-10);
        ComputationGraph back = Accelerate.toStock(fast);
        assertEquals(stock.score(m), back.score(m), 1e-10);
    }

    @Test
    void roundTripsKeepTheObjectiveAndOutputs() throws Exception {
        VAE vae = VAE.builder().inputSize(8).hiddenSizes(6).latentSize(3).samplesPerExample(2)
                .objective(VAE.Objective.IWAE).build();
        ComputationGraph g = vae.init();
        INDArray x = VaeIterator.repeat(Nd4j.rand(DataType.FLOAT, 4, 8), 2);
        INDArray eps = Nd4j.randn(DataType.FLOAT, 8, 3);
        ZooAssertions.fitChangesParameters(g, VaeIterator.of(vae, x, eps));
        ComputationGraph back = ZooAssertions.jsonRoundTrip(g, x, eps);
        assertEquals(2, ZooAssertions.layer(back.getConfiguration(), Autoencoders.RECONSTRUCTION,
                IwaeObjectiveLayer.class).getSamples());
        ComputationGraph restored = ZooAssertions.serializerRoundTrip(g, tmp, x, eps);
        assertEquals(g.score(VaeIterator.of(vae, x, eps)), restored.score(VaeIterator.of(vae, x, eps)), 1e-6);
    }

    @Test
    void unsupportedSettingsAndUngroupedBatchesAreRefused() {
        rejects(() -> VAE.builder().objective(VAE.Objective.IWAE).likelihood(VAE.Likelihood.GAUSSIAN_FIXED).build(),
                "objective IWAE", "likelihood GAUSSIAN_FIXED");
        rejects(() -> VAE.builder().objective(VAE.Objective.IWAE).likelihood(VAE.Likelihood.GAUSSIAN_LEARNED).build(),
                "likelihood GAUSSIAN_LEARNED");
        rejects(() -> VAE.builder().objective(VAE.Objective.IWAE).beta(2).build(), "beta", "2.0");
        rejects(() -> VAE.builder().objective(VAE.Objective.IWAE).samplesPerExample(0).build(), "samplesPerExample",
                "0");
        rejects(() -> VAE.builder().objective(null).build(), "objective");
        VAE vae = tiny(3, VAE.Objective.IWAE).build();
        ComputationGraph g = vae.init();
        INDArray five = Nd4j.rand(DataType.DOUBLE, 5, 6);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> g.score(VaeIterator.of(vae, five, Nd4j.randn(DataType.DOUBLE, 5, 2))));
        assertTrue(e.getMessage().contains("5 rows are not a multiple of samples k = 3"), e.getMessage());
        INDArray six = Nd4j.rand(DataType.DOUBLE, 6, 6);
        e = assertThrows(IllegalArgumentException.class,
                () -> g.fit(VaeIterator.of(vae, six, Nd4j.randn(DataType.DOUBLE, 6, 2))));
        assertTrue(e.getMessage().contains("not groups of k = 3 copies"), e.getMessage());
        // the ELBO iterator's labels [x, null] do not fit the IWAE graph's one output
        assertThrows(RuntimeException.class, () -> g.fit(VaeIterator.of(VaeIterator.repeat(six.getRows(0, 1), 3),
                Nd4j.randn(DataType.DOUBLE, 6, 2))));
    }

    @Test
    void trainingOnSampleDigitsRaisesTheBound() {
        VAE vae = VAE.builder().hiddenSizes(32).latentSize(4).samplesPerExample(5).objective(VAE.Objective.IWAE)
                .seed(2).dataType(DataType.FLOAT).build();
        ComputationGraph g = Accelerate.init(vae);
        INDArray digits = SampleData.testBatch(50, MnistIterator.Shape.FLAT).castTo(DataType.FLOAT);
        MultiDataSet held = VaeIterator.of(vae, VaeIterator.repeat(digits, 5),
                Nd4j.randn(DataType.FLOAT, 250, 4));
        double before = g.score(held);
        VaeIterator it = new VaeIterator(SampleData.train(64, MnistIterator.Shape.FLAT, 1000), vae, 5);
        for (int e = 0; e < 2; e++) {
            g.fit(it);
        }
        double after = g.score(held);
        assertTrue(after < before - 100, "negative bound of 50 test digits: " + before + " -> " + after);
        ComputationGraph decoder = vae.decoderGraph(g);
        double nll = -VaeMetrics.importanceWeightedLogLikelihood(vae, g, decoder, digits, 50, 25,
                Nd4j.getRandomFactory().getNewRandomInstance(1)).meanNumber().doubleValue();
        assertTrue(nll < after + 5 && Double.isFinite(nll), "50-sample NLL " + nll + " vs 5-sample bound " + after);
    }
}
