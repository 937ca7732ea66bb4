/*
 * message.c - the public's messages (message.h): checks, the throttles,
 * duplicates, sealing the contact, moderation, the unit's reply, the
 * writer's mark, and the way into a supervision notice.
 *
 * The order of a citizen's write: everything about the input is checked
 * first (nothing costs a throttle hit that could not be stored anyway),
 * then both throttles are admitted in their own transaction (a refused
 * client writes nothing), then one transaction by "anonymous" checks for
 * a duplicate, seals the contact and inserts. The ticket is made here and
 * handed back once; only its SHA-256 is stored.
 */
#include "core/message.h"

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
#include "core/access.h"
#include "core/notice.h"
#include "core/outbox.h"
#include "store/store_seal.h"

const char *const ss_message_reasons[] = {"abuse",     "privacy",  "advertising", "off_topic",
                                          "duplicate", "unlawful", NULL};
_Static_assert(SS_ARRAY_LEN(ss_message_reasons) == SS_MESSAGE_NREASONS + 1, "reasons counted");

const struct ss_throttle_rule ss_message_per_client = {
    .scope = "message.ip", .max = 10, .window = 3600, .what = SS_M("messages from this address")};
const struct ss_throttle_rule ss_message_per_contact = {.scope = "message.contact",
                                                        .max = 5,
                                                        .window = 24 * 3600,
                                                        .what = SS_M("messages with this contact")};

static const char *const KINDS[] = {"suggestion", "complaint", "question"};

int ss_message_days(void)
{
    const char *s = getenv("SHISHI_MESSAGE_DAYS");
    long v;

    if (s && ss_parse_long(s, &v) == 0 && v >= 1 && v <= SS_MESSAGE_DAYS_MAX)
        return (int)v;
    return SS_MESSAGE_DAYS;
}

/* A text field: required (or not), valid UTF-8, at most max bytes, not
 * only spaces, no control characters but newlines and tabs. */
static int check_text(const char *field, const char *s, int required, size_t max,
                      struct ss_err *err)
{
    size_t n = s ? strlen(s) : 0, i, blank = 0;

    for (i = 0; i < n; i++)
        blank += s[i] == ' ' || s[i] == '\n' || s[i] == '\r' || s[i] == '\t';
    if (n == blank)
        return required ? ss_err_set(err, SS_EINVAL, field, "%s is missing", field) : SS_OK;
    if (n > max)
        return ss_err_set(err, SS_EINVAL, field, "%s is longer than %zu bytes", field, max);
    if (!ss_utf8_valid(s, n))
        return ss_err_set(err, SS_EINVAL, field, "%s is not valid UTF-8", field);
    for (i = 0; i < n; i++)
        if (((unsigned char)s[i] < 0x20 && s[i] != '\n' && s[i] != '\r' && s[i] != '\t') ||
            s[i] == 0x7f)
            return ss_err_set(err, SS_EINVAL, field, "%s holds a control character", field);
    return SS_OK;
}

/* The contact in one form (a phone number's digits with a leading + when
 * it had one; an email address in lower case) into out, or SS_EINVAL
 * naming "contact". */
static int contact_norm(const char *in, char out[SS_MAX_CONTACT + 1], struct ss_err *err)
{
    size_t n = strlen(in), i, k = 0, digits = 0;

    while (n && in[n - 1] == ' ')
        n--;
    while (*in == ' ')
        in++, n--;
    if (n > SS_MAX_CONTACT)
        return ss_err_set(err, SS_EINVAL, "contact", "the contact is longer than %d bytes",
                          SS_MAX_CONTACT);
    if (memchr(in, '@', n)) {
        int rc;
        memcpy(out, in, n);
        out[n] = '\0';
        if ((rc = ss_outbox_check_email("contact", out, err)))
            return rc;
        for (i = 0; i < n; i++)
            if (out[i] >= 'A' && out[i] <= 'Z')
                out[i] = (char)(out[i] - 'A' + 'a');
        return SS_OK;
    }
    for (i = 0; i < n; i++) {
        char c = in[i];
        if (c >= '0' && c <= '9')
            out[k++] = c, digits++;
        else if (c == '+' && k == 0)
            out[k++] = c;
        else if (c != ' ' && c != '-' && c != '(' && c != ')')
            return ss_err_set(err, SS_EINVAL, "contact",
                              "the contact must be a phone number or an email address");
    }
    out[k] = '\0';
    if (digits < 7 || digits > 15)
        return ss_err_set(err, SS_EINVAL, "contact",
                          "a phone number has 7 to 15 digits, this one %zu", digits);
    return SS_OK;
}

static int known_kind(const char *kind)
{
    size_t i;

    for (i = 0; kind && i < SS_ARRAY_LEN(KINDS); i++)
        if (strcmp(kind, KINDS[i]) == 0)
            return 1;
    return 0;
}

/* Where in goes: the place (an engine index) and the department. */
static int resolve(const struct ss_engine *e, const struct ss_message_in *in, long *org,
                   const char **dept, struct ss_err *err)
{
    const struct ss_plan *p = ss_engine_plan(e);
    int has_org = in->org && *in->org;
    size_t i;

    *dept = NULL;
    *org = has_org ? ss_engine_org_find(e, in->org) : ss_engine_top_org(e);
    if (*org < 0)
        return ss_err_set(err, SS_ENOTFOUND, "about", "no org unit %.20s",
                          has_org ? in->org : "(top)");
    if (!in->about)
        return ss_err_set(err, SS_EINVAL, "about",
                          "say what the message is about: a target, a "
                          "project or an org unit");
    if (strcmp(in->about, "target") == 0) {
        long ti = ss_plan_target_index(p, in->target_id);
        if (ti < 0)
            return ss_err_set(err, SS_ENOTFOUND, "about", "target %lld is not in the current plan",
                              (long long)in->target_id);
        *dept = p->targets[ti].dept;
        return SS_OK;
    }
    if (strcmp(in->about, "project") == 0) {
        for (i = 0; i < p->nprojects; i++)
            if (p->projects[i].no == in->project_no) {
                const char *d = p->projects[i].lead_dept;
                *dept = d && strcmp(d, "unknown") != 0 ? d : NULL;
                return SS_OK;
            }
        return ss_err_set(err, SS_ENOTFOUND, "about", "project %d is not in the current plan",
                          in->project_no);
    }
    if (strcmp(in->about, "org") == 0) {
        if (!has_org)
            return ss_err_set(err, SS_EINVAL, "about", "name the org unit by its code");
        return SS_OK;
    }
    return ss_err_set(err, SS_EINVAL, "about",
                      "a message is about a target, a project or an org "
                      "unit");
}

int ss_message_check(const struct ss_engine *e, const struct ss_message_in *in, struct ss_err *err)
{
    char norm[SS_MAX_CONTACT + 1];
    const char *dept;
    long org;
    int rc;

    if ((rc = resolve(e, in, &org, &dept, err)))
        return rc;
    if (!known_kind(in->kind))
        return ss_err_set(err, SS_EINVAL, "kind", "kind must be suggestion, complaint or question");
    if ((rc = check_text("text", in->text, 1, SS_MAX_MESSAGE, err)))
        return rc;
    if (in->contact && *in->contact && (rc = contact_norm(in->contact, norm, err)))
        return rc;
    return SS_OK;
}

/* Unix seconds as YYYY-MM-DDTHH:MM:SSZ. */
static void ts_fmt(int64_t t, char out[21])
{
    time_t tt = (time_t)t;
    struct tm tm;

    gmtime_r(&tt, &tm);
    strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void sha256_hex(const char *s, char out[65])
{
    unsigned char d[crypto_hash_sha256_BYTES];

    crypto_hash_sha256(d, (const unsigned char *)s, strlen(s));
    sodium_bin2hex(out, 65, d, sizeof d);
}

/* The digest input for duplicates: what it is about, then the text. */
static void about_key(struct ss_buf *b, const struct ss_message *m)
{
    ss_buf_printf(b, "%s:%lld:%d:%lld\x1f", m->about, (long long)m->target_id, m->project_no,
                  (long long)m->org_id);
    ss_buf_puts(b, m->text);
}

int ss_message_post(struct ss_store *st, const struct ss_engine *e, const struct ss_message_in *in,
                    const char *client, int64_t now, int64_t *id, char ticket[SS_TICKET_LEN + 1],
                    struct ss_err *err)
{
    struct ss_throttle_key keys[2];
    struct ss_throttle_verdict v;
    struct ss_store_message_keys k;
    struct ss_message m;
    char norm[SS_MAX_CONTACT + 1], cdig[SS_SEAL_DIGEST_HEX], tdig[SS_SEAL_DIGEST_HEX];
    char hash[65], since[21], *sealed = NULL;
    unsigned char rnd[SS_TICKET_LEN / 2];
    const char *dept;
    struct ss_buf key;
    size_t nkeys = 0;
    int64_t dups;
    long org;
    int rc, has_contact = in->contact && *in->contact;

    if ((rc = ss_message_check(e, in, err)) || (rc = resolve(e, in, &org, &dept, err)))
        return rc;
    memset(&m, 0, sizeof m);
    m.plan_id = ss_engine_plan(e)->id;
    snprintf(m.about, sizeof m.about, "%s", in->about);
    m.target_id = strcmp(in->about, "target") == 0 ? in->target_id : 0;
    m.project_no = strcmp(in->about, "project") == 0 ? in->project_no : 0;
    m.org_id = ss_engine_org(e, org)->id;
    snprintf(m.kind, sizeof m.kind, "%s", in->kind);
    m.text = (char *)in->text;
    m.dept = (char *)dept;
    if (in->photo_sha256) {
        snprintf(m.photo_sha256, sizeof m.photo_sha256, "%s", in->photo_sha256);
        snprintf(m.photo_mime, sizeof m.photo_mime, "%s", in->photo_mime ? in->photo_mime : "");
    }
    ts_fmt(now, m.received_at);
    ss_date_fmt(ss_date_today(), m.received_on);
    if (has_contact && ((rc = contact_norm(in->contact, norm, err)) ||
                        (rc = ss_store_seal_digest(st, SS_MESSAGE_CONTEXT, norm, cdig, err))))
        return rc;
    ss_buf_init(&key, SS_SEAL_MAX);
    about_key(&key, &m);
    rc = key.err ? ss_err_set(err, SS_EINVAL, "text", "text is too long")
                 : ss_store_seal_digest(st, SS_MESSAGE_CONTEXT, key.data, tdig, err);
    ss_buf_cleanup(&key);
    if (rc)
        return rc;
    if (client && *client)
        keys[nkeys++] = (struct ss_throttle_key){&ss_message_per_client, client};
    if (has_contact)
        keys[nkeys++] = (struct ss_throttle_key){&ss_message_per_contact, cdig};
    if (nkeys && (rc = ss_throttle_admit(st, keys, nkeys, now, &v, err)))
        return rc;
    if ((rc = ss_store_begin(st, SS_MESSAGE_ANONYMOUS, err)))
        return rc;
    ts_fmt(now - SS_MESSAGE_DUP_WINDOW, since);
    dups = ss_store_message_dups(st, tdig, since);
    if (dups != 0) {
        rc = dups < 0 ? ss_err_set(err, SS_EDB, "db", "the messages cannot be read")
                      : ss_err_set(err, SS_ECONFLICT, "text",
                                   "the same message about this was received already");
        goto out;
    }
    if (has_contact && (rc = ss_store_seal(st, SS_MESSAGE_CONTEXT, norm, &sealed, err)))
        goto out;
    randombytes_buf(rnd, sizeof rnd);
    sodium_bin2hex(ticket, SS_TICKET_LEN + 1, rnd, sizeof rnd);
    sha256_hex(ticket, hash);
    k = (struct ss_store_message_keys){.ticket_hash = hash,
                                       .contact = sealed,
                                       .contact_digest = has_contact ? cdig : NULL,
                                       .text_digest = tdig};
    rc = ss_store_message_insert(st, &m, &k, id, err);
out:
    free(sealed);
    if (rc) {
        ss_store_rollback(st);
        return rc;
    }
    return ss_store_commit(st, err);
}

int ss_message_by_ticket(struct ss_store *st, const char *ticket, struct ss_message *out)
{
    char hash[65];
    size_t i;

    memset(out, 0, sizeof *out);
    if (!ticket || strlen(ticket) != SS_TICKET_LEN)
        return SS_ENOTFOUND;
    for (i = 0; i < SS_TICKET_LEN; i++)
        if (!((ticket[i] >= '0' && ticket[i] <= '9') || (ticket[i] >= 'a' && ticket[i] <= 'f')))
            return SS_ENOTFOUND;
    sha256_hex(ticket, hash);
    return ss_store_message_by_ticket(st, hash, out);
}

/* The change's transaction is u's own, or the caller's (u NULL: the
 * begin joins it); end commits it or rolls it back. */
static int end(struct ss_store *st, int rc, struct ss_err *err)
{
    if (rc) {
        ss_store_rollback(st);
        return rc;
    }
    return ss_store_commit(st, err);
}

static int load(struct ss_store *st, int64_t id, struct ss_message *m, struct ss_err *err)
{
    int rc = ss_store_message_get(st, id, m);

    if (rc == SS_ENOTFOUND)
        return ss_err_set(err, SS_ENOTFOUND, "id", "no message %lld", (long long)id);
    if (rc)
        return ss_err_set(err, SS_EDB, "db", "the message cannot be read");
    return SS_OK;
}

static int not_in(const struct ss_message *m, const char *doing, struct ss_err *err)
{
    return ss_err_set(err, SS_ECONFLICT, "status", "message %lld is %s: it cannot be %s",
                      (long long)m->id, m->status, doing);
}

int ss_message_may_moderate(const struct ss_engine *e, const struct ss_user *u,
                            const struct ss_message *m)
{
    return ss_access_moderate(e, u, ss_engine_org_by_id(e, m->org_id), NULL) == SS_OK;
}

int ss_message_may_reply(const struct ss_engine *e, const struct ss_user *u,
                         const struct ss_message *m)
{
    return ss_access_reply(e, u, ss_engine_org_by_id(e, m->org_id), m->dept, NULL) == SS_OK;
}

int ss_message_staff_sees(const struct ss_engine *e, const struct ss_user *u,
                          const struct ss_message *m)
{
    return ss_message_may_moderate(e, u, m) ||
           (strcmp(m->status, "published") == 0 && ss_message_may_reply(e, u, m));
}

/* The unit's message about m's publication, in this transaction. */
static int tell_unit(struct ss_store *st, const struct ss_engine *e, const struct ss_message *m,
                     struct ss_err *err)
{
    static const char *const words[] = {"建议", "投诉", "咨询"};
    const struct ss_plan *p = ss_engine_plan(e);
    long org = ss_engine_org_by_id(e, m->org_id);
    struct ss_buf subject, text;
    char key[64];
    const char *kw = words[0];
    size_t i, cut;
    int rc;

    for (i = 0; i < SS_ARRAY_LEN(KINDS); i++)
        if (strcmp(m->kind, KINDS[i]) == 0)
            kw = words[i];
    snprintf(key, sizeof key, "message:%lld:published", (long long)m->id);
    ss_buf_init(&subject, SS_OUTBOX_SUBJECT_MAX);
    ss_buf_printf(&subject, "群众留言（%s）待答复，第%lld号", kw, (long long)m->id);
    ss_buf_init(&text, SS_OUTBOX_TEXT_MAX);
    ss_buf_printf(&text, "群众%s第%lld号已公开，请在%s前公开答复。\n", kw, (long long)m->id,
                  m->deadline);
    if (m->target_id) {
        long ti = ss_plan_target_index(p, m->target_id);
        if (ti >= 0)
            ss_buf_printf(&text, "指标：%s\n", p->targets[ti].metric);
    }
    if (org >= 0)
        ss_buf_printf(&text, "单位：%s\n", ss_engine_org(e, org)->name);
    if (m->dept)
        ss_buf_printf(&text, "责任部门：%s\n", m->dept);
    ss_buf_puts(&text, "留言：");
    /* the text, cut at a character's start to keep within the limit */
    cut = strlen(m->text);
    if (cut > SS_MAX_MESSAGE)
        cut = SS_MAX_MESSAGE;
    while (cut > 0 && ((unsigned char)m->text[cut] & 0xC0) == 0x80)
        cut--;
    ss_buf_put(&text, m->text, cut);
    rc = subject.err || text.err
             ? ss_err_set(err, SS_EINVAL, "text", "the message does not fit an outbox message")
             : ss_outbox_put(st, key, m->org_id, subject.data, text.data, err);
    ss_buf_cleanup(&subject);
    ss_buf_cleanup(&text);
    return rc;
}

/* Publish (reason NULL) or hide (for reason) message id, by u. */
static int moderate(struct ss_store *st, const struct ss_engine *e, const struct ss_user *u,
                    int64_t id, const char *reason, int32_t day, struct ss_err *err)
{
    struct ss_message m;
    char was[12];
    int rc;

    if ((rc = ss_store_begin(st, u ? u->name : NULL, err)))
        return rc;
    if ((rc = load(st, id, &m, err)))
        return end(st, rc, err);
    if (u && (rc = ss_access_moderate(e, u, ss_engine_org_by_id(e, m.org_id), err)))
        goto out;
    /* received -> published or hidden; published -> hidden */
    if (reason ? strcmp(m.status, "hidden") == 0 : strcmp(m.status, "received") != 0) {
        rc = not_in(&m, reason ? SS_M("hidden") : SS_M("published"), err);
        goto out;
    }
    snprintf(was, sizeof was, "%s", m.status);
    snprintf(m.status, sizeof m.status, "%s", reason ? "hidden" : "published");
    if (reason)
        snprintf(m.hide_reason, sizeof m.hide_reason, "%s", reason);
    else
        ss_date_fmt(ss_date_add_workdays(day, ss_message_days()), m.deadline);
    ss_date_fmt(day, m.moderated_on);
    free(m.moderated_by);
    m.moderated_by = ss_xstrdup(ss_store_actor(st));
    if (!(rc = ss_store_message_update(st, &m, was, err)) && !reason)
        rc = tell_unit(st, e, &m, err);
out:
    ss_store_message_cleanup(&m);
    return end(st, rc, err);
}

int ss_message_publish(struct ss_store *st, const struct ss_engine *e, const struct ss_user *u,
                       int64_t id, int32_t day, struct ss_err *err)
{
    return moderate(st, e, u, id, NULL, day, err);
}

int ss_message_hide(struct ss_store *st, const struct ss_engine *e, const struct ss_user *u,
                    int64_t id, const char *reason, int32_t day, struct ss_err *err)
{
    size_t i;

    for (i = 0; reason && ss_message_reasons[i]; i++)
        if (strcmp(reason, ss_message_reasons[i]) == 0)
            return moderate(st, e, u, id, reason, day, err);
    return ss_err_set(err, SS_EINVAL, "reason",
                      "reason must be abuse, privacy, advertising, off_topic, duplicate or "
                      "unlawful");
}

int ss_message_reply(struct ss_store *st, const struct ss_engine *e, const struct ss_user *u,
                     int64_t id, const char *text, int32_t day, struct ss_err *err)
{
    struct ss_message m;
    int rc;

    if ((rc = check_text("text", text, 1, SS_MAX_REPLY, err)))
        return rc;
    if ((rc = ss_store_begin(st, u ? u->name : NULL, err)))
        return rc;
    if ((rc = load(st, id, &m, err)))
        return end(st, rc, err);
    if (u && (rc = ss_access_reply(e, u, ss_engine_org_by_id(e, m.org_id), m.dept, err)))
        goto out;
    if (strcmp(m.status, "published") != 0 || m.reply) {
        rc = m.reply ? ss_err_set(err, SS_ECONFLICT, "status",
                                  "message %lld has been answered already", (long long)id)
                     : not_in(&m, SS_M("answered"), err);
        goto out;
    }
    m.reply = ss_xstrdup(text);
    ss_date_fmt(day, m.replied_on);
    m.replied_by = ss_xstrdup(ss_store_actor(st));
    rc = ss_store_message_update(st, &m, "published", err);
out:
    ss_store_message_cleanup(&m);
    return end(st, rc, err);
}

int ss_message_rate(struct ss_store *st, const char *ticket, int helpful, struct ss_err *err)
{
    struct ss_message m;
    int rc;

    if ((rc = ss_message_by_ticket(st, ticket, &m)))
        return rc == SS_ENOTFOUND ? ss_err_set(err, rc, "ticket", "no message has this ticket")
                                  : ss_err_set(err, SS_EDB, "db", "the message cannot be read");
    if (strcmp(m.status, "published") != 0 || !m.reply) {
        ss_store_message_cleanup(&m);
        return ss_err_set(err, SS_ECONFLICT, "helpful",
                          "the message has no answer yet: rate the answer once it is given");
    }
    m.helpful = helpful ? 1 : 0;
    if (!(rc = ss_store_begin(st, SS_MESSAGE_ANONYMOUS, err)))
        rc = end(st, ss_store_message_update(st, &m, "published", err), err);
    ss_store_message_cleanup(&m);
    return rc;
}

int ss_message_attention(const struct ss_message *m, int32_t day)
{
    int32_t due;

    if (strcmp(m->status, "published") != 0 || m->notice_id)
        return 0;
    if (!m->reply)
        return ss_date_parse(m->deadline, &due) == 0 && due < day;
    return strcmp(m->kind, "complaint") == 0 && m->helpful == 0;
}

int ss_message_to_notice(struct ss_store *st, const struct ss_engine *e, const struct ss_user *u,
                         int64_t id, int32_t day, int64_t *notice, struct ss_err *err)
{
    struct ss_message m;
    struct ss_buf action;
    long org;
    int rc;

    if ((rc = ss_store_begin(st, u ? u->name : NULL, err)))
        return rc;
    if ((rc = load(st, id, &m, err)))
        return end(st, rc, err);
    org = ss_engine_org_by_id(e, m.org_id);
    if (strcmp(m.about, "target") != 0 || org < 0) {
        rc = ss_err_set(err, SS_EINVAL, "id",
                        "message %lld is not about a target: a notice is about a target at a unit",
                        (long long)id);
        goto out;
    }
    if (m.notice_id) {
        rc = ss_err_set(err, SS_ECONFLICT, "id", "message %lld is a notice already", (long long)id);
        goto out;
    }
    if (strcmp(m.status, "published") != 0) {
        rc = not_in(&m, SS_M("made a notice"), err);
        goto out;
    }
    ss_buf_init(&action, SS_MAX_COMMENT);
    ss_buf_printf(&action, "群众留言第%lld号%s：", (long long)id,
                  m.reply ? "的答复被评为不满意" : "逾期未答复");
    {
        size_t cut = strlen(m.text), room = SS_MAX_COMMENT - action.len;
        if (cut > room)
            cut = room;
        while (cut > 0 && ((unsigned char)m.text[cut] & 0xC0) == 0x80)
            cut--;
        ss_buf_put(&action, m.text, cut);
    }
    rc = action.err ? ss_err_set(err, SS_EINVAL, "text", "the message is too long for a notice")
                    : ss_notice_issue(st, e, u, m.target_id, ss_engine_org(e, org)->code,
                                      action.data, SS_GRADE_YELLOW, day, notice, err);
    ss_buf_cleanup(&action);
    if (!rc) {
        m.notice_id = *notice;
        rc = ss_store_message_update(st, &m, "published", err);
    }
out:
    ss_store_message_cleanup(&m);
    return end(st, rc, err);
}

void ss_message_json(struct ss_json *j, const struct ss_engine *e, const struct ss_message *m,
                     int32_t day, int flags)
{
    long org = ss_engine_org_by_id(e, m->org_id);
    const char *code = org >= 0 ? ss_engine_org(e, org)->code : NULL;
    int published = strcmp(m->status, "published") == 0;
    char path[64];

    /* every key always (null when it has no value), so the shape is one */
    ss_json_obj(j);
    ss_json_kint(j, "id", m->id);
    ss_json_key(j, "about");
    ss_json_obj(j);
    if (m->target_id)
        ss_json_kint(j, "target", m->target_id);
    else
        ss_json_knull(j, "target");
    if (m->project_no)
        ss_json_kint(j, "project", m->project_no);
    else
        ss_json_knull(j, "project");
    ss_json_kstr(j, "org", code);
    ss_json_obj_end(j);
    ss_json_kstr(j, "kind", m->kind);
    ss_json_kstr(j, "status", m->status);
    ss_json_kstr(j, "text", m->text);
    ss_json_kstr(j, "received_on", m->received_on);
    ss_json_kstr(j, "department", m->dept);
    ss_json_kstr(j, "hidden_reason", m->hide_reason[0] ? m->hide_reason : NULL);
    ss_json_kstr(j, "published_on", published ? m->moderated_on : NULL);
    ss_json_kstr(j, "deadline", published ? m->deadline : NULL);
    snprintf(path, sizeof path, "/messages/photos/%lld", (long long)m->id);
    ss_json_kstr(j, "photo",
                 m->photo_sha256[0] && (published || (flags & SS_MESSAGE_STAFF)) ? path : NULL);
    ss_json_key(j, "reply");
    if (m->reply) {
        ss_json_obj(j);
        ss_json_kstr(j, "text", m->reply);
        ss_json_kstr(j, "on", m->replied_on);
        ss_json_kstr(j, "by", code ? ss_engine_org(e, org)->name : NULL);
        if (flags & SS_MESSAGE_STAFF)
            ss_json_kstr(j, "account", m->replied_by);
        ss_json_obj_end(j);
    } else {
        ss_json_null(j);
    }
    ss_json_key(j, "helpful");
    if (m->helpful < 0)
        ss_json_null(j);
    else
        ss_json_bool(j, m->helpful);
    ss_json_kbool(j, "attention", ss_message_attention(m, day));
    if (m->notice_id)
        ss_json_kint(j, "notice", m->notice_id);
    else
        ss_json_knull(j, "notice");
    if (flags & SS_MESSAGE_STAFF) {
        ss_json_kstr(j, "moderated_by", m->moderated_by);
        ss_json_kbool(j, "has_contact", m->has_contact);
    }
    ss_json_obj_end(j);
}
