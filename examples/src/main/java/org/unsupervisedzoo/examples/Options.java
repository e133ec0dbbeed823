package org.unsupervisedzoo.examples;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.ParseResult;

/**
 * The options of one command: {@code --name value} pairs, each with a default shown by {@code --help}, and
 * optional positional parameters. Parsing is picocli's ({@link #spec}); the values stay strings until a getter
 * reads them, and a malformed value is an error naming the option and the value.
 */
final class Options {
    private final Map<String, String> defaults = new LinkedHashMap<>();
    private final Map<String, String> help = new LinkedHashMap<>();
    private final Map<String, String> values = new LinkedHashMap<>();
    private final Map<String, String> positionals = new LinkedHashMap<>();

    Options option(String name, String defaultValue, String description) {
        defaults.put(name, defaultValue);
        help.put(name, description);
        return this;
    }

    /** A required positional parameter, read with {@link #string(String)} like an option. */
    Options positional(String name, String description) {
        positionals.put(name, description);
        return this;
    }

    /** The picocli command of these options, with {@code --help}. */
    CommandSpec spec(String command, String description) {
        CommandSpec spec = CommandSpec.create().name(command).mixinStandardHelpOptions(true)
                .version("unsupervised-zoo " + Options.class.getPackage().getImplementationVersion());
        spec.usageMessage().description(description).sortOptions(false).abbreviateSynopsis(true);
        int index = 0;
        for (Map.Entry<String, String> p : positionals.entrySet()) {
            spec.addPositional(PositionalParamSpec.builder().index(String.valueOf(index++)).arity("1")
                    .paramLabel("<" + p.getKey() + ">").type(String.class).description(p.getValue()).build());
        }
        help.forEach((name, text) -> spec.addOption(OptionSpec.builder("--" + name).paramLabel("<" + name + ">")
                .type(String.class).arity("1").description(text + " (default: "
                        + (defaults.get(name).isEmpty() ? "none" : defaults.get(name)) + ")").build()));
        return spec;
    }

    /** Takes the values picocli matched for a command built by {@link #spec}. */
    Options accept(ParseResult result) {
        for (String name : defaults.keySet()) {
            if (result.hasMatchedOption("--" + name)) {
                values.put(name, result.matchedOptionValue("--" + name, defaults.get(name)));
            }
        }
        List<PositionalParamSpec> matched = result.matchedPositionals();
        List<String> names = new ArrayList<>(positionals.keySet());
        for (PositionalParamSpec p : matched) {
            values.put(names.get(p.index().min()), p.getValue().toString());
        }
        return this;
    }

    /**
     * Parses {@code args} on their own (not under the command line's {@code Cli}); returns false when help was
     * asked for.
     *
     * @throws IllegalArgumentException for an unknown option, a missing value or a missing positional
     */
    boolean parse(String[] args) {
        CommandLine cl = new CommandLine(spec("command", ""));
        try {
            ParseResult result = cl.parseArgs(args);
            if (result.isUsageHelpRequested()) {
                return false;
            }
            accept(result);
            return true;
        } catch (CommandLine.ParameterException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
    }

    /** The options' help text. */
    String usage() {
        StringWriter w = new StringWriter();
        new CommandLine(spec("command", "")).usage(new PrintWriter(w));
        return w.toString();
    }

    /** The options set explicitly, as {@code --name value} pairs, positionals first (to record a run). */
    List<String> explicitArgs() {
        List<String> out = new ArrayList<>();
        for (String p : positionals.keySet()) {
            if (values.containsKey(p)) {
                out.add(values.get(p));
            }
        }
        values.forEach((k, v) -> {
            if (defaults.containsKey(k)) {
                out.add("--" + k);
                out.add(v);
            }
        });
        return out;
    }

    /** Whether {@code name} was given on the command line. */
    boolean isSet(String name) {
        return values.containsKey(name);
    }

    /** Sets an option's value as if it had been given. */
    Options set(String name, String value) {
        if (!defaults.containsKey(name)) {
            throw new IllegalArgumentException("unknown option --" + name + "; known: " + defaults.keySet());
        }
        values.put(name, value);
        return this;
    }

    String string(String name) {
        if (positionals.containsKey(name)) {
            String v = values.get(name);
            if (v == null) {
                throw new IllegalArgumentException("missing <" + name + ">");
            }
            return v;
        }
        if (!defaults.containsKey(name)) {
            throw new IllegalStateException("undeclared option " + name);
        }
        return values.getOrDefault(name, defaults.get(name));
    }

    int integer(String name) {
        try {
            return Integer.parseInt(string(name).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be an integer, got '" + string(name) + "'");
        }
    }

    double real(String name) {
        try {
            return Double.parseDouble(string(name).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be a number, got '" + string(name) + "'");
        }
    }

    boolean bool(String name) {
        String v = string(name).trim().toLowerCase();
        if (v.equals("true") || v.equals("false")) {
            return Boolean.parseBoolean(v);
        }
        throw new IllegalArgumentException("--" + name + " must be true or false, got '" + string(name) + "'");
    }

    /** The enum constant named by the option's value (case-insensitive), or an error listing the constants. */
    <E extends Enum<E>> E choice(String name, Class<E> type) {
        String v = string(name);
        try {
            return Enum.valueOf(type, v.trim().toUpperCase());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--" + name + " must be one of "
                    + Arrays.toString(type.getEnumConstants()).toLowerCase() + ", got '" + v + "'");
        }
    }

    int[] integers(String name) {
        if (string(name).trim().isEmpty()) {
            return new int[0];
        }
        try {
            return Arrays.stream(string(name).split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be comma-separated integers, got '"
                    + string(name) + "'");
        }
    }

    Path path(String name) {
        String v = string(name);
        return v.isEmpty() ? null : Path.of(v);
    }
}
