package org.unsupervisedzoo.zoo.som;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.unsupervisedzoo.zoo.ZooAssertions.rejects;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.unsupervisedzoo.datasets.MnistIterator;
import org.unsupervisedzoo.zoo.SampleData;
import org.unsupervisedzoo.zoo.ZooAssertions;

/** The SOM factory, its schedules, iterator and initialisations. */
class SOMTest {
    @TempDir
    Path tmp;

    @BeforeEach
    void seed() {
        Nd4j.getRandom().setSeed(42);
    }

    @AfterEach
    void floats() {
        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
    }

    private static SOM.Builder tiny() {
        return SOM.builder().rows(2).cols(3).inputSize(4);
    }

    @Test
    void buildsTheGraphWithNamedVerticesShapesAndParameters() {
        SOM som = tiny().build();
        ComputationGraph g = som.init();
        ComputationGraphConfiguration conf = g.getConfiguration();
        assertEquals(List.of(SOM.INPUT, SOM.SIGMA), conf.getNetworkInputs());
        assertEquals(List.of(SOM.SOM), conf.getNetworkOutputs());
        assertEquals(List.of(SOM.INPUT, SOM.SIGMA), conf.getVertexInputs().get(SOM.SOM_INPUT));
        assertEquals(6 * 4, g.numParams());
        assertArrayEquals(new long[] {6, 4}, som.prototypes(g).shape());
        assertArrayEquals(new long[] {5, 6}, som.dissimilarities(g, Nd4j.rand(DataType.FLOAT, 5, 4)).shape());
        assertArrayEquals(new long[] {4}, som.inputShape());
        ZooAssertions.layer(conf, SOM.SOM, SomLayer.class);
        // default updater: plain Sgd driven by the learning-rate schedule
        Sgd sgd = (Sgd) ((org.deeplearning4j.nn.conf.graph.LayerVertex) conf.getVertices().get(SOM.SOM))
                .getLayerConf().getLayer().getUpdaterByParam(SomLayer.WEIGHT_KEY);
        assertEquals(som.learningRateSchedule(), sgd.getLearningRateSchedule());
    }

    @Test
    void oneFitChangesThePrototypesAndRoundTripsKeepEverything() throws Exception {
        SOM som = tiny().learningRateDecay(Decay.Type.LINEAR).decayIterations(7).build();
        ComputationGraph g = som.init();
        INDArray x = Nd4j.rand(DataType.FLOAT, 8, 4);
        ZooAssertions.fitChangesParameters(g, SomIterator.of(som, x, 1.0));
        INDArray sig = som.sigmaColumn(8, 1.0);
        ComputationGraph back = ZooAssertions.jsonRoundTrip(g, x, sig);
        Sgd sgd = (Sgd) ((org.deeplearning4j.nn.conf.graph.LayerVertex) back.getConfiguration().getVertices()
                .get(SOM.SOM)).getLayerConf().getLayer().getUpdaterByParam(SomLayer.WEIGHT_KEY);
        assertEquals(new Decay(Decay.Type.LINEAR, 0.5, 0.01, 7), sgd.getLearningRateSchedule());
        ComputationGraph restored = ZooAssertions.serializerRoundTrip(g, tmp, x, sig);
        assertEquals(g.getConfiguration().getIterationCount(), restored.getConfiguration().getIterationCount());
    }

    @Test
    void decayCurvesByHand() {
        Decay lin = new Decay(Decay.Type.LINEAR, 2, 0.5, 10);
        assertEquals(2, lin.at(0), 1e-12);
        assertEquals(1.25, lin.at(5), 1e-12);
        assertEquals(0.5, lin.at(10), 1e-12);
        assertEquals(0.5, lin.at(30), 1e-12);
        Decay exp = new Decay(Decay.Type.EXPONENTIAL, 2, 0.5, 10);
        assertEquals(1.0, exp.at(5), 1e-12);
        assertEquals(0.5, exp.at(10), 1e-12);
        Decay asym = new Decay(Decay.Type.ASYMPTOTIC, 2, 0.5, 10);
        assertEquals(1.0, asym.at(5), 1e-12);        // MiniSom: 2 / (1 + 5 / 5)
        assertEquals(2 / 3.0, asym.at(10), 1e-12);
        assertEquals(2, new Decay(Decay.Type.CONSTANT, 2, 0.5, 10).at(7), 1e-12);
        assertEquals(exp.valueAt(3, 99), exp.at(3));
        rejects(() -> new Decay(Decay.Type.LINEAR, 0, 1, 10), "start", "0");
        rejects(() -> new Decay(Decay.Type.LINEAR, 1, 1, 0), "iterations", "0");
    }

    /** Six 2-d examples in three batches of two, unshuffled. */
    private static ListDataSetIterator<DataSet> batches(INDArray x) {
        List<DataSet> list = new ArrayList<>();
        for (int i = 0; i < x.size(0); i++) {
            list.add(new DataSet(x.getRow(i, true), Nd4j.zeros(DataType.DOUBLE, 1, 1)));
        }
        return new ListDataSetIterator<>(list, 2);
    }

    @Test
    void theDecayedLearningRateAndRadiusAreTheOnesUsedAtEachIteration() {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        SOM som = SOM.builder().rows(2).cols(3).inputSize(2).dataType(DataType.DOUBLE)
                .learningRate(0.8).finalLearningRate(0.2).learningRateDecay(Decay.Type.LINEAR)
                .sigma(2.0).finalSigma(0.5).sigmaDecay(Decay.Type.EXPONENTIAL).decayIterations(4).build();
        ComputationGraph g = som.init();
        INDArray x = Nd4j.createFromArray(new double[][] {{0.1, 0.2}, {0.9, 0.1}, {0.5, 0.5}, {0.2, 0.8},
            {0.7, 0.7}, {0.3, 0.3}});
        SomIterator it = som.iterator(batches(x), g);
        g.fit(it);                                     // iterations 0, 1, 2
        assertEquals(3, g.getConfiguration().getIterationCount());
        assertEquals(som.sigmaSchedule().at(2), it.lastSigma(), 1e-15);
        it.reset();
        double[][] w = som.prototypes(g).toDoubleMatrix();
        double[][] batch = x.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 2)).toDoubleMatrix();
        double lr3 = 0.8 + (0.2 - 0.8) * 3 / 4;          // 0.35
        double sigma3 = 2.0 * Math.pow(0.25, 3 / 4.0);  // 0.707...
        g.fit(it.next());                                // iteration 3: the first batch again
        assertEquals(sigma3, it.lastSigma(), 1e-12);
        double[][] expected = org.unsupervisedzoo.zoo.som.SomLayerTestAccess.kohonenStep(batch, w, sigma3, lr3,
                som.grid(), Neighborhood.GAUSSIAN);
        assertArrayEquals(org.unsupervisedzoo.zoo.som.SomLayerTestAccess.flat(expected),
                som.prototypes(g).dup().data().asDouble(), 1e-12);
    }

    @Test
    void sampleInitialisationCopiesTrainingExamples() {
        SOM som = SOM.builder().rows(3).cols(3).inputSize(784).initialization(Initialization.SAMPLE).build();
        ComputationGraph g = som.init();
        INDArray data = SampleData.testBatch(50, MnistIterator.Shape.FLAT);
        som.initialize(g, data, 7);
        INDArray w = som.prototypes(g);
        java.util.Set<Integer> used = new java.util.HashSet<>();
        for (int j = 0; j < 9; j++) {
            int found = -1;
            for (int i = 0; i < 50; i++) {
                if (data.getRow(i).equals(w.getRow(j))) {
                    found = i;
                }
            }
            assertTrue(found >= 0, "prototype " + j + " is a training digit");
            used.add(found);
        }
        assertEquals(9, used.size(), "distinct digits");
    }

    @Test
    void pcaInitialisationSpansTheFirstTwoComponentsThroughTheMean() {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        // mean (1, 1, 1); covariance diag(8/3, 2/3, 0) (n - 1 = 3)
        INDArray data = Nd4j.createFromArray(new double[][] {{3, 1, 1}, {-1, 1, 1}, {1, 2, 1}, {1, 0, 1}});
        SOM som = SOM.builder().rows(3).cols(3).inputSize(3).initialization(Initialization.PCA)
                .dataType(DataType.DOUBLE).build();
        ComputationGraph g = som.init();
        som.initialize(g, data, 1);
        double[][] w = som.prototypes(g).toDoubleMatrix();
        assertArrayEquals(new double[] {1, 1, 1}, w[4], 1e-9, "centre unit at the mean");
        // corners at mean +- sqrt(8/3) e1 +- sqrt(2/3) e2 (signs of eigenvectors are arbitrary)
        assertEquals(Math.sqrt(8 / 3.0), Math.abs(w[0][0] - 1), 1e-9);
        assertEquals(Math.sqrt(2 / 3.0), Math.abs(w[0][1] - 1), 1e-9);
        assertEquals(1, w[0][2], 1e-9);
        assertEquals(w[0][0] - 1, -(w[2][0] - 1), 1e-9, "columns run along the first component");
        assertEquals(w[0][1] - 1, -(w[6][1] - 1), 1e-9, "rows run along the second component");
    }

    @Test
    void invalidHyperParametersAndInputsAreRejectedNamingFieldAndValue() {
        rejects(() -> tiny().rows(0).build(), "rows", "0");
        rejects(() -> tiny().cols(-2).build(), "cols", "-2");
        rejects(() -> tiny().rows(1).cols(1).build(), "2 units", "1x1");
        rejects(() -> tiny().inputSize(0).build(), "inputSize", "0");
        rejects(() -> tiny().sigma(0).build(), "sigma", "0");
        rejects(() -> tiny().finalSigma(-1).build(), "finalSigma", "-1");
        rejects(() -> tiny().learningRate(Double.NaN).build(), "learningRate", "NaN");
        rejects(() -> tiny().finalLearningRate(0).build(), "finalLearningRate", "0");
        rejects(() -> tiny().decayIterations(0).build(), "decayIterations", "0");
        rejects(() -> tiny().neighborhood(null).build(), "neighborhood");
        rejects(() -> tiny().topology(null).build(), "topology");
        SOM som = tiny().build();
        ComputationGraph g = som.init();
        rejects(() -> SomIterator.of(som, Nd4j.rand(DataType.FLOAT, 3, 5), 1.0), "5 features", "[n, 4]");
        rejects(() -> som.dissimilarities(g, Nd4j.rand(DataType.FLOAT, 3, 784)), "784 features", "[n, 4]");
        rejects(() -> som.initialize(g, Nd4j.rand(DataType.FLOAT, 3, 2), 1), "2 features", "[n, 4]");
    }

    @Test
    void trainingOnTheSampleLowersTheQuantizationError() {
        SOM som = SOM.builder().rows(4).cols(4).sigma(2).decayIterations(16).initialization(Initialization.SAMPLE)
                .build();
        ComputationGraph g = som.init();
        INDArray test = SampleData.testBatch(200, MnistIterator.Shape.FLAT);
        som.initialize(g, SampleData.testBatch(100, MnistIterator.Shape.FLAT), 3);
        double before = som.maps(g).quantizationError(test);
        g.fit(som.iterator(SampleData.train(64, MnistIterator.Shape.FLAT, 1024), g));
        double after = som.maps(g).quantizationError(test);
        assertNotEquals(before, after);
        assertTrue(after < before, "QE " + before + " -> " + after);
    }
}
