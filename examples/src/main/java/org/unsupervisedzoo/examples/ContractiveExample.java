package org.unsupervisedzoo.examples;

import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.unsupervisedzoo.datasets.LabelledImages;
import org.unsupervisedzoo.zoo.contractive.ContractiveDenseLayer;
import org.unsupervisedzoo.zoo.autoencoder.AutoencoderFactory;
import org.unsupervisedzoo.zoo.autoencoder.Autoencoders;
import org.unsupervisedzoo.zoo.contractive.ContractiveAutoencoder;
import org.unsupervisedzoo.zoo.contractive.JacobianNorm;

/**
 * Contractive autoencoder. Per epoch it reports the encoder's squared Jacobian norm on 50 test digits, measured by
 * finite differences (independently of the penalty layer).
 */
final class ContractiveExample extends AutoencoderRunner {
    @Override
    public String description() {
        return "contractive autoencoder (Jacobian penalty)";
    }

    @Override
    public String name() {
        return "contractive-autoencoder";
    }

    @Override
    Options modelOptions(Options o) {
        return o.option("hidden", "512", "encoder widths ending with the code size").eachAtLeast(1)
                .option("lambda", "1", "weight of ||J||_F^2").atLeast(0)
                .option("decoder-max-norm", "0", "if > 0: each code unit's outgoing decoder weights kept at norm <="
                        + " this (closes the penalty's rescaling loophole; 0: off)").atLeast(0)
                .option("code-activation", "sigmoid", "the code layer's activation: sigmoid (Rifai's), tanh, relu,"
                        + " softplus or identity");
    }

    /** The --code-activation option as DL4J's activation, or a one-line error naming the option and the value. */
    static Activation codeActivation(Options o) {
        return activation(o, "code-activation", ContractiveDenseLayer.SUPPORTED.toArray(new Activation[0]));
    }

    @Override
    AutoencoderFactory factory(Options o, LabelledImages train) {
        return ContractiveAutoencoder.builder()
                .inputSize(train.pixelCount())
                .hiddenSizes(o.integers("hidden"))
                .lambda(o.real("lambda"))
                .codeActivation(codeActivation(o))
                .decoderMaxNorm(o.real("decoder-max-norm"))
                .updater(adam(o, train))
                .seed(o.integer("seed"))
                .build();
    }

    @Override
    void measure(ComputationGraph graph, INDArray testDigits, Map<String, Double> out) {
        INDArray x = testDigits.get(NDArrayIndex.interval(0, 50), NDArrayIndex.all());
        out.put("jacobian_fro2", JacobianNorm.finiteDifference(graph, Autoencoders.CODE, x, 1e-3)
                .meanNumber().doubleValue());
    }
}
