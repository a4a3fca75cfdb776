package io.github.concurrency4j.scaleout;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.github.concurrency4j.BulkConflictException;
import io.github.concurrency4j.BulkPolicy;
import io.github.concurrency4j.BulkResult;
import io.github.concurrency4j.Concurrency;
import io.github.concurrency4j.Identity;
import io.github.concurrency4j.RecordModifiedException;
import io.github.concurrency4j.RetryPolicy;
import io.github.concurrency4j.Row;
import io.github.concurrency4j.RowChange;
import io.github.concurrency4j.TransactionAbortedException;
import io.github.concurrency4j.VersionedTable;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One JVM of {@link StormAcrossProcessesTest}: {@code threads} threads write the same few rows of a table
 * {@code (id, val, version)} for a while, each write setting {@code val} to a tag no other write uses, in a mix of
 * single-row updates (plain and through {@code retry}), {@code updateAll} under both policies, and transactions of
 * the caller's holding both, committed at the end. Every write the API acknowledged is logged as
 * {@code id version tag} once it is certain (a caller's transaction: after its commit); a write whose outcome the API
 * left open is logged as {@code ? id tag reason}. It prints {@code READY}, starts on a line {@code GO} from standard
 * input, and ends by printing {@code acknowledged=<n> refused=<n> aborted=<n> unknown=<n>}.
 *
 * <p>Arguments: JDBC URL, user, password, table, rows, run time in milliseconds, threads, process number, log file.
 */
public final class StormMain {
    private static final RetryPolicy RETRY = RetryPolicy.custom().maxAttempts(8).initialDelayMillis(1)
            .maxDelayMillis(10).build();

    private final Concurrency concurrency;
    private final HikariDataSource pool;
    private final VersionedTable table;
    private final int rows;
    private final PrintWriter log;
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong aborted = new AtomicLong();
    private final AtomicLong unknown = new AtomicLong();

    private StormMain(HikariDataSource pool, String table, int rows, PrintWriter log) {
        this.pool = pool;
        this.concurrency = Concurrency.builder(pool).table(table).build();
        this.table = concurrency.table(table);
        this.rows = rows;
        this.log = log;
    }

    public static void main(String[] args) throws Exception {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(args[0]);
        config.setUsername(args[1]);
        config.setPassword(args[2]);
        int threads = Integer.parseInt(args[6]);
        config.setMaximumPoolSize(threads + 1);
        long runMillis = Long.parseLong(args[5]);
        int process = Integer.parseInt(args[7]);
        try (HikariDataSource pool = new HikariDataSource(config);
             PrintWriter log = new PrintWriter(Files.newBufferedWriter(Path.of(args[8]), StandardCharsets.UTF_8))) {
            StormMain storm = new StormMain(pool, args[3], Integer.parseInt(args[4]), log);
            System.out.println("READY");
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            if (!"GO".equals(in.readLine())) {
                System.exit(2);
            }
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(runMillis);
            List<Thread> workers = new ArrayList<>();
            for (int w = 0; w < threads; w++) {
                String prefix = "p" + process + "t" + w + "n";
                Random random = new Random(31L * process + w);
                Thread t = new Thread(() -> storm.work(prefix, random, deadline));
                t.start();
                workers.add(t);
            }
            for (Thread t : workers) {
                t.join();
            }
            System.out.println("acknowledged=" + storm.acknowledged + " refused=" + storm.refused + " aborted="
                    + storm.aborted + " unknown=" + storm.unknown);
        }
    }

    private void work(String prefix, Random random, long deadline) {
        long seq = 0;
        while (System.nanoTime() < deadline) {
            int kind = random.nextInt(10);
            List<String[]> done = new ArrayList<>();
            try {
                if (kind < 3) {
                    long id = 1 + random.nextInt(rows);
                    String tag = prefix + seq++;
                    Row row = table.find(id).orElseThrow();
                    done.add(ack(id, table.update(id, row.version(), Map.of("val", tag)), tag));
                } else if (kind < 4) {
                    long id = 1 + random.nextInt(rows);
                    String tag = prefix + seq++;
                    long version = concurrency.retry(RETRY, () -> {
                        Row row = table.find(id).orElseThrow();
                        return table.update(id, row.version(), Map.of("val", tag));
                    });
                    done.add(ack(id, version, tag));
                } else if (kind < 7) {
                    List<String> tags = new ArrayList<>();
                    List<RowChange> changes = changes(table, prefix, seq, random, tags);
                    seq += changes.size();
                    BulkPolicy policy = kind < 6 ? BulkPolicy.SKIP_CONFLICTS : BulkPolicy.ABORT_ALL;
                    BulkResult result = table.updateAll(changes, policy);
                    refused.addAndGet(result.conflicts().size());
                    for (Identity saved : result.saved()) {
                        done.add(ack(((Number) saved.key()).longValue(), saved.version(), tagOf(changes, tags, saved)));
                    }
                } else {
                    seq = inCallersTransaction(prefix, seq, random, done);
                }
                for (String[] line : done) {
                    write(String.join(" ", line));
                    acknowledged.incrementAndGet();
                }
            } catch (RecordModifiedException e) {
                refused.incrementAndGet();
            } catch (TransactionAbortedException e) {
                aborted.incrementAndGet();
            } catch (RuntimeException e) {
                unknown.incrementAndGet();
                write("? " + e.toString().replace('\n', ' '));
            }
        }
    }

    /**
     * A transaction of the caller's: a single-row update and an {@code updateAll} of other rows, committed together.
     * Its writes are acknowledged once the commit returns; a conflict or an abort rolls it back whole.
     */
    private long inCallersTransaction(String prefix, long seq, Random random, List<String[]> done) {
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            List<String[]> pending = new ArrayList<>();
            boolean committed = false;
            try {
                VersionedTable inTx = table.using(c);
                long id = 1 + random.nextInt(rows);
                String tag = prefix + seq++;
                Row row = inTx.find(id).orElseThrow();
                pending.add(ack(id, inTx.update(id, row.version(), Map.of("val", tag)), tag));
                List<String> tags = new ArrayList<>();
                List<RowChange> changes = changes(inTx, prefix, seq, random, tags);
                changes.removeIf(ch -> ((Number) ch.key()).longValue() == id);
                seq += tags.size();
                if (!changes.isEmpty()) {
                    BulkResult result = inTx.updateAll(changes, BulkPolicy.ABORT_ALL);
                    for (Identity saved : result.saved()) {
                        pending.add(ack(((Number) saved.key()).longValue(), saved.version(),
                                tagOf(changes, tags, saved)));
                    }
                }
                try {
                    c.commit();
                } catch (SQLException e) {
                    if ("40001".equals(e.getSQLState())) {
                        // A certification failure at commit (Galera): the database rolled the transaction back.
                        aborted.incrementAndGet();
                        return seq;
                    }
                    unknown.incrementAndGet();
                    write("? commit " + e);
                    return seq;
                }
                committed = true;
                done.addAll(pending);
            } finally {
                if (!committed) {
                    c.rollback();
                }
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            unknown.incrementAndGet();
            write("? transaction " + e);
        }
        return seq;
    }

    /** Changes of two to four distinct random rows, read just before, each to a fresh tag (kept in {@code tags}). */
    private List<RowChange> changes(VersionedTable from, String prefix, long seq, Random random, List<String> tags) {
        int n = 2 + random.nextInt(3);
        List<Long> ids = new ArrayList<>();
        while (ids.size() < n) {
            long id = 1 + random.nextInt(rows);
            if (!ids.contains(id)) {
                ids.add(id);
            }
        }
        List<RowChange> changes = new ArrayList<>();
        for (long id : ids) {
            String tag = prefix + (seq + changes.size());
            Row row = from.find(id).orElseThrow();
            changes.add(RowChange.of(row, Map.of("val", tag)));
            tags.add(tag);
        }
        return changes;
    }

    private static String tagOf(List<RowChange> changes, List<String> tags, Identity saved) {
        for (int i = 0; i < changes.size(); i++) {
            if (((Number) changes.get(i).key()).longValue() == ((Number) saved.key()).longValue()) {
                return tags.get(i);
            }
        }
        throw new IllegalStateException("row " + saved.key() + " reported saved but not in the call");
    }

    private static String[] ack(long id, long version, String tag) {
        return new String[] {Long.toString(id), Long.toString(version), tag};
    }

    private void write(String line) {
        synchronized (log) {
            log.println(line);
        }
    }
}
