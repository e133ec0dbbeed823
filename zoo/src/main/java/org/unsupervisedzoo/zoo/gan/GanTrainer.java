package org.unsupervisedzoo.zoo.gan;

import org.unsupervisedzoo.zoo.core.AtomicFiles;
import org.unsupervisedzoo.zoo.core.DivergenceGuard;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Properties;
import java.util.Random;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.unsupervisedzoo.zoo.core.Checks;

/**
 * The adversarial training loop of a {@link GanFactory}: alternating discriminator and generator steps on three
 * graphs that hold one model.
 *
 * <p><b>Freezing D while G learns.</b> G is trained through the combined graph ({@link GanFactory#conf()}), in
 * which every D layer is a DL4J {@code FrozenLayerWithBackprop}: the error flows back through D into G, and D's
 * gradient there is zeroed. (DL4J still allocates Adam moments for the frozen layers in that graph; fed only zero
 * gradients they stay exactly zero and so does their update, which the tests check.) D is trained in its own graph,
 * with its own Adam moments, which a G step never touches. After each step the parameters that changed are copied by layer name into
 * the other graph ({@link #copyParameters}): D's after a D step into the combined graph, G's after a G step into
 * the standalone generator. Setting D's learning rate to zero instead would still advance its Adam moments and
 * iteration count (and apply any weight decay), so D's optimizer state would drift while it is "frozen".
 *
 * <p><b>One training round</b> ({@code dSteps} D steps, then {@code gSteps} G steps):
 * <ul>
 *   <li>D step: a real minibatch x (scaled from [0, 1] to [-1, 1]) and as many fakes G(z) (G in training mode,
 *       no update) in one batch; targets {@code realLabel} (1, or 0.9 with one-sided label smoothing) and 0;
 *       D minimises the binary cross-entropy.</li>
 *   <li>G step: fresh z, target 1 through the frozen D: G minimises the non-saturating {@code -log D(G(z))}.</li>
 *   <li>With D's auxiliary classifier ({@link GanBuilder#auxiliaryClassifier}), D's second output is also fitted
 *       to the labels of both halves, and G's step to the labels it was asked for.</li>
 * </ul>
 * Noise, fake labels and the data order are drawn from {@code java.util.Random} seeded by (seed, step) and (seed,
 * epoch), so a run resumed from a checkpoint ({@link #save}, {@link #restore}) takes exactly the steps the
 * uninterrupted run would have taken. An epoch uses full minibatches only (the last partial one is skipped).
 *
 * <p>Per-step measures: D(x) and D(G(z)) are the mean outputs of D on the step's real and fake halves before the
 * update (on the noisy images when instance noise is on); {@code lossD = L(real) + L(fake)} (each a mean binary
 * cross-entropy, as PyTorch's DCGAN example prints it), {@code lossG = -mean log D(G(z))}.
 *
 * <p><b>Stability features</b>, each optional:
 * <ul>
 *   <li>One-sided label smoothing ({@link Builder#realLabel}, e.g. 0.9; Salimans et al. 2016).</li>
 *   <li>An exponential moving average of G's weights for sampling ({@link Builder#emaDecay}, e.g. 0.999; Yazici et
 *       al. 2019): a second generator whose parameters (batch-norm running mean and variance included, averaged
 *       like the weights rather than copied from the live G, whose statistics belong to other weights) follow
 *       {@code ema = d_t ema + (1 - d_t) theta} after every G step, with the warm-up {@code d_t = min(d, (1 + t) /
 *       (10 + t))}. {@link #generate}, {@link #sample}, {@link #sampleClass}, {@link #fixedSamples} (so the per-epoch
 *       grid and judged samples) use it; G trains unchanged ({@link #generator} is the live G, {@link
 *       #samplingGenerator} the one to save for sampling). Checkpoints hold it ({@code generator-ema.zip}).</li>
 *   <li>Instance noise ({@link Builder#instanceNoise}, {@link Builder#instanceNoiseSteps}; Sonderby et al. 2016,
 *       Arjovsky and Bottou 2017): Gaussian noise of standard deviation {@code sigma_t = sigma0 max(0, 1 - t/T)}
 *       added to every image D sees, real and fake in a D step and G(z) in a G step, so that the two distributions
 *       overlap early in training. In the G step the noise is an extra input of the combined graph ({@link
 *       GanFactory#conf(boolean) conf(true)}), added to G's image by an element-wise vertex: the sum passes the
 *       error unchanged, so G's gradient is D's at the noisy image, as in the D step. Draws come from their own
 *       seeded streams ((seed, D step) and (seed, G step)), so resuming stays exact.</li>
 *   <li>A per-epoch sample grid from fixed noise ({@link #fixedNoise}, {@link #fixedSamples}).</li>
 * </ul>
 * Not offered: the R1 gradient penalty {@code gamma/2 E||grad_x D(x)||^2}, whose gradient needs a second backward
 * pass through D's input gradient; DL4J's stock layers compute their backward pass by hand and cannot differentiate
 * it, so instance noise, which smooths D in a similar way with additive noise only, is the regulariser offered.
 *
 * <p><b>The defaults</b> use none of them but the sample grid (realLabel 1, emaDecay 0, instanceNoise 0): the
 * published DCGAN recipe (Radford et al.) and this zoo's measured figures were made without them, and with them off
 * the training steps, checkpoints and samples are exactly those of the trainer before they were added (tested).
 * EMA changes what is sampled and saved, not how G trains; it is the first to try for smoother samples.
 */
public final class GanTrainer {
    /**
     * Catches the sums of {@code sigmoid(logit)} over the real and the fake rows of D's minibatch (or of the part of it
     * one data-parallel worker sees) from the activations of {@code fit}'s forward pass ({@code onForwardPass} gets
     * every layer's activation; the output layer's input, the logit, is among them).
     */
    private static final class LogitMeans extends org.deeplearning4j.optimize.api.BaseTrainingListener {
        /** Rows of the part expected, and how many of them (its first) are real; -1: not armed. */
        private long rows = -1;
        private long realRows;
        private double sumReal = Double.NaN;
        private double sumFake = Double.NaN;

        void reset(long rows, long realRows) {
            this.rows = rows;
            this.realRows = realRows;
            sumReal = Double.NaN;
            sumFake = Double.NaN;
        }

        @Override
        public void onForwardPass(org.deeplearning4j.nn.api.Model model, java.util.Map<String, INDArray> activations) {
            INDArray logit = activations.get(Gan.LOGIT);
            if (logit == null || rows <= 0 || logit.size(0) != rows) {
                return;
            }
            INDArray p = org.nd4j.linalg.ops.transforms.Transforms.sigmoid(logit, true);
            sumReal = realRows == 0 ? 0 : p.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, realRows))
                    .sumNumber().doubleValue();
            sumFake = realRows == rows ? 0 : p.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(realRows, rows))
                    .sumNumber().doubleValue();
            rows = -1;
        }
    }

    private final LogitMeans logits = new LogitMeans();
    /** D's step as a caller replaced it ({@link #discriminatorFit}); null: {@code fit}. Not part of the state. */
    private org.unsupervisedzoo.zoo.core.MinibatchFit dFit;
    /** The logit catcher of each graph D's step runs on: D's own ({@link #logits}) first, then its copies'. */
    private LogitMeans[] partLogits = {logits};

    /** Step buffers (see discriminatorInput); not part of the trainer's state. */
    private INDArray dInput;
    private INDArray dTarget;
    private INDArray generatorTarget;
    private final ComputationGraph generator;
    private final ComputationGraph discriminator;
    private final ComputationGraph combined;
    private final int noiseSize;
    private final int numClasses;
    private final int batchSize;
    private final int dSteps;
    private final int gSteps;
    /** D has the auxiliary classifier's output (so has the combined graph): both steps fit the labels too. */
    private final boolean auxiliary;
    private final double realLabel;
    private final long seed;
    private final int fixedSamples;
    /** The EMA copy of G ({@link Builder#emaDecay}); null when off. */
    private final ComputationGraph emaGenerator;
    private final double emaDecay;
    private final double instanceNoise;
    private final int instanceNoiseSteps;
    /** One generated image's shape, without the batch dimension (the G step's instance noise). */
    private final long[] imageShape;
    /** The G step's image-noise input when the noise level has reached 0 (zeros); not part of the state. */
    private INDArray zeroImageNoise;
    private java.util.function.BiConsumer<Integer, Integer> progress;
    /** Stops {@link #fitEpoch} at the first non-finite loss or parameter, before the caller can save the model. */
    private final DivergenceGuard divergence = new DivergenceGuard(
            "the last saved checkpoint, if any, is unchanged; try a lower learning rate (--lr)");
    private int epoch;
    private long dStepCount;
    private long gStepCount;

    private GanTrainer(ComputationGraph generator, ComputationGraph discriminator, ComputationGraph combined,
                       ComputationGraph emaGenerator, Properties p) {
        this.generator = generator;
        this.emaGenerator = emaGenerator;
        this.discriminator = discriminator;
        this.combined = combined;
        this.auxiliary = discriminator.getConfiguration().getNetworkOutputs().contains(Gan.CLASS_SCORE);
        this.noiseSize = Integer.parseInt(p.getProperty("noiseSize"));
        this.numClasses = Integer.parseInt(p.getProperty("numClasses"));
        this.batchSize = Integer.parseInt(p.getProperty("batchSize"));
        this.dSteps = Integer.parseInt(p.getProperty("dSteps"));
        this.gSteps = Integer.parseInt(p.getProperty("gSteps"));
        this.realLabel = Double.parseDouble(p.getProperty("realLabel"));
        this.seed = Long.parseLong(p.getProperty("seed"));
        this.fixedSamples = Integer.parseInt(p.getProperty("fixedSamples"));
        this.epoch = Integer.parseInt(p.getProperty("epoch", "0"));
        this.dStepCount = Long.parseLong(p.getProperty("dStepCount", "0"));
        this.gStepCount = Long.parseLong(p.getProperty("gStepCount", "0"));
        // absent from checkpoints written before these settings existed: off
        this.emaDecay = Double.parseDouble(p.getProperty("emaDecay", "0"));
        this.instanceNoise = Double.parseDouble(p.getProperty("instanceNoise", "0"));
        this.instanceNoiseSteps = Integer.parseInt(p.getProperty("instanceNoiseSteps",
                Integer.toString(Builder.DEFAULT_INSTANCE_NOISE_STEPS)));
        this.imageShape = p.getProperty("imageShape", "").isEmpty() ? new long[0]
                : Arrays.stream(p.getProperty("imageShape").split(",")).mapToLong(Long::parseLong).toArray();
        if ((emaDecay > 0) != (emaGenerator != null)) {
            throw new IllegalStateException("emaDecay " + emaDecay + (emaGenerator == null
                    ? " needs the EMA generator (generator-ema.zip in a checkpoint)" : " (off) with an EMA generator"));
        }
        if (instanceNoise > 0 && !combined.getConfiguration().getNetworkInputs().contains(Gan.IMAGE_NOISE)) {
            throw new IllegalStateException("instanceNoise " + instanceNoise + " needs a combined graph with the input "
                    + Gan.IMAGE_NOISE + " (GanFactory.conf(true))");
        }
    }

    public static Builder builder(GanFactory gan) {
        return new Builder(gan);
    }

    // ------------------------------------------------------------------------------------------------ training

    /** Measures of one epoch: means over its steps. */
    public static final class EpochStats {
        public final int epoch;
        public final double dReal;
        public final double dFake;
        public final double lossD;
        public final double lossG;
        public final long realExamples;
        public final double seconds;

        EpochStats(int epoch, double dReal, double dFake, double lossD, double lossG, long realExamples,
                   double seconds) {
            this.epoch = epoch;
            this.dReal = dReal;
            this.dFake = dFake;
            this.lossD = lossD;
            this.lossG = lossG;
            this.realExamples = realExamples;
            this.seconds = seconds;
        }

        public double examplesPerSecond() {
            return realExamples / seconds;
        }
    }

    /** What one D step saw: D(x), D(G(z)) (means before the update) and lossD. */
    public static final class DStep {
        public final double dReal;
        public final double dFake;
        public final double lossD;

        DStep(double dReal, double dFake, double lossD) {
            this.dReal = dReal;
            this.dFake = dFake;
            this.lossD = lossD;
        }
    }

    /**
     * One epoch over {@code images} ({@code [n, ...]} in [0, 1], any shape with n rows of the image size) and, for a
     * conditional GAN, their one-hot {@code labels} {@code [n, numClasses]} (null otherwise).
     *
     * @throws org.unsupervisedzoo.zoo.core.TrainingDiverged at the first non-finite loss_d or loss_g (checked after
     *     every step) or parameter (after the epoch), naming the epoch and step; the epoch is then not counted
     */
    public EpochStats fitEpoch(INDArray images, INDArray labels) {
        checkData(images, labels);
        long t0 = System.nanoTime();
        int n = (int) images.size(0);
        INDArray flat = images.reshape(n, images.length() / n);
        int[] order = permutation(n, rng(2, epoch));
        int batches = n / batchSize;
        double sumReal = 0;
        double sumFake = 0;
        double sumLossD = 0;
        double sumLossG = 0;
        int gCount = 0;
        divergence.startEpoch(epoch + 1);
        for (int bIdx = 0; bIdx < batches; bIdx++) {
            int[] rows = Arrays.copyOfRange(order, bIdx * batchSize, (bIdx + 1) * batchSize);
            INDArray x = flat.getRows(rows);
            INDArray y = labels == null ? null : labels.getRows(rows);
            DStep d = discriminatorStep(x, y);
            divergence.step("loss_d", d.lossD);
            sumReal += d.dReal;
            sumFake += d.dFake;
            sumLossD += d.lossD;
            if (dStepCount % dSteps == 0) {
                for (int k = 0; k < gSteps; k++) {
                    double lossG = generatorStep(batchSize);
                    divergence.check("loss_g", lossG);
                    sumLossG += lossG;
                    gCount++;
                }
            }
            if (progress != null) {
                progress.accept(bIdx + 1, batches);
            }
        }
        divergence.checkParams("generator parameters", generator.params());
        divergence.checkParams("discriminator parameters", discriminator.params());
        epoch++;
        double seconds = (System.nanoTime() - t0) / 1e9;
        return new EpochStats(epoch, sumReal / batches, sumFake / batches, sumLossD / batches,
                gCount == 0 ? Double.NaN : sumLossG / gCount, (long) batches * batchSize, seconds);
    }

    /** One D step on a real minibatch (pixels in [0, 1]) and as many fakes; updates D only. */
    public DStep discriminatorStep(INDArray real, INDArray realLabels) {
        int b = (int) real.size(0);
        Random r = rng(0, dStepCount);
        INDArray z = gaussian(r, b, noiseSize);
        INDArray fakeLabels = numClasses > 0 ? randomLabels(r, b) : null;
        INDArray fake = numClasses > 0 ? generator.output(true, z, fakeLabels)[0] : generator.output(true, z)[0];
        if (real.length() != fake.length()) {
            throw new IllegalArgumentException("real images " + Arrays.toString(real.shape()) + " do not hold " + b
                    + " images of the generator's shape " + Arrays.toString(Arrays.copyOfRange(fake.shape(), 1,
                    fake.rank())));
        }
        INDArray x = discriminatorInput(real, fake);
        double sigma = instanceNoiseSigma(dStepCount);
        if (sigma > 0) { // instance noise on real and fake alike, from its own stream (none drawn when off)
            x.addi(gaussian(rng(6, dStepCount), (int) x.size(0), (int) (x.length() / x.size(0))).reshape(x.shape())
                    .muli(sigma));
        }
        INDArray target = discriminatorTarget(b, x.dataType());
        INDArray[] in = numClasses > 0 ? new INDArray[] {x, Nd4j.concat(0, realLabels.castTo(x.dataType()),
                fakeLabels)} : new INDArray[] {x};
        // with the auxiliary classifier, D's second output learns the class of every image it sees
        INDArray[] targets = auxiliary ? new INDArray[] {target, in[1]} : new INDArray[] {target};
        // D(x) and D(G(z)) from the logits of fit's own forward pass (D has no dropout or batch statistics, so
        // they are its inference outputs before the update), caught by a listener: no second forward pass
        double dReal;
        double dFake;
        MultiDataSet batch = new MultiDataSet(in, targets);
        if (discriminator.getConfiguration().getVertices().containsKey(Gan.LOGIT)) {
            if (discriminator.getListeners() == null || !discriminator.getListeners().contains(logits)) {
                discriminator.addListeners(logits); // (a user's setListeners replaced it)
            }
            // each worker's part of the 2b rows (reals first) and how many of its rows are real
            long[] start = dFit == null ? new long[] {0, 2L * b} : dFit.split(2L * b);
            int parts = start.length - 1;
            for (int k = 0; k < parts; k++) {
                partLogits[k].reset(start[k + 1] - start[k], Math.max(0, Math.min(b, start[k + 1]) - start[k]));
            }
            fitDiscriminator(batch);
            double sumReal = 0;
            double sumFake = 0;
            for (int k = 0; k < parts; k++) {
                sumReal += partLogits[k].sumReal;
                sumFake += partLogits[k].sumFake;
            }
            dReal = sumReal / b;
            dFake = sumFake / b;
        } else { // a factory of one's own without a "logit" vertex: D's outputs from a separate pass
            INDArray out = discriminator.output(false, in)[0];
            dReal = out.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, b)).meanNumber().doubleValue();
            dFake = out.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(b, 2 * b)).meanNumber().doubleValue();
            fitDiscriminator(batch);
        }
        // mean over 2b examples -> L(real) + L(fake) (plus the class cross-entropy's, with the auxiliary classifier)
        double lossD = 2 * discriminator.score();
        copyParameters(discriminator, combined);
        dStepCount++;
        return new DStep(dReal, dFake, lossD);
    }

    private void fitDiscriminator(MultiDataSet batch) {
        if (dFit != null) {
            dFit.fit(batch);
        } else {
            discriminator.fit(batch);
        }
    }

    /**
     * Replaces D's step from now on: {@code fit} (null, the default) or a {@link org.unsupervisedzoo.zoo.core.MinibatchFit}
     * of D, such as the speed layer's {@code new DataParallel(trainer.discriminator(), 2, seed)} (synchronous: D's
     * minibatch of real and fake images split by rows, one core each, the parts' gradients added and one step of D's
     * updater; the same step as {@code fit} up to the order of floating-point sums; it refuses a D with batch
     * normalisation). G's step stays {@code fit}: G's batch normalisation computes statistics of the whole minibatch.
     * Not part of the trainer's state: a resumed run may use another. The trainer closes the one it replaces.
     *
     * @throws IllegalArgumentException if {@code fit}'s worker 0 is not this trainer's D
     */
    public GanTrainer discriminatorFit(org.unsupervisedzoo.zoo.core.MinibatchFit fit) {
        if (fit != null && fit.worker(0) != discriminator) {
            throw new IllegalArgumentException("discriminatorFit must train this trainer's discriminator()"
                    + " (its worker 0 is another graph)");
        }
        if (fit == dFit) {
            return this; // already D's step: its workers have their catchers
        }
        if (dFit != null) {
            dFit.close();
        }
        dFit = fit;
        partLogits = new LogitMeans[fit == null ? 1 : fit.workers()];
        partLogits[0] = logits;
        for (int k = 1; k < partLogits.length; k++) {
            partLogits[k] = new LogitMeans();
            fit.worker(k).addListeners(partLogits[k]);
        }
        return this;
    }

    /** Graphs D's step runs on ({@link #discriminatorFit}): 1 with {@code fit}. */
    public int discriminatorWorkers() {
        return dFit == null ? 1 : dFit.workers();
    }

    /** One G step of {@code b} fresh samples through the frozen D; updates G only. Returns lossG. */
    public double generatorStep(int b) {
        Random r = rng(1, gStepCount);
        INDArray z = gaussian(r, b, noiseSize);
        INDArray[] in = numClasses > 0 ? new INDArray[] {z, randomLabels(r, b)} : new INDArray[] {z};
        if (instanceNoise > 0) { // the combined graph's last input, added to G(z) before D
            in = Arrays.copyOf(in, in.length + 1);
            in[in.length - 1] = generatorImageNoise(b, z.dataType());
        }
        if (generatorTarget == null || generatorTarget.size(0) != b || generatorTarget.dataType() != z.dataType()) {
            try (org.nd4j.linalg.api.memory.MemoryWorkspace ignored =
                         Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                generatorTarget = Nd4j.ones(z.dataType(), b, 1);
            }
        }
        // with the auxiliary classifier G also minimises D's class cross-entropy for the labels it was asked
        combined.fit(new MultiDataSet(in, auxiliary ? new INDArray[] {generatorTarget, in[1]}
                : new INDArray[] {generatorTarget}));
        double lossG = combined.score();
        copyParameters(combined, generator);
        if (emaGenerator != null) {
            double d = emaDecay(gStepCount);
            INDArray ema = emaGenerator.params();
            ema.muli(d).addi(generator.params().mul(1 - d));
        }
        gStepCount++;
        return lossG;
    }

    /**
     * The decay of the EMA update after G step {@code t} (0-based): {@code min(emaDecay, (1 + t) / (10 + t))}, the
     * warm-up of TensorFlow's {@code ExponentialMovingAverage(num_updates)}, so that the average forgets G's random
     * initialisation within the first steps instead of over about {@code 1 / (1 - emaDecay)} of them. 0 when off.
     */
    public double emaDecay(long t) {
        return Math.min(emaDecay, (1.0 + t) / (10.0 + t));
    }

    /**
     * The instance noise's standard deviation at D step {@code t} (0-based): {@code instanceNoise * max(0, 1 - t /
     * instanceNoiseSteps)}, in D's pixel units ([-1, 1]); 0 from step {@code instanceNoiseSteps} on, and when off.
     */
    public double instanceNoiseSigma(long t) {
        return instanceNoise <= 0 ? 0 : instanceNoise * Math.max(0, 1 - (double) t / instanceNoiseSteps);
    }

    /**
     * The G step's noise on G(z): the level of the round's last D step ({@code dStepCount - 1}), drawn from the G
     * step's own stream; zeros once the level is 0 (G(z) + 0 is G(z) exactly).
     */
    private INDArray generatorImageNoise(int b, DataType type) {
        double sigma = instanceNoiseSigma(Math.max(0, dStepCount - 1));
        long[] shape = new long[imageShape.length + 1];
        shape[0] = b;
        System.arraycopy(imageShape, 0, shape, 1, imageShape.length);
        if (sigma > 0) {
            return gaussian(rng(7, gStepCount), b, (int) (Arrays.stream(imageShape).reduce(1, (u, v) -> u * v)))
                    .reshape(shape).muli(sigma);
        }
        if (zeroImageNoise == null || !Arrays.equals(zeroImageNoise.shape(), shape)
                || zeroImageNoise.dataType() != type) {
            try (org.nd4j.linalg.api.memory.MemoryWorkspace ignored =
                         Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                zeroImageNoise = Nd4j.zeros(type, shape);
            }
        }
        return zeroImageNoise;
    }

    /**
     * The documented copy step: for every layer of {@code from} that has parameters, assigns them to the layer of
     * the same name in {@code to} (if it has one; frozen wrappers included). Exact (an element-wise assign).
     */
    public static void copyParameters(ComputationGraph from, ComputationGraph to) {
        org.unsupervisedzoo.zoo.core.GraphParameters.copyByName(from, to);
    }

    /** Called after each minibatch of {@link #fitEpoch} with (minibatches done, minibatches in the epoch). */
    public void setProgress(java.util.function.BiConsumer<Integer, Integer> progress) {
        this.progress = progress;
    }

    // ------------------------------------------------------------------------------------------------ sampling

    /**
     * G(z, y) mapped to [0, 1], in inference mode: the EMA generator's when {@link Builder#emaDecay} is on, else the
     * live G's ({@link #samplingGenerator}). {@code labels} is null for an unconditional GAN.
     */
    public INDArray generate(INDArray noise, INDArray labels) {
        ComputationGraph s = samplingGenerator();
        INDArray g = numClasses > 0 ? s.output(false, noise, labels)[0] : s.output(false, noise)[0];
        return g.add(1).muli(0.5);
    }

    /** {@code n} fresh samples from the stream {@code stream} (its own seed), with uniform labels if conditional. */
    public INDArray sample(int n, long stream) {
        Random r = rng(3, stream);
        INDArray z = gaussian(r, n, noiseSize);
        return generate(z, numClasses > 0 ? randomLabels(r, n) : null);
    }

    /** {@code n} samples of class {@code digit} (conditional GAN only). */
    public INDArray sampleClass(int n, int digit, long stream) {
        if (numClasses == 0) {
            throw new IllegalStateException("sampleClass needs a conditional GAN");
        }
        Checks.inRange("digit", digit, 0, numClasses);
        INDArray y = Nd4j.zeros(generator.params().dataType(), n, numClasses);
        y.getColumn(digit).assign(1);
        return generate(gaussian(rng(4, stream * 1000 + digit), n, noiseSize), y);
    }

    /** The fixed noise batch (same every epoch and after a resume). */
    public INDArray fixedNoise() {
        return gaussian(rng(5, 0), fixedSamples, noiseSize);
    }

    /** Labels of the fixed batch: row i has class {@code i / (fixedSamples / numClasses)} (one row per class). */
    public INDArray fixedLabels() {
        if (numClasses == 0) {
            return null;
        }
        INDArray y = Nd4j.zeros(generator.params().dataType(), fixedSamples, numClasses);
        int perClass = Math.max(1, fixedSamples / numClasses);
        for (int i = 0; i < fixedSamples; i++) {
            y.putScalar(i, Math.min(numClasses - 1, i / perClass), 1);
        }
        return y;
    }

    /** G on the fixed noise (and fixed labels), in [0, 1]: comparable sample grids across epochs. */
    public INDArray fixedSamples() {
        return generate(fixedNoise(), fixedLabels());
    }

    // ------------------------------------------------------------------------------------------------ checkpoints

    /**
     * Writes {@code generator.zip}, {@code discriminator.zip} and {@code combined.zip} (ModelSerializer, with updater
     * states) and {@code trainer.properties} (settings, epoch and step counters) into {@code dir}, replacing the
     * folder whole (it should hold nothing else): the previous checkpoint stays until the new one is complete.
     */
    public void save(Path dir) throws IOException {
        save(dir, java.util.Map.of());
    }

    /**
     * As {@link #save(Path)}, with {@code run} (e.g. the options of the run that trained it) stored beside the
     * trainer's settings in {@code trainer.properties}, each key prefixed {@code run.}; {@link #runProperties} reads
     * them back.
     */
    public void save(Path dir, java.util.Map<String, String> run) throws IOException {
        // the four files go into a new folder, renamed over dir once complete; the previous checkpoint is kept
        // until then (AtomicFiles.writeDirectory), so a crash mid-save never leaves a mixed or half-written one
        AtomicFiles.writeDirectory(dir, tmp -> {
            ModelSerializer.writeModel(generator, tmp.resolve("generator.zip").toFile(), false);
            if (emaGenerator != null) {
                ModelSerializer.writeModel(emaGenerator, tmp.resolve(EMA_FILE).toFile(), false);
            }
            ModelSerializer.writeModel(discriminator, tmp.resolve("discriminator.zip").toFile(), true);
            ModelSerializer.writeModel(combined, tmp.resolve("combined.zip").toFile(), true);
            try (Writer w = Files.newBufferedWriter(tmp.resolve("trainer.properties"))) {
                Properties p = properties();
                run.forEach((k, v) -> p.setProperty(RUN + k, v));
                p.store(w, "GanTrainer checkpoint");
            }
        });
    }

    private static final String RUN = "run.";
    /** The EMA generator's file in a checkpoint (only when EMA is on). */
    private static final String EMA_FILE = "generator-ema.zip";

    /**
     * The {@code run} entries {@link #save(Path, java.util.Map)} stored in the checkpoint {@code dir} (empty for a
     * checkpoint saved without them), without loading its graphs.
     */
    public static java.util.Map<String, String> runProperties(Path dir) throws IOException {
        AtomicFiles.recoverDirectory(dir);
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(dir.resolve("trainer.properties"))) {
            p.load(r);
        }
        java.util.Map<String, String> run = new java.util.TreeMap<>();
        for (String k : p.stringPropertyNames()) {
            if (k.startsWith(RUN)) {
                run.put(k.substring(RUN.length()), p.getProperty(k));
            }
        }
        return run;
    }

    /** A trainer in the state {@link #save} wrote: the next step equals the one the saved trainer would take. */
    public static GanTrainer restore(Path dir) throws IOException {
        return restore(dir, java.util.function.UnaryOperator.identity());
    }

    /**
     * As {@link #restore(Path)}, with {@code prepare} applied to each restored graph (the zoo's runners pass {@code
     * Accelerate::speedUp}).
     */
    public static GanTrainer restore(Path dir, java.util.function.UnaryOperator<ComputationGraph> prepare)
            throws IOException {
        AtomicFiles.recoverDirectory(dir); // a save killed between its two renames left the previous one aside
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(dir.resolve("trainer.properties"))) {
            p.load(r);
        }
        Path ema = dir.resolve(EMA_FILE);
        if (Double.parseDouble(p.getProperty("emaDecay", "0")) > 0 && !Files.isRegularFile(ema)) {
            throw new IOException("checkpoint " + dir + " was trained with emaDecay " + p.getProperty("emaDecay")
                    + " but holds no " + EMA_FILE);
        }
        return new GanTrainer(
                prepare.apply(ModelSerializer.restoreComputationGraph(dir.resolve("generator.zip").toFile(), false)),
                prepare.apply(ModelSerializer.restoreComputationGraph(dir.resolve("discriminator.zip").toFile(), true)),
                prepare.apply(ModelSerializer.restoreComputationGraph(dir.resolve("combined.zip").toFile(), true)),
                Double.parseDouble(p.getProperty("emaDecay", "0")) > 0
                        ? prepare.apply(ModelSerializer.restoreComputationGraph(ema.toFile(), false)) : null, p);
    }

    private Properties properties() {
        Properties p = new Properties();
        p.setProperty("noiseSize", Integer.toString(noiseSize));
        p.setProperty("numClasses", Integer.toString(numClasses));
        p.setProperty("batchSize", Integer.toString(batchSize));
        p.setProperty("dSteps", Integer.toString(dSteps));
        p.setProperty("gSteps", Integer.toString(gSteps));
        p.setProperty("realLabel", Double.toString(realLabel));
        p.setProperty("seed", Long.toString(seed));
        p.setProperty("fixedSamples", Integer.toString(fixedSamples));
        p.setProperty("emaDecay", Double.toString(emaDecay));
        p.setProperty("instanceNoise", Double.toString(instanceNoise));
        p.setProperty("instanceNoiseSteps", Integer.toString(instanceNoiseSteps));
        p.setProperty("imageShape", joined(imageShape));
        p.setProperty("epoch", Integer.toString(epoch));
        p.setProperty("dStepCount", Long.toString(dStepCount));
        p.setProperty("gStepCount", Long.toString(gStepCount));
        return p;
    }

    // ------------------------------------------------------------------------------------------------ accessors

    /** The live generator G, the one that trains (see {@link #samplingGenerator}). */
    public ComputationGraph generator() {
        return generator;
    }

    /**
     * The generator the sampling methods use: the EMA generator when {@link Builder#emaDecay} is on, else the live G.
     * Save this one for sampling later (the example runner's {@code generator.zip}).
     */
    public ComputationGraph samplingGenerator() {
        return emaGenerator != null ? emaGenerator : generator;
    }

    /** The EMA copy of G's parameters (and batch-norm statistics), or null when EMA is off; never trained itself. */
    public ComputationGraph emaGenerator() {
        return emaGenerator;
    }

    /** The EMA decay setting; 0 when off. */
    public double emaDecay() {
        return emaDecay;
    }

    /** The instance noise's starting standard deviation; 0 when off. */
    public double instanceNoise() {
        return instanceNoise;
    }

    /** D steps over which the instance noise anneals linearly to 0. */
    public int instanceNoiseSteps() {
        return instanceNoiseSteps;
    }

    public ComputationGraph discriminator() {
        return discriminator;
    }

    /** The combined graph "G then frozen D" through which G is trained. */
    public ComputationGraph combined() {
        return combined;
    }

    /** Completed epochs. */
    public int epoch() {
        return epoch;
    }

    public long discriminatorSteps() {
        return dStepCount;
    }

    public long generatorSteps() {
        return gStepCount;
    }

    public int numClasses() {
        return numClasses;
    }

    public int noiseSize() {
        return noiseSize;
    }

    public int batchSize() {
        return batchSize;
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private void checkData(INDArray images, INDArray labels) {
        if (images.size(0) < batchSize) {
            throw new IllegalArgumentException("images must hold at least batchSize (" + batchSize + ") rows, got "
                    + images.size(0));
        }
        if ((numClasses > 0) != (labels != null)) {
            throw new IllegalArgumentException(numClasses > 0 ? "a conditional GAN needs labels [n, " + numClasses
                    + "]" : "labels must be null for an unconditional GAN");
        }
        if (labels != null && (labels.size(0) != images.size(0) || labels.size(1) != numClasses)) {
            throw new IllegalArgumentException("labels must be [" + images.size(0) + ", " + numClasses + "], got "
                    + Arrays.toString(labels.shape()));
        }
    }

    /**
     * D's minibatch {@code [real in [-1, 1]; fake]}, written into a buffer kept across steps (a new array per step
     * lands on fresh memory pages: ND4J frees arrays made outside workspaces only when they are garbage collected).
     * Valid until the next D step; only this class's own {@code fit} reads it.
     */
    private INDArray discriminatorInput(INDArray real, INDArray fake) {
        long b = fake.size(0);
        long[] shape = fake.shape().clone();
        shape[0] = 2 * b;
        if (dInput == null || !Arrays.equals(dInput.shape(), shape) || dInput.dataType() != fake.dataType()) {
            try (org.nd4j.linalg.api.memory.MemoryWorkspace ignored =
                         Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                dInput = Nd4j.create(fake.dataType(), shape, 'c');
            }
        }
        INDArray realPart = dInput.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, b));
        realPart.assign(real.reshape(fake.shape())).muli(2).subi(1);
        dInput.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(b, 2 * b)).assign(fake);
        return dInput;
    }

    /** D's targets {@code [realLabel x b; 0 x b]}, kept across steps. */
    private INDArray discriminatorTarget(long b, DataType type) {
        if (dTarget == null || dTarget.size(0) != 2 * b || dTarget.dataType() != type) {
            try (org.nd4j.linalg.api.memory.MemoryWorkspace ignored =
                         Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                dTarget = Nd4j.concat(0, Nd4j.valueArrayOf(new long[] {b, 1}, realLabel, type),
                        Nd4j.zeros(type, b, 1));
            }
        }
        return dTarget;
    }

    /** A generator of stream {@code kind} at position {@code index}, a pure function of (seed, kind, index). */
    private Random rng(int kind, long index) {
        long h = seed * 0x9E3779B97F4A7C15L + kind * 0xBF58476D1CE4E5B9L + index * 0x94D049BB133111EBL;
        h ^= h >>> 31;
        h *= 0xD6E8FEB86659FD93L;
        h ^= h >>> 32;
        return new Random(h);
    }

    private INDArray gaussian(Random r, int rows, int cols) {
        float[] v = new float[rows * cols];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return Nd4j.create(v, new long[] {rows, cols}, DataType.FLOAT).castTo(generator.params().dataType());
    }

    private INDArray randomLabels(Random r, int rows) {
        INDArray y = Nd4j.zeros(generator.params().dataType(), rows, numClasses);
        for (int i = 0; i < rows; i++) {
            y.putScalar(i, r.nextInt(numClasses), 1);
        }
        return y;
    }

    private static String joined(long[] v) {
        StringBuilder sb = new StringBuilder();
        for (long x : v) {
            sb.append(sb.length() == 0 ? "" : ",").append(x);
        }
        return sb.toString();
    }

    private static int[] permutation(int n, Random r) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /** Training settings, each with its default. */
    public static final class Builder {
        private final GanFactory gan;
        private int batchSize = 64;
        private int dSteps = 1;
        private int gSteps = 1;
        private double realLabel = 1.0;
        private long seed = 12345;
        private int fixedSamples = 100;
        private double emaDecay = 0;
        private double instanceNoise = 0;
        /** About ten epochs of MNIST's 60,000 digits at batch 64. */
        static final int DEFAULT_INSTANCE_NOISE_STEPS = 10_000;
        private int instanceNoiseSteps = DEFAULT_INSTANCE_NOISE_STEPS;
        private java.util.function.Function<org.deeplearning4j.nn.conf.ComputationGraphConfiguration, ComputationGraph>
                graphs = conf -> {
                    ComputationGraph graph = new ComputationGraph(conf);
                    graph.init();
                    return graph;
                };

        private Builder(GanFactory gan) {
            this.gan = gan;
        }

        /** Real examples per D step (and fakes per D and G step). Default 64. */
        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /** D steps per round (Goodfellow et al.'s k). Default 1. */
        public Builder dSteps(int dSteps) {
            this.dSteps = dSteps;
            return this;
        }

        /** G steps per round. Default 1. */
        public Builder gSteps(int gSteps) {
            this.gSteps = gSteps;
            return this;
        }

        /** One-sided label smoothing: D's target for real data, e.g. 0.9 (fakes stay 0). Default 1 (none). */
        public Builder realLabel(double realLabel) {
            this.realLabel = realLabel;
            return this;
        }

        /** Seed of noise, fake labels and data order. Default 12345. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * How a configuration becomes an initialised graph. Default: DL4J's {@code new ComputationGraph(conf).init()};
         * the zoo's runners pass {@code Accelerate::init} for the fast twins of DL4J's layers.
         */
        public Builder graphs(java.util.function.Function<org.deeplearning4j.nn.conf.ComputationGraphConfiguration,
                ComputationGraph> graphs) {
            this.graphs = graphs;
            return this;
        }

        /** Size of the fixed noise batch drawn every epoch. Default 100 (a 10x10 grid). */
        public Builder fixedSamples(int fixedSamples) {
            this.fixedSamples = fixedSamples;
            return this;
        }

        /**
         * Decay {@code d} of an exponential moving average of G's parameters for sampling, in [0, 1); 0 (default) is
         * off. After every G step {@code ema = d_t * ema + (1 - d_t) * theta} with the warm-up {@code d_t = min(d,
         * (1 + t) / (10 + t))} (t: G steps before this one); the average starts as G's initial weights. It covers
         * the whole parameter vector, batch-norm running mean and variance included. {@link GanTrainer#generate}
         * and the sampling methods then use it; G trains as before. Typical: 0.999 (Karras et al.'s 0.999 and
         * Yazici et al.'s 0.9999 for long runs).
         */
        public Builder emaDecay(double emaDecay) {
            this.emaDecay = emaDecay;
            return this;
        }

        /**
         * Instance noise: the standard deviation sigma0 of Gaussian noise added to every image D sees (real and fake
         * in a D step, G's fakes in a G step), in D's pixel units ([-1, 1]), annealed linearly to 0 over {@link
         * #instanceNoiseSteps} D steps. Default 0: off.
         */
        public Builder instanceNoise(double sigma0) {
            this.instanceNoise = sigma0;
            return this;
        }

        /** D steps over which {@link #instanceNoise} falls linearly to 0. Default 10,000 (about 10 epochs of MNIST at batch 64). */
        public Builder instanceNoiseSteps(int steps) {
            this.instanceNoiseSteps = steps;
            return this;
        }

        /** A trainer on freshly initialised graphs of the factory; the combined graph starts with G's and D's weights. */
        public GanTrainer build() {
            Checks.notNull("gan", gan);
            Checks.positive("batchSize", batchSize);
            Checks.positive("dSteps", dSteps);
            Checks.positive("gSteps", gSteps);
            if (!(realLabel > 0.5 && realLabel <= 1)) {
                throw new IllegalArgumentException("realLabel must be in (0.5, 1], got " + realLabel);
            }
            Checks.positive("fixedSamples", fixedSamples);
            Checks.inRange("emaDecay", emaDecay, 0, 1);
            Checks.nonNegative("instanceNoise", instanceNoise);
            Checks.positive("instanceNoiseSteps", instanceNoiseSteps);
            ComputationGraph g = graphs.apply(gan.generatorConf());
            ComputationGraph d = graphs.apply(gan.discriminatorConf());
            // with instance noise, the combined graph takes the noise on G's image as one more input
            ComputationGraph c = graphs.apply(instanceNoise > 0 ? gan.conf(true) : gan.conf());
            copyParameters(g, c);
            copyParameters(d, c);
            ComputationGraph ema = null;
            if (emaDecay > 0) {
                ema = graphs.apply(gan.generatorConf());
                ema.params().assign(g.params());
            }
            Properties p = new Properties();
            p.setProperty("noiseSize", Integer.toString(gan.noiseSize()));
            p.setProperty("numClasses", Integer.toString(gan.numClasses()));
            p.setProperty("batchSize", Integer.toString(batchSize));
            p.setProperty("dSteps", Integer.toString(dSteps));
            p.setProperty("gSteps", Integer.toString(gSteps));
            p.setProperty("realLabel", Double.toString(realLabel));
            p.setProperty("seed", Long.toString(seed));
            p.setProperty("fixedSamples", Integer.toString(fixedSamples));
            p.setProperty("emaDecay", Double.toString(emaDecay));
            p.setProperty("instanceNoise", Double.toString(instanceNoise));
            p.setProperty("instanceNoiseSteps", Integer.toString(instanceNoiseSteps));
            p.setProperty("imageShape", joined(gan.imageShape()));
            return new GanTrainer(g, d, c, ema, p);
        }
    }
}
