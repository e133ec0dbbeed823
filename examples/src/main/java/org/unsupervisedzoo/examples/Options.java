package org.unsupervisedzoo.examples;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Command-line options of the example runners: {@code --name value} pairs, each with a default shown by
 * {@code --help}. An unknown option or a malformed value is an error naming both.
 */
final class Options {
    private final Map<String, String> defaults = new LinkedHashMap<>();
    private final Map<String, String> help = new LinkedHashMap<>();
    private final Map<String, String> values = new LinkedHashMap<>();

    Options option(String name, String defaultValue, String description) {
        defaults.put(name, defaultValue);
        help.put(name, description);
        return this;
    }

    /** Parses {@code args}; returns false when help was asked for. */
    boolean parse(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h")) {
                return false;
            }
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + arg + "' (options are --name value)");
            }
            String name = arg.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (!defaults.containsKey(name)) {
                throw new IllegalArgumentException("unknown option --" + name + "; known: " + defaults.keySet());
            }
            if (value == null) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("option --" + name + " needs a value");
                }
                value = args[++i];
            }
            values.put(name, value);
        }
        return true;
    }

    String usage() {
        StringBuilder sb = new StringBuilder();
        help.forEach((name, text) -> sb.append(String.format("  --%-14s %s (default: %s)%n", name, text,
                defaults.get(name).isEmpty() ? "none" : defaults.get(name))));
        return sb.toString();
    }

    String string(String name) {
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

    int[] integers(String name) {
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
