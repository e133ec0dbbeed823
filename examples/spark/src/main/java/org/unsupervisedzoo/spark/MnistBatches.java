package org.unsupervisedzoo.spark;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.nd4j.linalg.dataset.DataSet;
import org.unsupervisedzoo.datasets.LabelledImages;
import org.unsupervisedzoo.datasets.MnistIterator;

/**
 * An RDD of MNIST batches (features in the model's layout, class labels) from images loaded on the driver:
 * shuffled once with {@code seed}, cut into batches of {@code batch}, spread over {@code partitions}. On a real
 * cluster the batches would rather be read where they lie (e.g. {@code sc.objectFile} of saved DataSets, or
 * DL4J's {@code fitPaths}); any {@code JavaRDD<DataSet>} of the same shape trains the same way.
 */
public final class MnistBatches {
    private MnistBatches() {
    }

    /** The batches of {@code data}, parallelized over {@code partitions} partitions. */
    public static JavaRDD<DataSet> rdd(JavaSparkContext sc, LabelledImages data, MnistIterator.Shape shape,
                                       int batch, int partitions, long seed) {
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be >= 1, got " + batch);
        }
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be >= 1, got " + partitions);
        }
        return sc.parallelize(batches(data, shape, batch, seed), partitions);
    }

    /** The batches themselves, as the RDD holds them. */
    public static List<DataSet> batches(LabelledImages data, MnistIterator.Shape shape, int batch, long seed) {
        MnistIterator it = MnistIterator.builder(data).batchSize(batch).seed(seed).shape(shape).build();
        List<DataSet> out = new ArrayList<>();
        while (it.hasNext()) {
            DataSet ds = it.next();
            out.add(new DataSet(ds.getFeatures(), ds.getLabels()));
        }
        return out;
    }
}
