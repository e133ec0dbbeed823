// Issue 23: fast.DataParallel without the data pipeline (BENCHMARKS.md, "Scaling on paper"). Trains the undercomplete
// autoencoder (784-128-64-32) on 8 fixed random minibatches of 256, 400 minibatches a round, 5 rounds, and prints
// examples/s per round: one worker (DL4J's fit), or N workers synchronous (every 0) or averaging every k rounds.
//   ZOO_THREADS=1,1 java -Xmx2g -cp "examples/target/unsupervised-zoo-examples.jar:examples/target/lib/*" \
//       examples/scripts/DataParallelHarness.java WORKERS EVERY        e.g. 1 0, 2 0, 2 8
// Read the last rounds: the first ones include the JIT compiler's work on both cores.
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.datasets.iterator.IteratorMultiDataSetIterator;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.unsupervisedzoo.zoo.autoencoder.UndercompleteAutoencoder;
import org.unsupervisedzoo.zoo.core.ZooRuntime;
import org.unsupervisedzoo.zoo.fast.Accelerate;
import org.unsupervisedzoo.zoo.fast.DataParallel;

public class DataParallelHarness {
    public static void main(String[] args) throws Exception {
        System.out.println(ZooRuntime.applyDefaults());
        int workers = Integer.parseInt(args[0]);
        int every = Integer.parseInt(args[1]);
        int batch = 256;
        int n = 400;
        Nd4j.getRandom().setSeed(12345);
        List<MultiDataSet> fixed = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            INDArray x = Nd4j.rand(DataType.FLOAT, batch, 784);
            fixed.add(new org.nd4j.linalg.dataset.MultiDataSet(new INDArray[] {x}, new INDArray[] {x}));
        }
        ComputationGraph g = Accelerate.init(UndercompleteAutoencoder.builder().inputSize(784).hiddenSizes(128, 64, 32)
                .build());
        try (DataParallel dp = new DataParallel(g, workers, 1, every)) {
            for (int r = 1; r <= 5; r++) {
                List<MultiDataSet> round = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    round.add(fixed.get(i % fixed.size()));
                }
                long t = System.nanoTime();
                if (workers == 1) {
                    for (MultiDataSet m : round) {
                        g.fit(m);
                    }
                } else {
                    dp.fit(new IteratorMultiDataSetIterator(round.iterator(), batch));
                }
                System.out.printf("workers %d every %d round %d: %.0f ex/s%n", workers, every, r,
                        n * (double) batch / ((System.nanoTime() - t) / 1e9));
            }
        }
    }
}
