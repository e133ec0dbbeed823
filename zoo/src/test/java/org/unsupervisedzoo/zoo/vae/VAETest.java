package org.unsupervisedzoo.zoo.vae;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.unsupervisedzoo.zoo.ZooAssertions.rejects;

import java.nio.file.Path;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.unsupervisedzoo.datasets.MnistIterator;
import org.unsupervisedzoo.zoo.SampleData;
import org.unsupervisedzoo.zoo.ZooAssertions;

class VAETest {
    @TempDir
    Path tmp;

    static VAE toy;
    static ComputationGraph trained;

    private static Random rng(long seed) {
        return Nd4j.getRandomFactory().getNewRandomInstance(seed);
    }

    /** A small VAE trained for 3 epochs on 2,000 sample digits, shared by the evaluation tests. */
    @BeforeAll
    static void train() {
        toy = VAE.builder().hiddenSizes(64).latentSize(4).seed(1).build();
        trained = toy.init();
        VaeIterator it = new VaeIterator(SampleData.train(64, MnistIterator.Shape.FLAT, 2000), toy, 5);
        for (int e = 0; e < 3; e++) {
            trained.fit(it);
        }
    }

    @Test
    void graphHasTheDocumentedVerticesAndShapes() {
        VAE vae = VAE.builder().build();
        ComputationGraph g = vae.init();
        assertEquals(java.util.List.of("input", "eps"), g.getConfiguration().getNetworkInputs());
        assertEquals(java.util.List.of("reconstruction", "kl"), g.getConfiguration().getNetworkOutputs());
        INDArray x = SampleData.testBatch(3, MnistIterator.Shape.FLAT);
        INDArray[] out = g.output(false, x, vae.zeroNoise(3));
        assertArrayEquals(new long[] {3, 784}, out[0].shape());
        INDArray[] enc = vae.encode(g, x);
        assertArrayEquals(new long[] {3, 20}, enc[0].shape());
        assertTrue(enc[1].minNumber().doubleValue() > 0, "variances are positive");
        assertEquals(400 * 784 + 400 + 40 * 400 + 40 + 20 * 400 + 400 + 784 * 400 + 784, g.numParams());
    }

    @Test
    void reparameterizationIsMuPlusSigmaTimesEpsAndMuAtZeroNoise() {
        ComputationGraph g = new ComputationGraph(new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE)
                .graphBuilder().addInputs("in").setInputTypes(InputType.feedForward(9))
                .addLayer("z", new ReparameterizationLayer(3), "in").setOutputs("z").build());
        g.init();
        INDArray mu = Nd4j.createFromArray(new double[][] {{0.5, -1, 2}, {0, 0.1, -0.3}});
        INDArray logvar = Nd4j.createFromArray(new double[][] {{0, -2, 1}, {0.4, 0, -1}});
        INDArray eps = Nd4j.createFromArray(new double[][] {{1, -0.5, 2}, {-1, 0.3, 0}});
        INDArray z = g.outputSingle(Nd4j.hstack(mu, logvar, eps));
        INDArray expected = mu.add(Transforms.exp(logvar.mul(0.5)).mul(eps));
        assertTrue(expected.equalsWithEps(z, 1e-12), z.toString());
        assertEquals(mu, g.outputSingle(Nd4j.hstack(mu, logvar, Nd4j.zeros(DataType.DOUBLE, 2, 3))));
    }

    @Test
    void klTermEqualsTheClosedFormOnHandMadeParameters() {
        ComputationGraph g = new ComputationGraph(new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE)
                .graphBuilder().addInputs("in").setInputTypes(InputType.feedForward(4))
                .addLayer("kl", new GaussianKLPenalty(2, 1.5), "in").setOutputs("kl").build());
        g.init();
        double[][] p = {{0.5, -1, 0.2, -0.7}, {0, 2, -1, 0.3}, {1, 1, 0, 0}};
        INDArray params = Nd4j.createFromArray(p);
        double expected = 0;
        for (double[] row : p) {
            for (int j = 0; j < 2; j++) {
                double mu = row[j];
                double lv = row[2 + j];
                expected += 0.5 * (mu * mu + Math.exp(lv) - 1 - lv);
            }
        }
        expected = 1.5 * expected / 3;
        assertEquals(expected, g.score(new MultiDataSet(new INDArray[] {params}, new INDArray[] {null})), 1e-12);
        assertEquals(expected / 1.5, VaeMetrics.kl(params, 2).meanNumber().doubleValue(), 1e-12);
    }

    @Test
    void gaussianLikelihoodLayerEqualsTheFormula() {
        INDArray x = Nd4j.createFromArray(new double[][] {{0.2, 0.9}, {0.5, 0.1}});
        INDArray mean = Nd4j.createFromArray(new double[][] {{0.1, 1.2}, {0.4, 0.0}});
        INDArray logvar = Nd4j.createFromArray(new double[][] {{-1, 0.5}, {0, -0.2}});
        double expected = 0;
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 2; j++) {
                double d = x.getDouble(i, j) - mean.getDouble(i, j);
                double lv = logvar.getDouble(i, j);
                expected += 0.5 * (Math.log(2 * Math.PI) + lv + d * d * Math.exp(-lv));
            }
        }
        ComputationGraph g = new ComputationGraph(new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE)
                .graphBuilder().addInputs("in").setInputTypes(InputType.feedForward(4))
                .addLayer("out", new GaussianLikelihoodOutputLayer(2, true, 1.0), "in").setOutputs("out").build());
        g.init();
        INDArray in = Nd4j.hstack(mean, logvar);
        assertEquals(expected / 2, g.score(new MultiDataSet(new INDArray[] {in}, new INDArray[] {x})), 1e-12);
        assertEquals(mean, g.outputSingle(in), "activations are the mean");
    }

    @Test
    void gradientChecksPassForEveryLikelihood() {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        try {
            Nd4j.getRandom().setSeed(3);
            INDArray x = Nd4j.rand(DataType.DOUBLE, 4, 6);
            INDArray eps = Nd4j.randn(DataType.DOUBLE, 4, 2);
            for (VAE.Likelihood lk : VAE.Likelihood.values()) {
                VAE vae = VAE.builder().inputSize(6).hiddenSizes(5).latentSize(2).likelihood(lk).fixedVariance(0.5)
                        .activation(Activation.TANH).beta(1.3).updater(new NoOp()).dataType(DataType.DOUBLE).build();
                ComputationGraph g = vae.init();
                assertTrue(GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(g)
                        .inputs(new INDArray[] {x, eps}).labels(new INDArray[] {x, null})), lk.toString());
            }
        } finally {
            Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
        }
    }

    @Test
    void graphScoreIsTheMeanNegativeElboOfTheSameNoise() {
        INDArray x = SampleData.testBatch(50, MnistIterator.Shape.FLAT);
        INDArray[] parts = VaeMetrics.negativeElboPerExample(toy, trained, x, rng(4));
        INDArray eps = Nd4j.randn(new long[] {50, 4}, rng(4)).castTo(DataType.FLOAT);
        double score = trained.score(VaeIterator.of(x, eps));
        assertEquals(parts[0].meanNumber().doubleValue(), score, 1e-3 * score);
    }

    @Test
    void noiseIsFreshEveryBatchAndReproducibleFromTheSeed() {
        VaeIterator a = new VaeIterator(SampleData.train(8, MnistIterator.Shape.FLAT, 32), toy, 9);
        VaeIterator b = new VaeIterator(SampleData.train(8, MnistIterator.Shape.FLAT, 32), toy, 9);
        INDArray e1 = a.next().getFeatures(1);
        assertEquals(e1, b.next().getFeatures(1));
        assertNotEquals(e1, a.next().getFeatures(1));
        VAE twoSamples = VAE.builder().latentSize(4).samplesPerExample(3).build();
        org.nd4j.linalg.dataset.api.MultiDataSet m =
                new VaeIterator(SampleData.train(8, MnistIterator.Shape.FLAT, 32), twoSamples, 1).next();
        assertEquals(24, m.getFeatures(0).size(0));
        assertEquals(m.getFeatures(0).getRow(0), m.getFeatures(0).getRow(2), "each example repeated per sample");
        assertNotEquals(m.getFeatures(1).getRow(0), m.getFeatures(1).getRow(1), "with its own noise");
    }

    @Test
    void prefetchingOnDl4jsThreadGivesTheSameBatchesAndNoise() {
        ZooAssertions.prefetchedEqualsSync(new VaeIterator(SampleData.train(16, MnistIterator.Shape.FLAT, 64), toy, 5),
                new VaeIterator(SampleData.train(16, MnistIterator.Shape.FLAT, 64), toy, 5), 4);
    }

    @Test
    void sameSeedSameTrainedModel() {
        VAE vae = VAE.builder().hiddenSizes(16).latentSize(2).seed(7).build();
        INDArray[] params = new INDArray[2];
        for (int r = 0; r < 2; r++) {
            ComputationGraph g = vae.init();
            g.fit(new VaeIterator(SampleData.train(32, MnistIterator.Shape.FLAT, 256), vae, 3));
            params[r] = g.params();
        }
        assertEquals(params[0], params[1]);
    }

    @Test
    void importanceWeightedBoundIsAboveTheElboAndRisesWithK() {
        INDArray x = SampleData.testBatch(100, MnistIterator.Shape.FLAT);
        ComputationGraph decoder = toy.decoderGraph(trained);
        double elbo = -VaeMetrics.negativeElboPerExample(toy, trained, x, rng(1))[0].meanNumber().doubleValue();
        double k1 = VaeMetrics.importanceWeightedLogLikelihood(toy, trained, decoder, x, 1, 1, rng(2))
                .meanNumber().doubleValue();
        double k10 = VaeMetrics.importanceWeightedLogLikelihood(toy, trained, decoder, x, 10, 3, rng(3))
                .meanNumber().doubleValue();
        double k100 = VaeMetrics.importanceWeightedLogLikelihood(toy, trained, decoder, x, 100, 40, rng(4))
                .meanNumber().doubleValue();
        assertEquals(elbo, k1, 0.02 * Math.abs(elbo), "k = 1 estimates the ELBO");
        assertTrue(k10 > elbo && k100 >= k10 - 0.05, "ELBO " + elbo + ", k=10 " + k10 + ", k=100 " + k100);
        // the streaming log-sum-exp agrees with the direct one for a fixed draw (the same samples, one chunk vs
        // many): every chunking reads its noise from one array of 12 samples per digit
        INDArray five = x.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 5),
                org.nd4j.linalg.indexing.NDArrayIndex.all());
        int latent = toy.latentSize();
        INDArray fixed = Nd4j.randn(rng(6), 5, 12, latent).castTo(DataType.DOUBLE);
        VaeMetrics.ChunkNoise same = (n, c, done, l) -> fixed.get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
                org.nd4j.linalg.indexing.NDArrayIndex.interval(done, done + c),
                org.nd4j.linalg.indexing.NDArrayIndex.all()).dup('c').reshape(n * c, l);
        double[] oneChunk = VaeMetrics.importanceWeightedLogLikelihood(toy, trained, decoder, five, 12, 12, same)
                .toDoubleVector();
        for (int chunk : new int[] {1, 4, 5}) {
            double[] many = VaeMetrics.importanceWeightedLogLikelihood(toy, trained, decoder, five, 12, chunk, same)
                    .toDoubleVector();
            for (int i = 0; i < 5; i++) {
                assertTrue(Double.isFinite(oneChunk[i]));
                // the float decoder's products over 5 and 60 rows round differently: 2e-7 nats seen
                assertEquals(oneChunk[i], many[i], 1e-7 * Math.abs(oneChunk[i]), "digit " + i + ", 12 samples in"
                        + " chunks of " + chunk);
            }
        }
        // other samples give other estimates: the comparison above is not vacuous
        double[] other = VaeMetrics.importanceWeightedLogLikelihood(toy, trained, decoder, five, 12, 12, rng(7))
                .toDoubleVector();
        assertNotEquals(oneChunk[0], other[0]);
    }

    @Test
    void apiEncodeDecodeSampleInterpolateAndAnomalyScores() {
        ComputationGraph decoder = toy.decoderGraph(trained);
        INDArray x = SampleData.testBatch(10, MnistIterator.Shape.FLAT);
        INDArray mu = toy.encode(trained, x)[0];
        assertTrue(toy.decode(decoder, mu).equalsWithEps(toy.reconstruct(trained, x), 1e-5), "decode(mu) = reconstruct");
        assertArrayEquals(new long[] {7, 784}, toy.sample(decoder, 7, rng(1)).shape());
        INDArray path = toy.interpolate(trained, decoder, x.getRow(0, true), x.getRow(1, true), 5);
        assertArrayEquals(new long[] {5, 784}, path.shape());
        assertTrue(path.getRow(0).equalsWithEps(toy.reconstruct(trained, x.getRow(0, true)).getRow(0), 1e-5));
        assertTrue(path.getRow(4).equalsWithEps(toy.reconstruct(trained, x.getRow(1, true)).getRow(0), 1e-5));
        // noise images are anomalous: higher -ELBO and lower reconstruction log-probability than digits
        INDArray noise = Nd4j.rand(rng(2), 10, 784).castTo(DataType.FLOAT);
        assertTrue(VaeMetrics.negativeElboPerExample(toy, trained, noise, rng(3))[0].minNumber().doubleValue()
                > VaeMetrics.negativeElboPerExample(toy, trained, x, rng(3))[0].maxNumber().doubleValue());
        assertTrue(VaeMetrics.reconstructionLogProbability(toy, trained, noise).maxNumber().doubleValue()
                < VaeMetrics.reconstructionLogProbability(toy, trained, x).minNumber().doubleValue());
    }

    @Test
    void roundTripsKeepEveryHyperParameterAndOutput() throws Exception {
        for (VAE.Likelihood lk : VAE.Likelihood.values()) {
            VAE vae = VAE.builder().inputSize(8).hiddenSizes(6).latentSize(3).likelihood(lk).beta(2.5)
                    .fixedVariance(0.3).build();
            ComputationGraph g = vae.init();
            INDArray x = Nd4j.rand(DataType.FLOAT, 4, 8);
            INDArray eps = Nd4j.randn(DataType.FLOAT, 4, 3);
            ZooAssertions.fitChangesParameters(g, VaeIterator.of(x, eps));
            ComputationGraph back = ZooAssertions.jsonRoundTrip(g, x, eps);
            assertEquals(2.5, ZooAssertions.layer(back.getConfiguration(), VAE.KL, GaussianKLPenalty.class).getBeta());
            ZooAssertions.serializerRoundTrip(g, tmp, x, eps);
        }
    }

    @Test
    void convolutionalVariantTrainsEvaluatesAndRoundTrips() throws Exception {
        VAE conv = VAE.builder().convolutional(4, 8).latentSize(3).seed(2).build();
        ComputationGraph g = conv.init();
        INDArray x = SampleData.testBatch(6, MnistIterator.Shape.FLAT);
        assertArrayEquals(new long[] {6, 784}, conv.reconstruct(g, x).shape());
        assertArrayEquals(new long[] {6, 3}, conv.encode(g, x)[0].shape());
        ZooAssertions.layer(g.getConfiguration(), "encoder-1", org.deeplearning4j.nn.conf.layers.ConvolutionLayer.class);
        ZooAssertions.fitChangesParameters(g, VaeIterator.of(x, Nd4j.randn(DataType.FLOAT, 6, 3)));
        ComputationGraph decoder = conv.decoderGraph(g);
        assertTrue(conv.decode(decoder, conv.encode(g, x)[0]).equalsWithEps(conv.reconstruct(g, x), 1e-5));
        INDArray iw = VaeMetrics.importanceWeightedLogLikelihood(conv, g, decoder, x, 6, 3, rng(1));
        assertTrue(iw.maxNumber().doubleValue() < 0 && Double.isFinite(iw.sumNumber().doubleValue()));
        ZooAssertions.jsonRoundTrip(g, x, conv.zeroNoise(6));
        ZooAssertions.serializerRoundTrip(g, tmp, x, conv.zeroNoise(6));
    }

    @Test
    void convolutionalVariantPassesGradientChecks() {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        try {
            Nd4j.getRandom().setSeed(4);
            INDArray x = Nd4j.rand(DataType.DOUBLE, 3, 64);
            INDArray eps = Nd4j.randn(DataType.DOUBLE, 3, 2);
            for (VAE.Likelihood lk : new VAE.Likelihood[] {VAE.Likelihood.BERNOULLI, VAE.Likelihood.GAUSSIAN_LEARNED}) {
                VAE vae = VAE.builder().convolutional(2).imageSize(8, 8, 1).latentSize(2).likelihood(lk)
                        .activation(Activation.TANH).updater(new NoOp()).dataType(DataType.DOUBLE).build();
                ComputationGraph g = vae.init();
                assertTrue(GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(g)
                        .inputs(new INDArray[] {x, eps}).labels(new INDArray[] {x, null})), lk.toString());
            }
        } finally {
            Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
        }
    }

    @Test
    void invalidConfigurationsAreRejected() {
        rejects(() -> VAE.builder().convolutional(8, 0).build(), "filters[1]", "0");
        rejects(() -> VAE.builder().convolutional(8, 8, 8).build(), "28x28", "divisible");
        rejects(() -> VAE.builder().latentSize(0).build(), "latentSize", "0");
        rejects(() -> VAE.builder().hiddenSizes(400, -2).build(), "hiddenSizes[1]", "-2");
        rejects(() -> VAE.builder().beta(-1).build(), "beta", "-1");
        rejects(() -> VAE.builder().fixedVariance(0).build(), "fixedVariance", "0");
        rejects(() -> VAE.builder().samplesPerExample(0).build(), "samplesPerExample", "0");
        rejects(() -> VAE.builder().likelihood(null).build(), "likelihood");
    }
}
