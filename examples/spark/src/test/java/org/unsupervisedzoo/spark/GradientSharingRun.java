package org.unsupervisedzoo.spark;

import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Adam;
import org.unsupervisedzoo.datasets.BundledSample;
import org.unsupervisedzoo.datasets.MnistIterator;
import org.unsupervisedzoo.datasets.Split;
import org.unsupervisedzoo.zoo.autoencoder.UndercompleteAutoencoder;

/**
 * One gradient-sharing fit in local[2], in a JVM of its own (see {@code SparkZooTrainerTest}): prints
 * {@code RESULT before after}, the loss on the first 256 digits before and after two epochs. Argument: the port of
 * DL4J's transport.
 */
public final class GradientSharingRun {
    private GradientSharingRun() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        SparkConf conf = new SparkConf().setMaster("local[2]").setAppName("GradientSharingRun")
                .set("spark.driver.host", "127.0.0.1").set("spark.driver.bindAddress", "127.0.0.1")
                .set("spark.ui.enabled", "false").set("spark.task.maxFailures", "1");
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            List<DataSet> batches = MnistBatches.batches(new BundledSample().load(Split.TRAIN),
                    MnistIterator.Shape.FLAT, 32, 7).subList(0, 16);
            UndercompleteAutoencoder f = UndercompleteAutoencoder.builder().inputSize(784).hiddenSizes(32)
                    .updater(new Adam(3e-3)).seed(5).build();
            ComputationGraph g = f.init();
            double before = SparkZooTrainerTest.score(g, f, batches);
            ComputationGraph trained = SparkZooTrainer.builder().mode(SparkZooTrainer.Mode.SHARING).workers(2)
                    .batchPerWorker(32).threshold(1e-3).port(port).controllerAddress("127.0.0.1").build()
                    .fit(sc, g, sc.parallelize(batches, 2), BatchShaper.of(f, false), 2, null);
            System.out.println("RESULT " + before + " " + SparkZooTrainerTest.score(trained, f, batches));
        }
        System.exit(0); // DL4J's transport leaves non-daemon threads
    }
}
