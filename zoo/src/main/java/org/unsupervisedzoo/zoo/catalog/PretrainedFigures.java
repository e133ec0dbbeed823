package org.unsupervisedzoo.zoo.catalog;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Supplier;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.unsupervisedzoo.zoo.autoencoder.ReconstructionLoss;
import org.unsupervisedzoo.zoo.autoencoder.ReconstructionMetrics;
import org.unsupervisedzoo.zoo.classifier.LeNet;
import org.unsupervisedzoo.zoo.core.GraphIO;
import org.unsupervisedzoo.zoo.core.ZooModelFactory;
import org.unsupervisedzoo.zoo.gan.GanFactory;
import org.unsupervisedzoo.zoo.gan.SampleQuality;
import org.unsupervisedzoo.zoo.rbm.RBM;
import org.unsupervisedzoo.zoo.rbm.RbmLayer;
import org.unsupervisedzoo.zoo.rbm.RbmParams;
import org.unsupervisedzoo.zoo.som.SOM;
import org.unsupervisedzoo.zoo.som.SomGrid;
import org.unsupervisedzoo.zoo.som.SomLayer;
import org.unsupervisedzoo.zoo.som.SomMaps;

/**
 * The figures a pretrained model's manifest entry records, measured from the graph {@link Pretrained#load} returns,
 * one way per kind of model ({@link Kind}); {@code weights-add} measures them on the full test set and on the
 * entry's sample, {@code weights-check} on the full test set again, and the weights module's tests on the sample
 * again, each within the figure's tolerance. The sample of an MNIST entry is the bundled sample's 1,000 test digits
 * (5,000 training digits); of a Fashion-MNIST entry, the first {@value #FASHION_SAMPLE_DIGITS} Fashion test digits
 * (first {@value #FASHION_SAMPLE_TRAIN} training digits), read from a local copy (none is bundled).
 *
 * <ul>
 *   <li>autoencoders (and the VAE with its mean code, the AAE): {@code test_bce_per_pixel}, the reconstruction BCE
 *       per pixel of the test digits;</li>
 *   <li>the RBM: {@code test_recon_mse}, the mean squared error per pixel of the mean-field reconstruction
 *       {@code E[v | p(h|v)]} of the test digits (grey levels), {@link RbmParams#reconstructionError};</li>
 *   <li>the SOM: {@code test_quantization_error} (mean distance of a test digit to its best-matching prototype) and
 *       {@code som_classifier_accuracy} (units labelled by majority vote of the training digits of the same
 *       source, test digits classified by their best-matching unit);</li>
 *   <li>GANs (the generator graph): {@code inception_score} (10 splits) of {@value #GAN_SAMPLES} generated digits
 *       judged by the pretrained {@code lenet}, the noise drawn by {@link Random} seeded {@value #NOISE_SEED}
 *       (conditional GANs: digit {@code i % 10} asked for in row {@code i}), and for conditional GANs
 *       {@code class_accuracy}, the share the judge classifies as the digit asked for; the sample figure is the
 *       first {@value #GAN_SAMPLE_SAMPLES} of the same digits. Deterministic: no data is read;</li>
 *   <li>LeNet: {@code test_accuracy}.</li>
 * </ul>
 */
public final class PretrainedFigures {
    /** Digits generated for a GAN's full figure. */
    public static final int GAN_SAMPLES = 10_000;
    /** Digits generated for a GAN's sample figure (the first of the full figure's). */
    public static final int GAN_SAMPLE_SAMPLES = 1_000;
    /** Seed of the GAN figures' noise. */
    public static final long NOISE_SEED = 1;
    /** Test digits of a Fashion-MNIST entry's sample figure (no Fashion sample is bundled). */
    public static final int FASHION_SAMPLE_DIGITS = 500;
    /** Training digits of a Fashion-MNIST entry's sample (the SOM classifier's labels). */
    public static final int FASHION_SAMPLE_TRAIN = 5_000;
    /** The catalog name of the judge of GAN figures. */
    public static final String JUDGE = "lenet";

    private static final int CHUNK = 500;

    /** How a model's figures are measured. */
    public enum Kind {
        /** an autoencoder: reconstruction BCE per pixel */
        RECONSTRUCTION,
        /** the restricted Boltzmann machine: mean-field reconstruction MSE */
        RBM,
        /** the self-organizing map: quantization error and SOM-classifier accuracy */
        SOM,
        /** a GAN's generator: Inception score (and class accuracy) of generated digits */
        GAN,
        /** LeNet: test accuracy */
        CLASSIFIER
    }

    /** A measured figure and the tolerance within which a re-measure must agree. */
    public record Figure(String name, double value, double tolerance) {
    }

    /**
     * What the figures are measured on: the test digits, the training digits (read only by the SOM, lazily), the
     * number of digits a GAN generates, the judge of GAN figures, and a line saying what this is (no machine paths).
     */
    public record Data(Supplier<Digits> train, Digits test, int generated, ComputationGraph judge,
                       String description) {
    }

    /** Digits {@code x [n, 784]} in [0, 1] (grey levels) and their labels. */
    public record Digits(INDArray x, int[] labels) {
        /** How many digits. */
        public int count() {
            return labels.length;
        }
    }

    private PretrainedFigures() {
    }

    /** The kind of the catalog model {@code model}. */
    public static Kind kind(String model) {
        ZooModelFactory f = ZooCatalog.get(model).defaults();
        if (f instanceof GanFactory) {
            return Kind.GAN;
        }
        if (f instanceof RBM) {
            return Kind.RBM;
        }
        if (f instanceof SOM) {
            return Kind.SOM;
        }
        if (f instanceof LeNet) {
            return Kind.CLASSIFIER;
        }
        return Kind.RECONSTRUCTION;
    }

    /** The tolerance of a re-measure of the figure {@code name}. */
    public static double tolerance(String name) {
        switch (name) {
            case "test_bce_per_pixel":
                return 1e-4; // the same arithmetic, up to float summation order
            case "test_recon_mse":
                return 1e-5;
            case "test_quantization_error":
            case "inception_score":
                return 1e-3;
            default: // accuracies: 2 of 1,000 digits may flip on a near tie under another summation order
                return 2e-3;
        }
    }

    /** What a GAN's figures are measured on, for {@code n} generated digits. */
    public static String generatedDescription(int n) {
        return String.format(Locale.ROOT, "%,d generated digits (noise seed %d) judged by the pretrained %s", n,
                NOISE_SEED, JUDGE);
    }

    /** The figures of {@code graph}, a trained {@code model} as {@link Pretrained#load} returns it, on {@code data}. */
    public static List<Figure> measure(String model, ComputationGraph graph, Data data) {
        List<Figure> out = new ArrayList<>();
        switch (kind(model)) {
            case RECONSTRUCTION: {
                INDArray x = data.test().x();
                CatalogEntry c = ZooCatalog.get(model);
                List<GraphIO> inputs = c.inputs(c.configurations().keySet().iterator().next());
                add(out, "test_bce_per_pixel", ReconstructionMetrics.perElement(ReconstructionLoss.BCE, x,
                        reconstruct(graph, inputs, x)));
                break;
            }
            case RBM:
                add(out, "test_recon_mse", rbmParams(graph).reconstructionError(data.test().x()));
                break;
            case SOM: {
                SomMaps maps = somMaps(graph);
                INDArray x = data.test().x();
                add(out, "test_quantization_error", maps.quantizationError(x));
                Digits train = data.train().get();
                add(out, "som_classifier_accuracy", maps.classifier(train.x(), train.labels())
                        .accuracy(x, data.test().labels()));
                break;
            }
            case GAN: {
                if (data.judge() == null) {
                    throw new IllegalArgumentException("a GAN's figures need the judge '" + JUDGE + "'");
                }
                int n = data.generated();
                int[] asked = new int[n];
                INDArray images = generate(graph, model, n, asked);
                SampleQuality.Judged j = SampleQuality.judge(data.judge(), images);
                add(out, "inception_score", SampleQuality.inceptionScore(j.probabilities, 10)[0]);
                if (((GanFactory) ZooCatalog.get(model).defaults()).conditional()) {
                    add(out, "class_accuracy", SampleQuality.accuracy(j.probabilities, asked));
                }
                break;
            }
            case CLASSIFIER:
                add(out, "test_accuracy", SampleQuality.accuracy(SampleQuality.judge(graph, data.test().x())
                        .probabilities, data.test().labels()));
                break;
            default:
                throw new IllegalStateException();
        }
        return out;
    }

    private static void add(List<Figure> out, String name, double value) {
        out.add(new Figure(name, value, tolerance(name)));
    }

    /**
     * {@code n} digits {@code [n, 784]} in [0, 1] from a GAN generator graph, noise from {@link Random} seeded
     * {@value #NOISE_SEED} drawn row by row (so the first m of n are the m of a smaller call); conditional: row
     * {@code i} asks for digit {@code i % 10}, written to {@code asked}.
     */
    public static INDArray generate(ComputationGraph generator, String model, int n, int[] asked) {
        CatalogEntry c = ZooCatalog.get(model);
        List<GraphIO> inputs = c.inputs("generator");
        int noiseSize = (int) inputs.get(0).shape()[0];
        int classes = inputs.size() > 1 ? (int) inputs.get(1).shape()[0] : 0;
        DataType type = generator.params().dataType();
        Random rng = new Random(NOISE_SEED);
        List<INDArray> parts = new ArrayList<>();
        for (int from = 0; from < n; from += CHUNK) {
            int rows = Math.min(CHUNK, n - from);
            float[] z = new float[rows * noiseSize];
            for (int i = 0; i < z.length; i++) {
                z[i] = (float) rng.nextGaussian();
            }
            INDArray noise = Nd4j.create(z, new long[] {rows, noiseSize}, DataType.FLOAT).castTo(type);
            INDArray g;
            if (classes > 0) {
                INDArray y = Nd4j.zeros(type, rows, classes);
                for (int i = 0; i < rows; i++) {
                    asked[from + i] = (from + i) % classes;
                    y.putScalar(i, asked[from + i], 1);
                }
                g = generator.output(false, noise, y)[0];
            } else {
                g = generator.output(false, noise)[0];
            }
            parts.add(g.reshape(rows, g.length() / rows).add(1).muli(0.5)); // tanh output -> [0, 1]
        }
        return Nd4j.vstack(parts.toArray(new INDArray[0]));
    }

    /** The RBM's parameters from its training graph (the layer {@value RBM#RBM_LAYER}). */
    public static RbmParams rbmParams(ComputationGraph graph) {
        RbmLayer layer = (RbmLayer) layer(graph, RBM.RBM_LAYER);
        return new RbmParams(graph.getParam(RBM.RBM_LAYER + "_" + RbmLayer.WEIGHT_KEY),
                graph.getParam(RBM.RBM_LAYER + "_" + RbmLayer.VISIBLE_BIAS_KEY),
                graph.getParam(RBM.RBM_LAYER + "_" + RbmLayer.HIDDEN_BIAS_KEY), layer.getVisibleUnits());
    }

    /** The SOM's maps from its graph (the layer {@value SOM#SOM}): grid, distance and prototypes as trained. */
    public static SomMaps somMaps(ComputationGraph graph) {
        SomLayer layer = (SomLayer) layer(graph, SOM.SOM);
        return new SomMaps(new SomGrid(layer.getRows(), layer.getCols(), layer.getTopology()), layer.getDistance(),
                graph.getParam(SOM.SOM + "_" + SomLayer.WEIGHT_KEY).dup());
    }

    private static Object layer(ComputationGraph graph, String name) {
        GraphVertex v = graph.getConfiguration().getVertices().get(name);
        if (!(v instanceof LayerVertex)) {
            throw new IllegalArgumentException("the graph has no layer '" + name + "'");
        }
        return ((LayerVertex) v).getLayerConf().getLayer();
    }

    /**
     * The graph's first output for the digits {@code x} {@code [n, pixels]}, flat: the data input gets {@code x} in
     * the catalog's shape (e.g. {@code [n, 1, 28, 28]}), any other input zeros (a VAE's {@code eps}: the mean code).
     */
    public static INDArray reconstruct(ComputationGraph graph, List<GraphIO> inputs, INDArray x) {
        long n = x.size(0);
        INDArray[] in = new INDArray[inputs.size()];
        for (int i = 0; i < in.length; i++) {
            long[] shape = inputs.get(i).shape();
            long[] full = new long[shape.length + 1];
            full[0] = n;
            System.arraycopy(shape, 0, full, 1, shape.length);
            in[i] = i == 0 ? x.reshape(full) : Nd4j.zeros(x.dataType(), full);
        }
        return graph.output(false, in)[0].reshape(n, x.size(1));
    }
}
