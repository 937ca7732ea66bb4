/*
 * test_follow.c - following (core/follow.h, store/store_follow.h) and the
 * pieces it added below it: XML escaping read back by expat (hostile
 * text, C0 controls, U+FFFE/FFFF, invalid UTF-8 all inert and
 * well-formed), an email's extra header lines (kept, and a line that
 * could start another header refused before it is queued), the outbox
 * addressing a sealed email (never in the clear in the row, opened only
 * for the transfer), and the status history on SQLite and PostgreSQL:
 * a change recorded once, nothing more on the same data, and an engine
 * behind the record (another instance's, refreshed earlier) refused
 * rather than flapping a status back.
 */
#include <expat.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h> /* after the headers it needs */

#include "backend.h"
#include "base/buf.h"
#include "base/date.h"
#include "base/escape.h"
#include "base/util.h"
#include "core/deliver.h"
#include "core/engine.h"
#include "core/follow.h"
#include "core/outbox.h"
#include "core/plan_json.h"
#include "store/store.h"
#include "store/store_outbox.h"
#include "store/store_seal.h"
#include "txn.h"

/* ---- XML -------------------------------------------------------------------- */

struct text {
    char s[512];
    size_t n;
};

static void on_text(void *ctx, const XML_Char *s, int len)
{
    struct text *t = ctx;

    if (t->n + (size_t)len < sizeof t->s) {
        memcpy(t->s + t->n, s, (size_t)len);
        t->n += (size_t)len;
        t->s[t->n] = '\0';
    }
}

/* <a x="ESC">ESC</a> parsed by expat: 1 when well-formed; the text read back. */
static int parses(const char *in, struct text *t)
{
    struct ss_buf b;
    XML_Parser p = XML_ParserCreate("UTF-8");
    int ok;

    ss_buf_init(&b, 1u << 16);
    ss_buf_puts(&b, "<a x=\"");
    ss_esc_xml(&b, in, strlen(in));
    ss_buf_puts(&b, "\">");
    ss_esc_xml(&b, in, strlen(in));
    ss_buf_puts(&b, "</a>");
    memset(t, 0, sizeof *t);
    XML_SetUserData(p, t);
    XML_SetCharacterDataHandler(p, on_text);
    ok = XML_Parse(p, b.data, (int)b.len, 1) == XML_STATUS_OK;
    XML_ParserFree(p);
    ss_buf_cleanup(&b);
    return ok;
}

static void test_xml_escape(void **state)
{
    static const char *const HOSTILE[] = {
        "<script>alert(1)</script>",
        "]]><x/>&amp;&lt;\"'",
        "a\x01"
        "b\x1f"
        "c\x7f"
        "d",                             /* C0 controls (DEL is allowed) */
        "\xef\xbf\xbe \xef\xbf\xbf end", /* U+FFFE, U+FFFF */
        "bad \xff\xfe utf-8 \xc3",
        "=HYPERLINK(\"http://x\")",
        "新改建农村公路\t\n\r",
    };
    struct text t;
    size_t i;

    (void)state;
    for (i = 0; i < SS_ARRAY_LEN(HOSTILE); i++) {
        assert_true(parses(HOSTILE[i], &t));
        assert_null(strstr(t.s, "\x01"));
    }
    assert_true(parses("<script>", &t));
    assert_string_equal(t.s, "<script>"); /* read back as the text it was */
    assert_true(parses("a\x01z", &t));
    assert_string_equal(t.s, "a\xef\xbf\xbdz");
}

/* ---- email headers ---------------------------------------------------------- */

static void test_email_headers(void **state)
{
    struct ss_deliver_conf c = {.from = "shishi@example.org"};
    struct ss_deliver_msg m = {
        .id = 3,
        .event_key = "digest:1:2026-12-02",
        .kind = "email",
        .address = "a@example.org",
        .subject = "关注摘要",
        .text = "x",
        .headers = "List-Unsubscribe: <https://e.org/subscriptions/unsubscribe/ab>\n"
                   "List-Unsubscribe-Post: List-Unsubscribe=One-Click\n"
                   "Bcc: \x01victim@example.org\n"
                   "X-Evil:\xe4\xb8\xad"};
    struct ss_buf b;
    struct ss_err err;
    const char *body;

    (void)state;
    ss_buf_init(&b, 1u << 16);
    ss_deliver_email_text(&c, &m, 1780000000, &b);
    body = strstr(b.data, "\r\n\r\n");
    assert_non_null(body);
    assert_non_null(strstr(b.data, "\r\nList-Unsubscribe: <https://e.org/subscriptions/"
                                   "unsubscribe/ab>\r\nList-Unsubscribe-Post: "
                                   "List-Unsubscribe=One-Click\r\n"));
    assert_true(strstr(b.data, "List-Unsubscribe-Post") < body);
    assert_null(strstr(b.data, "Bcc"));    /* a control character: dropped */
    assert_null(strstr(b.data, "X-Evil")); /* not ASCII: dropped */
    ss_buf_cleanup(&b);
    /* and refused before they are queued */
    assert_int_equal(ss_outbox_check_headers("List-Unsubscribe: <x>\nA: b", &err), SS_OK);
    assert_int_equal(ss_outbox_check_headers("A: b\r\nBcc: v@example.org", &err), SS_EINVAL);
    assert_int_equal(ss_outbox_check_headers("no colon", &err), SS_EINVAL);
    assert_int_equal(ss_outbox_check_headers(" A: folded", &err), SS_EINVAL);
    assert_int_equal(ss_outbox_check_headers("A: \xe4\xb8\xad", &err), SS_EINVAL);
}

/* ---- with a database -------------------------------------------------------- */

static const char PLAN[] =
    "{\"plan\":{\"title\":\"测试计划\",\"year\":2026,\"top_org\":\"99\"},"
    "\"projects\":[{\"no\":1,\"title\":\"项目一\",\"targets\":["
    "{\"text\":\"修路100公里\",\"metric\":\"修路\",\"value\":100,\"unit\":\"公里\",\"op\":\">=\"}"
    "]}]}";

struct fixture {
    struct testdb db;
    struct rawdb raw;
    struct ss_store *st;
    int64_t target, county;
};

static int setup(void **state)
{
    static const struct ss_org_rec orgs[] = {
        {"99", "省", 1, NULL}, {"9901", "甲市", 2, "99"}, {"990101", "甲一县", 3, "9901"}};
    struct fixture *f = calloc(1, sizeof *f);
    struct ss_engine *e;
    struct ss_plan *p = NULL;
    struct ss_org o;
    struct ss_err err;
    int64_t id;

    testdb_make(&f->db, backend_pg(state), "follow");
    f->raw = testdb_raw(&f->db);
    assert_int_equal(ss_store_open(f->db.path, SS_STORE_CREATE, &f->st, &err), 0);
    assert_int_equal(AS(f->st, "cli", ss_store_orgs_upsert(f->st, orgs, 3, &err)), 0);
    assert_int_equal(ss_plan_from_json(PLAN, sizeof PLAN - 1, &p, &err), 0);
    assert_int_equal(AS(f->st, "cli", ss_store_plan_insert(f->st, p, &id, &err)), 0);
    ss_plan_free(p);
    assert_int_equal(ss_engine_open(f->st, 0, &e, &err), 0);
    f->target = ss_engine_plan(e)->targets[0].id;
    ss_engine_free(e);
    assert_int_equal(ss_store_org_get(f->st, "990101", &o), 0);
    f->county = o.id;
    free(o.name);
    /* the county holds the whole: its cell is followed too */
    assert_int_equal(AS(f->st, "cli", ss_store_assign(f->st, f->target, f->county, 100, &err)), 0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    ss_store_close(f->st);
    testdb_remove(&f->db);
    free(f);
    return 0;
}

static void approve(struct fixture *f, const char *day, double value)
{
    struct ss_report_in r = {.target_id = f->target,
                             .org_id = f->county,
                             .value = value,
                             .numerator = NAN,
                             .denominator = NAN,
                             .status = "approved",
                             .by = "test"};
    struct ss_err err;
    int64_t id;

    assert_int_equal(ss_date_parse(day, &r.as_of), 0);
    assert_int_equal(AS(f->st, "test", ss_store_report_insert(f->st, &r, &id, &err)), 0);
}

static void record(struct fixture *f, struct ss_engine *e, const char *day, size_t changes,
                   int skipped)
{
    struct ss_err err;
    int32_t d;
    size_t n = 99;
    int s = -1;

    assert_int_equal(ss_date_parse(day, &d), 0);
    assert_int_equal(ss_follow_record_status(f->st, e, d, 1780000000, &n, &s, &err), 0);
    assert_int_equal(s, skipped);
    if (!skipped)
        assert_int_equal(n, changes);
}

static void test_status_history(void **state)
{
    struct fixture *f = *state;
    struct ss_engine *old, *e;
    struct ss_err err;

    approve(f, "2026-02-28", 2); /* 2 of 100 by the end of February, 16% due: lagging */
    assert_int_equal(ss_engine_open(f->st, 0, &old, &err), 0);
    record(f, old, "2026-03-01", 0, 0); /* the first record: a baseline, no change */
    assert_int_equal(rawdb_int(&f->raw, "SELECT count(*) FROM status_change"), 0);
    assert_true(rawdb_int(&f->raw, "SELECT count(*) FROM status_now") >= 1);
    approve(f, "2026-03-31", 30); /* well ahead of time: on track */
    assert_int_equal(ss_engine_open(f->st, 0, &e, &err), 0);
    record(f, e, "2026-04-01", 2, 0); /* the county, and the province above it */
    assert_int_equal(rawdb_int(&f->raw, "SELECT count(*) FROM status_change WHERE "
                                        "from_status = 'lagging' AND "
                                        "to_status = 'on_track'"),
                     2);
    record(f, e, "2026-04-01", 0, 0); /* the same data again: nothing */
    /* another instance's engine, refreshed before the last report: it
     * would record the old status back; it is refused */
    record(f, old, "2026-04-02", 0, 1);
    record(f, e, "2026-03-15", 0, 1); /* an earlier day: refused too */
    assert_int_equal(rawdb_int(&f->raw, "SELECT count(*) FROM status_change"), 2);
    assert_int_equal(ss_engine_refresh(old, f->st), 1);
    record(f, old, "2026-04-02", 0, 0); /* caught up: the same statuses, nothing new */
    assert_int_equal(rawdb_int(&f->raw, "SELECT count(*) FROM status_change"), 2);
    ss_engine_free(old);
    ss_engine_free(e);
}

static void test_sealed_outbox(void **state)
{
    struct fixture *f = *state;
    struct ss_outbox_msg *m = NULL;
    struct ss_err err;
    char *sealed = NULL, *opened = NULL;
    size_t n = 0;

    assert_int_equal(
        ss_store_seal(f->st, SS_OUTBOX_SEAL_CONTEXT, "reader@example.net", &sealed, &err), 0);
    assert_int_equal(AS(f->st, "subscriber",
                        ss_outbox_put_sealed(f->st, "subscription:1:confirm:x", "subscription:1",
                                             f->county, sealed, "subject", "text",
                                             "List-Unsubscribe: <https://e.org/u>", &err)),
                     0);
    /* put again: queued once */
    assert_int_equal(AS(f->st, "subscriber",
                        ss_outbox_put_sealed(f->st, "subscription:1:confirm:x", "subscription:1",
                                             f->county, sealed, "subject", "text", NULL, &err)),
                     0);
    assert_int_equal(rawdb_int(&f->raw, "SELECT count(*) FROM outbox"), 1);
    assert_int_equal(rawdb_int(&f->raw, "SELECT count(*) FROM outbox WHERE address LIKE "
                                        "'%reader%' OR text LIKE '%reader%'"),
                     0);
    assert_int_equal(rawdb_int(&f->raw, "SELECT sealed FROM outbox"), 1);
    /* header lines that could inject one are refused */
    assert_int_equal(AS(f->st, "subscriber",
                        ss_outbox_put_sealed(f->st, "k2", "subscription:2", f->county, sealed, "s",
                                             "t", "A: b\r\nBcc: x@example.org", &err)),
                     SS_EINVAL);
    assert_int_equal(ss_store_outbox_claim(f->st, 1780000000 + 86400 * 400,
                                           1780000000 + 86400 * 401, 1, 0, 8, &m, &n, &err),
                     0);
    assert_int_equal(n, 1);
    assert_true(m[0].sealed);
    assert_string_equal(m[0].headers, "List-Unsubscribe: <https://e.org/u>");
    assert_int_equal(ss_store_unseal(f->st, SS_OUTBOX_SEAL_CONTEXT, m[0].address, &opened, &err),
                     0);
    assert_string_equal(opened, "reader@example.net");
    ss_store_outbox_free(m, n);
    free(opened);
    free(sealed);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_xml_escape),
        cmocka_unit_test(test_email_headers),
        ON_BOTH(test_status_history, setup, teardown),
        ON_BOTH(test_sealed_outbox, setup, teardown),
    };

    return backend_run(tests);
}
