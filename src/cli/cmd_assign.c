/*
 * cmd_assign.c - `shishi assign`: the administrator breaks a target down
 * (任务分解) by giving an org unit or a department its share.
 *
 * The share-sum rules are core/assign.h's: short of the whole is a warning
 * (exit 0, printed on stderr), over it a refusal (exit 1) unless --force
 * with a --reason. The write is audited under the administrator's name.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/json.h"
#include "base/util.h"
#include "cli/cli.h"
#include "cli/opts.h"
#include "core/assign.h"
#include "store/store.h"
#include "store/store_audit.h"

static const char USAGE[] =
    "usage: shishi assign --target ID (--org CODE | --dept NAME) --value V\n"
    "                     [--force --reason TEXT] [--json] [--db FILE]\n\n"
    "Give an org unit (or a department) its share of a target. The shares of one\n"
    "level must add up to the whole: the parent unit's share, or the target's\n"
    "value below the plan's top unit. Short of it is a warning; over it is refused\n"
    "unless --force with a --reason (kept with the share and in the audit log).\n";

int cmd_assign(int argc, char **argv)
{
    const char *db = NULL, *target = NULL, *org = NULL, *dept = NULL, *value = NULL, *reason = NULL;
    int json = 0, force = 0, npos, rc;
    const char *pos[1];
    struct cli_opt opts[] = {
        {"db", 1, &db, NULL},       {"target", 1, &target, NULL}, {"org", 1, &org, NULL},
        {"dept", 1, &dept, NULL},   {"value", 1, &value, NULL},   {"reason", 1, &reason, NULL},
        {"force", 0, NULL, &force}, {"json", 0, NULL, &json},     {NULL, 0, NULL, NULL}};
    struct ss_assign_req req;
    struct ss_assign_result res;
    struct ss_store *st = NULL;
    struct ss_err err;
    const char *user = getenv("USER");
    char by[96];
    long tid;

    if (cli_wants_help(argc, argv)) {
        fputs(USAGE, stdout);
        return SS_EXIT_OK;
    }
    if ((rc = cli_parse("assign", argc, argv, opts, pos, 0, &npos)))
        return rc;
    ss_err_clear(&err);
    if (!target || !value || (!org == !dept)) {
        fprintf(stderr,
                "shishi assign: --target, --value and one of --org or --dept are "
                "required\n%s",
                USAGE);
        return SS_EXIT_USAGE;
    }
    memset(&req, 0, sizeof req);
    if (ss_parse_long(target, &tid) || tid < 1) {
        ss_err_set(&err, SS_EINVAL, "--target", "'%s' is not a target id", target);
        return cli_fail("assign", &err);
    }
    if (ss_parse_double(value, &req.value)) {
        ss_err_set(&err, SS_EINVAL, "--value", "'%s' is not a number", value);
        return cli_fail("assign", &err);
    }
    if (reason && !force) {
        ss_err_set(&err, SS_EINVAL, "--reason", "a reason goes with --force");
        return cli_fail("assign", &err);
    }
    req.target_id = tid;
    req.org = org;
    req.dept = dept;
    req.force = force;
    req.reason = reason;
    snprintf(by, sizeof by, "admin:%s", user && *user ? user : "cli");
    if ((rc = ss_store_open(cli_db_path(db), 0, &st, &err))) {
        ss_store_close(st);
        return cli_fail("assign", &err);
    }
    if (!(rc = ss_store_begin(st, by, &err)))
        rc = cli_tx_end(st, ss_assign(st, NULL, NULL, &req, &res, &err), &err);
    ss_store_close(st);
    if (rc)
        return cli_fail("assign", &err);
    if (res.message[0])
        fprintf(stderr, "shishi assign: warning: %s\n", res.message);
    if (json) {
        struct ss_buf b;
        struct ss_json j;

        ss_buf_init(&b, 4096);
        ss_json_init(&j, &b, 0);
        ss_json_obj(&j);
        ss_json_kint(&j, "target", tid);
        ss_json_kstr(&j, org ? "org" : "dept", org ? org : dept);
        ss_json_knum(&j, "value", req.value);
        ss_json_knum(&j, "whole", res.whole);
        ss_json_knum(&j, "sum", res.sum);
        ss_json_kstr(&j, "warning", res.message[0] ? res.message : NULL);
        ss_json_obj_end(&j);
        printf("%s\n", b.data);
        ss_buf_cleanup(&b);
    } else {
        printf("assigned %g of target %ld to %s\n", req.value, tid, org ? org : dept);
    }
    return SS_EXIT_OK;
}
