package org.unsupervisedzoo.zoo.autoencoder;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.dropout.IDropout;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.api.layers.LayerConstraint;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.nd4j.linalg.activations.Activation;
import org.unsupervisedzoo.zoo.core.Checks;
import org.unsupervisedzoo.zoo.core.ZooBuilder;

/**
 * The fields of a symmetric MLP autoencoder, shared by the dense zoo autoencoders, and the helpers that lay
 * out its graph: {@code input -> encoder-1 .. encoder-(k-1) -> code -> decoder-1 .. decoder-(k-1) ->
 * reconstruction}, where {@code hiddenSizes} lists the encoder widths ending with the code size.
 *
 * @param <B> the concrete builder
 */
public abstract class DenseAutoencoderBuilder<B extends DenseAutoencoderBuilder<B>> extends ZooBuilder<B> {
    protected int inputSize = 784;
    protected int[] hiddenSizes = {128, 64, 32};
    protected Activation activation = Activation.RELU;
    protected Activation codeActivation = Activation.RELU;
    protected Activation outputActivation = Activation.SIGMOID;
    protected ReconstructionLoss loss = ReconstructionLoss.BCE;

    /** Input width D. Default 784 (28x28). */
    public B inputSize(int inputSize) {
        this.inputSize = inputSize;
        return self();
    }

    /** Encoder widths, ending with the code size; the decoder mirrors them. */
    public B hiddenSizes(int... hiddenSizes) {
        this.hiddenSizes = hiddenSizes == null ? null : hiddenSizes.clone();
        return self();
    }

    /** Activation of the hidden (non-code) layers. */
    public B activation(Activation activation) {
        this.activation = activation;
        return self();
    }

    /** Activation of the code layer. */
    public B codeActivation(Activation codeActivation) {
        this.codeActivation = codeActivation;
        return self();
    }

    /** Activation of the reconstruction. Default SIGMOID (pixels in [0,1]). */
    public B outputActivation(Activation outputActivation) {
        this.outputActivation = outputActivation;
        return self();
    }

    /** Reconstruction loss. Default BCE. */
    public B loss(ReconstructionLoss loss) {
        this.loss = loss;
        return self();
    }

    protected void validateDense() {
        validateCommon();
        Checks.positive("inputSize", inputSize);
        Checks.positiveSizes("hiddenSizes", hiddenSizes);
        Checks.notNull("activation", activation);
        Checks.notNull("codeActivation", codeActivation);
        Checks.notNull("outputActivation", outputActivation);
        Checks.notNull("loss", loss);
    }

    /** The weight initialisation, for custom layers that do not take it from the global configuration. */
    public org.deeplearning4j.nn.weights.WeightInit weightInitSetting() {
        return weightInit;
    }

    /** The code's activation (for factories of other packages that build the code layer themselves). */
    public Activation codeActivationSetting() {
        return codeActivation;
    }

    /** The number of dense layers of the encoder, the code layer included. */
    public int encoderDepth() {
        return hiddenSizes.length;
    }

    /** Width of the code. */
    public int codeSize() {
        return hiddenSizes[hiddenSizes.length - 1];
    }

    /** A graph builder with the shared settings and the input declared. */
    public GraphBuilder graphBuilder() {
        return netBuilder().graphBuilder()
                .addInputs(Autoencoders.INPUT)
                .setInputTypes(InputType.feedForward(inputSize));
    }

    /**
     * Adds encoder-1 .. encoder-(k-1), the layers before the code.
     *
     * @param inputNoise   corruption of the input (applied by encoder-1 in training only), or null
     * @param hiddenDropout dropout of hidden activations, or null
     * @return the name of the last vertex added (the input if there is none)
     */
    public String addEncoderHidden(GraphBuilder g, IDropout inputNoise, IDropout hiddenDropout) {
        String prev = Autoencoders.INPUT;
        int width = inputSize;
        for (int i = 0; i < hiddenSizes.length - 1; i++) {
            String name = Autoencoders.encoderLayer(i + 1);
            g.addLayer(name, dense(width, hiddenSizes[i], activation, i == 0 ? inputNoise : hiddenDropout), prev);
            prev = name;
            width = hiddenSizes[i];
        }
        return prev;
    }

    /** Width of the input of the code layer. */
    public int codeInputSize() {
        return hiddenSizes.length > 1 ? hiddenSizes[hiddenSizes.length - 2] : inputSize;
    }

    /**
     * Adds decoder-1 .. decoder-(k-1) mirroring the encoder, then the reconstruction output layer.
     *
     * @param code the vertex holding the code
     */
    public void addDecoder(GraphBuilder g, String code, IDropout hiddenDropout) {
        addDecoder(g, code, hiddenDropout, null);
    }

    /**
     * {@link #addDecoder(GraphBuilder, String, IDropout)}, with {@code codeReader} (if not null) as a weight
     * constraint of the layer that reads the code (decoder-1, or the reconstruction layer of a one-layer code).
     */
    public void addDecoder(GraphBuilder g, String code, IDropout hiddenDropout, LayerConstraint codeReader) {
        String prev = code;
        int width = codeSize();
        for (int i = hiddenSizes.length - 2; i >= 0; i--) {
            String name = Autoencoders.decoderLayer(hiddenSizes.length - 1 - i);
            g.addLayer(name, dense(width, hiddenSizes[i], activation, hiddenDropout, prev.equals(code) ? codeReader
                    : null), prev);
            prev = name;
            width = hiddenSizes[i];
        }
        OutputLayer.Builder out = new OutputLayer.Builder(loss.lossFunction()).nIn(width).nOut(inputSize)
                .activation(outputActivation);
        if (hiddenDropout != null) {
            out.dropOut(hiddenDropout);
        }
        if (codeReader != null && prev.equals(code)) {
            out.constrainWeights(codeReader);
        }
        g.addLayer(Autoencoders.RECONSTRUCTION, out.build(), prev);
    }

    /** DL4J's dense layer {@code [nIn] -> [nOut]}, with an input dropout or corruption (training only) if not null. */
    public static DenseLayer dense(int nIn, int nOut, Activation activation, IDropout inputDropout) {
        return dense(nIn, nOut, activation, inputDropout, null);
    }

    /** {@link #dense(int, int, Activation, IDropout)} with a weight constraint, if not null. */
    public static DenseLayer dense(int nIn, int nOut, Activation activation, IDropout inputDropout,
                                   LayerConstraint weights) {
        DenseLayer.Builder layer = new DenseLayer.Builder().nIn(nIn).nOut(nOut).activation(activation);
        if (inputDropout != null) {
            layer.dropOut(inputDropout);
        }
        if (weights != null) {
            layer.constrainWeights(weights);
        }
        return layer.build();
    }
}
