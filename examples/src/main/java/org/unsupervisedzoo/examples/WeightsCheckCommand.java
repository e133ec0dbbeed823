package org.unsupervisedzoo.examples;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.unsupervisedzoo.zoo.catalog.Pretrained;
import org.unsupervisedzoo.zoo.catalog.PretrainedFigures;

/**
 * {@code weights-check}: loads every pretrained model of {@code --data} from the weights module (checksums verified)
 * and measures its figures again ({@link PretrainedFigures}) on that data set's whole test set (GANs: the same
 * generated digits), beside the figures the manifest records; exits non-zero when one differs by more than its
 * tolerance.
 */
final class WeightsCheckCommand implements Command {
    @Override
    public String name() {
        return "weights-check";
    }

    @Override
    public String description() {
        return "measure every pretrained model's figures again on the full test set";
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
        ComputationGraph judge = entries.stream().anyMatch(e -> PretrainedFigures.kind(e.model())
                == PretrainedFigures.Kind.GAN) ? Pretrained.load(PretrainedFigures.JUDGE, "mnist") : null;
        String judgeSha = judge == null ? "" : Pretrained.entry(PretrainedFigures.JUDGE, "mnist").sha256();
        PretrainedFigures.Data data = WeightsCommand.fullData(ExampleData.locate(o), judge);
        List<String> differ = new ArrayList<>();
        for (Pretrained.Entry e : entries) {
            long t0 = System.nanoTime();
            ComputationGraph g = Pretrained.load(e.model(), e.dataset());
            List<PretrainedFigures.Figure> measured = PretrainedFigures.measure(e.model(), g, data);
            double seconds = (System.nanoTime() - t0) / 1e9;
            for (Pretrained.Figure f : e.figures()) {
                double m = measured.stream().filter(x -> x.name().equals(f.name())).findFirst()
                        .orElseThrow(() -> new CliException(e.model() + ": the manifest records " + f.name()
                                + ", which this version does not measure")).value();
                boolean ok = Math.abs(m - f.value()) <= f.tolerance();
                if (!ok) {
                    differ.add(e.model() + " " + f.name());
                }
                System.out.printf(Locale.ROOT, "%-28s %-24s recorded %.6f  measured %.6f  diff %+.1e  %s  (%.1fs)%n",
                        e.model(), f.name(), f.value(), m, m - f.value(), ok ? "ok" : "DIFFERS (tolerance "
                                + f.tolerance() + ")", seconds);
            }
            if (!e.judgeSha256().isEmpty() && !e.judgeSha256().equals(judgeSha)) {
                System.out.println(e.model() + ": judged by another lenet than the module's (" + e.judgeSha256()
                        + "); its Inception score is not comparable");
            }
        }
        if (!differ.isEmpty()) {
            throw new CliException("figures differ from the manifest's beyond their tolerance: " + differ);
        }
    }
}
