/*
 * follow.c - feeds, the status history and email digests (follow.h).
 *
 * The feed is SOURCES: one function per kind of entry, each reading its
 * rows in the subject's scope from the store (store_follow.h) and writing
 * them as entries in the reader's language. Adding a kind (answered
 * messages) is one more function and one more line in the table.
 *
 * Texts are plain: the feed's writer (web/feed_web.c) escapes them for
 * XML, the email is text/plain (deliver.c); nothing here is markup.
 */
#include "core/follow.h"

#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "base/date.h"
#include "base/escape.h"
#include "base/limits.h"
#include "base/util.h"
#include "core/outbox.h"
#include "core/throttle.h"
#include "store/store_outbox.h"
#include "store/store_seal.h"

#define TOKEN_CONTEXT "shishi subscription tokens v1"
#define ENTRY_TEXT_MAX 2000 /* bytes of plan text quoted in one entry */

static const struct ss_throttle_rule SUB_CLIENT = {.scope = "subscribe.ip",
                                                   .max = 10,
                                                   .window = 3600,
                                                   .what = SS_M("subscriptions from this address")};
static const struct ss_throttle_rule SUB_EMAIL = {
    .scope = "subscribe.email",
    .max = 3,
    .window = 86400,
    .what = SS_M("confirmation emails to this email address")};
static const struct ss_throttle_rule TOKEN_CLIENT = {.scope = "subscription.ip",
                                                     .max = 30,
                                                     .window = 3600,
                                                     .what = SS_M("requests from this address")};

/* Unix seconds as the store writes times (YYYY-MM-DDTHH:MM:SSZ). */
static void ts_text(int64_t t, char out[21])
{
    time_t tt = (time_t)t;
    struct tm tm;

    if (!gmtime_r(&tt, &tm) || !strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm))
        snprintf(out, 21, "1970-01-01T00:00:00Z");
}

/* ---- subjects --------------------------------------------------------------- */

static long target_index(const struct ss_plan *p, int64_t id)
{
    size_t i;

    for (i = 0; i < p->ntargets; i++)
        if (p->targets[i].id == id)
            return (long)i;
    return -1;
}

int ss_follow_subject(const struct ss_engine *e, const char *kind, const char *ref,
                      struct ss_follow_subject *out, struct ss_err *err)
{
    const struct ss_plan *p = ss_engine_plan(e);
    long v = -1;
    size_t i;

    memset(out, 0, sizeof *out);
    out->target = out->project = -1;
    out->org = ss_engine_top_org(e);
    if (!p || !kind || !ref || strlen(ref) >= sizeof out->ref)
        return ss_err_set(err, SS_EINVAL, "about",
                          "say what to follow: a target, a project or an org unit");
    out->scope.plan_id = p->id;
    snprintf(out->kind, sizeof out->kind, "%s", kind);
    snprintf(out->ref, sizeof out->ref, "%s", ref);
    if (strcmp(kind, "target") == 0) {
        if (ss_parse_long(ref, &v) != 0 || (out->target = target_index(p, v)) < 0)
            return ss_err_set(err, SS_ENOTFOUND, "about", "the plan has no target %.20s", ref);
        out->scope.target_id = v;
        snprintf(out->path, sizeof out->path, "/targets/%ld", v);
        snprintf(out->feed, sizeof out->feed, "/feeds/targets/%ld.atom", v);
    } else if (strcmp(kind, "project") == 0) {
        if (ss_parse_long(ref, &v) == 0)
            for (i = 0; i < p->nprojects && out->project < 0; i++)
                if (p->projects[i].no == v)
                    out->project = (long)i;
        if (out->project < 0)
            return ss_err_set(err, SS_ENOTFOUND, "about", "the plan has no project %.20s", ref);
        out->scope.project_id = p->projects[out->project].id;
        snprintf(out->path, sizeof out->path, "/projects/%ld", v);
        snprintf(out->feed, sizeof out->feed, "/feeds/projects/%ld.atom", v);
    } else if (strcmp(kind, "org") == 0) {
        if ((out->org = ss_engine_org_find(e, ref)) < 0)
            return ss_err_set(err, SS_ENOTFOUND, "about", "no org unit has the code '%.20s'", ref);
        out->scope.org_id = ss_engine_org(e, out->org)->id;
        snprintf(out->path, sizeof out->path, "/orgs/%s", ss_engine_org(e, out->org)->code);
        snprintf(out->feed, sizeof out->feed, "/feeds/orgs/%s.atom",
                 ss_engine_org(e, out->org)->code);
    } else {
        return ss_err_set(err, SS_EINVAL, "about",
                          "'%.20s' is not something to follow: target, project or org", kind);
    }
    return SS_OK;
}

void ss_follow_title(const struct ss_engine *e, const struct ss_follow_subject *s,
                     enum ss_lang lang, char *out, size_t cap)
{
    const struct ss_plan *p = ss_engine_plan(e);

    if (s->target >= 0)
        snprintf(out, cap, ss_tr(lang, "指标：%s"), p->targets[s->target].metric);
    else if (s->project >= 0)
        snprintf(out, cap, ss_tr(lang, "实事 %d：%s"), p->projects[s->project].no,
                 p->projects[s->project].title);
    else
        snprintf(out, cap, ss_tr(lang, "地区：%s"), ss_engine_org(e, s->org)->name);
    /* a title cut short ends on a whole character (subjects are checked UTF-8) */
    {
        size_t n = strlen(out), k = n;
        while (k > 0 && ((unsigned char)out[k - 1] & 0xC0) == 0x80)
            k--;
        if (k > 0 && (unsigned char)out[k - 1] >= 0xC0 &&
            ss_utf8_seq((const unsigned char *)out + k - 1, n - k + 1) != n - k + 1)
            out[k - 1] = '\0';
    }
}

/* ---- entries ---------------------------------------------------------------- */

void ss_feed_free(struct ss_feed *f)
{
    size_t i;

    for (i = 0; i < f->n; i++) {
        free(f->v[i].title);
        free(f->v[i].text);
    }
    free(f->v);
    memset(f, 0, sizeof *f);
}

/* What every source gets. */
struct src {
    struct ss_store *st;
    const struct ss_engine *e;
    const struct ss_plan *p;
    const struct ss_follow_subject *s;
    enum ss_lang lang;
    const char *since;
    size_t limit;
    struct ss_feed *out;
};

static struct ss_feed_entry *entry_add(struct ss_feed *f)
{
    struct ss_feed_entry *x;

    x = SS_PUSH(f->v, f->n, f->cap);
    return x;
}

/* A buffer's text, cut to max bytes at a character boundary, malloc'd. */
static char *clipped(const char *s, size_t max)
{
    size_t k = strlen(s);

    if (k > max) {
        k = max;
        while (k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80)
            k--;
    }
    return ss_xstrndup(s, k);
}

static const char *org_name(const struct src *c, int64_t org_id, const char **code)
{
    long o = ss_engine_org_by_id(c->e, org_id);

    *code = o >= 0 ? ss_engine_org(c->e, o)->code : "";
    return o >= 0 ? ss_engine_org(c->e, o)->name : "?";
}

/* The common part of an entry about target_id at org_id. */
static struct ss_feed_entry *cell_entry(struct src *c, const char *kind, int64_t id,
                                        int64_t target_id, int64_t org_id, const char *at,
                                        const struct ss_target **t, const char **org)
{
    struct ss_feed_entry *x;
    const char *code;
    long ti = target_index(c->p, target_id);

    if (ti < 0)
        return NULL;
    *t = &c->p->targets[ti];
    *org = org_name(c, org_id, &code);
    x = entry_add(c->out);
    snprintf(x->id, sizeof x->id, "%s/%lld", kind, (long long)id);
    x->row = id;
    snprintf(x->updated, sizeof x->updated, "%s", at);
    snprintf(x->path, sizeof x->path, "/targets/%lld?org=%s", (long long)target_id, code);
    return x;
}

static void put_value(struct ss_buf *b, const struct ss_feed_report *r, const char *unit)
{
    if (!isnan(r->value)) {
        ss_buf_num(b, r->value, 2);
        ss_buf_puts(b, unit);
    } else if (!isnan(r->numerator) && !isnan(r->denominator)) {
        ss_buf_num(b, r->numerator, 2);
        ss_buf_putc(b, '/');
        ss_buf_num(b, r->denominator, 2);
    } else {
        ss_buf_puts(b, "—");
    }
}

static int report_entry(void *ctx, const struct ss_feed_report *r)
{
    struct src *c = ctx;
    const struct ss_target *t;
    const char *org;
    struct ss_feed_entry *x =
        cell_entry(c, "report", r->id, r->target_id, r->org_id, r->at, &t, &org);
    struct ss_buf b;

    if (!x)
        return 0;
    ss_buf_init(&b, 1u << 16);
    put_value(&b, r, t->unit);
    {
        struct ss_buf title;
        ss_buf_init(&title, 1u << 16);
        ss_buf_printf(&title, ss_tr(c->lang, "%s，%s：%s（截至 %s）"), t->metric, org,
                      b.data ? b.data : "", r->as_of);
        x->title = clipped(title.data ? title.data : "", 600);
        ss_buf_cleanup(&title);
    }
    ss_buf_reset(&b);
    ss_buf_puts(&b, t->text);
    if (!isnan(r->prev_value)) {
        ss_buf_puts(&b, "\n");
        ss_buf_printf(&b, ss_tr(c->lang, "此前：%g%s"), r->prev_value, t->unit);
    }
    x->text = clipped(b.data ? b.data : "", ENTRY_TEXT_MAX);
    ss_buf_cleanup(&b);
    return 0;
}

static int source_reports(struct src *c)
{
    return ss_store_feed_reports(c->st, &c->s->scope, c->since, c->limit, report_entry, c);
}

static enum ss_status status_of(const char *name)
{
    int i;

    for (i = 0; i < SS_ST_COUNT; i++)
        if (strcmp(ss_status_str((enum ss_status)i), name) == 0)
            return (enum ss_status)i;
    return SS_ST_NO_TASK;
}

static int status_entry(void *ctx, const struct ss_feed_status *r)
{
    struct src *c = ctx;
    const struct ss_target *t;
    const char *org;
    struct ss_feed_entry *x =
        cell_entry(c, "status", r->id, r->target_id, r->org_id, r->at, &t, &org);
    struct ss_buf b;

    if (!x)
        return 0;
    ss_buf_init(&b, 1u << 16);
    ss_buf_printf(&b, ss_tr(c->lang, "%s，%s：%s → %s"), t->metric, org,
                  ss_tr(c->lang, ss_status_label(status_of(r->from))),
                  ss_tr(c->lang, ss_status_label(status_of(r->to))));
    x->title = clipped(b.data ? b.data : "", 600);
    ss_buf_reset(&b);
    ss_buf_printf(&b, ss_tr(c->lang, "截至 %s"), r->day);
    ss_buf_puts(&b, "\n");
    ss_buf_puts(&b, t->text);
    x->text = clipped(b.data ? b.data : "", ENTRY_TEXT_MAX);
    ss_buf_cleanup(&b);
    return 0;
}

static int source_statuses(struct src *c)
{
    return ss_store_feed_statuses(c->st, &c->s->scope, c->since, c->limit, status_entry, c);
}

static int notice_entry(void *ctx, const struct ss_feed_notice *r)
{
    struct src *c = ctx;
    const struct ss_target *t;
    const char *org;
    struct ss_feed_entry *x =
        cell_entry(c, "notice-event", r->event_id, r->target_id, r->org_id, r->at, &t, &org);
    struct ss_buf b;

    if (!x)
        return 0;
    ss_buf_init(&b, 1u << 16);
    ss_buf_printf(&b,
                  strcmp(r->kind, "closed") == 0 ? ss_tr(c->lang, "督办〔%d〕%d号已办结：%s，%s")
                                                 : ss_tr(c->lang, "督办〔%d〕%d号已下达：%s，%s"),
                  r->year, r->no, t->metric, org);
    x->title = clipped(b.data ? b.data : "", 600);
    ss_buf_reset(&b);
    ss_buf_printf(&b, ss_tr(c->lang, "日期：%s"), r->day);
    ss_buf_puts(&b, "\n");
    ss_buf_puts(&b, t->text);
    x->text = clipped(b.data ? b.data : "", ENTRY_TEXT_MAX);
    ss_buf_cleanup(&b);
    return 0;
}

static int source_notices(struct src *c)
{
    return ss_store_feed_notices(c->st, &c->s->scope, c->since, c->limit, notice_entry, c);
}

static int message_entry(void *ctx, const struct ss_feed_message *m)
{
    struct src *c = ctx;
    const char *code, *place = org_name(c, m->org_id, &code), *about = place;
    struct ss_feed_entry *x;
    struct ss_buf b;
    long ti = m->target_id ? target_index(c->p, m->target_id) : -1;
    size_t i;

    if (m->target_id && ti < 0)
        return 0;
    x = entry_add(c->out);
    snprintf(x->id, sizeof x->id, "message/%lld", (long long)m->id);
    x->row = m->id;
    snprintf(x->updated, sizeof x->updated, "%s", m->at);
    if (ti >= 0) {
        about = c->p->targets[ti].metric;
        snprintf(x->path, sizeof x->path, "/targets/%lld?org=%s", (long long)m->target_id, code);
    } else if (strcmp(m->about, "project") == 0) {
        for (i = 0; i < c->p->nprojects; i++)
            if (c->p->projects[i].no == m->project_no)
                about = c->p->projects[i].title;
        snprintf(x->path, sizeof x->path, "/projects/%d", m->project_no);
    } else {
        snprintf(x->path, sizeof x->path, "/orgs/%s", code);
    }
    ss_buf_init(&b, 1u << 16);
    ss_buf_printf(&b, ss_tr(c->lang, "群众留言已答复：%s，%s"), about, place);
    x->title = clipped(b.data ? b.data : "", 600);
    ss_buf_reset(&b);
    ss_buf_puts(&b, m->text);
    ss_buf_puts(&b, "\n");
    ss_buf_printf(&b, ss_tr(c->lang, "答复：%s"), m->reply);
    x->text = clipped(b.data ? b.data : "", ENTRY_TEXT_MAX);
    ss_buf_cleanup(&b);
    return 0;
}

static int source_messages(struct src *c)
{
    return ss_store_feed_messages(c->st, &c->s->scope, c->since, c->limit, message_entry, c);
}

/* The kinds of entry: one function each. */
static const struct {
    const char *kind;
    int (*fn)(struct src *c);
} SOURCES[] = {
    {"report", source_reports},
    {"status", source_statuses},
    {"notice", source_notices},
    {"message", source_messages},
};

/* newest first; ties by kind and row id, so the order is the same at every
 * request */
static int entry_cmp(const void *a, const void *b)
{
    const struct ss_feed_entry *x = a, *y = b;
    size_t kx = strcspn(x->id, "/"), ky = strcspn(y->id, "/");
    int c = strcmp(y->updated, x->updated);

    if (!c && kx != ky) /* kinds of different lengths */
        c = kx < ky ? 1 : -1;
    else if (!c) /* the kind, then the row's id as a number */
        c = strncmp(y->id, x->id, kx);
    return c ? c : (y->row > x->row) - (y->row < x->row);
}

int ss_follow_entries(struct ss_store *st, const struct ss_engine *e,
                      const struct ss_follow_subject *s, enum ss_lang lang, const char *since,
                      size_t limit, struct ss_feed *out, struct ss_err *err)
{
    struct src c;
    size_t i;
    int rc;

    memset(out, 0, sizeof *out);
    c = (struct src){st, e, ss_engine_plan(e), s, lang, since, limit, out};
    for (i = 0; i < SS_ARRAY_LEN(SOURCES); i++)
        if ((rc = SOURCES[i].fn(&c))) {
            ss_feed_free(out);
            return ss_err_set(err, SS_EDB, "", "cannot read the feed's %s entries",
                              SOURCES[i].kind);
        }
    if (out->n)
        qsort(out->v, out->n, sizeof *out->v, entry_cmp);
    while (out->n > limit) {
        out->n--;
        free(out->v[out->n].title);
        free(out->v[out->n].text);
    }
    return SS_OK;
}

/* ---- the status history ----------------------------------------------------- */

/* An open-addressing set of (target id, org id) with a status each. */
struct cellmap {
    struct cellslot {
        int64_t t, o;
        int used;
        char status[24];
        int seen; /* a followed cell already visited */
    } * v;
    size_t cap;
};

static struct cellslot *cell_slot(struct cellmap *m, int64_t t, int64_t o)
{
    uint64_t h = ((uint64_t)t * 0x9E3779B97F4A7C15ull) ^ ((uint64_t)o * 0xC2B2AE3D27D4EB4Full);
    size_t i = (size_t)(h & (m->cap - 1));

    while (m->v[i].used && !(m->v[i].t == t && m->v[i].o == o))
        i = (i + 1) & (m->cap - 1);
    return &m->v[i];
}

struct record {
    struct ss_store *st;
    const struct ss_engine *e;
    const struct ss_plan *p;
    struct cellmap map;
    size_t n, changes;
    int32_t day;
    char dayt[11], at[21];
    struct ss_err *err;
};

static int known_status(void *ctx, int64_t t, int64_t o, const char *status)
{
    struct record *r = ctx;
    struct cellslot *c = cell_slot(&r->map, t, o);

    if (!c->used) {
        c->used = 1;
        c->t = t;
        c->o = o;
        r->n++;
    }
    snprintf(c->status, sizeof c->status, "%s", status ? status : "");
    return 0;
}

/* One followed cell: its status as of the day against the recorded one. */
static int record_cell(struct record *r, long ti, int64_t org_id)
{
    long o = ss_engine_org_by_id(r->e, org_id);
    struct cellslot *c;
    struct ss_figure f;
    const char *now;

    if (o < 0 || ti < 0)
        return 0;
    c = cell_slot(&r->map, r->p->targets[ti].id, org_id);
    if (c->used && c->seen)
        return 0;
    if (!c->used) {
        if (2 * (r->n + 1) > r->map.cap)
            return SS_EINVAL; /* sized for every cell up front: cannot happen */
        c->used = 1;
        c->t = r->p->targets[ti].id;
        c->o = org_id;
        r->n++;
    }
    c->seen = 1;
    ss_engine_figure(r->e, (size_t)ti, o, r->day, &f);
    if (f.status == SS_ST_NO_TASK)
        return 0;
    now = ss_status_str(f.status);
    if (c->status[0] && strcmp(c->status, now) == 0)
        return 0;
    if (c->status[0])
        r->changes++;
    return ss_store_status_put(r->st, c->t, c->o, c->status[0] ? c->status : NULL, now, r->dayt,
                               ss_engine_seq(r->e), r->at, r->err);
}

struct assigned {
    int64_t *v; /* target id, org id pairs */
    size_t n, cap;
};

static int collect_assigned(void *ctx, const struct ss_assignment_row *a)
{
    struct assigned *x = ctx;

    if (!a->org_id)
        return 0;
    if (x->n + 2 > x->cap) {
        x->cap = x->cap ? 2 * x->cap : 256;
        x->v = ss_xrealloc(x->v, x->cap * sizeof *x->v);
    }
    x->v[x->n++] = a->target_id;
    x->v[x->n++] = a->org_id;
    return 0;
}

static int record_all(struct record *r, struct assigned *a)
{
    long top = ss_engine_top_org(r->e);
    size_t i;
    int rc = SS_OK;

    for (i = 0; i < r->p->ntargets && !rc && top >= 0; i++)
        rc = record_cell(r, (long)i, ss_engine_org(r->e, top)->id);
    for (i = 0; i + 1 < a->n && !rc; i += 2)
        rc = record_cell(r, target_index(r->p, a->v[i]), a->v[i + 1]);
    return rc;
}

int ss_follow_record_status(struct ss_store *st, const struct ss_engine *e, int32_t day, int64_t at,
                            size_t *changes, int *skipped, struct ss_err *err)
{
    struct record r;
    struct assigned a = {0};
    int64_t seq;
    char mark_day[11];
    int rc;

    memset(&r, 0, sizeof r);
    *changes = 0;
    *skipped = 0;
    r.st = st;
    r.e = e;
    r.p = ss_engine_plan(e);
    r.err = err;
    if (!r.p)
        return SS_OK;
    if (day > r.p->end)
        day = r.p->end;
    if (day < r.p->start)
        day = r.p->start;
    r.day = day;
    ss_date_fmt(day, r.dayt);
    ts_text(at, r.at);
    if ((rc = ss_store_begin(st, "follow", err)))
        return rc;
    /* read under the writers' lock: no other recorder runs in between */
    if ((rc = ss_store_status_mark(st, r.p->id, &seq, mark_day, err)))
        goto out;
    if (ss_engine_seq(e) < seq || (mark_day[0] && strcmp(r.dayt, mark_day) < 0)) {
        *skipped = 1;
        goto out;
    }
    if (ss_store_each_assignment(st, r.p->id, collect_assigned, &a)) {
        rc = ss_err_set(err, SS_EDB, "", "cannot read the plan's shares");
        goto out;
    }
    /* room for every recorded and followed cell at half load */
    for (r.map.cap = 64; r.map.cap < 4 * (a.n / 2 + r.p->ntargets + 16);)
        r.map.cap *= 2;
    r.map.v = ss_xcalloc(r.map.cap, sizeof *r.map.v);
    if (ss_store_status_each(st, r.p->id, known_status, &r)) {
        rc = ss_err_set(err, SS_EDB, "", "cannot read the status history");
        goto out;
    }
    if (2 * r.n > r.map.cap) { /* more recorded than followed: grow once */
        free(r.map.v);
        while (2 * r.n > r.map.cap / 2)
            r.map.cap *= 2;
        r.map.v = ss_xcalloc(r.map.cap, sizeof *r.map.v);
        r.n = 0;
        if (ss_store_status_each(st, r.p->id, known_status, &r)) {
            rc = ss_err_set(err, SS_EDB, "", "cannot read the status history");
            goto out;
        }
    }
    if ((rc = record_all(&r, &a)) ||
        (rc = ss_store_status_mark_set(st, r.p->id, ss_engine_seq(e), r.dayt, err)))
        goto out;
    *changes = r.changes;
out:
    free(a.v);
    free(r.map.v);
    if (rc || *skipped) {
        ss_store_rollback(st);
        return rc;
    }
    return ss_store_commit(st, err);
}

/* ---- subscriptions ---------------------------------------------------------- */

int ss_follow_base_url(const char *base, const char *dflt, char *out, size_t cap,
                       struct ss_err *err)
{
    const char *u = base && *base ? base : getenv("SHISHI_BASE_URL");
    size_t n, i;

    if (!u || !*u)
        u = dflt;
    n = strlen(u);
    if (n >= cap || n > 200)
        return ss_err_set(err, SS_EINVAL, "--base-url", "a base URL is at most 200 bytes");
    if (strncmp(u, "https://", 8) != 0 && strncmp(u, "http://", 7) != 0)
        return ss_err_set(err, SS_EINVAL, "--base-url",
                          "'%.80s' is not a base URL: it starts with https:// (or http://)", u);
    for (i = 0; i < n; i++)
        if ((unsigned char)u[i] <= ' ' || (unsigned char)u[i] >= 0x7f || strchr("?#\"'<>\\`", u[i]))
            return ss_err_set(err, SS_EINVAL, "--base-url",
                              "a base URL holds no spaces, quotes, angle brackets, query or "
                              "fragment");
    memcpy(out, u, n + 1);
    while (n > 0 && out[n - 1] == '/')
        out[--n] = '\0';
    return SS_OK;
}

/* A new random token in hex, and its keyed digest. */
static int new_token(struct ss_store *st, char tok[SS_FOLLOW_TOKEN_HEX],
                     char digest[SS_SEAL_DIGEST_HEX], struct ss_err *err)
{
    unsigned char raw[(SS_FOLLOW_TOKEN_HEX - 1) / 2];

    randombytes_buf(raw, sizeof raw);
    sodium_bin2hex(tok, SS_FOLLOW_TOKEN_HEX, raw, sizeof raw);
    sodium_memzero(raw, sizeof raw);
    return ss_store_seal_digest(st, TOKEN_CONTEXT, tok, digest, err);
}

/* A token from a URL: 32 lower-case hex digits, digested; else not found. */
static int token_digest(struct ss_store *st, const char *tok, char digest[SS_SEAL_DIGEST_HEX],
                        struct ss_err *err)
{
    size_t i;

    for (i = 0; tok && tok[i]; i++)
        if (!strchr("0123456789abcdef", tok[i]))
            break;
    if (!tok || i != SS_FOLLOW_TOKEN_HEX - 1 || tok[i])
        return ss_err_set(err, SS_ENOTFOUND, "token", "this link is not (or no longer) valid");
    return ss_store_seal_digest(st, TOKEN_CONTEXT, tok, digest, err);
}

/* Entries and the times they are compared with are the real clock's
 * (reports are approved at it); a moved clock (SHISHI_NOW, --now) sets
 * only the day a digest is for. */
static void clock_text(char out[21])
{
    ts_text((int64_t)time(NULL), out);
}

int ss_follow_subscribe(struct ss_store *st, const struct ss_engine *e,
                        const struct ss_follow_subject *s, const char *email, enum ss_lang lang,
                        const char *client, const char *base_url, struct ss_err *err)
{
    char edigest[SS_SEAL_DIGEST_HEX], cdigest[SS_SEAL_DIGEST_HEX], udigest[SS_SEAL_DIGEST_HEX];
    char ctok[SS_FOLLOW_TOKEN_HEX], utok[SS_FOLLOW_TOKEN_HEX], now[21], key[96], who[48];
    char title[300]; /* within the subject's limit with the words around it */
    char *sealed = NULL, *usealed = NULL;
    struct ss_throttle_key keys[2];
    struct ss_throttle_verdict v;
    struct ss_buf subject, text;
    int64_t id = 0;
    int rc, ask = 0;

    if ((rc = ss_outbox_check_email("email", email, err)))
        return rc;
    if ((rc = ss_store_seal_digest(st, SS_OUTBOX_SEAL_CONTEXT, email, edigest, err)))
        return rc;
    keys[0] = (struct ss_throttle_key){&SUB_CLIENT, client && *client ? client : "-"};
    keys[1] = (struct ss_throttle_key){&SUB_EMAIL, edigest};
    if ((rc = ss_throttle_admit(st, keys, 2, ss_outbox_clock(), &v, err)))
        return rc;
    if ((rc = ss_store_seal(st, SS_OUTBOX_SEAL_CONTEXT, email, &sealed, err)) ||
        (rc = new_token(st, ctok, cdigest, err)) || (rc = new_token(st, utok, udigest, err)) ||
        (rc = ss_store_seal(st, TOKEN_CONTEXT, utok, &usealed, err)))
        goto out;
    clock_text(now);
    {
        struct ss_sub_new n = {.about_kind = s->kind,
                               .about_ref = s->ref,
                               .org_id = ss_engine_org(e, s->org)->id,
                               .email = sealed,
                               .email_digest = edigest,
                               .lang = ss_lang_code(lang),
                               .confirm_digest = cdigest,
                               .unsub_digest = udigest,
                               .unsub_token = usealed};
        if ((rc = ss_store_begin(st, "subscriber", err)))
            goto out;
        if ((rc = ss_store_sub_request(st, &n, now, &id, &ask, err)))
            goto fail;
    }
    if (ask) {
        ss_follow_title(e, s, lang, title, sizeof title);
        ss_buf_init(&subject, SS_OUTBOX_SUBJECT_MAX);
        ss_buf_init(&text, SS_OUTBOX_TEXT_MAX);
        ss_buf_printf(&subject, ss_tr(lang, "请确认关注：%s"), title);
        ss_buf_printf(&text,
                      ss_tr(lang, "有人用这个邮箱地址关注了“%s”。要每天收到它的进展摘要，请打开"
                                  "下面的链接，再按“确认关注”："),
                      title);
        ss_buf_printf(&text, "\n\n%s/subscriptions/confirm/%s\n\n", base_url, ctok);
        ss_buf_puts(&text, ss_tr(lang, "如果不是你本人，请忽略这封邮件：不确认就不会再收到邮件。"));
        ss_buf_puts(&text, "\n");
        snprintf(key, sizeof key, "subscription:%lld:confirm:%.16s", (long long)id, cdigest);
        snprintf(who, sizeof who, "subscription:%lld", (long long)id);
        rc = subject.err || text.err
                 ? ss_err_set(err, SS_EINVAL, "about", "the confirmation is too long to send")
                 : ss_outbox_put_sealed(st, key, who, ss_engine_org(e, s->org)->id, sealed,
                                        subject.data, text.data, NULL, err);
        ss_buf_cleanup(&subject);
        ss_buf_cleanup(&text);
        if (rc)
            goto fail;
    }
    rc = ss_store_commit(st, err);
    goto out;
fail:
    ss_store_rollback(st);
out:
    sodium_memzero(ctok, sizeof ctok);
    sodium_memzero(utok, sizeof utok);
    free(sealed);
    free(usealed);
    return rc;
}

int ss_follow_token(struct ss_store *st, int confirm, const char *token, char kind[16],
                    char ref[24], struct ss_err *err)
{
    char d[SS_SEAL_DIGEST_HEX];
    struct ss_sub_rec r;
    int rc;

    if ((rc = token_digest(st, token, d, err)) || (rc = ss_store_sub_find(st, confirm, d, &r, err)))
        return rc;
    memcpy(kind, r.about_kind, 16);
    memcpy(ref, r.about_ref, 24);
    ss_sub_rec_cleanup(&r);
    return SS_OK;
}

int ss_follow_confirm(struct ss_store *st, const char *token, struct ss_err *err)
{
    char d[SS_SEAL_DIGEST_HEX], now[21];
    int64_t id;
    int rc;

    if ((rc = token_digest(st, token, d, err)) || (rc = ss_store_begin(st, "subscriber", err)))
        return rc;
    clock_text(now);
    if ((rc = ss_store_sub_confirm(st, d, now, &id, err))) {
        ss_store_rollback(st);
        return rc;
    }
    return ss_store_commit(st, err);
}

int ss_follow_unsubscribe(struct ss_store *st, const char *token, struct ss_err *err)
{
    char d[SS_SEAL_DIGEST_HEX], now[21];
    int rc, ended;

    if ((rc = token_digest(st, token, d, err)) || (rc = ss_store_begin(st, "subscriber", err)))
        return rc;
    clock_text(now);
    if ((rc = ss_store_sub_end(st, d, now, &ended, err))) {
        ss_store_rollback(st);
        return rc;
    }
    return ss_store_commit(st, err);
}

int ss_follow_throttle_token(struct ss_store *st, const char *client, struct ss_err *err)
{
    struct ss_throttle_key k = {&TOKEN_CLIENT, client && *client ? client : "-"};
    struct ss_throttle_verdict v;

    return ss_throttle_admit(st, &k, 1, ss_outbox_clock(), &v, err);
}

/* ---- digests ---------------------------------------------------------------- */

struct due {
    struct ss_sub_rec *v;
    size_t n, cap;
};

static int collect_due(void *ctx, const struct ss_sub_rec *r)
{
    struct due *d = ctx;

    if (d->n == d->cap) {
        d->cap = d->cap ? 2 * d->cap : 16;
        d->v = ss_xrealloc(d->v, d->cap * sizeof *d->v);
    }
    d->v[d->n] = *r;
    d->v[d->n].email = ss_xstrdup(r->email);
    d->v[d->n].unsub_token = ss_xstrdup(r->unsub_token);
    d->n++;
    return 0;
}

/* The digest's subject and text for r's entries f. */
static void digest_text(const struct ss_engine *e, const struct ss_follow_subject *s,
                        enum ss_lang lang, const struct ss_feed *f, const char *base_url,
                        const char *unsub, struct ss_buf *subject, struct ss_buf *text)
{
    char title[300]; /* within the subject's limit with the words around it */
    size_t i;

    ss_follow_title(e, s, lang, title, sizeof title);
    ss_buf_printf(subject, ss_tr(lang, "关注摘要：%s（%zu 条新动态）"), title, f->n);
    ss_buf_printf(text, ss_tr(lang, "“%s”自上次摘要以来的新动态："), title);
    ss_buf_puts(text, "\n");
    for (i = 0; i < f->n && text->len < SS_OUTBOX_TEXT_MAX - 1200; i++)
        ss_buf_printf(text, "\n- %.10s %s\n  %s%s\n", f->v[i].updated, f->v[i].title, base_url,
                      f->v[i].path);
    ss_buf_puts(text, "\n");
    ss_buf_printf(text, ss_tr(lang, "全部动态：%s%s"), base_url, s->path);
    ss_buf_puts(text, "\n");
    ss_buf_printf(text, ss_tr(lang, "订阅源：%s%s"), base_url, s->feed);
    ss_buf_puts(text, "\n");
    ss_buf_printf(text, ss_tr(lang, "不想再收到：%s/subscriptions/unsubscribe/%s"), base_url,
                  unsub);
    ss_buf_puts(text, "\n");
}

/* Drop from f the entries the cursor (time, then the ids of that second
 * sent already) says were sent. */
static void drop_sent(struct ss_feed *f, const char *cursor)
{
    size_t i, k = 0, n = strlen(cursor);

    for (i = 0; i < f->n; i++) {
        struct ss_feed_entry *x = &f->v[i];
        const char *p = n > 20 ? strstr(cursor + 20, x->id) : NULL;
        size_t len = strlen(x->id);
        int sent = strncmp(x->updated, cursor, 20) == 0 && p && p[-1] == ' ' &&
                   (p[len] == ' ' || p[len] == '\0');
        if (sent) {
            free(x->title);
            free(x->text);
        } else {
            f->v[k++] = *x;
        }
    }
    f->n = k;
}

/* The cursor after f (newest first): its newest time and the ids of that
 * second. */
static void cursor_of(const struct ss_feed *f, char *out, size_t cap)
{
    size_t i, n;

    snprintf(out, cap, "%s", f->v[0].updated);
    for (i = 0; i < f->n && strcmp(f->v[i].updated, f->v[0].updated) == 0; i++) {
        n = strlen(out);
        if (n + strlen(f->v[i].id) + 2 > cap)
            break;
        snprintf(out + n, cap - n, " %s", f->v[i].id);
    }
}

/* One subscriber's digest of day, if it has news: claimed and queued in
 * one transaction. */
static int digest_one(struct ss_store *st, const struct ss_engine *e, const char *base_url,
                      const struct ss_sub_rec *r, const char *day, struct ss_digest_stats *stats,
                      struct ss_err *err)
{
    struct ss_follow_subject s;
    struct ss_feed f = {0};
    struct ss_buf subject, text;
    char *unsub = NULL, key[64], who[48], until[SS_SUB_CURSOR_MAX], since[21], headers[512];
    int lang = ss_lang_parse(r->lang, strlen(r->lang)), rc, won = 0;

    if (ss_follow_subject(e, r->about_kind, r->about_ref, &s, NULL) != SS_OK)
        return SS_OK; /* not in the current plan: nothing to tell */
    if (lang < 0)
        lang = SS_LANG_ZH;
    /* the cursor: a time, and the entries of that second already sent
     * (times are whole seconds: an entry of the same second approved
     * after a digest is neither lost nor sent twice) */
    snprintf(since, sizeof since, "%.20s", r->digest_until);
    if ((rc = ss_follow_entries(st, e, &s, (enum ss_lang)lang, since, SS_DIGEST_LIMIT, &f, err)))
        return rc;
    drop_sent(&f, r->digest_until);
    if (f.n == 0) {
        stats->empty++;
        ss_feed_free(&f);
        return SS_OK;
    }
    cursor_of(&f, until, sizeof until);
    if ((rc = ss_store_unseal(st, TOKEN_CONTEXT, r->unsub_token, &unsub, err)))
        goto out;
    ss_buf_init(&subject, SS_OUTBOX_SUBJECT_MAX);
    ss_buf_init(&text, SS_OUTBOX_TEXT_MAX);
    digest_text(e, &s, (enum ss_lang)lang, &f, base_url, unsub, &subject, &text);
    snprintf(headers, sizeof headers,
             "List-Unsubscribe: <%s/subscriptions/unsubscribe/%s>\n"
             "List-Unsubscribe-Post: List-Unsubscribe=One-Click",
             base_url, unsub);
    snprintf(key, sizeof key, "digest:%lld:%s", (long long)r->id, day);
    snprintf(who, sizeof who, "subscription:%lld", (long long)r->id);
    if (!(rc = ss_store_begin(st, "digest", err))) {
        rc = ss_store_sub_digested(st, r->id, day, until, &won, err);
        if (!rc && won)
            rc = subject.err || text.err
                     ? ss_err_set(err, SS_EINVAL, "text", "the digest is too long to send")
                     : ss_outbox_put_sealed(st, key, who, r->org_id, r->email, subject.data,
                                            text.data, headers, err);
        if (rc)
            ss_store_rollback(st);
        else
            rc = ss_store_commit(st, err);
    }
    if (!rc && won)
        stats->queued++;
    ss_buf_cleanup(&subject);
    ss_buf_cleanup(&text);
out:
    if (unsub) {
        sodium_memzero(unsub, strlen(unsub));
        free(unsub);
    }
    ss_feed_free(&f);
    return rc;
}

int ss_follow_digest_run(struct ss_store *st, const struct ss_engine *e, const char *base_url,
                         int64_t now, struct ss_digest_stats *stats, struct ss_err *err)
{
    struct due d = {0};
    char day[11];
    int skipped, rc;
    size_t i;

    memset(stats, 0, sizeof *stats);
    if ((rc = ss_follow_record_status(st, e, (int32_t)(now / 86400), (int64_t)time(NULL),
                                      &stats->statuses, &skipped, err)))
        return rc;
    ss_date_fmt((int32_t)(now / 86400), day);
    if (ss_store_sub_each_due(st, day, collect_due, &d))
        rc = ss_err_set(err, SS_EDB, "", "cannot read the subscriptions");
    /* a digest that cannot be written (SS_EINVAL) is that subscriber's
     * alone: the others still get theirs; the store failing stops the run */
    for (i = 0; i < d.n && !rc; i++)
        if ((rc = digest_one(st, e, base_url, &d.v[i], day, stats, err)) == SS_EINVAL) {
            stats->failed++;
            rc = SS_OK;
        }
    for (i = 0; i < d.n; i++)
        ss_sub_rec_cleanup(&d.v[i]);
    free(d.v);
    return rc;
}
