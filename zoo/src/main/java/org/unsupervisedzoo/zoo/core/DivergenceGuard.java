package org.unsupervisedzoo.zoo.core;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Stops training at the first non-finite loss or parameter with a {@link TrainingDiverged} that names the epoch
 * and step, the last finite loss and a hint. As a listener of a graph it checks the score after every step; a
 * trainer of its own calls {@link #step(String, double)}; at the end of an epoch a runner calls
 * {@link #checkParams} (one pass over the parameters).
 */
public final class DivergenceGuard extends BaseTrainingListener {
    private final String hint;
    private int epoch = 1;
    private long stepInEpoch;
    private double lastFinite = Double.NaN;
    private int lastFiniteEpoch;
    private long lastFiniteStep;

    /** {@code hint} ends the message, e.g. "try a lower --lr (now 1000000)". */
    public DivergenceGuard(String hint) {
        this.hint = hint;
    }

    /** The epoch (from 1) the next steps belong to; resets the step count. */
    public void startEpoch(int epoch) {
        this.epoch = epoch;
        this.stepInEpoch = 0;
    }

    @Override
    public void iterationDone(Model model, int iteration, int epoch) {
        step("loss", model.score());
    }

    /** Counts one step with its loss, named {@code what}; throws at a non-finite one. */
    public void step(String what, double loss) {
        stepInEpoch++;
        check(what, loss);
    }

    /** Checks a value of the current step (e.g. a second loss of the same step) without counting a step. */
    public void check(String what, double loss) {
        if (!Double.isFinite(loss)) {
            throw diverged(what + " " + loss);
        }
        lastFinite = loss;
        lastFiniteEpoch = epoch;
        lastFiniteStep = stepInEpoch;
    }

    /** Sets the step count of the current epoch (for a trainer that does not report its steps). */
    public void steps(long stepsInEpoch) {
        this.stepInEpoch = stepsInEpoch;
    }

    /** Throws when {@code params} (e.g. {@code graph.params()}) holds a NaN or an infinity. */
    public void checkParams(String what, INDArray params) {
        if (params != null && !params.isEmpty() && (params.isNaN().any() || params.isInfinite().any())) {
            throw diverged(what + " not finite (NaN or infinite)");
        }
    }

    /** The last finite loss seen, NaN before the first. */
    public double lastFiniteLoss() {
        return lastFinite;
    }

    private TrainingDiverged diverged(String what) {
        String last = Double.isNaN(lastFinite) ? "no finite loss before it"
                : String.format("last finite loss %.5g at epoch %d, step %d", lastFinite, lastFiniteEpoch,
                        lastFiniteStep);
        return new TrainingDiverged(String.format("training diverged at epoch %d, step %d: %s (%s); %s", epoch,
                stepInEpoch, what, last, hint), epoch, stepInEpoch);
    }
}
