package io.github.concurrency4j.cli;

import io.github.concurrency4j.ConnectionSource;
import io.github.concurrency4j.triggers.TriggerManager;
import io.github.concurrency4j.triggers.TriggerProof;
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
        exitCodeList = {"0:done", "1:check found a table without a working trigger",
                "2:usage error, or the database could not be reached or refused",
                "3:check found every trigger but could not prove one works (empty table, no primary key)"})
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
            validate();
            List<TriggerTarget> targets = targets();
            try (Connection c = connection.connect()) {
                return run(TriggerManager.of(ConnectionSource.of(c)), targets, spec.commandLine().getOut());
            }
        }

        abstract int run(TriggerManager triggers, List<TriggerTarget> targets, PrintWriter out);

        /** Checks the options together, before any connection is made. */
        void validate() {
        }

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
            description = {"Drop the version trigger of each table (on PostgreSQL, its function too), or with --all every",
                    "concurrency4j trigger that 'list' shows. Triggers that concurrency4j did not create are never dropped."})
    static final class Drop extends Base {
        @Option(names = "--table", paramLabel = "TABLE[:VERSION_COLUMN]",
                description = "A table and its version column (default column: version). Repeatable.")
        List<String> tables = new ArrayList<>();

        @Option(names = "--all", description = "Drop every concurrency4j version trigger of the current schema, whatever"
                + " its name (what 'list' shows); instead of --table.")
        boolean all;

        @Override
        List<String> tableSpecs() {
            return tables;
        }

        @Override
        void validate() {
            if (all == !tables.isEmpty()) {
                throw new CommandLine.ParameterException(spec.commandLine(), all
                        ? "Give either --table (repeatable) or --all, not both: --all drops every concurrency4j trigger."
                        : "Name the tables whose triggers to drop (--table, repeatable), or give --all to drop every"
                                + " concurrency4j trigger that 'list' shows.");
            }
        }

        @Override
        int run(TriggerManager triggers, List<TriggerTarget> targets, PrintWriter out) {
            if (all) {
                List<VersionTrigger> present = triggers.list();
                if (present.isEmpty()) {
                    out.println("No concurrency4j triggers.");
                }
                for (VersionTrigger t : present) {
                    TriggerTarget target = TriggerTarget.of(t.table(), t.versionColumn()).withTriggerName(t.name());
                    out.println((triggers.drop(target) ? "dropped  " : "absent   ") + t.name() + " on "
                            + describe(target));
                }
                return Main.EXIT_OK;
            }
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
            description = {"Check that each table has its version trigger, and prove that it bumps the version:",
                    "a probe UPDATE of one row (setting its key to itself) inside a transaction that is rolled back.",
                    "Exit code 1 when a trigger is missing or leaves the version as it was; 3 when a trigger is there",
                    "but cannot be proved (empty table, no primary key); 0 when every one is proved."},
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:every trigger is there and bumps the version",
                    "1:a trigger is missing, or an UPDATE leaves the version as it was or moves it by other than 1",
                    "2:usage error, or the database could not be reached or refused",
                    "3:every trigger is there, but one could not be proved (no row, no primary key)"})
    static final class Check extends WithTables {
        @Option(names = "--no-probe",
                description = "Only look for the triggers; run no UPDATE (for a user who may not write).")
        boolean noProbe;

        @Override
        int run(TriggerManager triggers, List<TriggerTarget> targets, PrintWriter out) {
            List<TriggerTarget> missing = triggers.check(targets);
            List<VersionTrigger> present = triggers.list();
            int exit = Main.EXIT_OK;
            for (TriggerTarget t : targets) {
                if (missing.contains(t)) {
                    out.println("missing  " + describe(t) + ": create it with: " + command("create", t));
                    exit = Main.EXIT_MISSING;
                    continue;
                }
                String name = present.stream().filter(p -> p.versions(t.table(), t.versionColumn()))
                        .map(VersionTrigger::name).findFirst().orElse("?");
                if (noProbe) {
                    out.println("ok       " + describe(t) + ": " + name + " (found; not probed: --no-probe)");
                    continue;
                }
                TriggerProof proof = triggers.prove(t);
                switch (proof) {
                    case BUMPS_VERSION -> out.println("ok       " + describe(t) + ": " + name
                            + " bumps the version (probe UPDATE rolled back)");
                    case VERSION_UNCHANGED -> {
                        out.println("broken   " + describe(t) + ": " + name + " is there, but an UPDATE leaves the"
                                + " version as it was (probe rolled back); replace it with: "
                                + command("drop", t.withTriggerName(name)) + " && " + command("create", t));
                        exit = Main.EXIT_MISSING;
                    }
                    case BUMPS_BY_OTHER_THAN_ONE -> {
                        out.println("broken   " + describe(t) + ": " + name + " is there, but an UPDATE moves the"
                                + " version by something other than 1 (probe rolled back): another trigger of the table also"
                                + " writes the version column; drop that one, so that each UPDATE bumps it once");
                        exit = Main.EXIT_MISSING;
                    }
                    case NO_ROW, NO_PRIMARY_KEY -> {
                        out.println("unproven " + describe(t) + ": " + name + " is there; cannot prove: "
                                + (proof == TriggerProof.NO_ROW ? "no row (the table is empty): check again when it"
                                        + " has one" : "no primary key to pick out one row for the probe UPDATE"));
                        if (exit == Main.EXIT_OK) {
                            exit = Main.EXIT_UNPROVEN;
                        }
                    }
                }
            }
            return exit;
        }

        private String command(String verb, TriggerTarget t) {
            return "concurrency4j triggers " + verb + " --url " + Failures.redact(connection.url)
                    + (connection.user == null ? "" : " --user " + connection.user) + " --table " + t.table() + ":"
                    + t.versionColumn() + (t.customName().isPresent() ? " --trigger " + t.customName().get() : "");
        }
    }
}
