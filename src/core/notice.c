/*
 * notice.c - supervision notices by hand and their answers (notice.h).
 *
 * Each change: read the notice, check who may (core/access.h) and that
 * its state allows it, write it, append to its history, and call
 * ss_notice_event, all in one transaction. A refusal changes nothing.
 */
#include "core/notice.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "base/escape.h"
#include "base/limits.h"
#include "base/util.h"
#include "core/access.h"
#include "core/outbox.h"
#include "core/remind.h"

static const char *const GRADES[] = {"blue", "yellow", "red"};

const char *ss_grade_str(enum ss_grade g)
{
    return g >= SS_GRADE_BLUE && g <= SS_GRADE_RED ? GRADES[g] : "";
}

enum ss_grade ss_grade_parse(const char *s)
{
    int g;

    for (g = SS_GRADE_BLUE; s && g <= SS_GRADE_RED; g++)
        if (strcmp(s, GRADES[g]) == 0)
            return (enum ss_grade)g;
    return SS_GRADE_NONE;
}

/* The kinds that become messages, with the words a message says;
 * marked and unmarked are a supervisor's own bookkeeping. */
static const char *event_words(const char *kind)
{
    static const struct {
        const char *kind, *words;
    } K[] = {
        {SS_NOTICE_ISSUED, "下发督办单"},         {SS_NOTICE_RAISED, "督办单升级"},
        {SS_NOTICE_ESCALATED, "督办单逾期升级"},  {SS_NOTICE_ANSWERED, "督办单已反馈"},
        {SS_NOTICE_RETURNED, "督办单反馈被退回"}, {SS_NOTICE_CLOSED, "督办单已办结销号"},
    };
    size_t i;

    for (i = 0; i < SS_ARRAY_LEN(K); i++)
        if (strcmp(K[i].kind, kind) == 0)
            return K[i].words;
    return NULL;
}

void ss_notice_put_clipped(struct ss_buf *b, const char *s, size_t max)
{
    size_t k = strlen(s);

    if (k > max) {
        k = max;
        while (k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80)
            k--;
    }
    ss_buf_put(b, s, k);
}

int ss_notice_event(struct ss_store *st, int64_t notice_id, const char *kind,
                    const int64_t *org_ids, size_t n, struct ss_err *err)
{
    /* one message per addressee's recipients, queued in this transaction
     * (core/outbox.c), so an event is delivered exactly when it happened;
     * the key carries the event's number in the notice's history, so each
     * event is sent once however often it is recorded */
    const char *words = event_words(kind);
    struct ss_notice nt;
    char *target = NULL, *org = NULL, num[64], key[96];
    int64_t events;
    struct ss_buf subject, text;
    size_t i;
    int rc;

    if (!words || n == 0)
        return SS_OK;
    if ((rc = ss_store_notice_get(st, notice_id, &nt)))
        return ss_err_set(err, rc, "notice", "notice %lld cannot be read", (long long)notice_id);
    if ((rc = ss_store_notice_about(st, notice_id, &target, &org, &events))) {
        ss_store_notice_cleanup(&nt);
        return ss_err_set(err, rc, "notice", "notice %lld cannot be read", (long long)notice_id);
    }
    ss_notice_number(&nt, num, sizeof num);
    snprintf(key, sizeof key, "notice:%lld:%lld:%s", (long long)notice_id, (long long)events, kind);
    ss_buf_init(&subject, SS_OUTBOX_SUBJECT_MAX);
    ss_buf_puts(&subject, num);
    ss_buf_puts(&subject, "：");
    ss_notice_put_clipped(&subject, target, SS_OUTBOX_SUBJECT_MAX - subject.len);
    /* every part clipped, so the text stays within the outbox's limit */
    ss_buf_init(&text, SS_OUTBOX_TEXT_MAX);
    ss_buf_printf(&text, "%s：%s（%s）\n指标：", words, num, nt.grade);
    ss_notice_put_clipped(&text, target, 2000);
    ss_buf_puts(&text, "\n单位：");
    ss_notice_put_clipped(&text, org, 400);
    if (nt.action && *nt.action) {
        ss_buf_puts(&text, "\n要求：");
        ss_notice_put_clipped(&text, nt.action, 1500);
    }
    if (*nt.deadline)
        ss_buf_printf(&text, "\n反馈期限：%s", nt.deadline);
    if (nt.answer && *nt.answer && strcmp(kind, SS_NOTICE_ANSWERED) == 0) {
        ss_buf_puts(&text, "\n反馈：");
        ss_notice_put_clipped(&text, nt.answer, 1500);
    }
    if (nt.comment && *nt.comment && strcmp(kind, SS_NOTICE_RETURNED) == 0) {
        ss_buf_puts(&text, "\n退回意见：");
        ss_notice_put_clipped(&text, nt.comment, 1500);
    }
    rc = SS_OK;
    for (i = 0; rc == SS_OK && i < n; i++)
        rc = ss_outbox_put(st, key, org_ids[i], subject.data, text.data, err);
    /* an answer waits for the supervision office's check: its
     * supervisors hear of it (core/remind.h) */
    if (rc == SS_OK && strcmp(kind, SS_NOTICE_ANSWERED) == 0)
        rc = ss_remind_supervisors(st, key, nt.org_id, subject.data, text.data, err);
    ss_buf_cleanup(&subject);
    ss_buf_cleanup(&text);
    free(target);
    free(org);
    ss_store_notice_cleanup(&nt);
    return rc;
}

void ss_notice_number(const struct ss_notice *n, char *out, size_t cap)
{
    snprintf(out, cap, "督办〔%d〕%d号", n->year, n->no);
}

int ss_notice_days(struct ss_store *st, int64_t plan_id, int days[3])
{
    static const int dflt[3] = SS_NOTICE_DAYS;

    return ss_store_notice_rule(st, plan_id, dflt, days);
}

int ss_notice_days_set(struct ss_store *st, int64_t plan_id, const int days[3], struct ss_err *err)
{
    static const char *const field[3] = {"blue", "yellow", "red"};
    int k;

    for (k = 0; k < 3; k++)
        if (days[k] < 1 || days[k] > SS_NOTICE_DAYS_MAX)
            return ss_err_set(err, SS_EINVAL, field[k],
                              "days to answer a %s notice must be 1 to %d, not %d", field[k],
                              SS_NOTICE_DAYS_MAX, days[k]);
    return ss_store_notice_rule_set(st, plan_id, days, err);
}

size_t ss_notice_addressees(const struct ss_notice *n, int64_t out[2])
{
    size_t k = 0;

    out[k++] = n->org_id;
    if (n->escalated_org_id && n->escalated_org_id != n->org_id)
        out[k++] = n->escalated_org_id;
    return k;
}

int ss_notice_visible(const struct ss_engine *e, const struct ss_user *u, const struct ss_notice *n)
{
    int64_t to[2];
    size_t k, m = ss_notice_addressees(n, to);

    for (k = 0; k < m; k++)
        if (ss_access_see(e, u, ss_engine_org_by_id(e, to[k])))
            return 1;
    return 0;
}

/* A text field: required (or not), valid UTF-8, at most max bytes. */
static int check_text(const char *field, const char *s, int required, size_t max,
                      struct ss_err *err)
{
    if (!s || !*s)
        return required ? ss_err_set(err, SS_EINVAL, field, "%s is missing", field) : SS_OK;
    if (strlen(s) > max)
        return ss_err_set(err, SS_EINVAL, field, "%s is longer than %zu bytes", field, max);
    if (!ss_utf8_valid(s, strlen(s)))
        return ss_err_set(err, SS_EINVAL, field, "%s is not valid UTF-8", field);
    return SS_OK;
}

/* Begin the change's transaction: u's own, or the caller's (u NULL). */
static int begin(struct ss_store *st, const struct ss_user *u, struct ss_err *err)
{
    return ss_store_begin(st, u ? u->name : NULL, err);
}

static int end(struct ss_store *st, int rc, struct ss_err *err)
{
    if (rc) {
        ss_store_rollback(st);
        return rc;
    }
    return ss_store_commit(st, err);
}

/* The history line and the event, for n after a change of kind. */
static int record(struct ss_store *st, const struct ss_notice *n, const char *kind,
                  const char *text, int32_t day, struct ss_err *err)
{
    int64_t to[2];
    size_t m = ss_notice_addressees(n, to);
    char d[11];
    int rc;

    ss_date_fmt(day, d);
    if ((rc = ss_store_notice_log(st, n->id, kind, n->grade, d, text, err)))
        return rc;
    return ss_notice_event(st, n->id, kind, to, m, err);
}

int ss_notice_issue(struct ss_store *st, const struct ss_engine *e, const struct ss_user *u,
                    int64_t target_id, const char *org_code, const char *text, enum ss_grade grade,
                    int32_t day, int64_t *id, struct ss_err *err)
{
    const struct ss_plan *p = ss_engine_plan(e);
    struct ss_notice n;
    long ti = ss_plan_target_index(p, target_id), org;
    int days[3], rc, no;

    if (ti < 0)
        return ss_err_set(err, SS_ENOTFOUND, "target", "target %lld is not in the current plan",
                          (long long)target_id);
    if (!org_code || (org = ss_engine_org_find(e, org_code)) < 0)
        return ss_err_set(err, SS_ENOTFOUND, "org", "no org unit %s",
                          org_code ? org_code : "(none)");
    if ((rc = check_text("text", text, 1, SS_MAX_COMMENT, err)))
        return rc;
    if (u && (rc = ss_access_supervise(e, u, org, err)))
        return rc;
    if (grade == SS_GRADE_NONE)
        grade = SS_GRADE_YELLOW;
    if ((rc = ss_notice_days(st, p->id, days)))
        return ss_err_set(err, rc, "db", "the notice deadlines cannot be read");
    memset(&n, 0, sizeof n);
    n.plan_id = p->id;
    snprintf(n.grade, sizeof n.grade, "%s", ss_grade_str(grade));
    snprintf(n.status, sizeof n.status, "issued");
    snprintf(n.cause, sizeof n.cause, "manual");
    n.target_id = target_id;
    n.org_id = ss_engine_org(e, org)->id;
    n.dept = p->targets[ti].dept;
    n.action = (char *)text;
    ss_date_fmt(day, n.issued_on);
    ss_date_fmt(day + days[grade], n.deadline);
    if ((rc = begin(st, u, err)))
        return rc;
    n.issued_by = (char *)ss_store_actor(st);
    rc = ss_store_notice_insert(st, &n, &n.id, &no, err);
    if (!rc) {
        n.no = no;
        *id = n.id;
        rc = record(st, &n, SS_NOTICE_ISSUED, text, day, err);
    }
    return end(st, rc, err);
}

/* The notice id, for a change by u: read, and checked that u may
 * (supervise: a supervisor's change; else the unit's answer). */
static int load_for(struct ss_store *st, const struct ss_engine *e, const struct ss_user *u,
                    int64_t id, int supervise, struct ss_notice *n, struct ss_err *err)
{
    int rc = ss_store_notice_get(st, id, n);

    if (rc == SS_ENOTFOUND)
        return ss_err_set(err, SS_ENOTFOUND, "id", "no notice %lld", (long long)id);
    if (rc)
        return ss_err_set(err, SS_EDB, "db", "the notice cannot be read");
    if (!u)
        return SS_OK;
    if (supervise)
        return ss_access_supervise(e, u, ss_engine_org_by_id(e, n->org_id), err);
    return ss_notice_may_answer(e, u, n, err);
}

int ss_notice_may_answer(const struct ss_engine *e, const struct ss_user *u,
                         const struct ss_notice *n, struct ss_err *err)
{
    int64_t to[2];
    size_t k, m = ss_notice_addressees(n, to);

    /* a clerk of any unit it is addressed to */
    for (k = 0; k < m; k++)
        if (ss_access_answer(e, u, ss_engine_org_by_id(e, to[k]), NULL) == SS_OK)
            return SS_OK;
    return ss_access_answer(e, u, ss_engine_org_by_id(e, n->org_id), err);
}

/* The notice's status must be `want`, else SS_ECONFLICT saying so. */
static int in_state(const struct ss_notice *n, const char *want, const char *doing,
                    struct ss_err *err)
{
    char num[64];

    if (strcmp(n->status, want) == 0)
        return SS_OK;
    ss_notice_number(n, num, sizeof num);
    return ss_err_set(err, SS_ECONFLICT, "status", "notice %s is %s: only an %s notice can be %s",
                      num, n->status, want, doing);
}

int ss_notice_answer(struct ss_store *st, const struct ss_engine *e, const struct ss_user *u,
                     int64_t id, const char *text, const char *measures, const char *due,
                     int32_t day, struct ss_err *err)
{
    struct ss_notice n;
    int32_t d = 0;
    int rc;

    if ((rc = check_text("text", text, 1, SS_MAX_NOTE, err)) ||
        (rc = check_text("measures", measures, 0, SS_MAX_NOTE, err)) ||
        (due && *due && (rc = ss_date_read("due", due, &d, err))))
        return rc;
    if (due && *due && d < day)
        return ss_err_set(err, SS_EINVAL, "due", "the expected date %s is before today", due);
    if ((rc = begin(st, u, err)))
        return rc;
    if ((rc = load_for(st, e, u, id, 0, &n, err)) ||
        (rc = in_state(&n, "issued", SS_M("answered"), err)))
        goto out;
    snprintf(n.status, sizeof n.status, "answered");
    free(n.answer);
    n.answer = ss_xstrdup(text);
    free(n.measures);
    n.measures = measures && *measures ? ss_xstrdup(measures) : NULL;
    snprintf(n.answer_due, sizeof n.answer_due, "%s", due && *due ? due : "");
    ss_date_fmt(day, n.answered_on);
    free(n.answered_by);
    n.answered_by = ss_xstrdup(ss_store_actor(st));
    if (!(rc = ss_store_notice_update(st, &n, err)))
        rc = record(st, &n, SS_NOTICE_ANSWERED, text, day, err);
out:
    ss_store_notice_cleanup(&n);
    return end(st, rc, err);
}

int ss_notice_close(struct ss_store *st, const struct ss_engine *e, const struct ss_user *u,
                    int64_t id, int32_t day, struct ss_err *err)
{
    struct ss_notice n;
    int rc;

    if ((rc = begin(st, u, err)))
        return rc;
    if ((rc = load_for(st, e, u, id, 1, &n, err)))
        goto out;
    if (!n.to_close && (rc = in_state(&n, "answered", SS_M("closed"), err)))
        goto out;
    if (strcmp(n.status, "closed") == 0) {
        rc = in_state(&n, "answered", SS_M("closed"), err);
        goto out;
    }
    snprintf(n.status, sizeof n.status, "closed");
    ss_date_fmt(day, n.closed_on);
    free(n.closed_by);
    n.closed_by = ss_xstrdup(ss_store_actor(st));
    if (!(rc = ss_store_notice_update(st, &n, err)))
        rc = record(st, &n, SS_NOTICE_CLOSED, NULL, day, err);
out:
    ss_store_notice_cleanup(&n);
    return end(st, rc, err);
}

int ss_notice_return(struct ss_store *st, const struct ss_engine *e, const struct ss_user *u,
                     int64_t id, const char *comment, int32_t day, struct ss_err *err)
{
    struct ss_notice n;
    int rc;

    if ((rc = check_text("comment", comment, 1, SS_MAX_COMMENT, err)))
        return rc;
    if ((rc = begin(st, u, err)))
        return rc;
    if ((rc = load_for(st, e, u, id, 1, &n, err)) ||
        (rc = in_state(&n, "answered", SS_M("returned"), err)))
        goto out;
    snprintf(n.status, sizeof n.status, "issued");
    free(n.comment);
    n.comment = ss_xstrdup(comment);
    if (!(rc = ss_store_notice_update(st, &n, err)))
        rc = record(st, &n, SS_NOTICE_RETURNED, comment, day, err);
out:
    ss_store_notice_cleanup(&n);
    return end(st, rc, err);
}

int ss_notice_evidence(struct ss_store *st, const struct ss_engine *e, const struct ss_user *u,
                       int64_t id, const char *sha256, const char *mime, int64_t size,
                       const char *name, struct ss_err *err)
{
    struct ss_notice n;
    int rc;

    if ((rc = check_text("file", name, 0, SS_MAX_NAME, err)))
        return rc;
    if ((rc = begin(st, u, err)))
        return rc;
    if (!(rc = load_for(st, e, u, id, 0, &n, err)) && strcmp(n.status, "closed") == 0)
        rc = ss_err_set(err, SS_ECONFLICT, "id", "the notice is closed; evidence is closed");
    if (!rc)
        rc = ss_store_notice_evidence_add(st, id, sha256, mime, size, name, err);
    ss_store_notice_cleanup(&n);
    return end(st, rc, err);
}

/* {"code","name"} of org id, or null. */
static void org_json(struct ss_json *j, const struct ss_engine *e, int64_t id)
{
    long i = id ? ss_engine_org_by_id(e, id) : -1;
    const struct ss_org *o = i >= 0 ? ss_engine_org(e, i) : NULL;

    if (!o) {
        ss_json_null(j);
        return;
    }
    ss_json_obj(j);
    ss_json_kstr(j, "code", o->code);
    ss_json_kstr(j, "name", o->name);
    ss_json_obj_end(j);
}

static void opt_str(struct ss_json *j, const char *k, const char *s)
{
    ss_json_kstr(j, k, s && *s ? s : NULL);
}

static void files_json(struct ss_json *j, const struct ss_notice *n, const struct ss_notice_file *f,
                       size_t nf)
{
    char href[96];
    size_t k;

    ss_json_key(j, "evidence");
    ss_json_arr(j);
    for (k = 0; k < nf; k++) {
        ss_json_obj(j);
        ss_json_kint(j, "id", f[k].id);
        ss_json_kstr(j, "name", f[k].name);
        ss_json_kstr(j, "mime", f[k].mime);
        ss_json_kint(j, "size", f[k].size);
        ss_json_kstr(j, "sha256", f[k].sha256);
        ss_json_kstr(j, "added_at", f[k].created_at);
        snprintf(href, sizeof href, SS_NOTICE_FILE_HREF, (long long)n->id, (long long)f[k].id);
        ss_json_kstr(j, "href", href);
        ss_json_obj_end(j);
    }
    ss_json_arr_end(j);
}

void ss_notice_json(struct ss_json *j, const struct ss_engine *e, const struct ss_notice *n,
                    const struct ss_notice_event *ev, size_t nev,
                    const struct ss_notice_file *files, size_t nfiles, int flags)
{
    int public_view = (flags & SS_NOTICE_PUBLIC) != 0;
    const struct ss_plan *p = ss_engine_plan(e);
    long ti = ss_plan_target_index(p, n->target_id);
    const struct ss_target *t = ti >= 0 ? &p->targets[ti] : NULL;
    int64_t to[2];
    size_t k, m = ss_notice_addressees(n, to);
    char num[64];

    ss_notice_number(n, num, sizeof num);
    ss_json_obj(j);
    ss_json_kint(j, "id", n->id);
    ss_json_kstr(j, "number", num);
    ss_json_kint(j, "year", n->year);
    ss_json_kint(j, "no", n->no);
    ss_json_kstr(j, "grade", n->grade);
    ss_json_kstr(j, "status", n->status);
    ss_json_kstr(j, "cause", n->cause);
    ss_json_key(j, "target");
    ss_json_obj(j);
    ss_json_kint(j, "id", n->target_id);
    ss_json_kstr(j, "metric", t ? t->metric : NULL);
    ss_json_kstr(j, "unit", t ? t->unit : NULL);
    ss_json_obj_end(j);
    ss_json_key(j, "org");
    org_json(j, e, n->org_id);
    ss_json_key(j, "addressed");
    ss_json_arr(j);
    for (k = 0; k < m; k++)
        org_json(j, e, to[k]);
    ss_json_arr_end(j);
    ss_json_kint(j, "escalations", n->escalations);
    opt_str(j, "department", n->dept);
    opt_str(j, "period", n->period);
    opt_str(j, "as_of", n->as_of);
    ss_json_key(j, "figures");
    if (n->figures && *n->figures && !public_view)
        ss_json_raw(j, n->figures, strlen(n->figures));
    else
        ss_json_null(j);
    ss_json_kstr(j, "action", n->action);
    ss_json_kstr(j, "issued_on", n->issued_on);
    ss_json_kstr(j, "deadline", n->deadline);
    ss_json_kbool(j, "to_close", n->to_close);
    if (!public_view)
        ss_json_kstr(j, "issued_by", n->issued_by);
    ss_json_key(j, "answer");
    if (n->answered_on[0]) {
        ss_json_obj(j);
        ss_json_kstr(j, "text", n->answer);
        opt_str(j, "measures", n->measures);
        opt_str(j, "due", n->answer_due);
        ss_json_kstr(j, "on", n->answered_on);
        if (!public_view)
            ss_json_kstr(j, "by", n->answered_by);
        ss_json_obj_end(j);
    } else {
        ss_json_null(j);
    }
    opt_str(j, "closed_on", n->closed_on);
    if (!public_view) {
        opt_str(j, "closed_by", n->closed_by);
        opt_str(j, "comment", n->comment);
    }
    if (!public_view && (flags & SS_NOTICE_HISTORY)) {
        ss_json_key(j, "history");
        ss_json_arr(j);
        for (k = 0; k < nev; k++) {
            ss_json_obj(j);
            ss_json_kstr(j, "kind", ev[k].kind);
            ss_json_kstr(j, "grade", ev[k].grade);
            ss_json_kstr(j, "day", ev[k].day);
            ss_json_kstr(j, "at", ev[k].at);
            ss_json_kstr(j, "by", ev[k].actor);
            ss_json_kstr(j, "text", ev[k].text);
            ss_json_obj_end(j);
        }
        ss_json_arr_end(j);
        files_json(j, n, files, nfiles);
    }
    ss_json_obj_end(j);
}
