package org.unsupervisedzoo.examples;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.unsupervisedzoo.zoo.core.AtomicFiles;
import org.unsupervisedzoo.zoo.fast.Accelerate;

/**
 * The end-of-epoch checkpoint of a {@code train} run, the folder {@code --resume} continues from ({@code
 * <out>/checkpoint} by default): {@code checkpoint.properties} (the command, the epochs done and every option that
 * changes the model or the data), {@code epochs.csv} (the run's rows so far) and the runner's files (graphs with
 * their updater state, a PCD chain). The folder is written whole through {@link AtomicFiles#writeDirectory}: a kill
 * at any moment leaves the previous checkpoint or the new one, never a mixture or a half-written file.
 *
 * <p>Random streams are not saved: every runner draws epoch {@code e}'s shuffling, noise and chains' steps from
 * generators seeded by {@link #epochSeed}{@code (seed, e)}, so a run resumed after epoch {@code e} draws what the
 * uninterrupted run draws.
 */
final class Checkpoint {
    /** The folder's properties file. */
    static final String PROPERTIES = "checkpoint.properties";
    /** The rows of {@code epochs.csv} up to the checkpoint's epoch. */
    static final String CSV = "epochs.csv";
    /** The options that never change the model or the data: they may differ between a run and its resumption. */
    static final Set<String> RUN_ONLY = Set.of("epochs", "out", "resume", "data-dir");
    private static final String OPTION = "option.";

    final Path dir;
    final Properties properties;

    private Checkpoint(Path dir, Properties properties) {
        this.dir = dir;
        this.properties = properties;
    }

    /** The {@code --resume} option every runner declares. */
    static Options declare(Options o) {
        return o.option("resume", "", "checkpoint folder to continue from, to --epochs in total (e.g. <out>/checkpoint;"
                + " written after every epoch)");
    }

    /** The default checkpoint folder of a run writing under {@code out}. */
    static Path folder(Path out) {
        return out.resolve("checkpoint");
    }

    /**
     * The seed of epoch {@code epoch}'s stream {@code stream} of a run seeded {@code seed}: a pure function
     * (SplitMix64's finalizer over the three), so that a resumed run draws what the uninterrupted one drew.
     */
    static long epochSeed(long seed, int epoch, int stream) {
        long z = seed * 0x9E3779B97F4A7C15L + epoch * 0xBF58476D1CE4E5B9L + stream * 0x94D049BB133111EBL
                + 0x632BE59BD9B4E019L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** The options that identify a run's model and data: every declared option but {@link #RUN_ONLY} and {@code extra}. */
    static Map<String, String> fingerprint(Options o, Set<String> extra) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String name : o.names()) {
            if (!RUN_ONLY.contains(name) && !extra.contains(name)) {
                m.put(name, o.string(name));
            }
        }
        return m;
    }

    /**
     * Fills into {@code saved} (a checkpoint's recorded options) each option of {@code asked} it lacks because the
     * option was added to the command after the checkpoint was written, when the run leaves it at its default: the
     * behaviour the checkpoint was trained with. An empty {@code saved} (no options recorded) is left alone.
     */
    static void addedAtDefault(Map<String, String> saved, Map<String, String> asked, Map<String, String> defaults) {
        if (saved.isEmpty()) {
            return;
        }
        asked.forEach((name, value) -> {
            if (!saved.containsKey(name) && value.equals(defaults.get(name))) {
                saved.put(name, value);
            }
        });
    }

    /** The declared default of every option of {@code o}. */
    static Map<String, String> defaults(Options o) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String name : o.names()) {
            m.put(name, o.defaultValue(name));
        }
        return m;
    }

    /** Writes the files of a checkpoint into the new folder {@code tmp}. */
    interface Body {
        void write(Path tmp) throws IOException;
    }

    /**
     * Replaces the checkpoint folder {@code dir} whole: {@code command} after {@code epoch} epochs, the options
     * {@code fingerprint}, the CSV text so far, {@code extra} properties and the files {@code body} writes.
     */
    static void save(Path dir, String command, int epoch, Map<String, String> fingerprint, CharSequence csv,
                     Map<String, String> extra, Body body) throws IOException {
        AtomicFiles.writeDirectory(dir, tmp -> {
            body.write(tmp);
            Files.writeString(tmp.resolve(CSV), csv, StandardCharsets.UTF_8);
            Properties p = new Properties();
            p.setProperty("command", command);
            p.setProperty("epoch", Integer.toString(epoch));
            fingerprint.forEach((k, v) -> p.setProperty(OPTION + k, v));
            extra.forEach(p::setProperty);
            try (Writer w = Files.newBufferedWriter(tmp.resolve(PROPERTIES), StandardCharsets.UTF_8)) {
                p.store(w, "train checkpoint: resume with --resume " + dir.getFileName());
            }
        });
    }

    /**
     * The checkpoint in {@code dir}, checked against the run asked for.
     *
     * @throws CliException (one line) when the folder holds no checkpoint, one of another command, one whose options
     *                      differ from {@code fingerprint} (naming the first difference), or one past {@code epochs}
     */
    static Checkpoint load(Path dir, String command, Map<String, String> fingerprint, int epochs) throws IOException {
        return load(dir, command, fingerprint, Map.of(), epochs);
    }

    /**
     * As {@link #load(Path, String, Map, int)}, with the options' declared {@code defaults}: an option the checkpoint
     * does not record (added to the command after the checkpoint was written) is accepted when this run leaves it at
     * its default, the behaviour every added option keeps.
     */
    static Checkpoint load(Path dir, String command, Map<String, String> fingerprint, Map<String, String> defaults,
                           int epochs) throws IOException {
        AtomicFiles.recoverDirectory(dir); // a save killed between its two renames left the previous one aside
        Path file = dir.resolve(PROPERTIES);
        if (!Files.isRegularFile(file)) {
            throw new CliException("--resume " + dir + ": no checkpoint there (no " + PROPERTIES + "); a train run"
                    + " writes one to <out>/checkpoint after every epoch");
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        String was = p.getProperty("command");
        if (!command.equals(was)) {
            throw new CliException("--resume " + dir + " is a checkpoint of 'train " + was + "', not of 'train "
                    + command + "'");
        }
        Map<String, String> saved = new LinkedHashMap<>();
        for (String key : p.stringPropertyNames()) {
            if (key.startsWith(OPTION)) {
                saved.put(key.substring(OPTION.length()), p.getProperty(key));
            }
        }
        addedAtDefault(saved, fingerprint, defaults);
        check(dir, saved, fingerprint);
        Checkpoint c = new Checkpoint(dir, p);
        if (c.epoch() > epochs) {
            throw new CliException("--resume " + dir + " is at epoch " + c.epoch() + ", past --epochs " + epochs
                    + " (--epochs counts all epochs, those before the checkpoint too)");
        }
        return c;
    }

    /**
     * Refuses a checkpoint in {@code dir} whose options {@code saved} differ from the options {@code asked} of the run
     * resuming it, with a one-line {@link CliException} naming the first difference.
     */
    static void check(Path dir, Map<String, String> saved, Map<String, String> asked) {
        for (Map.Entry<String, String> e : asked.entrySet()) {
            String was = saved.get(e.getKey());
            if (!e.getValue().equals(was)) {
                throw new CliException("--resume " + dir + " was trained with --" + e.getKey() + " "
                        + (was == null ? "(not an option then)" : "'" + was + "'") + ", this run asks for '"
                        + e.getValue() + "'; resume with the checkpoint's options or start a new run");
            }
        }
        for (Map.Entry<String, String> e : saved.entrySet()) {
            if (!asked.containsKey(e.getKey())) {
                throw new CliException("--resume " + dir + " was trained with --" + e.getKey() + " '" + e.getValue()
                        + "', which this run does not take");
            }
        }
    }

    /** Epochs done. */
    int epoch() {
        return Integer.parseInt(properties.getProperty("epoch"));
    }

    /** The CSV text at the checkpoint (rows up to {@link #epoch}). */
    String csv() throws IOException {
        Path f = dir.resolve(CSV);
        return Files.exists(f) ? Files.readString(f, StandardCharsets.UTF_8) : "";
    }

    String get(String key) {
        String v = properties.getProperty(key);
        if (v == null) {
            throw new CliException("--resume " + dir + ": damaged checkpoint (no '" + key + "' in " + PROPERTIES + ")");
        }
        return v;
    }

    Path file(String name) {
        return dir.resolve(name);
    }

    /** Saves a zoo graph as it trains (the fast twins, its updater state, iteration and epoch counts). */
    static void writeGraph(ComputationGraph graph, Path file) throws IOException {
        ModelSerializer.writeModel(graph, file.toFile(), true);
    }

    /** A graph {@link #writeGraph} saved, with its updater state and the speed-ups {@link Accelerate#init} installs. */
    ComputationGraph graph(String name) throws IOException {
        Path f = file(name);
        if (!Files.isRegularFile(f)) {
            throw new CliException("--resume " + dir + ": damaged checkpoint (no " + name + ")");
        }
        return Accelerate.speedUp(ModelSerializer.restoreComputationGraph(f.toFile(), true));
    }
}
