package org.unsupervisedzoo.examples;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.dataset.DataSet;
import org.unsupervisedzoo.datasets.LabelledImages;
import org.unsupervisedzoo.datasets.MnistIterator;

/** Training and testing a classifier on labelled digits, shared by {@code classify} and {@code semi-supervised}. */
final class ClassifierTraining {
    private ClassifierTraining() {
    }

    /** The iterator layout of a model reading examples of {@code inputShape}. */
    static MnistIterator.Shape shapeOf(long[] inputShape) {
        return inputShape.length == 3 ? MnistIterator.Shape.IMAGE : MnistIterator.Shape.FLAT;
    }

    /** Labelled digits, one-hot targets, reshuffled every pass from {@code seed}. */
    static MnistIterator labelled(LabelledImages data, MnistIterator.Shape shape, int batch, long seed) {
        return MnistIterator.builder(data).batchSize(Math.min(batch, data.count())).seed(seed).shape(shape).build();
    }

    /** {@code steps} minibatch updates on {@code data}, cycling through it. */
    static void trainSteps(ComputationGraph clf, LabelledImages data, MnistIterator.Shape shape, int steps, int batch,
                           long seed) {
        MnistIterator it = labelled(data, shape, batch, seed);
        for (int step = 0; step < steps; step++) {
            if (!it.hasNext()) {
                it.reset();
            }
            DataSet ds = it.next();
            clf.fit(ds);
        }
    }

    /** Accuracy on every example of {@code test}. */
    static double accuracy(ComputationGraph clf, LabelledImages test, MnistIterator.Shape shape) {
        MnistIterator it = MnistIterator.builder(test).batchSize(1000).shuffle(false).shape(shape).build();
        Evaluation e = clf.evaluate(it);
        return e.accuracy();
    }
}
