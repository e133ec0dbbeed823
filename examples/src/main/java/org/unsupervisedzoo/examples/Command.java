package org.unsupervisedzoo.examples;

/** One command of the command line: its options and what it does with them. */
interface Command {
    /** The command's name, e.g. {@code vae} under {@code train}, or {@code export}. */
    String name();

    /** One line for the command list and the help. */
    String description();

    /** A fresh set of the command's options with their defaults. */
    Options options();

    /** Runs the command with parsed options. */
    void run(Options o) throws Exception;

    /** A command from its parts. */
    static Command of(String name, String description, java.util.function.Supplier<Options> options,
                      Action action) {
        return new SimpleCommand(name, description, options, action);
    }

    /** The body of a command. */
    interface Action {
        void run(Options o) throws Exception;
    }
}
