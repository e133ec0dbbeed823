package org.unsupervisedzoo.examples;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.unsupervisedzoo.datasets.DatasetException;
import org.unsupervisedzoo.zoo.catalog.CatalogEntry;
import org.unsupervisedzoo.zoo.core.TrainingDiverged;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParseResult;

/**
 * The command line: {@code java -jar unsupervised-zoo-examples.jar <command> [options]}, every command with
 * {@code --help}. Commands: {@code list}, {@code train <model>}, {@code evaluate <model.zip>}, {@code export},
 * {@code classify}, {@code semi-supervised}, {@code stacked}, {@code bench-layers}, {@code bench-vae}, {@code bench-torch}, {@code gemm}. Bad flags, unknown models,
 * missing data sets and model files of the wrong kind end with one line on stderr and exit status 2; a training
 * run whose loss or parameters stop being finite ends with one line and exit status 3.
 */
public final class Main {
    /** The program's name in usage lines. */
    static final String PROGRAM = "java -jar unsupervised-zoo-examples.jar";

    private Main() {
    }

    /** Every {@code train} command, by name (the catalog's): made from the one registry, {@link Models}. */
    static Map<String, ModelCommand> trainCommands() {
        return Models.trainCommands();
    }

    /** The autoencoder runners, by name (the {@code train} commands that are autoencoders). */
    static Map<String, AutoencoderRunner> examples() {
        Map<String, AutoencoderRunner> m = new LinkedHashMap<>();
        trainCommands().forEach((k, v) -> {
            if (v instanceof AutoencoderRunner) {
                m.put(k, (AutoencoderRunner) v);
            }
        });
        return m;
    }

    /** The commands beside {@code train}, by name. */
    static Map<String, Command> commands() {
        Map<String, Command> m = new LinkedHashMap<>();
        for (Command c : new Command[] {
            Command.of("list", "list the zoo's models (their names are the train commands) and the other commands",
                    () -> new Options().option("markdown", "false", "true: README's models table, in Markdown"),
                    o -> {
                        if (o.bool("markdown")) {
                            System.out.print(Models.markdownTable());
                        } else {
                            list(System.out);
                        }
                    }),
            new EvaluateCommand(), new ExportCommand(), new WeightsCommand(), new WeightsCheckCommand(),
            new ClassifyCommand(),
            new SemiSupervisedCommand(), new UnitsCommand(),
            new StackedCommand(),
            Command.of("bench-layers", "cost of the custom SameDiff layers, side by side with built-in twins",
                    LayerCostBenchmark::options, LayerCostBenchmark::run),
            Command.of("bench-vae", "the zoo's VAE against DL4J's built-in VAE layer", VaeComparisonBenchmark::options,
                    VaeComparisonBenchmark::run),
            Command.of("bench-torch", "each zoo model against a PyTorch CPU twin, side by side", TorchBenchmark::options,
                    TorchBenchmark::run),
            Command.of("gemm", "the machine's fp32 matrix-product peak (GFLOPS) per BLAS thread count, the bar for the"
                    + " models' GFLOPS", GemmPeak::options, GemmPeak::run)}) {
            m.put(c.name(), c);
        }
        return m;
    }

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        // ND4J's thread pools: the zoo's defaults (ZooRuntime: 1 thread for ND4J's ops, 1 for BLAS) unless
        // OMP_NUM_THREADS or ZOO_THREADS says otherwise; applied before any command touches ND4J
        org.unsupervisedzoo.zoo.core.ZooRuntime.applyDefaults();
        int status = run(args, System.out, System.err);
        if (status != 0) {
            System.exit(status);
        }
    }

    /**
     * Runs one command line; returns the exit status (0 ok, 2 a usage or input error, 3 training diverged, 1 another
     * failure).
     */
    static int run(String[] args, PrintStream out, PrintStream err) {
        Map<CommandSpec, Bound> actions = new LinkedHashMap<>();
        CommandSpec rootSpec = CommandSpec.create().name(PROGRAM).mixinStandardHelpOptions(true)
                .version("unsupervised-zoo " + Main.class.getPackage().getImplementationVersion());
        rootSpec.usageMessage().description("Unsupervised deep learning models for DL4J: train, evaluate, export,"
                + " and build classifiers on pretrained encoders. Run '<command> --help' for a command's options.");
        CommandLine root = new CommandLine(rootSpec);
        rootSpec.usageMessage().abbreviateSynopsis(true);
        CommandSpec trainSpec = CommandSpec.create().name("train").mixinStandardHelpOptions(true);
        trainSpec.usageMessage().description("train a zoo model on mnist, fashion or the bundled sample; writes"
                + " the model, pictures and per-epoch metrics under --out");
        CommandLine train = new CommandLine(trainSpec);
        for (ModelCommand c : trainCommands().values()) {
            Options o = c.options();
            CommandSpec spec = o.spec(c.name(), c.description());
            actions.put(spec, new Bound(c, o));
            train.addSubcommand(c.name(), new CommandLine(spec));
        }
        root.addSubcommand("train", train);
        for (Command c : commands().values()) {
            Options o = c.options();
            CommandSpec spec = o.spec(c.name(), c.description());
            actions.put(spec, new Bound(c, o));
            root.addSubcommand(c.name(), new CommandLine(spec));
        }

        if (args.length > 1 && args[0].equals("train") && Models.retiredHint(args[1]) != null) {
            err.println("error: " + Models.retiredHint(args[1]) + " (run '" + PROGRAM + " list')");
            return 2;
        }
        ParseResult result;
        try {
            result = root.parseArgs(args);
        } catch (CommandLine.ParameterException e) {
            err.println("error: " + e.getMessage() + " (run '" + PROGRAM + " "
                    + commandPath(e.getCommandLine()) + "--help')");
            return 2;
        }
        ParseResult leaf = result;
        while (true) {
            if (leaf.isUsageHelpRequested()) {
                leaf.commandSpec().commandLine().usage(new PrintWriter(out, true));
                return 0;
            }
            if (leaf.isVersionHelpRequested()) {
                leaf.commandSpec().commandLine().printVersionHelp(out);
                return 0;
            }
            if (!leaf.hasSubcommand()) {
                break;
            }
            leaf = leaf.subcommand();
        }
        Bound action = actions.get(leaf.commandSpec());
        if (action == null) { // the program or 'train' alone
            leaf.commandSpec().commandLine().usage(new PrintWriter(out, true));
            if (leaf.commandSpec() == trainSpec) {
                return 2;
            }
            out.println();
            list(out);
            return args.length == 0 ? 0 : 2;
        }
        Command command = action.command;
        Options options = action.options.accept(leaf);
        PrintStream oldOut = System.out;
        try {
            System.setOut(out);
            command.run(options.validate());
            return 0;
        } catch (IllegalArgumentException | DatasetException | CliException e) {
            err.println("error: " + e.getMessage());
            return 2;
        } catch (TrainingDiverged e) { // a NaN or infinite loss or parameter: nothing of the diverged model saved
            err.println("error: " + e.getMessage());
            return 3;
        } catch (Exception | OutOfMemoryError e) {
            err.println("error: " + e.getClass().getSimpleName() + ": " + e.getMessage()
                    + (System.getenv("ZOO_DEBUG") == null ? " (set ZOO_DEBUG=1 for the stack trace)" : ""));
            if (System.getenv("ZOO_DEBUG") != null) {
                e.printStackTrace(err);
            }
            return 1;
        } finally {
            System.setOut(oldOut);
        }
    }

    /** A command with the options object its picocli spec was built from. */
    private static final class Bound {
        final Command command;
        final Options options;

        Bound(Command command, Options options) {
            this.command = command;
            this.options = options;
        }
    }

    private static String commandPath(CommandLine cl) {
        StringBuilder sb = new StringBuilder();
        for (CommandLine c = cl; c != null && c.getParent() != null; c = c.getParent()) {
            sb.insert(0, c.getCommandName() + " ");
        }
        return sb.toString();
    }

    /** The models (the catalog, one train command each) and the other commands. */
    static void list(PrintStream out) {
        out.println("models: 'train <model>' trains one ('train <model> --help' for its flags); each default"
                + " configuration ships as JSON in the zoo jar under the same name");
        for (Models.Spec s : Models.specs()) {
            CatalogEntry e = s.entry();
            out.printf("  %-27s %-16s input %-12s %s%n", e.name(), e.family(),
                    java.util.Arrays.toString(e.inputShape()), e.description());
            if (!e.customLayers().isEmpty()) {
                out.printf("  %-27s custom layers: %s%n", "", String.join(", ", e.customLayers()));
            }
        }
        out.println("other commands:");
        commands().values().forEach(c -> out.printf("  %-27s %s%n", c.name(), c.description()));
    }

    static List<String> trainNames() {
        return List.copyOf(trainCommands().keySet());
    }
}
