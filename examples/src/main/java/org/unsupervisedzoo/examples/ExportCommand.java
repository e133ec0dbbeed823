package org.unsupervisedzoo.examples;

import org.unsupervisedzoo.zoo.core.AtomicFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.unsupervisedzoo.zoo.catalog.CatalogEntry;
import org.unsupervisedzoo.zoo.catalog.ZooCatalog;

/**
 * {@code export}: DL4J JSON configurations: a catalog model's default ({@code export vae-name}), every catalog
 * model and the index ({@code --all}, which regenerates the files shipped in the zoo jar), or the configuration
 * of a saved model ({@code export output/variational-autoencoder/model.zip}).
 */
final class ExportCommand implements Command {
    @Override
    public String name() {
        return "export";
    }

    @Override
    public String description() {
        return "write DL4J JSON configurations: a catalog model, --all of them, or a saved model's";
    }

    @Override
    public Options options() {
        return new Options()
                .option("model", "", "a catalog name (see 'list') or a model.zip written by 'train'")
                .option("all", "false", "true: every catalog model and catalog.json (regenerates "
                        + ZooCatalog.SOURCE_DIR + " when --dir points there)")
                .option("dir", "output/catalog", "output folder");
    }

    @Override
    public void run(Options o) throws Exception {
        Path dir = o.path("dir");
        boolean all = o.bool("all");
        String model = o.string("model");
        if (all == !model.isEmpty()) {
            throw new IllegalArgumentException("give either --model <name or model.zip> or --all true");
        }
        if (all) {
            for (Path p : ZooCatalog.write(dir)) {
                System.out.println("wrote " + p);
            }
            return;
        }
        Files.createDirectories(dir);
        if (model.endsWith(".zip")) {
            SavedModel saved = SavedModel.load(Path.of(model));
            Path p = dir.resolve(saved.record.model + ".json");
            AtomicFiles.writeString(p, saved.graph.getConfiguration().toJson() + "\n");
            System.out.println("wrote " + p);
            return;
        }
        CatalogEntry entry = ZooCatalog.get(model);
        for (Map.Entry<String, ComputationGraphConfiguration> part : entry.configurations().entrySet()) {
            Path p = dir.resolve(entry.fileName(part.getKey()));
            AtomicFiles.writeString(p, part.getValue().toJson() + "\n");
            System.out.println("wrote " + p);
        }
    }
}
