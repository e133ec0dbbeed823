package org.unsupervisedzoo.examples;

import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.unsupervisedzoo.datasets.MnistIterator;
import org.unsupervisedzoo.datasets.LabelledImages;
import org.unsupervisedzoo.zoo.autoencoder.AutoencoderFactory;
import org.unsupervisedzoo.zoo.autoencoder.Autoencoders;
import org.unsupervisedzoo.zoo.sparse.SparseAutoencoder;

/**
 * Sparse autoencoder (KL, L1 or k-sparse). Per epoch it reports the mean code activation over all held-out digits
 * (the test set, or the validation split with {@code --validation}).
 */
final class SparseExample extends AutoencoderRunner {
    @Override
    public String description() {
        return "sparse autoencoder, overcomplete (KL penalty, L1 activity or k-sparse)";
    }

    @Override
    public String name() {
        return "sparse-autoencoder";
    }

    @Override
    Options modelOptions(Options o) {
        return o.option("hidden", "1024", "encoder widths ending with the code size (overcomplete by default)").eachAtLeast(1)
                .option("sparsity", "kl", "kl, l1 or k_sparse")
                .option("rho", "0.05", "KL: target mean activation").between(0, 1, true, true)
                .option("beta", "3", "KL: penalty weight").atLeast(0)
                .option("l1", "0.008", "L1: activity penalty weight (Keras' 1e-5 on per-pixel BCE)").atLeast(0)
                .option("k", "25", "k-sparse: units kept per example").min(1);
    }

    @Override
    AutoencoderFactory factory(Options o, LabelledImages train) {
        return SparseAutoencoder.builder()
                .inputSize(train.pixelCount())
                .hiddenSizes(o.integers("hidden"))
                .sparsity(SparseAutoencoder.Sparsity.valueOf(o.string("sparsity").toUpperCase()))
                .rho(o.real("rho"))
                .beta(o.real("beta"))
                .l1Activity(o.real("l1"))
                .k(o.integer("k"))
                .updater(adam(o, train))
                .seed(o.integer("seed"))
                .build();
    }

    /** The mean code activation and the share of codes above 1e-3, over every held-out digit. */
    @Override
    void measureTestSet(ComputationGraph graph, MnistIterator test, Map<String, Double> out) {
        double sum = 0;
        double active = 0;
        long count = 0;
        test.reset();
        while (test.hasNext()) {
            INDArray code = Autoencoders.encode(graph, test.next().getFeatures());
            sum += code.sumNumber().doubleValue();
            active += code.gt(1e-3).castTo(code.dataType()).sumNumber().doubleValue();
            count += code.length();
        }
        test.reset();
        out.put("mean_code", sum / count);
        out.put("active_share", active / count);
    }
}
