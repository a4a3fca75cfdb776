package io.github.concurrency4j.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The entry point of the executable jar. */
@Command(name = "concurrency4j", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Optimistic locking for Java: manage the database side of concurrency4j.",
        subcommands = {TriggersCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    /** All went well. */
    public static final int EXIT_OK = 0;
    /** {@code check} found tables without their trigger. */
    public static final int EXIT_MISSING = 1;
    /** Bad usage, or the database could not be reached or refused. */
    public static final int EXIT_ERROR = 2;
    /**
     * {@code check} found every trigger, but could not prove that one of them bumps the version: its table has no
     * row (or no primary key) for the probe UPDATE.
     */
    public static final int EXIT_UNPROVEN = 3;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Runs the command and exits with its code. */
    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /**
     * Runs the command, writing to the given streams, and returns the exit code. Nothing is written before the
     * command ends: everything it printed goes through {@link Redaction} first, stack traces included, so that no
     * password of the URL, the password variable or the password file is ever shown.
     */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        StringWriter outText = new StringWriter();
        StringWriter errText = new StringWriter();
        try {
            return execute(args, new PrintWriter(outText, true), new PrintWriter(errText, true));
        } finally {
            Redaction redaction = Redaction.ofArguments(args);
            out.print(redaction.apply(outText.toString()));
            out.flush();
            err.print(redaction.apply(errText.toString()));
            err.flush();
        }
    }

    private static int execute(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(out);
        cli.setErr(err);
        cli.setParameterExceptionHandler((e, a) -> {
            CommandLine c = e.getCommandLine();
            c.getErr().println("error: " + e.getMessage());
            c.getErr().println("Run '" + c.getCommandSpec().qualifiedName() + " --help' for usage.");
            return EXIT_ERROR;
        });
        cli.setExecutionExceptionHandler((e, c, parsed) -> {
            c.getErr().println("error: " + Failures.oneLine(e));
            if (verbose(parsed)) {
                e.printStackTrace(c.getErr());
            }
            return EXIT_ERROR;
        });
        return cli.execute(args);
    }

    private static boolean verbose(CommandLine.ParseResult parsed) {
        for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--verbose")) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The version from the jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"concurrency4j " + (v == null ? "(development build)" : v)};
        }
    }
}
