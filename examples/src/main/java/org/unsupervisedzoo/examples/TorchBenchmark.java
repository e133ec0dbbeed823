package org.unsupervisedzoo.examples;

import org.unsupervisedzoo.zoo.fast.Accelerate;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.deeplearning4j.datasets.iterator.AsyncMultiDataSetIterator;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.shade.jackson.databind.ObjectMapper;
import org.unsupervisedzoo.datasets.DataSource;
import org.unsupervisedzoo.datasets.LabelledImages;
import org.unsupervisedzoo.datasets.MnistIterator;
import org.unsupervisedzoo.datasets.Split;
import org.unsupervisedzoo.zoo.autoencoder.AutoencoderFactory;
import org.unsupervisedzoo.zoo.core.ZooRuntime;

/**
 * {@code bench-torch}: each zoo model against a PyTorch CPU twin of the same architecture, batch and optimiser
 * ({@code examples/scripts/torch_twins.py}, run with Debian's python3-torch), side by side. For each model and each
 * of {@code --pairs} pairs it runs the zoo model in a fresh child JVM and the twin in a child Python, alternating
 * which goes first, each for {@code --warmup} untimed and {@code --steps} timed training steps on full MNIST, then
 * the test loss after them (the same loss on both sides: reconstruction BCE per pixel, the VAE's -ELBO in nats).
 * Per run it prints examples/s, GFLOPS (matrix and convolution work counted from the configuration, {@link
 * StepFlops}), peak resident memory (VmHWM) and the time from process start to the first training step; per model
 * the medians and the median of the per-pair throughput ratios DL4J/PyTorch.
 *
 * <p>With {@code --side dl4j} it runs only the zoo side once, in this process, and prints one {@code RESULT} line
 * (what the parent's child JVMs do). {@code --profile true} adds, on that side, a sampling profile of the main
 * thread over the timed steps: the share of samples in each DL4J layer's forward and backward pass, the updater and
 * the data pipeline. {@code --iterator true} times the data iterators alone against the fastest model.
 *
 * <p>Models: the {@code train} commands' names (autoencoder, denoising, sparse, contractive, conv, vae), each with
 * its example's defaults except the batch, and {@code rbm} and {@code gan} with their runners' own batch and
 * learning rate over as many digits ({@link RbmGanBench}). A model gets a twin by a builder of the same name in the
 * script. {@code --profile deep} also names, per part, the innermost ND4J call and the line that made it.
 */
final class TorchBenchmark {
    /** Jackson, made at first use: its classes took 0.1-0.2 s to load before the DL4J side's first step. */
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper();
    }

    private TorchBenchmark() {
    }

    static Options options() {
        return ExampleData.declare(new Options())
                .option("models", "undercomplete-autoencoder,denoising-autoencoder,sparse-autoencoder,contractive-autoencoder,"
                        + "convolutional-autoencoder,variational-autoencoder,rbm,mlp-gan", "train commands to compare "
                        + "(rbm and gan: their runner's batch and learning rate, as many digits as steps x batch)")
                .option("steps", "200", "timed training steps per run").min(1)
                .option("warmup", "20", "untimed steps before timing").min(0)
                .option("pairs", "3", "alternating DL4J/PyTorch pairs per model").min(1)
                .option("batch", "128", "minibatch size (both sides)").min(1)
                .option("lr", "0.001", "Adam learning rate (both sides)").positive()
                .option("seed", "12345", "seed of both sides: weights, shuffling, noise and draws (the examples' default)").anyInt()
                .option("torch-threads", "1", "torch.set_num_threads of the twin (1 was fastest on 2 cores, BENCHMARKS.md)").min(1)
                .option("python", "/usr/bin/python3", "Python with torch (Debian's python3-torch)")
                .option("script", "examples/scripts/torch_twins.py", "the twins script")
                .option("dl4j-env", "", "extra environment of the DL4J child JVM, space-separated, e.g. "
                        + "'OMP_NUM_THREADS=1 ZOO_THREADS=1,2' (empty: inherited, so the zoo's defaults apply)")
                .option("side", "both", "both, dl4j (one DL4J run in this process), torch (the twins only) or iterator "
                        + "(the data iterators alone)")
                .option("profile", "false", "true: sample where the DL4J side's time goes (printed by the child); deep: also the innermost ND4J call")
                .option("iterator", "true", "true: time the MNIST iterators alone against the fastest model")
                .option("decoder", "", "conv only: transposed or upsampling (empty: the example's default)")
                .option("out", "output/bench-torch", "folder for runs.csv");
    }

    static void run(Options o) throws Exception {
        switch (o.string("side")) {
            case "dl4j":
                for (String m : models(o)) {
                    System.out.println("RESULT " + Json.MAPPER.writeValueAsString(dl4jRun(m, o)));
                }
                return;
            case "both":
            case "torch":
                compare(o);
                return;
            case "iterator":
                iterators(o, 0);
                return;
            default:
                throw new IllegalArgumentException("--side must be both, dl4j, torch or iterator, got '" + o.string("side")
                        + "'");
        }
    }

    private static List<String> models(Options o) {
        List<String> names = new ArrayList<>();
        for (String m : o.string("models").split(",")) {
            String name = m.trim();
            if (!Main.examples().containsKey(name) && !RbmGanBench.handles(name)) {
                throw new IllegalArgumentException("--models: unknown model '" + name + "'; known: "
                        + Main.examples().keySet() + ", " + RbmGanBench.RBM_MODEL + ", " + RbmGanBench.GAN_MODEL + ", "
                        + RbmGanBench.DCGAN_MODEL);
            }
            names.add(name);
        }
        if (names.isEmpty()) {
            throw new IllegalArgumentException("--models must name at least one model");
        }
        return names;
    }

    // ---------------------------------------------------------------- the DL4J side, in this process

    /** The profile's sampler of this thread as {@code --profile} asks (not started), or null. */
    static Sampler sampler(Options o) {
        String profile = o.string("profile");
        return profile.equals("false") ? null : new Sampler(Thread.currentThread(), profile.equals("deep"));
    }

    /** One DL4J run of a model: warm-up, timed steps, test loss, memory and start-up time. */
    static Map<String, Object> dl4jRun(String model, Options o) throws IOException {
        if (RbmGanBench.handles(model)) {
            return RbmGanBench.run(model, o);
        }
        AutoencoderRunner runner = Main.examples().get(model);
        Options mo = runner.options();
        mo.set("data", o.string("data")).set("batch", o.string("batch")).set("lr", o.string("lr"))
                .set("seed", o.string("seed"));
        if (o.path("data-dir") != null) {
            mo.set("data-dir", o.string("data-dir"));
        }
        if (model.equals("convolutional-autoencoder") && !o.string("decoder").isEmpty()) {
            mo.set("decoder", o.string("decoder"));
        }
        int batch = o.integer("batch");
        int steps = o.integer("steps");
        int warmup = o.integer("warmup");
        DataSource source = ExampleData.locate(mo);
        LabelledImages train = source.load(Split.TRAIN);
        LabelledImages test = source.load(Split.TEST);
        AutoencoderFactory factory = runner.factory(mo, train);
        MnistIterator clean = MnistIterator.builder(train).batchSize(batch).seed(mo.integer("seed"))
                .shape(runner.shape()).binarization(runner.binarization(mo)).target(MnistIterator.Target.INPUT)
                .build();
        MultiDataSetIterator it = runner.trainIterator(runner.trainingData(clean, mo), factory, mo);
        if (it.asyncSupported()) { // as ComputationGraph.fit(iterator) does: batches prefetched on a second thread
            it = new AsyncMultiDataSetIterator(it, 2, true);
        }
        ComputationGraph graph = Accelerate.init(factory);

        MultiDataSetIterator batches = it;
        MultiDataSet[] last = new MultiDataSet[1];
        Sampler sampler = sampler(o);
        Timing t = Timing.of(() -> {
            last[0] = nextFull(batches, batch);
            graph.fit(last[0]);
        }, warmup, steps, sampler);
        double trainLoss = graph.score() * runner.scoreScale(factory, train.pixelCount()) * train.pixelCount();
        MnistIterator testIt = MnistIterator.builder(test).batchSize(1000).shuffle(false).shape(runner.shape())
                .target(MnistIterator.Target.INPUT).build();
        double testLoss = runner.testLoss(graph, testIt, factory, new LinkedHashMap<>());
        double flops = StepFlops.perExample(graph.getConfiguration(),
                Arrays.stream(last[0].getFeatures()).map(a -> StepFlops.typeOf(a.shape()))
                        .toArray(org.deeplearning4j.nn.conf.inputs.InputType[]::new));

        return result(model, steps, warmup, batch, t, trainLoss, testLoss, flops, sampler);
    }

    /** Wall-clock times of one run: the first step's start (epoch ms) and the timed steps' seconds. */
    static final class Timing {
        final long firstStepEpochMs;
        final double seconds;

        private Timing(long firstStepEpochMs, double seconds) {
            this.firstStepEpochMs = firstStepEpochMs;
            this.seconds = seconds;
        }

        /** {@code warmup} untimed steps, then {@code steps} timed ones, profiled by {@code sampler} (may be null). */
        static Timing of(Runnable step, int warmup, int steps, Sampler sampler) {
            long firstStep = System.currentTimeMillis();
            for (int i = 0; i < warmup; i++) {
                step.run();
            }
            Sampler.start(sampler);
            long t0 = System.nanoTime();
            for (int i = 0; i < steps; i++) {
                step.run();
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            Sampler.stop(sampler);
            return new Timing(firstStep, seconds);
        }
    }

    /** The {@code RESULT} fields of one DL4J run, with this process's threads, peak memory and start time. */
    static Map<String, Object> result(String model, int steps, int warmup, int batch, Timing t, double trainLoss,
                                      double testLoss, double flops, Sampler sampler) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("side", "dl4j");
        r.put("model", model);
        r.put("steps", steps);
        r.put("warmup", warmup);
        r.put("batch", batch);
        r.put("threads", ZooRuntime.describe());
        r.put("seconds", t.seconds);
        r.put("examples_per_second", steps * (double) batch / t.seconds);
        r.put("train_loss", trainLoss);
        r.put("test_loss", testLoss);
        r.put("first_step_epoch_ms", (double) t.firstStepEpochMs);
        r.put("peak_rss_mb", peakRssMb());
        r.put("flops_per_example", flops);
        r.put("jvm_start_epoch_ms", (double) ManagementFactory.getRuntimeMXBean().getStartTime());
        if (sampler != null) {
            r.put("profile", sampler.shares());
        }
        return r;
    }

    /** The next full batch (an epoch's short last batch is skipped, as the twin never sees one). */
    private static MultiDataSet nextFull(MultiDataSetIterator it, int batch) {
        while (true) {
            if (!it.hasNext()) {
                it.reset();
            }
            MultiDataSet mds = it.next();
            if (mds != null && mds.getFeatures(0).size(0) == batch) { // (null: a prefetching iterator ran out)
                return mds;
            }
        }
    }

    /** Peak resident memory of this process (VmHWM), in MiB; NaN where /proc is missing. */
    static double peakRssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // no /proc
        }
        return Double.NaN;
    }

    /**
     * Samples one thread's stack every millisecond and attributes each sample to the innermost DL4J layer or vertex
     * method on it ({@code ConvolutionLayer.backpropGradient}, ...), the updater, the data pipeline, or "other".
     */
    static final class Sampler {
        private final Map<String, Integer> counts = new TreeMap<>();
        private final Thread target;
        private final Thread thread;
        private final boolean deep;
        private volatile boolean running = true;
        private final java.util.concurrent.CountDownLatch looping = new java.util.concurrent.CountDownLatch(1);
        private int total;

        Sampler(Thread target, boolean deep) {
            this.target = target;
            this.deep = deep;
            this.thread = new Thread(this::loop, "bench-sampler");
            this.thread.setDaemon(true);
        }

        /** Starts sampling and returns once the sampler runs, so the timed steps are sampled from the first (a null sampler: nothing). */
        static void start(Sampler s) {
            if (s != null) {
                s.thread.start();
                try {
                    s.looping.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        /** Stops sampling (a null sampler: nothing). */
        static void stop(Sampler s) {
            if (s != null) {
                s.stop();
            }
        }

        private void loop() {
            looping.countDown();
            while (running) {
                StackTraceElement[] stack = target.getStackTrace();
                String key = deep ? classify(stack) + " <- " + innermost(stack) : classify(stack);
                synchronized (counts) {
                    counts.merge(key, 1, Integer::sum);
                    total++;
                }
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        static String classify(StackTraceElement[] stack) {
            for (StackTraceElement f : stack) {
                String c = f.getClassName();
                if (c.startsWith("org.deeplearning4j.nn.updater") || c.startsWith("org.nd4j.linalg.learning")
                        || c.startsWith("org.unsupervisedzoo.zoo.fast.FastAdam")) {
                    return "updater";
                }
                if (c.startsWith("org.unsupervisedzoo.datasets") || c.startsWith("org.unsupervisedzoo.zoo.core.ReconstructionIterator")
                        || c.startsWith("org.unsupervisedzoo.zoo.core.MappedMultiDataSetIterator")
                        || c.startsWith("org.unsupervisedzoo.zoo.vae.VaeIterator")) {
                    return "data";
                }
                if ((c.startsWith("org.deeplearning4j.nn.layers") || c.startsWith("org.deeplearning4j.nn.graph.vertex")
                        || (c.startsWith("org.unsupervisedzoo.zoo.") && !c.startsWith("org.unsupervisedzoo.zoo.core.ZooRuntime")))
                        && (f.getMethodName().equals("activate") || f.getMethodName().equals("backpropGradient")
                        || f.getMethodName().equals("doForward") || f.getMethodName().equals("doBackward")
                        || f.getMethodName().equals("computeScore"))) {
                    String simple = c.substring(c.lastIndexOf('.') + 1);
                    String m = f.getMethodName();
                    return simple + (m.equals("backpropGradient") || m.equals("doBackward") ? " backward"
                            : m.equals("computeScore") ? " score" : " forward");
                }
            }
            return "other (graph bookkeeping, workspaces, JIT)";
        }

        /** The innermost ND4J or zoo call of a stack, with the zoo or DL4J line that made it (the deep profile). */
        static String innermost(StackTraceElement[] stack) {
            String call = null;
            for (StackTraceElement f : stack) {
                String c = f.getClassName();
                if (call == null && (c.startsWith("org.nd4j") || c.startsWith("org.unsupervisedzoo"))) {
                    call = c.substring(c.lastIndexOf('.') + 1) + "." + f.getMethodName();
                }
                if (call != null && (c.startsWith("org.unsupervisedzoo") || c.startsWith("org.deeplearning4j"))) {
                    return call + " @ " + c.substring(c.lastIndexOf('.') + 1) + ":" + f.getLineNumber();
                }
            }
            return call == null ? (stack.length == 0 ? "?" : stack[0].toString()) : call;
        }

        void stop() {
            running = false;
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        Map<String, Double> shares() {
            Map<String, Double> out = new LinkedHashMap<>();
            synchronized (counts) {
                counts.entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue())
                        .forEach(e -> out.put(e.getKey(), e.getValue() / (double) total));
            }
            if (out.isEmpty()) {
                out.put("no samples: the timed steps ended within the sampler's first millisecond, ask for more --steps", 0.0);
            }
            return out;
        }
    }

    // ---------------------------------------------------------------- the comparison, in child processes

    private static void compare(Options o) throws Exception {
        List<String> models = models(o);
        int pairs = o.integer("pairs");
        boolean torchOnly = o.string("side").equals("torch");
        Path out = o.path("out");
        Files.createDirectories(out);
        System.out.printf("bench-torch  data %s  batch %d  steps %d (+%d warm-up)  pairs %d  torch threads %d  "
                        + "DL4J child env [%s]  DL4J JVM options %s  cores %d  load %.2f%n", o.string("data"),
                o.integer("batch"), o.integer("steps"), o.integer("warmup"), pairs, o.integer("torch-threads"),
                o.string("dl4j-env"), ManagementFactory.getRuntimeMXBean().getInputArguments(),
                Runtime.getRuntime().availableProcessors(), loadAverage());
        if (ManagementFactory.getRuntimeMXBean().getInputArguments().stream().noneMatch(a -> a.startsWith("-Xmn")
                || a.startsWith("-XX:MaxNewSize") || a.startsWith("-XX:NewSize"))) {
            System.out.println("note: the DL4J children inherit this JVM's options, which set no young generation; "
                    + "README's commands run java -Xmn16m (README \"Young generation\")");
        }
        List<Map<String, Object>> all = new ArrayList<>();
        Map<String, double[]> summary = new LinkedHashMap<>();
        double fastestExamplesPerSecond = 0;
        try (CsvLog csv = new CsvLog(out.resolve("runs.csv"))) {
            csv.header("model,pair,side,examples_per_second,gflops,test_loss,train_loss,peak_rss_mb,start_to_step_s,"
                    + "load");
            for (String model : models) {
                List<Double> ratios = new ArrayList<>();
                List<Double> dl4jEps = new ArrayList<>();
                List<Double> torchEps = new ArrayList<>();
                List<Double> dl4jLoss = new ArrayList<>();
                List<Double> torchLoss = new ArrayList<>();
                List<Double> dl4jRss = new ArrayList<>();
                List<Double> torchRss = new ArrayList<>();
                List<Double> dl4jStart = new ArrayList<>();
                List<Double> torchStart = new ArrayList<>();
                double flops = Double.NaN;
                for (int p = 1; p <= pairs; p++) {
                    Map<String, Object> d = null;
                    Map<String, Object> t;
                    if (torchOnly) {
                        t = child(torchCommand(model, o), Map.of());
                    } else if (p % 2 == 1) {
                        d = child(dl4jCommand(model, o), env(o));
                        t = child(torchCommand(model, o), Map.of());
                    } else {
                        t = child(torchCommand(model, o), Map.of());
                        d = child(dl4jCommand(model, o), env(o));
                    }
                    if (d != null) {
                        flops = num(d, "flops_per_example");
                    }
                    StringBuilder line = new StringBuilder(String.format("pair %d %-12s", p, model));
                    for (Map<String, Object> r : d == null ? List.of(t) : List.of(d, t)) {
                        double eps = num(r, "examples_per_second");
                        double start = (num(r, "first_step_epoch_ms") - num(r, "spawn_epoch_ms")) / 1000.0;
                        boolean isDl4j = r == d;
                        (isDl4j ? dl4jEps : torchEps).add(eps);
                        (isDl4j ? dl4jLoss : torchLoss).add(num(r, "test_loss"));
                        (isDl4j ? dl4jRss : torchRss).add(num(r, "peak_rss_mb"));
                        (isDl4j ? dl4jStart : torchStart).add(start);
                        line.append(String.format("  %s %7.0f ex/s %6.1f GFLOPS test %.5f rss %5.0f MB start %.2fs",
                                isDl4j ? "dl4j" : "torch", eps, eps * flops / 1e9, num(r, "test_loss"),
                                num(r, "peak_rss_mb"), start));
                        csv.printf("%s,%d,%s,%.1f,%.2f,%.6f,%.6f,%.1f,%.3f,%.2f%n", model, p, r.get("side"), eps,
                                eps * flops / 1e9, num(r, "test_loss"), num(r, "train_loss"), num(r, "peak_rss_mb"),
                                start, loadAverage());
                        all.add(r);
                        if (r.get("profile") != null) {
                            line.append("\n    profile (").append(r.get("side")).append("): ").append(r.get("profile"));
                        }
                    }
                    if (d != null) {
                        double ratio = num(d, "examples_per_second") / num(t, "examples_per_second");
                        ratios.add(ratio);
                        line.append(String.format("  ratio %.2f", ratio));
                        fastestExamplesPerSecond = Math.max(fastestExamplesPerSecond, num(d, "examples_per_second"));
                    }
                    fastestExamplesPerSecond = Math.max(fastestExamplesPerSecond, num(t, "examples_per_second"));
                    System.out.println(line);
                    csv.flush();
                }
                summary.put(model, new double[] {median(dl4jEps), median(torchEps), median(ratios), flops,
                    median(dl4jLoss), median(torchLoss), median(dl4jRss), median(torchRss), median(dl4jStart),
                    median(torchStart)});
            }
        }
        System.out.println();
        System.out.println("model         dl4j ex/s  torch ex/s  ratio(median of pairs)  dl4j GFLOPS  torch GFLOPS"
                + "  test loss dl4j/torch   peak RSS MB dl4j/torch (x)  start s dl4j/torch");
        summary.forEach((m, s) -> System.out.printf("%-12s %10.0f %11.0f %10.2f %22.1f %12.1f   %.5f / %.5f   "
                        + "%6.0f / %-6.0f (%.2fx)   %.2f / %.2f%n", m, s[0], s[1], s[2], s[0] * s[3] / 1e9,
                s[1] * s[3] / 1e9, s[4], s[5], s[6], s[7], s[6] / s[7], s[8], s[9]));
        if (o.bool("iterator")) {
            iterators(o, fastestExamplesPerSecond);
        }
        System.out.println("wrote " + out.resolve("runs.csv"));
    }

    private static Map<String, String> env(Options o) {
        Map<String, String> env = new LinkedHashMap<>();
        for (String kv : o.string("dl4j-env").trim().split("\\s+")) {
            if (kv.isBlank()) {
                continue;
            }
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--dl4j-env must be NAME=VALUE pairs, got '" + kv + "'");
            }
            env.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
        }
        return env;
    }

    private static List<String> dl4jCommand(String model, Options o) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Main.class.getName());
        cmd.addAll(List.of("bench-torch", "--side", "dl4j", "--models", model, "--steps", o.string("steps"),
                "--warmup", o.string("warmup"), "--batch", o.string("batch"), "--lr", o.string("lr"),
                "--data", o.string("data"), "--profile", o.string("profile"), "--decoder", o.string("decoder"),
                "--seed", o.string("seed")));
        if (o.path("data-dir") != null) {
            cmd.addAll(List.of("--data-dir", o.string("data-dir")));
        }
        return cmd;
    }

    private static List<String> torchCommand(String model, Options o) {
        if (!o.string("data").equals("mnist")) {
            throw new IllegalArgumentException("the PyTorch twins read full MNIST: use --data mnist (got '"
                    + o.string("data") + "')");
        }
        Path script = o.path("script");
        if (!Files.isRegularFile(script)) {
            throw new IllegalArgumentException("--script: no file " + script + " (run from the project root)");
        }
        boolean own = RbmGanBench.handles(model); // the runner's batch and rate, the same number of digits
        int batch = o.integer("batch");
        List<String> cmd = new ArrayList<>(List.of(o.string("python"), script.toString(), "--model", model,
                "--steps", own ? "" + RbmGanBench.scaled(o.integer("steps"), batch, model) : o.string("steps"),
                "--warmup", own ? "" + RbmGanBench.scaled(o.integer("warmup"), batch, model) : o.string("warmup"),
                "--batch", own ? "" + RbmGanBench.batch(model) : o.string("batch"),
                "--lr", own ? RbmGanBench.lr(model) : o.string("lr"), "--threads", o.string("torch-threads"),
                "--seed", o.string("seed")));
        if (model.equals("convolutional-autoencoder") && !o.string("decoder").isEmpty()) {
            cmd.addAll(List.of("--decoder", o.string("decoder")));
        }
        DataSource located = ExampleData.locate(o);
        if (!(located instanceof org.unsupervisedzoo.datasets.FolderSource)) {
            throw new IllegalArgumentException("the PyTorch twins need MNIST's IDX files in a folder");
        }
        Path dataDir = ((org.unsupervisedzoo.datasets.FolderSource) located).folder();
        cmd.addAll(List.of("--data-dir", dataDir.toString()));
        return cmd;
    }

    /** Runs a child to its end and returns its {@code RESULT} line's fields plus {@code spawn_epoch_ms}. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> child(List<String> cmd, Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        long spawn = System.currentTimeMillis();
        Process p = pb.start();
        String result = null;
        StringBuilder tail = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.startsWith("RESULT ")) {
                    result = line.substring(7);
                } else {
                    tail.append(line).append('\n');
                    if (tail.length() > 4000) {
                        tail.delete(0, tail.length() - 4000);
                    }
                }
            }
        }
        int status = p.waitFor();
        if (status != 0 || result == null) {
            throw new CliException("child failed (exit " + status + "): " + String.join(" ", cmd) + "\n" + tail);
        }
        Map<String, Object> m = Json.MAPPER.readValue(result, LinkedHashMap.class);
        m.put("spawn_epoch_ms", (double) spawn);
        return m;
    }

    private static double num(Map<String, Object> m, String key) {
        Object v = m.get(key);
        return v instanceof Number ? ((Number) v).doubleValue() : Double.NaN;
    }

    static double median(List<Double> xs) {
        if (xs.isEmpty()) {
            return Double.NaN;
        }
        double[] a = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    }

    static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    // ---------------------------------------------------------------- the data pipeline alone

    /** Batches per second of the training iterators alone (flat, image, VAE), against the fastest model's steps. */
    private static void iterators(Options o, double fastestExamplesPerSecond) {
        DataSource source = ExampleData.locate(o);
        LabelledImages train = source.load(Split.TRAIN);
        int batch = o.integer("batch");
        for (String model : List.of("undercomplete-autoencoder", "convolutional-autoencoder", "variational-autoencoder",
                "undercomplete-autoencoder")) { // the first one twice: cold JIT
            AutoencoderRunner runner = Main.examples().get(model);
            Options mo = runner.options().set("batch", o.string("batch"));
            AutoencoderFactory factory = runner.factory(mo, train);
            MnistIterator clean = MnistIterator.builder(train).batchSize(batch).shape(runner.shape())
                    .target(MnistIterator.Target.INPUT).build();
            MultiDataSetIterator it = runner.trainIterator(runner.trainingData(clean, mo), factory, mo);
            if (it.asyncSupported()) { // as fit(iterator) and the timed runs: prefetched in a workspace
                it = new AsyncMultiDataSetIterator(it, 2, true);
            }
            long sink = 0;
            for (int i = 0; i < 500; i++) { // warm-up: the JIT compiles the conversion loop
                sink += nextFull(it, batch).getFeatures(0).length();
            }
            int n = 0;
            long t0 = System.nanoTime();
            while ((System.nanoTime() - t0) < 2_000_000_000L || n < 200) {
                MultiDataSet mds = nextFull(it, batch);
                sink += mds.getFeatures(0).length();
                n++;
            }
            double batchesPerSecond = n / ((System.nanoTime() - t0) / 1e9);
            double modelBatches = fastestExamplesPerSecond / batch;
            System.out.printf("iterator %-12s %8.0f batches/s (%9.0f examples/s)%s%n", model, batchesPerSecond,
                    batchesPerSecond * batch, modelBatches > 0 ? String.format("; %.0fx the fastest model's %.1f "
                            + "steps/s", batchesPerSecond / modelBatches, modelBatches) : "");
            if (sink < 0) {
                System.out.println(); // keeps the batches alive for the JIT
            }
        }
        Nd4j.getMemoryManager().invokeGc();
    }
}
