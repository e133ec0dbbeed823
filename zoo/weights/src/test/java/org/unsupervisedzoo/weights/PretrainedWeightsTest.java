package org.unsupervisedzoo.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.zoo.PretrainedType;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.unsupervisedzoo.datasets.BundledSample;
import org.unsupervisedzoo.datasets.LabelledImages;
import org.unsupervisedzoo.datasets.MnistIterator;
import org.unsupervisedzoo.datasets.Split;
import org.unsupervisedzoo.zoo.autoencoder.ReconstructionLoss;
import org.unsupervisedzoo.zoo.autoencoder.ReconstructionMetrics;
import org.unsupervisedzoo.zoo.catalog.CatalogEntry;
import org.unsupervisedzoo.zoo.catalog.Dl4jZooModel;
import org.unsupervisedzoo.zoo.catalog.Pretrained;
import org.unsupervisedzoo.zoo.catalog.ZooCatalog;
import org.unsupervisedzoo.zoo.core.GraphIO;

/**
 * Every weight file of the manifest loads from the classpath with its checksum verified, in DL4J's classes, and
 * reaches the figure the manifest records for the bundled sample's 1,000 test digits (within 1e-4: the same
 * arithmetic, up to float summation order).
 */
class PretrainedWeightsTest {
    @Test
    void everyWeightFileLoadsVerifiedAndReachesItsRecordedFigure() {
        List<Pretrained.Entry> manifest = Pretrained.manifest();
        assertFalse(manifest.isEmpty(), "the weights module ships a manifest with entries");
        LabelledImages test = new BundledSample().load(Split.TEST);
        INDArray x = MnistIterator.builder(test).batchSize(test.count()).shuffle(false).build().next().getFeatures();
        for (Pretrained.Entry e : manifest) {
            ComputationGraph g = Pretrained.load(e.model(), e.dataset());
            assertFalse(g.getConfiguration().toJson().contains("org.unsupervisedzoo.zoo.fast."), e.model());
            assertEquals("test_bce_per_pixel", e.figure(), e.model());
            CatalogEntry c = ZooCatalog.get(e.model());
            List<GraphIO> inputs = c.inputs(c.configurations().keySet().iterator().next());
            INDArray[] in = new INDArray[inputs.size()];
            for (int i = 0; i < in.length; i++) {
                long[] shape = inputs.get(i).shape();
                long[] full = new long[shape.length + 1];
                full[0] = x.size(0);
                System.arraycopy(shape, 0, full, 1, shape.length);
                in[i] = i == 0 ? x.reshape(full) : Nd4j.zeros(x.dataType(), full); // eps = 0: the mean code
            }
            INDArray y = g.output(false, in)[0].reshape(x.shape());
            double bce = ReconstructionMetrics.perElement(ReconstructionLoss.BCE, x, y);
            assertEquals(e.sampleValue(), bce, 1e-4, e.model() + " on the sample's test digits");
            assertTrue(e.value() > 0 && e.command().contains("train ") && e.sha256().length() == 64
                    && e.dataSha256().length() == 64 && e.epochs() > 0, e.toString());
        }
    }

    @Test
    void dl4jsZooModelContractGivesTheMnistWeights() throws Exception {
        Pretrained.Entry first = Pretrained.manifest().get(0);
        Dl4jZooModel zm = Dl4jZooModel.of(first.model());
        assertTrue(zm.pretrainedAvailable(PretrainedType.MNIST));
        assertFalse(zm.pretrainedAvailable(PretrainedType.IMAGENET));
        ComputationGraph g = zm.initPretrained(PretrainedType.MNIST);
        assertEquals(Pretrained.load(first.model()).params(), g.params());
    }
}
