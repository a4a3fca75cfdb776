package io.github.concurrency4j.internal;

import io.github.concurrency4j.DeclarationException;
import io.github.concurrency4j.TableDeclaration;
import io.github.concurrency4j.VersionStrategy;
import io.github.concurrency4j.VersionedTable;
import io.github.concurrency4j.triggers.TriggerManager;
import io.github.concurrency4j.triggers.TriggerSettings;
import io.github.concurrency4j.triggers.TriggerTarget;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What a build does about the triggers of trigger-versioned tables: create the missing ones, then check. */
public final class TriggerStartup {
    private static final Logger LOG = LoggerFactory.getLogger(TriggerStartup.class);

    private TriggerStartup() {
    }

    /** The trigger targets of the tables declared with {@link VersionStrategy#trigger()}. */
    public static List<TriggerTarget> targets(Collection<VersionedTable> tables) {
        List<TriggerTarget> targets = new ArrayList<>();
        for (VersionedTable t : tables) {
            TableDeclaration d = t.declaration();
            if (d.strategy().kind() == VersionStrategy.Kind.TRIGGER) {
                targets.add(TriggerTarget.of(d.table(), d.versionColumn()));
            }
        }
        return targets;
    }

    /**
     * Applies the settings to the declared trigger-versioned tables.
     *
     * @throws DeclarationException in {@link TriggerSettings.CheckMode#FAIL} mode when a trigger is missing
     */
    public static void run(TriggerManager triggers, TriggerSettings settings) {
        if (triggers.declared().isEmpty()) {
            return;
        }
        if (settings.autoCreate()) {
            for (TriggerTarget t : triggers.createMissing()) {
                LOG.info("Created version trigger {} on {}({})", triggers.triggerName(t), t.table(), t.versionColumn());
            }
        }
        if (settings.check() == TriggerSettings.CheckMode.OFF) {
            return;
        }
        List<TriggerTarget> missing = triggers.check();
        if (missing.isEmpty()) {
            return;
        }
        String message = missingMessage(triggers, missing);
        if (settings.check() == TriggerSettings.CheckMode.FAIL) {
            throw new DeclarationException(message);
        }
        LOG.warn(message);
    }

    /** Names each missing trigger and the command that creates it. */
    static String missingMessage(TriggerManager triggers, List<TriggerTarget> missing) {
        StringBuilder b = new StringBuilder();
        b.append(missing.size() == 1 ? "A table declared with VersionStrategy.trigger() has no version trigger"
                : missing.size() + " tables declared with VersionStrategy.trigger() have no version trigger");
        b.append(": without it the version never changes and stale writes are not refused.");
        StringBuilder tables = new StringBuilder();
        for (TriggerTarget t : missing) {
            b.append(" Missing: trigger ").append(triggers.triggerName(t)).append(" on ").append(t.table())
                    .append('(').append(t.versionColumn()).append(").");
            tables.append(" --table ").append(t.table()).append(':').append(t.versionColumn());
        }
        b.append(" Create ").append(missing.size() == 1 ? "it" : "them").append(" with: concurrency4j triggers create")
                .append(" --url <jdbc-url> --user <user>").append(tables)
                .append(" (or set .triggers(TriggerSettings.ofDefaults().withAutoCreate(true)) on the builder).");
        return b.toString();
    }
}
