package org.unsupervisedzoo.zoo.core;

import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * A zoo model with an encoder: a part of the trained graph that maps one input to features (the code) a downstream
 * classifier can use. Every autoencoder is one (its {@code code} vertex; the VAE's latent mean), and so is the RBM
 * (its hidden probabilities).
 */
public interface EncoderModel extends ZooModelFactory {
    /** Name of the graph input the encoder reads. */
    default String encoderInput() {
        return "input";
    }

    /** Name of the vertex whose activations are the features. */
    String codeVertex();

    /**
     * A new graph {@code encoderInput() -> ... -> codeVertex()} holding copies of the trained encoder's weights:
     * one input, one output (the code), no decoder, no penalty heads, no dropout or input corruption. Its output
     * in inference mode equals the trained graph's activations of {@link #codeVertex()}.
     *
     * @param trained a graph built from this factory's configuration and trained
     */
    default ComputationGraph encoderGraph(ComputationGraph trained) {
        return Encoders.extract(trained, encoderInput(), codeVertex());
    }
}
