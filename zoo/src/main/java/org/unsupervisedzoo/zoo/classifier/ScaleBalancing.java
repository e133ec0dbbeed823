package org.unsupervisedzoo.zoo.classifier;

import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayerWithBackprop;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationLReLU;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Between-layer scale balancing of a pretrained encoder (Krähenbühl et al. 2016, "Data-dependent initializations
 * of convolutional neural networks", ICLR): every encoder layer whose activation is positively homogeneous
 * ({@code f(a z) = a f(z)} for {@code a > 0}: ReLU, leaky ReLU, identity) has its weights and bias divided by the
 * root mean square {@code s} of its activations on a sample of unlabelled examples, and the layer that reads it has
 * its weights multiplied by {@code s}. Each such layer then emits activations of mean square 1, and the network
 * computes the same function up to the scale of the encoder's output (the code, which a fresh head reads).
 *
 * <p><b>Why.</b> An autoencoder's ReLU encoder and its untied decoder can trade scale freely (the encoder times
 * {@code a}, the decoder's first layer over {@code a}: the same reconstruction), so nothing in pretraining keeps
 * the layers at the scale a fresh network starts from. The zoo's undercomplete autoencoder 784-128-64-32 after 10
 * epochs ends with activations of root mean square 2.2, 5.8 and 10.0 in its three layers; Adam's steps have a
 * fixed size per weight, so the layers of such an encoder adapt at unequal rates when fine-tuned, and the head
 * starts on inputs ten times larger than it was initialised for. Balanced, the same encoder fine-tunes to lower
 * validation errors (BENCHMARKS.md, semi-supervised section).
 *
 * <p>A layer keeps its scale when it is not a dense or convolution layer, when its activation is not positively
 * homogeneous (sigmoid, tanh, softplus: their encoders are left as they are), when a vertex of the encoder that is
 * not a dense or convolution layer with that one input reads it (pooling, batch normalization, a merge, the VAE's
 * split of its latent parameters into mean and log-variance), or when all its activations are zero on the sample.
 * The vertices outside the encoder (the classifier's head) are fresh and read the balanced code as it is.
 */
public final class ScaleBalancing {
    private ScaleBalancing() {
    }

    /**
     * Balances the encoder of {@code net} in place on {@code sample} (a batch of the network's input) and returns,
     * per layer balanced, the factor {@code s} its output was divided by (the root mean square of its activations
     * before balancing). {@code encoder} names the encoder's vertices in {@code net} (layers and other vertices);
     * vertices outside it read the encoder's output as it comes (a fresh head).
     */
    public static Map<String, Double> balance(ComputationGraph net, Collection<String> encoder, INDArray sample) {
        if (sample == null || sample.rank() < 2 || sample.size(0) < 1) {
            throw new IllegalArgumentException("sample must be a batch of at least one example, got "
                    + (sample == null ? "null" : Arrays.toString(sample.shape())));
        }
        Map<String, List<String>> inputs = net.getConfiguration().getVertexInputs();
        Map<String, Double> factors = new LinkedHashMap<>();
        INDArray x = sample.castTo(net.params().dataType());
        for (int i : net.topologicalSortOrder()) {
            String name = net.getVertices()[i].getVertexName();
            if (!encoder.contains(name) || weighted(net, name) == null) {
                continue;
            }
            List<String> in = inputs.get(name);
            Double carried = in.size() == 1 ? factors.get(in.get(0)) : null;
            INDArray w = net.getLayer(name).getParam("W");
            if (carried != null) { // its input was divided by `carried`: undo it in the weights
                w.muli(carried);
            }
            if (!balanced(net, name, encoder, inputs)) {
                continue;
            }
            INDArray h = net.feedForward(x, false).get(name);
            double s = Math.sqrt(h.mul(h).meanNumber().doubleValue());
            if (!Double.isFinite(s)) {
                throw new IllegalStateException("layer '" + name + "' gives non-finite activations on the sample"
                        + " (root mean square " + s + ")");
            }
            if (s == 0) {
                continue;
            }
            w.divi(s);
            INDArray b = net.getLayer(name).getParam("b");
            if (b != null) { // a layer without bias has none to scale
                b.divi(s);
            }
            factors.put(name, s);
        }
        return factors;
    }

    /** The dense or convolution layer configuration of vertex {@code name}, unwrapped from a frozen layer. */
    private static BaseLayer weighted(ComputationGraph net, String name) {
        GraphVertex v = net.getConfiguration().getVertices().get(name);
        if (!(v instanceof LayerVertex lv)) {
            return null;
        }
        Layer l = lv.getLayerConf().getLayer();
        if (l instanceof FrozenLayer f) {
            l = f.getLayer();
        } else if (l instanceof FrozenLayerWithBackprop f) {
            l = f.getUnderlying();
        }
        // a weight matrix "W" read linearly (not a separable convolution's depthwise and pointwise pair)
        return (l instanceof DenseLayer || l instanceof ConvolutionLayer)
                && net.getLayer(name).paramTable().containsKey("W") ? (BaseLayer) l : null;
    }

    /** Whether vertex {@code name}'s output can be rescaled: homogeneous, and each reader inside compensates. */
    private static boolean balanced(ComputationGraph net, String name, Collection<String> encoder,
                                    Map<String, List<String>> inputs) {
        if (!homogeneous(weighted(net, name).getActivationFn())) {
            return false;
        }
        for (Map.Entry<String, List<String>> e : inputs.entrySet()) { // readers inside the encoder must compensate
            if (e.getValue().contains(name) && encoder.contains(e.getKey())
                    && (weighted(net, e.getKey()) == null || e.getValue().size() != 1)) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code f(a z) = a f(z)} for every {@code a > 0}. */
    static boolean homogeneous(IActivation a) {
        if (a instanceof ActivationReLU r) {
            return (r.getMax() == null || r.getMax() == 0) && (r.getThreshold() == null || r.getThreshold() == 0);
        }
        return a instanceof ActivationIdentity || a instanceof ActivationLReLU;
    }
}
