package org.unsupervisedzoo.zoo.rbm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.unsupervisedzoo.zoo.ZooAssertions.rejects;

import java.nio.file.Path;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.learning.config.Sgd;
import org.unsupervisedzoo.datasets.MnistIterator;
import org.unsupervisedzoo.zoo.SampleData;
import org.unsupervisedzoo.zoo.ZooAssertions;
import org.unsupervisedzoo.zoo.DoublePrecision;
import org.junit.jupiter.api.extension.ExtendWith;

/** The RBM layer, factory, utilities, sampler, AIS and stack. */
@ExtendWith(DoublePrecision.class)
@DoublePrecision.Seed(42)
class RbmTest {
    @TempDir
    Path tmp;

    private static Random rng(long seed) {
        return Nd4j.getRandomFactory().getNewRandomInstance(seed);
    }

    private static RBM tiny(int nv, int nh, VisibleUnits units, org.nd4j.linalg.learning.config.IUpdater u) {
        return RBM.builder().nVisible(nv).nHidden(nh).visibleUnits(units).dataType(DataType.DOUBLE).updater(u)
                .seed(3).build();
    }

    /** Hand-made parameters: W_ij = 0.3 sin(i + 2j), b_i = 0.1 i - 0.2, c_j = 0.05 - 0.1 j. */
    private static void handMade(ComputationGraph g) {
        INDArray w = g.getParam("rbm_W");
        for (int i = 0; i < w.size(0); i++) {
            for (int j = 0; j < w.size(1); j++) {
                w.putScalar(i, j, 0.3 * Math.sin(i + 2 * j));
            }
        }
        INDArray b = g.getParam("rbm_b");
        for (int i = 0; i < b.length(); i++) {
            b.putScalar(i, 0.1 * i - 0.2);
        }
        INDArray c = g.getParam("rbm_c");
        for (int j = 0; j < c.length(); j++) {
            c.putScalar(j, 0.05 - 0.1 * j);
        }
    }

    /** F(v) for one row, by loops. */
    private static double freeEnergyByHand(INDArray v, int row, INDArray w, INDArray b, INDArray c, boolean gauss) {
        double f = 0;
        for (int i = 0; i < w.size(0); i++) {
            double vi = v.getDouble(row, i);
            f += gauss ? 0.5 * (vi - b.getDouble(i)) * (vi - b.getDouble(i)) : -vi * b.getDouble(i);
        }
        for (int j = 0; j < w.size(1); j++) {
            double x = c.getDouble(j);
            for (int i = 0; i < w.size(0); i++) {
                x += v.getDouble(row, i) * w.getDouble(i, j);
            }
            f -= Math.log1p(Math.exp(x));
        }
        return f;
    }

    private static MultiDataSet pair(INDArray data, INDArray model) {
        return new MultiDataSet(new INDArray[] {data, model}, new INDArray[] {null});
    }

    @Test
    void scoreAndFreeEnergyEqualTheFormulasByHand() {
        for (VisibleUnits units : VisibleUnits.values()) {
            RBM rbm = tiny(5, 3, units, new NoOp());
            ComputationGraph g = rbm.init();
            handMade(g);
            INDArray data = units == VisibleUnits.BERNOULLI ? Nd4j.rand(DataType.DOUBLE, 4, 5)
                    : Nd4j.randn(DataType.DOUBLE, 4, 5);
            INDArray model = Nd4j.rand(DataType.DOUBLE, 4, 5).gt(0.5).castTo(DataType.DOUBLE);
            boolean gauss = units == VisibleUnits.GAUSSIAN;
            INDArray w = g.getParam("rbm_W");
            INDArray b = g.getParam("rbm_b");
            INDArray c = g.getParam("rbm_c");
            double expected = 0;
            INDArray f = rbm.params(g).freeEnergy(data);
            for (int r = 0; r < 4; r++) {
                double fd = freeEnergyByHand(data, r, w, b, c, gauss);
                assertEquals(fd, f.getDouble(r), 1e-12, units + " F row " + r);
                expected += (fd - freeEnergyByHand(model, r, w, b, c, gauss)) / 4;
            }
            assertEquals(expected, g.score(pair(data, model)), 1e-12, units + " score");
        }
    }

    @Test
    void freeEnergyIsMinusLogSumOverHiddenOfExpMinusEnergy() {
        for (VisibleUnits units : VisibleUnits.values()) {
            RBM rbm = tiny(4, 3, units, new NoOp());
            ComputationGraph g = rbm.init();
            handMade(g);
            RbmParams p = rbm.params(g);
            INDArray v = Nd4j.rand(DataType.DOUBLE, 2, 4);
            for (int r = 0; r < 2; r++) {
                double sum = 0;
                for (int code = 0; code < 8; code++) {
                    INDArray h = Nd4j.create(DataType.DOUBLE, 1, 3);
                    for (int j = 0; j < 3; j++) {
                        h.putScalar(0, j, (code >> j) & 1);
                    }
                    double e = p.energy(v.getRow(r, true), h).getDouble(0);
                    double byHand = (units == VisibleUnits.GAUSSIAN ? 0 : 0);
                    for (int i = 0; i < 4; i++) {
                        double vi = v.getDouble(r, i);
                        double bi = p.visibleBias().getDouble(i);
                        byHand += units == VisibleUnits.GAUSSIAN ? 0.5 * (vi - bi) * (vi - bi) : -vi * bi;
                        for (int j = 0; j < 3; j++) {
                            byHand -= vi * p.weights().getDouble(i, j) * h.getDouble(0, j);
                        }
                    }
                    for (int j = 0; j < 3; j++) {
                        byHand -= p.hiddenBias().getDouble(j) * h.getDouble(0, j);
                    }
                    assertEquals(byHand, e, 1e-12, "energy");
                    sum += Math.exp(-e);
                }
                assertEquals(-Math.log(sum), p.freeEnergy(v.getRow(r, true)).getDouble(0), 1e-12, units + " F");
            }
        }
    }

    @Test
    void pseudoLikelihoodIsScikitLearnsScoreSamples() {
        RBM rbm = tiny(6, 4, VisibleUnits.BERNOULLI, new NoOp());
        ComputationGraph g = rbm.init();
        handMade(g);
        RbmParams p = rbm.params(g);
        INDArray v = Nd4j.rand(DataType.DOUBLE, 5, 6);
        INDArray pl = p.pseudoLikelihood(v, rng(9));
        Random same = rng(9);
        for (int r = 0; r < 5; r++) {
            int j = same.nextInt(6);
            INDArray flipped = v.getRow(r, true).dup();
            flipped.putScalar(0, j, 1 - flipped.getDouble(0, j));
            double fe = freeEnergyByHand(v, r, p.weights(), p.visibleBias(), p.hiddenBias(), false);
            double fe2 = freeEnergyByHand(flipped, 0, p.weights(), p.visibleBias(), p.hiddenBias(), false);
            double expected = 6 * -Math.log1p(Math.exp(-(fe2 - fe)));
            assertEquals(expected, pl.getDouble(r), 1e-12, "row " + r);
        }
        rejects(() -> tiny(3, 2, VisibleUnits.GAUSSIAN, new NoOp()).params(tiny(3, 2, VisibleUnits.GAUSSIAN,
                new NoOp()).init()).pseudoLikelihood(Nd4j.zeros(1, 3), rng(1)), "BERNOULLI", "GAUSSIAN");
    }

    @Test
    void gradientsPassADoublePrecisionCheck() {
        for (VisibleUnits units : VisibleUnits.values()) {
            RBM rbm = RBM.builder().nVisible(5).nHidden(4).visibleUnits(units).dataType(DataType.DOUBLE)
                    .updater(new NoOp()).initStd(0.5).seed(5).build();
            ComputationGraph g = rbm.init();
            INDArray data = units == VisibleUnits.BERNOULLI ? Nd4j.rand(DataType.DOUBLE, 6, 5)
                    : Nd4j.randn(DataType.DOUBLE, 6, 5);
            INDArray model = Nd4j.rand(DataType.DOUBLE, 6, 5).gt(0.5).castTo(DataType.DOUBLE);
            model.getRow(0).assign(0); // x = c + 0 W = 0 at initialisation: softplus at 0 must have slope 1/2
            model.getRow(1).assign(1);
            boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(g)
                    .inputs(new INDArray[] {data, model}).labels(new INDArray[] {null}));
            assertTrue(ok, "gradient check " + units);
        }
    }

    /** The graph of {@code rbm} with the layer's SameDiff definition as its runtime, parameters copied from {@code g}. */
    private static ComputationGraph sameDiffTwin(RBM rbm, ComputationGraph g) {
        org.deeplearning4j.nn.conf.ComputationGraphConfiguration conf = rbm.conf();
        ((RbmLayer) ((LayerVertex) conf.getVertices().get(RBM.RBM_LAYER)).getLayerConf().getLayer())
                .setSameDiffRuntime(true);
        ComputationGraph twin = new ComputationGraph(conf);
        twin.init();
        twin.setParams(g.params().dup());
        return twin;
    }

    /** Gradients and input error of the RBM layer alone, for one input. */
    private static INDArray[] layerBackprop(ComputationGraph g, INDArray input) {
        org.deeplearning4j.nn.api.Layer l = g.getLayer(RBM.RBM_LAYER);
        org.deeplearning4j.nn.workspace.LayerWorkspaceMgr none =
                org.deeplearning4j.nn.workspace.LayerWorkspaceMgr.noWorkspaces();
        l.setInput(input, none);
        org.nd4j.common.primitives.Pair<org.deeplearning4j.nn.gradient.Gradient, INDArray> p =
                l.backpropGradient(null, none);
        INDArray[] out = new INDArray[4];
        out[0] = p.getFirst().getGradientFor(RbmLayer.WEIGHT_KEY).dup();
        out[1] = p.getFirst().getGradientFor(RbmLayer.VISIBLE_BIAS_KEY).dup();
        out[2] = p.getFirst().getGradientFor(RbmLayer.HIDDEN_BIAS_KEY).dup();
        out[3] = p.getSecond().dup();
        return out;
    }

    @Test
    void ndArrayRuntimeEqualsTheSameDiffDefinition() {
        for (VisibleUnits units : VisibleUnits.values()) {
            RBM rbm = tiny(6, 4, units, new NoOp());
            ComputationGraph g = rbm.init();
            handMade(g);
            ComputationGraph twin = sameDiffTwin(rbm, g);
            assertTrue(((RbmLayer) ((org.deeplearning4j.nn.layers.samediff.SameDiffOutputLayer) twin.getLayer(
                    RBM.RBM_LAYER)).layerConf()).isSameDiffRuntime());
            INDArray data = units == VisibleUnits.BERNOULLI ? Nd4j.rand(DataType.DOUBLE, 5, 6)
                    : Nd4j.randn(DataType.DOUBLE, 5, 6);
            INDArray model = Nd4j.rand(DataType.DOUBLE, 5, 6).gt(0.5).castTo(DataType.DOUBLE);
            assertEquals(twin.score(pair(data, model)), g.score(pair(data, model)), 1e-12, units + " score");
            // the whole step, score and gradient, through the graph
            g.setInputs(data, model);
            g.setLabels((INDArray) null);
            g.computeGradientAndScore();
            twin.setInputs(data, model);
            twin.setLabels((INDArray) null);
            twin.computeGradientAndScore();
            assertEquals(twin.score(), g.score(), 1e-12, units + " score after backprop");
            assertTrue(g.gradient().gradient().equalsWithEps(twin.gradient().gradient(), 1e-12), units + " gradient");
            // the layer alone, with its error for the layer below (init() marks it to skip that error: restored)
            org.unsupervisedzoo.zoo.core.InputGradients.restore(g);
            INDArray input = Nd4j.hstack(data, model);
            INDArray[] fast = layerBackprop(g, input);
            INDArray[] reference = layerBackprop(twin, input);
            String[] names = {"dL/dW", "dL/db", "dL/dc", "dL/dinput"};
            for (int i = 0; i < 4; i++) {
                assertTrue(fast[i].reshape(reference[i].shape()).equalsWithEps(reference[i], 1e-12),
                        units + " " + names[i] + ": " + fast[i] + " vs " + reference[i]);
            }
        }
    }

    @Test
    void gradientIsTheAnalyticCdUpdateAndSgdAppliesIt() {
        RBM rbm = tiny(7, 4, VisibleUnits.BERNOULLI, new Sgd(1.0));
        ComputationGraph g = rbm.init();
        handMade(g);
        RbmParams p = rbm.params(g);
        INDArray data = Nd4j.rand(DataType.DOUBLE, 8, 7);
        INDArray model = p.gibbs(data, 3, rng(4)); // a fixed chain
        INDArray hd = p.hiddenProbabilities(data);
        INDArray hm = p.hiddenProbabilities(model);
        // <v h>_data - <v h>_model, batch means
        INDArray dW = data.transpose().mmul(hd).subi(model.transpose().mmul(hm)).divi(8);
        INDArray dB = data.sum(true, 0).subi(model.sum(true, 0)).divi(8);
        INDArray dC = hd.sum(true, 0).subi(hm.sum(true, 0)).divi(8);
        INDArray w0 = g.getParam("rbm_W").dup();
        INDArray b0 = g.getParam("rbm_b").dup();
        INDArray c0 = g.getParam("rbm_c").dup();
        g.setInputs(data, model);
        g.setLabels((INDArray) null);
        g.computeGradientAndScore();
        // DL4J's raw gradient is the batch sum; the updater divides it by the batch size (minibatch mode)
        INDArray gradW = g.gradient().getGradientFor("rbm_W").div(8);
        assertTrue(gradW.equalsWithEps(dW.neg(), 1e-10), "dL/dW = -(<vh>_data - <vh>_model)");
        assertTrue(g.gradient().getGradientFor("rbm_c").div(8).equalsWithEps(dC.neg(), 1e-10), "dL/dc");
        assertTrue(g.gradient().getGradientFor("rbm_b").div(8).equalsWithEps(dB.neg(), 1e-10), "dL/db");
        // one SGD step with lr = 1 adds the CD update
        g.fit(pair(data, model));
        assertTrue(g.getParam("rbm_W").sub(w0).equalsWithEps(dW, 1e-10), "W update");
        assertTrue(g.getParam("rbm_b").sub(b0).equalsWithEps(dB, 1e-10), "b update");
        assertTrue(g.getParam("rbm_c").sub(c0).equalsWithEps(dC, 1e-10), "c update");
    }

    @Test
    void samplingIsFreshEachStepAndReproducibleForASeed() {
        for (boolean persistent : new boolean[] {false, true}) {
            RBM rbm = RBM.builder().nVisible(784).nHidden(16).persistent(persistent).k(2).initStd(0.1)
                    .dataType(DataType.DOUBLE).seed(1).build();
            INDArray[][] runs = new INDArray[2][];
            for (int run = 0; run < 2; run++) {
                ComputationGraph g = rbm.init();
                RbmIterator it = new RbmIterator(SampleData.train(10, MnistIterator.Shape.FLAT, 30), rbm, g, 77);
                runs[run] = new INDArray[3];
                for (int s = 0; s < 3; s++) {
                    org.nd4j.linalg.dataset.api.MultiDataSet mds = it.next();
                    runs[run][s] = mds.getFeatures(1).dup();
                    g.fit(mds);
                }
            }
            for (int s = 0; s < 3; s++) {
                assertEquals(runs[0][s], runs[1][s], "same seed, same draws, step " + s);
                INDArray x = runs[0][s];
                assertTrue(x.eq(0).castTo(DataType.INT).sumNumber().intValue()
                        + x.eq(1).castTo(DataType.INT).sumNumber().intValue() == x.length(), "binary samples");
            }
            assertNotEquals(runs[0][0], runs[0][1], "fresh draws on the next step");
            assertNotEquals(runs[0][1], runs[0][2], "fresh draws on the next step");
        }
    }

    @Test
    void persistentChainIsKeptAcrossUpdates() {
        RBM rbm = RBM.builder().nVisible(784).nHidden(8).k(1).dataType(DataType.DOUBLE).build();
        ComputationGraph g = rbm.init();
        RbmIterator it = new RbmIterator(SampleData.train(10, MnistIterator.Shape.FLAT, 20), rbm, g, 5);
        INDArray first = it.next().getFeatures(1).dup();
        assertEquals(first, it.chain().castTo(first.dataType()), "the particles are the chain");
        // CD restarts at the data: particles differ from the chain of PCD; with all-zero weights and biases,
        // PCD's first particles are uniform coin flips (h = 0 start)
        double mean = first.meanNumber().doubleValue();
        assertEquals(0.5, mean, 0.05, "p(v|h=0) = sigmoid(0) at initialisation (weights ~0.01)");
    }

    @Test
    void bernoulliInputOutsideUnitIntervalIsAClearError() {
        RBM rbm = tiny(4, 2, VisibleUnits.BERNOULLI, new NoOp());
        ComputationGraph g = rbm.init();
        INDArray bad = Nd4j.create(new double[][] {{0, 0.5, 1.5, 1}});
        RbmParams p = rbm.params(g);
        rejects(() -> p.checkVisible("x", bad), "x", "[0,1]", "1.5");
        rejects(() -> p.checkVisible("x", Nd4j.create(new double[][] {{0, -0.2, 1, 1}})), "[0,1]", "-0.2");
        rejects(() -> p.checkVisible("x", Nd4j.zeros(2, 5)), "x", "[batch, 4]");
        rejects(() -> p.pseudoLikelihood(bad, rng(1)), "[0,1]");
        org.nd4j.linalg.dataset.api.iterator.DataSetIterator one =
                new org.nd4j.linalg.dataset.ViewIterator(new org.nd4j.linalg.dataset.DataSet(bad, bad), 1);
        rejects(() -> new RbmIterator(one, rbm, g, 1).next(), "training input", "[0,1]", "1.5");
        // Gaussian units accept real values
        RBM gauss = tiny(4, 2, VisibleUnits.GAUSSIAN, new NoOp());
        gauss.params(gauss.init()).checkVisible("x", bad.mul(-3));
    }

    @Test
    void builderRejectsBadValuesNamingFieldAndValue() {
        rejects(() -> RBM.builder().nHidden(0).build(), "nHidden", "0");
        rejects(() -> RBM.builder().nVisible(-3).build(), "nVisible", "-3");
        rejects(() -> RBM.builder().k(0).build(), "k", "0");
        rejects(() -> RBM.builder().initStd(-1).build(), "initStd", "-1");
        rejects(() -> RBM.builder().visibleUnits(null).build(), "visibleUnits");
        rejects(() -> new RbmStack(new int[] {784}, RBM::builder), "sizes");
        rejects(() -> new RbmStack(new int[] {784, 0}, RBM::builder), "sizes[1]", "0");
    }

    @Test
    void exactLogZAgreesWithBruteForceAndAisMatchesItOnATinyRbm() {
        RBM rbm = RBM.builder().nVisible(8).nHidden(6).initStd(1.0).dataType(DataType.DOUBLE).seed(11).build();
        ComputationGraph g = rbm.init();
        g.getParam("rbm_b").assign(Nd4j.randn(DataType.DOUBLE, 1, 8).muli(0.5));
        g.getParam("rbm_c").assign(Nd4j.randn(DataType.DOUBLE, 1, 6).muli(0.5));
        RbmParams p = rbm.params(g);
        double exact = RbmLikelihood.exactLogZ(p);
        // brute force over all (v, h): 2^14 states
        double max = Double.NEGATIVE_INFINITY;
        double[] terms = new double[1 << 14];
        double[][] vRows = new double[1 << 14][8];
        double[][] hRows = new double[1 << 14][6];
        for (int code = 0; code < 1 << 14; code++) {
            for (int i = 0; i < 8; i++) {
                vRows[code][i] = (code >> i) & 1;
            }
            for (int j = 0; j < 6; j++) {
                hRows[code][j] = (code >> (8 + j)) & 1;
            }
        }
        INDArray vs = Nd4j.create(vRows);
        INDArray hs = Nd4j.create(hRows);
        INDArray e = p.energy(vs, hs).negi();
        for (int k = 0; k < terms.length; k++) {
            terms[k] = e.getDouble(k);
            max = Math.max(max, terms[k]);
        }
        double sum = 0;
        for (double t : terms) {
            sum += Math.exp(t - max);
        }
        assertEquals(max + Math.log(sum), exact, 1e-9, "enumeration over h equals brute force");
        // enumerating v (a model with fewer visible than hidden units) gives the same as over h
        RbmParams wide = new RbmParams(p.weights().transpose().dup(), p.hiddenBias(), p.visibleBias(),
                VisibleUnits.BERNOULLI);
        assertEquals(exact, RbmLikelihood.exactLogZ(wide), 1e-9, "log Z is symmetric in the two layers");

        // AIS from base rates of (made-up) data; 750 intermediate distributions suffice for 14 units
        INDArray base = RbmLikelihood.baseRateBias(Nd4j.rand(DataType.DOUBLE, 50, 8).gt(0.3).castTo(DataType.DOUBLE));
        RbmLikelihood.Estimate ais2 = RbmLikelihood.aisLogZ(p, base, 100, RbmLikelihood.piecewiseBetas(50, 200, 500),
                rng(6));
        assertEquals(exact, ais2.logZ, 0.05, "AIS from base rates " + ais2 + " vs exact " + exact);
        assertTrue(ais2.logZLow <= ais2.logZ && ais2.logZ <= ais2.logZHigh);
        assertEquals(14501, RbmLikelihood.standardBetas().length);
        // average log-likelihood of a visible vector is log p(v) = -F(v) - log Z, a log-probability
        INDArray v = vs.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 256),
                org.nd4j.linalg.indexing.NDArrayIndex.all());
        double total = 0;
        for (int r = 0; r < 256; r++) {
            total += Math.exp(RbmLikelihood.averageLogLikelihood(p, v.getRow(r, true), exact));
        }
        assertEquals(1.0, total, 1e-9, "probabilities of all 2^8 visible vectors sum to one");
    }

    @Test
    void gaussianExactLogZMatchesNumericalIntegration() {
        RBM rbm = RBM.builder().nVisible(1).nHidden(2).visibleUnits(VisibleUnits.GAUSSIAN).initStd(0.8)
                .dataType(DataType.DOUBLE).build();
        ComputationGraph g = rbm.init();
        g.getParam("rbm_b").assign(0.3);
        g.getParam("rbm_c").assign(Nd4j.create(new double[][] {{-0.4, 0.2}}));
        RbmParams p = rbm.params(g);
        int n = 40001;
        double dx = 40.0 / (n - 1);
        INDArray grid = Nd4j.arange(n).castTo(DataType.DOUBLE).muli(dx).subi(20).reshape(n, 1);
        double z = Transforms_exp(p.freeEnergy(grid).negi()).sumNumber().doubleValue() * dx;
        assertEquals(Math.log(z), RbmLikelihood.exactLogZ(p), 1e-6);
        rejects(() -> RbmLikelihood.aisLogZ(p, null, 10, RbmLikelihood.piecewiseBetas(1, 1, 1), rng(1)),
                "BERNOULLI", "GAUSSIAN");
    }

    private static INDArray Transforms_exp(INDArray x) {
        return org.nd4j.linalg.ops.transforms.Transforms.exp(x, false);
    }

    @Test
    void factoryBuildsFitsAndRoundTrips() throws Exception {
        RBM rbm = RBM.builder().nVisible(784).nHidden(12).dataType(DataType.DOUBLE).build();
        ComputationGraph g = rbm.init();
        assertEquals(784L * 12 + 784 + 12, g.numParams());
        RbmIterator it = new RbmIterator(SampleData.train(10, MnistIterator.Shape.FLAT, 20), rbm, g, 1);
        org.nd4j.linalg.dataset.api.MultiDataSet mds = it.next();
        INDArray[] out = g.output(false, mds.getFeatures());
        assertEquals(1, out.length);
        assertEquals(java.util.List.of(10L, 1568L), java.util.List.of(out[0].size(0), out[0].size(1)));
        ZooAssertions.fitChangesParameters(g, mds);
        ZooAssertions.jsonRoundTrip(g, mds.getFeatures());
        ComputationGraph restored = ZooAssertions.serializerRoundTrip(g, tmp, mds.getFeatures());
        RbmLayer layer = ZooAssertions.layer(restored.getConfiguration(), RBM.RBM_LAYER, RbmLayer.class);
        assertEquals(12, layer.getNHidden());
        assertEquals(784, layer.getNVisible());
        RbmLayer custom = new RbmLayer(5, 3, VisibleUnits.GAUSSIAN, 0.2);
        String json = new org.deeplearning4j.nn.conf.NeuralNetConfiguration.Builder().graphBuilder()
                .addInputs("a").addLayer("r", custom, "a").setOutputs("r").build().toJson();
        RbmLayer back = ZooAssertions.layer(org.deeplearning4j.nn.conf.ComputationGraphConfiguration.fromJson(json),
                "r", RbmLayer.class);
        assertEquals(VisibleUnits.GAUSSIAN, back.getVisibleUnits());
        assertEquals(0.2, back.getInitStd());
        assertEquals(5, back.getNVisible());
        assertEquals(3, back.getNHidden());
    }

    @Test
    void trainingRaisesThePseudoLikelihoodOfTheSample() {
        RBM rbm = RBM.builder().nVisible(784).nHidden(32).seed(2).build();
        ComputationGraph g = rbm.init();
        INDArray test = SampleData.testBatch(200, MnistIterator.Shape.FLAT);
        double before = rbm.params(g).meanPseudoLikelihood(test, rng(1));
        double errBefore = rbm.params(g).reconstructionError(test);
        RbmIterator it = new RbmIterator(SampleData.train(10, MnistIterator.Shape.FLAT, 500), rbm, g, 1);
        for (int e = 0; e < 2; e++) {
            g.fit(it);
        }
        double after = rbm.params(g).meanPseudoLikelihood(test, rng(1));
        assertTrue(after > before + 50, "pseudo-likelihood " + before + " -> " + after);
        double err = rbm.params(g).reconstructionError(test);
        assertTrue(err < 0.1 && err < errBefore / 2, "reconstruction error " + errBefore + " -> " + err);
    }

    @Test
    void encoderGraphIsAPlainDenseLayerGivingTheHiddenProbabilities() {
        RBM rbm = RBM.builder().nVisible(784).nHidden(16).initStd(0.1).build();
        ComputationGraph g = rbm.init();
        g.getParam("rbm_c").assign(Nd4j.randn(DataType.FLOAT, 1, 16));
        ComputationGraph enc = rbm.encoderGraph(g);
        assertEquals(java.util.List.of(RBM.INPUT), enc.getConfiguration().getNetworkInputs());
        assertEquals(java.util.List.of(RBM.CODE), enc.getConfiguration().getNetworkOutputs());
        DenseLayer code = ZooAssertions.layer(enc.getConfiguration(), RBM.CODE, DenseLayer.class);
        assertEquals("sigmoid", code.getActivationFn().toString().toLowerCase());
        enc.getConfiguration().getVertices().values().forEach(v -> assertTrue(!(v instanceof LayerVertex)
                || ((LayerVertex) v).getLayerConf().getLayer().getClass().getName().startsWith("org.deeplearning4j"),
                "built-in layers only"));
        INDArray x = SampleData.testBatch(20, MnistIterator.Shape.FLAT);
        INDArray expected = rbm.params(g).hiddenProbabilities(x);
        assertTrue(expected.equalsWithEps(enc.outputSingle(x), 1e-6), "code = p(h|v)");
        assertEquals(g.getParam("rbm_W"), enc.getParam("code_W"), "weights copied exactly");
        assertEquals(g.getParam("rbm_c").reshape(16), enc.getParam("code_b").reshape(16), "hidden bias copied exactly");
    }

    @Test
    void classifierOnTheFeaturesTrainsOnlyTheSoftmax() {
        RBM rbm = RBM.builder().nVisible(784).nHidden(16).initStd(0.1).build();
        ComputationGraph clf = rbm.classifierGraph(rbm.init(), 10, new org.nd4j.linalg.learning.config.Adam(0.01));
        MnistIterator data = SampleData.train(50, MnistIterator.Shape.FLAT, 50);
        data.setPreProcessor(null);
        org.nd4j.linalg.dataset.DataSet ds = MnistIterator.builder(SampleData.TRAIN).batchSize(50).build().next();
        INDArray code0 = clf.getParam("code_W").dup();
        INDArray soft0 = clf.getParam("classifier_W").dup();
        clf.fit(ds);
        assertEquals(code0, clf.getParam("code_W"), "encoder frozen");
        assertNotEquals(soft0, clf.getParam("classifier_W"), "softmax trained");
        assertEquals(10, clf.outputSingle(ds.getFeatures()).size(1));
    }

    @Test
    void stackTrainsGreedilyIntoADeepEncoder() {
        RbmStack stack = new RbmStack(new int[] {784, 24, 8}, () -> RBM.builder().initStd(0.05).seed(4));
        assertEquals(2, stack.depth());
        INDArray top0 = stack.graph(1).params().dup();
        INDArray bottom0 = stack.graph(0).params().dup();
        MnistIterator data = SampleData.train(10, MnistIterator.Shape.FLAT, 100);
        stack.trainLayer(0, data, 1, 1);
        assertNotEquals(bottom0, stack.graph(0).params(), "layer 1 trained");
        assertEquals(top0, stack.graph(1).params(), "layer 2 untouched while layer 1 trains");
        INDArray bottom1 = stack.graph(0).params().dup();
        stack.trainLayer(1, data, 1, 1);
        assertEquals(bottom1, stack.graph(0).params(), "layer 1 untouched while layer 2 trains");
        assertNotEquals(top0, stack.graph(1).params(), "layer 2 trained");

        ComputationGraph enc = stack.encoderGraph();
        INDArray x = SampleData.testBatch(10, MnistIterator.Shape.FLAT);
        INDArray expected = stack.rbm(1).params(stack.graph(1))
                .hiddenProbabilities(stack.rbm(0).params(stack.graph(0)).hiddenProbabilities(x));
        assertTrue(expected.equalsWithEps(enc.outputSingle(x), 1e-6), "deep code");
        assertEquals(java.util.List.of(RBM.INPUT), enc.getConfiguration().getNetworkInputs());
        assertTrue(enc.getConfiguration().getVertices().containsKey(RbmStack.hiddenLayer(1)));
        ZooAssertions.layer(enc.getConfiguration(), RBM.CODE, DenseLayer.class);
        assertEquals(8, enc.outputSingle(x).size(1));
    }
}
