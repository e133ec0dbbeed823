package org.unsupervisedzoo.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every example runs end to end on the bundled sample and writes what it promises. */
class ExamplesTest {
    @TempDir
    Path out;

    private String run(AutoencoderRunner example, String... args) throws Exception {
        Options o = example.options();
        List<String> all = new ArrayList<>(Arrays.asList(args));
        all.addAll(List.of("--out", out.toString()));
        o.parse(all.toArray(new String[0]));
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true));
        try {
            example.run(o);
        } finally {
            System.setOut(old);
        }
        return buf.toString();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "undercomplete-autoencoder | --hidden 32,8                           | reconstructions.png filters.png |",
        "undercomplete-autoencoder | --hidden 32,8 --code-activation identity --lr-schedule exponential | reconstructions.png filters.png |",
        "denoising-autoencoder | --hidden 32,8 --noise masking --level 0.3 | denoising.png filters.png       | psnr_noisy psnr_denoised",
        "denoising-autoencoder | --hidden 32 --keras-style true           | denoising.png filters.png       | psnr_noisy psnr_denoised",
        "sparse-autoencoder | --hidden 64                              | reconstructions.png filters.png | mean_code active_share",
        "sparse-autoencoder | --hidden 64 --sparsity k_sparse --k 5    | reconstructions.png filters.png | mean_code active_share",
        "contractive-autoencoder | --hidden 32                              | reconstructions.png filters.png | jacobian_fro2",
        "contractive-autoencoder | --hidden 32 --code-activation relu --decoder-max-norm 1 | reconstructions.png filters.png | jacobian_fro2",
        "convolutional-autoencoder | --filters 4,8 --code 16                  | reconstructions.png             |",
        "variational-autoencoder | --hidden 64 --latent 2 --iwae-k 5        | reconstructions.png samples.png interpolation.png latent.png manifold.png | recon kl",
        "variational-autoencoder | --hidden 64 --latent 8 --binarize dynamic | reconstructions.png samples.png interpolation.png latent.png | recon kl"})
    void runsOnTheSampleAndWritesModelPicturesAndLog(String name, String args, String pictures, String measures)
            throws Exception {
        AutoencoderRunner example = Main.examples().get(name);
        List<String> argv = new ArrayList<>(List.of("--epochs", "2", "--batch", "128"));
        argv.addAll(Arrays.asList(args.trim().split("\\s+")));
        String printed = run(example, argv.toArray(new String[0]));
        assertTrue(printed.contains("bundled MNIST SAMPLE"), printed);
        List<String> lines = printed.lines().filter(l -> l.startsWith("epoch ")).toList();
        assertEquals(2, lines.size(), printed);
        StringBuilder pattern = new StringBuilder("epoch +2/2  train_loss \\d+\\.\\d{5}  test_loss \\d+\\.\\d{5}");
        List<String> names = measures == null ? List.of() : List.of(measures.trim().split("\\s+"));
        names.forEach(m -> pattern.append("  ").append(m).append(" -?\\d+\\.\\d{5}"));
        pattern.append("  examples/s +\\d+  time +\\d+\\.\\ds");
        assertTrue(lines.get(1).matches(pattern.toString()), lines.get(1) + " !~ " + pattern);

        List<String> csv = Files.readAllLines(out.resolve("epochs.csv"));
        assertEquals(3, csv.size());
        assertEquals(5 + names.size(), csv.get(0).split(",").length, csv.get(0));
        if (name.equals("variational-autoencoder")) {
            assertTrue(lines.get(1).matches("epoch +2/2  train_loss \\d+\\.\\d{5}  test_loss \\d+\\.\\d{5}  recon .*"),
                    lines.get(1));
        }
        if (args.contains("iwae-k")) {
            assertTrue(printed.lines().anyMatch(l -> l.matches("iwae k 5  test_nll \\d+\\.\\d{3}  examples 1000  .*")),
                    printed);
        }
        double first = Double.parseDouble(csv.get(1).split(",")[2]);
        double second = Double.parseDouble(csv.get(2).split(",")[2]);
        assertTrue(second < first, "test loss falls: " + csv);

        ComputationGraph model = ModelSerializer.restoreComputationGraph(out.resolve("model.zip").toFile(), false);
        assertTrue(model.numParams() > 0);
        for (String p : pictures.trim().split("\\s+")) {
            assertTrue(ImageIO.read(out.resolve(p).toFile()).getWidth() > 100, p);
        }
    }

    @Test
    void sparseMeanCodeIsOverEveryTestDigitNotTheFirstFiveHundred() throws Exception {
        String printed = run(Main.examples().get("sparse-autoencoder"), "--epochs", "1", "--batch", "128",
                "--hidden", "64");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("epoch +1/1 .* mean_code (\\d+\\.\\d{5})  active_share "
                + "(\\d+\\.\\d{5}) .*").matcher(printed.lines().filter(l -> l.startsWith("epoch ")).findFirst()
                .orElseThrow());
        assertTrue(m.matches(), printed);
        ComputationGraph g = ModelSerializer.restoreComputationGraph(out.resolve("model.zip").toFile(), false);
        org.unsupervisedzoo.datasets.LabelledImages test = new org.unsupervisedzoo.datasets.BundledSample()
                .load(org.unsupervisedzoo.datasets.Split.TEST);
        assertTrue(test.count() > AutoencoderRunner.MEASURE_DIGITS, "the sample's test set is larger than the prefix");
        org.nd4j.linalg.api.ndarray.INDArray all = org.unsupervisedzoo.datasets.MnistIterator.builder(test)
                .batchSize(test.count()).shuffle(false).build().next().getFeatures();
        org.nd4j.linalg.api.ndarray.INDArray code = org.unsupervisedzoo.zoo.autoencoder.Autoencoders.encode(g, all);
        assertEquals(code.meanNumber().doubleValue(), Double.parseDouble(m.group(1)), 6e-6,
                "the mean code of all " + test.count() + " test digits");
        assertEquals(code.gt(1e-3).castTo(code.dataType()).meanNumber().doubleValue(), Double.parseDouble(m.group(2)),
                6e-6);
        org.nd4j.linalg.api.ndarray.INDArray first = code.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0,
                AutoencoderRunner.MEASURE_DIGITS), org.nd4j.linalg.indexing.NDArrayIndex.all());
        assertTrue(Math.abs(first.meanNumber().doubleValue() - code.meanNumber().doubleValue()) > 1e-5,
                "the prefix's mean differs, so this test tells the two apart");
    }

    @Test
    void badOptionsAreNamed() {
        Options o = new UndercompleteExample().options();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> o.parse(new String[] {"--epoch", "3"}));
        assertTrue(e.getMessage().contains("--epoch"), e.getMessage());
        // parse checks every declared range at once, before a runner reads the value
        e = assertThrows(IllegalArgumentException.class, () -> o.parse(new String[] {"--batch", "many"}));
        assertTrue(e.getMessage().contains("--batch") && e.getMessage().contains("many"), e.getMessage());
        assertFalse(o.parse(new String[] {"--help"}));
        Options d = new UndercompleteExample().options();
        d.parse(new String[] {"--data", "cifar"});
        e = assertThrows(IllegalArgumentException.class, () -> ExampleData.locate(d));
        assertTrue(e.getMessage().contains("cifar"), e.getMessage());
        Options c = new UndercompleteExample().options();
        c.parse(new String[] {"--code-activation", "tanh"});
        CliException ce = assertThrows(CliException.class, () -> UndercompleteExample.codeActivation(c));
        assertTrue(ce.getMessage().contains("--code-activation") && ce.getMessage().contains("tanh"), ce.getMessage());
        Options k = new ContractiveExample().options();
        k.parse(new String[] {"--code-activation", "maxout"});
        ce = assertThrows(CliException.class, () -> ContractiveExample.codeActivation(k));
        assertTrue(ce.getMessage().contains("--code-activation") && ce.getMessage().contains("maxout"), ce.getMessage());
        Options r = new ContractiveExample().options();
        r.parse(new String[] {"--code-activation", "relu"});
        assertEquals(org.nd4j.linalg.activations.Activation.RELU, ContractiveExample.codeActivation(r));
        Options n = new DenoisingExample().options();
        n.parse(new String[] {"--noise", "blur"});
        e = assertThrows(IllegalArgumentException.class, () -> DenoisingExample.corruption(n));
        assertTrue(e.getMessage().contains("blur"), e.getMessage());
    }

    @Test
    void validationHoldsOutTheLastTrainingDigitsInPlaceOfTheTestSet() throws Exception {
        UndercompleteExample example = new UndercompleteExample();
        String printed = run(example, "--epochs", "1", "--hidden", "16", "--validation", "200");
        org.unsupervisedzoo.datasets.LabelledImages train = ExampleData.locate(example.options())
                .load(org.unsupervisedzoo.datasets.Split.TRAIN);
        int n = train.count();
        assertTrue(printed.contains("train " + (n - 200) + "  val 200  "), printed);
        String line = printed.lines().filter(l -> l.startsWith("epoch ")).findFirst().orElseThrow();
        assertTrue(line.matches("epoch +1/1  train_loss \\d+\\.\\d{5}  val_loss \\d+\\.\\d{5}  examples/s .*"), line);
        assertTrue(Files.readAllLines(out.resolve("epochs.csv")).get(0).startsWith("epoch,train_loss,val_loss,"));
        // the printed loss is the saved model's on the last 200 training digits
        ComputationGraph model = ModelSerializer.restoreComputationGraph(out.resolve("model.zip").toFile(), false);
        double held = org.unsupervisedzoo.zoo.autoencoder.ReconstructionMetrics.perElement(model,
                org.unsupervisedzoo.datasets.MnistIterator.builder(train.range(n - 200, n)).batchSize(100)
                        .shuffle(false).target(org.unsupervisedzoo.datasets.MnistIterator.Target.INPUT).build(),
                example.factory(example.options(), train).loss());
        assertEquals(held, Double.parseDouble(line.split("val_loss ")[1].split(" ")[0]), 1e-5, line);
        CliException e = assertThrows(CliException.class,
                () -> run(new UndercompleteExample(), "--epochs", "1", "--validation", String.valueOf(n)));
        assertTrue(e.getMessage().contains("--validation") && e.getMessage().contains(String.valueOf(n)),
                e.getMessage());
    }

    @Test
    void twoWorkersTrainTheSameModelAsOne() throws Exception {
        String one = run(new UndercompleteExample(), "--epochs", "2", "--hidden", "32,8", "--batch", "64");
        String two = run(new UndercompleteExample(), "--epochs", "2", "--hidden", "32,8", "--batch", "64",
                "--workers", "2");
        java.util.function.Function<String, double[]> losses = printed -> printed.lines()
                .filter(l -> l.startsWith("epoch ")).flatMapToDouble(l -> java.util.stream.DoubleStream.of(
                        Double.parseDouble(l.replaceAll(".*train_loss (\\S+).*", "$1")),
                        Double.parseDouble(l.replaceAll(".*test_loss (\\S+).*", "$1")))).toArray();
        double[] a = losses.apply(one);
        double[] b = losses.apply(two);
        assertEquals(4, a.length, one);
        for (int i = 0; i < a.length; i++) {
            assertEquals(a[i], b[i], 2e-5, "the same losses, epoch by epoch: " + one + two);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> run(new SparseExample(), "--epochs", "1", "--hidden", "16", "--workers", "2"));
        assertTrue(e.getMessage().contains("KLSparsityPenalty"), e.getMessage());
    }

    @Test
    void averagingWorkersTrainTheSparseModelAndLearn() throws Exception {
        // the sparse autoencoder's KL penalty is refused by split minibatches, taken by whole ones per worker
        String two = run(new SparseExample(), "--epochs", "2", "--hidden", "16", "--batch", "64", "--workers", "2",
                "--average-every", "2");
        double[] test = two.lines().filter(l -> l.startsWith("epoch ")).mapToDouble(l ->
                Double.parseDouble(l.replaceAll(".*test_loss (\\S+).*", "$1"))).toArray();
        assertEquals(2, test.length, two);
        assertTrue(test[1] < test[0], "the averaged model learns: " + two);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> run(new UndercompleteExample(), "--epochs", "1", "--average-every", "-1"));
        assertTrue(e.getMessage().contains("average-every"), e.getMessage());
    }

    @Test
    void aStepScheduleDropsToATenthForTheLastFifthOfTheEpochs() throws Exception {
        UndercompleteExample example = new UndercompleteExample();
        org.unsupervisedzoo.datasets.LabelledImages train = ExampleData.locate(example.options())
                .load(org.unsupervisedzoo.datasets.Split.TRAIN).range(0, 950); // 10 batches an epoch
        Options o = example.options();
        o.parse(new String[] {"--epochs", "10", "--batch", "100", "--lr", "0.002", "--lr-schedule", "step"});
        org.nd4j.linalg.learning.config.Adam adam = AutoencoderRunner.adam(o, train);
        assertEquals(0.002, adam.getLearningRate(0, 0), 1e-12);
        assertEquals(0.002, adam.getLearningRate(79, 7), 1e-12, "epochs 1-8 at the rate");
        assertEquals(0.0002, adam.getLearningRate(80, 8), 1e-12, "epochs 9-10 at a tenth");
        assertEquals(0.0002, adam.getLearningRate(99, 9), 1e-12);
        Options short3 = example.options();
        short3.parse(new String[] {"--epochs", "3", "--batch", "100", "--lr", "0.002", "--lr-schedule", "step"});
        org.nd4j.linalg.learning.config.Adam three = AutoencoderRunner.adam(short3, train);
        assertEquals(0.002, three.getLearningRate(19, 1), 1e-12);
        assertEquals(0.0002, three.getLearningRate(20, 2), 1e-12, "at least the last epoch");
    }

    @Test
    void anExponentialScheduleFallsToAHundredthOverTheRunsIterations() throws Exception {
        UndercompleteExample example = new UndercompleteExample();
        Options o = example.options();
        o.parse(new String[] {"--epochs", "3", "--batch", "100", "--lr", "0.002", "--lr-schedule", "exponential"});
        org.unsupervisedzoo.datasets.LabelledImages train = ExampleData.locate(o)
                .load(org.unsupervisedzoo.datasets.Split.TRAIN).range(0, 950); // 10 batches an epoch, the last short
        org.nd4j.linalg.learning.config.Adam adam = AutoencoderRunner.adam(o, train);
        assertEquals(0.002, adam.getLearningRate(0, 0), 1e-12);
        assertEquals(0.002 * Math.pow(0.01, 15 / 30.0), adam.getLearningRate(15, 1), 1e-12);
        assertEquals(0.002 * 0.01, adam.getLearningRate(30, 2), 1e-12);
        Options none = example.options();
        none.parse(new String[] {"--lr", "0.001"});
        assertEquals(0.001, AutoencoderRunner.adam(none, train).getLearningRate(10_000, 5), 0.0);
        Options bad = example.options();
        bad.parse(new String[] {"--lr-schedule", "cosine"});
        CliException e = assertThrows(CliException.class, () -> AutoencoderRunner.adam(bad, train));
        assertTrue(e.getMessage().contains("--lr-schedule") && e.getMessage().contains("cosine"), e.getMessage());
        // a run with the schedule saves it in the model's configuration
        run(example, "--epochs", "1", "--hidden", "16", "--lr-schedule", "exponential");
        ComputationGraph model = ModelSerializer.restoreComputationGraph(out.resolve("model.zip").toFile(), false);
        assertTrue(model.getConfiguration().toJson().contains("ExponentialSchedule"), "schedule saved");
    }

    @Test
    void layerCostBenchmarkReportsARatioPerCustomLayer() {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true));
        try {
            LayerCostBenchmark.main(new String[] {"--rounds", "1", "--steps", "2", "--warmup", "1", "--batch", "32"});
        } finally {
            System.setOut(old);
        }
        List<String> rows = buf.toString().lines().filter(l -> l.contains(" ratio ")).toList();
        assertEquals(3, rows.size(), buf.toString());
        rows.forEach(r -> assertTrue(r.matches(".*with +\\d+ ex/s  built-in only +\\d+ ex/s  ratio \\d+\\.\\d\\d.*"), r));
    }

    @Test
    void vaeComparisonReportsBothModels() {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true));
        try {
            VaeComparisonBenchmark.main(new String[] {"--epochs", "1", "--hidden", "32", "--latent", "4"});
        } finally {
            System.setOut(old);
        }
        String printed = buf.toString();
        assertTrue(printed.lines().anyMatch(l -> l.matches(
                "epoch  1/1  zoo: -elbo \\d+\\.\\d\\d  examples/s +\\d+   built-in: -elbo \\d+\\.\\d\\d  examples/s +\\d+")),
                printed);
        assertTrue(printed.contains("median examples/s: zoo"), printed);
    }
}
