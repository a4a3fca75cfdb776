package io.github.concurrency4j.spring.autoconfigure;

import io.github.concurrency4j.BulkPolicy;
import io.github.concurrency4j.triggers.TriggerSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code concurrency4j.*} properties.
 *
 * <pre>
 * concurrency4j.tables.product.key=id
 * concurrency4j.tables.product.version-column=version
 * concurrency4j.tables.customer.strategy=conditional
 * concurrency4j.tables.customer.check-fields=name,email
 * concurrency4j.tables.audit_log.enabled=false      (writes unchecked, versions still rise)
 * concurrency4j.tables.counter.increment=false      (checked, version left as it was)
 * concurrency4j.tables.product_view.assume-unique-key=true  (a view: no index keeps its key unique)
 * concurrency4j.signing.secrets=${C4J_SECRET}
 * concurrency4j.signing.previous-secrets=${C4J_PREVIOUS_SECRET:}
 * concurrency4j.signing.max-age=8h
 * concurrency4j.web.require-if-match=false   (default true: 428 without If-Match)
 * concurrency4j.triggers.auto-create=true
 * </pre>
 */
@ConfigurationProperties(prefix = "concurrency4j")
public class ConcurrencyProperties {

    /** Whether version checks are on. Off, every write is applied unchecked (versions still rise). */
    private boolean enabled = true;

    /** Whether a write without an expected version is refused (MissingVersionException). */
    private boolean versionRequired = true;

    /**
     * What a list-editable save or bulk delete does when some rows are stale: skip-conflicts saves the current
     * rows and reports the others; abort-all saves nothing.
     */
    private BulkPolicy bulkPolicy = BulkPolicy.SKIP_CONFLICTS;

    /** The versioned tables, by table name. */
    private Map<String, Table> tables = new LinkedHashMap<>();

    /** Signing of the version tokens that forms carry. */
    private final Signing signing = new Signing();

    /** The Spring MVC integration. */
    private final Web web = new Web();

    /** The triggers of tables with strategy=trigger. */
    private final Triggers triggers = new Triggers();

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public boolean isVersionRequired() {
        return versionRequired;
    }

    public void setVersionRequired(boolean versionRequired) {
        this.versionRequired = versionRequired;
    }

    public BulkPolicy getBulkPolicy() {
        return bulkPolicy;
    }

    public void setBulkPolicy(BulkPolicy bulkPolicy) {
        this.bulkPolicy = bulkPolicy;
    }

    public Map<String, Table> getTables() {
        return tables;
    }

    public void setTables(Map<String, Table> tables) {
        this.tables = tables;
    }

    public Signing getSigning() {
        return signing;
    }

    public Web getWeb() {
        return web;
    }

    public Triggers getTriggers() {
        return triggers;
    }

    /** What startup does about the triggers of tables with strategy=trigger. */
    public static class Triggers {
        /** Whether missing version triggers are created at startup (needs DDL rights). */
        private boolean autoCreate = TriggerSettings.DEFAULT_AUTO_CREATE;

        /** What startup does when a trigger is missing: off, warn, or fail (refuse to start). */
        private TriggerSettings.CheckMode check = TriggerSettings.DEFAULT_CHECK;

        /**
         * How often to check, while the application runs, that the version triggers are still there (a
         * {@code Duration}, such as {@code 5m}); a trigger found missing is logged once as an error naming its table.
         * Unset (the default): checked at startup and on each request of the health component only.
         */
        private java.time.Duration recheckInterval;

        public boolean isAutoCreate() {
            return autoCreate;
        }

        public void setAutoCreate(boolean autoCreate) {
            this.autoCreate = autoCreate;
        }

        public TriggerSettings.CheckMode getCheck() {
            return check;
        }

        public void setCheck(TriggerSettings.CheckMode check) {
            this.check = check;
        }

        public java.time.Duration getRecheckInterval() {
            return recheckInterval;
        }

        public void setRecheckInterval(java.time.Duration recheckInterval) {
            this.recheckInterval = recheckInterval;
        }
    }

    /** How a version column gets its next value. */
    public enum Strategy {
        /** The old version plus one. */
        AUTO_INCREMENT,
        /** The greater of the old version plus one and the microseconds since 2000-01-01. */
        TIMESTAMP,
        /** Set by a database trigger on every UPDATE. */
        TRIGGER,
        /** The old version plus one only when a tracked column changes. */
        CONDITIONAL
    }

    /** One versioned table. */
    public static class Table {
        /** The key column. */
        private String key = "id";

        /** The version column. */
        private String versionColumn = "version";

        /**
         * How the version rises. Defaults to auto-increment, or to conditional when check-fields or ignore-fields
         * is set.
         */
        private Strategy strategy;

        /** For a conditional version: the only columns whose change bumps the version. */
        private List<String> checkFields = new ArrayList<>();

        /** For a conditional version: the columns whose change does not bump the version. */
        private List<String> ignoreFields = new ArrayList<>();

        /**
         * Whether writes to this table are checked (the seed's per-model enabled). Off, every write is applied
         * unchecked and needs no expected version; the version still rises.
         */
        private boolean enabled = true;

        /**
         * Whether writes bump the version (the seed's per-model increment). Off, writes are still checked against
         * the expected version but leave it as it was. Refused at startup for strategy=trigger.
         */
        private boolean increment = true;

        /**
         * Accept a key column that no primary key or unique index has to itself, such as a view's (refused at
         * startup otherwise): writes that find more than one row with their key are undone and refused.
         */
        private boolean assumeUniqueKey;

        public String getKey() {
            return key;
        }

        public void setKey(String key) {
            this.key = key;
        }

        public String getVersionColumn() {
            return versionColumn;
        }

        public void setVersionColumn(String versionColumn) {
            this.versionColumn = versionColumn;
        }

        public Strategy getStrategy() {
            return strategy;
        }

        public void setStrategy(Strategy strategy) {
            this.strategy = strategy;
        }

        public List<String> getCheckFields() {
            return checkFields;
        }

        public void setCheckFields(List<String> checkFields) {
            this.checkFields = checkFields;
        }

        public List<String> getIgnoreFields() {
            return ignoreFields;
        }

        public void setIgnoreFields(List<String> ignoreFields) {
            this.ignoreFields = ignoreFields;
        }

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public boolean isIncrement() {
            return increment;
        }

        public void setIncrement(boolean increment) {
            this.increment = increment;
        }

        public boolean isAssumeUniqueKey() {
            return assumeUniqueKey;
        }

        public void setAssumeUniqueKey(boolean assumeUniqueKey) {
            this.assumeUniqueKey = assumeUniqueKey;
        }
    }

    /** Signing secrets of version tokens. */
    public static class Signing {
        /**
         * The HMAC-SHA256 secrets, at least 16 bytes each: tokens are signed with the first and accepted when any
         * verifies them. An empty entry or an unresolved ${...} placeholder refuses startup. Without any, a random
         * secret is made at each start: forms do not survive a restart and instances do not accept each other's
         * tokens.
         */
        private List<String> secrets = new ArrayList<>();

        /**
         * Secrets that verify tokens but never sign (the secrets before a rotation), at least 16 bytes each. Empty
         * entries are dropped, so ${C4J_PREVIOUS_SECRET:} may be unset; an unresolved ${...} placeholder refuses
         * startup.
         */
        private List<String> previousSecrets = new ArrayList<>();

        /**
         * The age after which a form's token is refused (400, "this form expired, reload it"), such as 8h. No limit
         * when unset.
         */
        private Duration maxAge;

        public List<String> getSecrets() {
            return secrets;
        }

        public void setSecrets(List<String> secrets) {
            this.secrets = secrets;
        }

        public List<String> getPreviousSecrets() {
            return previousSecrets;
        }

        public void setPreviousSecrets(List<String> previousSecrets) {
            this.previousSecrets = previousSecrets;
        }

        public Duration getMaxAge() {
            return maxAge;
        }

        public void setMaxAge(Duration maxAge) {
            this.maxAge = maxAge;
        }
    }

    /** The Spring MVC integration. */
    public static class Web {
        /** Whether the conflict handling, form tokens and If-Match support are registered. */
        private boolean enabled = true;

        /** The request parameter that carries a form's version token. */
        private String tokenParameter = "_c4j_token";

        /** Whether a conflicting form save whose edits touched different fields is merged instead of refused. */
        private boolean autoMerge = true;

        /**
         * Whether a write made conditional by @IfMatch without an If-Match header is answered 428 (the default, as
         * the core requires a version by default); false lets such a write through unchecked.
         */
        private boolean requireIfMatch = true;

        /**
         * Whether a JSON body that names a member twice ({"price": 5, "price": 7}) is refused with a 400 instead of
         * read with the last value (Jackson's default): which value the client meant cannot be told. Sets Jackson's
         * STRICT_DUPLICATE_DETECTION on the application's ObjectMapper.
         */
        private boolean rejectDuplicateJsonMembers = true;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public String getTokenParameter() {
            return tokenParameter;
        }

        public void setTokenParameter(String tokenParameter) {
            this.tokenParameter = tokenParameter;
        }

        public boolean isAutoMerge() {
            return autoMerge;
        }

        public void setAutoMerge(boolean autoMerge) {
            this.autoMerge = autoMerge;
        }

        public boolean isRequireIfMatch() {
            return requireIfMatch;
        }

        public void setRequireIfMatch(boolean requireIfMatch) {
            this.requireIfMatch = requireIfMatch;
        }

        public boolean isRejectDuplicateJsonMembers() {
            return rejectDuplicateJsonMembers;
        }

        public void setRejectDuplicateJsonMembers(boolean rejectDuplicateJsonMembers) {
            this.rejectDuplicateJsonMembers = rejectDuplicateJsonMembers;
        }
    }
}
