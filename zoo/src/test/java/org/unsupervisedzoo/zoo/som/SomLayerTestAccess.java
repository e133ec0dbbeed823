package org.unsupervisedzoo.zoo.som;


/** The hand-computed Kohonen step of {@link SomLayerTest}, for tests in other packages. */
public final class SomLayerTestAccess {
    private SomLayerTestAccess() {
    }

    public static double[][] kohonenStep(double[][] x, double[][] w, double sigma, double lr, SomGrid grid,
                                         Neighborhood h) {
        return SomLayerTest.kohonenStep(x, w, sigma, lr, grid, h);
    }

    public static double[] flat(double[][] m) {
        return SomLayerTest.flat(m);
    }
}
