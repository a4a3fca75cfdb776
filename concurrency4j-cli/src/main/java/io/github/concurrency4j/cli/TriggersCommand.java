package io.github.concurrency4j.cli;

import io.github.concurrency4j.ConnectionSource;
import io.github.concurrency4j.triggers.TriggerManager;
import io.github.concurrency4j.triggers.TriggerTarget;
import io.github.concurrency4j.triggers.VersionTrigger;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code concurrency4j triggers ...}: the database triggers behind trigger versions. */
@Command(name = "triggers", mixinStandardHelpOptions = true,
        description = {"Manage the triggers that bump a version column on every UPDATE, whoever runs it.",
                "Each --table is TABLE or TABLE:VERSION_COLUMN (the column defaults to 'version')."},
        subcommands = {TriggersCommand.ListTriggers.class, TriggersCommand.Create.class, TriggersCommand.Drop.class,
                TriggersCommand.Check.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done", "1:check found a table without its trigger",
                "2:usage error, or the database could not be reached or refused"})
final class TriggersCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** What every subcommand shares: the connection, the tables, the trigger name. */
    abstract static class Base implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Mixin
        ConnectionOptions connection;

        @Option(names = "--trigger", paramLabel = "NAME",
                description = "A trigger name instead of concurrency_<table>_<column>; only with one --table.")
        String triggerName;

        abstract List<String> tableSpecs();

        @Override
        public Integer call() throws SQLException {
            List<TriggerTarget> targets = targets();
            try (Connection c = connection.connect()) {
                return run(TriggerManager.of(ConnectionSource.of(c)), targets, spec.commandLine().getOut());
            }
        }

        abstract int run(TriggerManager triggers, List<TriggerTarget> targets, PrintWriter out);

        private List<TriggerTarget> targets() {
            List<String> specs = tableSpecs();
            if (triggerName != null && specs.size() != 1) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--trigger names one trigger: give exactly one --table with it (got " + specs.size() + ").");
            }
            List<TriggerTarget> targets = new ArrayList<>();
            for (String s : specs) {
                TriggerTarget t = TriggerTarget.parse(s);
                targets.add(triggerName == null ? t : t.withTriggerName(triggerName));
            }
            return targets;
        }

        static String describe(TriggerTarget t) {
            return t.table() + "(" + t.versionColumn() + ")";
        }
    }

    /** Commands that need at least one table. */
    abstract static class WithTables extends Base {
        @Option(names = "--table", required = true, paramLabel = "TABLE[:VERSION_COLUMN]",
                description = "A table and its version column (default column: version). Repeatable.")
        List<String> tables;

        @Override
        List<String> tableSpecs() {
            return tables;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List the concurrency4j version triggers of the current schema (other triggers are not shown).")
    static final class ListTriggers extends Base {
        @Option(names = "--table", paramLabel = "TABLE[:VERSION_COLUMN]",
                description = "Show only the triggers of these tables. Repeatable.")
        List<String> tables = new ArrayList<>();

        @Override
        List<String> tableSpecs() {
            return tables;
        }

        @Override
        int run(TriggerManager triggers, List<TriggerTarget> targets, PrintWriter out) {
            List<VersionTrigger> shown = new ArrayList<>();
            for (VersionTrigger t : triggers.list()) {
                if (targets.isEmpty() || targets.stream().anyMatch(x -> x.table().equalsIgnoreCase(t.table()))) {
                    shown.add(t);
                }
            }
            if (shown.isEmpty()) {
                out.println("No concurrency4j triggers" + (targets.isEmpty() ? "." : " on these tables."));
                return Main.EXIT_OK;
            }
            int width = Math.max(4, shown.stream().mapToInt(t -> t.name().length()).max().orElse(0));
            out.printf("%-" + width + "s  %s%n", "NAME", "TABLE(VERSION_COLUMN)");
            for (VersionTrigger t : shown) {
                out.printf("%-" + width + "s  %s(%s)%n", t.name(), t.table(), t.versionColumn());
            }
            return Main.EXIT_OK;
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create the version trigger of each table; a table that has one already is left as it is.")
    static final class Create extends WithTables {
        @Override
        int run(TriggerManager triggers, List<TriggerTarget> targets, PrintWriter out) {
            for (TriggerTarget t : targets) {
                if (triggers.create(t)) {
                    out.println("created  " + triggers.triggerName(t) + " on " + describe(t));
                } else {
                    String existing = triggers.find(t).map(VersionTrigger::name).orElse(triggers.triggerName(t));
                    out.println("exists   " + existing + " on " + describe(t));
                }
            }
            return Main.EXIT_OK;
        }
    }

    @Command(name = "drop", mixinStandardHelpOptions = true,
            description = {"Drop the version trigger of each table (on PostgreSQL, its function too).",
                    "Triggers that concurrency4j did not create are never dropped."})
    static final class Drop extends WithTables {
        @Override
        int run(TriggerManager triggers, List<TriggerTarget> targets, PrintWriter out) {
            for (TriggerTarget t : targets) {
                String name = triggers.find(t).map(VersionTrigger::name).orElse(triggers.triggerName(t));
                if (triggers.drop(t)) {
                    out.println("dropped  " + (t.customName().isPresent() ? triggers.triggerName(t) : name) + " on "
                            + describe(t));
                } else {
                    out.println("absent   no concurrency4j trigger " + (t.customName().isPresent()
                            ? triggers.triggerName(t) + " " : "") + "on " + describe(t));
                }
            }
            return Main.EXIT_OK;
        }
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Check that each table has its version trigger; exit code 1 when one is missing.")
    static final class Check extends WithTables {
        @Override
        int run(TriggerManager triggers, List<TriggerTarget> targets, PrintWriter out) {
            List<TriggerTarget> missing = triggers.check(targets);
            List<VersionTrigger> present = triggers.list();
            for (TriggerTarget t : targets) {
                if (missing.contains(t)) {
                    out.println("missing  " + describe(t) + ": create it with: concurrency4j triggers create --url "
                            + Failures.redact(connection.url) + (connection.user == null ? "" : " --user " + connection.user)
                            + " --table " + t.table() + ":" + t.versionColumn());
                } else {
                    String name = present.stream().filter(p -> p.versions(t.table(), t.versionColumn()))
                            .map(VersionTrigger::name).findFirst().orElse("?");
                    out.println("ok       " + describe(t) + ": " + name);
                }
            }
            return missing.isEmpty() ? Main.EXIT_OK : Main.EXIT_MISSING;
        }
    }
}
