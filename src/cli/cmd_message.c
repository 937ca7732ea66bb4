/*
 * cmd_message.c - `shishi message`: the public's messages (意见建议,
 * core/message.h) for staff at the command line.
 *
 * The CLI acts as the moderators and the units together (as `notice`
 * acts as the supervision office): its writes are not scoped, and are
 * audited under "moderator:$USER". It never prints a contact: the list
 * says only whether one was left.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/date.h"
#include "base/json.h"
#include "base/util.h"
#include "cli/cli.h"
#include "cli/opts.h"
#include "core/engine.h"
#include "core/message.h"
#include "store/store.h"
#include "store/store_message.h"

static const char USAGE[] =
    "usage: shishi message list [--status received|published|hidden] [--json]\n"
    "       shishi message publish ID\n"
    "       shishi message hide ID --reason REASON\n"
    "       shishi message reply ID --text T\n"
    "       (each with [--db FILE])\n\n"
    "list     the current plan's messages from the public, oldest first\n"
    "publish  show a received message in public and send it to the responsible unit\n"
    "hide     keep a message from the public; REASON is abuse, privacy, advertising,\n"
    "         off_topic, duplicate or unlawful\n"
    "reply    the responsible unit's public answer T (once)\n\n"
    "Working days to answer: SHISHI_MESSAGE_DAYS (default 15).\n"
    "Writes are audited as moderator:$USER. No command prints a contact.\n";

static int64_t parse_id(const char *s, struct ss_err *err)
{
    long v;

    if (!s || ss_parse_long(s, &v) || v < 1) {
        ss_err_set(err, SS_EINVAL, "ID", "'%s' is not a message id", s ? s : "");
        return 0;
    }
    return v;
}

/* One line per message; the text's newlines and tabs as spaces. */
static void print_line(const struct ss_engine *e, const struct ss_message *m)
{
    long o = ss_engine_org_by_id(e, m->org_id);
    const char *p;

    printf("%-6lld %-10s %-9s %s %-7s ", (long long)m->id, m->kind, m->status, m->received_on,
           o >= 0 ? ss_engine_org(e, o)->code : "?");
    if (m->target_id)
        printf("target %lld ", (long long)m->target_id);
    else if (m->project_no)
        printf("project %d ", m->project_no);
    for (p = m->text; p && *p; p++)
        putchar(*p == '\n' || *p == '\r' || *p == '\t' ? ' ' : *p);
    printf("%s%s\n", m->reply ? "  [answered]" : "", m->hide_reason[0] ? "  [hidden]" : "");
}

static int do_list(struct ss_store *st, const struct ss_engine *e, const char *status, int json)
{
    struct ss_store_message_filter f;
    struct ss_message *list = NULL;
    struct ss_err err;
    struct ss_buf b;
    struct ss_json j;
    size_t n = 0, i;

    ss_err_clear(&err);
    if (status && strcmp(status, "received") && strcmp(status, "published") &&
        strcmp(status, "hidden")) {
        ss_err_set(&err, SS_EINVAL, "--status", "'%s' is not received, published or hidden",
                   status);
        return cli_fail("message", &err);
    }
    memset(&f, 0, sizeof f);
    f.plan_id = ss_engine_plan(e)->id;
    f.status = status;
    if (ss_store_message_list(st, &f, &list, &n)) {
        ss_err_set(&err, SS_EDB, "db", "the messages cannot be read");
        return cli_fail("message", &err);
    }
    ss_buf_init(&b, 64u << 20);
    ss_json_init(&j, &b, 0);
    ss_json_obj(&j);
    ss_json_key(&j, "messages");
    ss_json_arr(&j);
    for (i = 0; i < n; i++) {
        if (json)
            ss_message_json(&j, e, &list[i], ss_date_today(), SS_MESSAGE_STAFF);
        else
            print_line(e, &list[i]);
    }
    ss_json_arr_end(&j);
    ss_json_obj_end(&j);
    if (json)
        printf("%s\n", b.data);
    ss_buf_cleanup(&b);
    ss_store_messages_free(list, n);
    return SS_EXIT_OK;
}

int cmd_message(int argc, char **argv)
{
    const char *db = NULL, *status = NULL, *reason = NULL, *text = NULL, *pos[2] = {NULL, NULL};
    int json = 0, npos, rc;
    struct cli_opt opts[] = {{"db", 1, &db, NULL},         {"status", 1, &status, NULL},
                             {"reason", 1, &reason, NULL}, {"text", 1, &text, NULL},
                             {"json", 0, NULL, &json},     {NULL, 0, NULL, NULL}};
    struct ss_store *st = NULL;
    struct ss_engine *e = NULL;
    struct ss_err err;
    const char *sub, *user = getenv("USER");
    char by[96];
    int64_t id = 0;

    if (cli_wants_help(argc, argv)) {
        fputs(USAGE, stdout);
        return SS_EXIT_OK;
    }
    if ((rc = cli_parse("message", argc, argv, opts, pos, 2, &npos)))
        return rc;
    sub = npos > 0 ? pos[0] : NULL;
    if (!sub || (strcmp(sub, "list") && strcmp(sub, "publish") && strcmp(sub, "hide") &&
                 strcmp(sub, "reply"))) {
        fprintf(stderr, "shishi message: say list, publish, hide or reply\n%s", USAGE);
        return SS_EXIT_USAGE;
    }
    ss_err_clear(&err);
    if (strcmp(sub, "list") && !(id = parse_id(npos > 1 ? pos[1] : NULL, &err)))
        return cli_fail("message", &err);
    if (!strcmp(sub, "hide") && !reason) {
        fprintf(stderr, "shishi message hide: --reason is required: abuse, privacy, advertising, "
                        "off_topic, duplicate or unlawful\n");
        return SS_EXIT_USAGE;
    }
    if (!strcmp(sub, "reply") && !text) {
        fprintf(stderr, "shishi message reply: --text is required: the public answer\n");
        return SS_EXIT_USAGE;
    }
    snprintf(by, sizeof by, "moderator:%s", user && *user ? user : "cli");
    if (ss_store_open(cli_db_path(db), 0, &st, &err) || ss_engine_open(st, 0, &e, &err)) {
        rc = cli_fail("message", &err);
        goto out;
    }
    if (!strcmp(sub, "list")) {
        rc = do_list(st, e, status, json);
        goto out;
    }
    if (!(rc = ss_store_begin(st, by, &err))) {
        int32_t today = ss_date_today();
        rc = !strcmp(sub, "publish") ? ss_message_publish(st, e, NULL, id, today, &err)
             : !strcmp(sub, "hide")  ? ss_message_hide(st, e, NULL, id, reason, today, &err)
                                     : ss_message_reply(st, e, NULL, id, text, today, &err);
        rc = cli_tx_end(st, rc, &err);
    }
    if (rc)
        rc = cli_fail("message", &err);
    else
        printf("message %lld %s\n", (long long)id,
               !strcmp(sub, "publish") ? "published"
               : !strcmp(sub, "hide")  ? "hidden"
                                       : "answered");
out:
    ss_engine_free(e);
    ss_store_close(st);
    return rc;
}
