package org.unsupervisedzoo.examples;

import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Deconvolution2D;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.unsupervisedzoo.zoo.contractive.ContractiveDenseLayer;

/**
 * The matrix and convolution work of one training step, counted from a graph's configuration: {@code 2 m n k}
 * multiply-adds for each dense product and {@code 2 B H W C_out C_in k_h k_w} for each convolution (for a transposed
 * convolution, {@code H W} of its input), times 3 for forward plus backward (the gradient with respect to the inputs
 * and to the weights each cost one forward's worth). Element-wise work (activations, losses, the updater) is not
 * counted, so the figure is the work the GEMM and convolution kernels must do, the same for any framework running the
 * same architecture.
 */
final class StepFlops {
    private StepFlops() {
    }

    /**
     * Floating-point operations of one training step per example.
     *
     * @param inputTypes the types of the graph's inputs, in the order of {@code conf.getNetworkInputs()}
     */
    static double perExample(ComputationGraphConfiguration conf, InputType... inputTypes) {
        Map<String, InputType> types = conf.getLayerActivationTypes(inputTypes);
        List<String> inputs = conf.getNetworkInputs();
        for (int i = 0; i < inputs.size(); i++) {
            types.put(inputs.get(i), inputTypes[i]);
        }
        double flops = 0;
        for (Map.Entry<String, GraphVertex> e : conf.getVertices().entrySet()) {
            if (!(e.getValue() instanceof LayerVertex)) {
                continue;
            }
            Layer layer = ((LayerVertex) e.getValue()).getLayerConf().getLayer();
            flops += forward(layer, types.get(conf.getVertexInputs().get(e.getKey()).get(0)), types.get(e.getKey()));
        }
        return 3 * flops;
    }

    /** Forward flops per example of one layer, given its input and output types. */
    static double forward(Layer layer, InputType in, InputType out) {
        if (layer instanceof ConvolutionLayer) {
            ConvolutionLayer c = (ConvolutionLayer) layer;
            int[] k = c.getKernelSize();
            InputType.InputTypeConvolutional spatial = (InputType.InputTypeConvolutional)
                    (layer instanceof Deconvolution2D ? in : out);
            return 2.0 * spatial.getHeight() * spatial.getWidth() * c.getNIn() * c.getNOut() * k[0] * k[1];
        }
        if (layer instanceof FeedForwardLayer) {
            FeedForwardLayer f = (FeedForwardLayer) layer;
            return 2.0 * f.getNIn() * f.getNOut();
        }
        if (layer instanceof ContractiveDenseLayer) {
            ContractiveDenseLayer c = (ContractiveDenseLayer) layer;
            return 2.0 * c.getNIn() * c.getNOut();
        }
        return 0;
    }

    /** The input type of an array as a graph reads it: {@code [B, n]} dense, {@code [B, C, H, W]} images. */
    static InputType typeOf(long[] shape) {
        if (shape.length == 2) {
            return InputType.feedForward(shape[1]);
        }
        if (shape.length == 4) {
            return InputType.convolutional(shape[2], shape[3], shape[1]);
        }
        throw new IllegalArgumentException("expected a [B, n] or [B, C, H, W] array, got shape "
                + java.util.Arrays.toString(shape));
    }
}
