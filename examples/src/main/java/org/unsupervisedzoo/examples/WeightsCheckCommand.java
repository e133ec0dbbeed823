package org.unsupervisedzoo.examples;

import java.util.List;
import java.util.Locale;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.unsupervisedzoo.datasets.DataSource;
import org.unsupervisedzoo.datasets.LabelledImages;
import org.unsupervisedzoo.datasets.Split;
import org.unsupervisedzoo.zoo.catalog.CatalogEntry;
import org.unsupervisedzoo.zoo.catalog.Pretrained;
import org.unsupervisedzoo.zoo.catalog.ZooCatalog;

/**
 * {@code weights-check}: loads every pretrained model of {@code --data} from the weights module (checksums verified)
 * and measures its figure again on that data set's whole test set, beside the figure the manifest records.
 */
final class WeightsCheckCommand implements Command {
    @Override
    public String name() {
        return "weights-check";
    }

    @Override
    public String description() {
        return "measure every pretrained model's figure again on the full test set";
    }

    @Override
    public Options options() {
        return ExampleData.declare(new Options());
    }

    @Override
    public void run(Options o) {
        String dataset = o.string("data");
        List<Pretrained.Entry> entries = Pretrained.manifest().stream().filter(e -> e.dataset().equals(dataset))
                .toList();
        if (entries.isEmpty()) {
            throw new CliException("no pretrained weights for --data " + dataset + " on the classpath"
                    + (Pretrained.manifest().isEmpty() ? " (" + Pretrained.ARTIFACT + " is missing)" : ""));
        }
        DataSource source = ExampleData.locate(o);
        LabelledImages test = source.load(Split.TEST);
        for (Pretrained.Entry e : entries) {
            long t0 = System.nanoTime();
            ComputationGraph g = Pretrained.load(e.model(), e.dataset());
            CatalogEntry c = ZooCatalog.get(e.model());
            double measured = WeightsCommand.bcePerPixel(g, c.inputs(c.configurations().keySet().iterator().next()),
                    test);
            System.out.printf(Locale.ROOT, "%-28s %s  recorded %.6f  measured %.6f  diff %+.1e  (%d test digits,"
                            + " %.1fs)%n", e.model(), e.figure(), e.value(), measured, measured - e.value(),
                    test.count(), (System.nanoTime() - t0) / 1e9);
        }
    }
}
