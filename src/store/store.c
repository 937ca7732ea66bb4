/*
 * store.c - opening the database, transactions, change counters and
 * statement helpers: how SQLite keeps the promises of store.h.
 *
 * The connection runs in WAL mode with foreign keys on and a busy timeout,
 * so a CLI process and a running server can write the same file: readers
 * never block, writers queue for up to STORE_BUSY_MS.
 *
 * Transactions: the outermost begin is BEGIN IMMEDIATE, which takes the
 * database's one write lock at once, so everything a transaction reads
 * stays as it read it until it commits (one writer at a time), and an
 * approval's seq, max(seq) + 1 read under that lock, is higher than every
 * committed one and commits before the next is taken: the approval order
 * of store.h. The actor is kept on the connection only while its
 * transaction is open; commit and rollback clear it. A write outside a
 * transaction is refused by store_tx_join before it reaches SQLite.
 * PostgreSQL: BEGIN ISOLATION LEVEL READ COMMITTED, then the writers'
 * advisory lock (STORE_PG_WRITERS_LOCK, held to the commit: one writer at
 * a time across every instance, the same guarantee), then
 * set_config('shishi.actor', actor, true), which the audit triggers read,
 * raising when it is unset, and, in the same statement,
 * pg_notify('shishi_changes') for the other instances (ss_store_listen:
 * delivered at the commit, nothing when it rolls back).
 *
 * Change counters: the plan-structure and assignment counters are meta
 * rows that triggers add one to on every change (migration 4); the
 * approval mark is max(seq), read from its unique index. One statement
 * reads all of them, so they are of one committed state.
 *
 * Durability: a read-write connection commits with synchronous=FULL, so
 * COMMIT returns only after the write-ahead log is on disk, and a write
 * that was acknowledged (a 201, "recorded report 7") survives a power
 * failure, not only a crash of the process. (NORMAL, SQLite's usual WAL
 * setting, syncs only at checkpoints: the last commits before a power
 * failure can vanish.) ss_store_set_durable(st, 0) is for measurement and
 * for loaders whose work can be run again; see store.h.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/date.h"
#include "base/escape.h"
#include "base/util.h"
#include "store/store_int.h"

/* ---- transactions ----------------------------------------------------------- */

/* 0 when actor names someone: 1 to STORE_ACTOR_MAX - 1 bytes of UTF-8
 * without control characters. */
static int actor_check(const char *actor, struct ss_err *err)
{
    size_t n = actor ? strlen(actor) : 0, i;

    if (!n)
        return ss_err_set(err, SS_EINVAL, "actor",
                          "a write transaction is begun by someone: no acting user was given");
    if (n >= STORE_ACTOR_MAX || !ss_utf8_valid(actor, n))
        return ss_err_set(err, SS_EINVAL, "actor",
                          "the acting user must be UTF-8 of at most %d bytes", STORE_ACTOR_MAX - 1);
    for (i = 0; i < n; i++)
        if ((unsigned char)actor[i] < 0x20 || actor[i] == 0x7f)
            return ss_err_set(err, SS_EINVAL, "actor",
                              "the acting user holds a control character (byte %zu)", i + 1);
    return SS_OK;
}

/* 1 when a transaction is open on the connection (it may have failed, on
 * PostgreSQL). */
static int in_tx(const struct ss_store *st)
{
    if (st->pg)
        return PQtransactionStatus(st->pg) != PQTRANS_IDLE;
    return !sqlite3_get_autocommit(st->db);
}

static int lite_begin(struct ss_store *st, int exclusive, struct ss_err *err)
{
    if (!in_tx(st))
        return store_exec(st, exclusive ? "BEGIN EXCLUSIVE" : "BEGIN IMMEDIATE", err);
    return SS_OK;
}

static int cell_cmp(const void *a, const void *b)
{
    const struct ss_store_cell *x = a, *y = b;

    if (x->target_id != y->target_id)
        return x->target_id < y->target_id ? -1 : 1;
    return x->org_id < y->org_id ? -1 : x->org_id > y->org_id;
}

/* The cells as two PostgreSQL arrays of text, "{t1,t2,...}" and
 * "{o1,o2,...}", sorted by (target, org) and without repeats: every
 * transaction takes its cells' locks in this one order, so two never wait
 * for each other in a cycle. */
static void cell_arrays(const struct ss_store_cell *cells, size_t n, struct ss_buf *t,
                        struct ss_buf *o)
{
    struct ss_store_cell *c = ss_xcalloc(n + 1, sizeof *c);
    size_t i, k = 0;

    memcpy(c, cells, n * sizeof *c);
    qsort(c, n, sizeof *c, cell_cmp);
    ss_buf_putc(t, '{');
    ss_buf_putc(o, '{');
    for (i = 0; i < n; i++) {
        if (i && cell_cmp(&c[i], &c[i - 1]) == 0)
            continue;
        ss_buf_printf(t, "%s%lld", k ? "," : "", (long long)c[i].target_id);
        ss_buf_printf(o, "%s%lld", k ? "," : "", (long long)c[i].org_id);
        k++;
    }
    ss_buf_putc(t, '}');
    ss_buf_putc(o, '}');
    free(c);
}

/* BEGIN, the writers' lock (or, with cells, the cells' locks), and the
 * actor for the audit triggers. A cell's lock is the two-key advisory
 * lock (target, org unit), each key the id's low 31 bits: a space apart
 * from the one-key locks (the writers', the seal's, the migration's); two
 * cells that share a key only wait for each other. */
static int pg_begin(struct ss_store *st, const char *actor, const struct ss_store_cell *cells,
                    size_t n, struct ss_err *err)
{
    struct store_stmt *s;
    struct ss_buf t, o;
    int rc;

    if (in_tx(st))
        store_exec(st, "ROLLBACK", NULL); /* an aborted one left by a failure */
    if ((rc = store_exec(st, "BEGIN ISOLATION LEVEL READ COMMITTED", err)))
        return rc;
    s = store_prepare(
        st,
        cells
            ? "SELECT set_config('shishi.actor', ?1, true), pg_notify('" STORE_PG_CHANNEL "', ''),"
              " (SELECT count(pg_advisory_xact_lock("
              "CAST(u.t & 2147483647 AS integer), CAST(u.o & 2147483647 AS integer)))"
              " FROM unnest(CAST(?2 AS bigint[]), CAST(?3 AS bigint[]))"
              " WITH ORDINALITY AS u(t, o, k))"
            : "SELECT set_config('shishi.actor', ?1, true), pg_notify('" STORE_PG_CHANNEL "', ''),"
              " pg_advisory_xact_lock(?2)",
        err);
    if (!s) {
        store_exec(st, "ROLLBACK", NULL);
        return SS_EDB;
    }
    store_bind_text(s, 1, actor);
    ss_buf_init(&t, 24 * n + 8); /* a bigint's digits and a comma each */
    ss_buf_init(&o, 24 * n + 8);
    if (cells) {
        cell_arrays(cells, n, &t, &o);
        store_bind_text(s, 2, t.data);
        store_bind_text(s, 3, o.data);
    } else {
        store_bind_int64(s, 2, STORE_PG_WRITERS_LOCK);
    }
    rc = store_step(s) == STORE_ROW ? SS_OK : store_db_error(st, err, "beginning a transaction");
    store_finalize(s);
    ss_buf_cleanup(&t);
    ss_buf_cleanup(&o);
    if (rc)
        store_exec(st, "ROLLBACK", NULL);
    return rc;
}

static int tx_begin(struct ss_store *st, const char *actor, int exclusive,
                    const struct ss_store_cell *cells, size_t n, struct ss_err *err)
{
    int rc;

    if ((rc = actor_check(actor, err)))
        return rc;
    if (st->tx_depth > 0) {
        if (strcmp(st->actor, actor) != 0)
            return ss_err_set(err, SS_ECONFLICT, "actor",
                              "a transaction by '%s' is open on this connection: '%s' cannot "
                              "write inside it",
                              st->actor, actor);
        st->tx_depth++;
        return SS_OK;
    }
    if ((rc = st->pg ? pg_begin(st, actor, cells, n, err) : lite_begin(st, exclusive, err)))
        return rc;
    st->tx_cells = cells != NULL;
    snprintf(st->actor, sizeof st->actor, "%s", actor);
    st->tx_depth = 1;
    if (store_audit_begin(st, err)) {
        store_tx_rollback(st);
        return SS_EDB;
    }
    return SS_OK;
}

int store_tx_begin_as(struct ss_store *st, const char *actor, int exclusive, struct ss_err *err)
{
    return tx_begin(st, actor, exclusive, NULL, 0, err);
}

int store_tx_begin_cells(struct ss_store *st, const char *actor, const struct ss_store_cell *cells,
                         size_t n, struct ss_err *err)
{
    static const struct ss_store_cell none;

    return tx_begin(st, actor, 0, cells ? cells : &none, cells ? n : 0, err);
}

int store_tx_join(struct ss_store *st, struct ss_err *err)
{
    if (st->tx_depth == 0)
        return ss_err_set(err, SS_EINVAL, "actor",
                          "a write needs a transaction begun with the acting user "
                          "(ss_store_begin); nothing was written");
    st->tx_depth++;
    return SS_OK;
}

int store_tx_own(struct ss_store *st, struct ss_err *err)
{
    if (st->tx_depth > 0) {
        st->tx_depth++;
        return SS_OK;
    }
    return store_tx_begin_as(st, STORE_SYSTEM, 0, err);
}

int store_tx_commit(struct ss_store *st, struct ss_err *err)
{
    int rc;

    if (st->tx_depth > 1) {
        st->tx_depth--;
        return SS_OK;
    }
    if (st->tx_depth == 0)
        return ss_err_set(err, SS_EDB, "db", "no transaction to commit (it was rolled back)");
    if (!in_tx(st) || (st->pg && PQtransactionStatus(st->pg) == PQTRANS_INERROR)) {
        store_tx_rollback(st);
        return ss_err_set(err, SS_EDB, "db", "no transaction to commit (it was rolled back)");
    }
    if ((rc = store_audit_seal(st, err))) {
        store_tx_rollback(st);
        return rc;
    }
    if ((rc = store_exec(st, "COMMIT", err))) {
        store_tx_rollback(st);
        return SS_EDB;
    }
    st->tx_depth = 0;
    st->tx_cells = 0;
    st->actor[0] = '\0';
    return SS_OK;
}

void store_tx_rollback(struct ss_store *st)
{
    st->tx_depth = 0;
    st->tx_cells = 0;
    st->actor[0] = '\0';
    if (in_tx(st))
        store_exec(st, "ROLLBACK", NULL);
}

/* The schema at open: refuse a newer one; migrate an older one when the
 * caller opens to migrate, or when it is a new, empty database being
 * created; else refuse to write to it. */
static int schema_ready(struct ss_store *st, int flags, struct ss_err *err)
{
    int version = ss_store_schema_version(st), latest = store_schema_latest();
    int empty;

    st->step_from = st->step_to = version;
    if (version < 0)
        return st->pg ? ss_err_set(err, SS_EIO, "db", "cannot read the schema version of '%s'",
                                   st->path)
                      : ss_err_set(err, SS_EIO, "db", "'%s' is not a readable SQLite database",
                                   st->path);
    if (version > latest)
        return ss_err_set(err, SS_ECONFLICT, "db",
                          "the database is at schema version %d, newer than this build knows "
                          "(%d): use a newer shishi",
                          version, latest);
    if ((flags & SS_STORE_READONLY) || version == latest)
        return SS_OK;
    empty = version == 0 && store_int64(st,
                                        STORE_SQL(st, "SELECT count(*) FROM sqlite_schema",
                                                  "SELECT count(*) FROM pg_catalog.pg_tables"
                                                  " WHERE schemaname = current_schema()"),
                                        -1) == 0;
    if ((flags & SS_STORE_MIGRATE) || (empty && (flags & SS_STORE_CREATE)))
        return store_migrate(st, &st->step_from, &st->step_to, err);
    if (empty)
        return ss_err_set(err, SS_ECONFLICT, "db",
                          "the database '%s' is empty: run `shishi init --db %s` to make a new "
                          "one (or `shishi migrate --db %s` for its schema alone)",
                          st->path, st->path, st->path);
    return ss_err_set(err, SS_ECONFLICT, "db",
                      "the database '%s' is at schema version %d and this shishi needs %d: run "
                      "`shishi migrate --db %s` first (it changes the database in place; back it "
                      "up before)",
                      st->path, version, latest, st->path);
}

int ss_store_is_url(const char *db)
{
    return db && (strncmp(db, "postgresql://", 13) == 0 || strncmp(db, "postgres://", 11) == 0);
}

/* url without its password, to name the database in messages. */
static char *url_shown(const char *url)
{
    const char *scheme = strstr(url, "://"), *at, *colon;
    char *out;

    if (!scheme)
        return ss_xstrdup(url);
    scheme += 3;
    at = strchr(scheme, '@');
    colon = at ? memchr(scheme, ':', (size_t)(at - scheme)) : NULL;
    if (!colon)
        return ss_xstrdup(url);
    out = ss_xmalloc(strlen(url) + 1);
    memcpy(out, url, (size_t)(colon - url));
    memcpy(out + (colon - url), at, strlen(at) + 1);
    return out;
}

static void pg_no_notice(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

/* Connect: the URL as given, and the session's settings as connection
 * parameters, so that a reconnection (store_db.c, after a failover) gets
 * them again: UTF-8, durable commits, and how long a writer waits. */
static int pg_open(struct ss_store *st, const char *url, struct ss_err *err)
{
    const char *keys[] = {"dbname", "client_encoding", "options", NULL};
    /* a writer waits for the writers' lock (or a row) as long as SQLite's
     * busy timeout, then fails: SS_EDB, as there */
    /* (not default_transaction_read_only for a read-only store: libpq's
     * target_session_attrs=read-write reads it, and would take every such
     * connection for a standby's and refuse it) */
    /* statements are prepared once per connection (store_db.c), and
     * PostgreSQL's plan_cache_mode stays auto: after five runs it keeps a
     * statement's generic plan when that costs no more than its values'
     * own, which saves planning each run (at month end, most of the
     * server's time); the few ranges over a growing table whose generic
     * plan would read a third of it are planned at each run instead
     * (store_plan_each_run) */
    const char *vals[] = {url, "UTF8",
                          "-c synchronous_commit=on "
                          "-c lock_timeout=" STORE_BUSY_MS_TEXT,
                          NULL};

    st->pg = PQconnectdbParams(keys, vals, 1);
    if (!st->pg || PQstatus(st->pg) != CONNECTION_OK) {
        const char *why = st->pg ? PQerrorMessage(st->pg) : "out of memory";
        char msg[400];
        size_t n;

        snprintf(msg, sizeof msg, "%s", why);
        n = strlen(msg);
        while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
            msg[--n] = '\0';
        return ss_err_set(err, SS_EIO, "db", "cannot connect to '%s': %s", st->path, msg);
    }
    /* notices (e.g. "relation already exists, skipping") are not for people */
    PQsetNoticeProcessor(st->pg, pg_no_notice, NULL);
    return SS_OK;
}

static int lite_open(struct ss_store *st, const char *path, int flags, struct ss_err *err)
{
    int oflags = SQLITE_OPEN_NOMUTEX;
    int rc;

    if (!(flags & SS_STORE_CREATE) && access(path, F_OK) != 0)
        return ss_err_set(err, SS_ENOTFOUND, "db",
                          "no database at '%s' (create one with: shishi init --db %s)", path, path);
    oflags |= (flags & SS_STORE_READONLY) ? SQLITE_OPEN_READONLY
                                          : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    if (sqlite3_open_v2(path, &st->db, oflags, NULL) != SQLITE_OK)
        return ss_err_set(err, SS_EIO, "db", "cannot open '%s': %s", path,
                          st->db ? sqlite3_errmsg(st->db) : "out of memory");
    sqlite3_busy_timeout(st->db, STORE_BUSY_MS);
    sqlite3_extended_result_codes(st->db, 1);
    if (!(flags & SS_STORE_READONLY) && (rc = store_exec(st, "PRAGMA journal_mode=WAL", err)))
        return rc;
    if ((rc = store_exec(st, "PRAGMA foreign_keys=ON", err)) ||
        (!(flags & SS_STORE_READONLY) && (rc = store_exec(st, "PRAGMA synchronous=FULL", err))))
        return rc;
    /* Refuse what is not a database before touching it. */
    if (store_exec(st, "SELECT count(*) FROM sqlite_schema", NULL))
        return ss_err_set(err, SS_EIO, "db", "'%s' is not a readable SQLite database", path);
    return SS_OK;
}

int ss_store_open(const char *path, int flags, struct ss_store **out, struct ss_err *err)
{
    struct ss_store *st;
    int rc;

    *out = NULL;
    st = ss_xcalloc(1, sizeof *st);
    if (ss_store_is_url(path)) {
        st->path = url_shown(path);
        rc = pg_open(st, path, err);
    } else {
        st->path = ss_xstrdup(path);
        rc = lite_open(st, path, flags, err);
    }
    if (rc || (rc = schema_ready(st, flags, err)))
        goto fail;
    *out = st;
    return SS_OK;
fail:
    ss_store_close(st);
    return rc;
}

void ss_store_close(struct ss_store *st)
{
    if (!st)
        return;
    store_audit_close(st);
    if (st->tx_depth)
        store_tx_rollback(st);
    store_finalize(st->counters);
    store_db_forget_prepared(st);
    if (st->db)
        sqlite3_close_v2(st->db);
    if (st->pg)
        PQfinish(st->pg);
    free(st->path);
    free(st);
}

int ss_store_set_durable(struct ss_store *st, int durable)
{
    if (st->pg)
        return store_exec(
            st, durable ? "SET synchronous_commit = on" : "SET synchronous_commit = off", NULL);
    return store_exec(st, durable ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL", NULL);
}

int ss_store_durable(struct ss_store *st)
{
    if (st->pg) {
        /* on, remote_write, remote_apply and local all wait for the WAL flush */
        struct store_stmt *s =
            store_prepare(st, "SELECT current_setting('synchronous_commit')", NULL);
        int durable = s && store_step(s) == STORE_ROW && store_col_text(s, 0) &&
                      strcmp(store_col_text(s, 0), "off") != 0;
        store_finalize(s);
        return durable;
    }
    /* 2 is FULL, 3 EXTRA: both sync the log at every commit */
    return store_int64(st, "PRAGMA synchronous", 0) >= 2;
}

int ss_store_begin(struct ss_store *st, const char *actor, struct ss_err *err)
{
    return actor ? store_tx_begin_as(st, actor, 0, err) : store_tx_join(st, err);
}

int ss_store_begin_cells(struct ss_store *st, const char *actor, const struct ss_store_cell *cells,
                         size_t n, struct ss_err *err)
{
    return actor ? store_tx_begin_cells(st, actor, cells, n, err) : store_tx_join(st, err);
}

int ss_store_commit(struct ss_store *st, struct ss_err *err)
{
    return store_tx_commit(st, err);
}

void ss_store_rollback(struct ss_store *st)
{
    store_tx_rollback(st);
}

const char *ss_store_actor(const struct ss_store *st)
{
    return st->tx_depth ? st->actor : NULL;
}

void ss_store_schema_step(const struct ss_store *st, int *from, int *to)
{
    *from = st->step_from;
    *to = st->step_to;
}

int ss_store_listen(struct ss_store *st, struct ss_err *err)
{
    if (!st->pg)
        return 0;
    if (store_exec(st, "LISTEN " STORE_PG_CHANNEL, err))
        return -1;
    return 1;
}

int ss_store_wait_change(struct ss_store *st, int timeout_ms)
{
    struct pollfd p;
    PGnotify *n;
    int got = 0, sock;

    if (!st->pg)
        return -1;
    for (;;) {
        if (!PQconsumeInput(st->pg))
            return -1;
        while ((n = PQnotifies(st->pg))) {
            got = 1;
            PQfreemem(n);
        }
        if (got)
            return 1;
        if ((sock = PQsocket(st->pg)) < 0)
            return -1;
        p.fd = sock;
        p.events = POLLIN;
        p.revents = 0;
        if (poll(&p, 1, timeout_ms) < 0)
            return errno == EINTR ? 0 : -1;
        if (!p.revents)
            return 0;
        timeout_ms = 0; /* input came: read it, then answer */
    }
}

int ss_store_wal_position(struct ss_store *st, uint64_t *pos)
{
    struct store_stmt *s;
    int rc = SS_EDB;

    *pos = 0;
    if (!st->pg)
        return SS_OK;
    s = store_prepare(st,
                      "SELECT CAST((CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn()"
                      " ELSE pg_current_wal_lsn() END) - '0/0'::pg_lsn AS BIGINT)",
                      NULL);
    if (s && store_step(s) == STORE_ROW) {
        *pos = (uint64_t)store_col_int64(s, 0);
        rc = SS_OK;
    }
    store_finalize(s);
    return rc;
}

int ss_store_replay_time(struct ss_store *st, char out[21])
{
    struct store_stmt *s;
    int rc = SS_EDB;

    out[0] = '\0';
    if (!st->pg)
        return SS_OK;
    s = store_prepare(st,
                      "SELECT to_char(pg_last_xact_replay_timestamp() AT TIME ZONE 'UTC',"
                      " 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')",
                      NULL);
    if (s && store_step(s) == STORE_ROW) {
        if (store_col_text(s, 0))
            snprintf(out, 21, "%s", store_col_text(s, 0));
        rc = SS_OK;
    }
    store_finalize(s);
    return rc;
}

int ss_store_counters(struct ss_store *st, struct ss_store_counters *out)
{
    int rc = SS_EDB;

    memset(out, 0, sizeof *out);
    if (!st->counters &&
        !(st->counters = store_prepare(
              st,
              "SELECT (SELECT id FROM plan WHERE state = 'active' ORDER BY year DESC, id DESC"
              " LIMIT 1),"
              " (SELECT value FROM meta WHERE key = 'structure_version'),"
              " (SELECT value FROM meta WHERE key = 'assignment_version'),"
              " (SELECT coalesce(max(seq), 0) FROM report),"
              " (SELECT value FROM meta WHERE key = 'translation_version')",
              NULL)))
        return SS_EDB;
    if (store_step(st->counters) == STORE_ROW) {
        out->plan_id = store_col_int64(st->counters, 0);
        out->structure = store_col_int64(st->counters, 1);
        out->assignments = store_col_int64(st->counters, 2);
        out->approved = store_col_int64(st->counters, 3);
        out->texts = store_col_int64(st->counters, 4);
        rc = SS_OK;
    }
    store_reset(st->counters);
    return rc;
}

int ss_store_meta_get(struct ss_store *st, const char *key, char **out)
{
    struct store_stmt *s = store_prepare(st, "SELECT value FROM meta WHERE key = ?1", NULL);

    *out = NULL;
    if (!s)
        return SS_EDB;
    store_bind_text(s, 1, key);
    if (store_step(s) == STORE_ROW)
        *out = store_col_strdup(s, 0);
    store_finalize(s);
    return SS_OK;
}

int ss_store_meta_set(struct ss_store *st, const char *key, const char *value)
{
    struct store_stmt *s;
    int rc;

    if (store_tx_own(st, NULL))
        return SS_EDB;
    s = store_prepare(st,
                      "INSERT INTO meta(key, value) VALUES (?1, ?2) "
                      "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                      NULL);
    if (!s) {
        store_tx_rollback(st);
        return SS_EDB;
    }
    store_bind_text(s, 1, key);
    store_bind_text(s, 2, value);
    rc = store_step(s) == STORE_DONE ? SS_OK : SS_EDB;
    store_finalize(s);
    if (rc) {
        store_tx_rollback(st);
        return rc;
    }
    return store_tx_commit(st, NULL);
}

int64_t store_department_id(struct ss_store *st, const char *name, struct ss_err *err)
{
    struct store_stmt *s;
    int64_t id = 0;

    if (!name || !*name)
        return 0;
    s = store_prepare(st,
                      "INSERT INTO department(name) VALUES (?1) "
                      "ON CONFLICT(name) DO UPDATE SET name = excluded.name "
                      "RETURNING id",
                      err);
    if (!s)
        return -1;
    store_bind_text(s, 1, name);
    if (store_step(s) == STORE_ROW)
        id = store_col_int64(s, 0);
    else
        id = store_db_error(st, err, "saving a department");
    store_finalize(s);
    return id;
}

int ss_store_test_exec(struct ss_store *st, const char *sql, struct ss_err *err)
{
    int rc;

    if ((rc = store_tx_join(st, err)))
        return rc;
    if ((rc = store_exec(st, sql, err))) {
        store_tx_rollback(st);
        return rc;
    }
    return store_tx_commit(st, err);
}
