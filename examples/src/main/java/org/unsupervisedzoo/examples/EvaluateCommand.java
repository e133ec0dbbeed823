package org.unsupervisedzoo.examples;

import java.nio.file.Path;

/** {@code evaluate <model.zip>}: the test loss, measures and pictures of a saved model. */
final class EvaluateCommand implements Command {
    @Override
    public String name() {
        return "evaluate";
    }

    @Override
    public String description() {
        return "evaluate a model saved by 'train' on a test set: loss, measures and pictures";
    }

    @Override
    public Options options() {
        return new Options()
                .positional("model", "model.zip written by 'train'")
                .option("data", "", "sample, mnist or fashion (default: the data the model was trained on)")
                .option("data-dir", "", "folder with the four IDX files (default: as recorded)")
                .option("out", "", "output folder (default: <model folder>/evaluation)");
    }

    @Override
    public void run(Options o) throws Exception {
        Path file = o.path("model");
        SavedModel saved = SavedModel.load(file).override(o, "data", "data-dir");
        Path out = o.path("out") != null ? o.path("out")
                : file.toAbsolutePath().getParent().resolve("evaluation");
        System.out.printf("model %s  trained by 'train %s %s'%n", file, saved.record.command,
                String.join(" ", saved.record.args));
        saved.command.evaluate(saved.graph, saved.options, out);
    }
}
