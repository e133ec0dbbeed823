package org.unsupervisedzoo.zoo.denoising;

import org.nd4j.linalg.api.ndarray.INDArray;

/** Image quality measures on pixel values in [0,1]. */
public final class ImageMetrics {
    private ImageMetrics() {
    }

    /**
     * Peak signal-to-noise ratio in dB, {@code 10 log10(1 / MSE)} with peak 1, computed per image and averaged
     * over the batch (the first dimension). Identical images would give infinity; the MSE is floored at 1e-10.
     */
    public static double psnr(INDArray reference, INDArray test) {
        if (reference.length() != test.length()) {
            throw new IllegalArgumentException("reference and test differ in size: "
                    + java.util.Arrays.toString(reference.shape()) + " vs " + java.util.Arrays.toString(test.shape()));
        }
        long n = reference.size(0);
        INDArray a = reference.reshape(n, reference.length() / n);
        INDArray b = test.reshape(n, test.length() / n);
        INDArray diff = a.sub(b);
        INDArray mse = diff.muli(diff).mean(1);
        double total = 0;
        for (long i = 0; i < n; i++) {
            total += 10 * Math.log10(1.0 / Math.max(1e-10, mse.getDouble(i)));
        }
        return total / n;
    }
}
