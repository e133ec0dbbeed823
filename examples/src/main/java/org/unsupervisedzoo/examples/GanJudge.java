package org.unsupervisedzoo.examples;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.unsupervisedzoo.datasets.DataSource;
import org.unsupervisedzoo.datasets.LabelledImages;
import org.unsupervisedzoo.datasets.Split;
import org.unsupervisedzoo.zoo.gan.SampleQuality;
import org.unsupervisedzoo.zoo.viz.ImageGrid;

/**
 * Judges generated digits written by another program (the PyTorch twins' {@code --samples-out}: float32, native
 * byte order, {@code [n, 784]} in [0, 1]) with the LeNet judge of {@code train mlp-gan}: IS, FID against the test
 * digits, shares per digit, and a 10x10 PNG of the first 100. Usage: {@code java -cp <examples jar>
 * org.unsupervisedzoo.examples.GanJudge --samples FILE [--data mnist] [--classifier output/lenet/lenet.zip]}.
 */
public final class GanJudge {
    private GanJudge() {
    }

    public static void main(String[] args) throws IOException {
        Options o = ExampleData.declare(new Options())
                .option("samples", "", "float32 [n, 784] file in [0, 1]")
                .option("classifier", "output/lenet/lenet.zip", "LeNet judge ('train lenet' or a GAN command trains it)")
                .option("threshold", "0.05", "a digit with a smaller share of the samples is flagged as collapsed");
        if (!o.parse(args)) {
            System.out.println("usage: GanJudge [options]\n" + o.usage());
            return;
        }
        Path file = o.path("samples");
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.nativeOrder());
        float[] v = new float[bytes.remaining() / 4];
        bytes.asFloatBuffer().get(v);
        int n = v.length / 784;
        INDArray samples = Nd4j.create(v, new long[] {n, 784}, 'c');
        DataSource source = ExampleData.locate(o);
        LabelledImages trainData = source.load(Split.TRAIN);
        LabelledImages testData = source.load(Split.TEST);
        ComputationGraph judge = ModelSerializer.restoreComputationGraph(o.path("classifier").toFile(), false);
        SampleQuality.Gaussian testGaussian = SampleQuality.Gaussian.fit(
                MnistClassifierExample.report(judge, trainData, testData).features);
        SampleQuality.Judged j = SampleQuality.judge(judge, samples);
        double[] is = SampleQuality.inceptionScore(j.probabilities, 10);
        double fid = SampleQuality.frechetDistance(SampleQuality.Gaussian.fit(j.features), testGaussian);
        SampleQuality.ModeCoverage c = SampleQuality.modeCoverage(j.probabilities, o.real("threshold"));
        System.out.printf("judged %s  samples %d  IS %.3f +- %.3f  FID %.4f  min_share %.4f  collapse %s  shares %s%n",
                file, n, is[0], is[1], fid, c.minShare(), c.modeCollapse() ? c.collapsed.toString().replace(" ", "")
                        : "-", Arrays.toString(Arrays.stream(c.shares).map(s -> Math.round(s * 1000) / 1000.0)
                        .toArray()));
        Path png = Path.of(file + ".png");
        ImageGrid.writePng(ImageGrid.tiles(samples.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0,
                Math.min(n, 100))), 28, 28, 10, 2), png);
        System.out.println("wrote " + png);
    }
}
