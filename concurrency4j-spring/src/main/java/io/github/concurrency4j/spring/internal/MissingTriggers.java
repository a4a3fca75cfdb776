package io.github.concurrency4j.spring.internal;

import io.github.concurrency4j.triggers.TriggerManager;
import io.github.concurrency4j.triggers.TriggerTarget;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The declared trigger-versioned tables that have lost their version trigger, described for a person. */
public final class MissingTriggers {
    /** What to do about a missing trigger. */
    public static final String FIX = "Until it is back, writes made outside the application (SQL consoles, other "
            + "services) do not change the version, and the application's stale writes overwrite them. Create it "
            + "again with concurrency.triggers().createMissing(), the CLI's 'triggers create', or "
            + "concurrency4j.triggers.auto-create=true and a restart.";

    private MissingTriggers() {
    }

    /** One map per missing trigger: its {@code table}, {@code versionColumn} and {@code trigger} name. */
    public static List<Map<String, String>> describe(TriggerManager triggers, List<TriggerTarget> missing) {
        return missing.stream().map(t -> {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("table", t.table());
            m.put("versionColumn", t.versionColumn());
            m.put("trigger", triggers.triggerName(t));
            return Map.copyOf(m);
        }).toList();
    }
}
