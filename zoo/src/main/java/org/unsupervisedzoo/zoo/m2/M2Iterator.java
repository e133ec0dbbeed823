package org.unsupervisedzoo.zoo.m2;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.unsupervisedzoo.zoo.core.MappedMultiDataSetIterator;

/**
 * One epoch of {@link SemiSupervisedVAE} training: each batch of the unlabelled iterator (its labels are not read)
 * joined with the next {@code labelledBatch} labelled digits, drawn in turn from a fixed labelled set reshuffled
 * each time it is used up, into {@link M2Batches}' rows. An epoch is one pass over the unlabelled digits; the
 * labelled ones cycle as many times as that takes. The shuffles of the labelled set and the noise come from
 * generators seeded by {@code seed}: the same seed gives the same batches.
 */
public final class M2Iterator extends MappedMultiDataSetIterator {
    private final INDArray labelledX;
    private final INDArray labelledY;
    private final int labelledBatch;
    private final M2Batches batches;
    private final java.util.Random shuffle;
    /** M1+M2: the labelled digits' posteriors, drawn afresh at every step; null: the fixed features. */
    private final M1Codes labelledCodes;
    private final org.nd4j.linalg.api.rng.Random draws;
    private int[] order;
    private int next;

    /**
     * @param unlabelled      batches of unlabelled digits (features {@code [B_u, D]})
     * @param labelled        the labelled set: features {@code [N_l, D]}, one-hot labels {@code [N_l, K]}
     * @param unlabelledCount {@code N_u}, the digits {@code unlabelled} holds in one epoch
     * @param labelledBatch   {@code B_l}, labelled digits per batch (at most {@code N_l}; 0: none)
     */
    public M2Iterator(DataSetIterator unlabelled, DataSet labelled, long unlabelledCount, SemiSupervisedVAE model,
                      int labelledBatch, long seed) {
        super(unlabelled);
        if (labelled == null || labelled.numExamples() == 0) {
            throw new IllegalArgumentException("the labelled set must hold at least one digit");
        }
        if (labelledBatch < 0 || labelledBatch > labelled.numExamples()) {
            throw new IllegalArgumentException("labelledBatch must be in [0, " + labelled.numExamples()
                    + "] (the labelled digits), got " + labelledBatch);
        }
        this.labelledX = labelled.getFeatures();
        this.labelledY = labelled.getLabels();
        this.labelledBatch = labelledBatch;
        this.batches = new M2Batches(model, labelled.numExamples(), unlabelledCount, seed);
        this.shuffle = new java.util.Random(seed ^ 0x5DEECE66DL);
        this.next = labelled.numExamples();
        this.labelledCodes = null;
        this.draws = null;
    }

    /**
     * M1+M2: as above, with the labelled digits given by their M1 posteriors (one-hot labels required), each step
     * using a fresh draw {@code mean + exp(logvar/2) eps} of its labelled digits (noise from {@code seed}).
     */
    public M2Iterator(DataSetIterator unlabelled, M1Codes labelled, long unlabelledCount, SemiSupervisedVAE model,
                      int labelledBatch, long seed) {
        super(unlabelled);
        if (labelled == null || labelled.count() == 0 || labelled.means().getLabels() == null) {
            throw new IllegalArgumentException("the labelled codes must hold at least one digit, with labels");
        }
        if (labelledBatch < 0 || labelledBatch > labelled.count()) {
            throw new IllegalArgumentException("labelledBatch must be in [0, " + labelled.count()
                    + "] (the labelled digits), got " + labelledBatch);
        }
        this.labelledX = labelled.mean();
        this.labelledY = labelled.means().getLabels();
        this.labelledBatch = labelledBatch;
        this.batches = new M2Batches(model, labelled.count(), unlabelledCount, seed);
        this.shuffle = new java.util.Random(seed ^ 0x5DEECE66DL);
        this.next = labelled.count();
        this.labelledCodes = labelled;
        this.draws = org.nd4j.linalg.factory.Nd4j.getRandomFactory().getNewRandomInstance(seed ^ 0x9E3779B97F4A7C15L);
    }

    @Override
    protected org.nd4j.linalg.dataset.api.MultiDataSet map(DataSet unlabelled) {
        if (labelledBatch == 0) {
            return batches.batch(null, null, unlabelled.getFeatures());
        }
        int[] rows = new int[labelledBatch];
        for (int i = 0; i < labelledBatch; i++) {
            if (next == labelledX.size(0)) {
                reshuffle();
            }
            rows[i] = order[next++];
        }
        INDArray x = labelledCodes == null ? labelledX.getRows(rows) : labelledCodes.sample(rows, draws);
        return batches.batch(x, labelledY.getRows(rows), unlabelled.getFeatures());
    }

    private void reshuffle() {
        int n = (int) labelledX.size(0);
        if (order == null) {
            order = new int[n];
            for (int i = 0; i < n; i++) {
                order[i] = i;
            }
        }
        for (int i = n - 1; i > 0; i--) {
            int r = shuffle.nextInt(i + 1);
            int t = order[i];
            order[i] = order[r];
            order[r] = t;
        }
        next = 0;
    }
}
