package org.unsupervisedzoo.examples;

import java.nio.file.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;

/** A model saved by {@code train}: its graph, the command that trained it and that command's recorded options. */
final class SavedModel {
    final Path file;
    final ModelCommand command;
    final Options options;
    final RunRecord record;
    final ComputationGraph graph;

    private SavedModel(Path file, ModelCommand command, Options options, RunRecord record, ComputationGraph graph) {
        this.file = file;
        this.command = command;
        this.options = options;
        this.record = record;
        this.graph = graph;
    }

    /**
     * Reads a saved model and rebuilds its command's options from the run record.
     *
     * @throws CliException for a missing file, a file that is not a model of this command line, or a record of
     *                      a command or option this version does not have
     */
    static SavedModel load(Path file) {
        RunRecord record = Models.upgrade(RunRecord.read(file));
        ModelCommand command = Main.trainCommands().get(record.command);
        if (command == null) {
            throw new CliException(file + " was saved by 'train " + record.command + "', which this version does"
                    + " not have; train commands: " + Main.trainCommands().keySet());
        }
        Options o = command.options();
        try {
            o.parse(record.args.toArray(new String[0]));
        } catch (IllegalArgumentException e) {
            throw new CliException(file + " records options this version does not take: " + e.getMessage());
        }
        return new SavedModel(file, command, o, record, RunRecord.restoreGraph(file));
    }

    /** Replaces the recorded value of {@code name} with {@code from}'s, when {@code from} set it. */
    SavedModel override(Options from, String... names) {
        for (String name : names) {
            if (from.isSet(name)) {
                options.set(name, from.string(name));
            }
        }
        return this;
    }
}
