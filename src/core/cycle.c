/*
 * cycle.c - the yearly cycle's rules (see cycle.h): windows, proposals and
 * their triage, the secret ballot, the result and its adoption as a draft
 * plan.
 *
 * Every rule is checked before anything is written, inside the write
 * transaction where the state it depends on could change (the writers'
 * lock serialises them on both backends), so a refusal leaves the store
 * as it was. Nothing here logs: a ballot's path through this file leaves
 * no line anywhere (see ARCHITECTURE.md, "The vote's secrecy").
 */
#include "core/cycle.h"

#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/date.h"
#include "base/escape.h"
#include "base/util.h"
#include "core/access.h"
#include "core/plan_json.h"
#include "extract/extract.h"
#include "store/store_draft.h"
#include "store/store_seal.h"

#define PUBLIC_ACTOR "public"

void ss_cycle_window_text(int32_t from, int32_t to, char out[32])
{
    char a[11], b[11];

    if (from == SS_NO_DATE || to == SS_NO_DATE) {
        snprintf(out, 32, "%s", "-");
        return;
    }
    ss_date_fmt(from, a);
    ss_date_fmt(to, b);
    snprintf(out, 32, "%s to %s", a, b);
}

static int read_window(const char *from, const char *to, int32_t *f, int32_t *t, struct ss_err *err)
{
    int rc;

    if ((rc = ss_date_read("--from", from, f, err)) || (rc = ss_date_read("--to", to, t, err)))
        return rc;
    if (*t < *f)
        return ss_err_set(err, SS_EINVAL, "--to", "the window ends (%s) before it begins (%s)", to,
                          from);
    return SS_OK;
}

static int check_year(int year, struct ss_err *err)
{
    if (year < 2000 || year > 2200)
        return ss_err_set(err, SS_EINVAL, "year", "%d is not a plan year (2000 to 2200)", year);
    return SS_OK;
}

/* The year's row, or a new one for the congress of org (else the plan's
 * top unit). */
static int cycle_or_new(struct ss_store *st, const struct ss_engine *e, int year, const char *org,
                        struct ss_cycle_row *c, struct ss_err *err)
{
    long oi;

    if (ss_store_cycle_get(st, year, c) == SS_OK) {
        if (!org)
            return SS_OK;
    } else {
        c->year = year;
        c->propose_from = c->propose_to = c->vote_from = c->vote_to = SS_NO_DATE;
        c->pass_share = 0.5;
    }
    oi = org ? ss_engine_org_find(e, org) : ss_engine_top_org(e);
    if (oi < 0)
        return ss_err_set(err, SS_ENOTFOUND, "--org", "no org unit %s", org ? org : "(top)");
    c->org_id = ss_engine_org(e, oi)->id;
    return SS_OK;
}

int ss_cycle_open(struct ss_store *st, const struct ss_engine *e, int year, const char *from,
                  const char *to, const char *org, const char *by, struct ss_err *err)
{
    struct ss_cycle_row c;
    int rc;

    if ((rc = check_year(year, err)))
        return rc;
    memset(&c, 0, sizeof c);
    if ((rc = read_window(from, to, &c.propose_from, &c.propose_to, err)))
        return rc;
    {
        int32_t f = c.propose_from, t = c.propose_to;

        if ((rc = cycle_or_new(st, e, year, org, &c, err)))
            return rc;
        if (c.vote_from != SS_NO_DATE && t >= c.vote_from) {
            char begin[11];

            ss_date_fmt(c.vote_from, begin);
            return ss_err_set(err, SS_EINVAL, "--to",
                              "the proposal window must end before the vote (it begins %s)", begin);
        }
        c.propose_from = f;
        c.propose_to = t;
    }
    return ss_store_cycle_put(st, &c, by, err);
}

int ss_cycle_vote_window(struct ss_store *st, const struct ss_engine *e, int year, const char *from,
                         const char *to, int seats, double pass_share, const char *by,
                         struct ss_err *err)
{
    struct ss_cycle_row c;
    int32_t f, t;
    int rc;

    if ((rc = check_year(year, err)) || (rc = read_window(from, to, &f, &t, err)))
        return rc;
    if (seats < 1 || seats > SS_CYCLE_MAX_SEATS)
        return ss_err_set(err, SS_EINVAL, "--seats", "seats must be 1 to %d", SS_CYCLE_MAX_SEATS);
    if (pass_share > 0 && pass_share >= 1)
        return ss_err_set(err, SS_EINVAL, "--pass", "the pass share must be above 0 and below 1");
    memset(&c, 0, sizeof c);
    if ((rc = cycle_or_new(st, e, year, NULL, &c, err)))
        return rc;
    if (c.sealed_ballots >= 0 && c.sealed_digest[0])
        return ss_err_set(err, SS_ECONFLICT, "year", "the %d vote is sealed", year);
    if (c.propose_to != SS_NO_DATE && f <= c.propose_to) {
        char end[11];

        ss_date_fmt(c.propose_to, end);
        return ss_err_set(err, SS_EINVAL, "--from",
                          "the vote must begin after the proposal window (it ends %s)", end);
    }
    c.vote_from = f;
    c.vote_to = t;
    c.seats = seats;
    if (pass_share > 0)
        c.pass_share = pass_share;
    return ss_store_cycle_put(st, &c, by, err);
}

/* ---- proposals ------------------------------------------------------------ */

/* A required (req) or optional text of at most max bytes, valid UTF-8. */
static int check_text(const char *field, const char *s, size_t max, int req, struct ss_err *err)
{
    size_t n = s ? strlen(s) : 0;

    if (!s || !*s)
        return req ? ss_err_set(err, SS_EINVAL, field, "%s is missing", field) : SS_OK;
    if (n > max)
        return ss_err_set(err, SS_EINVAL, field, "%s is %zu bytes long; at most %zu", field, n,
                          max);
    if (!ss_utf8_valid(s, n))
        return ss_err_set(err, SS_EINVAL, field, "%s is not valid UTF-8", field);
    return SS_OK;
}

int ss_cycle_propose(struct ss_store *st, const struct ss_engine *e,
                     const struct ss_proposal_in *in, int32_t today, int64_t *id, int *year,
                     struct ss_err *err)
{
    struct ss_proposal_row p;
    struct ss_cycle_row c;
    char *sealed = NULL;
    int next = 0, rc;
    long oi, top;

    if ((rc = check_text("title", in->title, SS_PROPOSAL_TITLE_MAX, 1, err)) ||
        (rc = check_text("text", in->text, SS_PROPOSAL_TEXT_MAX, 1, err)) ||
        (rc = check_text("org", in->org, SS_MAX_ORG_CODE, 1, err)) ||
        (rc = check_text("where", in->place, SS_PROPOSAL_FIELD_MAX, 0, err)) ||
        (rc = check_text("for_whom", in->for_whom, SS_PROPOSAL_FIELD_MAX, 0, err)) ||
        (rc = check_text("contact", in->contact, SS_PROPOSAL_FIELD_MAX, 0, err)))
        return rc;
    if ((rc = ss_store_begin(st, PUBLIC_ACTOR, err)))
        return rc;
    if (ss_store_cycle_proposing(st, today, year, &next)) {
        rc = ss_err_set(err, SS_EDB, "", "the cycles cannot be read");
        goto fail;
    }
    if (!*year) {
        char w[32] = "-";

        if (next && ss_store_cycle_get(st, next, &c) == SS_OK)
            ss_cycle_window_text(c.propose_from, c.propose_to, w);
        rc = next ? ss_err_set(err, SS_EFORBIDDEN, "window",
                               "proposals for %d are taken from %s; not today", next, w)
                  : ss_err_set(err, SS_EFORBIDDEN, "window",
                               "no proposal window is open: proposals are not taken now");
        goto fail;
    }
    if ((rc = ss_store_cycle_get(st, *year, &c)))
        goto db;
    oi = ss_engine_org_find(e, in->org);
    top = ss_engine_org_by_id(e, c.org_id);
    if (oi < 0 || top < 0 || !ss_engine_org_within(e, oi, top)) {
        rc = ss_err_set(err, SS_EINVAL, "org", "%s is not an org unit of %s", in->org, c.org);
        goto fail;
    }
    if (in->contact && *in->contact &&
        (rc = ss_store_seal(st, SS_CYCLE_CONTEXT, in->contact, &sealed, err)))
        goto fail;
    memset(&p, 0, sizeof p);
    p.year = *year;
    p.title = (char *)in->title;
    p.text = (char *)in->text;
    p.place = in->place && *in->place ? (char *)in->place : NULL;
    p.for_whom = in->for_whom && *in->for_whom ? (char *)in->for_whom : NULL;
    p.org_id = ss_engine_org(e, oi)->id;
    p.created_on = today;
    rc = ss_store_proposal_add(st, &p, sealed, id, err);
    free(sealed);
    if (rc)
        goto fail;
    return ss_store_commit(st, err);
db:
    rc = ss_err_set(err, SS_EDB, "", "the cycle cannot be read");
fail:
    ss_store_rollback(st);
    return rc;
}

/* Begin u's transaction with proposal id read into p and its cycle into
 * c, u allowed to triage it. */
static int triage_begin(struct ss_store *st, const struct ss_engine *e, const struct ss_user *u,
                        int64_t id, struct ss_proposal_row *p, struct ss_cycle_row *c,
                        struct ss_err *err)
{
    int rc;

    if ((rc = ss_store_begin(st, u->name, err)))
        return rc;
    if (ss_store_proposal_get(st, id, p)) {
        rc = ss_err_set(err, SS_ENOTFOUND, "id", "no proposal %lld", (long long)id);
        goto fail;
    }
    if (ss_store_cycle_get(st, p->year, c)) {
        rc = ss_err_set(err, SS_EDB, "", "the cycle cannot be read");
        goto fail;
    }
    if ((rc = ss_access_supervise(e, u, ss_engine_org_by_id(e, c->org_id), err)))
        goto fail;
    return SS_OK;
fail:
    ss_store_proposal_cleanup(p);
    ss_store_rollback(st);
    return rc;
}

static int triage_end(struct ss_store *st, struct ss_proposal_row *p, int rc, struct ss_err *err)
{
    ss_store_proposal_cleanup(p);
    if (rc) {
        ss_store_rollback(st);
        return rc;
    }
    return ss_store_commit(st, err);
}

static int must_be_new(const struct ss_proposal_row *p, struct ss_err *err)
{
    if (p->status == SS_PROPOSAL_NEW)
        return SS_OK;
    return ss_err_set(err, SS_ECONFLICT, "id", "proposal %lld is %s already", (long long)p->id,
                      ss_proposal_status_str(p->status));
}

int ss_cycle_promote(struct ss_store *st, const struct ss_engine *e, const struct ss_user *u,
                     int64_t proposal, double cost, const char *department, const char *note,
                     int32_t today, int64_t *candidate, struct ss_err *err)
{
    struct ss_proposal_row p;
    struct ss_candidate_row c;
    struct ss_cycle_row cy;
    int rc;

    if (!isfinite(cost) || cost < 0)
        return ss_err_set(err, SS_EINVAL, "cost", "cost must be a number of yuan, 0 or more");
    if ((rc = check_text("department", department, SS_MAX_NAME, 1, err)) ||
        (rc = check_text("note", note, SS_MAX_NOTE, 0, err)))
        return rc;
    if ((rc = triage_begin(st, e, u, proposal, &p, &cy, err)))
        return rc;
    if ((rc = must_be_new(&p, err)))
        goto out;
    if (cy.vote_from != SS_NO_DATE && today >= cy.vote_from) {
        char w[32];

        ss_cycle_window_text(cy.vote_from, cy.vote_to, w);
        rc = ss_err_set(err, SS_ECONFLICT, "window",
                        "the candidates are fixed: the vote (%s) has begun", w);
        goto out;
    }
    memset(&c, 0, sizeof c);
    c.year = p.year;
    c.proposal_id = p.id;
    c.title = p.title;
    c.text = p.text;
    c.cost = cost;
    c.department = (char *)department;
    c.note = note && *note ? (char *)note : NULL;
    if (!(rc = ss_store_candidate_add(st, &c, u->name, candidate, err)))
        rc = ss_store_proposal_decide(st, p.id, SS_PROPOSAL_NEW, SS_PROPOSAL_PROMOTED, 0, NULL,
                                      u->name, err);
out:
    return triage_end(st, &p, rc, err);
}

int ss_cycle_merge(struct ss_store *st, const struct ss_engine *e, const struct ss_user *u,
                   int64_t proposal, int64_t into, int64_t *into_final, struct ss_err *err)
{
    struct ss_proposal_row p, t;
    struct ss_cycle_row cy;
    int rc;

    memset(&t, 0, sizeof t);
    if ((rc = triage_begin(st, e, u, proposal, &p, &cy, err)))
        return rc;
    if ((rc = must_be_new(&p, err)))
        goto out;
    if (ss_store_proposal_get(st, into, &t) || t.year != p.year) {
        rc = ss_err_set(err, SS_EINVAL, "into", "no proposal %lld of %d to merge into",
                        (long long)into, p.year);
        goto out;
    }
    /* Resolve: merged ones always point at an unmerged one (see cycle.h). */
    if (t.status == SS_PROPOSAL_MERGED) {
        int64_t root = t.merged_into;

        ss_store_proposal_cleanup(&t);
        if (ss_store_proposal_get(st, root, &t)) {
            rc = ss_err_set(err, SS_EDB, "", "proposal %lld cannot be read", (long long)root);
            goto out;
        }
    }
    if (t.id == p.id) {
        rc = ss_err_set(err, SS_EINVAL, "into", "a proposal cannot be merged into itself");
        goto out;
    }
    if (t.status == SS_PROPOSAL_DECLINED) {
        rc = ss_err_set(err, SS_ECONFLICT, "into", "proposal %lld was declined: merge into another",
                        (long long)t.id);
        goto out;
    }
    *into_final = t.id;
    if (!(rc = ss_store_proposal_decide(st, p.id, SS_PROPOSAL_NEW, SS_PROPOSAL_MERGED, t.id, NULL,
                                        u->name, err)))
        rc = ss_store_proposal_repoint(st, p.id, t.id, err);
out:
    ss_store_proposal_cleanup(&t);
    return triage_end(st, &p, rc, err);
}

int ss_cycle_decline(struct ss_store *st, const struct ss_engine *e, const struct ss_user *u,
                     int64_t proposal, const char *reason, struct ss_err *err)
{
    struct ss_proposal_row p;
    struct ss_cycle_row cy;
    int rc;

    if ((rc = check_text("reason", reason, SS_PROPOSAL_REASON_MAX, 1, err)))
        return rc;
    if ((rc = triage_begin(st, e, u, proposal, &p, &cy, err)))
        return rc;
    if (!(rc = must_be_new(&p, err)))
        rc = ss_store_proposal_decide(st, p.id, SS_PROPOSAL_NEW, SS_PROPOSAL_DECLINED, 0, reason,
                                      u->name, err);
    return triage_end(st, &p, rc, err);
}

/* ---- the vote ------------------------------------------------------------- */

static int cmp_id(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

    return x < y ? -1 : x > y;
}

/* The digest a ballot is kept under: BLAKE2b-256 of the code, in hex. */
static void receipt_key(const char *receipt, char out[SS_CYCLE_DIGEST_HEX])
{
    unsigned char h[32];

    crypto_generichash(h, sizeof h, (const unsigned char *)receipt, strlen(receipt), NULL, 0);
    sodium_bin2hex(out, SS_CYCLE_DIGEST_HEX, h, sizeof h);
}

static int window_open(const struct ss_cycle_row *c, int32_t today, struct ss_err *err)
{
    char w[32];

    if (c->vote_from == SS_NO_DATE)
        return ss_err_set(err, SS_EFORBIDDEN, "window", "no vote is set for %d", c->year);
    if (today >= c->vote_from && today <= c->vote_to)
        return SS_OK;
    ss_cycle_window_text(c->vote_from, c->vote_to, w);
    return ss_err_set(err, SS_EFORBIDDEN, "window", "the %d vote is open %s; not today", c->year,
                      w);
}

int ss_cycle_cast(struct ss_store *st, const struct ss_engine *e, const struct ss_user *u, int year,
                  const int64_t *choices, size_t n, int32_t today, char receipt[SS_RECEIPT_HEX],
                  struct ss_err *err)
{
    struct ss_candidate_row *cand = NULL;
    struct ss_cycle_row c;
    char key[SS_CYCLE_DIGEST_HEX];
    unsigned char code[16];
    int64_t *sorted = NULL;
    size_t nc = 0, i, k;
    struct ss_buf b;
    int rc;

    receipt[0] = '\0';
    if (ss_store_cycle_get(st, year, &c))
        return ss_err_set(err, SS_ENOTFOUND, "year", "no cycle for %d", year);
    if ((rc = ss_access_vote(e, u, ss_engine_org_by_id(e, c.org_id), err)) ||
        (rc = window_open(&c, today, err)))
        return rc;
    if (n == 0)
        return ss_err_set(err, SS_EINVAL, "choices", "a ballot chooses at least one candidate");
    if (n > (size_t)c.seats)
        return ss_err_set(err, SS_EINVAL, "choices", "%zu choices: a ballot chooses at most %d", n,
                          c.seats);
    sorted = ss_xcalloc(n, sizeof *sorted);
    memcpy(sorted, choices, n * sizeof *sorted);
    qsort(sorted, n, sizeof *sorted, cmp_id);
    if (ss_store_candidates(st, year, &cand, &nc)) {
        rc = ss_err_set(err, SS_EDB, "", "the candidates cannot be read");
        goto out;
    }
    ss_buf_init(&b, 4096);
    for (i = 0; i < n; i++) {
        if (i && sorted[i] == sorted[i - 1]) {
            rc = ss_err_set(err, SS_EINVAL, "choices", "candidate %lld is chosen twice",
                            (long long)sorted[i]);
            break;
        }
        for (k = 0; k < nc && cand[k].id != sorted[i]; k++)
            ;
        if (k == nc) {
            rc = ss_err_set(err, SS_EINVAL, "choices", "%lld is not a candidate of %d",
                            (long long)sorted[i], year);
            break;
        }
        ss_buf_printf(&b, "%s%lld", i ? "," : "", (long long)sorted[i]);
    }
    if (!rc) {
        randombytes_buf(code, sizeof code);
        sodium_bin2hex(receipt, SS_RECEIPT_HEX, code, sizeof code);
        receipt_key(receipt, key);
        if (!(rc = ss_store_begin(st, u->name, err))) {
            rc = ss_store_voted(st, year, u->id)
                     ? ss_err_set(err, SS_ECONFLICT, "ballot", "you have voted already in %d", year)
                     : ss_store_ballot_cast(st, year, u->id, key, b.data, err);
            rc = rc ? (ss_store_rollback(st), rc) : ss_store_commit(st, err);
        }
        if (rc)
            receipt[0] = '\0';
    }
    sodium_memzero(code, sizeof code);
    ss_buf_cleanup(&b);
out:
    free(sorted);
    ss_store_candidates_free(cand, nc);
    return rc;
}

/* "3,7,12" -> ids (the caller's). */
static size_t parse_choices(const char *s, int64_t **out)
{
    size_t n = 0, cap = 8;
    char *end;

    *out = ss_xcalloc(cap, sizeof **out);
    while (s && *s) {
        long long v = strtoll(s, &end, 10);

        if (end == s)
            break;
        if (n == cap)
            *out = ss_xrealloc(*out, (cap *= 2) * sizeof **out);
        (*out)[n++] = v;
        s = *end == ',' ? end + 1 : end;
    }
    return n;
}

int ss_cycle_receipt(struct ss_store *st, int year, const char *receipt, int64_t **choices,
                     size_t *n, struct ss_err *err)
{
    char key[SS_CYCLE_DIGEST_HEX], *text = NULL;
    size_t i, len = receipt ? strlen(receipt) : 0;

    *choices = NULL;
    *n = 0;
    for (i = 0; i < len && ((receipt[i] >= '0' && receipt[i] <= '9') ||
                            (receipt[i] >= 'a' && receipt[i] <= 'f'));
         i++)
        ;
    if (len != SS_RECEIPT_HEX - 1 || i != len)
        return ss_err_set(err, SS_ENOTFOUND, "receipt", "no ballot has this receipt");
    receipt_key(receipt, key);
    if (ss_store_ballot_get(st, year, key, &text))
        return ss_err_set(err, SS_ENOTFOUND, "receipt", "no ballot has this receipt");
    *n = parse_choices(text, choices);
    free(text);
    return SS_OK;
}

/* ---- the result ----------------------------------------------------------- */

static int count_one(void *ctx, const char *id, const char *choices)
{
    struct ss_cycle_result *r = ctx;
    int64_t *ids;
    size_t n = parse_choices(choices, &ids), i, k;

    (void)id;
    r->ballots++;
    for (i = 0; i < n; i++)
        for (k = 0; k < r->n; k++)
            if (r->c[k].id == ids[i])
                r->c[k].votes++;
    free(ids);
    return 0;
}

static int by_votes(const void *a, const void *b)
{
    const struct ss_cycle_tally *x = a, *y = b;

    if (x->votes != y->votes)
        return x->votes > y->votes ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

/* Who passes (cycle.h): over the threshold, within the seats; equal votes
 * straddling the last seat all stay out, reported as the tie. */
static void decide(struct ss_cycle_result *r)
{
    size_t eligible = 0, i, above, at;
    int64_t cut;

    while (eligible < r->n && (double)r->c[eligible].votes > r->threshold)
        eligible++;
    if (eligible <= (size_t)r->cycle.seats) {
        for (i = 0; i < eligible; i++)
            r->c[i].passed = 1;
        return;
    }
    cut = r->c[r->cycle.seats - 1].votes;
    for (above = 0; above < eligible && r->c[above].votes > cut; above++)
        r->c[above].passed = 1;
    for (at = above; at < eligible && r->c[at].votes == cut; at++)
        ;
    if (at <= (size_t)r->cycle.seats) {
        for (i = above; i < at; i++)
            r->c[i].passed = 1;
        return;
    }
    r->tie_votes = cut;
    r->tie_seats = r->cycle.seats - (int)above;
    for (i = above; i < at; i++)
        r->c[i].tied = 1;
}

int ss_cycle_result(struct ss_store *st, int year, int32_t today, int early,
                    struct ss_cycle_result *r, struct ss_err *err)
{
    struct ss_candidate_row *cand = NULL;
    size_t nc = 0, i;

    memset(r, 0, sizeof *r);
    if (ss_store_cycle_get(st, year, &r->cycle))
        return ss_err_set(err, SS_ENOTFOUND, "year", "no cycle for %d", year);
    if (r->cycle.vote_from == SS_NO_DATE)
        return ss_err_set(err, SS_EFORBIDDEN, "window", "no vote is set for %d", year);
    if (!early && today <= r->cycle.vote_to) {
        char w[32];

        ss_cycle_window_text(r->cycle.vote_from, r->cycle.vote_to, w);
        return ss_err_set(err, SS_EFORBIDDEN, "window",
                          "the %d result is published once the vote (%s) has closed", year, w);
    }
    if (ss_store_candidates(st, year, &cand, &nc))
        return ss_err_set(err, SS_EDB, "", "the candidates cannot be read");
    r->n = nc;
    r->c = ss_xcalloc(nc + 1, sizeof *r->c);
    for (i = 0; i < nc; i++) {
        r->c[i].id = cand[i].id;
        r->c[i].title = cand[i].title;
        r->c[i].department = cand[i].department;
        cand[i].title = cand[i].department = NULL;
    }
    ss_store_candidates_free(cand, nc);
    r->deputies = r->cycle.sealed_deputies >= 0 ? r->cycle.sealed_deputies
                                                : ss_store_deputies(st, r->cycle.org_id);
    r->voters = ss_store_voters(st, year);
    if (ss_store_ballots_each(st, year, count_one, r)) {
        ss_cycle_result_cleanup(r);
        return ss_err_set(err, SS_EDB, "", "the ballots cannot be read");
    }
    r->turnout = r->deputies ? (double)r->ballots / (double)r->deputies : 0;
    r->threshold = r->cycle.pass_share * (double)r->deputies;
    qsort(r->c, r->n, sizeof *r->c, by_votes);
    decide(r);
    return SS_OK;
}

void ss_cycle_result_cleanup(struct ss_cycle_result *r)
{
    size_t i;

    for (i = 0; r->c && i < r->n; i++) {
        free(r->c[i].title);
        free(r->c[i].department);
    }
    free(r->c);
    memset(r, 0, sizeof *r);
}

void ss_cycle_result_json(struct ss_json *j, const struct ss_cycle_result *r)
{
    size_t i;

    ss_json_obj(j);
    ss_json_kint(j, "year", r->cycle.year);
    ss_json_kstr(j, "org", r->cycle.org);
    ss_json_kint(j, "deputies", r->deputies);
    ss_json_kint(j, "ballots", r->ballots);
    ss_json_kint(j, "voters", r->voters);
    ss_json_knum(j, "turnout", round(r->turnout * 10000) / 10000);
    ss_json_kint(j, "seats", r->cycle.seats);
    ss_json_knum(j, "pass_share", r->cycle.pass_share);
    ss_json_key(j, "candidates");
    ss_json_arr(j);
    for (i = 0; i < r->n; i++) {
        ss_json_obj(j);
        ss_json_kint(j, "id", r->c[i].id);
        ss_json_kstr(j, "title", r->c[i].title);
        ss_json_kstr(j, "department", r->c[i].department);
        ss_json_kint(j, "votes", r->c[i].votes);
        ss_json_kbool(j, "passed", r->c[i].passed);
        ss_json_obj_end(j);
    }
    ss_json_arr_end(j);
    ss_json_key(j, "ties");
    if (!r->tie_votes) {
        ss_json_null(j);
    } else {
        ss_json_obj(j);
        ss_json_kint(j, "votes", r->tie_votes);
        ss_json_kint(j, "seats", r->tie_seats);
        ss_json_key(j, "candidates");
        ss_json_arr(j);
        for (i = 0; i < r->n; i++)
            if (r->c[i].tied)
                ss_json_int(j, r->c[i].id);
        ss_json_arr_end(j);
        ss_json_obj_end(j);
    }
    ss_json_key(j, "sealed");
    if (r->cycle.sealed_digest[0]) {
        ss_json_obj(j);
        ss_json_kint(j, "ballots", r->cycle.sealed_ballots);
        ss_json_kstr(j, "digest", r->cycle.sealed_digest);
        ss_json_obj_end(j);
    } else {
        ss_json_null(j);
    }
    ss_json_obj_end(j);
}

int ss_cycle_seal(struct ss_store *st, int year, int32_t today, const char *by, int64_t *count,
                  struct ss_err *err)
{
    struct ss_cycle_row c;
    char digest[SS_CYCLE_DIGEST_HEX];
    char w[32];

    if (ss_store_cycle_get(st, year, &c))
        return ss_err_set(err, SS_ENOTFOUND, "year", "no cycle for %d", year);
    if (c.vote_from == SS_NO_DATE || today <= c.vote_to) {
        ss_cycle_window_text(c.vote_from, c.vote_to, w);
        return ss_err_set(err, SS_ECONFLICT, "year", "the %d vote (%s) has not closed", year, w);
    }
    if (c.sealed_digest[0])
        return ss_err_set(err, SS_ECONFLICT, "year", "the %d vote is sealed already", year);
    return ss_store_ballots_seal(st, year, ss_store_deputies(st, c.org_id), by, count, digest, err);
}

/* ---- adoption ------------------------------------------------------------- */

/* Append the targets the extractor reads in text to project no of p. */
static void add_targets(struct ss_plan *p, size_t *cap, int no, const char *text)
{
    struct ss_xplan *x = NULL;
    struct ss_err err;
    size_t i, k, seq = 0;

    if (ss_extract(text, strlen(text), &x, &err))
        return;
    for (i = 0; i < x->nprojects; i++)
        for (k = 0; k < x->projects[i].ntargets; k++) {
            const struct ss_xtarget *xt = &x->projects[i].targets[k];
            struct ss_target *t;

            if (p->ntargets == *cap) {
                p->targets = ss_xrealloc(p->targets, (*cap *= 2) * sizeof *p->targets);
                memset(p->targets + p->ntargets, 0, (*cap - p->ntargets) * sizeof *p->targets);
            }
            t = &p->targets[p->ntargets++];
            t->project_no = no;
            t->seq = (int)seq++;
            t->text = ss_xstrdup(xt->text ? xt->text : "");
            t->metric = ss_xstrdup(xt->metric && *xt->metric ? xt->metric : t->text);
            t->unit = ss_xstrdup(xt->unit ? xt->unit : "");
            t->value = xt->value;
            if (ss_op_parse(xt->op, &t->op))
                t->op = SS_OP_EQ;
            t->kind = ss_kind_guess(t->unit, t->text);
            t->parent_index = -1;
        }
    ss_xplan_free(x);
}

int ss_cycle_adopt(struct ss_store *st, int year, int32_t today, int64_t *plan_id, size_t *projects,
                   size_t *targets, struct ss_err *err)
{
    struct ss_cycle_result r;
    struct ss_candidate_row *cand = NULL;
    enum ss_plan_state state;
    struct ss_plan *p;
    size_t nc = 0, i, k, cap = 16;
    struct ss_buf t;
    int rc;

    if ((rc = ss_cycle_result(st, year, today, 0, &r, err)))
        return rc;
    if (r.cycle.plan_id && ss_store_plan_state(st, r.cycle.plan_id, &state, err) == SS_OK) {
        rc = ss_err_set(err, SS_ECONFLICT, "year", "the %d result was adopted already: plan %lld",
                        year, (long long)r.cycle.plan_id);
        goto out;
    }
    for (i = 0, k = 0; i < r.n; i++)
        k += r.c[i].passed;
    if (!k) {
        rc = ss_err_set(err, SS_ECONFLICT, "year", "no candidate of %d passed", year);
        goto out;
    }
    if (ss_store_candidates(st, year, &cand, &nc)) {
        rc = ss_err_set(err, SS_EDB, "", "the candidates cannot be read");
        goto out;
    }
    p = ss_xcalloc(1, sizeof *p);
    ss_buf_init(&t, 256);
    ss_buf_printf(&t, "%d年民生实事", year);
    p->title = ss_buf_detach(&t, NULL);
    p->year = year;
    p->start = ss_days_from_civil(year, 1, 1);
    p->end = ss_days_from_civil(year, 12, 31);
    p->published = SS_NO_DATE;
    p->state = SS_PLAN_DRAFT;
    p->top_org = ss_xstrdup(r.cycle.org);
    p->yellow_pp = 10;
    p->red_pp = 30;
    p->projects = ss_xcalloc(k + 1, sizeof *p->projects);
    p->targets = ss_xcalloc(cap, sizeof *p->targets);
    for (i = 0; i < r.n; i++) {
        struct ss_project *pr;
        size_t c;

        if (!r.c[i].passed)
            continue;
        for (c = 0; c < nc && cand[c].id != r.c[i].id; c++)
            ;
        pr = &p->projects[p->nprojects++];
        pr->no = (int)p->nprojects;
        pr->title = ss_xstrdup(r.c[i].title);
        pr->lead_dept = ss_xstrdup(r.c[i].department);
        if (c < nc)
            add_targets(p, &cap, pr->no, cand[c].text);
    }
    for (i = 0; i < p->ntargets; i++)
        p->targets[i].dept = p->projects[p->targets[i].project_no - 1].lead_dept
                                 ? ss_xstrdup(p->projects[p->targets[i].project_no - 1].lead_dept)
                                 : NULL;
    *projects = p->nprojects;
    *targets = p->ntargets;
    if (!(rc = ss_store_plan_insert(st, p, plan_id, err)))
        rc = ss_store_cycle_set_plan(st, year, *plan_id, err);
    ss_plan_free(p);
out:
    ss_store_candidates_free(cand, nc);
    ss_cycle_result_cleanup(&r);
    return rc;
}

/* ---- JSON ----------------------------------------------------------------- */

void ss_proposal_json(struct ss_json *j, const struct ss_proposal_row *p)
{
    char d[11];

    ss_json_obj(j);
    ss_json_kint(j, "id", p->id);
    ss_json_kint(j, "year", p->year);
    ss_json_kstr(j, "title", p->title);
    ss_json_kstr(j, "text", p->text);
    ss_json_kstr(j, "org", p->org);
    ss_json_kstr(j, "where", p->place);
    ss_json_kstr(j, "for_whom", p->for_whom);
    ss_json_kstr(j, "status", ss_proposal_status_str(p->status));
    if (p->merged_into)
        ss_json_kint(j, "merged_into", p->merged_into);
    else
        ss_json_knull(j, "merged_into");
    if (p->candidate)
        ss_json_kint(j, "candidate", p->candidate);
    else
        ss_json_knull(j, "candidate");
    ss_json_kstr(j, "reason", p->reason);
    ss_date_fmt(p->created_on, d);
    ss_json_kstr(j, "created_on", d);
    ss_json_obj_end(j);
}

void ss_candidate_json(struct ss_json *j, const struct ss_candidate_row *c)
{
    ss_json_obj(j);
    ss_json_kint(j, "id", c->id);
    ss_json_kint(j, "proposal", c->proposal_id);
    ss_json_kstr(j, "title", c->title);
    ss_json_kstr(j, "text", c->text);
    ss_json_knum(j, "cost", c->cost);
    ss_json_kstr(j, "department", c->department);
    ss_json_kstr(j, "note", c->note);
    ss_json_obj_end(j);
}
