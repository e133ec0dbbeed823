package org.unsupervisedzoo.zoo.fast;

import java.nio.FloatBuffer;
import java.util.Collection;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.unsupervisedzoo.zoo.core.FloatViews;
import org.unsupervisedzoo.zoo.core.Runtimes;

/**
 * DL4J's {@link BatchNormalization} with the same parameters ({@code gamma}, {@code beta}, the running mean and the
 * running {@code log10(std)} or variance), JSON fields and maths, whose training passes run as a few Java loops over
 * the whole minibatch instead of DL4J 1.0.0-M2.1's fifteen to twenty ND4J ops (reductions, broadcasts, copies): 23% of
 * the DCGAN's training step went to its generator's two batch norms (deep profile, BENCHMARKS.md).
 *
 * <p>Forward, training: per channel {@code c} (over examples, and over positions for {@code [B, C, H, W]}), {@code
 * mu_c} and the biased {@code var_c} of the minibatch; {@code y = gamma_c (x - mu_c) / sqrt(var_c + eps) + beta_c}.
 * Backward: DL4J's formula ({@code dL/dx} through {@code mu} and {@code var}, {@code dL/dgamma}, {@code dL/dbeta}),
 * and the running statistics' "gradients" DL4J's updater subtracts: {@code (1 - decay)(mean - mu_c)} and
 * {@code log10(std_t) - log10(std_t+1)} with {@code var_t+1 = decay var_t + (1 - decay) var_c} (or the variance's
 * difference when {@code useLogStd} is off). Sums are accumulated in double.
 *
 * <p>Supported: float activations, contiguous in 'c' order, of rank 2 ({@code [B, C]}) or rank 4 in NCHW; learned
 * gamma and beta. Anything else (inference mode, double precision, NHWC, locked gamma/beta, a helper, a backward pass
 * after an inference-mode forward pass) runs DL4J's own code, so the layer computes what {@link BatchNormalization}
 * computes in every case. {@link Accelerate#apply} swaps it in for batch norms with learned gamma and beta in NCHW.
 */
public class FastBatchNormalization extends BatchNormalization {
    /** For JSON and {@link Accelerate}. */
    public FastBatchNormalization() {
        super();
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> trainingListeners,
                             int layerIndex, INDArray layerParamsView, boolean initializeParams, DataType dataType) {
        if (isLockGammaBeta() || getCnn2DFormat() == CNN2DFormat.NHWC) {
            throw new IllegalStateException("FastBatchNormalization " + getLayerName()
                    + ": lockGammaBeta=" + isLockGammaBeta() + ", cnn2DFormat=" + getCnn2DFormat()
                    + " not supported (learned gamma/beta in NCHW only); use DL4J's BatchNormalization");
        }
        Impl ret = new Impl(conf, dataType);
        ret.setListeners(trainingListeners);
        return Runtimes.wire(ret, this, conf, layerIndex, layerParamsView, initializeParams);
    }

    /** The layer at run time: DL4J's batch normalization with its training passes as Java loops. */
    public static class Impl extends org.deeplearning4j.nn.layers.normalization.BatchNormalization {
        private static final double ONE_ON_2LN10 = 1.0 / (2 * Math.log(10.0));
        /**
         * {mean, biased variance, sum} per channel of the last forward pass when it was a training pass of this
         * class's own (its backward pass is this class's too, on the same input); null otherwise.
         */
        private transient double[][] forwardStats;
        private transient long fastForwards;
        private transient long fastBackwards;

        public Impl(NeuralNetConfiguration conf, DataType dataType) {
            super(conf, dataType);
        }

        @Override
        public void setInput(INDArray input, LayerWorkspaceMgr workspaceMgr) {
            forwardStats = null;
            super.setInput(input, workspaceMgr);
        }

        @Override
        public void clear() {
            forwardStats = null;
            super.clear();
        }

        /** Forward passes computed by the Java loops (the rest by DL4J's code). */
        public long fastForwards() {
            return fastForwards;
        }

        /** Backward passes computed by the Java loops. */
        public long fastBackwards() {
            return fastBackwards;
        }

        /** Channels and positions per channel of a supported input, or null. */
        private long[] geometry(INDArray x) {
            if (getHelper() != null || x == null || x.dataType() != DataType.FLOAT || x.ordering() != 'c'
                    || FloatViews.of(x) == null || layerConf().isLockGammaBeta() || layerConf().getIDropout() != null) {
                return null;
            }
            if (x.rank() == 2) {
                return new long[] {x.size(0), x.size(1), 1};
            }
            if (x.rank() == 4 && layerConf().getCnn2DFormat() == CNN2DFormat.NCHW) {
                return new long[] {x.size(0), x.size(1), x.size(2) * x.size(3)};
            }
            return null;
        }

        @Override
        public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
            assertInputSet(false);
            long[] g = training ? geometry(input) : null;
            if (g == null || g[1] != layerConf().getNOut()) {
                forwardStats = null;
                return super.activate(training, workspaceMgr);
            }
            int b = (int) g[0];
            int c = (int) g[1];
            int s = (int) g[2];
            int n = b * c * s;
            float[] x = FloatViews.scratch(0, n);
            FloatBuffer xb = FloatViews.of(input);
            xb.get(xb.position(), x, 0, n);
            double[][] stats = moments(x, b, c, s);
            double eps = layerConf().getEps();
            float[] gamma = getParam(BatchNormalizationParamInitializer.GAMMA).toFloatVector();
            float[] beta = getParam(BatchNormalizationParamInitializer.BETA).toFloatVector();
            float[] scale = new float[c];
            float[] shift = new float[c];
            for (int k = 0; k < c; k++) {
                double inv = 1.0 / Math.sqrt(stats[1][k] + eps);
                scale[k] = (float) (gamma[k] * inv);
                shift[k] = (float) (beta[k] - stats[0][k] * gamma[k] * inv);
            }
            for (int e = 0; e < b; e++) {
                for (int k = 0; k < c; k++) {
                    int base = (e * c + k) * s;
                    float a = scale[k];
                    float d = shift[k];
                    for (int i = base; i < base + s; i++) {
                        x[i] = x[i] * a + d;
                    }
                }
            }
            INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT, input.shape(), 'c');
            FloatBuffer ob = FloatViews.of(out);
            ob.put(ob.position(), x, 0, n);
            forwardStats = stats;
            fastForwards++;
            return out;
        }

        /** {mean, biased variance, sum} per channel of {@code x} laid out {@code [b, c, s]}. */
        private static double[][] moments(float[] x, int b, int c, int s) {
            double[] sum = new double[c];
            double[] sq = new double[c];
            for (int e = 0; e < b; e++) {
                for (int k = 0; k < c; k++) {
                    int base = (e * c + k) * s;
                    double t = 0;
                    double q = 0;
                    for (int i = base; i < base + s; i++) {
                        double v = x[i];
                        t += v;
                        q += v * v;
                    }
                    sum[k] += t;
                    sq[k] += q;
                }
            }
            double m = (double) b * s;
            double[] mean = new double[c];
            for (int k = 0; k < c; k++) {
                mean[k] = sum[k] / m;
                sq[k] = Math.max(sq[k] / m - mean[k] * mean[k], 0);
            }
            return new double[][] {mean, sq, sum};
        }

        @Override
        public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
            assertInputSet(true);
            double[][] stats = forwardStats;
            long[] g = stats != null ? geometry(input) : null;
            if (g == null || epsilon.dataType() != DataType.FLOAT || epsilon.ordering() != 'c'
                    || !epsilon.equalShapes(input) || FloatViews.of(epsilon) == null) {
                if (stats != null) { // DL4J's backward pass reads the arrays of DL4J's forward pass: compute them
                    super.activate(true, LayerWorkspaceMgr.noWorkspaces());
                    forwardStats = null;
                }
                return super.backpropGradient(epsilon, workspaceMgr);
            }
            forwardStats = null;
            int b = (int) g[0];
            int c = (int) g[1];
            int s = (int) g[2];
            int n = b * c * s;
            float[] x = FloatViews.scratch(0, n);
            float[] ep = FloatViews.scratch(1, n);
            FloatBuffer xb = FloatViews.of(input);
            xb.get(xb.position(), x, 0, n);
            FloatBuffer eb = FloatViews.of(epsilon);
            eb.get(eb.position(), ep, 0, n);
            // per channel: sum of eps and of eps * x (the forward pass's statistics are reused: same input)
            double[] se = new double[c];
            double[] sex = new double[c];
            for (int e = 0; e < b; e++) {
                for (int k = 0; k < c; k++) {
                    int base = (e * c + k) * s;
                    double t = 0;
                    double tx = 0;
                    for (int i = base; i < base + s; i++) {
                        t += ep[i];
                        tx += (double) ep[i] * x[i];
                    }
                    se[k] += t;
                    sex[k] += tx;
                }
            }
            double[] sx = stats[2]; // for DL4J's sum of (x - mean), zero up to rounding
            double m = (double) b * s;
            double eps = layerConf().getEps();
            float[] gamma = getParam(BatchNormalizationParamInitializer.GAMMA).toFloatVector();
            float[] dGamma = new float[c];
            float[] dBeta = new float[c];
            float[] ca = new float[c];
            float[] cb = new float[c];
            float[] cc = new float[c];
            for (int k = 0; k < c; k++) {
                double mean = stats[0][k];
                double inv = 1.0 / Math.sqrt(stats[1][k] + eps);
                double sumEpsXmu = sex[k] - mean * se[k];
                dBeta[k] = (float) se[k];
                dGamma[k] = (float) (sumEpsXmu * inv);
                // DL4J: dL/dvar = sum(dxhat (x - mu)) (-1/2) std^-3; dL/dmu = -sum(dxhat) / std + sum(x - mu) (-2/m) dL/dvar
                double dVar = gamma[k] * sumEpsXmu * -0.5 * inv * inv * inv;
                double dMu = -gamma[k] * se[k] * inv + (sx[k] - m * mean) * (-2.0 / m) * dVar;
                // dL/dx = dxhat / std + (x - mu) 2 dL/dvar / m + dL/dmu / m = eps a + x b + c
                double bk = 2.0 * dVar / m;
                ca[k] = (float) (gamma[k] * inv);
                cb[k] = (float) bk;
                cc[k] = (float) (dMu / m - mean * bk);
            }
            for (int e = 0; e < b; e++) {
                for (int k = 0; k < c; k++) {
                    int base = (e * c + k) * s;
                    float a = ca[k];
                    float bb = cb[k];
                    float d = cc[k];
                    for (int i = base; i < base + s; i++) {
                        ep[i] = ep[i] * a + x[i] * bb + d;
                    }
                }
            }
            INDArray next = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, DataType.FLOAT,
                    input.shape(), 'c');
            FloatBuffer nb = FloatViews.of(next);
            nb.put(nb.position(), ep, 0, n);

            Gradient ret = new DefaultGradient();
            INDArray dGammaView = gradientViews.get(BatchNormalizationParamInitializer.GAMMA);
            INDArray dBetaView = gradientViews.get(BatchNormalizationParamInitializer.BETA);
            dGammaView.assign(Nd4j.createFromArray(dGamma).reshape(dGammaView.shape()));
            dBetaView.assign(Nd4j.createFromArray(dBeta).reshape(dBetaView.shape()));
            ret.setGradientFor(BatchNormalizationParamInitializer.GAMMA, dGammaView);
            ret.setGradientFor(BatchNormalizationParamInitializer.BETA, dBetaView);
            // the running statistics: the amounts DL4J's no-op updater subtracts from them
            double decay = layerConf().getDecay();
            float[] globalMean = getParam(BatchNormalizationParamInitializer.GLOBAL_MEAN).toFloatVector();
            float[] dMean = new float[c];
            for (int k = 0; k < c; k++) {
                dMean[k] = (float) ((globalMean[k] - stats[0][k]) * (1 - decay));
            }
            INDArray dMeanView = gradientViews.get(BatchNormalizationParamInitializer.GLOBAL_MEAN);
            dMeanView.assign(Nd4j.createFromArray(dMean).reshape(dMeanView.shape()));
            ret.setGradientFor(BatchNormalizationParamInitializer.GLOBAL_MEAN, dMeanView);
            String key = layerConf().isUseLogStd() ? BatchNormalizationParamInitializer.GLOBAL_LOG_STD
                    : BatchNormalizationParamInitializer.GLOBAL_VAR;
            float[] global = getParam(key).toFloatVector();
            float[] dStat = new float[c];
            for (int k = 0; k < c; k++) {
                if (layerConf().isUseLogStd()) {
                    double std = Math.pow(10.0, global[k]);
                    double vari = std * std;
                    double varNext = vari * decay + stats[1][k] * (1 - decay);
                    dStat[k] = (float) (Math.log(vari / varNext) * ONE_ON_2LN10);
                } else {
                    dStat[k] = (float) ((global[k] - stats[1][k]) * (1 - decay));
                }
            }
            INDArray dStatView = gradientViews.get(key);
            dStatView.assign(Nd4j.createFromArray(dStat).reshape(dStatView.shape()));
            ret.setGradientFor(key, dStatView);
            fastBackwards++;
            return new Pair<>(ret, next);
        }
    }
}
