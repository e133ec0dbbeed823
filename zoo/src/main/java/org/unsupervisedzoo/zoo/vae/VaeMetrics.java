package org.unsupervisedzoo.zoo.vae;

import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.unsupervisedzoo.zoo.autoencoder.Autoencoders;

/**
 * The measures of a trained {@link VAE}, in nats per example:
 * <ul>
 *   <li>the ELBO, with its reconstruction term {@code E_q[-log p(x|z)]} and its KL term reported separately
 *       (one latent sample per example; the KL in closed form);</li>
 *   <li>the importance-weighted bound with k samples (Burda et al. 2016),
 *       {@code log p(x) >= log (1/k) sum_i p(x|z_i) p(z_i) / q(z_i|x)}, {@code z_i ~ q(z|x)}: k = 1 is an ELBO
 *       estimate, and it rises towards {@code log p(x)} as k grows (k = 5000 is the literature's test
 *       log-likelihood). It runs the encoder once per example and the decoder on chunks of samples, with a
 *       streaming log-sum-exp, so memory stays bounded for any k;</li>
 *   <li>per-example anomaly scores: the negative ELBO, and the reconstruction log-probability at {@code z = mu}.</li>
 * </ul>
 * Every random draw comes from the generator passed in, so results are reproducible.
 */
public final class VaeMetrics {
    private static final double LOG_2PI = Math.log(2 * Math.PI);
    private static final double EPS = 1e-7;

    private VaeMetrics() {
    }

    /** Mean reconstruction term, KL term and their sum (-ELBO), nats per example. */
    public static final class Elbo {
        public final double reconstruction;
        public final double kl;
        public final long examples;

        Elbo(double reconstruction, double kl, long examples) {
            this.reconstruction = reconstruction;
            this.kl = kl;
            this.examples = examples;
        }

        /** {@code -ELBO = reconstruction + kl} (with the model's beta = 1 this is the bound on -log p(x)). */
        public double negativeElbo() {
            return reconstruction + kl;
        }
    }

    /** {@code log p(x|decoded)} per example ({@code [n]}), from the decoder's output for the model's likelihood. */
    public static INDArray logLikelihood(VAE vae, INDArray x, INDArray decoderOut) {
        switch (vae.likelihood()) {
            case BERNOULLI: {
                INDArray p = Transforms.min(Transforms.max(decoderOut, EPS, true), 1 - EPS, false);
                INDArray ll = x.mul(Transforms.log(p, true)).addi(x.rsub(1.0).muli(Transforms.log(p.rsubi(1.0), false)));
                return ll.sum(1);
            }
            case GAUSSIAN_FIXED: {
                double var = vae.fixedVariance();
                INDArray sq = x.sub(decoderOut);
                return sq.muli(sq).divi(var).addi(Math.log(2 * Math.PI * var)).sum(1).muli(-0.5);
            }
            default: {
                long d = x.size(1);
                INDArray mean = decoderOut.get(NDArrayIndex.all(), NDArrayIndex.interval(0, d));
                INDArray logvar = decoderOut.get(NDArrayIndex.all(), NDArrayIndex.interval(d, 2 * d));
                INDArray sq = x.sub(mean);
                sq.muli(sq).muli(Transforms.exp(logvar.neg(), false));
                return sq.addi(logvar).addi(LOG_2PI).sum(1).muli(-0.5);
            }
        }
    }

    /** The closed-form KL per example ({@code [n]}) from the encoder's {@code [mu | logvar]}. */
    public static INDArray kl(INDArray zParams, int latentSize) {
        INDArray mu = zParams.get(NDArrayIndex.all(), NDArrayIndex.interval(0, latentSize));
        INDArray logvar = zParams.get(NDArrayIndex.all(), NDArrayIndex.interval(latentSize, 2 * latentSize));
        return mu.mul(mu).addi(Transforms.exp(logvar, true)).subi(1.0).subi(logvar).sum(1).muli(0.5);
    }

    /** The layer whose activations the likelihood needs: the Gaussian-learned decoder's [mean | logvar]. */
    private static INDArray decoderOutput(VAE vae, Map<String, INDArray> acts, INDArray output) {
        return vae.likelihood() == VAE.Likelihood.GAUSSIAN_LEARNED ? acts.get(VAE.DECODER_OUT) : output;
    }

    /** Per example: {@code [-ELBO, reconstruction term, KL]}, each {@code [n]}, with one sample from {@code rng}. */
    public static INDArray[] negativeElboPerExample(VAE vae, ComputationGraph graph, INDArray x, Random rng) {
        INDArray eps = Nd4j.randn(new long[] {x.size(0), vae.latentSize()}, rng).castTo(x.dataType());
        Map<String, INDArray> acts = graph.feedForward(new INDArray[] {x, eps}, false);
        INDArray recon = logLikelihood(vae, x, decoderOutput(vae, acts, acts.get(Autoencoders.RECONSTRUCTION))).neg();
        INDArray kl = kl(acts.get(VAE.Z_PARAMS), vae.latentSize());
        return new INDArray[] {recon.add(kl), recon, kl};
    }

    /** Anomaly score: {@code log p(x | z = mu)} per example (low for inputs unlike the training data). */
    public static INDArray reconstructionLogProbability(VAE vae, ComputationGraph graph, INDArray x) {
        Map<String, INDArray> acts = graph.feedForward(new INDArray[] {x, vae.zeroNoise(x.size(0))}, false);
        return logLikelihood(vae, x, decoderOutput(vae, acts, acts.get(Autoencoders.RECONSTRUCTION)));
    }

    /** Mean reconstruction and KL terms over an iterator of inputs (reset before and after). */
    public static Elbo elbo(VAE vae, ComputationGraph graph, DataSetIterator data, Random rng) {
        data.reset();
        double recon = 0;
        double kl = 0;
        long n = 0;
        while (data.hasNext()) {
            INDArray x = data.next().getFeatures();
            INDArray[] parts = negativeElboPerExample(vae, graph, x, rng);
            recon += parts[1].sumNumber().doubleValue();
            kl += parts[2].sumNumber().doubleValue();
            n += x.size(0);
        }
        data.reset();
        return new Elbo(recon / n, kl / n, n);
    }

    /**
     * Mean negative importance-weighted bound, {@code -log p(x)} estimated with {@code k} samples, nats per
     * example, over an iterator of inputs (reset before and after).
     *
     * @param decoder   {@link VAE#decoderGraph} of the trained graph
     * @param chunk     samples decoded at once per example (memory: {@code batch * chunk * inputSize} values)
     */
    public static double importanceWeightedNll(VAE vae, ComputationGraph graph, ComputationGraph decoder,
                                               DataSetIterator data, int k, int chunk, Random rng) {
        if (k <= 0 || chunk <= 0) {
            throw new IllegalArgumentException("k and chunk must be positive, got " + k + ", " + chunk);
        }
        data.reset();
        double total = 0;
        long n = 0;
        while (data.hasNext()) {
            DataSet ds = data.next();
            total += importanceWeightedLogLikelihood(vae, graph, decoder, ds.getFeatures(), k, chunk, rng)
                    .sumNumber().doubleValue();
            n += ds.getFeatures().size(0);
        }
        data.reset();
        return -total / n;
    }

    /**
     * {@code log p(x_i|z_is)} for {@code c} latent rows per example ({@code z}: {@code [n * c, latent]},
     * example-major; {@code x}: {@code [n, D]}), returned as {@code [n * c]}. For the Bernoulli decoder it works
     * from the output layer's logits {@code a}: {@code sum_d x_d a_d - softplus(a_d)}, exact, with the dense
     * decoder layers applied directly (no graph bookkeeping, no sigmoid pass) and x broadcast over the samples
     * rather than copied.
     */
    static INDArray decodedLogLikelihood(VAE vae, ComputationGraph decoder, INDArray z, INDArray x, int c) {
        long n = x.size(0);
        long d = x.size(1);
        boolean dense = decoder.getParam(Autoencoders.RECONSTRUCTION + "_W") != null;
        switch (dense ? vae.likelihood() : VAE.Likelihood.GAUSSIAN_FIXED) {
            case BERNOULLI: {
                INDArray h = z;
                for (String name : decoder.getConfiguration().getTopologicalOrderStr()) {
                    org.deeplearning4j.nn.api.Layer layer = decoder.getLayer(name);
                    if (layer == null || name.equals(Autoencoders.RECONSTRUCTION)) {
                        continue;
                    }
                    org.deeplearning4j.nn.conf.layers.BaseLayer conf =
                            (org.deeplearning4j.nn.conf.layers.BaseLayer) layer.conf().getLayer();
                    h = conf.getActivationFn().getActivation(
                            h.mmul(layer.getParam("W")).addiRowVector(layer.getParam("b")), false);
                }
                INDArray logits = h.mmul(decoder.getParam(Autoencoders.RECONSTRUCTION + "_W"))
                        .addiRowVector(decoder.getParam(Autoencoders.RECONSTRUCTION + "_b"));
                INDArray xa = logits.reshape(n, c, d).mul(x.reshape(n, 1, d)).sum(2).reshape(n * c);
                return xa.subi(Transforms.softPlus(logits, false).sum(1));
            }
            default:
                // the general path (Gaussian decoders, convolutional decoders): the graph's own forward pass
                return logLikelihood(vae, x.repeat(0, c), vae.likelihood() == VAE.Likelihood.GAUSSIAN_LEARNED
                        ? decoder.feedForward(z, false).get(VAE.DECODER_OUT) : decoder.outputSingle(false, z));
        }
    }

    /** The k-sample importance-weighted bound on {@code log p(x)} per example, {@code [n]}. */
    public static INDArray importanceWeightedLogLikelihood(VAE vae, ComputationGraph graph, ComputationGraph decoder,
                                                           INDArray x, int k, int chunk, Random rng) {
        return importanceWeightedLogLikelihood(vae, graph, decoder, x, k, chunk,
                (n, c, done, l) -> Nd4j.randn(new long[] {n * c, l}, rng));
    }

    /** The noise of one chunk: samples {@code done .. done + c - 1} of each of {@code n} examples, {@code [n * c, l]}. */
    @FunctionalInterface
    interface ChunkNoise {
        /** Rows example-major: row {@code i * c + s} is sample {@code done + s} of example {@code i}. */
        INDArray draw(long n, int c, int done, int l);
    }

    /** As the public method, with the noise of each chunk from {@code noise} (tests give every chunking the same). */
    static INDArray importanceWeightedLogLikelihood(VAE vae, ComputationGraph graph, ComputationGraph decoder,
                                                    INDArray x, int k, int chunk, ChunkNoise noise) {
        int l = vae.latentSize();
        long n = x.size(0);
        INDArray zParams = graph.feedForward(new INDArray[] {x, vae.zeroNoise(n)}, false).get(VAE.Z_PARAMS);
        INDArray mu = zParams.get(NDArrayIndex.all(), NDArrayIndex.interval(0, l));
        INDArray logvar = zParams.get(NDArrayIndex.all(), NDArrayIndex.interval(l, 2 * l));
        INDArray sigma = Transforms.exp(logvar.mul(0.5), false);
        // streaming log-sum-exp over samples, per example
        double[] max = new double[(int) n];
        double[] sum = new double[(int) n];
        java.util.Arrays.fill(max, Double.NEGATIVE_INFINITY);
        INDArray logvarSum = logvar.sum(1);
        // on the dense Bernoulli path every chunk's arrays live in one reused workspace: without it, off-heap memory
        // grew until the kernel killed the JVM (24 GB at k = 5000 on 1,000 digits). DL4J refuses to run a graph
        // inside a foreign workspace, so the general path (Gaussian or convolutional decoders) allocates normally.
        boolean fast = vae.likelihood() == VAE.Likelihood.BERNOULLI
                && decoder.getParam(Autoencoders.RECONSTRUCTION + "_W") != null;
        WorkspaceConfiguration wsConf = WorkspaceConfiguration.builder()
                .policyAllocation(AllocationPolicy.OVERALLOCATE).policyLearning(LearningPolicy.FIRST_LOOP).build();
        for (int done = 0; done < k; done += chunk) {
            int c = Math.min(chunk, k - done);
            double[] w;
            try (MemoryWorkspace ws = fast ? Nd4j.getWorkspaceManager().getAndActivateWorkspace(wsConf, "VAE_IWAE")
                    : Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                INDArray eps = noise.draw(n, c, done, l).castTo(x.dataType()); // rows: example-major
                INDArray z = eps.mul(sigma.repeat(0, c)).addi(mu.repeat(0, c));
                INDArray logPxz = decodedLogLikelihood(vae, decoder, z, x, c);
                // log p(z) - log q(z|x) = -1/2 |z|^2 + 1/2 |eps|^2 + 1/2 sum logvar (the 2 pi terms cancel)
                INDArray logW = logPxz.addi(z.mul(z).sum(1).muli(-0.5)).addi(eps.mul(eps).sum(1).muli(0.5))
                        .addi(logvarSum.repeat(0, c).reshape(n * c).muli(0.5));
                w = logW.castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).toDoubleVector();
            }
            for (int i = 0; i < n; i++) {
                for (int s = 0; s < c; s++) {
                    double v = w[i * c + s];
                    if (v > max[i]) {
                        sum[i] = sum[i] * Math.exp(max[i] - v) + 1;
                        max[i] = v;
                    } else {
                        sum[i] += Math.exp(v - max[i]);
                    }
                }
            }
        }
        double[] out = new double[(int) n];
        for (int i = 0; i < n; i++) {
            out[i] = max[i] + Math.log(sum[i]) - Math.log(k);
        }
        return Nd4j.createFromArray(out);
    }
}
