package org.unsupervisedzoo.examples;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipFile;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.unsupervisedzoo.zoo.core.AtomicFiles;
import org.deeplearning4j.util.ModelSerializer;

/**
 * What a saved model was trained by: the {@code train} command and its options, stored inside the model's zip
 * (as a ModelSerializer object entry) so that a later command can rebuild the model's factory. A model file
 * without it is not one of this command line's runs.
 */
final class RunRecord {
    /** The zip entry's key. */
    static final String KEY = "unsupervised-zoo-run";

    final String command;
    final String model;
    final List<String> args;

    RunRecord(String command, String model, List<String> args) {
        this.command = command;
        this.model = model;
        this.args = List.copyOf(args);
    }

    /** Adds this record to a model file written by ModelSerializer. */
    void addTo(Path modelFile) {
        ModelSerializer.addObjectToFile(modelFile.toFile(), KEY, encode());
    }

    /**
     * Writes {@code model} and its run {@code record} (null: none) to {@code file} in one atomic write: both go into
     * a temporary file beside it, which is then renamed over {@code file}. A failure (or a kill) on the way leaves
     * the previous file as it was; {@code file} is never seen without its record.
     */
    static Path writeModel(Model model, Path file, boolean saveUpdater, RunRecord record) throws IOException {
        return AtomicFiles.write(file, tmp -> {
            ModelSerializer.writeModel(model, tmp.toFile(), saveUpdater);
            if (record != null) {
                record.addTo(tmp);
            }
        });
    }

    /** One line per field: {@code command}, {@code model}, then one line per argument. */
    String encode() {
        List<String> lines = new ArrayList<>(List.of(command, model));
        lines.addAll(args);
        return String.join("\n", lines);
    }

    /**
     * The record of a saved model.
     *
     * @throws CliException when the file is missing, not a DL4J model, or carries no record
     */
    static RunRecord read(Path modelFile) {
        File f = modelFile.toFile();
        if (!Files.isRegularFile(modelFile)) {
            throw new CliException("model file " + modelFile + " does not exist");
        }
        try (ZipFile zip = new ZipFile(f)) {
            if (zip.getEntry("configuration.json") == null) {
                throw new CliException(modelFile + " is not a DL4J model file (no configuration.json inside)");
            }
        } catch (IOException e) {
            throw new CliException(modelFile + " is not a DL4J model file (not a readable zip: " + e.getMessage()
                    + ")");
        }
        if (!ModelSerializer.listObjectsInFile(f).contains(KEY)) {
            throw new CliException(modelFile + " was not saved by this command line's 'train' (no run record);"
                    + " train it with 'train <model>'");
        }
        String text = ModelSerializer.getObjectFromFile(f, KEY);
        String[] lines = text.split("\n", -1);
        if (lines.length < 2) {
            throw new CliException(modelFile + " has a damaged run record");
        }
        List<String> args = new ArrayList<>();
        for (int i = 2; i < lines.length; i++) {
            args.add(lines[i]);
        }
        return new RunRecord(lines[0], lines[1], args);
    }

    /** The graph of a saved model, with a clear error when the file holds something else. */
    static ComputationGraph restoreGraph(Path modelFile) {
        try {
            return ModelSerializer.restoreComputationGraph(modelFile.toFile(), false);
        } catch (Exception e) {
            throw new CliException(modelFile + " does not hold a ComputationGraph: " + e.getMessage(), e);
        }
    }
}
