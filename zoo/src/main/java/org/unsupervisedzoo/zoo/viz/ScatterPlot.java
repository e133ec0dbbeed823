package org.unsupervisedzoo.zoo.viz;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.eigen.Eigen;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A scatter plot of 2-D points coloured by class (e.g. test codes coloured by digit), with a legend, and a PCA
 * projection for codes of more than two dimensions.
 */
public final class ScatterPlot {
    /** Ten distinct colours (Tableau 10). */
    private static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c),
        new Color(0xd62728), new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f),
        new Color(0xbcbd22), new Color(0x17becf)};

    private ScatterPlot() {
    }

    /**
     * @param points {@code [n, 2]}
     * @param labels class of each point, 0..9
     * @param title  drawn at the top
     */
    public static BufferedImage plot(INDArray points, int[] labels, String title, int size) {
        if (points.rank() != 2 || points.size(1) != 2 || points.size(0) != labels.length) {
            throw new IllegalArgumentException("points must be [" + labels.length + ", 2], got "
                    + java.util.Arrays.toString(points.shape()));
        }
        double[][] p = points.castTo(DataType.DOUBLE).toDoubleMatrix();
        double minX = Double.MAX_VALUE;
        double maxX = -Double.MAX_VALUE;
        double minY = Double.MAX_VALUE;
        double maxY = -Double.MAX_VALUE;
        for (double[] q : p) {
            minX = Math.min(minX, q[0]);
            maxX = Math.max(maxX, q[0]);
            minY = Math.min(minY, q[1]);
            maxY = Math.max(maxY, q[1]);
        }
        int margin = 40;
        int legend = 90;
        BufferedImage img = new BufferedImage(size + legend, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.setColor(Color.LIGHT_GRAY);
        g.setStroke(new BasicStroke(1f));
        g.drawRect(margin, margin, size - 2 * margin, size - 2 * margin);
        double sx = (size - 2 * margin) / Math.max(1e-12, maxX - minX);
        double sy = (size - 2 * margin) / Math.max(1e-12, maxY - minY);
        for (int i = 0; i < p.length; i++) {
            int x = margin + (int) Math.round((p[i][0] - minX) * sx);
            int y = size - margin - (int) Math.round((p[i][1] - minY) * sy);
            g.setColor(PALETTE[Math.floorMod(labels[i], PALETTE.length)]);
            g.fillOval(x - 2, y - 2, 4, 4);
        }
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (int c = 0; c < PALETTE.length; c++) {
            g.setColor(PALETTE[c]);
            g.fillRect(size + 10, margin + 18 * c, 12, 12);
            g.setColor(Color.BLACK);
            g.drawString(Integer.toString(c), size + 28, margin + 18 * c + 11);
        }
        g.setColor(Color.BLACK);
        g.drawString(title, margin, margin - 12);
        g.dispose();
        return img;
    }

    /** The first two principal components of {@code x} ({@code [n, d]}, d >= 2): {@code [n, 2]}. */
    public static INDArray pca2(INDArray x) {
        if (x.rank() != 2 || x.size(1) < 2) {
            throw new IllegalArgumentException("x must be [n, d >= 2], got " + java.util.Arrays.toString(x.shape()));
        }
        INDArray centred = x.castTo(DataType.DOUBLE).dup();
        centred.subiRowVector(centred.mean(0));
        INDArray cov = centred.transpose().mmul(centred).divi(Math.max(1, x.size(0) - 1));
        INDArray values = Eigen.symmetricGeneralizedEigenvalues(cov, true); // cov now holds eigenvectors
        int d = (int) x.size(1);
        int first = 0;
        int second = 1;
        double[] v = values.toDoubleVector();
        Integer[] order = new Integer[d];
        for (int i = 0; i < d; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> Double.compare(v[b], v[a]));
        first = order[0];
        second = order[1];
        INDArray basis = Nd4j.hstack(cov.getColumn(first, true).reshape(d, 1), cov.getColumn(second, true)
                .reshape(d, 1));
        return centred.mmul(basis);
    }
}
