package org.unsupervisedzoo.zoo.gan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.unsupervisedzoo.zoo.ZooAssertions;

/**
 * The trainer's optional stability features: the EMA generator (recurrence, sampling, training untouched, checkpoint)
 * and instance noise (schedule, what D sees in both steps, exactness at zero noise, resume). Tiny models on the
 * bundled sample, as in {@link GanTest}.
 */
class GanStabilityTest {
    @TempDir
    Path dir;

    static java.util.stream.Stream<GanFactory> factories() {
        return GanTest.factories();
    }

    private static INDArray labelsOf(GanFactory gan, DataSet ds) {
        return gan.conditional() ? ds.getLabels() : null;
    }

    private static double[] values(INDArray a) {
        return a.dup().castTo(DataType.DOUBLE).data().asDouble();
    }

    /** Copies of the named activations of every forward pass of fit (network inputs included). */
    private static final class Seen extends BaseTrainingListener {
        final Map<String, INDArray> last = new HashMap<>();
        private final String[] names;

        Seen(String... names) {
            this.names = names;
        }

        @Override
        public void onForwardPass(org.deeplearning4j.nn.api.Model model, Map<String, INDArray> activations) {
            for (String n : names) {
                if (activations.containsKey(n)) {
                    last.put(n, activations.get(n).dup());
                }
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ EMA

    /**
     * After each G step the EMA generator's parameters (batch-norm statistics included) equal the recurrence
     * {@code ema = d_t ema + (1 - d_t) theta_t}, {@code d_t = min(d, (1 + t) / (10 + t))}, computed here in double
     * from the live G's parameters recorded after every step; the warm-up and the cap (from t = 8 at d = 0.5) both
     * occur. Sampling uses the EMA generator; training is the same step for step as without EMA.
     */
    @ParameterizedTest
    @MethodSource("factories")
    void emaFollowsTheRecurrenceOfRecordedParametersAndOnlySamplingUsesIt(GanFactory gan) {
        GanTrainer t = GanTrainer.builder(gan).batchSize(16).seed(7).fixedSamples(20).emaDecay(0.5).build();
        GanTrainer off = GanTrainer.builder(gan).batchSize(16).seed(7).fixedSamples(20).build();
        DataSet ds = GanTest.data(gan, 16);
        double[] ema = values(t.generator().params());
        assertEquals(t.generator().params(), t.emaGenerator().params(), "the average starts as G's initial weights");
        for (int step = 0; step < 12; step++) {
            t.discriminatorStep(ds.getFeatures(), labelsOf(gan, ds));
            t.generatorStep(16);
            off.discriminatorStep(ds.getFeatures(), labelsOf(gan, ds));
            off.generatorStep(16);
            double d = Math.min(0.5, (1.0 + step) / (10.0 + step));
            assertEquals(d, t.emaDecay(step), 0.0);
            double[] theta = values(t.generator().params());
            for (int i = 0; i < ema.length; i++) {
                ema[i] = d * ema[i] + (1 - d) * theta[i];
            }
            double[] got = values(t.emaGenerator().params());
            double worst = 0;
            for (int i = 0; i < ema.length; i++) {
                worst = Math.max(worst, Math.abs(got[i] - ema[i]) / Math.max(1, Math.abs(ema[i])));
            }
            assertTrue(worst < 1e-6, "step " + step + ": EMA off the recurrence by " + worst);
        }
        assertNotEquals(t.generator().params(), t.emaGenerator().params(), "the average lags the live G");
        assertEquals(off.generator().params(), t.generator().params(), "EMA does not change how G trains");
        assertEquals(off.discriminator().params(), t.discriminator().params(), "... nor D");
        assertSame(t.emaGenerator(), t.samplingGenerator());
        INDArray noise = t.fixedNoise();
        INDArray y = t.fixedLabels();
        INDArray viaEma = (y == null ? t.emaGenerator().output(false, noise) : t.emaGenerator().output(false, noise, y))[0]
                .add(1).muli(0.5);
        INDArray viaLive = (y == null ? t.generator().output(false, noise) : t.generator().output(false, noise, y))[0]
                .add(1).muli(0.5);
        assertEquals(viaEma, t.fixedSamples(), "the sample grid comes from the EMA generator");
        assertNotEquals(viaLive, t.fixedSamples());
        assertEquals(off.fixedSamples(), viaLive, "without EMA the live G samples");
    }

    @Test
    void emaOffIsTheTrainerWithoutItAndCheckpointsHoldNoAverage() throws Exception {
        GanFactory gan = GanTest.dcgan(0);
        GanTrainer t = GanTrainer.builder(gan).batchSize(16).seed(7).emaDecay(0).instanceNoise(0).build();
        GanTrainer plain = GanTrainer.builder(gan).batchSize(16).seed(7).build();
        assertNull(t.emaGenerator());
        assertSame(t.generator(), t.samplingGenerator());
        assertEquals(gan.conf().getNetworkInputs(), t.combined().getConfiguration().getNetworkInputs());
        assertEquals(gan.conf().getVertices().keySet(), t.combined().getConfiguration().getVertices().keySet(),
                "no image-noise input or vertex");
        DataSet ds = GanTest.data(gan, 48);
        GanTrainer.EpochStats a = t.fitEpoch(ds.getFeatures(), null);
        GanTrainer.EpochStats b = plain.fitEpoch(ds.getFeatures(), null);
        assertEquals(plain.generator().params(), t.generator().params());
        assertEquals(plain.discriminator().params(), t.discriminator().params());
        assertEquals(b.lossD, a.lossD, 0.0);
        assertEquals(b.lossG, a.lossG, 0.0);
        t.save(dir);
        try (var files = Files.list(dir)) {
            assertEquals(java.util.List.of("combined.zip", "discriminator.zip", "generator.zip", "trainer.properties"),
                    files.map(p -> p.getFileName().toString()).sorted().toList());
        }
        assertNull(GanTrainer.restore(dir).emaGenerator());
    }

    // ------------------------------------------------------------------------------------------------ instance noise

    @Test
    void instanceNoiseAnnealsLinearlyToZero() {
        GanTrainer t = GanTrainer.builder(GanTest.mlp(0)).instanceNoise(0.4).instanceNoiseSteps(4).build();
        double[] expected = {0.4, 0.3, 0.2, 0.1, 0, 0};
        long[] steps = {0, 1, 2, 3, 4, 100};
        for (int i = 0; i < steps.length; i++) {
            assertEquals(expected[i], t.instanceNoiseSigma(steps[i]), 1e-12, "step " + steps[i]);
        }
        GanTrainer off = GanTrainer.builder(GanTest.mlp(0)).build();
        assertEquals(0, off.instanceNoiseSigma(0), 0.0);
        assertEquals(0, off.instanceNoiseSigma(5), 0.0);
    }

    /**
     * D's input in a D step with instance noise minus the same step's input without it (same seed, so the same fakes)
     * is noise of mean 0 and the scheduled standard deviation, in the real half and in the fake half; without noise
     * the real half is the digits scaled to [-1, 1] exactly.
     */
    @ParameterizedTest
    @MethodSource("factories")
    void dSeesNoiseOfTheScheduledSizeOnRealAndFakeImages(GanFactory gan) {
        GanTrainer noisy = GanTrainer.builder(gan).batchSize(16).seed(7).instanceNoise(0.5).instanceNoiseSteps(4)
                .build();
        GanTrainer clean = GanTrainer.builder(gan).batchSize(16).seed(7).build();
        Seen a = new Seen(Gan.IMAGE);
        Seen b = new Seen(Gan.IMAGE);
        noisy.discriminator().addListeners(a);
        // D's input before step 1 does not depend on D (no G step between): the clean run stays comparable
        clean.discriminator().addListeners(b);
        DataSet ds = GanTest.data(gan, 16);
        for (int step = 0; step < 2; step++) {
            noisy.discriminatorStep(ds.getFeatures(), labelsOf(gan, ds));
            clean.discriminatorStep(ds.getFeatures(), labelsOf(gan, ds));
            INDArray x = b.last.get(Gan.IMAGE);
            assertEquals(ds.getFeatures().mul(2).subi(1).reshape(-1),
                    x.get(NDArrayIndex.interval(0, 16)).dup().reshape(-1), "the clean real half");
            INDArray diff = a.last.get(Gan.IMAGE).sub(x);
            double sigma = 0.5 * (1 - step / 4.0);
            for (int half = 0; half < 2; half++) {
                INDArray part = diff.get(NDArrayIndex.interval(16 * half, 16 * (half + 1))).dup().reshape(-1);
                double mean = part.meanNumber().doubleValue();
                double std = part.stdNumber().doubleValue();
                assertTrue(Math.abs(mean) < 0.02, "step " + step + " half " + half + " mean " + mean);
                assertEquals(sigma, std, 0.03 * sigma, "step " + step + " half " + half);
            }
        }
    }

    /**
     * In a G step the combined graph's image-noise input holds noise of the level of the round's D step, and D reads
     * G's image plus exactly that noise; the combined graph's output is D at the noisy image.
     */
    @ParameterizedTest
    @MethodSource("factories")
    void gStepFeedsDTheNoisyFakes(GanFactory gan) {
        GanTrainer t = GanTrainer.builder(gan).batchSize(16).seed(7).instanceNoise(0.5).instanceNoiseSteps(4).build();
        Seen seen = new Seen(Gan.IMAGE, Gan.IMAGE_NOISE, Gan.NOISY_IMAGE);
        t.combined().addListeners(seen);
        DataSet ds = GanTest.data(gan, 16);
        t.discriminatorStep(ds.getFeatures(), labelsOf(gan, ds));
        t.discriminatorStep(ds.getFeatures(), labelsOf(gan, ds));
        t.generatorStep(16); // the level of D step 1: 0.375
        INDArray n = seen.last.get(Gan.IMAGE_NOISE);
        assertEquals(0.375, n.stdNumber().doubleValue(), 0.03 * 0.375);
        assertTrue(Math.abs(n.meanNumber().doubleValue()) < 0.02);
        assertTrue(seen.last.get(Gan.IMAGE).add(n).equalsWithEps(seen.last.get(Gan.NOISY_IMAGE), 1e-6));

        INDArray[] in = GanTest.inputs(gan, 4);
        INDArray noise = Nd4j.randn(DataType.FLOAT, seen.last.get(Gan.IMAGE).shape()).get(NDArrayIndex.interval(0, 4))
                .mul(0.3);
        INDArray[] withNoise = java.util.Arrays.copyOf(in, in.length + 1);
        withNoise[in.length] = noise;
        INDArray image = t.generator().output(false, in)[0].add(noise);
        INDArray[] dIn = gan.conditional() ? new INDArray[] {image, in[1]} : new INDArray[] {image};
        assertTrue(t.discriminator().output(false, dIn)[0].equalsWithEps(t.combined().output(false, withNoise)[0],
                1e-6), "combined = D(G(z) + n)");
        // annealed to 0: the G step feeds zeros
        for (int s = 0; s < 3; s++) {
            t.discriminatorStep(ds.getFeatures(), labelsOf(gan, ds));
        }
        t.generatorStep(16);
        assertEquals(0, seen.last.get(Gan.IMAGE_NOISE).amaxNumber().doubleValue(), 0.0);
    }

    /**
     * The combined graph with the image-noise input, fed zeros, takes exactly the G step of the graph without it
     * (x + 0 = x): zero noise is the trainer without instance noise.
     */
    @ParameterizedTest
    @MethodSource("factories")
    void zeroImageNoiseIsExactlyTheGraphWithoutIt(GanFactory gan) {
        ComputationGraph plain = gan.init();
        ComputationGraph noisy = new ComputationGraph(gan.conf(true));
        noisy.init();
        GanTrainer.copyParameters(plain, noisy);
        assertEquals(plain.params(), noisy.params());
        INDArray[] in = GanTest.inputs(gan, 6);
        INDArray image = gan.initGenerator().output(false, in)[0];
        INDArray[] withZeros = java.util.Arrays.copyOf(in, in.length + 1);
        withZeros[in.length] = Nd4j.zerosLike(image);
        INDArray target = Nd4j.ones(6, 1);
        for (int s = 0; s < 2; s++) {
            plain.fit(new MultiDataSet(in, GanTest.targets(gan, target, in)));
            noisy.fit(new MultiDataSet(withZeros, GanTest.targets(gan, target, in)));
        }
        assertEquals(plain.params(), noisy.params());
        assertEquals(plain.getUpdater().getStateViewArray(), noisy.getUpdater().getStateViewArray());
    }

    // ------------------------------------------------------------------------------------------------ checkpoints

    /**
     * A checkpoint of a trainer with EMA and instance noise resumes exactly: the next epoch (which crosses the end of
     * the noise schedule) gives the same G, D, combined graph, EMA generator, losses and samples.
     */
    @ParameterizedTest
    @MethodSource("factories")
    void emaAndInstanceNoiseResumeExactly(GanFactory gan) throws Exception {
        GanTrainer a = GanTrainer.builder(gan).batchSize(16).seed(3).emaDecay(0.9).instanceNoise(0.3)
                .instanceNoiseSteps(6).build();
        DataSet ds = GanTest.data(gan, 64);
        a.fitEpoch(ds.getFeatures(), labelsOf(gan, ds));
        a.save(dir);
        assertTrue(Files.isRegularFile(dir.resolve("generator-ema.zip")));
        GanTrainer b = GanTrainer.restore(dir);
        assertEquals(0.9, b.emaDecay(), 0.0);
        assertEquals(0.3, b.instanceNoise(), 0.0);
        assertEquals(6, b.instanceNoiseSteps());
        assertEquals(a.emaGenerator().params(), b.emaGenerator().params());
        GanTrainer.EpochStats ea = a.fitEpoch(ds.getFeatures(), labelsOf(gan, ds));
        GanTrainer.EpochStats eb = b.fitEpoch(ds.getFeatures(), labelsOf(gan, ds));
        assertEquals(a.generator().params(), b.generator().params());
        assertEquals(a.discriminator().params(), b.discriminator().params());
        assertEquals(a.combined().params(), b.combined().params());
        assertEquals(a.combined().getUpdater().getStateViewArray(), b.combined().getUpdater().getStateViewArray());
        assertEquals(a.emaGenerator().params(), b.emaGenerator().params());
        assertEquals(ea.lossD, eb.lossD, 0.0);
        assertEquals(ea.lossG, eb.lossG, 0.0);
        assertEquals(a.fixedSamples(), b.fixedSamples());
    }

    @Test
    void badSettingsAreRejectedNamingFieldAndValue() {
        ZooAssertions.rejects(() -> GanTrainer.builder(GanTest.mlp(0)).emaDecay(1.0).build(), "emaDecay", "1.0");
        ZooAssertions.rejects(() -> GanTrainer.builder(GanTest.mlp(0)).emaDecay(-0.5).build(), "emaDecay", "-0.5");
        ZooAssertions.rejects(() -> GanTrainer.builder(GanTest.mlp(0)).emaDecay(Double.NaN).build(), "emaDecay",
                "NaN");
        ZooAssertions.rejects(() -> GanTrainer.builder(GanTest.mlp(0)).instanceNoise(-0.1).build(), "instanceNoise",
                "-0.1");
        ZooAssertions.rejects(() -> GanTrainer.builder(GanTest.mlp(0)).instanceNoiseSteps(0).build(),
                "instanceNoiseSteps", "0");
    }
}
