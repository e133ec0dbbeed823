package org.unsupervisedzoo.zoo.core;

import java.util.Arrays;
import org.deeplearning4j.nn.conf.inputs.InputType;

/**
 * One input or output of a zoo graph, as a DL4J project that imports the configuration needs to know it: its name,
 * the shape of one example (without the batch dimension), and what to feed (an input) or pass as labels (an output)
 * in training, and what to feed or read at inference.
 *
 * @param name      the graph's input or output name
 * @param shape     one example's shape, e.g. {@code [784]} or {@code [1, 28, 28]} (channels, height, width)
 * @param training  what to feed in training (for an output: its labels, or "null" for a head that takes none)
 * @param inference what to feed at inference (for an output: what it returns)
 */
public record GraphIO(String name, long[] shape, String training, String inference) {
    public GraphIO {
        Checks.notNull("name", name);
        Checks.notNull("shape", shape);
        shape = shape.clone();
    }

    /** An input that takes the data itself, in training and at inference. */
    public static GraphIO data(String name, long[] shape) {
        return new GraphIO(name, shape, "the data", "the data");
    }

    /** The DL4J input type of one example of this shape: feed-forward for rank 1, convolutional NCHW for rank 3. */
    public InputType inputType() {
        switch (shape.length) {
            case 1:
                return InputType.feedForward(shape[0]);
            case 3:
                return InputType.convolutional(shape[1], shape[2], shape[0]);
            default:
                throw new IllegalStateException(name + ": no input type for shape " + Arrays.toString(shape));
        }
    }

    /**
     * The outputs of {@code conf} for these inputs, their shapes from DL4J's shape inference, their texts from
     * {@code describe(name, isPenaltyHead)} ({training, inference}).
     */
    public static java.util.List<GraphIO> outputs(org.deeplearning4j.nn.conf.ComputationGraphConfiguration conf,
            java.util.List<GraphIO> inputs, java.util.function.BiFunction<String, Boolean, String[]> describe) {
        if (inputs.size() != conf.getNetworkInputs().size()) {
            throw new IllegalStateException("the graph has inputs " + conf.getNetworkInputs() + " but " + inputs.size()
                    + " are described: " + inputs);
        }
        InputType[] types = inputs.stream().map(GraphIO::inputType).toArray(InputType[]::new);
        java.util.Map<String, InputType> acts = conf.getLayerActivationTypes(types);
        java.util.List<GraphIO> out = new java.util.ArrayList<>();
        for (String name : conf.getNetworkOutputs()) {
            org.deeplearning4j.nn.conf.graph.GraphVertex v = conf.getVertices().get(name);
            boolean penalty = v instanceof org.deeplearning4j.nn.conf.graph.LayerVertex lv
                    && lv.getLayerConf().getLayer() instanceof PenaltyLayer;
            String[] text = describe.apply(name, penalty);
            InputType t = acts.get(name);
            if (t.arrayElementsPerExample() == 0) {
                // DL4J's LossLayer reports size 0: its activations have its input's shape
                t = acts.get(conf.getVertexInputs().get(name).get(0));
            }
            out.add(new GraphIO(name, t.getShape(false), text[0], text[1]));
        }
        return out;
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GraphIO g && name.equals(g.name) && Arrays.equals(shape, g.shape)
                && training.equals(g.training) && inference.equals(g.inference);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape);
    }
}
