package org.unsupervisedzoo.examples;

import org.unsupervisedzoo.zoo.fast.Accelerate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.variational.BernoulliReconstructionDistribution;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.unsupervisedzoo.datasets.DataSource;
import org.unsupervisedzoo.datasets.LabelledImages;
import org.unsupervisedzoo.datasets.MnistIterator;
import org.unsupervisedzoo.datasets.Split;
import org.unsupervisedzoo.zoo.vae.VAE;
import org.unsupervisedzoo.zoo.vae.VaeIterator;
import org.unsupervisedzoo.zoo.vae.VaeMetrics;

/**
 * The zoo's {@link VAE} side by side with DL4J's built-in
 * {@code org.deeplearning4j.nn.conf.layers.variational.VariationalAutoencoder} layer on the same architecture
 * (784-400-20-400-784, ReLU, Bernoulli decoder, Adam 1e-3, Xavier), data, batch and epochs. The two alternate
 * epoch by epoch; each line reports both training throughputs and both test -ELBO (nats per digit, one latent
 * sample each). The built-in layer trains by DL4J's layer-wise {@code pretrain} and reports its -ELBO as its
 * score.
 */
final class VaeComparisonBenchmark {
    private VaeComparisonBenchmark() {
    }

    static Options options() {
        return ExampleData.declare(new Options())
                .option("epochs", "5", "epochs of each model").min(1)
                .option("batch", "128", "minibatch size").min(1)
                .option("hidden", "400", "hidden width of encoder and decoder").min(1)
                .option("latent", "20", "latent dimension").min(1)
                .option("seed", "12345", "seed").anyInt();
    }

    public static void main(String[] args) {
        org.unsupervisedzoo.zoo.core.ZooRuntime.applyDefaults(); // the zoo's thread settings, before ND4J loads
        Options o = options();
        if (!o.parse(args)) {
            System.out.println("usage: bench-vae [options]\n" + o.usage());
            return;
        }
        run(o);
    }

    static void run(Options o) {
        DataSource source = ExampleData.locate(o);
        LabelledImages train = source.load(Split.TRAIN);
        LabelledImages testData = source.load(Split.TEST);
        int batch = o.integer("batch");
        int seed = o.integer("seed");
        int hidden = o.integer("hidden");
        int latent = o.integer("latent");
        MnistIterator trainIt = MnistIterator.builder(train).batchSize(batch).seed(seed)
                .target(MnistIterator.Target.INPUT).build();
        MnistIterator test = MnistIterator.builder(testData).batchSize(1000).shuffle(false).build();

        VAE vae = VAE.builder().inputSize(train.pixelCount()).hiddenSizes(hidden).latentSize(latent).seed(seed)
                .build();
        ComputationGraph ours = Accelerate.init(vae);
        VaeIterator oursIt = new VaeIterator(trainIt, vae, seed);

        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(seed).updater(new Adam(1e-3))
                .weightInit(WeightInit.XAVIER).list()
                .layer(new org.deeplearning4j.nn.conf.layers.variational.VariationalAutoencoder.Builder()
                        .nIn(train.pixelCount()).nOut(latent)
                        .encoderLayerSizes(hidden).decoderLayerSizes(hidden)
                        .activation(Activation.RELU).pzxActivationFunction(Activation.IDENTITY)
                        .reconstructionDistribution(new BernoulliReconstructionDistribution(Activation.SIGMOID))
                        .build())
                .build();
        MultiLayerNetwork builtIn = new MultiLayerNetwork(conf);
        builtIn.init();

        System.out.printf("data %s  batch %d  %d-%d-%d  params: zoo %d, built-in %d%n", source.description(), batch,
                train.pixelCount(), hidden, latent, ours.numParams(), builtIn.numParams());
        List<Double> oursRate = new ArrayList<>();
        List<Double> builtInRate = new ArrayList<>();
        int epochs = o.integer("epochs");
        for (int e = 1; e <= epochs; e++) {
            long t0 = System.nanoTime();
            ours.fit(oursIt);
            oursRate.add(trainIt.numExamples() / ((System.nanoTime() - t0) / 1e9));
            trainIt.reset();
            t0 = System.nanoTime();
            builtIn.pretrainLayer(0, trainIt);
            builtInRate.add(trainIt.numExamples() / ((System.nanoTime() - t0) / 1e9));
            double oursElbo = VaeMetrics.elbo(vae, ours, test, Nd4j.getRandomFactory().getNewRandomInstance(1))
                    .negativeElbo();
            double builtInElbo = builtInNegativeElbo(builtIn, test);
            System.out.printf("epoch %2d/%d  zoo: -elbo %.2f  examples/s %6.0f   built-in: -elbo %.2f  examples/s %6.0f%n",
                    e, epochs, oursElbo, oursRate.get(e - 1), builtInElbo, builtInRate.get(e - 1));
        }
        System.out.printf("median examples/s: zoo %.0f, built-in %.0f, ratio %.2f%n", median(oursRate),
                median(builtInRate), median(oursRate) / median(builtInRate));
    }

    /** Mean -ELBO over the test set: the built-in layer's score (KL + reconstruction NLL, one sample). */
    static double builtInNegativeElbo(MultiLayerNetwork net, MnistIterator test) {
        org.deeplearning4j.nn.layers.variational.VariationalAutoencoder layer =
                (org.deeplearning4j.nn.layers.variational.VariationalAutoencoder) net.getLayer(0);
        test.reset();
        double total = 0;
        long n = 0;
        while (test.hasNext()) {
            INDArray x = test.next().getFeatures();
            layer.setInput(x, LayerWorkspaceMgr.noWorkspaces());
            layer.computeGradientAndScore(LayerWorkspaceMgr.noWorkspaces());
            total += layer.score() * x.size(0);
            n += x.size(0);
        }
        test.reset();
        return total / n;
    }

    private static double median(List<Double> v) {
        List<Double> s = new ArrayList<>(v);
        Collections.sort(s);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }
}
