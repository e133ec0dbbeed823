package org.unsupervisedzoo.zoo;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.unsupervisedzoo.datasets.BundledSample;
import org.unsupervisedzoo.datasets.LabelledImages;
import org.unsupervisedzoo.datasets.MnistIterator;
import org.unsupervisedzoo.datasets.Split;
import org.unsupervisedzoo.zoo.autoencoder.AutoencoderFactory;
import org.unsupervisedzoo.zoo.core.ReconstructionIterator;

/** The bundled MNIST sample for model tests, loaded once. */
public final class SampleData {
    public static final LabelledImages TRAIN = new BundledSample().load(Split.TRAIN);
    public static final LabelledImages TEST = new BundledSample().load(Split.TEST);

    private SampleData() {
    }

    public static MnistIterator train(int batch, MnistIterator.Shape shape, int subset) {
        return MnistIterator.builder(TRAIN).batchSize(batch).shape(shape).subset(subset).seed(1)
                .target(MnistIterator.Target.INPUT).build();
    }

    /** The first {@code n} test digits. */
    public static INDArray testBatch(int n, MnistIterator.Shape shape) {
        return MnistIterator.builder(TEST).batchSize(n).shape(shape).shuffle(false).build().next().getFeatures();
    }

    /** A fresh graph of {@code factory} trained for {@code epochs} on the first {@code subset} training digits. */
    public static ComputationGraph trained(AutoencoderFactory factory, int epochs, int subset,
                                           MnistIterator.Shape shape) {
        ComputationGraph g = factory.init();
        ReconstructionIterator it = new ReconstructionIterator(train(64, shape, subset), factory.penaltyHeads());
        for (int e = 0; e < epochs; e++) {
            g.fit(it);
        }
        return g;
    }
}
