package org.unsupervisedzoo.zoo.denoising;

import java.util.Objects;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;
import org.unsupervisedzoo.zoo.core.Checks;

/**
 * Occlusion: a {@code patch x patch} square at a uniformly random position of each image is set to 0, so the
 * model learns to fill in missing parts. Works on flat {@code [batch, height*width]} or image
 * {@code [batch, 1, height, width]} inputs. Defaults: {@code patch = 10}, {@code height = width = 28}.
 */
public class OcclusionCorruption extends Corruption {
    private int patch = 10;
    private int height = 28;
    private int width = 28;

    /** For JSON; the defaults above. */
    public OcclusionCorruption() {
    }

    public OcclusionCorruption(int patch, int height, int width) {
        Checks.positive("patch", patch);
        Checks.positive("height", height);
        Checks.positive("width", width);
        if (patch > height || patch > width) {
            throw new IllegalArgumentException("patch (" + patch + ") must fit in the " + height + "x" + width
                    + " image");
        }
        this.patch = patch;
        this.height = height;
        this.width = width;
    }

    @Override
    protected Pair<INDArray, INDArray> apply(INDArray clean, Random rng) {
        long n = clean.size(0);
        if (clean.length() != n * height * width) {
            throw new IllegalArgumentException("occlusion expects " + height + "x" + width + " images, got shape "
                    + java.util.Arrays.toString(clean.shape()));
        }
        float[] keep = new float[(int) (n * height * width)];
        java.util.Arrays.fill(keep, 1f);
        for (int i = 0; i < n; i++) {
            int top = rng.nextInt(height - patch + 1);
            int left = rng.nextInt(width - patch + 1);
            for (int r = top; r < top + patch; r++) {
                for (int c = left; c < left + patch; c++) {
                    keep[i * height * width + r * width + c] = 0f;
                }
            }
        }
        INDArray mask = Nd4j.create(keep, clean.shape(), 'c').castTo(clean.dataType());
        return new Pair<>(clean.mul(mask), mask);
    }

    public int getPatch() {
        return patch;
    }

    public void setPatch(int patch) {
        this.patch = patch;
    }

    public int getHeight() {
        return height;
    }

    public void setHeight(int height) {
        this.height = height;
    }

    public int getWidth() {
        return width;
    }

    public void setWidth(int width) {
        this.width = width;
    }

    @Override
    public OcclusionCorruption clone() {
        return new OcclusionCorruption(patch, height, width);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof OcclusionCorruption)) {
            return false;
        }
        OcclusionCorruption c = (OcclusionCorruption) o;
        return c.patch == patch && c.height == height && c.width == width;
    }

    @Override
    public int hashCode() {
        return Objects.hash(getClass(), patch, height, width);
    }

    @Override
    public String toString() {
        return "OcclusionCorruption(patch=" + patch + ", " + height + "x" + width + ")";
    }
}
