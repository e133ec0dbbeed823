package org.unsupervisedzoo.zoo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/** The checks every zoo factory test makes. */
public final class ZooAssertions {
    private ZooAssertions() {
    }

    /** One fit on {@code data} changes the parameters. */
    public static void fitChangesParameters(ComputationGraph graph, MultiDataSet data) {
        INDArray before = graph.params().dup();
        graph.fit(data);
        assertNotEquals(before, graph.params(), "one fit must change the parameters");
    }

    /** toJson/fromJson gives an equal configuration, and a graph built from it computes the same outputs. */
    public static ComputationGraph jsonRoundTrip(ComputationGraph graph, INDArray... inputs) {
        ComputationGraphConfiguration conf = graph.getConfiguration();
        String json = conf.toJson();
        ComputationGraphConfiguration back = ComputationGraphConfiguration.fromJson(json);
        assertEquals(conf, back, "configuration survives toJson/fromJson");
        assertEquals(json, back.toJson(), "JSON is stable");
        ComputationGraph copy = new ComputationGraph(back);
        copy.init(graph.params().dup(), true);
        assertOutputsEqual(graph, copy, inputs);
        return copy;
    }

    /** ModelSerializer write/restore keeps configuration, parameters, updater state and outputs. */
    public static ComputationGraph serializerRoundTrip(ComputationGraph graph, Path dir, INDArray... inputs)
            throws IOException {
        File file = dir.resolve(graph.getConfiguration().hashCode() + "-model.zip").toFile();
        ModelSerializer.writeModel(graph, file, true);
        ComputationGraph restored = ModelSerializer.restoreComputationGraph(file, true);
        assertEquals(graph.getConfiguration(), restored.getConfiguration());
        assertEquals(graph.params(), restored.params());
        if (graph.getUpdater() != null && graph.getUpdater().getStateViewArray() != null) {
            assertEquals(graph.getUpdater().getStateViewArray(), restored.getUpdater().getStateViewArray());
        }
        assertOutputsEqual(graph, restored, inputs);
        return restored;
    }

    public static void assertOutputsEqual(ComputationGraph a, ComputationGraph b, INDArray... inputs) {
        INDArray[] oa = a.output(false, inputs);
        INDArray[] ob = b.output(false, inputs);
        assertEquals(oa.length, ob.length);
        for (int i = 0; i < oa.length; i++) {
            assertEquals(oa[i], ob[i], "output " + i + " equal");
        }
    }

    /** The layer configuration of vertex {@code name}, checked to be of {@code type}. */
    public static <T> T layer(ComputationGraphConfiguration conf, String name, Class<T> type) {
        GraphVertex v = conf.getVertices().get(name);
        assertTrue(v instanceof LayerVertex, "vertex '" + name + "' is a layer, got " + v);
        Object layer = ((LayerVertex) v).getLayerConf().getLayer();
        assertTrue(type.isInstance(layer), "vertex '" + name + "' is a " + type.getSimpleName() + ", got " + layer);
        return type.cast(layer);
    }

    /** The builder call fails with an IllegalArgumentException whose message names each fragment. */
    public static void rejects(Runnable build, String... fragments) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build::run);
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "'" + f + "' in: " + e.getMessage());
        }
    }

    /**
     * {@code base}, prefetched by DL4J's {@code AsyncMultiDataSetIterator} as {@code fit(iterator)} does, gives over
     * two epochs the same batches (every feature and label array) as {@code sync}, an identical pipeline read
     * directly, {@code batches} per epoch.
     */
    public static void prefetchedEqualsSync(org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator base,
                                            org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator sync,
                                            int batches) {
        assertTrue(base.asyncSupported(), "the pipeline may be prefetched");
        org.deeplearning4j.datasets.iterator.AsyncMultiDataSetIterator async =
                new org.deeplearning4j.datasets.iterator.AsyncMultiDataSetIterator(base, 2, true);
        for (int epoch = 0; epoch < 2; epoch++) {
            int n = 0;
            while (async.hasNext()) {
                MultiDataSet m = async.next();
                MultiDataSet d = sync.next();
                for (int i = 0; i < d.numFeatureArrays(); i++) {
                    assertEquals(d.getFeatures(i), m.getFeatures(i), "epoch " + epoch + " batch " + n + " input " + i);
                }
                for (int i = 0; i < d.numLabelsArrays(); i++) {
                    assertEquals(d.getLabels(i), m.getLabels(i), "epoch " + epoch + " batch " + n + " target " + i);
                }
                n++;
            }
            assertTrue(!sync.hasNext() && n == batches, batches + " batches per epoch: " + n);
            async.reset();
            sync.reset();
        }
        async.shutdown();
    }
}
