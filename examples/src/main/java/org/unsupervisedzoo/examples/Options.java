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
 *
 * <p>A numeric option declares its range right after {@link #option} ({@link #min}, {@link #range},
 * {@link #positive}, {@link #atLeast}, {@link #between}, {@link #eachAtLeast}, {@link #anyInt}); the getters
 * enforce it, {@link #validate()} checks every declared range before a command runs, and a real is never NaN or
 * infinite. An out-of-range value is one message naming the option, the range and the value, e.g.
 * {@code --epochs must be at least 1, got '0'}.
 */
final class Options {
    private final Map<String, String> defaults = new LinkedHashMap<>();
    private final Map<String, String> help = new LinkedHashMap<>();
    private final Map<String, String> values = new LinkedHashMap<>();
    private final Map<String, String> positionals = new LinkedHashMap<>();
    private final Map<String, Range> ranges = new LinkedHashMap<>();
    private final Map<String, String> fixed = new LinkedHashMap<>();
    private String last;

    Options option(String name, String defaultValue, String description) {
        defaults.put(name, defaultValue);
        help.put(name, description);
        last = name;
        return this;
    }

    /**
     * A setting the command fixes (e.g. {@code train dcgan} fixes {@code model} to {@code dcgan}): read with the
     * getters like an option, but not on the command line, not in {@code --help} and not recorded.
     */
    Options fixed(String name, String value) {
        fixed.put(name, value);
        return this;
    }

    /** What values a numeric option takes. */
    private static final class Range {
        enum Kind { INT, REAL, INTS, REALS }

        final Kind kind;
        final double lo;
        final boolean loOpen;
        final double hi;
        final boolean hiOpen;

        Range(Kind kind, double lo, boolean loOpen, double hi, boolean hiOpen) {
            this.kind = kind;
            this.lo = lo;
            this.loOpen = loOpen;
            this.hi = hi;
            this.hiOpen = hiOpen;
        }

        boolean contains(double v) {
            return (loOpen ? v > lo : v >= lo) && (hiOpen ? v < hi : v <= hi);
        }

        private static String num(double v) {
            return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long) v) : String.valueOf(v);
        }

        /** E.g. "at least 1", "greater than 0", "between 0 and 1", "" (any int). */
        String describe() {
            boolean real = kind == Kind.REAL || kind == Kind.REALS;
            boolean noLo = lo == Double.NEGATIVE_INFINITY || (!real && lo <= Integer.MIN_VALUE);
            boolean noHi = hi == Double.POSITIVE_INFINITY || (!real && hi >= Integer.MAX_VALUE);
            if (noLo && noHi) {
                return "";
            }
            if (noHi) {
                return (loOpen ? "greater than " : "at least ") + num(lo);
            }
            if (noLo) {
                return (hiOpen ? "less than " : "at most ") + num(hi);
            }
            return "in " + (loOpen ? "(" : "[") + num(lo) + ", " + num(hi) + (hiOpen ? ")" : "]");
        }
    }

    private Options range(Range r) {
        if (last == null) {
            throw new IllegalStateException("a range must follow an option's declaration");
        }
        ranges.put(last, r);
        return this;
    }

    /** The last declared option is an integer of at least {@code min}. */
    Options min(long min) {
        return range(new Range(Range.Kind.INT, min, false, Integer.MAX_VALUE, false));
    }

    /** The last declared option is an integer in {@code [lo, hi]}. */
    Options range(long lo, long hi) {
        return range(new Range(Range.Kind.INT, lo, false, hi, false));
    }

    /** The last declared option is any integer (e.g. a seed). */
    Options anyInt() {
        return range(new Range(Range.Kind.INT, Integer.MIN_VALUE, false, Integer.MAX_VALUE, false));
    }

    /** The last declared option is comma-separated integers, each at least {@code min} (may be empty). */
    Options eachAtLeast(long min) {
        return range(new Range(Range.Kind.INTS, min, false, Integer.MAX_VALUE, false));
    }

    /** The last declared option is a finite real greater than 0 (a rate, a radius). */
    Options positive() {
        return range(new Range(Range.Kind.REAL, 0, true, Double.POSITIVE_INFINITY, true));
    }

    /** The last declared option is a finite real of at least {@code min}. */
    Options atLeast(double min) {
        return range(new Range(Range.Kind.REAL, min, false, Double.POSITIVE_INFINITY, true));
    }

    /** The last declared option is comma-separated finite reals, each in {@code [lo, hi]} ({@code open}: without). */
    Options eachBetween(double lo, double hi, boolean loOpen, boolean hiOpen) {
        return range(new Range(Range.Kind.REALS, lo, loOpen, hi, hiOpen));
    }

    /** The last declared option is a finite real in {@code [lo, hi]}; {@code open} excludes the ends. */
    Options between(double lo, double hi, boolean loOpen, boolean hiOpen) {
        return range(new Range(Range.Kind.REAL, lo, loOpen, hi, hiOpen));
    }

    /** Whether {@code name} has a declared range (every numeric option should). */
    boolean hasRange(String name) {
        return ranges.containsKey(name);
    }

    /** The declared default of {@code name} (null if undeclared). */
    String defaultValue(String name) {
        return defaults.get(name);
    }

        /** The declared options' names, in order. */
    List<String> names() {
        return List.copyOf(defaults.keySet());
    }

    /**
     * Reads every option with a declared range, so that a bad value is reported before a command loads data or
     * trains (and even when the command would not read that option).
     *
     * @throws IllegalArgumentException naming the first bad option and its value
     */
    Options validate() {
        for (Map.Entry<String, Range> e : ranges.entrySet()) {
            switch (e.getValue().kind) {
                case INT:
                    integer(e.getKey());
                    break;
                case REAL:
                    real(e.getKey());
                    break;
                case REALS:
                    reals(e.getKey());
                    break;
                default:
                    integers(e.getKey());
            }
        }
        return this;
    }

    private IllegalArgumentException outOfRange(String name, Range r, String value) {
        return new IllegalArgumentException("--" + name + " must be " + r.describe() + ", got '" + value + "'");
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
                        + (defaults.get(name).isEmpty() ? "none" : defaults.get(name))
                        + (ranges.containsKey(name) && !ranges.get(name).describe().isEmpty()
                        ? "; " + ranges.get(name).describe() : "") + ")").build()));
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
            validate();
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
        if (fixed.containsKey(name)) {
            return fixed.get(name);
        }
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
        int v;
        try {
            v = Integer.parseInt(string(name).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be an integer, got '" + string(name) + "'");
        }
        Range r = ranges.get(name);
        if (r != null && !r.contains(v)) {
            throw outOfRange(name, r, string(name));
        }
        return v;
    }

    /**
     * A worker count: {@code auto} gives {@code auto} (the runner's choice from the number of cores), else a positive
     * integer; anything else is refused naming the option and the value.
     */
    int workers(String name, int auto) {
        String v = string(name).trim();
        if (v.equalsIgnoreCase("auto")) {
            return auto;
        }
        try {
            int n = Integer.parseInt(v);
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new IllegalArgumentException("--" + name + " must be auto or a positive integer, got '" + string(name)
                + "'");
    }

    /** A finite real (NaN and the infinities are rejected, also where {@code 1e999} overflows to infinity). */
    double real(String name) {
        double v;
        try {
            v = Double.parseDouble(string(name).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be a number, got '" + string(name) + "'");
        }
        Range r = ranges.get(name);
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException("--" + name + " must be a finite number"
                    + (r == null || r.describe().isEmpty() ? "" : " " + r.describe()) + ", got '" + string(name) + "'");
        }
        if (r != null && !r.contains(v)) {
            throw outOfRange(name, r, string(name));
        }
        return v;
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

    /** Comma-separated finite reals, at least one, each in the option's range. */
    double[] reals(String name) {
        String[] parts = string(name).split(",");
        double[] v = new double[parts.length];
        Range r = ranges.get(name);
        for (int i = 0; i < parts.length; i++) {
            try {
                v[i] = Double.parseDouble(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--" + name + " must be comma-separated numbers, got '"
                        + string(name) + "'");
            }
            if (!Double.isFinite(v[i]) || (r != null && !r.contains(v[i]))) {
                throw new IllegalArgumentException("--" + name + " must be comma-separated finite numbers"
                        + (r == null ? "" : ", each " + r.describe()) + ", got '" + string(name) + "'");
            }
        }
        return v;
    }

    int[] integers(String name) {
        if (string(name).trim().isEmpty()) {
            return new int[0];
        }
        int[] v;
        try {
            v = Arrays.stream(string(name).split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be comma-separated integers, got '"
                    + string(name) + "'");
        }
        Range r = ranges.get(name);
        for (int x : v) {
            if (r != null && !r.contains(x)) {
                throw new IllegalArgumentException("--" + name + " must be comma-separated integers, each "
                        + r.describe() + ", got '" + string(name) + "'");
            }
        }
        return v;
    }

    Path path(String name) {
        String v = string(name);
        return v.isEmpty() ? null : Path.of(v);
    }
}
