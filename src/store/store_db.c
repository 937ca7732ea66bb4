/*
 * store_db.c - the statement interface of store_db.h, over SQLite and
 * over PostgreSQL through libpq.
 *
 * SQLite: a thin layer on sqlite3_stmt; text and blobs are bound
 * SQLITE_TRANSIENT (copied).
 *
 * PostgreSQL: store_prepare rewrites ?N / ? to $N once and keeps the text;
 * bindings are kept as text (numbers with their type: int8, float8; text
 * untyped, for the server to infer; blobs as binary bytea) and sent with
 * PQexecParams at the first step, which fetches the whole result; later
 * steps walk its rows. A statement's text is parsed and planned by the
 * server once per connection: the first run of a text (with one set of
 * parameter types) prepares it under a name of its own (PQprepare), and
 * every later run, by any store_stmt of that connection, executes the
 * prepared one (PQexecPrepared); a statement marked store_plan_each_run
 * is never prepared, and so is planned for its values at each run. The names are kept per
 * connection in an open-addressing table of PREPARED_SLOTS, filled to 3/4 at most; a text that
 * finds it full runs as before. A migration or a reconnection forgets them
 * (store_db_forget_prepared); a statement whose result's shape changed under it ("cached plan must
 * not change result type") is prepared again and run once more when no transaction is open. Results
 * come back as text and are parsed here (bytea in hex, decoded on demand), or, for a statement that
 * asks (store_binary_results: the engine's bulk reads), in binary: integers and doubles in network
 * byte order, text and bytea as their bytes, so neither the server nor this side converts each
 * value to text and back. A statement that fails keeps the server's message and SQLSTATE on the
 * connection for store_db_error and store_db_failure. (In PostgreSQL a failed statement aborts the
 * open transaction: the store's code never continues a transaction after a failed statement, on
 * either backend.)
 */
#include "store/store_db.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/date.h"
#include "base/util.h"
#include "store/store_int.h"

#define INT8OID 20
#define INT2OID 21
#define INT4OID 23
#define FLOAT4OID 700
#define FLOAT8OID 701
#define BYTEAOID 17

/* PostgreSQL: the prepared statements of one connection, by text and
 * parameter types (ss_store.prepared). */
#define PREPARED_SLOTS 1024
struct store_prepared {
    char *key;   /* the text, a NUL, then the parameter types in decimal; NULL: free */
    size_t klen; /* key's length, both parts */
    uint64_t hash;
    unsigned id; /* the name is "ss", the generation, "_" and this number */
};

struct store_stmt {
    struct ss_store *st;
    sqlite3_stmt *lite; /* SQLite */
    /* PostgreSQL */
    char *sql;   /* with $N parameters */
    int nparams; /* the highest parameter number */
    char **vals; /* [nparams]: each parameter's text (or bytes), NULL for NULL */
    int *lens;   /* [nparams]: byte length of a binary one */
    int *fmts;   /* [nparams]: 1 binary */
    unsigned *types;
    PGresult *res; /* the last run's result, NULL before the first step */
    int row, nrows;
    int64_t changes;
    int binary;          /* results in binary (store_binary_results) */
    int each_run;        /* planned at each run, never prepared (store_plan_each_run) */
    unsigned char *blob; /* the last store_col_blob's decoded bytes */
};

enum store_backend store_backend(const struct ss_store *st)
{
    return st->pg ? STORE_PG : STORE_SQLITE;
}

/* ---- errors ------------------------------------------------------------------ */

static void pg_keep_error(struct ss_store *st, const PGresult *res)
{
    const char *msg = res ? PQresultErrorMessage(res) : NULL;
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    size_t n;

    if (!msg || !*msg)
        msg = PQerrorMessage(st->pg);
    snprintf(st->errmsg, sizeof st->errmsg, "%s", msg && *msg ? msg : "unknown failure");
    n = strlen(st->errmsg);
    while (n && (st->errmsg[n - 1] == '\n' || st->errmsg[n - 1] == ' '))
        st->errmsg[--n] = '\0';
    snprintf(st->sqlstate, sizeof st->sqlstate, "%s", state ? state : "");
}

int store_db_error(struct ss_store *st, struct ss_err *err, const char *what)
{
    return ss_err_set(err, SS_EDB, "db", "%s: %s", what,
                      st->pg ? st->errmsg : sqlite3_errmsg(st->db));
}

enum store_failure store_db_failure(const struct ss_store *st)
{
    if (st->pg) {
        /* class 23: integrity constraint violation; 40001 serialization
         * failure, 40P01 deadlock, 55P03 lock not available, 57014 a
         * statement timeout */
        if (strncmp(st->sqlstate, "23", 2) == 0)
            return STORE_FAIL_CONSTRAINT;
        if (!strcmp(st->sqlstate, "40001") || !strcmp(st->sqlstate, "40P01") ||
            !strcmp(st->sqlstate, "55P03") || !strcmp(st->sqlstate, "57014"))
            return STORE_FAIL_BUSY;
        return STORE_FAIL_OTHER;
    }
    switch (sqlite3_errcode(st->db)) {
    case SQLITE_CONSTRAINT:
        return STORE_FAIL_CONSTRAINT;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return STORE_FAIL_BUSY;
    default:
        return STORE_FAIL_OTHER;
    }
}

/* ---- statements ----------------------------------------------------------------- */

/* sql with ?N and ? turned into $N, outside quotes and comments; *n gets
 * the highest number. */
static char *pg_rewrite(const char *sql, int *n)
{
    size_t len = strlen(sql), o = 0;
    char *out = ss_xmalloc(len * 2 + 16);
    const char *p = sql;
    int next = 0, hi = 0;

    while (*p) {
        if (*p == '\'' || *p == '"') {
            char q = *p;
            out[o++] = *p++;
            while (*p && *p != q)
                out[o++] = *p++;
            if (*p)
                out[o++] = *p++;
        } else if (p[0] == '-' && p[1] == '-') {
            while (*p && *p != '\n')
                out[o++] = *p++;
        } else if (*p == '?') {
            int k = 0;
            p++;
            if (*p >= '0' && *p <= '9') {
                while (*p >= '0' && *p <= '9' && k < 100000)
                    k = k * 10 + (*p++ - '0');
                next = k;
            } else {
                k = ++next;
            }
            if (k > hi)
                hi = k;
            o += (size_t)snprintf(out + o, 16, "$%d", k);
        } else {
            out[o++] = *p++;
        }
    }
    out[o] = '\0';
    *n = hi;
    return out;
}

struct store_stmt *store_prepare(struct ss_store *st, const char *sql, struct ss_err *err)
{
    struct store_stmt *s = ss_xcalloc(1, sizeof *s);

    s->st = st;
    if (!st->pg) {
        if (sqlite3_prepare_v2(st->db, sql, -1, &s->lite, NULL) != SQLITE_OK) {
            store_db_error(st, err, "preparing a statement");
            sqlite3_finalize(s->lite);
            free(s);
            return NULL;
        }
        return s;
    }
    s->sql = pg_rewrite(sql, &s->nparams);
    if (s->nparams) {
        s->vals = ss_xcalloc((size_t)s->nparams, sizeof *s->vals);
        s->lens = ss_xcalloc((size_t)s->nparams, sizeof *s->lens);
        s->fmts = ss_xcalloc((size_t)s->nparams, sizeof *s->fmts);
        s->types = ss_xcalloc((size_t)s->nparams, sizeof *s->types);
    }
    s->row = -1;
    return s;
}

/* A connection lost (the server restarted, or failed over to a standby,
 * which a multi-host URL with target_session_attrs=read-write finds):
 * connect again before the next statement, but never inside a
 * transaction, whose work is gone with the old connection (its
 * statements fail until the caller rolls back). */
static void pg_revive(struct ss_store *st)
{
    if (PQstatus(st->pg) == CONNECTION_BAD && st->tx_depth == 0) {
        PQreset(st->pg);
        store_db_forget_prepared(st); /* gone with the old connection */
    }
}

static void pg_clear_result(struct store_stmt *s)
{
    if (s->res)
        PQclear(s->res);
    s->res = NULL;
    s->row = -1;
    s->nrows = 0;
    if (s->blob)
        PQfreemem(s->blob);
    s->blob = NULL;
}

/* ---- prepared statements ------------------------------------------------------- */

void store_db_forget_prepared(struct ss_store *st)
{
    unsigned i;

    if (!st->prepared)
        return;
    for (i = 0; i < PREPARED_SLOTS; i++)
        free(st->prepared[i].key);
    free(st->prepared);
    st->prepared = NULL;
    st->nprepared = 0;
    st->prepared_gen++; /* new names: the old may live on the server until DEALLOCATE */
    if (st->pg && PQstatus(st->pg) == CONNECTION_OK && PQtransactionStatus(st->pg) == PQTRANS_IDLE)
        PQclear(PQexec(st->pg, "DEALLOCATE ALL"));
}

/* s's key (text, NUL, parameter types) into a malloc'd buffer. */
static char *prepared_key(const struct store_stmt *s, size_t *len)
{
    size_t n = strlen(s->sql), cap = n + 1 + (size_t)s->nparams * 11 + 1, o;
    char *k = ss_xmalloc(cap);
    int i;

    memcpy(k, s->sql, n + 1);
    o = n + 1;
    for (i = 0; i < s->nparams; i++)
        o += (size_t)snprintf(k + o, cap - o, "%u,", s->types[i]);
    *len = o;
    return k;
}

static uint64_t fnv1a(const char *p, size_t n)
{
    uint64_t h = 1469598103934665603ULL;

    while (n--)
        h = (h ^ (unsigned char)*p++) * 1099511628211ULL;
    return h;
}

/* The name s's text runs under on its connection, prepared now if it was
 * not yet: 1 with name set; 0 when it runs unprepared (the table is full);
 * -1 when preparing failed (the server's error kept on the connection). */
static int pg_prepared(struct store_stmt *s, char name[24])
{
    struct ss_store *st = s->st;
    size_t klen, i;
    char *key = prepared_key(s, &klen);
    uint64_t h = fnv1a(key, klen);
    struct store_prepared *slot;
    PGresult *res;
    int ok;

    if (!st->prepared)
        st->prepared = ss_xcalloc(PREPARED_SLOTS, sizeof *st->prepared);
    for (i = h % PREPARED_SLOTS;; i = (i + 1) % PREPARED_SLOTS) {
        slot = &st->prepared[i];
        if (!slot->key)
            break;
        if (slot->hash == h && slot->klen == klen && memcmp(slot->key, key, klen) == 0) {
            free(key);
            snprintf(name, 24, "ss%u_%u", st->prepared_gen, slot->id);
            return 1;
        }
    }
    if (st->nprepared >= PREPARED_SLOTS / 4 * 3) {
        free(key);
        return 0;
    }
    snprintf(name, 24, "ss%u_%u", st->prepared_gen, st->nprepared);
    res = PQprepare(st->pg, name, s->sql, s->nparams, s->types);
    ok = res && PQresultStatus(res) == PGRES_COMMAND_OK;
    if (!ok) {
        pg_keep_error(st, res);
        PQclear(res);
        free(key);
        return -1;
    }
    PQclear(res);
    slot->key = key;
    slot->klen = klen;
    slot->hash = h;
    slot->id = st->nprepared++;
    return 1;
}

/* Run s on the server: prepared when it can be. */
static PGresult *pg_run(struct store_stmt *s)
{
    struct ss_store *st = s->st;
    char name[24];
    PGresult *res;
    int p = s->each_run ? 0 : pg_prepared(s, name);

    if (p < 0)
        return NULL;
    if (p == 0) {
        res = PQexecParams(st->pg, s->sql, s->nparams, s->types, (const char *const *)s->vals,
                           s->lens, s->fmts, s->binary);
        if (!res)
            pg_keep_error(st, NULL);
        return res;
    }
    res = PQexecPrepared(st->pg, name, s->nparams, (const char *const *)s->vals, s->lens, s->fmts,
                         s->binary);
    if (!res) {
        pg_keep_error(st, NULL);
        return NULL;
    }
    /* 0A000: a table under it changed shape (a migration by another
     * process): all are forgotten, and outside a transaction it is
     * prepared again and runs once more (inside, the transaction failed) */
    if (PQresultStatus(res) == PGRES_FATAL_ERROR) {
        const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
        if (state && strcmp(state, "0A000") == 0) {
            store_db_forget_prepared(st);
            if (st->tx_depth == 0 && PQtransactionStatus(st->pg) == PQTRANS_IDLE) {
                PQclear(res);
                return pg_run(s);
            }
        }
    }
    return res;
}

int store_step(struct store_stmt *s)
{
    struct ss_store *st;
    ExecStatusType status;

    if (!s)
        return STORE_FAIL;
    st = s->st;
    if (!st->pg) {
        int rc = sqlite3_step(s->lite);
        if (rc == SQLITE_ROW)
            return STORE_ROW;
        if (rc == SQLITE_DONE) {
            s->changes = sqlite3_changes(st->db);
            return STORE_DONE;
        }
        return STORE_FAIL;
    }
    if (!s->res) {
        pg_revive(st);
        s->res = pg_run(s);
        status = s->res ? PQresultStatus(s->res) : PGRES_FATAL_ERROR;
        if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
            if (s->res)
                pg_keep_error(st, s->res);
            PQclear(s->res);
            s->res = NULL;
            return STORE_FAIL;
        }
        s->nrows = status == PGRES_TUPLES_OK ? PQntuples(s->res) : 0;
        s->changes = strtoll(PQcmdTuples(s->res), NULL, 10);
        s->row = -1;
    }
    if (s->blob) {
        PQfreemem(s->blob);
        s->blob = NULL;
    }
    if (s->row + 1 < s->nrows) {
        s->row++;
        return STORE_ROW;
    }
    s->row = s->nrows;
    return STORE_DONE;
}

void store_reset(struct store_stmt *s)
{
    int i;

    if (!s)
        return;
    if (!s->st->pg) {
        sqlite3_reset(s->lite);
        sqlite3_clear_bindings(s->lite);
        return;
    }
    pg_clear_result(s);
    for (i = 0; i < s->nparams; i++) {
        free(s->vals[i]);
        s->vals[i] = NULL;
        s->lens[i] = s->fmts[i] = 0;
        s->types[i] = 0;
    }
}

void store_finalize(struct store_stmt *s)
{
    if (!s)
        return;
    if (!s->st->pg) {
        sqlite3_finalize(s->lite);
    } else {
        store_reset(s);
        free(s->vals);
        free(s->lens);
        free(s->fmts);
        free(s->types);
        free(s->sql);
    }
    free(s);
}

int64_t store_changes(struct store_stmt *s)
{
    return s ? s->changes : 0;
}

void store_binary_results(struct store_stmt *s)
{
    if (s)
        s->binary = 1;
}

void store_plan_each_run(struct store_stmt *s)
{
    if (s)
        s->each_run = 1;
}

/* ---- bindings ---------------------------------------------------------------------- */

/* Parameter i of a PostgreSQL statement, emptied; NULL when out of range. */
static int pg_param(struct store_stmt *s, int i)
{
    if (i < 1 || i > s->nparams)
        return 0;
    free(s->vals[i - 1]);
    s->vals[i - 1] = NULL;
    s->lens[i - 1] = s->fmts[i - 1] = 0;
    s->types[i - 1] = 0;
    return 1;
}

void store_bind_int64(struct store_stmt *s, int i, int64_t v)
{
    char buf[24];

    if (!s->st->pg) {
        sqlite3_bind_int64(s->lite, i, v);
        return;
    }
    if (!pg_param(s, i))
        return;
    snprintf(buf, sizeof buf, "%lld", (long long)v);
    s->vals[i - 1] = ss_xstrdup(buf);
    s->types[i - 1] = INT8OID;
}

void store_bind_double(struct store_stmt *s, int i, double v)
{
    char buf[32];

    if (!s->st->pg) {
        sqlite3_bind_double(s->lite, i, v);
        return;
    }
    if (!pg_param(s, i))
        return;
    if (isnan(v))
        snprintf(buf, sizeof buf, "NaN");
    else if (isinf(v))
        snprintf(buf, sizeof buf, "%sInfinity", v < 0 ? "-" : "");
    else
        snprintf(buf, sizeof buf, "%.17g", v);
    s->vals[i - 1] = ss_xstrdup(buf);
    s->types[i - 1] = FLOAT8OID;
}

void store_bind_text(struct store_stmt *s, int i, const char *v)
{
    if (!s->st->pg) {
        if (v)
            sqlite3_bind_text(s->lite, i, v, -1, SQLITE_TRANSIENT);
        else
            sqlite3_bind_null(s->lite, i);
        return;
    }
    if (pg_param(s, i) && v)
        s->vals[i - 1] = ss_xstrdup(v);
}

void store_bind_null(struct store_stmt *s, int i)
{
    if (!s->st->pg)
        sqlite3_bind_null(s->lite, i);
    else
        pg_param(s, i);
}

void store_bind_blob(struct store_stmt *s, int i, const void *p, size_t n)
{
    if (!s->st->pg) {
        sqlite3_bind_blob64(s->lite, i, p, n, SQLITE_TRANSIENT);
        return;
    }
    if (!pg_param(s, i))
        return;
    s->vals[i - 1] = ss_xmalloc(n ? n : 1);
    if (n)
        memcpy(s->vals[i - 1], p, n);
    s->lens[i - 1] = (int)n;
    s->fmts[i - 1] = 1;
    s->types[i - 1] = BYTEAOID;
}

void store_bind_date(struct store_stmt *s, int i, int32_t day)
{
    char d[11];

    if (day == SS_NO_DATE) {
        store_bind_null(s, i);
        return;
    }
    ss_date_fmt(day, d);
    store_bind_text(s, i, d);
}

/* ---- columns ---------------------------------------------------------------------- */

/* 1 when column i of the current PostgreSQL row can be read. */
static int pg_cell(const struct store_stmt *s, int i)
{
    return s->res && s->row >= 0 && s->row < s->nrows && i >= 0 && i < PQnfields(s->res);
}

int store_col_null(struct store_stmt *s, int i)
{
    if (!s->st->pg)
        return sqlite3_column_type(s->lite, i) == SQLITE_NULL;
    return !pg_cell(s, i) || PQgetisnull(s->res, s->row, i);
}

/* The n bytes at p, a big-endian (network order) unsigned integer. */
static uint64_t pg_be(const char *p, int n)
{
    uint64_t v = 0;
    int k;

    for (k = 0; k < n; k++)
        v = v << 8 | (unsigned char)p[k];
    return v;
}

/* Column i of a binary result as a number, as store_col_int64 and
 * store_col_double read it: integers (int2, int4, int8) and reals
 * (float4, float8); another type reads as 0. */
static double pg_binary_number(const struct store_stmt *s, int i, int64_t *integer)
{
    const char *p = PQgetvalue(s->res, s->row, i);
    int n = PQgetlength(s->res, s->row, i);
    unsigned type = PQftype(s->res, i);
    uint64_t bits = pg_be(p, n);

    *integer = 0;
    if ((type == INT8OID && n == 8) || (type == INT4OID && n == 4) || (type == INT2OID && n == 2)) {
        /* sign-extend the n-byte two's complement value */
        *integer =
            n == 8 ? (int64_t)bits
                   : (int64_t)(bits ^ (UINT64_C(1) << (8 * n - 1))) - (INT64_C(1) << (8 * n - 1));
        return (double)*integer;
    }
    if (type == FLOAT8OID && n == 8) {
        double d;
        memcpy(&d, &bits, sizeof d);
        *integer = (int64_t)d;
        return d;
    }
    if (type == FLOAT4OID && n == 4) {
        uint32_t b32 = (uint32_t)bits;
        float f;
        memcpy(&f, &b32, sizeof f);
        *integer = (int64_t)f;
        return f;
    }
    return 0.0;
}

int64_t store_col_int64(struct store_stmt *s, int i)
{
    const char *t;
    int64_t v;

    if (!s->st->pg)
        return sqlite3_column_int64(s->lite, i);
    if (store_col_null(s, i))
        return 0;
    if (PQfformat(s->res, i) == 1) {
        pg_binary_number(s, i, &v);
        return v;
    }
    t = PQgetvalue(s->res, s->row, i);
    if (t[0] == 't' && t[1] == '\0') /* a boolean */
        return 1;
    if (strchr(t, '.') || strchr(t, 'e')) /* a numeric or a real, as SQLite would */
        return (int64_t)strtod(t, NULL);
    return strtoll(t, NULL, 10);
}

double store_col_double(struct store_stmt *s, int i)
{
    int64_t v;

    if (!s->st->pg)
        return sqlite3_column_double(s->lite, i);
    if (store_col_null(s, i))
        return 0.0;
    if (PQfformat(s->res, i) == 1)
        return pg_binary_number(s, i, &v);
    return strtod(PQgetvalue(s->res, s->row, i), NULL);
}

const char *store_col_text(struct store_stmt *s, int i)
{
    if (!s->st->pg)
        return (const char *)sqlite3_column_text(s->lite, i);
    if (store_col_null(s, i))
        return NULL;
    return PQgetvalue(s->res, s->row, i);
}

const void *store_col_blob(struct store_stmt *s, int i, size_t *n)
{
    size_t len = 0;

    if (!s->st->pg) {
        const void *p = sqlite3_column_blob(s->lite, i);
        *n = (size_t)sqlite3_column_bytes(s->lite, i);
        return p;
    }
    *n = 0;
    if (store_col_null(s, i))
        return NULL;
    if (PQfformat(s->res, i) == 1) { /* the bytes themselves */
        *n = (size_t)PQgetlength(s->res, s->row, i);
        return PQgetvalue(s->res, s->row, i);
    }
    if (s->blob)
        PQfreemem(s->blob);
    s->blob = PQunescapeBytea((const unsigned char *)PQgetvalue(s->res, s->row, i), &len);
    *n = len;
    return s->blob;
}

char *store_col_strdup(struct store_stmt *s, int i)
{
    const char *t = store_col_text(s, i);
    return t ? ss_xstrdup(t) : NULL;
}

int32_t store_col_date(struct store_stmt *s, int i)
{
    const char *t = store_col_text(s, i);
    int32_t d;

    if (!t || ss_date_parse(t, &d) != SS_OK)
        return SS_NO_DATE;
    return d;
}

/* ---- whole statements --------------------------------------------------------------- */

int store_exec(struct ss_store *st, const char *sql, struct ss_err *err)
{
    if (!st->pg) {
        char *msg = NULL;
        if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
            ss_err_set(err, SS_EDB, "db", "%s", msg ? msg : sqlite3_errmsg(st->db));
            sqlite3_free(msg);
            return SS_EDB;
        }
        return SS_OK;
    } else {
        PGresult *res;

        pg_revive(st);
        res = PQexec(st->pg, sql);
        ExecStatusType status = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;

        if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
            pg_keep_error(st, res);
            PQclear(res);
            return ss_err_set(err, SS_EDB, "db", "%s", st->errmsg);
        }
        PQclear(res);
        return SS_OK;
    }
}

int64_t store_int64(struct ss_store *st, const char *sql, int64_t dflt)
{
    struct store_stmt *s = store_prepare(st, sql, NULL);
    int64_t v = dflt;

    if (!s)
        return dflt;
    if (store_step(s) == STORE_ROW && !store_col_null(s, 0))
        v = store_col_int64(s, 0);
    store_finalize(s);
    return v;
}

void store_now(char out[21])
{
    time_t t = time(NULL);
    struct tm tm;

    gmtime_r(&t, &tm);
    strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* ---- times -------------------------------------------------------------------------- */

/* Years 0000..9999, which the text form holds. */
#define TS_MIN (-62167219200LL) /* 0000-01-01T00:00:00Z */
#define TS_MAX 253402300799LL   /* 9999-12-31T23:59:59Z */

/* Unix seconds t as the store writes times (clamped to TS_MIN..TS_MAX). */
void store_ts_fmt(int64_t t, char out[21])
{
    int64_t days, secs;
    char day[11];

    t = t < TS_MIN ? TS_MIN : t > TS_MAX ? TS_MAX : t;
    days = t / 86400;
    secs = t % 86400;
    if (secs < 0) {
        secs += 86400;
        days--;
    }
    ss_date_fmt((int32_t)days, day);
    snprintf(out, 21, "%sT%02d:%02d:%02dZ", day, (int)(secs / 3600), (int)(secs / 60 % 60),
             (int)(secs % 60));
}

/* Two digits at p as a number, or -1. */
static int two_digits(const char *p)
{
    if (p[0] < '0' || p[0] > '9' || p[1] < '0' || p[1] > '9')
        return -1;
    return (p[0] - '0') * 10 + (p[1] - '0');
}

/* A stored time (YYYY-MM-DDTHH:MM:SS, then anything) as Unix seconds; 0
 * for NULL or anything else, as SQLite's strftime('%s') gave NULL. */
int64_t store_ts_parse(const char *t)
{
    char day[11];
    int32_t d;
    int h, m, sec;

    if (!t || strlen(t) < 19 || (t[10] != 'T' && t[10] != ' ') || t[13] != ':' || t[16] != ':')
        return 0;
    memcpy(day, t, 10);
    day[10] = '\0';
    h = two_digits(t + 11);
    m = two_digits(t + 14);
    sec = two_digits(t + 17);
    if (ss_date_parse(day, &d) != SS_OK || h < 0 || h > 23 || m < 0 || m > 59 || sec < 0 ||
        sec > 59)
        return 0;
    return (int64_t)d * 86400 + h * 3600 + m * 60 + sec;
}

/* Bind Unix seconds t as a stored time. */
void store_bind_ts(struct store_stmt *s, int i, int64_t t)
{
    char ts[21];

    store_ts_fmt(t, ts);
    store_bind_text(s, i, ts);
}
