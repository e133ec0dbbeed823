// The codes of a trained model's layer for every MNIST digit, written for examples/scripts/probe_reference.py (the
// linear probe side by side with scikit-learn's logistic regression). Writes OUT/{train,test}-codes.f32 (float32,
// little-endian, [n, width] row-major), OUT/{train,test}-labels.u8 and OUT/shape.txt ("n_train n_test width").
//   java -Xmx3g -cp "examples/target/unsupervised-zoo-examples.jar:examples/target/lib/*" \
//       examples/scripts/ProbeCodes.java MODEL.zip LAYER OUT        e.g. output/sparse/model.zip code output/codes
import java.io.DataOutputStream;
import java.io.BufferedOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.unsupervisedzoo.datasets.DataLocator;
import org.unsupervisedzoo.datasets.ImageDataset;
import org.unsupervisedzoo.datasets.LabelledImages;
import org.unsupervisedzoo.datasets.MnistIterator;
import org.unsupervisedzoo.datasets.Split;

public class ProbeCodes {
    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            throw new IllegalArgumentException("usage: ProbeCodes MODEL.zip LAYER OUT, got " + args.length + " arguments");
        }
        ComputationGraph g = ModelSerializer.restoreComputationGraph(Path.of(args[0]).toFile(), false);
        if (g.getLayer(args[1]) == null) {
            throw new IllegalArgumentException("LAYER: no layer '" + args[1] + "' in " + args[0]);
        }
        Path out = Files.createDirectories(Path.of(args[2]));
        var source = new DataLocator().locate(ImageDataset.MNIST);
        long width = 0;
        int[] counts = new int[2];
        for (Split split : new Split[] {Split.TRAIN, Split.TEST}) {
            LabelledImages data = source.load(split);
            String name = split == Split.TRAIN ? "train" : "test";
            MnistIterator it = MnistIterator.builder(data).batchSize(1000).shuffle(false).build();
            try (DataOutputStream codes = new DataOutputStream(new BufferedOutputStream(
                    Files.newOutputStream(out.resolve(name + "-codes.f32"))));
                 DataOutputStream labels = new DataOutputStream(new BufferedOutputStream(
                    Files.newOutputStream(out.resolve(name + "-labels.u8"))))) {
                while (it.hasNext()) {
                    DataSet ds = it.next();
                    INDArray c = g.feedForward(ds.getFeatures(), false).get(args[1]).castTo(DataType.FLOAT);
                    width = c.size(1);
                    float[] v = c.dup('c').data().asFloat();
                    ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
                    b.asFloatBuffer().put(v);
                    codes.write(b.array());
                    INDArray y = ds.getLabels().argMax(1);
                    for (int i = 0; i < y.length(); i++) {
                        labels.writeByte(y.getInt(i));
                    }
                }
            }
            counts[split == Split.TRAIN ? 0 : 1] = data.count();
        }
        Files.writeString(out.resolve("shape.txt"), counts[0] + " " + counts[1] + " " + width + "\n");
        System.out.println("wrote " + out + ": train " + counts[0] + ", test " + counts[1] + ", width " + width);
    }
}
