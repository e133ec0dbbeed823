package org.unsupervisedzoo.examples;

import java.util.function.Supplier;

/** A command made of its parts: what {@link Command#of} and {@link ModelCommand#of} build. */
final class SimpleCommand implements ModelCommand {
    private final String name;
    private final String description;
    private final Supplier<Options> options;
    private final Command.Action action;

    SimpleCommand(String name, String description, Supplier<Options> options, Command.Action action) {
        this.name = name;
        this.description = description;
        this.options = options;
        this.action = action;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public Options options() {
        return options.get();
    }

    @Override
    public void run(Options o) throws Exception {
        action.run(o);
    }
}
