package org.unsupervisedzoo.zoo.denoising;

import org.deeplearning4j.nn.conf.dropout.IDropout;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Input corruption for denoising autoencoders. It is a DL4J {@link IDropout}: set on the first encoder layer,
 * DL4J applies it to that layer's input during training only (fresh noise every minibatch, drawn from ND4J's
 * random generator, which the network's seed seeds), and inference sees clean inputs. The same corruption also
 * serves {@link CorruptingIterator}, for the Keras-style {@code fit(noisy, clean)}.
 *
 * <p>Subclasses implement {@link #corrupt}; a corruption that replaces values (masking, salt-and-pepper,
 * occlusion) returns the mask of kept elements so the gradient passes through them only. Subclasses need a
 * no-arg constructor and getters and setters (JSON).
 */
public abstract class Corruption implements IDropout {
    private transient INDArray keep;

    /**
     * A corrupted copy of {@code clean}; {@code clean} itself is not modified.
     *
     * @param rng the random generator to draw from
     */
    public final INDArray corrupt(INDArray clean, Random rng) {
        return apply(clean, rng).getFirst();
    }

    /**
     * The corrupted copy and the mask of kept elements (1 kept, 0 replaced), or a null mask when every element
     * passes through with derivative 1 (additive noise).
     */
    protected abstract org.nd4j.common.primitives.Pair<INDArray, INDArray> apply(INDArray clean, Random rng);

    @Override
    public INDArray applyDropout(INDArray input, INDArray result, int iteration, int epoch,
                                 LayerWorkspaceMgr workspaceMgr) {
        try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            // the mask lives outside DL4J's workspaces: backprop runs after they have been recycled
            keep = result == input ? applyInto(input.dup(), result, Nd4j.getRandom())
                    : applyInto(input, result, Nd4j.getRandom());
            return result;
        }
    }

    /**
     * Writes the corrupted copy of {@code clean} into {@code result} (a different array of the same shape) and returns
     * the mask of kept elements, or null (see {@link #apply}); called during training, outside DL4J's workspaces. This
     * default copies {@link #apply}'s result; a corruption may draw straight into {@code result} and reuse its mask
     * buffer across steps instead: ND4J frees arrays made outside workspaces only when the garbage collector runs,
     * so fresh arrays each step land on fresh memory pages (the Gaussian corruption's six arrays per step were a
     * quarter of the denoising autoencoder's step, BENCHMARKS.md).
     */
    protected INDArray applyInto(INDArray clean, INDArray result, Random rng) {
        org.nd4j.common.primitives.Pair<INDArray, INDArray> out = apply(clean, rng);
        result.assign(out.getFirst());
        return out.getSecond();
    }

    @Override
    public INDArray backprop(INDArray gradAtOutput, INDArray gradAtInput, int iteration, int epoch) {
        if (gradAtInput != gradAtOutput) {
            gradAtInput.assign(gradAtOutput);
        }
        if (keep != null) {
            gradAtInput.muli(keep);
        }
        keep = null;
        return gradAtInput;
    }

    @Override
    public void clear() {
        keep = null;
    }

    /** A copy with the same hyper-parameters and no state. */
    @Override
    public abstract Corruption clone();

    /** Uniform draws in [0,1) shaped like {@code x}, of its type. */
    protected static INDArray uniform(INDArray x, Random rng) {
        return Nd4j.rand(rng, x.shape()).castTo(x.dataType());
    }

    /** Elements {@code < p} as 1, others 0, of the type of {@code like}. */
    protected static INDArray below(INDArray u, double p, INDArray like) {
        return u.lt(p).castTo(like.dataType());
    }

    protected static double fraction(String field, double value) {
        if (!(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException(field + " must be in [0,1], got " + value);
        }
        return value;
    }
}
