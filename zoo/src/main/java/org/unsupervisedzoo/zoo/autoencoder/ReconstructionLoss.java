package org.unsupervisedzoo.zoo.autoencoder;

import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossBinaryXENT;

/** How an autoencoder scores its reconstruction of an input in [0,1]. */
public enum ReconstructionLoss {
    /**
     * Binary cross-entropy {@code -sum_i [x_i log y_i + (1 - x_i) log(1 - y_i)]}: the Bernoulli negative
     * log-likelihood, for pixels in [0,1] and a sigmoid output.
     */
    BCE(LossFunction.XENT),
    /** Squared error {@code sum_i (x_i - y_i)^2} (DL4J's MSE averages it over the outputs). */
    MSE(LossFunction.MSE);

    private final LossFunction dl4j;

    ReconstructionLoss(LossFunction dl4j) {
        this.dl4j = dl4j;
    }

    /**
     * The factor that turns DL4J's score for this loss into a mean per input element: DL4J's XENT sums over
     * the {@code outputs} elements of an example, its MSE already averages over them.
     */
    public double perElementScale(int outputs) {
        return this == BCE ? 1.0 / outputs : 1.0;
    }

    /** DL4J's name for this loss ({@code XENT} or {@code MSE}). */
    public LossFunction dl4j() {
        return dl4j;
    }

    /**
     * The loss function the zoo's output layers use: for BCE {@link FusedBinaryXENT} (DL4J's XENT computed from the
     * logits in a few fused ops; the same values wherever DL4J's clipping at 1e-5 is idle), for MSE DL4J's own.
     */
    public ILossFunction lossFunction() {
        return this == BCE ? new LossBinaryXENT() : dl4j.getILossFunction();
    }
}
