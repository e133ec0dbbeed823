package org.unsupervisedzoo.zoo.sparse;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.BaseActivationFunction;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * k-sparse activation (Makhzani &amp; Frey, "k-Sparse Autoencoders", ICLR 2014): a linear unit that keeps, in
 * each example, only the {@code k} largest pre-activations and sets the rest to 0. The gradient flows through the
 * kept units only. Ties at the k-th value keep every tied unit. The same {@code k} applies at inference (the
 * paper's alpha = 1). Default {@code k = 25}.
 */
public class KSparseActivation extends BaseActivationFunction {
    private int k = 25;

    /** For JSON; the default above. */
    public KSparseActivation() {
    }

    public KSparseActivation(int k) {
        setK(k);
    }

    /** 1 where a unit is among its row's k largest, else 0: {@code [batch, n]}. */
    private INDArray topK(INDArray in) {
        long n = in.size(1);
        if (k >= n) {
            return Nd4j.onesLike(in);
        }
        INDArray sorted = Nd4j.sort(in.dup(), 1, false);
        INDArray kth = sorted.getColumn(k - 1, true); // [batch, 1]
        return in.subColumnVector(kth).gte(0.0).castTo(in.dataType());
    }

    @Override
    public INDArray getActivation(INDArray in, boolean training) {
        return in.muli(topK(in));
    }

    @Override
    public Pair<INDArray, INDArray> backprop(INDArray in, INDArray epsilon) {
        assertShape(in, epsilon);
        return new Pair<>(epsilon.muli(topK(in)), null);
    }

    public int getK() {
        return k;
    }

    public void setK(int k) {
        if (k <= 0) {
            throw new IllegalArgumentException("k must be positive, got " + k);
        }
        this.k = k;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KSparseActivation && ((KSparseActivation) o).k == k;
    }

    @Override
    public int hashCode() {
        return 31 * KSparseActivation.class.hashCode() + k;
    }

    @Override
    public String toString() {
        return "ksparse(k=" + k + ")";
    }
}
