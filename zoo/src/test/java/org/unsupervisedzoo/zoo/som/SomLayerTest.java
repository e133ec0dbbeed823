package org.unsupervisedzoo.zoo.som;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.unsupervisedzoo.zoo.ZooAssertions.rejects;

import java.nio.file.Path;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.learning.config.Sgd;
import org.unsupervisedzoo.zoo.ZooAssertions;
import org.unsupervisedzoo.zoo.DoublePrecision;
import org.junit.jupiter.api.extension.ExtendWith;

/** The SOM layer: score by hand, gradient check, the Kohonen step, round trips. */
@ExtendWith(DoublePrecision.class)
@DoublePrecision.Seed(42)
class SomLayerTest {
    @TempDir
    Path tmp;

    static SOM som(int rows, int cols, int d, Topology t, Neighborhood h, SomDistance dist,
                   org.nd4j.linalg.learning.config.IUpdater updater) {
        return SOM.builder().rows(rows).cols(cols).inputSize(d).topology(t).neighborhood(h).distance(dist)
                .updater(updater).dataType(DataType.DOUBLE).seed(3).build();
    }

    /** Dissimilarity e(x, w) as the layer defines it. */
    static double dissimilarity(double[] x, double[] w, SomDistance dist) {
        double xx = 0;
        double ww = 0;
        double xw = 0;
        for (int i = 0; i < x.length; i++) {
            xx += x[i] * x[i];
            ww += w[i] * w[i];
            xw += x[i] * w[i];
        }
        return dist == SomDistance.COSINE ? 2 - 2 * xw / (Math.sqrt(xx) * Math.sqrt(ww)) : xx + ww - 2 * xw;
    }

    static int bmu(double[] x, double[][] w, SomDistance dist) {
        int best = 0;
        for (int j = 1; j < w.length; j++) {
            if (dissimilarity(x, w[j], dist) < dissimilarity(x, w[best], dist)) {
                best = j;
            }
        }
        return best;
    }

    /** sum_b sum_j h e / 2 by hand. */
    static double lossByHand(double[][] x, double[][] w, double sigma, SomGrid grid, Neighborhood h,
                             SomDistance dist) {
        double total = 0;
        for (double[] xb : x) {
            int c = bmu(xb, w, dist);
            for (int j = 0; j < w.length; j++) {
                total += h.value(grid.distance2(c, j), sigma) * dissimilarity(xb, w[j], dist) / 2;
            }
        }
        return total;
    }

    /** One batch-online Kohonen step: w_j += lr / B * sum_b h(c_b, j) (x_b - w_j). */
    static double[][] kohonenStep(double[][] x, double[][] w, double sigma, double lr, SomGrid grid,
                                  Neighborhood h) {
        double[][] out = new double[w.length][];
        for (int j = 0; j < w.length; j++) {
            out[j] = w[j].clone();
        }
        for (double[] xb : x) {
            int c = bmu(xb, w, SomDistance.EUCLIDEAN);
            for (int j = 0; j < w.length; j++) {
                double hj = h.value(grid.distance2(c, j), sigma);
                for (int i = 0; i < xb.length; i++) {
                    out[j][i] += lr / x.length * hj * (xb[i] - w[j][i]);
                }
            }
        }
        return out;
    }

    @Test
    void scoreAndOutputEqualTheFormulaByHandForEveryNeighbourhoodDistanceAndGrid() {
        for (Topology t : Topology.values()) {
            for (Neighborhood h : Neighborhood.values()) {
                for (SomDistance dist : SomDistance.values()) {
                    SOM som = som(2, 3, 4, t, h, dist, new NoOp());
                    ComputationGraph g = som.init();
                    INDArray x = Nd4j.rand(DataType.DOUBLE, 5, 4);
                    double sigma = 1.3;
                    MultiDataSet mds = SomIterator.of(som, x, sigma);
                    double[][] w = som.prototypes(g).toDoubleMatrix();
                    double[][] xs = x.toDoubleMatrix();
                    String what = t + " " + h + " " + dist;
                    assertEquals(lossByHand(xs, w, sigma, som.grid(), h, dist) / 5, g.score(mds), 1e-10, what);
                    INDArray e = som.dissimilarities(g, x);
                    for (int b = 0; b < 5; b++) {
                        for (int j = 0; j < 6; j++) {
                            assertEquals(dissimilarity(xs[b], w[j], dist), e.getDouble(b, j), 1e-10, what);
                        }
                    }
                }
            }
        }
    }

    @Test
    void gradientsPassADoublePrecisionCheckForEveryNeighbourhoodAndDistance() {
        for (Neighborhood h : Neighborhood.values()) {
            for (SomDistance dist : SomDistance.values()) {
                SOM som = som(2, 3, 3, Topology.HEXAGONAL, h, dist, new NoOp());
                ComputationGraph g = som.init();
                INDArray x = Nd4j.rand(DataType.DOUBLE, 4, 3);
                boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(g)
                        .inputs(new INDArray[] {x, som.sigmaColumn(4, 1.2)}).labels(new INDArray[] {null})
                        .excludeParams(java.util.Set.of()));
                assertTrue(ok, "gradient check " + h + " " + dist);
            }
        }
    }

    @Test
    void oneSgdStepIsTheKohonenUpdateOnHandMadeNumbers() {
        // 2x3 rectangular map in the plane, prototypes by hand
        double[][] w = {{0, 0}, {1, 0}, {2, 0}, {0, 1}, {1, 1}, {2, 1}};
        double[][] one = {{0.2, 0.1}};
        for (Neighborhood h : Neighborhood.values()) {
            SOM som = som(2, 3, 2, Topology.RECTANGULAR, h, SomDistance.EUCLIDEAN, new Sgd(0.3));
            ComputationGraph g = som.init();
            som.prototypes(g).assign(Nd4j.createFromArray(w));
            g.fit(SomIterator.of(som, Nd4j.createFromArray(one), 1.0));
            double[][] expected = kohonenStep(one, w, 1.0, 0.3, som.grid(), h);
            // the classic online rule for unit 4 (grid distance^2 2 from the BMU 0), written out for the Gaussian
            if (h == Neighborhood.GAUSSIAN) {
                assertEquals(1 + 0.3 * Math.exp(-1.0) * (0.2 - 1), expected[4][0], 1e-15);
            }
            assertArrayEquals(flat(expected), som.prototypes(g).dup().data().asDouble(), 1e-12, "B=1 " + h);
        }
        // a batch of three: the mean of the three online updates at fixed prototypes
        double[][] three = {{0.2, 0.1}, {1.9, 0.8}, {1.1, 0.4}};
        SOM som = som(2, 3, 2, Topology.HEXAGONAL, Neighborhood.GAUSSIAN, SomDistance.EUCLIDEAN, new Sgd(0.5));
        ComputationGraph g = som.init();
        som.prototypes(g).assign(Nd4j.createFromArray(w));
        g.fit(SomIterator.of(som, Nd4j.createFromArray(three), 0.8));
        assertArrayEquals(flat(kohonenStep(three, w, 0.8, 0.5, som.grid(), Neighborhood.GAUSSIAN)),
                som.prototypes(g).dup().data().asDouble(), 1e-12, "B=3");
    }

    static double[] flat(double[][] m) {
        return java.util.Arrays.stream(m).flatMapToDouble(java.util.Arrays::stream).toArray();
    }

    @Test
    void everyHyperParameterSurvivesJsonAndTheSerializer() throws Exception {
        SOM som = som(3, 2, 4, Topology.HEXAGONAL, Neighborhood.MEXICAN_HAT, SomDistance.COSINE, new Sgd(0.1));
        ComputationGraph g = som.init();
        INDArray x = Nd4j.rand(DataType.DOUBLE, 4, 4);
        g.fit(SomIterator.of(som, x, 1.5));
        INDArray sig = som.sigmaColumn(4, 1.0);
        ComputationGraph back = ZooAssertions.jsonRoundTrip(g, x, sig);
        SomLayer layer = ZooAssertions.layer(back.getConfiguration(), SOM.SOM, SomLayer.class);
        assertEquals(3, layer.getRows());
        assertEquals(2, layer.getCols());
        assertEquals(4, layer.getInputSize());
        assertEquals(Topology.HEXAGONAL, layer.getTopology());
        assertEquals(Neighborhood.MEXICAN_HAT, layer.getNeighborhood());
        assertEquals(SomDistance.COSINE, layer.getDistance());
        ComputationGraph restored = ZooAssertions.serializerRoundTrip(g, tmp, x, sig);
        MultiDataSet mds = SomIterator.of(som, x, 0.7);
        assertEquals(g.score(mds), restored.score(mds), 1e-12);
    }

    @Test
    void invalidLayerArgumentsAreRejected() {
        rejects(() -> new SomLayer(0, 3, 4, Topology.RECTANGULAR, Neighborhood.GAUSSIAN, SomDistance.EUCLIDEAN),
                "rows", "0");
        rejects(() -> new SomLayer(2, -1, 4, Topology.RECTANGULAR, Neighborhood.GAUSSIAN, SomDistance.EUCLIDEAN),
                "cols", "-1");
        rejects(() -> new SomLayer(2, 2, 0, Topology.RECTANGULAR, Neighborhood.GAUSSIAN, SomDistance.EUCLIDEAN),
                "inputSize", "0");
        rejects(() -> new SomLayer(2, 2, 3, Topology.RECTANGULAR, null, SomDistance.EUCLIDEAN), "neighborhood");
    }
}
