package org.unsupervisedzoo.zoo.som;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The SOM as a classifier: each unit carries the majority label of the training examples it is BMU of; a unit
 * without hits takes the label of the nearest labelled unit on the grid (ties to the lower unit index). An example
 * is classified as its BMU's label.
 */
public final class SomClassifier {
    private final SomMaps maps;
    private final int[] unitLabels;

    /** @param labelMap majority label per unit, -1 for units without hits (as {@link SomMaps#labelMap}) */
    public SomClassifier(SomMaps maps, int[] labelMap) {
        SomGrid grid = maps.grid();
        if (labelMap.length != grid.units()) {
            throw new IllegalArgumentException("labelMap must hold " + grid.units() + " labels, got "
                    + labelMap.length);
        }
        if (Arrays.stream(labelMap).allMatch(l -> l < 0)) {
            throw new IllegalArgumentException("no unit has a label: the labelled examples hit no unit");
        }
        this.maps = maps;
        this.unitLabels = new int[labelMap.length];
        for (int j = 0; j < labelMap.length; j++) {
            if (labelMap[j] >= 0) {
                unitLabels[j] = labelMap[j];
                continue;
            }
            int nearest = -1;
            for (int k = 0; k < labelMap.length; k++) {
                if (labelMap[k] >= 0 && (nearest < 0 || grid.distance2(j, k) < grid.distance2(j, nearest))) {
                    nearest = k;
                }
            }
            unitLabels[j] = labelMap[nearest];
        }
    }

    /** The label of every unit (index {@code r * cols + c}). */
    public int[] unitLabels() {
        return unitLabels.clone();
    }

    /** The predicted label of each example. */
    public int[] predict(INDArray x) {
        return Arrays.stream(maps.bmus(x)).map(c -> unitLabels[c]).toArray();
    }

    /** Share of examples predicted correctly. */
    public double accuracy(INDArray x, int[] labels) {
        int[] p = predict(x);
        if (labels.length != p.length) {
            throw new IllegalArgumentException("labels must hold one label per example (" + p.length + "), got "
                    + labels.length);
        }
        int ok = 0;
        for (int i = 0; i < p.length; i++) {
            if (p[i] == labels[i]) {
                ok++;
            }
        }
        return ok / (double) p.length;
    }
}
