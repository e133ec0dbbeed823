package org.unsupervisedzoo.examples;

import org.unsupervisedzoo.zoo.fast.Accelerate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Supplier;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.unsupervisedzoo.datasets.DataSource;
import org.unsupervisedzoo.datasets.LabelledImages;
import org.unsupervisedzoo.datasets.MnistIterator;
import org.unsupervisedzoo.datasets.Split;
import org.unsupervisedzoo.zoo.autoencoder.AutoencoderFactory;
import org.unsupervisedzoo.zoo.contractive.ContractiveAutoencoder;
import org.unsupervisedzoo.zoo.sparse.SparseAutoencoder;
import org.unsupervisedzoo.zoo.autoencoder.UndercompleteAutoencoder;
import org.unsupervisedzoo.zoo.core.ReconstructionIterator;

/**
 * The cost of each custom layer: training throughput of a model with its custom SameDiff piece against the same
 * architecture built from DL4J's own layers only, measured side by side. Each round trains a fresh copy of both
 * for the same batches (after warm-up steps), alternating which goes first; the report gives the median
 * examples/s of each over the rounds and their ratio.
 */
final class LayerCostBenchmark {
    private LayerCostBenchmark() {
    }

    static Options options() {
        return ExampleData.declare(new Options())
                .option("rounds", "5", "alternating rounds per pair").min(1)
                .option("steps", "60", "timed training steps per run").min(1)
                .option("warmup", "10", "untimed steps before timing").min(0)
                .option("batch", "256", "minibatch size").min(1)
                .option("vae-probe", "false", "true: also time one step of a tiny graph with and without the VAE pieces");
    }

    public static void main(String[] args) {
        org.unsupervisedzoo.zoo.core.ZooRuntime.applyDefaults(); // the zoo's thread settings, before ND4J loads
        Options o = options();
        if (!o.parse(args)) {
            System.out.println("usage: bench-layers [options]\n" + o.usage());
            return;
        }
        run(o);
    }

    static void run(Options o) {
        DataSource source = ExampleData.locate(o);
        LabelledImages train = source.load(Split.TRAIN);
        int batch = o.integer("batch");
        int steps = o.integer("steps");
        int warmup = o.integer("warmup");
        List<MultiDataSet> batches = new ArrayList<>();
        MnistIterator it = MnistIterator.builder(train).batchSize(batch).seed(1).target(MnistIterator.Target.INPUT)
                .build();
        while (batches.size() < steps + warmup) {
            if (!it.hasNext()) {
                it.reset();
            }
            org.nd4j.linalg.dataset.DataSet ds = it.next();
            if (ds.numExamples() == batch) {
                batches.add(ReconstructionIterator.of(ds.getFeatures(), ds.getFeatures(), 0));
            }
        }
        System.out.printf("data %s  batch %d  steps %d (+%d warm-up)  rounds %d%n", source.description(), batch,
                steps, warmup, o.integer("rounds"));
        compare("KL sparsity head (1024 sigmoid)", () -> SparseAutoencoder.builder().build(),
                () -> UndercompleteAutoencoder.builder().hiddenSizes(1024).codeActivation(Activation.SIGMOID).build(),
                batches, warmup, o.integer("rounds"));
        compare("L1 activity head (1024 relu)", () -> SparseAutoencoder.builder()
                        .sparsity(SparseAutoencoder.Sparsity.L1).build(),
                () -> UndercompleteAutoencoder.builder().hiddenSizes(1024).build(),
                batches, warmup, o.integer("rounds"));
        if (Boolean.parseBoolean(o.string("vae-probe"))) {
            vaeProbe(o.integer("rounds"));
        }
        compare("contractive layer + head (512 sigmoid)", () -> ContractiveAutoencoder.builder().build(),
                () -> UndercompleteAutoencoder.builder().hiddenSizes(512).codeActivation(Activation.SIGMOID).build(),
                batches, warmup, o.integer("rounds"));
    }

    private static void compare(String what, Supplier<AutoencoderFactory> custom, Supplier<AutoencoderFactory> plain,
                                List<MultiDataSet> batches, int warmup, int rounds) {
        List<Double> a = new ArrayList<>();
        List<Double> b = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            if (r % 2 == 0) {
                a.add(throughput(custom.get(), batches, warmup));
                b.add(throughput(plain.get(), batches, warmup));
            } else {
                b.add(throughput(plain.get(), batches, warmup));
                a.add(throughput(custom.get(), batches, warmup));
            }
        }
        double ma = median(a);
        double mb = median(b);
        System.out.printf("%-40s  with %7.0f ex/s  built-in only %7.0f ex/s  ratio %.2f  (runs %s vs %s)%n", what, ma,
                mb, ma / mb, fmt(a), fmt(b));
    }

    private static double throughput(AutoencoderFactory factory, List<MultiDataSet> batches, int warmup) {
        ComputationGraph g = Accelerate.init(factory);
        int heads = factory.penaltyHeads();
        long examples = 0;
        long t0 = 0;
        for (int i = 0; i < batches.size(); i++) {
            if (i == warmup) {
                t0 = System.nanoTime();
            }
            MultiDataSet mds = batches.get(i);
            g.fit(ReconstructionIterator.of(mds.getFeatures(0), mds.getLabels(0), heads));
            if (i >= warmup) {
                examples += mds.getFeatures(0).size(0);
            }
        }
        return examples / ((System.nanoTime() - t0) / 1e9);
    }

    /**
     * Milliseconds per training step (batch 128) of a tiny graph {@code in(60) -> dense 60 -> middle -> out(20)}
     * whose middle is a built-in dense layer, the reparameterization layer, or the dense layer plus a Gaussian KL
     * head: the fixed per-step cost of each SameDiff piece, where the arithmetic is negligible.
     */
    static void vaeProbe(int rounds) {
        List<Double> dense = new ArrayList<>();
        List<Double> reparam = new ArrayList<>();
        List<Double> kl = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            dense.add(msPerStep(new org.deeplearning4j.nn.conf.layers.DenseLayer.Builder().nOut(20)
                    .activation(Activation.IDENTITY).build(), false));
            reparam.add(msPerStep(new org.unsupervisedzoo.zoo.vae.ReparameterizationLayer(20), false));
            kl.add(msPerStep(new org.deeplearning4j.nn.conf.layers.DenseLayer.Builder().nOut(20)
                    .activation(Activation.IDENTITY).build(), true));
        }
        System.out.printf("per-step probe (median ms): dense %.2f  reparameterization layer %.2f  dense + KL head %.2f%n",
                median(dense), median(reparam), median(kl));
    }

    private static double msPerStep(org.deeplearning4j.nn.conf.layers.Layer middle, boolean klHead) {
        org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder b =
                new org.deeplearning4j.nn.conf.NeuralNetConfiguration.Builder()
                        .updater(new org.nd4j.linalg.learning.config.Adam(1e-3)).graphBuilder().addInputs("in")
                        .setInputTypes(org.deeplearning4j.nn.conf.inputs.InputType.feedForward(60))
                        .addLayer("d", new org.deeplearning4j.nn.conf.layers.DenseLayer.Builder().nOut(60)
                                .activation(Activation.IDENTITY).build(), "in")
                        .addLayer("mid", middle, "d")
                        .addLayer("out", new org.deeplearning4j.nn.conf.layers.OutputLayer.Builder(
                                org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction.MSE).nOut(20)
                                .activation(Activation.IDENTITY).build(), "mid");
        if (klHead) {
            b.addLayer("kl", new org.unsupervisedzoo.zoo.vae.GaussianKLPenalty(30, 1), "d").setOutputs("out", "kl");
        } else {
            b.setOutputs("out");
        }
        ComputationGraph g = new ComputationGraph(b.build());
        g.init();
        org.nd4j.linalg.api.ndarray.INDArray x = org.nd4j.linalg.factory.Nd4j.rand(128, 60);
        org.nd4j.linalg.api.ndarray.INDArray y = org.nd4j.linalg.factory.Nd4j.rand(128, 20);
        MultiDataSet m = new org.nd4j.linalg.dataset.MultiDataSet(new org.nd4j.linalg.api.ndarray.INDArray[] {x},
                klHead ? new org.nd4j.linalg.api.ndarray.INDArray[] {y, null}
                        : new org.nd4j.linalg.api.ndarray.INDArray[] {y});
        for (int i = 0; i < 200; i++) {
            g.fit(m);
        }
        long t0 = System.nanoTime();
        for (int i = 0; i < 1000; i++) {
            g.fit(m);
        }
        return (System.nanoTime() - t0) / 1e6 / 1000;
    }

    private static double median(List<Double> v) {
        List<Double> s = new ArrayList<>(v);
        Collections.sort(s);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    private static String fmt(List<Double> v) {
        StringBuilder sb = new StringBuilder();
        for (double d : v) {
            sb.append(sb.length() == 0 ? "" : "/").append(String.format("%.0f", d));
        }
        return sb.toString();
    }
}
