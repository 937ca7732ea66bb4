/*
 * store_cycle.c - the yearly cycle's rows (store_cycle.h).
 *
 * The ballot table and secrecy. A ballot row is (id, year, choices): id is
 * the BLAKE2b digest of the receipt the deputy holds (random, so the key
 * says nothing of the order ballots came in), choices ascending (so not
 * even the order a deputy ticked them). SQLite keeps the table WITHOUT
 * ROWID: rows live in the order of their key, with no hidden counter. The
 * voter row (cycle_voter) and the ballot are written in one transaction,
 * so they land together or not at all; only the voter row is audited.
 * What remains is storage the tables do not show: on PostgreSQL a row's
 * xmin (the writing transaction) and its place in the heap, on SQLite the
 * pages a write-ahead log may still hold. Sealing (ss_store_ballots_seal,
 * after the window) deletes every ballot and writes them again in key
 * order in one transaction, so from then on every ballot has the same
 * xmin and its heap place follows the key; the old row versions go with
 * the next VACUUM. See ARCHITECTURE.md, "The vote's secrecy".
 */
#include "store/store_cycle.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/util.h"
#include "store/model.h"
#include "store/store_db.h"
#include "store/store_int.h"

static const char *const STATUS[] = {"new", "merged", "promoted", "declined"};

const char *ss_proposal_status_str(enum ss_proposal_status s)
{
    return (unsigned)s < SS_ARRAY_LEN(STATUS) ? STATUS[s] : "new";
}

static enum ss_proposal_status status_parse(const char *s)
{
    size_t i;

    for (i = 0; s && i < SS_ARRAY_LEN(STATUS); i++)
        if (strcmp(s, STATUS[i]) == 0)
            return (enum ss_proposal_status)i;
    return SS_PROPOSAL_NEW;
}

static void copy_code(char out[16], const char *s)
{
    snprintf(out, 16, "%s", s ? s : "");
}

/* Run s (bound) to its end; changes (may be NULL) receives its count. */
static int run(struct ss_store *st, struct store_stmt *s, int64_t *changes, struct ss_err *err,
               const char *what)
{
    int step = store_step(s);

    if (step == STORE_FAIL)
        return store_db_error(st, err, what);
    if (changes)
        *changes = store_changes(s);
    return SS_OK;
}

static int64_t count_of(struct ss_store *st, const char *sql, int64_t a)
{
    struct store_stmt *s = store_prepare(st, sql, NULL);
    int64_t v = 0;

    if (!s)
        return 0;
    store_bind_int64(s, 1, a);
    if (store_step(s) == STORE_ROW)
        v = store_col_int64(s, 0);
    store_finalize(s);
    return v;
}

/* ---- cycles --------------------------------------------------------------- */

#define CYCLE_COLS                                                                                 \
    "c.year, c.org_id, o.code, c.propose_from, c.propose_to, c.vote_from, c.vote_to, c.seats,"     \
    " c.pass_share, c.sealed_ballots, c.sealed_deputies, c.sealed_digest, c.plan_id"

int ss_store_cycle_get(struct ss_store *st, int year, struct ss_cycle_row *out)
{
    struct store_stmt *s = store_prepare(
        st,
        "SELECT " CYCLE_COLS " FROM cycle c JOIN org_unit o ON o.id = c.org_id WHERE c.year = ?1",
        NULL);
    int rc = SS_ENOTFOUND;

    memset(out, 0, sizeof *out);
    if (!s)
        return SS_EDB;
    store_bind_int64(s, 1, year);
    if (store_step(s) == STORE_ROW) {
        out->year = (int)store_col_int64(s, 0);
        out->org_id = store_col_int64(s, 1);
        copy_code(out->org, store_col_text(s, 2));
        out->propose_from = store_col_date(s, 3);
        out->propose_to = store_col_date(s, 4);
        out->vote_from = store_col_date(s, 5);
        out->vote_to = store_col_date(s, 6);
        out->seats = (int)store_col_int64(s, 7);
        out->pass_share = store_col_double(s, 8);
        out->sealed_ballots = store_col_null(s, 9) ? -1 : store_col_int64(s, 9);
        out->sealed_deputies = store_col_null(s, 10) ? -1 : store_col_int64(s, 10);
        snprintf(out->sealed_digest, sizeof out->sealed_digest, "%s",
                 store_col_text(s, 11) ? store_col_text(s, 11) : "");
        out->plan_id = store_col_int64(s, 12);
        rc = SS_OK;
    }
    store_finalize(s);
    return rc;
}

int ss_store_cycle_put(struct ss_store *st, const struct ss_cycle_row *c, const char *by,
                       struct ss_err *err)
{
    struct store_stmt *s;
    char now[21];
    int rc;

    if ((rc = store_tx_join(st, err)))
        return rc;
    s = store_prepare(st,
                      "INSERT INTO cycle(year, org_id, propose_from, propose_to, vote_from,"
                      " vote_to, seats, pass_share, updated_by, updated_at)"
                      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
                      " ON CONFLICT (year) DO UPDATE SET org_id = excluded.org_id,"
                      " propose_from = excluded.propose_from, propose_to = excluded.propose_to,"
                      " vote_from = excluded.vote_from, vote_to = excluded.vote_to,"
                      " seats = excluded.seats, pass_share = excluded.pass_share,"
                      " updated_by = excluded.updated_by, updated_at = excluded.updated_at",
                      err);
    if (!s) {
        store_tx_rollback(st);
        return SS_EDB;
    }
    store_now(now);
    store_bind_int64(s, 1, c->year);
    store_bind_int64(s, 2, c->org_id);
    store_bind_date(s, 3, c->propose_from);
    store_bind_date(s, 4, c->propose_to);
    store_bind_date(s, 5, c->vote_from);
    store_bind_date(s, 6, c->vote_to);
    store_bind_int64(s, 7, c->seats);
    store_bind_double(s, 8, c->pass_share);
    store_bind_text(s, 9, by);
    store_bind_text(s, 10, now);
    rc = run(st, s, NULL, err, "saving the cycle");
    store_finalize(s);
    if (rc) {
        store_tx_rollback(st);
        return rc;
    }
    return store_tx_commit(st, err);
}

int ss_store_cycle_proposing(struct ss_store *st, int32_t day, int *year, int *next_year)
{
    struct store_stmt *s = store_prepare(
        st,
        "SELECT year, CASE WHEN propose_from <= ?1 AND propose_to >= ?1 THEN 1 ELSE 0 END"
        " FROM cycle WHERE propose_to >= ?1 ORDER BY 2 DESC, propose_from, year DESC",
        NULL);

    *year = *next_year = 0;
    if (!s)
        return SS_EDB;
    store_bind_date(s, 1, day);
    if (store_step(s) == STORE_ROW) {
        if (store_col_int64(s, 1))
            *year = (int)store_col_int64(s, 0);
        else
            *next_year = (int)store_col_int64(s, 0);
    }
    store_finalize(s);
    return SS_OK;
}

int ss_store_cycle_years(struct ss_store *st, int **out, size_t *n)
{
    struct store_stmt *s = store_prepare(st, "SELECT year FROM cycle ORDER BY year DESC", NULL);
    size_t cap = 8;

    *out = NULL;
    *n = 0;
    if (!s)
        return SS_EDB;
    *out = ss_xcalloc(cap, sizeof **out);
    while (store_step(s) == STORE_ROW) {
        if (*n == cap)
            *out = ss_xrealloc(*out, (cap *= 2) * sizeof **out);
        (*out)[(*n)++] = (int)store_col_int64(s, 0);
    }
    store_finalize(s);
    return SS_OK;
}

int64_t ss_store_cycle_plan_of_year(struct ss_store *st, int year)
{
    return count_of(st,
                    "SELECT id FROM plan WHERE year = ?1 AND state <> 'draft'"
                    " ORDER BY CASE WHEN state = 'active' THEN 0 ELSE 1 END, id DESC LIMIT 1",
                    year);
}

int ss_store_cycle_set_plan(struct ss_store *st, int year, int64_t plan_id, struct ss_err *err)
{
    struct store_stmt *s;
    int rc;

    if ((rc = store_tx_join(st, err)))
        return rc;
    if (!(s = store_prepare(st, "UPDATE cycle SET plan_id = ?2 WHERE year = ?1", err))) {
        store_tx_rollback(st);
        return SS_EDB;
    }
    store_bind_int64(s, 1, year);
    store_bind_int64(s, 2, plan_id);
    rc = run(st, s, NULL, err, "recording the adopted plan");
    store_finalize(s);
    if (rc) {
        store_tx_rollback(st);
        return rc;
    }
    return store_tx_commit(st, err);
}

/* ---- proposals ------------------------------------------------------------ */

int ss_store_proposal_add(struct ss_store *st, const struct ss_proposal_row *p,
                          const char *contact_sealed, int64_t *id, struct ss_err *err)
{
    struct store_stmt *s;
    int rc;

    if ((rc = store_tx_join(st, err)))
        return rc;
    s = store_prepare(st,
                      "INSERT INTO proposal(year, title, text, org_id, place, for_whom, contact,"
                      " created_on) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING id",
                      err);
    if (!s) {
        store_tx_rollback(st);
        return SS_EDB;
    }
    store_bind_int64(s, 1, p->year);
    store_bind_text(s, 2, p->title);
    store_bind_text(s, 3, p->text);
    store_bind_int64(s, 4, p->org_id);
    store_bind_text(s, 5, p->place);
    store_bind_text(s, 6, p->for_whom);
    store_bind_text(s, 7, contact_sealed);
    store_bind_date(s, 8, p->created_on);
    if (store_step(s) != STORE_ROW) {
        rc = store_db_error(st, err, "saving the proposal");
        store_finalize(s);
        store_tx_rollback(st);
        return rc;
    }
    *id = store_col_int64(s, 0);
    store_finalize(s);
    return store_tx_commit(st, err);
}

#define PROPOSAL_COLS                                                                              \
    "p.id, p.year, p.title, p.text, p.place, p.for_whom, p.reason, p.org_id, o.code, p.status,"    \
    " p.merged_into, (SELECT c.id FROM candidate c WHERE c.proposal_id = p.id), p.created_on"      \
    " FROM proposal p JOIN org_unit o ON o.id = p.org_id"

static void proposal_read(struct store_stmt *s, struct ss_proposal_row *p)
{
    p->id = store_col_int64(s, 0);
    p->year = (int)store_col_int64(s, 1);
    p->title = store_col_strdup(s, 2);
    p->text = store_col_strdup(s, 3);
    p->place = store_col_strdup(s, 4);
    p->for_whom = store_col_strdup(s, 5);
    p->reason = store_col_strdup(s, 6);
    p->org_id = store_col_int64(s, 7);
    copy_code(p->org, store_col_text(s, 8));
    p->status = status_parse(store_col_text(s, 9));
    p->merged_into = store_col_int64(s, 10);
    p->candidate = store_col_int64(s, 11);
    p->created_on = store_col_date(s, 12);
}

int ss_store_proposal_get(struct ss_store *st, int64_t id, struct ss_proposal_row *out)
{
    struct store_stmt *s = store_prepare(st, "SELECT " PROPOSAL_COLS " WHERE p.id = ?1", NULL);
    int rc = SS_ENOTFOUND;

    memset(out, 0, sizeof *out);
    if (!s)
        return SS_EDB;
    store_bind_int64(s, 1, id);
    if (store_step(s) == STORE_ROW) {
        proposal_read(s, out);
        rc = SS_OK;
    }
    store_finalize(s);
    return rc;
}

void ss_store_proposal_cleanup(struct ss_proposal_row *p)
{
    free(p->title);
    free(p->text);
    free(p->place);
    free(p->for_whom);
    free(p->reason);
    memset(p, 0, sizeof *p);
}

int ss_store_proposals(struct ss_store *st, int year, struct ss_proposal_row **out, size_t *n)
{
    struct store_stmt *s =
        store_prepare(st, "SELECT " PROPOSAL_COLS " WHERE p.year = ?1 ORDER BY p.id", NULL);
    size_t cap = 16;

    *out = NULL;
    *n = 0;
    if (!s)
        return SS_EDB;
    store_bind_int64(s, 1, year);
    *out = ss_xcalloc(cap, sizeof **out);
    while (store_step(s) == STORE_ROW) {
        if (*n == cap) {
            *out = ss_xrealloc(*out, (cap *= 2) * sizeof **out);
        }
        proposal_read(s, &(*out)[(*n)++]);
    }
    store_finalize(s);
    return SS_OK;
}

void ss_store_proposals_free(struct ss_proposal_row *p, size_t n)
{
    size_t i;

    for (i = 0; p && i < n; i++)
        ss_store_proposal_cleanup(&p[i]);
    free(p);
}

int ss_store_proposal_decide(struct ss_store *st, int64_t id, enum ss_proposal_status from,
                             enum ss_proposal_status to, int64_t into, const char *reason,
                             const char *by, struct ss_err *err)
{
    struct store_stmt *s;
    int64_t changed = 0;
    char now[21];
    int rc;

    if ((rc = store_tx_join(st, err)))
        return rc;
    s = store_prepare(st,
                      "UPDATE proposal SET status = ?3, merged_into = ?4, reason = ?5,"
                      " decided_by = ?6, decided_at = ?7 WHERE id = ?1 AND status = ?2",
                      err);
    if (!s) {
        store_tx_rollback(st);
        return SS_EDB;
    }
    store_now(now);
    store_bind_int64(s, 1, id);
    store_bind_text(s, 2, ss_proposal_status_str(from));
    store_bind_text(s, 3, ss_proposal_status_str(to));
    if (into)
        store_bind_int64(s, 4, into);
    else
        store_bind_null(s, 4);
    store_bind_text(s, 5, reason);
    store_bind_text(s, 6, by);
    store_bind_text(s, 7, now);
    rc = run(st, s, &changed, err, "deciding on the proposal");
    store_finalize(s);
    if (!rc && changed != 1)
        rc = ss_err_set(err, SS_ECONFLICT, "id", "proposal %lld is no longer %s", (long long)id,
                        ss_proposal_status_str(from));
    if (rc) {
        store_tx_rollback(st);
        return rc;
    }
    return store_tx_commit(st, err);
}

int ss_store_proposal_repoint(struct ss_store *st, int64_t from, int64_t to, struct ss_err *err)
{
    struct store_stmt *s;
    int rc;

    if ((rc = store_tx_join(st, err)))
        return rc;
    if (!(s = store_prepare(st,
                            "UPDATE proposal SET merged_into = ?2 WHERE merged_into = ?1"
                            " AND status = 'merged'",
                            err))) {
        store_tx_rollback(st);
        return SS_EDB;
    }
    store_bind_int64(s, 1, from);
    store_bind_int64(s, 2, to);
    rc = run(st, s, NULL, err, "merging the proposals");
    store_finalize(s);
    if (rc) {
        store_tx_rollback(st);
        return rc;
    }
    return store_tx_commit(st, err);
}

/* ---- candidates ----------------------------------------------------------- */

int ss_store_candidate_add(struct ss_store *st, const struct ss_candidate_row *c, const char *by,
                           int64_t *id, struct ss_err *err)
{
    struct store_stmt *s;
    char now[21];
    int rc;

    if ((rc = store_tx_join(st, err)))
        return rc;
    s = store_prepare(st,
                      "INSERT INTO candidate(year, proposal_id, title, text, cost, department,"
                      " note, created_by, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
                      " RETURNING id",
                      err);
    if (!s) {
        store_tx_rollback(st);
        return SS_EDB;
    }
    store_now(now);
    store_bind_int64(s, 1, c->year);
    store_bind_int64(s, 2, c->proposal_id);
    store_bind_text(s, 3, c->title);
    store_bind_text(s, 4, c->text);
    store_bind_double(s, 5, c->cost);
    store_bind_text(s, 6, c->department);
    store_bind_text(s, 7, c->note);
    store_bind_text(s, 8, by);
    store_bind_text(s, 9, now);
    if (store_step(s) != STORE_ROW) {
        rc = store_db_error(st, err, "saving the candidate");
        store_finalize(s);
        store_tx_rollback(st);
        return rc;
    }
    *id = store_col_int64(s, 0);
    store_finalize(s);
    return store_tx_commit(st, err);
}

int ss_store_candidates(struct ss_store *st, int year, struct ss_candidate_row **out, size_t *n)
{
    struct store_stmt *s = store_prepare(st,
                                         "SELECT id, year, proposal_id, title, text, department,"
                                         " note, cost FROM candidate WHERE year = ?1 ORDER BY id",
                                         NULL);
    size_t cap = 16;

    *out = NULL;
    *n = 0;
    if (!s)
        return SS_EDB;
    store_bind_int64(s, 1, year);
    *out = ss_xcalloc(cap, sizeof **out);
    while (store_step(s) == STORE_ROW) {
        struct ss_candidate_row *c;

        if (*n == cap)
            *out = ss_xrealloc(*out, (cap *= 2) * sizeof **out);
        c = &(*out)[(*n)++];
        c->id = store_col_int64(s, 0);
        c->year = (int)store_col_int64(s, 1);
        c->proposal_id = store_col_int64(s, 2);
        c->title = store_col_strdup(s, 3);
        c->text = store_col_strdup(s, 4);
        c->department = store_col_strdup(s, 5);
        c->note = store_col_strdup(s, 6);
        c->cost = store_col_double(s, 7);
    }
    store_finalize(s);
    return SS_OK;
}

void ss_store_candidates_free(struct ss_candidate_row *c, size_t n)
{
    size_t i;

    for (i = 0; c && i < n; i++) {
        free(c[i].title);
        free(c[i].text);
        free(c[i].department);
        free(c[i].note);
    }
    free(c);
}

/* ---- the vote ------------------------------------------------------------- */

int64_t ss_store_deputies(struct ss_store *st, int64_t org_id)
{
    return count_of(st,
                    "SELECT count(*) FROM account WHERE role = 'deputy' AND disabled = 0"
                    " AND org_id = ?1",
                    org_id);
}

int64_t ss_store_voters(struct ss_store *st, int year)
{
    return count_of(st, "SELECT count(*) FROM cycle_voter WHERE year = ?1", year);
}

int ss_store_voted(struct ss_store *st, int year, int64_t account_id)
{
    struct store_stmt *s =
        store_prepare(st, "SELECT 1 FROM cycle_voter WHERE year = ?1 AND account_id = ?2", NULL);
    int v = 0;

    if (!s)
        return 0;
    store_bind_int64(s, 1, year);
    store_bind_int64(s, 2, account_id);
    v = store_step(s) == STORE_ROW;
    store_finalize(s);
    return v;
}

int ss_store_ballot_cast(struct ss_store *st, int year, int64_t account_id, const char *id,
                         const char *choices, struct ss_err *err)
{
    struct store_stmt *v = NULL, *b = NULL;
    int64_t changed = 0;
    int rc;

    if ((rc = store_tx_join(st, err)))
        return rc;
    /* ON CONFLICT: a second ballot changes no row, and on PostgreSQL does
     * not abort the transaction either. The writers' lock serialises
     * whole write transactions, so two connections of one deputy at once
     * see one another's voter row. */
    v = store_prepare(st,
                      "INSERT INTO cycle_voter(year, account_id) VALUES (?1, ?2)"
                      " ON CONFLICT (year, account_id) DO NOTHING",
                      err);
    b = store_prepare(st, "INSERT INTO ballot(id, year, choices) VALUES (?1, ?2, ?3)", err);
    if (!v || !b) {
        rc = SS_EDB;
        goto out;
    }
    store_bind_int64(v, 1, year);
    store_bind_int64(v, 2, account_id);
    if ((rc = run(st, v, &changed, err, "recording the vote")))
        goto out;
    if (changed != 1) {
        rc = ss_err_set(err, SS_ECONFLICT, "ballot", "this deputy has voted already in %d", year);
        goto out;
    }
    store_bind_text(b, 1, id);
    store_bind_int64(b, 2, year);
    store_bind_text(b, 3, choices);
    rc = run(st, b, NULL, err, "recording the ballot");
out:
    store_finalize(v);
    store_finalize(b);
    if (rc) {
        store_tx_rollback(st);
        return rc;
    }
    return store_tx_commit(st, err);
}

int ss_store_ballot_get(struct ss_store *st, int year, const char *id, char **choices)
{
    struct store_stmt *s =
        store_prepare(st, "SELECT choices FROM ballot WHERE id = ?1 AND year = ?2", NULL);
    int rc = SS_ENOTFOUND;

    *choices = NULL;
    if (!s)
        return SS_EDB;
    store_bind_text(s, 1, id);
    store_bind_int64(s, 2, year);
    if (store_step(s) == STORE_ROW) {
        *choices = store_col_strdup(s, 0);
        rc = SS_OK;
    }
    store_finalize(s);
    return rc;
}

int ss_store_ballots_each(struct ss_store *st, int year,
                          int (*fn)(void *ctx, const char *id, const char *choices), void *ctx)
{
    struct store_stmt *s =
        store_prepare(st, "SELECT id, choices FROM ballot WHERE year = ?1 ORDER BY id", NULL);
    int step, rc = 0;

    if (!s)
        return SS_EDB;
    store_bind_int64(s, 1, year);
    while (!rc && (step = store_step(s)) == STORE_ROW)
        rc = fn(ctx, store_col_text(s, 0), store_col_text(s, 1));
    store_finalize(s);
    return rc;
}

struct kept {
    char **id, **choices;
    size_t n, cap;
    crypto_hash_sha256_state h;
};

static int keep_one(void *ctx, const char *id, const char *choices)
{
    struct kept *k = ctx;

    if (k->n == k->cap) {
        k->cap = k->cap ? k->cap * 2 : 64;
        k->id = ss_xrealloc(k->id, k->cap * sizeof *k->id);
        k->choices = ss_xrealloc(k->choices, k->cap * sizeof *k->choices);
    }
    k->id[k->n] = ss_xstrdup(id);
    k->choices[k->n++] = ss_xstrdup(choices);
    crypto_hash_sha256_update(&k->h, (const unsigned char *)id, strlen(id));
    crypto_hash_sha256_update(&k->h, (const unsigned char *)" ", 1);
    crypto_hash_sha256_update(&k->h, (const unsigned char *)choices, strlen(choices));
    crypto_hash_sha256_update(&k->h, (const unsigned char *)"\n", 1);
    return 0;
}

int ss_store_ballots_seal(struct ss_store *st, int year, int64_t deputies, const char *by,
                          int64_t *count, char digest[SS_CYCLE_DIGEST_HEX], struct ss_err *err)
{
    struct store_stmt *del = NULL, *ins = NULL, *up = NULL;
    unsigned char h[crypto_hash_sha256_BYTES];
    struct kept k;
    char now[21];
    size_t i;
    int rc;

    memset(&k, 0, sizeof k);
    crypto_hash_sha256_init(&k.h);
    if ((rc = store_tx_join(st, err)))
        return rc;
    if (ss_store_ballots_each(st, year, keep_one, &k)) {
        rc = store_db_error(st, err, "reading the ballots");
        goto out;
    }
    crypto_hash_sha256_final(&k.h, h);
    sodium_bin2hex(digest, SS_CYCLE_DIGEST_HEX, h, sizeof h);
    *count = (int64_t)k.n;
    del = store_prepare(st, "DELETE FROM ballot WHERE year = ?1", err);
    ins = store_prepare(st, "INSERT INTO ballot(id, year, choices) VALUES (?1, ?2, ?3)", err);
    up = store_prepare(st,
                       "UPDATE cycle SET sealed_ballots = ?2, sealed_deputies = ?3,"
                       " sealed_digest = ?4, updated_by = ?5, updated_at = ?6 WHERE year = ?1",
                       err);
    if (!del || !ins || !up) {
        rc = SS_EDB;
        goto out;
    }
    store_bind_int64(del, 1, year);
    if ((rc = run(st, del, NULL, err, "sealing the ballots")))
        goto out;
    for (i = 0; i < k.n; i++) {
        store_reset(ins);
        store_bind_text(ins, 1, k.id[i]);
        store_bind_int64(ins, 2, year);
        store_bind_text(ins, 3, k.choices[i]);
        if ((rc = run(st, ins, NULL, err, "sealing the ballots")))
            goto out;
    }
    store_now(now);
    store_bind_int64(up, 1, year);
    store_bind_int64(up, 2, *count);
    store_bind_int64(up, 3, deputies);
    store_bind_text(up, 4, digest);
    store_bind_text(up, 5, by);
    store_bind_text(up, 6, now);
    rc = run(st, up, NULL, err, "sealing the ballots");
out:
    store_finalize(del);
    store_finalize(ins);
    store_finalize(up);
    for (i = 0; i < k.n; i++) {
        free(k.id[i]);
        free(k.choices[i]);
    }
    free(k.id);
    free(k.choices);
    if (rc) {
        store_tx_rollback(st);
        return rc;
    }
    return store_tx_commit(st, err);
}
