package io.github.concurrency4j;

/**
 * Decides what a refused write throws. The default throws the {@link RecordModifiedException} itself; a handler
 * may log it, count it, or translate it into an application exception. It cannot make the write succeed: by the
 * time it runs, nothing was written.
 */
@FunctionalInterface
public interface ConflictHandler {

    /** The default: throw the conflict as it is. */
    ConflictHandler THROW = conflict -> conflict;

    /**
     * @param conflict the refused write, with the current row
     * @return the exception to throw in its place (never {@code null})
     */
    RuntimeException onConflict(RecordModifiedException conflict);
}
