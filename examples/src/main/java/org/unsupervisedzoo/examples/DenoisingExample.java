package org.unsupervisedzoo.examples;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.unsupervisedzoo.datasets.LabelledImages;
import org.unsupervisedzoo.datasets.MnistIterator;
import org.unsupervisedzoo.zoo.autoencoder.AutoencoderFactory;
import org.unsupervisedzoo.zoo.autoencoder.Autoencoders;
import org.unsupervisedzoo.zoo.denoising.DenoisingAutoencoder;
import org.unsupervisedzoo.zoo.denoising.ImageMetrics;
import org.unsupervisedzoo.zoo.denoising.CorruptingIterator;
import org.unsupervisedzoo.zoo.denoising.Corruption;
import org.unsupervisedzoo.zoo.denoising.GaussianCorruption;
import org.unsupervisedzoo.zoo.denoising.MaskingCorruption;
import org.unsupervisedzoo.zoo.denoising.OcclusionCorruption;
import org.unsupervisedzoo.zoo.denoising.SaltAndPepperCorruption;
import org.unsupervisedzoo.zoo.viz.ImageGrid;

/**
 * Denoising autoencoder. Per epoch it reports the PSNR of corrupted test digits and of their denoised
 * reconstructions against the clean ones; its picture shows clean, corrupted and denoised rows.
 */
final class DenoisingExample extends AutoencoderRunner {
    @Override
    public String description() {
        return "denoising autoencoder (Gaussian, masking, salt-and-pepper or occlusion noise)";
    }

    @Override
    public String name() {
        return "denoising-autoencoder";
    }

    @Override
    Options modelOptions(Options o) {
        return o.option("hidden", "256,64", "encoder widths ending with the code size").eachAtLeast(1)
                .option("noise", "gaussian", "gaussian, masking, saltpepper or occlusion")
                .option("level", "0.5", "sigma (gaussian), fraction (masking, saltpepper) or patch size (occlusion)").atLeast(0)
                .option("keras-style", "false", "true: corrupt in the data iterator (fit(noisy, clean))");
    }

    static Corruption corruption(Options o) {
        double level = o.real("level");
        switch (o.string("noise")) {
            case "gaussian":
                return new GaussianCorruption(level, true);
            case "masking":
                return new MaskingCorruption(level);
            case "saltpepper":
                return new SaltAndPepperCorruption(level);
            case "occlusion":
                return new OcclusionCorruption((int) level, 28, 28);
            default:
                throw new IllegalArgumentException("--noise must be gaussian, masking, saltpepper or occlusion, got '"
                        + o.string("noise") + "'");
        }
    }

    private Corruption noise;

    @Override
    AutoencoderFactory factory(Options o, LabelledImages train) {
        noise = corruption(o);
        boolean kerasStyle = Boolean.parseBoolean(o.string("keras-style"));
        return DenoisingAutoencoder.builder()
                .inputSize(train.pixelCount())
                .hiddenSizes(o.integers("hidden"))
                .corruption(kerasStyle ? null : noise)
                .updater(adam(o, train))
                .seed(o.integer("seed"))
                .build();
    }

    @Override
    DataSetIterator trainingData(MnistIterator clean, Options o, long seed) {
        return Boolean.parseBoolean(o.string("keras-style"))
                ? new CorruptingIterator(clean, noise, seed) : clean;
    }

    /** The same corruption of the test digits every epoch, so the figures are comparable. */
    private INDArray corrupted(INDArray clean) {
        Random rng = Nd4j.getRandomFactory().getNewRandomInstance(2024);
        return noise.corrupt(clean, rng);
    }

    @Override
    void measure(ComputationGraph graph, INDArray testDigits, Map<String, Double> out) {
        INDArray noisy = corrupted(testDigits);
        out.put("psnr_noisy", ImageMetrics.psnr(testDigits, noisy));
        out.put("psnr_denoised", ImageMetrics.psnr(testDigits, Autoencoders.reconstruct(graph, noisy)));
    }

    @Override
    List<Path> pictures(ComputationGraph graph, INDArray digits, Path out) throws IOException {
        INDArray clean = digits.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 10),
                org.nd4j.linalg.indexing.NDArrayIndex.all());
        INDArray noisy = corrupted(clean);
        INDArray rows = Nd4j.vstack(clean, noisy, Autoencoders.reconstruct(graph, noisy));
        Path grid = ImageGrid.writePng(ImageGrid.tiles(rows, 28, 28, 10, 2), out.resolve("denoising.png"));
        Path filters = writeFilters(graph, out);
        return filters == null ? List.of(grid) : List.of(grid, filters);
    }
}
