package org.unsupervisedzoo.zoo.gan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.unsupervisedzoo.zoo.fast.CachedConvolutionLayer;
import org.unsupervisedzoo.zoo.fast.CachedDeconvolution2D;

/**
 * DOUBLE-precision gradient checks of the GAN graphs as {@link GanTrainer} builds and trains them (the zoo's cached
 * layers and their speed paths, {@code InputGradients}' skipping, the frozen D): above all the gradient of G's
 * parameters through the frozen convolutional D in the combined graph, the only way G learns.
 */
class GanGradientCheckTest {
    private static final double H = 1e-6;

    static Dcgan tinyDcgan(int classes) {
        return tinyDcgan(classes, 0);
    }

    /**
     * D variant 0: the label (if any) at D's input; 1: the projection discriminator ({@link GanBuilder#projection});
     * 2: the projection D with the auxiliary classifier ({@link GanBuilder#auxiliaryClassifier}).
     */
    static Dcgan tinyDcgan(int classes, int variant) {
        return Dcgan.builder().noiseSize(6).filters(3, 4).kernelSize(5).imageSize(8, 8).conditional(classes)
                .projection(variant >= 1).auxiliaryClassifier(variant == 2).dataType(DataType.DOUBLE).seed(3).build();
    }

    /** The D variants checked for {@code classes}: the label at D's input and, if conditional, the other two. */
    private static int[] variants(int classes) {
        return classes == 0 ? new int[] {0} : new int[] {0, 1, 2};
    }

    /**
     * Central differences of {@code graph}'s training-mode score for each listed parameter index, times the minibatch
     * size: DL4J's score is the mean over the minibatch, its backprop gradient the sum (the updater divides it).
     */
    static double[] numerical(ComputationGraph graph, MultiDataSet data, List<Long> indices) {
        long batch = data.getFeatures(0).size(0);
        INDArray p = graph.params();
        double[] out = new double[indices.size()];
        for (int k = 0; k < out.length; k++) {
            long i = indices.get(k);
            double v = p.getDouble(i);
            p.putScalar(i, v + H);
            double plus = graph.score(data, true);
            p.putScalar(i, v - H);
            double minus = graph.score(data, true);
            p.putScalar(i, v);
            out[k] = batch * (plus - minus) / (2 * H);
        }
        return out;
    }

    /**
     * Flat indices of the trainable parameters (not batch norm's running statistics) of the layers chosen, found from
     * each parameter view's offset in the graph's flat parameter vector: DL4J lays parameters out in topological
     * order, which is not the order of {@code getLayers()} (the conditional D's label projection comes before G).
     */
    static List<Long> trainableIndices(ComputationGraph graph, java.util.function.Predicate<String> layer) {
        List<Long> indices = new ArrayList<>();
        long total = 0;
        for (Layer l : graph.getLayers()) {
            String name = l.conf().getLayer().getLayerName();
            for (Map.Entry<String, INDArray> e : l.paramTable().entrySet()) {
                INDArray v = e.getValue();
                long start = flatOffset(graph, v);
                long n = v.length();
                total += n;
                boolean stat = e.getKey().equals("mean") || e.getKey().equals("var") || e.getKey().equals("log10stdev");
                if (layer.test(name) && !stat) {
                    for (long j = 0; j < n; j++) {
                        indices.add(start + j);
                    }
                }
            }
        }
        assertEquals(graph.numParams(), total, "every parameter counted once");
        return indices;
    }

    /** Where the view {@code v} starts in {@code graph}'s flat parameter vector (by memory address). */
    static long flatOffset(ComputationGraph graph, INDArray v) {
        INDArray p = graph.params();
        long width = p.dataType().width();
        long start = v.data().address() + v.offset() * width - (p.data().address() + p.offset() * width);
        assertTrue(start >= 0 && start % width == 0 && start / width + v.length() <= p.length(),
                "a view of the flat parameters");
        return start / width;
    }

    static String compare(double[] analytic, double[] numeric) {
        int bad = 0;
        double worst = 0;
        StringBuilder first = new StringBuilder();
        for (int k = 0; k < analytic.length; k++) {
            double a = analytic[k];
            double n = numeric[k];
            double abs = Math.abs(a - n);
            double rel = abs / Math.max(1e-12, Math.abs(a) + Math.abs(n));
            if (abs > 1e-8 && rel > 1e-5) {
                if (bad < 5) {
                    first.append(String.format(" [%d: analytic %.6g numeric %.6g]", k, a, n));
                }
                bad++;
                worst = Math.max(worst, rel);
            }
        }
        return bad == 0 ? "" : bad + " of " + analytic.length + " wrong, worst relative error " + worst + first;
    }

    /**
     * G's parameters in the combined graph "G then frozen D": the analytic gradient of {@code fit}'s pass (zoo
     * layers, speed paths on) against central differences of the score, in DOUBLE; D's gradient there is zero.
     */
    @Test
    void generatorGradientThroughTheFrozenConvolutionalDiscriminator() {
        checkGeneratorGradient(0);
    }

    /** The same for the conditional DCGAN (label fed to G's dense layer and, through a frozen projection, to D). */
    @Test
    void conditionalGeneratorGradientThroughTheFrozenConvolutionalDiscriminator() {
        checkGeneratorGradient(3);
    }

    /**
     * With instance noise the combined graph adds its image-noise input to G's image before D: G's gradient is D's
     * at the noisy image, passed unchanged through the sum (plain and conditional).
     */
    @Test
    void generatorGradientThroughTheInstanceNoiseSum() {
        checkGeneratorGradient(true, 0, 3);
    }

    private void checkGeneratorGradient(int... classesToCheck) {
        checkGeneratorGradient(false, classesToCheck);
    }

    private void checkGeneratorGradient(boolean instanceNoise, int... classesToCheck) {
        for (int classes : classesToCheck) {
          for (int variant : variants(classes)) {
            Dcgan gan = tinyDcgan(classes, variant);
            GanTrainer t = GanTrainer.builder(gan).batchSize(5).seed(11).instanceNoise(instanceNoise ? 0.3 : 0)
                    .graphs(org.unsupervisedzoo.zoo.fast.Accelerate::init).build();
            ComputationGraph c = t.combined();
            // a few steps first, so that D is not at its initialisation (and its logits are not all near 0)
            INDArray real = Nd4j.rand(DataType.DOUBLE, 5, 64);
            INDArray y = classes == 0 ? null : Nd4j.eye(classes).getRows(0, 1, 2, 0, 1).castTo(DataType.DOUBLE);
            for (int s = 0; s < 3; s++) {
                t.discriminatorStep(real, y);
                t.generatorStep(5);
            }
            INDArray z = Nd4j.randn(DataType.DOUBLE, 5, 6);
            INDArray[] in = classes == 0 ? new INDArray[] {z} : new INDArray[] {z, y};
            if (instanceNoise) {
                in = java.util.Arrays.copyOf(in, in.length + 1);
                in[in.length - 1] = Nd4j.randn(DataType.DOUBLE, 5, 1, 8, 8).muli(0.3);
            }
            MultiDataSet data = new MultiDataSet(in, GanTest.targets(gan, Nd4j.ones(DataType.DOUBLE, 5, 1), in));
            c.setInputs(in);
            c.setLabels(data.getLabels());
            long reusedBefore = deconvReuses(c);
            c.computeGradientAndScore();
            assertTrue(deconvReuses(c) > reusedBefore, "the zoo's transposed convolution took its cached path");
            assertTrue(usesCachedConvolution(c), "the frozen D's convolutions are the zoo's");
            INDArray grad = c.gradient().gradient().reshape(-1).dup();
            List<Long> g = trainableIndices(c, name -> name.startsWith("generator") || name.equals(Gan.IMAGE));
            double[] analytic = new double[g.size()];
            for (int k = 0; k < analytic.length; k++) {
                analytic[k] = grad.getDouble(g.get(k));
            }
            double[] numeric = numerical(c, data, g);
            String result = compare(analytic, numeric);
            assertEquals("", result, "G's gradient through the frozen D, classes " + classes + ", D variant "
                    + variant + "; wrong/checked per parameter: "
                    + (result.isEmpty() ? "" : wrongLayers(c, g, analytic, numeric)));
            List<Long> d = trainableIndices(c, name -> name.startsWith("discriminator") || name.equals(Gan.LOGIT));
            assertTrue(!d.isEmpty());
            for (long i : d) {
                assertEquals(0.0, grad.getDouble(i), 0.0, "frozen D parameter " + i);
            }
          }
        }
    }

    /** D in its own graph (input error skipped at its first layer): D's gradients against central differences. */
    @Test
    void discriminatorGradientInItsOwnGraph() {
        for (int classes : new int[] {0, 3}) {
          for (int variant : variants(classes)) {
            Dcgan gan = tinyDcgan(classes, variant);
            GanTrainer t = GanTrainer.builder(gan).batchSize(5).seed(11).graphs(org.unsupervisedzoo.zoo.fast.Accelerate::init).build();
            ComputationGraph dGraph = t.discriminator();
            INDArray x = Nd4j.rand(DataType.DOUBLE, 6, 1, 8, 8).muli(2).subi(1);
            INDArray y = classes == 0 ? null : Nd4j.eye(classes).getRows(0, 1, 2, 0, 1, 2).castTo(DataType.DOUBLE);
            INDArray[] in = classes == 0 ? new INDArray[] {x} : new INDArray[] {x, y};
            INDArray target = Nd4j.create(new double[][] {{1}, {1}, {1}, {0}, {0}, {0}});
            MultiDataSet data = new MultiDataSet(in, GanTest.targets(gan, target, in));
            dGraph.setInputs(in);
            dGraph.setLabels(data.getLabels());
            dGraph.computeGradientAndScore();
            INDArray grad = dGraph.gradient().gradient().reshape(-1).dup();
            List<Long> all = trainableIndices(dGraph, name -> true);
            double[] analytic = new double[all.size()];
            for (int k = 0; k < analytic.length; k++) {
                analytic[k] = grad.getDouble(all.get(k));
            }
            assertEquals("", compare(analytic, numerical(dGraph, data, all)), "D's gradient, classes " + classes
                    + ", D variant " + variant);
          }
        }
    }

    /** "wrong/checked" per parameter (layer/name) of the indices checked. */
    static Map<String, String> wrongLayers(ComputationGraph c, List<Long> indices, double[] a, double[] n) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        Map<String, int[]> counts = new java.util.LinkedHashMap<>();
        java.util.TreeMap<Long, String> starts = new java.util.TreeMap<>();
        for (Layer l : c.getLayers()) {
            for (Map.Entry<String, INDArray> e : l.paramTable().entrySet()) {
                starts.put(flatOffset(c, e.getValue()), l.conf().getLayer().getLayerName() + "/"
                        + e.getKey());
            }
        }
        for (int k = 0; k < a.length; k++) {
            String name = starts.floorEntry(indices.get(k)).getValue();
            int[] cnt = counts.computeIfAbsent(name, x -> new int[2]);
            cnt[1]++;
            double abs = Math.abs(a[k] - n[k]);
            if (abs > 1e-8 && abs / Math.max(1e-12, Math.abs(a[k]) + Math.abs(n[k])) > 1e-5) {
                cnt[0]++;
            }
        }
        counts.forEach((k, v) -> out.put(k, v[0] + "/" + v[1]));
        return out;
    }

    private static long deconvReuses(ComputationGraph c) {
        long n = 0;
        for (Layer l : c.getLayers()) {
            if (l instanceof CachedDeconvolution2D.Impl) {
                n += ((CachedDeconvolution2D.Impl) l).reusedPreOutputs();
            }
        }
        return n;
    }

    /** D's convolutions in the combined graph are the zoo's (inside the frozen wrappers). */
    static boolean usesCachedConvolution(ComputationGraph c) {
        for (Layer l : c.getLayers()) {
            Layer inner = l instanceof org.deeplearning4j.nn.layers.FrozenLayerWithBackprop
                    ? ((org.deeplearning4j.nn.layers.FrozenLayerWithBackprop) l).getInsideLayer() : l;
            if (inner instanceof CachedConvolutionLayer.Impl) {
                return true;
            }
        }
        return false;
    }
}
