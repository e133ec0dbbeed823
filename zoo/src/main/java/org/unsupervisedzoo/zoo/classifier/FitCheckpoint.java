package org.unsupervisedzoo.zoo.classifier;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.unsupervisedzoo.zoo.core.AtomicFiles;

/**
 * The end-of-epoch checkpoint of {@link ClassifierFit} ({@link ClassifierFit.Builder#checkpoint}): a folder with
 * {@code state.properties} (epoch, early-stopping counters, ND4J's generator state, the graph's iteration and epoch
 * counts, the run's identity), {@code params.bin}, {@code best.bin}, {@code updater.bin} (when the updater has
 * state) and {@code curve.csv} (full precision). Written whole through {@link AtomicFiles#writeDirectory}.
 */
final class FitCheckpoint {
    private static final String STATE = "state.properties";
    private static final String IDENTITY = "identity.";

    final int epoch;
    final List<ClassifierFit.Epoch> curve;
    final INDArray best;
    final int bestEpoch;
    final double bestError;
    final double bestLoss;
    final int sinceBest;
    final boolean finished;
    private final Properties p;
    private final Path dir;

    private FitCheckpoint(Path dir, Properties p) throws IOException {
        this.p = p;
        this.dir = dir;
        this.epoch = Integer.parseInt(get(dir, "epoch"));
        this.bestEpoch = Integer.parseInt(get(dir, "bestEpoch"));
        this.bestError = Double.parseDouble(get(dir, "bestError"));
        this.bestLoss = Double.parseDouble(get(dir, "bestLoss"));
        this.sinceBest = Integer.parseInt(get(dir, "sinceBest"));
        this.finished = Boolean.parseBoolean(get(dir, "finished"));
        this.best = Nd4j.readBinary(file(dir, "best.bin").toFile());
        this.curve = new ArrayList<>();
        List<String> lines = Files.readAllLines(file(dir, "curve.csv"), StandardCharsets.UTF_8);
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            curve.add(new ClassifierFit.Epoch(Integer.parseInt(f[0]), Double.parseDouble(f[1]),
                    Double.parseDouble(f[2]), Double.parseDouble(f[3]), Double.parseDouble(f[4])));
        }
        if (curve.size() != epoch) {
            throw new IllegalArgumentException("checkpoint " + dir + " is damaged: " + curve.size()
                    + " curve rows for epoch " + epoch);
        }
    }

    private String get(Path dir, String key) {
        String v = p.getProperty(key);
        if (v == null) {
            throw new IllegalArgumentException("checkpoint " + dir + " is damaged: no '" + key + "' in " + STATE);
        }
        return v;
    }

    private static Path file(Path dir, String name) {
        Path f = dir.resolve(name);
        if (!Files.isRegularFile(f)) {
            throw new IllegalArgumentException("checkpoint " + dir + " is damaged: no " + name);
        }
        return f;
    }

    /** Replaces the checkpoint folder {@code dir} with the state after {@code epoch}. */
    static void write(Path dir, Map<String, String> identity, ComputationGraph g, int epoch,
                      List<ClassifierFit.Epoch> curve, INDArray best, int bestEpoch, double bestError,
                      double bestLoss, int sinceBest, boolean finished) {
        try {
            AtomicFiles.writeDirectory(dir, tmp -> {
                Properties p = new Properties();
                new TreeMap<>(identity).forEach((k, v) -> p.setProperty(IDENTITY + k, v));
                p.setProperty("epoch", Integer.toString(epoch));
                p.setProperty("bestEpoch", Integer.toString(bestEpoch));
                p.setProperty("bestError", Double.toString(bestError));
                p.setProperty("bestLoss", Double.toString(bestLoss));
                p.setProperty("sinceBest", Integer.toString(sinceBest));
                p.setProperty("finished", Boolean.toString(finished));
                p.setProperty("numParams", Long.toString(g.numParams()));
                p.setProperty("iterationCount", Integer.toString(g.getConfiguration().getIterationCount()));
                p.setProperty("epochCount", Integer.toString(g.getConfiguration().getEpochCount()));
                p.setProperty("rngRoot", Long.toString(Nd4j.getRandom().rootState()));
                p.setProperty("rngNode", Long.toString(Nd4j.getRandom().nodeState()));
                Nd4j.saveBinary(g.params(), tmp.resolve("params.bin").toFile());
                Nd4j.saveBinary(best, tmp.resolve("best.bin").toFile());
                INDArray state = g.getUpdater() == null ? null : g.getUpdater().getStateViewArray();
                if (state != null) {
                    Nd4j.saveBinary(state, tmp.resolve("updater.bin").toFile());
                }
                StringBuilder csv = new StringBuilder("epoch,train_loss,validation_loss,validation_error,seconds\n");
                for (ClassifierFit.Epoch e : curve) {
                    csv.append(e.epoch()).append(',').append(e.trainLoss()).append(',').append(e.validationLoss())
                            .append(',').append(e.validationError()).append(',').append(e.seconds()).append('\n');
                }
                Files.writeString(tmp.resolve("curve.csv"), csv, StandardCharsets.UTF_8);
                try (Writer w = Files.newBufferedWriter(tmp.resolve(STATE), StandardCharsets.UTF_8)) {
                    p.store(w, "ClassifierFit checkpoint");
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the checkpoint " + dir, e);
        }
    }

    /**
     * The checkpoint in {@code dir}, checked against the run resuming it.
     *
     * @throws IllegalArgumentException when there is none, when its identity differs from {@code identity} (naming
     *                                  the first difference) or when it was written for a graph of another size
     */
    static FitCheckpoint read(Path dir, Map<String, String> identity, ComputationGraph g) {
        try {
            AtomicFiles.recoverDirectory(dir);
            Path f = dir.resolve(STATE);
            if (!Files.isRegularFile(f)) {
                throw new IllegalArgumentException("resume: no checkpoint in " + dir + " (no " + STATE + ")");
            }
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
                p.load(r);
            }
            Map<String, String> saved = new TreeMap<>();
            for (String key : p.stringPropertyNames()) {
                if (key.startsWith(IDENTITY)) {
                    saved.put(key.substring(IDENTITY.length()), p.getProperty(key));
                }
            }
            for (String key : new TreeMap<>(identity).keySet()) {
                if (!identity.get(key).equals(saved.get(key))) {
                    throw new IllegalArgumentException("resume: the checkpoint in " + dir + " was written with "
                            + key + " " + (saved.containsKey(key) ? "'" + saved.get(key) + "'" : "unset")
                            + ", this run has '" + identity.get(key) + "'");
                }
            }
            for (String key : saved.keySet()) {
                if (!identity.containsKey(key)) {
                    throw new IllegalArgumentException("resume: the checkpoint in " + dir + " was written with "
                            + key + " '" + saved.get(key) + "', which this run does not set");
                }
            }
            FitCheckpoint c = new FitCheckpoint(dir, p);
            if (Long.parseLong(c.get(dir, "numParams")) != g.numParams()) {
                throw new IllegalArgumentException("resume: the checkpoint in " + dir + " holds "
                        + c.get(dir, "numParams") + " parameters, the classifier has " + g.numParams());
            }
            return c;
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the checkpoint " + dir, e);
        }
    }

    /**
     * Puts the saved parameters, updater state, counts and ND4J generator state into {@code g} and ND4J (read here:
     * a finished run's checkpoint needs only its best parameters).
     */
    void restore(ComputationGraph g) throws IOException {
        g.setParams(Nd4j.readBinary(file(dir, "params.bin").toFile()));
        INDArray updater = Files.exists(dir.resolve("updater.bin"))
                ? Nd4j.readBinary(dir.resolve("updater.bin").toFile()) : null;
        INDArray state = g.getUpdater().getStateViewArray();
        if ((state == null) != (updater == null) || (state != null && state.length() != updater.length())) {
            throw new IllegalArgumentException("resume: the checkpoint's updater state ("
                    + (updater == null ? "none" : updater.length() + " values") + ") does not fit the classifier's ("
                    + (state == null ? "none" : state.length() + " values") + ")");
        }
        if (state != null) {
            state.assign(updater);
        }
        g.getConfiguration().setIterationCount(Integer.parseInt(p.getProperty("iterationCount")));
        g.getConfiguration().setEpochCount(Integer.parseInt(p.getProperty("epochCount")));
        Nd4j.getRandom().setStates(Long.parseLong(p.getProperty("rngRoot")), Long.parseLong(p.getProperty("rngNode")));
    }
}
