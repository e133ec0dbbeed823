package org.unsupervisedzoo.examples;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.unsupervisedzoo.zoo.catalog.CatalogEntry;
import org.unsupervisedzoo.zoo.catalog.ZooCatalog;

/**
 * The one registry of the zoo's models: each {@link Spec} joins a catalog entry ({@link ZooCatalog}: name, family,
 * default configurations, inputs and outputs) to its {@code train} command and to its row in README's models table.
 * The command line's {@code train} commands, {@code list} and {@code list --markdown} (README's table) are made
 * from it, and one name is used everywhere: the catalog's. {@code ModelsTest} fails when a catalog entry has no
 * spec, a spec no catalog entry, or README's table differs from {@link #markdownTable()}.
 */
final class Models {
    /** One model: its catalog name, its {@code train} command and its README row. */
    static final class Spec {
        final String name;
        final ModelCommand runner;
        final String title;
        final String paper;
        final String headline;
        final String page;

        Spec(ModelCommand runner, String title, String paper, String headline, String page) {
            this.name = runner.name();
            this.runner = runner;
            this.title = title;
            this.paper = paper;
            this.headline = headline;
            this.page = page;
        }

        /** The catalog entry of the same name. */
        CatalogEntry entry() {
            return ZooCatalog.get(name);
        }

        /** The factory class, relative to {@code org.unsupervisedzoo.zoo.}, e.g. {@code vae.VAE}. */
        String factory() {
            return entry().defaults().getClass().getName().substring("org.unsupervisedzoo.zoo.".length());
        }
    }

    /** Names the command line had before 2026-12-05, with the name that replaced each. */
    static final Map<String, String> RETIRED = Map.ofEntries(
            Map.entry("autoencoder", "undercomplete-autoencoder"),
            Map.entry("denoising", "denoising-autoencoder"),
            Map.entry("sparse", "sparse-autoencoder"),
            Map.entry("contractive", "contractive-autoencoder"),
            Map.entry("conv", "convolutional-autoencoder"),
            Map.entry("vae", "variational-autoencoder"),
            Map.entry("som", "self-organizing-map"),
            Map.entry("aae", "adversarial-autoencoder"),
            Map.entry("gan", "mlp-gan, conditional-mlp-gan, dcgan or conditional-dcgan"),
            Map.entry("mnist-classifier", "lenet"));

    private static final String AE_PAGE = "src/site/markdown/autoencoders.md";
    private static final String GAN_PAGE = "src/site/markdown/gans.md";

    private Models() {
    }

    /** Every model, in catalog order. */
    static List<Spec> specs() {
        return List.of(
                new Spec(new UndercompleteExample(), "deep undercomplete autoencoder", "Hinton & Salakhutdinov 2006",
                        "test BCE/pixel 0.0793 after 20 epochs (linear code)", AE_PAGE),
                new Spec(new DenoisingExample(), "denoising autoencoder", "Vincent et al. 2008",
                        "784-1000, pretrained then fine-tuned: 1.25% test error (scratch 1.39%); PSNR 9.37 -> 18.04 dB (784-256-64)", AE_PAGE),
                new Spec(new SparseExample(), "sparse autoencoder (KL, L1, k-sparse)", "Ng 2011; Makhzani & Frey 2014",
                        "mean code activation 0.051 (rho 0.05), test BCE/pixel 0.0748, 10 epochs", AE_PAGE),
                new Spec(new ContractiveExample(), "contractive autoencoder", "Rifai et al. 2011",
                        "784-1000, pretrained then fine-tuned: 1.24% test error (from scratch 1.18%); `‖J‖_F^2` 10.1 vs 374 without penalty (784-512)", AE_PAGE),
                new Spec(new ConvolutionalExample(), "convolutional autoencoder", "Masci et al. 2011",
                        "test BCE/pixel 0.0716 after 10 epochs", AE_PAGE),
                new Spec(new VaeExample(), "variational autoencoder", "Kingma & Welling 2014",
                        "test -ELBO 103.98 nats in 10 epochs (pytorch/examples 105.59); 784-200-200-50 on binarized digits: "
                                + "k=5000 test NLL 87.83 after 1,000 epochs (Burda et al. 86.76)", "src/site/markdown/vae.md"),
                new Spec(new RbmExample(), "restricted Boltzmann machine", "Hinton 2002; Tieleman 2008",
                        "AIS test log-likelihood -89.3 nats (500 units, PCD-5); softmax on features 1.62% error (4,096 units)", "src/site/markdown/rbm.md"),
                new Spec(new SomExample(), "self-organizing map", "Kohonen 1982",
                        "30x30 map: 92.0% as a classifier, QE 4.67", "src/site/markdown/som.md"),
                new Spec(GanExample.command("mlp", false), "MLP GAN", "Goodfellow et al. 2014",
                        "IS 6.40, FID 28.1 after 15 epochs (digit 0 at 2.3%)", GAN_PAGE),
                new Spec(GanExample.command("mlp", true), "conditional MLP GAN", "Mirza & Osindero 2014",
                        "IS 9.27, FID 7.35, 97.8% judged the digit asked for, 15 epochs"
                                + " (`--projection true --auxiliary-classifier true`; without: 91.3%)", GAN_PAGE),
                new Spec(GanExample.command("dcgan", false), "DCGAN", "Radford et al. 2016",
                        "IS 6.44, FID 16.8 after 5 epochs", GAN_PAGE),
                new Spec(GanExample.command("dcgan", true), "conditional DCGAN", "Mirza & Osindero 2014",
                        "IS 9.37, FID 3.33, 97.8% judged the digit asked for, 5 epochs"
                                + " (`--projection true --auxiliary-classifier true`; without: 81.8%)", GAN_PAGE),
                new Spec(new AaeExample(), "adversarial autoencoder", "Makhzani et al. 2015",
                        "test BCE/pixel 0.1122, codes matched to N(0, I), 20 epochs", "src/site/markdown/aae.md"),
                new Spec(new SemiSupervisedVaeExample(), "semi-supervised VAE (M2)", "Kingma et al. 2014",
                        "M1+M2 test error 4.12 ± 0.25% with 100 labels (150 epochs; paper 3.33%), 2.76 ± 0.08% with"
                                + " 600 (300 epochs; paper 2.59%), 3 seeds; M2 alone 34.2% after 10",
                        "src/site/markdown/m2.md"),
                new Spec(ModelCommand.of("lenet", "LeNet-style MNIST classifier, the judge of the GAN measures",
                        MnistClassifierExample::options, MnistClassifierExample::run), "LeNet (the GANs' judge)",
                        "LeCun et al. 1998", "test accuracy 99.03% after 2 epochs", GAN_PAGE));
    }

    /** The {@code train} commands, by name. */
    static Map<String, ModelCommand> trainCommands() {
        Map<String, ModelCommand> m = new LinkedHashMap<>();
        specs().forEach(s -> m.put(s.name, s.runner));
        return m;
    }

    /**
     * A run record as this version's commands read it: a retired command name (model files saved before
     * 2026-12-05 record e.g. {@code vae}) becomes the model's name; {@code gan --model dcgan --conditional true}
     * becomes {@code conditional-dcgan} without those two options. Other records are returned as they are.
     */
    static RunRecord upgrade(RunRecord r) {
        if (r.command.equals("gan")) {
            List<String> args = new ArrayList<>();
            String model = "mlp";
            boolean conditional = false;
            for (int i = 0; i < r.args.size(); i++) {
                String a = r.args.get(i);
                if (a.equals("--model") && i + 1 < r.args.size()) {
                    model = r.args.get(++i);
                } else if (a.equals("--conditional") && i + 1 < r.args.size()) {
                    conditional = Boolean.parseBoolean(r.args.get(++i).trim());
                } else {
                    args.add(a);
                }
            }
            return new RunRecord(GanExample.name(model, conditional), r.model, args);
        }
        String now = RETIRED.get(r.command);
        return now == null ? r : new RunRecord(now, r.model, r.args);
    }

    /** The hint for a retired name given to {@code train}, or null. */
    static String retiredHint(String name) {
        String now = RETIRED.get(name);
        return now == null ? null : "'train " + name + "' is now 'train " + now + "' (one name per model, the catalog's)";
    }

    /** README's models table. */
    static String markdownTable() {
        List<String> lines = new ArrayList<>();
        lines.add("| model | `train` command and catalog name | factory (`org.unsupervisedzoo.zoo.…`) | paper"
                + " | headline figure (full MNIST) | page |");
        lines.add("|---|---|---|---|---|---|");
        for (Spec s : specs()) {
            String page = s.page.substring(s.page.lastIndexOf('/') + 1).replace(".md", "");
            lines.add("| " + s.title + " | `" + s.name + "` | `" + s.factory() + "` | " + s.paper + " | "
                    + s.headline + " | [" + page + "](" + s.page + ") |");
        }
        return String.join("\n", lines) + "\n";
    }
}
