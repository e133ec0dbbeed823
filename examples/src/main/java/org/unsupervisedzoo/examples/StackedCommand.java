package org.unsupervisedzoo.examples;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.learning.config.Adam;
import org.unsupervisedzoo.datasets.DataSource;
import org.unsupervisedzoo.datasets.LabelledImages;
import org.unsupervisedzoo.datasets.MnistIterator;
import org.unsupervisedzoo.datasets.Split;
import org.unsupervisedzoo.zoo.autoencoder.AutoencoderFactory;
import org.unsupervisedzoo.zoo.classifier.ClassifierFit;
import org.unsupervisedzoo.zoo.classifier.EncoderClassifier;
import org.unsupervisedzoo.zoo.core.AtomicFiles;
import org.unsupervisedzoo.zoo.core.DivergenceGuard;
import org.unsupervisedzoo.zoo.core.ProgressListener;
import org.unsupervisedzoo.zoo.fast.Accelerate;
import org.unsupervisedzoo.zoo.stacked.StackedAutoencoders;

/**
 * {@code stacked}: greedy layer-wise pretraining of a stack of denoising, contractive or plain autoencoders
 * ({@link StackedAutoencoders}, {@code --layer-epochs} epochs per layer on the training digits, no labels read),
 * then supervised fine-tuning of the whole encoder under a softmax with early stopping on the last
 * {@code --validation} training digits (the {@code classify} command's protocol), and the test error once, on the
 * chosen epoch. {@code --scratch true} trains the same network from a fresh initialisation under the same protocol
 * (the baseline). Each pretrained layer is saved as {@code layer-<l>.zip} and the fine-tuning writes {@code
 * finetune-checkpoint} after every epoch; {@code --resume true} continues after the layers already saved in {@code
 * --out} (refused when the pretraining settings differ) and from the fine-tuning's last epoch where it began.
 */
final class StackedCommand implements Command {
    @Override
    public String name() {
        return "stacked";
    }

    @Override
    public String description() {
        return "greedy layer-wise pretraining of stacked denoising/contractive autoencoders, then fine-tuning";
    }

    @Override
    public Options options() {
        return ClassifyCommand.protocolOptions(ExampleData.declare(new Options()))
                .option("layer", "denoising", "the autoencoder of each layer: denoising, contractive or plain")
                .option("hidden", "1000,1000,1000", "code width of each layer, bottom first").eachAtLeast(1)
                .option("layer-epochs", "20", "pretraining epochs of each layer").min(1)
                .option("pretrain-lr", "0.001", "Adam learning rate of the pretraining").positive()
                .option("noise", "masking", "denoising layers: gaussian, masking, saltpepper or occlusion")
                .option("level", "0.25", "denoising layers: sigma (gaussian), fraction (masking, saltpepper)")
                .atLeast(0)
                .option("lambda", "1", "contractive layers: weight of the Jacobian penalty").atLeast(0)
                .option("scratch", "false", "true: no pretraining, the same network freshly initialised (the"
                        + " baseline)")
                .option("dropout", "0", "dropout on the code while fine-tuning, in [0, 1)").between(0, 1, false, true)
                .option("lr", "0.001", "Adam learning rate of the fine-tuning").positive()
                .option("batch", "128", "minibatch size of pretraining and fine-tuning").min(1)
                .option("seed", "12345", "seed of the initialisation, corruption, labelled subset and shuffling")
                .anyInt()
                .option("resume", "false", "true: continue after the pretrained layers saved in --out, and the"
                        + " fine-tuning from its last epoch (--out/finetune-checkpoint)")
                .option("out", "output/stacked", "output folder");
    }

    private static StackedAutoencoders.LayerFactory layers(Options o) {
        Adam adam = new Adam(o.real("pretrain-lr"));
        switch (o.string("layer")) {
            case "denoising":
                return StackedAutoencoders.denoising(DenoisingExample.corruption(o), adam);
            case "contractive":
                return StackedAutoencoders.contractive(o.real("lambda"), adam);
            case "plain":
                return StackedAutoencoders.plain(adam);
            default:
                throw new IllegalArgumentException("--layer must be denoising, contractive or plain, got '"
                        + o.string("layer") + "'");
        }
    }

    /** The settings pretraining depends on, as recorded next to the saved layers. */
    private static String pretrainingSettings(Options o, int inputSize) {
        String layer = o.string("layer");
        String extra = switch (layer) {
            case "denoising" -> " noise " + o.string("noise") + " level " + o.real("level");
            case "contractive" -> " lambda " + o.real("lambda");
            default -> "";
        };
        return "layer " + layer + extra + " input " + inputSize + " hidden " + Arrays.toString(o.integers("hidden"))
                + " layer-epochs " + o.integer("layer-epochs") + " pretrain-lr " + o.real("pretrain-lr") + " batch "
                + o.integer("batch") + " seed " + o.integer("seed") + " data " + o.string("data") + "\n";
    }

    @Override
    public void run(Options o) throws Exception {
        StackedAutoencoders.LayerFactory layerFactory = layers(o);
        ClassifyCommand.validationCount(o, Integer.MAX_VALUE, false);
        boolean scratch = o.bool("scratch");
        boolean resume = o.bool("resume");
        DataSource source = ExampleData.locate(o);
        LabelledImages train = source.load(Split.TRAIN);
        LabelledImages test = source.load(Split.TEST);
        Path out = o.path("out");
        Files.createDirectories(out);
        long seed = o.integer("seed");
        int batch = o.integer("batch");
        int layerEpochs = o.integer("layer-epochs");
        int[] hidden = o.integers("hidden");
        String arch = train.pixelCount() + "-" + String.join("-", Arrays.stream(hidden).mapToObj(Integer::toString)
                .toList());
        int batches = (train.count() + batch - 1) / batch;
        ProgressListener[] progress = new ProgressListener[1];
        StackedAutoencoders stack = StackedAutoencoders.builder().inputSize(train.pixelCount()).hiddenSizes(hidden)
                .layers(layerFactory).epochsPerLayer(layerEpochs).seed(seed).init(Accelerate::init)
                .listener(new StackedAutoencoders.Listener() {
                    @Override
                    public void layerStarted(int layer, AutoencoderFactory factory, ComputationGraph graph) {
                        progress[0] = new ProgressListener(System.out, batches, 1.0).totalEpochs(layerEpochs);
                        graph.setListeners(progress[0], new DivergenceGuard("pretraining layer " + layer
                                + " diverged; try a lower --pretrain-lr (now " + o.real("pretrain-lr") + ")"));
                        System.out.printf("layer %d/%d  %s %d -> %d  %d epochs%n", layer, hidden.length,
                                factory.name(), factory.inputShape()[0], factory.codeSize(), layerEpochs);
                    }

                    @Override
                    public void epochDone(int layer, int epoch, ComputationGraph graph) {
                        System.out.printf(Locale.ROOT, "layer %d/%d  epoch %3d/%d  train_loss %.5f  examples/s %6.0f%n",
                                layer, hidden.length, epoch, layerEpochs, progress[0].meanScore(),
                                progress[0].examplesPerSecond());
                    }

                    @Override
                    public void layerDone(int layer, ComputationGraph graph) {
                        try {
                            Path file = RunRecord.writeModel(Accelerate.toStock(graph), layerFile(out, layer), false,
                                    null);
                            System.out.println("wrote " + file);
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    }
                }).build();

        ComputationGraph encoder;
        double pretrainSeconds = 0;
        Path fineTuneCheckpoint = out.resolve("finetune-checkpoint");
        boolean resumeFineTune = resume && Files.isDirectory(AtomicFiles.recoverDirectory(fineTuneCheckpoint));
        if (scratch) {
            if (resume && !resumeFineTune) {
                throw new CliException("--resume: " + fineTuneCheckpoint + " does not exist (no fine-tuning to"
                        + " continue there)");
            }
            encoder = stack.freshEncoder();
            System.out.printf("stacked %s %s from scratch (no pretraining)  data %s  out %s%n", o.string("layer"),
                    arch, source.description(), out);
        } else {
            Path record = out.resolve("pretraining.txt");
            String settings = pretrainingSettings(o, train.pixelCount());
            List<ComputationGraph> done = new ArrayList<>();
            if (resume && Files.exists(record)) {
                String recorded = Files.readString(record);
                if (!recorded.equals(settings)) {
                    throw new CliException("--resume: the layers in " + out + " were pretrained with '"
                            + recorded.trim() + "', this run asks for '" + settings.trim() + "'");
                }
                for (int l = 1; l <= hidden.length && Files.exists(layerFile(out, l)); l++) {
                    done.add(ModelSerializer.restoreComputationGraph(layerFile(out, l).toFile(), false));
                }
                System.out.printf("resuming after %d pretrained layer%s%n", done.size(), done.size() == 1 ? "" : "s");
            } else if (resume) {
                throw new CliException("--resume: " + record + " does not exist (no pretraining to continue there)");
            } else {
                for (int l = 1; l <= hidden.length; l++) {
                    Files.deleteIfExists(layerFile(out, l));
                }
            }
            AtomicFiles.writeString(record, settings);
            System.out.printf("stacked %s %s, greedy pretraining %d epochs a layer on %d training digits (no labels)"
                    + "  data %s  out %s%n", o.string("layer"), arch, layerEpochs, train.count(),
                    source.description(), out);
            MnistIterator data = MnistIterator.builder(train).batchSize(batch).seed(seed).build();
            long t0 = System.nanoTime();
            encoder = stack.pretrain(data, done).encoder();
            pretrainSeconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf(Locale.ROOT, "pretraining done in %.0f s%n", pretrainSeconds);
        }

        ClassifyCommand.LabelledSplit split = ClassifyCommand.LabelledSplit.of(o, train);
        LabelledImages labelled = split.labelled(o.integer("labels"), seed);
        LabelledImages validation = split.validation();
        EncoderClassifier.Builder clf = EncoderClassifier.builder(encoder, train.pixelCount()).frozen(false)
                .dropout(o.real("dropout")).updater(new Adam(o.real("lr"))).seed(seed);
        System.out.printf("fine-tuning on %d labelled digits, validation %d (training digits [%d, %d))%n",
                labelled.count(), validation.count(), split.cut(), train.count());
        if (resumeFineTune) {
            System.out.println("resuming the fine-tuning from " + fineTuneCheckpoint);
        }
        long t1 = System.nanoTime();
        int maxEpochs = o.integer("max-epochs");
        EpochEta eta = new EpochEta();
        Map<String, String> identity = Checkpoint.fingerprint(o, Set.of());
        ClassifierFit.Result r = ClassifyCommand.fit(o, clf, labelled, validation, MnistIterator.Shape.FLAT, seed,
                e -> System.out.printf(Locale.ROOT, "fine-tune  epoch %3d  train_loss %.5f  val_loss %.5f"
                        + "  val_error %.2f%%  time %5.1fs  %s%n", e.epoch(), e.trainLoss(), e.validationLoss(),
                        100 * e.validationError(), e.seconds(), eta.atMost(maxEpochs - e.epoch())),
                new ClassifyCommand.FitCheckpointing(fineTuneCheckpoint, identity, resumeFineTune));
        double fineTuneSeconds = (System.nanoTime() - t1) / 1e9;
        double testError = ClassifierFit.score(r.classifier(), ClassifyCommand.iterator(test,
                MnistIterator.Shape.FLAT)).error();
        AtomicFiles.writeString(out.resolve("curve.csv"), r.curveCsv());
        Path model = out.resolve("classifier.zip");
        RunRecord.writeModel(r.classifier(), model, false, null);
        String line = String.format(Locale.ROOT, "stacked %s %s %s: test_error %.2f%% (best epoch %d of %d,"
                        + " val_error %.2f%%; pretraining %.0f s, fine-tuning %.0f s)", o.string("layer"), arch,
                scratch ? "from scratch" : "pretrained", 100 * testError, r.bestEpoch(), r.curve().size(),
                100 * r.bestValidationError(), pretrainSeconds, fineTuneSeconds);
        AtomicFiles.writeString(out.resolve("summary.txt"), line + "\n");
        System.out.println("wrote " + model + " and " + out.resolve("curve.csv"));
        System.out.println(line);
    }

    static Path layerFile(Path out, int layer) {
        return out.resolve("layer-" + layer + ".zip");
    }
}
