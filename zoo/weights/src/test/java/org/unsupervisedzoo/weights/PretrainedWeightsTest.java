package org.unsupervisedzoo.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.zoo.PretrainedType;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.unsupervisedzoo.datasets.BundledSample;
import org.unsupervisedzoo.datasets.DataLocator;
import org.unsupervisedzoo.datasets.DataSource;
import org.unsupervisedzoo.datasets.ImageDataset;
import org.unsupervisedzoo.datasets.LabelledImages;
import org.unsupervisedzoo.datasets.MnistIterator;
import org.unsupervisedzoo.datasets.Split;
import org.unsupervisedzoo.zoo.catalog.Dl4jZooModel;
import org.unsupervisedzoo.zoo.catalog.Pretrained;
import org.unsupervisedzoo.zoo.catalog.PretrainedFigures;
import org.unsupervisedzoo.zoo.gan.Gan;
import org.unsupervisedzoo.zoo.rbm.RBM;

/**
 * Every weight file of the manifest loads from the classpath with its checksum verified, in DL4J's classes, and
 * reaches each figure the manifest records for its sample within that figure's tolerance ({@link PretrainedFigures}):
 * MNIST entries on the bundled sample's 1,000 test digits, GANs on the same 1,000 generated digits judged by the
 * module's {@code lenet}, Fashion-MNIST entries on the first 500 Fashion test digits where a copy of Fashion-MNIST
 * is found (none is bundled; otherwise they are skipped with the reason printed).
 */
class PretrainedWeightsTest {
    @Test
    void everyWeightFileLoadsVerifiedAndReachesItsRecordedFigures() {
        List<Pretrained.Entry> manifest = Pretrained.manifest();
        assertFalse(manifest.isEmpty(), "the weights module ships a manifest with entries");
        ComputationGraph judge = Pretrained.load(PretrainedFigures.JUDGE, "mnist");
        String judgeSha = Pretrained.entry(PretrainedFigures.JUDGE, "mnist").sha256();
        PretrainedFigures.Data mnist = sample(new BundledSample(), 0, 0, judge,
                "the bundled MNIST sample's 1,000 test digits");
        PretrainedFigures.Data fashion = null;
        String noFashion = null;
        try {
            DataSource f = new DataLocator().locate(ImageDataset.FASHION_MNIST);
            fashion = sample(f, PretrainedFigures.FASHION_SAMPLE_TRAIN, PretrainedFigures.FASHION_SAMPLE_DIGITS, judge,
                    "the first " + PretrainedFigures.FASHION_SAMPLE_DIGITS + " Fashion-MNIST test digits");
        } catch (RuntimeException e) {
            noFashion = e.getMessage();
        }
        List<String> measured = new ArrayList<>();
        for (Pretrained.Entry e : manifest) {
            ComputationGraph g = Pretrained.load(e.model(), e.dataset());
            assertFalse(g.getConfiguration().toJson().contains("org.unsupervisedzoo.zoo.fast."), e.model());
            assertTrue(e.value() > 0 && e.command().contains("train ") && e.sha256().length() == 64
                    && e.dataSha256().length() == 64 && e.epochs() > 0 && !e.figures().isEmpty()
                    && e.figures().get(0).name().equals(e.figure()), e.toString());
            assertFalse(e.command().contains("/tmp/") || e.command().contains("/work/")
                    || e.command().contains("/root/"), "no machine paths in the recipe: " + e.command());
            PretrainedFigures.Kind kind = PretrainedFigures.kind(e.model());
            if (kind == PretrainedFigures.Kind.GAN) {
                assertEquals(judgeSha, e.judgeSha256(), e.model() + " was judged by the module's lenet");
                assertTrue(g.getConfiguration().getNetworkInputs().contains(Gan.NOISE)
                        && g.getConfiguration().getNetworkOutputs().contains(Gan.IMAGE), e.model()
                        + ": a GAN's weights are its generator");
            }
            PretrainedFigures.Data data;
            if (e.dataset().equals("fashion")) {
                if (fashion == null) {
                    System.out.println("skipped " + e.model() + " (fashion): its sample figures need Fashion-MNIST"
                            + " test digits, and none were found: " + noFashion);
                    continue;
                }
                data = fashion;
            } else {
                assertEquals("mnist", e.dataset(), e.toString());
                data = mnist;
            }
            List<PretrainedFigures.Figure> now = PretrainedFigures.measure(e.model(), g, data);
            for (Pretrained.Figure f : e.figures()) {
                double v = now.stream().filter(x -> x.name().equals(f.name())).findFirst().orElseThrow().value();
                assertEquals(f.sampleValue(), v, f.tolerance(), e.model() + " (" + e.dataset() + ") " + f.name()
                        + " on " + e.sample());
                measured.add(String.format(Locale.ROOT, "%s (%s) %s %.6f", e.model(), e.dataset(), f.name(), v));
            }
        }
        measured.forEach(System.out::println);
    }

    private static PretrainedFigures.Data sample(DataSource source, int trainDigits, int testDigits,
                                                 ComputationGraph judge, String description) {
        return new PretrainedFigures.Data(() -> digits(source.load(Split.TRAIN), trainDigits),
                digits(source.load(Split.TEST), testDigits), PretrainedFigures.GAN_SAMPLE_SAMPLES, judge, description);
    }

    private static PretrainedFigures.Digits digits(LabelledImages images, int n) {
        DataSet d = MnistIterator.builder(images).batchSize(images.count()).shuffle(false).subset(n).build().next();
        return new PretrainedFigures.Digits(d.getFeatures(), d.getLabels().argMax(1).toIntVector());
    }

    @Test
    void aDamagedWeightFileIsRefusedNamingTheModel() throws IOException {
        Pretrained.Entry e = Pretrained.manifest().get(0);
        byte[] bytes;
        try (InputStream in = Pretrained.class.getResourceAsStream(Pretrained.RESOURCE_DIR + e.file())) {
            bytes = in.readAllBytes();
        }
        bytes[bytes.length / 2] ^= 1;
        byte[] damaged = bytes;
        IllegalStateException ex = assertThrows(IllegalStateException.class,
                () -> Pretrained.restoreVerified(e, damaged));
        assertTrue(ex.getMessage().contains("'" + e.model() + "'") && ex.getMessage().contains(e.sha256())
                && ex.getMessage().contains("damaged"), ex.getMessage());
    }

    @Test
    void dl4jsZooModelContractGivesTheWeights() throws Exception {
        Pretrained.Entry first = Pretrained.manifest().stream().filter(e -> e.dataset().equals("mnist")).findFirst()
                .orElseThrow();
        Dl4jZooModel zm = Dl4jZooModel.of(first.model());
        assertTrue(zm.pretrainedAvailable(PretrainedType.MNIST));
        assertFalse(zm.pretrainedAvailable(PretrainedType.IMAGENET));
        ComputationGraph g = zm.initPretrained(PretrainedType.MNIST);
        assertEquals(Pretrained.load(first.model()).params(), g.params());
        for (Pretrained.Entry e : Pretrained.manifest()) {
            if (e.dataset().equals("fashion")) { // DL4J's PretrainedType has no Fashion-MNIST
                assertEquals(Pretrained.load(e.model(), "fashion").params(),
                        Dl4jZooModel.of(e.model()).initPretrained("fashion").params(), e.model());
            }
        }
        IllegalStateException none = assertThrows(IllegalStateException.class,
                () -> Pretrained.load("lenet", "fashion"));
        assertTrue(none.getMessage().contains("'lenet' (fashion)") && none.getMessage().contains(Pretrained.ARTIFACT),
                none.getMessage());
    }

    /** The snippets of pretrained.md: a GAN's generator, the RBM's parameters and encoder, the SOM's maps. */
    @Test
    void theDocumentedUsesOfGeneratorsRbmAndSomRun() {
        ComputationGraph g = Pretrained.load("conditional-mlp-gan");
        INDArray z = Nd4j.randn(DataType.FLOAT, 10, 100);
        INDArray y = Nd4j.eye(10).castTo(DataType.FLOAT);
        INDArray digits = g.output(false, z, y)[0].add(1).muli(0.5);
        assertArrayEquals(new long[] {10, 784}, digits.shape());
        assertTrue(digits.minNumber().doubleValue() >= 0 && digits.maxNumber().doubleValue() <= 1);
        ComputationGraph rbm = Pretrained.load("rbm");
        assertEquals(500, PretrainedFigures.rbmParams(rbm).nHidden());
        ComputationGraph encoder = RBM.builder().nHidden(500).build().encoderGraph(rbm);
        assertArrayEquals(new long[] {2, 500}, encoder.outputSingle(Nd4j.rand(DataType.FLOAT, 2, 784)).shape());
        assertEquals(400, PretrainedFigures.somMaps(Pretrained.load("self-organizing-map")).grid().units());
    }
}
