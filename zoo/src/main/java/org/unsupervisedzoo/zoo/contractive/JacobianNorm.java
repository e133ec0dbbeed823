package org.unsupervisedzoo.zoo.contractive;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The squared Frobenius norm {@code ||J(x)||_F^2} of the Jacobian of a vertex's activations (e.g. an encoder's
 * code) with respect to the graph's input, measured by central finite differences: independent of how any layer
 * computes or penalises it. Each example costs one forward pass of {@code 2 * inputSize} perturbed copies.
 */
public final class JacobianNorm {
    private JacobianNorm() {
    }

    /**
     * @param graph  a graph with one input of shape {@code [batch, inputSize]}
     * @param vertex the vertex whose activations are differentiated, e.g. {@code "code"}
     * @param x      examples, {@code [n, inputSize]}
     * @param eps    the finite-difference step (1e-3 suits FLOAT, 1e-5 DOUBLE)
     * @return {@code [n]}: {@code ||J(x_i)||_F^2} for each example
     */
    public static INDArray finiteDifference(ComputationGraph graph, String vertex, INDArray x, double eps) {
        if (x.rank() != 2) {
            throw new IllegalArgumentException("x must be [n, inputSize], got rank " + x.rank());
        }
        long n = x.size(0);
        long d = x.size(1);
        INDArray out = Nd4j.create(x.dataType(), n);
        INDArray step = Nd4j.eye(d).castTo(x.dataType()).muli(eps);
        for (long i = 0; i < n; i++) {
            INDArray row = x.getRow(i, true);
            INDArray plus = step.add(row);   // [d, d]: row + eps e_k
            INDArray minus = step.rsub(row); // row - eps e_k
            INDArray both = Nd4j.vstack(plus, minus);
            INDArray h = graph.feedForward(both, false).get(vertex);
            if (h == null) {
                throw new IllegalArgumentException("graph has no vertex '" + vertex + "'");
            }
            INDArray diff = h.get(NDArrayIndex.interval(0, d), NDArrayIndex.all())
                    .sub(h.get(NDArrayIndex.interval(d, 2 * d), NDArrayIndex.all())).divi(2 * eps);
            out.putScalar(i, diff.mul(diff).sumNumber().doubleValue());
        }
        return out;
    }
}
