package org.unsupervisedzoo.datasets;

/** Where a data set's images come from: a folder of IDX files, or the sample bundled in this jar. */
public interface DataSource {
    /** The data set these files hold. */
    ImageDataset dataset();

    /** Where the files are, for logs and run reports. */
    String description();

    /** True for the small bundled MNIST sample: results on it are not comparable with published ones. */
    boolean isSample();

    /** Reads and checks one split's images and labels. */
    LabelledImages load(Split split);
}
