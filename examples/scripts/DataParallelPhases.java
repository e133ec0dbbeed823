// Issue 23: where a two-worker step of fast.DataParallel goes (BENCHMARKS.md, "Where a two-worker step goes").
// Repeats the phases of DataParallel.fit for the undercomplete autoencoder (784-128-64-32) with a timer around each:
// worker 0's half-batch gradient on this thread, worker 1's on another, the wait, the updater step, the parameter
// copy; then, on this thread alone, the half-batch gradient and the whole one-thread step. Random digits-sized input
// (the cost does not depend on the values). Build first (mvn -q -DskipTests package), then:
//   ZOO_THREADS=1,1 java -Xmx2g -Xmn1g -cp "examples/target/unsupervised-zoo-examples.jar:examples/target/lib/*" \
//       examples/scripts/DataParallelPhases.java [batch=256] [steps=200] [rounds=4]
// Read the last rounds: the first ones include the JIT compiler's work on both cores.
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.unsupervisedzoo.zoo.autoencoder.UndercompleteAutoencoder;
import org.unsupervisedzoo.zoo.core.InputGradients;
import org.unsupervisedzoo.zoo.core.ZooRuntime;
import org.unsupervisedzoo.zoo.fast.Accelerate;

public class DataParallelPhases {
    static INDArray rows(INDArray x, long a, long b) {
        return x.get(NDArrayIndex.interval(a, b), NDArrayIndex.all()).dup();
    }

    static void gradient(ComputationGraph g, INDArray x) {
        g.setInputs(x);
        g.setLabels(x);
        g.computeGradientAndScore();
        g.clearLayersStates();
    }

    static void update(ComputationGraph g, int i, int batch) {
        g.getUpdater().update(g.gradient(), i, 0, batch, LayerWorkspaceMgr.noWorkspaces());
        g.params().subi(g.getFlattenedGradients().reshape(g.params().shape()));
    }

    public static void main(String[] args) throws Exception {
        System.out.println(ZooRuntime.applyDefaults());
        int batch = args.length > 0 ? Integer.parseInt(args[0]) : 256;
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 4;
        Nd4j.getRandom().setSeed(12345);
        INDArray x = Nd4j.rand(DataType.FLOAT, batch, 784);
        ComputationGraph g = Accelerate.init(UndercompleteAutoencoder.builder().inputSize(784).hiddenSizes(128, 64, 32)
                .build());
        ComputationGraph copy = new ComputationGraph(g.getConfiguration().clone());
        copy.init(g.params().dup(), false);
        InputGradients.skipAtNetworkInputs(copy);
        ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "worker-1");
            t.setDaemon(true);
            return t;
        });
        long h = batch / 2;
        for (int round = 1; round <= rounds; round++) {
            long grad0 = 0, wait = 0, upd = 0, assign = 0;
            long[] grad1 = {0};
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                long a = System.nanoTime();
                Future<?> f = worker.submit(() -> {
                    long s = System.nanoTime();
                    gradient(copy, rows(x, h, batch));
                    grad1[0] += System.nanoTime() - s;
                });
                gradient(g, rows(x, 0, h));
                long b = System.nanoTime();
                f.get();
                long c = System.nanoTime();
                g.getFlattenedGradients().addi(copy.getFlattenedGradients());
                update(g, i, batch);
                long d = System.nanoTime();
                copy.params().assign(g.params());
                long e = System.nanoTime();
                grad0 += b - a;
                wait += c - b;
                upd += d - c;
                assign += e - d;
            }
            double two = (System.nanoTime() - t0) / 1e6 / n;
            long s = System.nanoTime();
            for (int i = 0; i < n; i++) {
                gradient(g, rows(x, 0, h));
            }
            double half = (System.nanoTime() - s) / 1e6 / n;
            s = System.nanoTime();
            for (int i = 0; i < n; i++) {
                gradient(g, x);
                update(g, i, batch);
            }
            double one = (System.nanoTime() - s) / 1e6 / n;
            System.out.printf("round %d, ms per step: two workers %.2f (worker 0 half gradient %.2f, worker 1 half"
                    + " gradient %.2f, wait %.2f, update %.2f, copy %.2f) | one thread: half gradient %.2f, whole step"
                    + " %.2f | speed-up %.2fx%n", round, two, grad0 / 1e6 / n, grad1[0] / 1e6 / n, wait / 1e6 / n,
                    upd / 1e6 / n, assign / 1e6 / n, half, one, one / two);
        }
    }
}
