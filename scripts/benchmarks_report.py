#!/usr/bin/env python3
"""Turns the JMH JSON results written by scripts/bench into docs/benchmarks.md.

Every ratio is computed from two results of the same JMH run (the same JSON file): a comparison never mixes runs.
Usage: benchmarks_report.py RESULTS_DIR MACHINE_JSON OUTPUT_MD
"""
import json
import math
import os
import sys

PACKAGE = "io.github.concurrency4j.benchmarks."

# Why a goal can be missed, shown under the table when it is. Written from what the benchmarks measure; the numbers
# in the table say whether it applies to this run.
WHY_MISSED = {
    "engine-vs-jdbc": (
        "The engine sends the same single statement as the hand-written UPDATE; what it adds is Java work per call "
        "(a Map of changes, a plan lookup, binding through the column's JDBC type, quoting). On PostgreSQL that is "
        "small next to the round-trip; on H2 in memory there is no round-trip, so the same microsecond is a "
        "larger share of a very small number, and one or two slow iterations (a GC pause, another process) "
        "move the mean of a 2.5 µs operation by a third."),
    "engine-vs-hibernate": (
        "On H2 there is no round-trip to save: the difference is Hibernate's session, persistence context and "
        "dirty checking against a 2-3 µs in-memory update, and a few slow iterations of the engine (see the raw "
        "iterations in the JSON) move this ratio across the 3x line. "
        "On PostgreSQL the engine's write is one round-trip; Hibernate's load + flush is three (SELECT, UPDATE, "
        "COMMIT, the BEGIN riding on the SELECT). When the round-trip dominates, the ratio cannot go much beyond 3x, "
        "and server work per statement pulls it below."),
    "engine-vs-jdbc-durable": (
        "With every commit waiting for the disk, both contenders spend most of each write in the WAL flush "
        "(fdatasync), whose time on this machine varies far more than the engine's few microseconds of Java work; "
        "the two sides ran one after the other, so a slower patch of disk time lands on one side only."),
    "conditional-vs-auto": (
        "conditional() decides the bump inside the statement (CASE WHEN col IS DISTINCT FROM ? ...) and must read "
        "the resulting version back (RETURNING on PostgreSQL, FINAL TABLE on H2), while autoIncrement() knows the "
        "next version in advance and sends a plain UPDATE. The tracked values are also bound twice."),
    "bulk-vs-each": (
        "updateAll writes all rows in one transaction; 1,000 update() calls pay 1,000 pool borrows, round-trips "
        "and commits. With commits that skip the disk flush, a round-trip on the loopback and a commit cost little "
        "more than the UPDATE's own execution on the server, so the speed-up depends on updateAll also saving the "
        "server's per-statement work: one statement for all rows (PostgreSQL's unnest form) does, a JDBC batch of "
        "1,000 UPDATEs (the fallback, and the other databases) does not, and then stays at several times. With "
        "durable commits (the *durable commits* row) each of the 1,000 calls also waits for a disk flush."),
    "bulk-vs-unnest": (
        "The floor is one hand-written statement with three typed arrays that returns the new version of every "
        "row, in a transaction that it rolls back unless every row came back (BEGIN with the statement, then "
        "COMMIT: two round-trips). updateAll sends the same statement shape, with each array behind a sub-select "
        "(so that the planner fetches the rows by index whatever the table's size) and an init-plan that sets a "
        "50 ms lock_timeout, so that under contention it gives up instead of deadlocking and runs again with its "
        "rows locked in key order; this benchmark has no contention, so every call is one statement. Since the "
        "engine knows each checked row's next version, the statement hands back two counts instead of 1,000 rows, "
        "and a guard that fails it unless every row was written makes it all or nothing by itself: it runs in "
        "auto-commit, one round-trip. What is left is the library's "
        "own work per row: validating and copying each RowChange, ordering rows by key, checking that each value "
        "can be carried exactly, building the arrays and the result. The context row *the unnest floor locking "
        "its rows in key order first* shows what the statement would cost if it took its locks in key order on "
        "every call. A value the statement cannot carry exactly makes updateAll fall back to a JDBC batch, 1,000 "
        "statements on the server."),
    "bulk-vs-unnest-durable": (
        "With durable commits both sides pay one disk flush per save, the same constant on both; what is left is "
        "the difference of the no-flush case (see the row above), diluted by the flush, plus the flush's own "
        "variance on this machine."),
    "bulk-vs-each-durable": (
        "With durable commits each of the 1,000 separate updates waits for a disk flush; if the goal is still "
        "missed, the flush on this machine was unusually fast or the batch itself unusually slow in this run."),
    "token": (
        "The baseline is the two HMAC-SHA256 computations alone; sign + verify adds the token format around them "
        "(DataOutputStream and Base64 to build the token, split and decode to read it, the key's canonical text). "
        "On this machine the JIT needs several seconds to reach steady state for the SHA-256 code; a run whose "
        "warm-up was cut short by other work on the machine reports the interpreted speed, several times slower."),
    "alloc-flat": (
        "The engine's own allocation per update (a Map of changes, the plan key, the bound values) does not depend on "
        "the table; a growth here is the difference of two noisy numbers, or the driver allocating differently "
        "for the engine's statement than for the hand-written one."),
}


def load_runs(results_dir):
    runs = {}
    for name in sorted(os.listdir(results_dir)):
        if name.endswith(".json"):
            with open(os.path.join(results_dir, name)) as f:
                text = f.read().strip()
            runs[name[:-5]] = json.loads(text) if text else []
    return runs


def short(benchmark):
    return benchmark[len(PACKAGE):] if benchmark.startswith(PACKAGE) else benchmark


def number(x):
    try:
        v = float(x)
    except (TypeError, ValueError):
        return float("nan")
    return v


def find(run, benchmark, **params):
    """The one result of this benchmark in this run whose params include these values (threads too)."""
    threads = params.pop("threads", None)
    for r in run:
        if short(r["benchmark"]) != benchmark:
            continue
        if threads is not None and r["threads"] != threads:
            continue
        p = r.get("params", {})
        if all(str(p.get(k)) == str(v) for k, v in params.items()):
            return r
    return None


def fmt(v, digits=3):
    if v is None or math.isnan(v):
        return "n/a"
    if v == 0:
        return "0"
    if abs(v) >= 1000:
        return f"{v:,.0f}"
    magnitude = int(math.floor(math.log10(abs(v))))
    decimals = max(0, digits - 1 - magnitude)
    return f"{v:.{decimals}f}"


def score(r):
    m = r["primaryMetric"]
    return number(m["score"]), number(m["scoreError"]), m["scoreUnit"]


def alloc(r):
    m = r.get("secondaryMetrics", {}).get("gc.alloc.rate.norm")
    return (number(m["score"]), number(m["scoreError"])) if m else (float("nan"), float("nan"))


def ratio_with_error(a, ea, b, eb):
    """a / b with the relative errors combined in quadrature (JMH errors are 99.9% intervals)."""
    if b == 0 or math.isnan(a) or math.isnan(b):
        return float("nan"), float("nan")
    r = a / b
    parts = [(e / v) ** 2 for e, v in ((ea, a), (eb, b)) if not math.isnan(e) and v]
    return r, (r * math.sqrt(sum(parts)) if parts else float("nan"))


class Goal:
    """A goal on a ratio (subject / baseline) or on the subject's own score.

    bound is one number, or a dict from database to number (a database missing from it is reported only)."""

    def __init__(self, text, test, bound, on_score=False, only_db=None):
        self.text, self.test, self.bound, self.on_score, self.only_db = text, test, bound, on_score, only_db

    def bound_for(self, db):
        if isinstance(self.bound, dict):
            return self.bound.get(db)
        return None if self.only_db and db != self.only_db else self.bound

    def verdict(self, value, error, db):
        bound = self.bound_for(db)
        if bound is None:
            return "report only", None
        if math.isnan(value):
            return "no result", None
        ok = value <= bound if self.test == "max" else value >= bound
        close = not math.isnan(error) and abs(value - bound) <= error
        if ok:
            return ("yes (within error)" if close else "yes"), None
        if self.test == "max":
            miss = value / bound - 1
        else:
            miss = bound / value - 1
        return ("**no**" + (" (within error)" if close else "")), miss


def at_most(x, label=None):
    return Goal(label or f"≤ {x:.2f}×", "max", x)


# (id, section, run, subject, baseline, goal, extra params, label)
COMPARISONS = [
    ("engine-vs-jdbc", "1. Single-row update", "single", "SingleRowUpdateBenchmark.engineUpdate",
     "SingleRowUpdateBenchmark.jdbcUpdate",
     Goal("≤ 1.05× on PostgreSQL, ≤ 1.10× on H2", "max", {"postgresql": 1.05, "h2": 1.10}), {},
     "engine update vs hand-written JDBC"),
    ("engine-vs-hibernate", "1. Single-row update", "single", "SingleRowUpdateBenchmark.engineUpdate",
     "SingleRowUpdateBenchmark.hibernateUpdate", Goal("≥ 3× faster (≤ 0.33×)", "max", 1 / 3), {},
     "engine update vs Hibernate load + modify + flush"),
    ("engine-vs-for-update", "1. Single-row update", "single", "SingleRowUpdateBenchmark.engineUpdate",
     "SingleRowUpdateBenchmark.selectForUpdateThenUpdate", None, {},
     "engine update vs SELECT ... FOR UPDATE, then UPDATE"),
    ("hibernate-vs-jdbc", "1. Single-row update", "single", "SingleRowUpdateBenchmark.hibernateUpdate",
     "SingleRowUpdateBenchmark.jdbcUpdate", None, {}, "(context) Hibernate vs hand-written JDBC"),
    ("engine-vs-jdbc-durable", "1. Single-row update, durable commits", "durable", "SingleRowUpdateBenchmark.engineUpdate",
     "SingleRowUpdateBenchmark.jdbcUpdate", at_most(1.10), {"pgSyncCommit": "on"},
     "engine vs JDBC, every commit flushed to disk"),
    ("conditional-vs-auto", "2. conditional vs autoIncrement", "single",
     "SingleRowUpdateBenchmark.engineConditionalUpdate", "SingleRowUpdateBenchmark.engineUpdate", at_most(1.15), {},
     "conditional() vs autoIncrement()"),
    ("bulk-vs-unnest", "3. Bulk update of 1,000 rows", "bulk", "BulkUpdateBenchmark.updateAll",
     "BulkUpdateBenchmark.unnestFloor", Goal("≤ 1.30× on PostgreSQL", "max", 1.30, only_db="postgresql"), {},
     "updateAll vs the one-statement floor (UPDATE ... FROM unnest(...) RETURNING)"),
    ("bulk-vs-unnest-durable", "3. Bulk update of 1,000 rows, durable commits", "durable",
     "BulkUpdateBenchmark.updateAll", "BulkUpdateBenchmark.unnestFloor",
     Goal("≤ 1.30× on PostgreSQL", "max", 1.30, only_db="postgresql"), {"pgSyncCommit": "on"},
     "updateAll vs the unnest floor, every commit flushed to disk"),
    ("bulk-vs-each", "3. Bulk update of 1,000 rows", "bulk", "BulkUpdateBenchmark.updateAll",
     "BulkUpdateBenchmark.updateEach",
     Goal("≥ 20× faster (≤ 0.05×) on PostgreSQL", "max", 0.05, only_db="postgresql"), {},
     "updateAll vs 1,000 update calls"),
    ("bulk-vs-each-durable", "3. Bulk update of 1,000 rows, durable commits", "durable",
     "BulkUpdateBenchmark.updateAll", "BulkUpdateBenchmark.updateEach",
     Goal("≥ 10× faster (≤ 0.10×) on PostgreSQL", "max", 0.10, only_db="postgresql"), {"pgSyncCommit": "on"},
     "updateAll vs 1,000 update calls, every commit flushed to disk"),
    ("bulk-vs-batch", "3. Bulk update of 1,000 rows", "bulk", "BulkUpdateBenchmark.updateAll",
     "BulkUpdateBenchmark.jdbcBatch", None, {}, "(context) updateAll vs hand-written JDBC batch"),
    ("bulk-vs-locked-unnest", "3. Bulk update of 1,000 rows", "bulk", "BulkUpdateBenchmark.updateAll",
     "BulkUpdateBenchmark.lockedUnnestFloor", None, {},
     "(context) updateAll vs the unnest floor locking its rows in key order first"),
    ("bulk-vs-values", "3. Bulk update of 1,000 rows", "bulk", "BulkUpdateBenchmark.updateAll",
     "BulkUpdateBenchmark.valuesFloor", None, {}, "(context) updateAll vs the VALUES floor"),
    ("guard", "4. Guarded action over 1,000 rows", "bulk", "GuardBenchmark.guard", "GuardBenchmark.perRowCheck", None,
     {}, "guard vs per-row SELECT ... FOR UPDATE check"),
    ("token", "5. Version tokens", "tokens", "VersionTokenBenchmark.signAndVerify", "VersionTokenBenchmark.hmacTwice",
     Goal("≤ 5 µs/op", "max", 5.0, on_score=True), {}, "sign + verify vs two bare HMAC-SHA256"),
    ("token-fields", "5. Version tokens", "tokens", "VersionTokenBenchmark.signAndVerifyWithThreeFields",
     "VersionTokenBenchmark.hmacTwice", None, {}, "sign + verify with 3 field digests vs two bare HMACs"),
]


def comparison_rows(runs, dbs):
    rows, misses = [], []
    for cid, section, run_name, subject, baseline, goal, extra, label in COMPARISONS:
        run = runs.get(run_name)
        if run is None:
            continue
        for db in (dbs if find(run, subject) and "db" in find(run, subject).get("params", {}) else [None]):
            params = dict(extra)
            if db:
                params["db"] = db
            if run_name == "single":
                params.setdefault("rows", 1000)
            s, b = find(run, subject, **dict(params)), find(run, baseline, **dict(params))
            if not s or not b:
                continue
            sv, se, unit = score(s)
            bv, be, _ = score(b)
            rv, re_ = ratio_with_error(sv, se, bv, be)
            verdict, miss = ("report only", None)
            if goal:
                verdict, miss = goal.verdict(sv if goal.on_score else rv, se if goal.on_score else re_, db)
            rows.append((section, label, db or "-", sv, se, unit, bv, be, rv, re_, goal.text if goal else "report",
                         verdict))
            if miss is not None:
                measured = f"{fmt(sv)} {unit}" if goal.on_score else f"{fmt(rv)}×"
                if not goal.on_score and "faster" in goal.text and rv > 0:
                    measured += f", that is {1 / rv:.1f}× faster"
                misses.append((cid, label + (", within error" if "within error" in verdict else ""), db, miss,
                               f"{goal.text}; measured {measured}"))
    return rows, misses


def contention_rows(runs, dbs):
    out = []
    for threads in (1, 2, 4, 8):
        run = runs.get(f"contention-{threads}")
        if not run:
            continue
        for db in dbs:
            o = find(run, "ContentionBenchmark.optimisticRetry", db=db, threads=threads)
            p = find(run, "ContentionBenchmark.selectForUpdate", db=db, threads=threads)
            if not o or not p:
                continue
            ov, oe, unit = score(o)
            pv, pe, _ = score(p)
            rv, re_ = ratio_with_error(ov, oe, pv, pe)
            sm = o.get("secondaryMetrics", {})
            attempts = number(sm.get("attempts", {}).get("score"))
            conflicts = number(sm.get("conflicts", {}).get("score"))
            rate = conflicts / attempts if attempts else float("nan")
            out.append((threads, db, ov, oe, pv, pe, unit, rv, re_, rate))
    return out


def allocation_rows(runs, dbs):
    """Per database: B/op of the engine and of hand-written JDBC at 1k and 100k rows, and the engine's own share."""
    run = runs.get("allocation")
    out = []
    if not run:
        return out
    for db in dbs:
        got = {}
        for bench in ("engineUpdate", "jdbcUpdate"):
            for rows in (1000, 100000):
                r = find(run, "SingleRowUpdateBenchmark." + bench, db=db, rows=rows)
                got[bench, rows] = alloc(r) if r else (float("nan"), float("nan"))
        own = {}
        for rows in (1000, 100000):
            (ea, ee), (ja, je) = got["engineUpdate", rows], got["jdbcUpdate", rows]
            own[rows] = (ea - ja, math.hypot(ee, je) if not (math.isnan(ee) or math.isnan(je)) else float("nan"))
        out.append((db, got, own))
    return out


# The contenders of the peer tables: (benchmark method, what it is). The first is concurrency4j's own.
SINGLE_PEERS = [
    ("engineUpdate", "concurrency4j `VersionedTable.update`"),
    ("jdbcUpdate", "hand-written JDBC `UPDATE ... WHERE id = ? AND version = ?`"),
    ("jooqStore", "jOOQ `UpdatableRecord.store()`, optimistic locking, version field"),
    ("springDataSave", "Spring Data JDBC `save`, `@Version`"),
    ("hibernateUpdate", "Hibernate find + compare version + modify + flush"),
    ("hibernateMerge", "Hibernate `merge` of the detached row + flush"),
    ("selectForUpdateThenUpdate", "SELECT ... FOR UPDATE, compare, UPDATE"),
]
BULK_PEERS = [
    ("updateAll", "concurrency4j `updateAll(changes, ABORT_ALL)`"),
    ("unnestFloor", "floor: one statement, `UPDATE ... FROM unnest(?::bigint[], ...) RETURNING` "
                    "(H2: `MERGE ... USING UNNEST`)"),
    ("lockedUnnestFloor", "the unnest floor with its rows locked in key order first "
                          "(`id = ANY(ARRAY(SELECT ... ORDER BY id FOR UPDATE))`): what updateAll's second attempt "
                          "costs, after giving up on a row another transaction held"),
    ("valuesFloor", "floor: one statement, `UPDATE ... FROM (VALUES (?, ?, ?), ...) RETURNING` "
                    "(H2: `MERGE ... USING (VALUES ...)`)"),
    ("jdbcBatch", "hand-written JDBC batch of 1,000 checked UPDATEs"),
    ("jooqBatchStore", "jOOQ `batchStore` of 1,000 UpdatableRecords, counts checked"),
    ("springDataSaveAll", "Spring Data JDBC `saveAll`, `@Version`"),
    ("hibernateBatch", "Hibernate, JDBC batching: load 1,000, compare versions, flush"),
    ("updateEach", "concurrency4j, 1,000 `update` calls (1,000 transactions)"),
]


def ahead(ratio, error):
    """Whether concurrency4j is ahead of a contender, given contender ÷ concurrency4j."""
    if math.isnan(ratio):
        return "n/a"
    close = not math.isnan(error) and abs(ratio - 1) <= error
    return ("yes" if ratio > 1 else "no") + (" (within error)" if close else "")


def peer_table(run, db, benchmark_class, contenders, references, extra=None):
    """One row per contender: its score, and its ratio to each reference (contender ÷ reference), same run."""
    params = dict(extra or {})
    params["db"] = db
    got = {}
    for method, _ in contenders:
        r = find(run, f"{benchmark_class}.{method}", **params)
        if r:
            got[method] = score(r)
    rows = []
    for method, label in contenders:
        if method not in got:
            continue
        v, e, unit = got[method]
        cells = [label, f"`{method}`", pm(v, e) + " " + unit]
        for ref in references:
            if ref in got:
                rv, re_ = ratio_with_error(v, e, got[ref][0], got[ref][1])
                cells.append(pm(rv, re_) + "×")
            else:
                cells.append("n/a")
        c4j = references[-1]
        if method == c4j:
            cells.append("-")
        elif c4j in got:
            rv, re_ = ratio_with_error(v, e, got[c4j][0], got[c4j][1])
            cells.append(ahead(rv, re_))
        else:
            cells.append("n/a")
        rows.append(cells)
    return rows


def peer_sections(runs, dbs):
    out = []
    single, bulk = runs.get("single"), runs.get("bulk")
    if single:
        out.append("### 1b. Single-row update against the peers")
        out.append("")
        out.append("The same checked write of one row (version compared and bumped, two columns set) by each way a "
                   "user might pick, in one JMH run. *÷ JDBC* = the contender's time ÷ hand-written JDBC's; "
                   "*÷ concurrency4j* = its time ÷ `VersionedTable.update`'s (above 1: concurrency4j is faster). "
                   "Errors are the two JMH 99.9% errors combined. Commits skip the disk flush "
                   "(`synchronous_commit = off`) on PostgreSQL, for every contender alike.")
        out.append("")
        for db in dbs:
            rows = peer_table(single, db, "SingleRowUpdateBenchmark", SINGLE_PEERS, ["jdbcUpdate", "engineUpdate"],
                              {"rows": 1000})
            if rows:
                out.append(f"**{db}**")
                out.append("")
                out.append(md_table(["contender", "benchmark", "time", "÷ JDBC", "÷ concurrency4j",
                                     "concurrency4j faster?"], rows))
                out.append("")
    if bulk:
        out.append("### 3b. Bulk update of 1,000 rows against the peers and the one-statement floors")
        out.append("")
        out.append("Saving a grid of 1,000 rows, every row checked (version compared and bumped) in one "
                   "transaction, all or nothing, in one JMH run. *÷ floor* = the contender's time ÷ the unnest "
                   "floor's (one hand-written statement for all rows: what no library can beat by much); "
                   "*÷ updateAll* = its time ÷ concurrency4j's `updateAll` (above 1: concurrency4j is faster). "
                   "Commits skip the disk flush on PostgreSQL (the *durable commits* rows of section 3 put it back).")
        out.append("")
        for db in dbs:
            rows = peer_table(bulk, db, "BulkUpdateBenchmark", BULK_PEERS, ["unnestFloor", "updateAll"],
                              {"pgSyncCommit": "off"})
            if rows:
                out.append(f"**{db}**")
                out.append("")
                out.append(md_table(["contender", "benchmark", "time", "÷ floor", "÷ updateAll",
                                     "concurrency4j faster?"], rows))
                out.append("")
    return out


def md_table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(lines)


def pm(v, e):
    return fmt(v) + ("" if math.isnan(e) else " ± " + fmt(e))


def render(runs, machine):
    dbs = machine.get("databases", ["h2", "postgresql"])
    comp, misses = comparison_rows(runs, dbs)
    out = ["# Benchmarks", ""]
    out.append("What optimistic locking with concurrency4j costs next to the ways the same write is done without "
               "it. Generated by `scripts/bench` from JMH's JSON output; every ratio divides two results of the same "
               "JMH run. Lower is better for times (µs/op, ms/op), higher for throughput (ops/s).")
    out.append("")
    out.append(f"- **Date:** {machine.get('date', '?')}  ")
    out.append(f"- **Commit:** `{machine.get('commit', '?')}`  ")
    out.append(f"- **Profile:** {machine.get('profile', '?')} (`{machine.get('jmh_options', '')}`), "
               f"took {machine.get('elapsed', '?')}  ")
    if machine.get("command"):
        out.append(f"- **Command:** `{machine['command']}`" + (
            "" if machine.get("groups", "all") == "all" else f" (only: {machine['groups']})") + "  ")
    out.append(f"- **Load average (1, 5, 15 min):** {machine.get('load_before', '?')} before, "
               f"{machine.get('load_after', '?')} after  ")
    out.append("- **Commits:** PostgreSQL `synchronous_commit = off` per session in every run but *durable "
               "commits*, which runs with `on` (the server default)")
    out.append("")
    load = number(str(machine.get("load_before", "nan")).split(" ")[0])
    if not math.isnan(load) and load > 1.5:
        out.append(f"> **Warning:** the 1-minute load average was {load:.1f} on {machine.get('nproc', '?')} cores "
                   "when this run started: other work shared the machine, and the numbers below carry its noise "
                   "(see the error bars). Re-run `scripts/bench` on an idle machine before drawing conclusions.")
        out.append("")
    out.append("## Results")
    out.append("")
    out.append("*ratio* = score ÷ baseline score, ± the two JMH 99.9% errors combined. A goal marked "
               "\"within error\" is met or missed by less than that uncertainty: the short profile cannot tell.")
    out.append("")
    table = []
    for (section, label, db, sv, se, unit, bv, be, rv, re_, goal, verdict) in comp:
        table.append((section, label, db, pm(sv, se), unit, pm(bv, be), pm(rv, re_) + "×", goal, verdict))
    out.append(md_table(["section", "comparison", "db", "score", "unit", "baseline score", "ratio", "goal", "met?"],
                        table))
    out.append("")

    out += peer_sections(runs, dbs)

    cont = contention_rows(runs, dbs)
    if cont:
        out.append("### 6. Contention: N threads incrementing one row")
        out.append("")
        out.append("Throughput is successful increments per second over all threads (higher is better). *ratio* = "
                   "optimistic retry ÷ SELECT ... FOR UPDATE, same run. Conflict rate = refused writes ÷ writes "
                   "tried by the optimistic writers (FOR UPDATE writers wait instead, and never conflict). Retries "
                   "are immediate (no back-off). No goal: reported.")
        out.append("")
        out.append(md_table(["threads", "db", "retry (ops/s)", "FOR UPDATE (ops/s)", "ratio", "conflict rate"],
                            [(t, db, pm(ov, oe), pm(pv, pe), pm(rv, re_) + "×",
                              "n/a" if math.isnan(rate) else f"{rate:.1%}")
                             for (t, db, ov, oe, pv, pe, unit, rv, re_, rate) in cont]))
        out.append("")

    al = allocation_rows(runs, dbs)
    if al:
        out.append("### 7. Allocation per update (`-prof gc`, `gc.alloc.rate.norm`)")
        out.append("")
        out.append("Bytes allocated per update with 1,000 and with 100,000 rows in the table, both sizes in one run. "
                   "Hand-written JDBC is the floor: what the driver and the pool allocate for the same statement "
                   "(and, for H2, which runs inside the benchmark's JVM, what the database itself allocates: its "
                   "B-tree is deeper with more rows). The engine's own allocation is the difference, and that is "
                   "what must stay flat: goal *ratio* (100k ÷ 1k) ≤ 1.05×, or a growth under 64 bytes; *within error* when "
                   "the growth is smaller than its own 99.9% error.")
        out.append("")
        rows = []
        for db, got, own in al:
            (o1, oe1), (o2, oe2) = own[1000], own[100000]
            r = o2 / o1 if o1 and not math.isnan(o1) and not math.isnan(o2) else float("nan")
            growth, growth_error = o2 - o1, math.hypot(oe1, oe2)
            if math.isnan(r):
                flat = "n/a"
            elif r <= 1.05 or growth < 64:
                flat = "yes"
            elif not math.isnan(growth_error) and growth <= growth_error:
                flat = "yes (within error)"
            else:
                flat = "**no**"
            if flat == "**no**":
                misses.append(("alloc-flat", "engine's own allocation per update stays flat", db, r / 1.05 - 1,
                               f"≤ 1.05×; measured {fmt(r)}×"))
            rows.append((db, pm(*got["jdbcUpdate", 1000]), pm(*got["jdbcUpdate", 100000]),
                         pm(*got["engineUpdate", 1000]), pm(*got["engineUpdate", 100000]),
                         pm(o1, oe1), pm(o2, oe2), "n/a" if math.isnan(r) else fmt(r) + "×", flat))
        out.append(md_table(["db", "JDBC, 1k rows", "JDBC, 100k rows", "engine, 1k rows", "engine, 100k rows",
                             "engine's own, 1k", "engine's own, 100k", "ratio", "flat?"], rows))
        out.append("")
        extra = []
        for r in runs.get("single", []):
            a, e = alloc(r)
            if short(r["benchmark"]).startswith("SingleRow") and not math.isnan(a):
                extra.append((short(r["benchmark"]).split(".")[1], r["params"].get("db"), pm(a, e)))
        if extra:
            out.append("Allocation of every single-row contender (the single-row run, 1,000 rows):")
            out.append("")
            out.append(md_table(["benchmark", "db", "B/op"], extra))
            out.append("")

    out.append("## Goals missed")
    out.append("")
    if not misses:
        out.append("None in this run.")
    for cid, label, db, miss, goal in misses:
        out.append(f"- **{label}** ({db or 'no database'}): goal {goal}: missed by {miss:.0%}. "
                   + WHY_MISSED.get(cid, ""))
    out.append("")
    notes = machine.get("notes_file")
    if notes and os.path.exists(notes):
        with open(notes) as f:
            out.append(f.read().strip())
            out.append("")

    out.append("## Machine")
    out.append("")
    for key, label in (("cpu", "CPU"), ("nproc", "nproc"), ("memory", "memory"), ("java", "java -version"),
                       ("postgresql", "PostgreSQL"), ("libraries", "libraries"),
                       ("load_before", "load average before the run"), ("load_after", "load average after the run (the 8-thread contention benchmark, last, raises it itself)")):
        if machine.get(key):
            out.append(f"- **{label}:** {machine[key]}")
    out.append("")
    out.append("## How the benchmarks are set up")
    out.append("")
    out.append(
        "- **Databases.** H2 in memory (in the benchmark's JVM: the Java side with no I/O) and PostgreSQL on "
        "127.0.0.1 over TCP. Every benchmark fork recreates its table (ids 1..rows, version 1) and, on PostgreSQL, "
        "vacuums and analyzes it.\n"
        "- **Commits.** PostgreSQL sessions run with `synchronous_commit = off` (set per connection by the pool, the "
        "same for every contender): commits do not wait for the WAL flush, so the numbers show statements, locks and "
        "round-trips rather than this machine's disk. Every contender commits once per write, so with durable "
        "commits each of them pays the same flush on top; the *durable commits* rows measure that case.\n"
        "- **Pool.** One HikariCP configuration for everything: 8 connections, auto-commit on. Each write borrows a "
        "connection and prepares its statement, in the engine and in the hand-written JDBC alike (the PostgreSQL "
        "driver turns repeated statements into server-side prepared statements the same way for both).\n"
        "- **Happy path.** In the single-row benchmarks each thread writes rows of its own, cycling through them, "
        "so no write conflicts; the expected version is the one the previous write returned.\n"
        "- **Hibernate.** Hibernate ORM 6 bootstrapped in code (`Configuration`, no Spring), an entity with "
        "`@Version`: open session, begin, `get`, set two fields, commit (flush), close.\n"
        "- **FOR UPDATE.** Begin, `SELECT version ... FOR UPDATE`, compare with the version the user saw, "
        "`UPDATE`, commit.\n"
        "- **Peers.** Each on the same pool, each doing a checked write (proved by `BenchmarkBodiesTest` on H2 and "
        "PostgreSQL: rows and versions read back, a stale version refused and nothing written). "
        "Hibernate ORM 6: find, compare the loaded version with the user's, modify, flush; or `merge` of the "
        "detached row (Hibernate loads it and refuses a stale version); in bulk, JDBC batching "
        "(`hibernate.jdbc.batch_size` = 1,000, `order_updates`, `batch_versioned_data`), the rows loaded in one "
        "query. jOOQ: a hand-written `TableImpl` with primary key and record version field (what the code "
        "generator produces), `executeWithOptimisticLocking`, `store()`; in bulk `batchStore` inside "
        "`transactionResult`, its update counts checked by the benchmark, since `batchStore` does not raise "
        "`DataChangedException` for a stale row. Spring Data JDBC: a `CrudRepository` of a `@Version` aggregate "
        "in a minimal context without Spring Boot, `save` and `saveAll` (transactional as the repository declares "
        "them); it saves the whole aggregate, name included.\n"
        "- **Floors.** One hand-written statement for all 1,000 rows in one transaction: on PostgreSQL "
        "`UPDATE ... SET price = u.price, version = g.version + 1 FROM unnest(?::bigint[], ?::bigint[], ?::int[]) "
        "AS u(id, version, price) WHERE g.id = u.id AND g.version = u.version RETURNING g.id, g.version` (three "
        "parameters in all), and the same `FROM (VALUES (?, ?, ?), ...)` (3,000 parameters); rolled back unless "
        "every row came back. H2 has no `UPDATE ... FROM`: there the floors are `MERGE ... USING` the same rows "
        "and its update count.\n"
        "- **Contention.** One row, N threads, each incrementing it: optimistic = `find` + `update` inside "
        "`Concurrency.retry` with immediate retries; pessimistic = lock, read, update, commit.")
    out.append("")
    out.append("## Reproduce")
    out.append("")
    out.append("```")
    out.append("bash scripts/bench --profile short   # about 13 minutes on 2 idle cores; rewrites this page")
    out.append("bash scripts/bench --profile full    # longer warm-up and measurement, 2 forks")
    out.append("bash scripts/bench --only bulk       # one group; writes target/bench-results/benchmarks.md instead")
    out.append("```")
    out.append("")
    out.append("PostgreSQL is expected on 127.0.0.1:5432, database `concurrency4j_test`, user `postgres` "
               "(override with `C4J_BENCH_PG_URL`, else the tests' `C4J_POSTGRES_URL`, and `C4J_BENCH_PG_USER`, `C4J_BENCH_PG_PASSWORD`); when it is not "
               "reachable the script runs H2 only and says so here. A single benchmark, by hand:")
    out.append("")
    out.append("```")
    out.append("mvn -pl concurrency4j-benchmarks -am -DskipTests package")
    out.append("java -jar concurrency4j-benchmarks/target/benchmarks.jar SingleRowUpdateBenchmark -p db=h2 -prof gc")
    out.append("```")
    out.append("")
    out.append("Raw JMH output of this run: `concurrency4j-benchmarks/target/bench-results/*.json` "
               "(not committed).")
    out.append("")
    out.append("<details><summary>Every result of this run</summary>")
    out.append("")
    allrows = []
    for run_name, run in runs.items():
        for r in run:
            sv, se, unit = score(r)
            a, ae = alloc(r)
            params = ", ".join(f"{k}={v}" for k, v in r.get("params", {}).items())
            allrows.append((run_name, short(r["benchmark"]), params, r["threads"], pm(sv, se), unit,
                            pm(a, ae) if not math.isnan(a) else ""))
    out.append(md_table(["run", "benchmark", "params", "threads", "score", "unit", "B/op"], allrows))
    out.append("")
    out.append("</details>")
    out.append("")
    return "\n".join(out)


def main(argv):
    if len(argv) != 4:
        sys.exit(__doc__)
    runs = load_runs(argv[1])
    with open(argv[2]) as f:
        machine = json.load(f)
    page = render(runs, machine)
    with open(argv[3], "w") as f:
        f.write(page)


if __name__ == "__main__":
    main(sys.argv)
