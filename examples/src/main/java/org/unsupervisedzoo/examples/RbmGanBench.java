package org.unsupervisedzoo.examples;

import org.unsupervisedzoo.zoo.fast.Accelerate;
import java.io.IOException;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.unsupervisedzoo.datasets.DataSource;
import org.unsupervisedzoo.datasets.LabelledImages;
import org.unsupervisedzoo.datasets.MnistIterator;
import org.unsupervisedzoo.datasets.Split;
import org.unsupervisedzoo.zoo.gan.Gan;
import org.unsupervisedzoo.zoo.gan.GanFactory;
import org.unsupervisedzoo.zoo.gan.GanTrainer;
import org.unsupervisedzoo.zoo.rbm.RBM;
import org.unsupervisedzoo.zoo.rbm.RbmIterator;
import org.unsupervisedzoo.zoo.rbm.RbmTrainer;

/**
 * The DL4J side of {@code bench-torch} for the models that do not train by one {@code fit} per minibatch: the RBM
 * ({@code train rbm}'s defaults: 256 hidden units, PCD-1, SGD 0.1, batch 10, grey levels, as scikit-learn's
 * BernoulliRBM; trained as the runner trains it, by {@link RbmTrainer}'s fused step) and the MLP GAN and the DCGAN ({@code train mlp-gan}'s and {@code train dcgan}'s defaults: batch 64, Adam 2e-4 with beta1 0.5, one D and one G
 * step per round). Each model processes the same number of training digits as the autoencoders ({@code steps x
 * batch}), in its own minibatches. Quality after the timed steps, the same definition on both sides:
 * <ul>
 *   <li>RBM: mean squared error of the mean-field reconstruction {@code sigmoid(sigmoid(v W + c) W^T + b)} of the
 *       10,000 test digits;</li>
 *   <li>GAN: the discriminator's binary cross-entropy on the 10,000 test digits (target 1) and as many fresh
 *       samples (target 0), averaged over the 20,000.</li>
 * </ul>
 * GFLOPS count the matrix work the algorithm needs: RBM {@code 12 V H} per digit (the twin's six products), GANs
 * 4 forwards of G and 8 of D per real digit (G forward for D's fakes; D forward and backward on 2 digits; G forward
 * and backward and D forward and input-backward for G's step), each forward counted by {@link StepFlops} (for the
 * MLP GAN {@code 8 P_G + 16 P_D} with P the weights).
 */
final class RbmGanBench {
    static final String RBM_MODEL = "rbm";
    static final String GAN_MODEL = "mlp-gan";
    static final String DCGAN_MODEL = "dcgan";

    private RbmGanBench() {
    }

    static boolean handles(String model) {
        return model.equals(RBM_MODEL) || model.equals(GAN_MODEL) || model.equals(DCGAN_MODEL);
    }

    /** The minibatch and learning rate of the model's runner (its defaults, as the twin is given them). */
    static int batch(String model) {
        return model.equals(RBM_MODEL) ? RbmExample.declare().integer("batch") : ganOptions(model).integer("batch");
    }

    static String lr(String model) {
        return model.equals(RBM_MODEL) ? RbmExample.declare().string("lr") : ganOptions(model).string("lr");
    }

    /** Training steps (updates, or GAN rounds) that see {@code steps x batch} digits in the model's minibatches. */
    static int scaled(int steps, int batch, String model) {
        return Math.max(1, (int) Math.round(steps * (double) batch / batch(model)));
    }

    static Map<String, Object> run(String model, Options o) throws IOException {
        Options mo = model.equals(RBM_MODEL) ? RbmExample.declare() : ganOptions(model);
        mo.set("data", o.string("data")).set("seed", o.string("seed"));
        if (o.path("data-dir") != null) {
            mo.set("data-dir", o.string("data-dir"));
        }
        DataSource source = ExampleData.locate(mo);
        LabelledImages train = source.load(Split.TRAIN);
        LabelledImages test = source.load(Split.TEST);
        int batch = mo.integer("batch");
        int steps = scaled(o.integer("steps"), o.integer("batch"), model);
        int warmup = scaled(o.integer("warmup"), o.integer("batch"), model);
        TorchBenchmark.Sampler sampler = TorchBenchmark.sampler(o);
        TorchBenchmark.Timing t;
        double testLoss;
        double flops;
        if (model.equals(RBM_MODEL)) {
            RBM rbm = RbmExample.factory(mo, train);
            MnistIterator it = MnistIterator.builder(train).batchSize(batch).seed(mo.integer("seed")).build();
            ComputationGraph graph = Accelerate.init(rbm);
            // as the runner trains: the fused step where it applies (the defaults), else graph.fit on RbmIterator
            if (RbmTrainer.unsupported(rbm, graph) == null) {
                RbmTrainer trainer = new RbmTrainer(rbm, graph, mo.integer("seed") + 1);
                t = TorchBenchmark.Timing.of(() -> trainer.fit(nextBatch(it)), warmup, steps, sampler);
            } else {
                RbmIterator rit = new RbmIterator(it, rbm, graph, mo.integer("seed") + 1);
                t = TorchBenchmark.Timing.of(() -> graph.fit(next(rit)), warmup, steps, sampler);
            }
            testLoss = rbm.params(graph).reconstructionError(testImages(test));
            flops = 12.0 * rbm.nVisible() * rbm.nHidden();
        } else {
            GanFactory gan = GanExample.factory(mo);
            // the graphs the runner trains: the factory's, with the zoo's fast twins of DL4J's layers
            GanTrainer trainer = GanTrainer.builder(gan).batchSize(batch).seed(mo.integer("seed"))
                    .graphs(Accelerate::init).build();
            // shuffled minibatches from the bytes, as the twin's (GanExample holds the whole set as one array)
            MnistIterator images = MnistIterator.builder(train).batchSize(batch).seed(mo.integer("seed")).build();
            t = TorchBenchmark.Timing.of(() -> round(trainer, images, batch), warmup, steps, sampler);
            testLoss = discriminatorTestLoss(trainer, testImages(test), gan.imageShape());
            // per real digit: G forward for D's fake, D forward and backward on 2 digits, G forward and backward
            // through D's forward and input-backward: 4 G forwards and 8 D forwards; StepFlops counts 3 forwards
            // (forward and backward) per example
            flops = 4.0 / 3 * StepFlops.perExample(trainer.generator().getConfiguration(),
                    org.deeplearning4j.nn.conf.inputs.InputType.feedForward(gan.noiseSize()))
                    + 8.0 / 3 * StepFlops.perExample(trainer.discriminator().getConfiguration(),
                    StepFlops.typeOf(shapeOf(1, gan.imageShape())));
        }
        return TorchBenchmark.result(model, steps, warmup, batch, t, Double.NaN, testLoss, flops, sampler);
    }

    /** {@code [n, imageShape...]}. */
    private static long[] shapeOf(long n, long[] imageShape) {
        long[] shape = new long[imageShape.length + 1];
        shape[0] = n;
        System.arraycopy(imageShape, 0, shape, 1, imageShape.length);
        return shape;
    }

    /** The runner's options of the MLP GAN or the DCGAN (unconditional). */
    private static Options ganOptions(String model) {
        return GanExample.options(model.equals(DCGAN_MODEL) ? "dcgan" : "mlp", false);
    }

    /** All test digits as one array (made after the timed steps, so that it is not counted in the start-up). */
    private static INDArray testImages(LabelledImages test) {
        return MnistIterator.builder(test).batchSize(test.count()).shuffle(false).build().next().getFeatures();
    }

    private static INDArray nextBatch(MnistIterator it) {
        if (!it.hasNext()) {
            it.reset();
        }
        return it.next().getFeatures();
    }

    private static MultiDataSet next(RbmIterator it) {
        if (!it.hasNext()) {
            it.reset();
        }
        return it.next();
    }

    /** One D step on the next minibatch of real digits and one G step, as {@code GanTrainer.fitEpoch} does. */
    private static void round(GanTrainer trainer, MnistIterator images, int batch) {
        if (!images.hasNext()) {
            images.reset();
        }
        org.nd4j.linalg.dataset.DataSet real = images.next();
        if (real.numExamples() < batch) { // an epoch's short last batch: start the next epoch
            images.reset();
            real = images.next();
        }
        trainer.discriminatorStep(real.getFeatures(), null);
        trainer.generatorStep(batch);
    }

    /** D's mean BCE over the test digits (target 1) and as many samples (target 0), from its logits, in double. */
    static double discriminatorTestLoss(GanTrainer trainer, INDArray flatImages, long[] imageShape) {
        int n = (int) flatImages.size(0);
        long[] shape = shapeOf(n, imageShape);
        INDArray testImages = flatImages.reshape(shape);
        INDArray fake = trainer.sample(n, 7).reshape(shape);
        ComputationGraph d = trainer.discriminator();
        INDArray realLogit = d.feedForward(new INDArray[] {testImages.mul(2).subi(1)}, false).get(Gan.LOGIT)
                .castTo(DataType.DOUBLE);
        INDArray fakeLogit = d.feedForward(new INDArray[] {fake.mul(2).subi(1)}, false).get(Gan.LOGIT)
                .castTo(DataType.DOUBLE);
        // BCE(l, 1) = softplus(-l), BCE(l, 0) = softplus(l)
        double sum = Transforms.softPlus(realLogit.neg(), false).sumNumber().doubleValue()
                + Transforms.softPlus(fakeLogit, false).sumNumber().doubleValue();
        return sum / (2.0 * n);
    }
}
