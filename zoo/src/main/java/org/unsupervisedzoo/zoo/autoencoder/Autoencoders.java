package org.unsupervisedzoo.zoo.autoencoder;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Vertex names and helpers shared by every zoo autoencoder. Each graph has the input {@value #INPUT}, a vertex
 * {@value #CODE} holding the code, and the output {@value #RECONSTRUCTION} first among its outputs; penalty heads
 * (sparsity, contractive) follow it and take {@code null} labels.
 */
public final class Autoencoders {
    /** Name of the graph input. */
    public static final String INPUT = "input";
    /** Name of the vertex holding the code (the features). */
    public static final String CODE = "code";
    /** Name of the reconstruction output layer, the graph's first output. */
    public static final String RECONSTRUCTION = "reconstruction";

    private Autoencoders() {
    }

    /** Name of encoder layer {@code i} (1-based, before the code). */
    public static String encoderLayer(int i) {
        return "encoder-" + i;
    }

    /** Name of decoder layer {@code i} (1-based, after the code). */
    public static String decoderLayer(int i) {
        return "decoder-" + i;
    }

    /** The code of a batch {@code x}: activations of {@value #CODE} in inference mode. */
    public static INDArray encode(ComputationGraph graph, INDArray x) {
        INDArray code = graph.feedForward(x, false).get(CODE);
        if (code == null) {
            throw new IllegalArgumentException("graph has no vertex '" + CODE + "'");
        }
        return code;
    }

    /** The reconstruction of a batch {@code x} (the first output) in inference mode. */
    public static INDArray reconstruct(ComputationGraph graph, INDArray x) {
        return graph.output(false, x)[0];
    }
}
