package org.unsupervisedzoo.zoo.autoencoder;

import org.unsupervisedzoo.zoo.ZooModelFactory;

/** A zoo autoencoder: its graph follows {@link Autoencoders}' naming, reconstruction first. */
public interface AutoencoderFactory extends ZooModelFactory {
    /** The loss of the reconstruction output. */
    ReconstructionLoss loss();

    /** Width of the code. */
    int codeSize();

    /** Number of penalty heads after the reconstruction output (each takes {@code null} labels). */
    default int penaltyHeads() {
        return 0;
    }
}
