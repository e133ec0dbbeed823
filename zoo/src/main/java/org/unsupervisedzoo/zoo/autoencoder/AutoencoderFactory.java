package org.unsupervisedzoo.zoo.autoencoder;

import org.unsupervisedzoo.zoo.core.EncoderModel;

/** A zoo autoencoder: its graph follows {@link Autoencoders}' naming, reconstruction first. */
public interface AutoencoderFactory extends EncoderModel {
    /** The loss of the reconstruction output. */
    ReconstructionLoss loss();

    /** The code vertex, {@value Autoencoders#CODE}. */
    @Override
    default String codeVertex() {
        return Autoencoders.CODE;
    }

    /** Width of the code. */
    int codeSize();

    /** The reconstruction takes the clean input as its labels; the penalty heads take none. */
    @Override
    default String[] describeOutput(String name, boolean penaltyHead) {
        return name.equals(Autoencoders.RECONSTRUCTION)
                ? new String[] {"the clean input", "the reconstruction"}
                : EncoderModel.super.describeOutput(name, penaltyHead);
    }

    /** Number of penalty heads after the reconstruction output (each takes {@code null} labels). */
    default int penaltyHeads() {
        return 0;
    }
}
