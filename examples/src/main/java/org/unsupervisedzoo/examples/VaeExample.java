package org.unsupervisedzoo.examples;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.unsupervisedzoo.datasets.LabelledImages;
import org.unsupervisedzoo.datasets.MnistIterator;
import org.unsupervisedzoo.zoo.autoencoder.AutoencoderFactory;
import org.unsupervisedzoo.zoo.vae.VAE;
import org.unsupervisedzoo.zoo.vae.VaeIterator;
import org.unsupervisedzoo.zoo.vae.VaeMetrics;
import org.unsupervisedzoo.zoo.viz.ImageGrid;
import org.unsupervisedzoo.zoo.viz.ScatterPlot;

/**
 * Variational autoencoder, 784-400-20 by default. Losses are in nats per example: {@code train_loss} is the mean
 * training objective over the epoch's batches (the -ELBO estimate, averaged over {@code --samples} draws per digit;
 * with {@code --objective iwae} the negative {@code --samples}-sample importance-weighted bound, Burda et al. 2016),
 * {@code test_loss} the test -ELBO for both objectives (one latent sample per digit, fixed
 * seed), followed by its two terms {@code recon} ({@code E_q[-log p(x|z)]}) and {@code kl}. With {@code --iwae-k}
 * it also reports the k-sample importance-weighted NLL of the test set at the end. Pictures: reconstructions,
 * samples from the prior, interpolations, the test codes coloured by digit (the 2-D latent space or a PCA
 * projection) and, for a 2-D latent space, the decoded manifold.
 */
final class VaeExample extends AutoencoderRunner {
    private VAE vae;

    @Override
    public String description() {
        return "variational autoencoder (784-400-20), ELBO and importance-weighted likelihood";
    }

    @Override
    public String name() {
        return "variational-autoencoder";
    }

    @Override
    Options modelOptions(Options o) {
        return o.option("hidden", "400", "encoder widths; the decoder mirrors them").eachAtLeast(1)
                .option("latent", "20", "latent dimension (2 draws the manifold)").min(1)
                .option("likelihood", "bernoulli", "bernoulli, gaussian_fixed or gaussian_learned")
                .option("beta", "1", "weight of the KL term (beta-VAE)").atLeast(0)
                .option("samples", "1", "latent samples per example in training (k of --objective iwae)").min(1)
                .option("objective", "elbo", "elbo (the ELBO, averaged over --samples draws) or iwae (the --samples-sample"
                        + " importance-weighted bound; bernoulli only)")
                .option("binarize", "none", "none or dynamic (Bernoulli draws; the test set binarized once)")
                .option("iwae-k", "0", "if > 0: importance-weighted NLL with k samples on the test set at the end").min(0)
                .option("iwae-chunk", "500", "samples decoded at once per test digit in the IWAE").min(1)
                .option("iwae-digits", "0", "test digits the IWAE uses, the first n (0: all)").min(0);
    }

    @Override
    AutoencoderFactory factory(Options o, LabelledImages train) {
        vae = VAE.builder()
                .inputSize(train.pixelCount())
                .hiddenSizes(o.integers("hidden"))
                .latentSize(o.integer("latent"))
                .likelihood(VAE.Likelihood.valueOf(o.string("likelihood").toUpperCase()))
                .beta(o.real("beta"))
                .samplesPerExample(o.integer("samples"))
                .objective(o.choice("objective", VAE.Objective.class))
                .updater(adam(o, train))
                .seed(o.integer("seed"))
                .build();
        return vae;
    }

    @Override
    String trainLossNote(AutoencoderFactory factory) {
        int k = vae.samplesPerExample();
        return vae.objective() == VAE.Objective.IWAE
                ? "objective iwae  k " + k + "  train_loss = -(" + k + "-sample importance-weighted bound), nats per digit"
                : "objective elbo  samples " + k + "  train_loss = -ELBO" + (k > 1 ? " (mean of " + k + " draws)" : "")
                        + ", nats per digit";
    }

    @Override
    MnistIterator.Binarization binarization(Options o) {
        return ExampleData.binarization(o);
    }

    @Override
    MultiDataSetIterator trainIterator(DataSetIterator data, AutoencoderFactory factory, Options o, long seed) {
        return new VaeIterator(data, vae, seed);
    }

    /** The IWAE settings only measure the trained model. */
    @Override
    java.util.Set<String> runOnlyOptions() {
        return java.util.Set.of("iwae-k", "iwae-chunk", "iwae-digits");
    }

    @Override
    double scoreScale(AutoencoderFactory factory, int pixels) {
        return 1.0; // nats per example
    }

    @Override
    double testLoss(ComputationGraph graph, MnistIterator testSet, AutoencoderFactory factory,
                    Map<String, Double> parts) {
        VaeMetrics.Elbo elbo = VaeMetrics.elbo(vae, graph, testSet, rng(1));
        parts.put("recon", elbo.reconstruction);
        parts.put("kl", elbo.kl);
        return elbo.negativeElbo();
    }

    @Override
    void finish(ComputationGraph graph, AutoencoderFactory factory, LabelledImages testData, Options o) {
        int k = o.integer("iwae-k");
        if (k > 0) {
            long t0 = System.nanoTime();
            MnistIterator small = MnistIterator.builder(testData).batchSize(100).shuffle(false)
                    .subset(o.integer("iwae-digits")).build();
            double nll = VaeMetrics.importanceWeightedNll(vae, graph, vae.decoderGraph(graph), small, k,
                    o.integer("iwae-chunk"), rng(2));
            System.out.printf("iwae k %d  test_nll %.3f  examples %d  time %.1fs%n", k, nll, small.numExamples(),
                    (System.nanoTime() - t0) / 1e9);
        }
    }

    private static Random rng(long seed) {
        return Nd4j.getRandomFactory().getNewRandomInstance(seed);
    }

    @Override
    List<Path> pictures(ComputationGraph graph, INDArray digits, Path out) throws IOException {
        List<Path> written = new ArrayList<>();
        ComputationGraph decoder = vae.decoderGraph(graph);
        written.add(ImageGrid.writePng(ImageGrid.comparison(digits, vae.reconstruct(graph, digits), 28, 28, 10, 2),
                out.resolve("reconstructions.png")));
        written.add(ImageGrid.writePng(ImageGrid.tiles(vae.sample(decoder, 100, rng(3)), 28, 28, 10, 2),
                out.resolve("samples.png")));
        List<INDArray> rows = new ArrayList<>();
        for (int i = 0; i + 1 < 10; i += 2) {
            rows.add(vae.interpolate(graph, decoder, digits.getRow(i, true), digits.getRow(i + 1, true), 10));
        }
        written.add(ImageGrid.writePng(ImageGrid.tiles(Nd4j.vstack(rows.toArray(new INDArray[0])), 28, 28, 10, 2),
                out.resolve("interpolation.png")));
        // test codes coloured by digit
        org.nd4j.linalg.dataset.DataSet ds = MnistIterator.builder(testData).batchSize(2000).shuffle(false)
                .build().next();
        INDArray mu = vae.encode(graph, ds.getFeatures())[0];
        int[] labels = ds.getLabels().argMax(1).toIntVector();
        boolean twoD = vae.latentSize() == 2;
        INDArray points = twoD ? mu : ScatterPlot.pca2(mu);
        written.add(ImageGrid.writePng(ScatterPlot.plot(points, labels, twoD ? "test codes (latent mean)"
                : "test codes, first two principal components", 560), out.resolve("latent.png")));
        if (twoD) {
            written.add(ImageGrid.writePng(ImageGrid.tiles(manifold(decoder, 20), 28, 28, 20, 1),
                    out.resolve("manifold.png")));
        }
        return written;
    }

    /** Decoded grid over the 2-D latent space at the normal quantiles of an n x n lattice. */
    private INDArray manifold(ComputationGraph decoder, int n) {
        INDArray z = Nd4j.create(vae.zeroNoise(1).dataType(), (long) n * n, 2);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                z.putScalar(new long[] {(long) i * n + j, 0}, normalQuantile((j + 0.5) / n));
                z.putScalar(new long[] {(long) i * n + j, 1}, normalQuantile(1 - (i + 0.5) / n));
            }
        }
        return vae.decode(decoder, z);
    }

    /** Inverse standard normal CDF (Acklam's rational approximation, relative error below 1.2e-9). */
    static double normalQuantile(double p) {
        double[] a = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02,
            -3.066479806614716e+01, 2.506628277459239e+00};
        double[] b = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01,
            -1.328068155288572e+01};
        double[] c = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00,
            4.374664141464968e+00, 2.938163982698783e+00};
        double[] d = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00};
        if (p < 0.02425) {
            double q = Math.sqrt(-2 * Math.log(p));
            return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
                    / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        }
        if (p > 1 - 0.02425) {
            return -normalQuantile(1 - p);
        }
        double q = p - 0.5;
        double r = q * q;
        return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
                / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
    }
}
