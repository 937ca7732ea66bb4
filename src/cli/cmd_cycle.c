/*
 * cmd_cycle.c - `shishi cycle`: the yearly cycle from the command line
 * (core/cycle.h): open the proposal and voting windows, triage the
 * public's proposals, look at the cycle and its result, seal the ballots
 * and adopt the result as the year's draft plan.
 *
 * The CLI acts as the office itself (as `notice` does): its triage is not
 * scoped, and is audited under "office:$USER". Ballots are cast only
 * through the API, by deputies.
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
#include "core/cycle.h"
#include "core/engine.h"
#include "store/store.h"

static const char USAGE[] =
    "usage: shishi cycle open --year Y --from D --to D [--org CODE]\n"
    "       shishi cycle vote --year Y --from D --to D --seats N [--pass SHARE]\n"
    "       shishi cycle show --year Y [--json]\n"
    "       shishi cycle proposals --year Y [--json]\n"
    "       shishi cycle propose --title T --text T --org CODE [--where W] [--for-whom W]\n"
    "                            [--contact C]\n"
    "       shishi cycle promote ID --cost YUAN --department NAME [--note T]\n"
    "       shishi cycle merge ID --into ID\n"
    "       shishi cycle decline ID --reason T\n"
    "       shishi cycle seal --year Y\n"
    "       shishi cycle adopt --year Y [--json]\n"
    "       (each with [--db FILE])\n\n"
    "open       the window (dates inclusive) in which the public proposes projects\n"
    "           for year Y (POST /api/v1/proposals, the form at /proposals); the\n"
    "           congress is that of the plan's top org unit unless --org\n"
    "vote       the deputies' voting window and N, the most choices a ballot holds\n"
    "           and the places to fill; a candidate passes with more than SHARE\n"
    "           (default 0.5) of all deputies' votes, ranked up to N\n"
    "show       the cycle: windows, proposals by outcome, candidates, turnout, and\n"
    "           the result once the vote has closed\n"
    "proposals  every proposal of the year with its outcome\n"
    "propose    enter a proposal that came by letter or telephone, as the public's\n"
    "           (inside the open window, like the form's; the contact sealed)\n"
    "promote    make proposal ID a candidate with its cost estimate, lead department\n"
    "           and feasibility note (until the vote begins)\n"
    "merge      merge proposal ID into another (a merged one resolves to its own)\n"
    "decline    decline proposal ID, saying why (shown to the public)\n"
    "seal       after the vote: rewrite the ballots in key order and record their\n"
    "           count and digest in the audited cycle row\n"
    "adopt      make the passed candidates year Y's draft plan (plan show --draft)\n\n"
    "Writes are audited as office:$USER.\n";

struct args {
    const char *db, *year, *from, *to, *org, *seats, *pass, *cost, *dept, *note, *into, *reason;
    const char *title, *text, *where, *for_whom, *contact;
    int json;
    const char *pos[2];
    int npos;
};

struct ctx {
    struct ss_store *st;
    struct ss_engine *e;
    struct ss_user u;
    int year;
};

static int open_ctx(const char *cmd, const struct args *a, int need_year, int ro, struct ctx *c)
{
    const char *user = getenv("USER");
    struct ss_err err;
    long y = 0;

    memset(c, 0, sizeof c[0]);
    ss_err_clear(&err);
    snprintf(c->u.name, sizeof c->u.name, "office:%s", user && *user ? user : "cli");
    c->u.role = SS_ROLE_ADMIN;
    if (need_year && (!a->year || ss_parse_long(a->year, &y) || y < 2000 || y > 2200)) {
        ss_err_set(&err, SS_EINVAL, "--year", "'%s' is not a plan year", a->year ? a->year : "");
        return cli_fail(cmd, &err);
    }
    c->year = (int)y;
    if (ss_store_open(cli_db_path(a->db), ro ? SS_STORE_READONLY : 0, &c->st, &err) ||
        ss_engine_open(c->st, 0, &c->e, &err)) {
        ss_store_close(c->st);
        return cli_fail(cmd, &err);
    }
    return 0;
}

static void close_ctx(struct ctx *c)
{
    ss_engine_free(c->e);
    ss_store_close(c->st);
}

static int64_t id_arg(const char *s, const char *field, struct ss_err *err)
{
    long v;

    if (!s || ss_parse_long(s, &v) || v < 1) {
        ss_err_set(err, SS_EINVAL, field, "'%s' is not a proposal id", s ? s : "");
        return 0;
    }
    return v;
}

static int do_windows(const char *cmd, const struct args *a, int vote)
{
    struct ctx c;
    struct ss_err err;
    long seats = 0;
    double pass = 0;
    int rc;

    if ((rc = open_ctx(cmd, a, 1, 0, &c)))
        return rc;
    ss_err_clear(&err);
    if (vote && (!a->seats || ss_parse_long(a->seats, &seats))) {
        ss_err_set(&err, SS_EINVAL, "--seats", "--seats N is required: the places to fill");
        rc = SS_EINVAL;
    } else if (vote && a->pass && ss_parse_double(a->pass, &pass)) {
        ss_err_set(&err, SS_EINVAL, "--pass", "'%s' is not a share between 0 and 1", a->pass);
        rc = SS_EINVAL;
    } else if (!(rc = ss_store_begin(c.st, c.u.name, &err))) {
        rc = vote ? ss_cycle_vote_window(c.st, c.e, c.year, a->from, a->to, (int)seats, pass,
                                         c.u.name, &err)
                  : ss_cycle_open(c.st, c.e, c.year, a->from, a->to, a->org, c.u.name, &err);
        rc = cli_tx_end(c.st, rc, &err);
    }
    close_ctx(&c);
    if (rc)
        return cli_fail(cmd, &err);
    printf("%d: %s window %s to %s\n", c.year, vote ? "voting" : "proposal", a->from, a->to);
    return SS_EXIT_OK;
}

static void window_json(struct ss_json *j, const char *k, int32_t from, int32_t to)
{
    char d[11];

    ss_json_key(j, k);
    if (from == SS_NO_DATE) {
        ss_json_null(j);
        return;
    }
    ss_json_obj(j);
    ss_date_fmt(from, d);
    ss_json_kstr(j, "from", d);
    ss_date_fmt(to, d);
    ss_json_kstr(j, "to", d);
    ss_json_obj_end(j);
}

static int do_show(const struct args *a)
{
    struct ss_cycle_result r;
    struct ss_proposal_row *p = NULL;
    struct ss_candidate_row *cand = NULL;
    struct ss_cycle_row cy;
    size_t np = 0, nc = 0, i, by[4] = {0};
    struct ss_err err;
    struct ss_buf b;
    struct ss_json j;
    struct ctx c;
    int rc, have;
    char w1[32], w2[32];

    if ((rc = open_ctx("cycle show", a, 1, 1, &c)))
        return rc;
    ss_err_clear(&err);
    if (ss_store_cycle_get(c.st, c.year, &cy)) {
        close_ctx(&c);
        ss_err_set(&err, SS_ENOTFOUND, "--year", "no cycle for %d (cycle open)", c.year);
        return cli_fail("cycle show", &err);
    }
    ss_store_proposals(c.st, c.year, &p, &np);
    ss_store_candidates(c.st, c.year, &cand, &nc);
    for (i = 0; i < np; i++)
        by[p[i].status]++;
    have = ss_cycle_result(c.st, c.year, ss_date_today(), 0, &r, &err) == SS_OK;
    ss_buf_init(&b, 16u << 20);
    if (a->json) {
        ss_json_init(&j, &b, 0);
        ss_json_obj(&j);
        ss_json_kint(&j, "year", cy.year);
        ss_json_kstr(&j, "org", cy.org);
        window_json(&j, "proposals_window", cy.propose_from, cy.propose_to);
        window_json(&j, "vote_window", cy.vote_from, cy.vote_to);
        ss_json_kint(&j, "seats", cy.seats);
        ss_json_knum(&j, "pass_share", cy.pass_share);
        ss_json_key(&j, "proposals");
        ss_json_obj(&j);
        ss_json_kint(&j, "total", (long long)np);
        for (i = 0; i < 4; i++)
            ss_json_kint(&j, ss_proposal_status_str((enum ss_proposal_status)i), (long long)by[i]);
        ss_json_obj_end(&j);
        ss_json_key(&j, "candidates");
        ss_json_arr(&j);
        for (i = 0; i < nc; i++)
            ss_candidate_json(&j, &cand[i]);
        ss_json_arr_end(&j);
        ss_json_kint(&j, "deputies", ss_store_deputies(c.st, cy.org_id));
        ss_json_kint(&j, "voted", ss_store_voters(c.st, c.year));
        if (cy.plan_id)
            ss_json_kint(&j, "plan", cy.plan_id);
        else
            ss_json_knull(&j, "plan");
        ss_json_key(&j, "result");
        if (have)
            ss_cycle_result_json(&j, &r);
        else
            ss_json_null(&j);
        ss_json_obj_end(&j);
        printf("%s\n", b.data);
    } else {
        ss_cycle_window_text(cy.propose_from, cy.propose_to, w1);
        ss_cycle_window_text(cy.vote_from, cy.vote_to, w2);
        printf("cycle %d (congress of %s)\nproposals: %s; %zu taken: %zu new, %zu merged, %zu "
               "promoted, %zu declined\nvote: %s; %d seats, passing above %g of the deputies\n"
               "deputies %lld, voted %lld\n",
               cy.year, cy.org, w1, np, by[0], by[1], by[2], by[3], w2, cy.seats, cy.pass_share,
               (long long)ss_store_deputies(c.st, cy.org_id),
               (long long)ss_store_voters(c.st, c.year));
        for (i = 0; i < nc; i++)
            printf("candidate %lld  %s  (%s, %.0f yuan)\n", (long long)cand[i].id, cand[i].title,
                   cand[i].department, cand[i].cost);
        if (have) {
            printf("result: %lld ballots of %lld deputies (turnout %.1f%%)\n", (long long)r.ballots,
                   (long long)r.deputies, r.turnout * 100);
            for (i = 0; i < r.n; i++)
                printf("  %-4lld %5lld votes  %s%s\n", (long long)r.c[i].id,
                       (long long)r.c[i].votes,
                       r.c[i].passed ? "passed  "
                       : r.c[i].tied ? "tied    "
                                     : "        ",
                       r.c[i].title);
            if (r.tie_votes)
                printf("tie at the cut: %lld votes for %d seat(s); not broken\n",
                       (long long)r.tie_votes, r.tie_seats);
        }
        if (cy.plan_id)
            printf("adopted as plan %lld\n", (long long)cy.plan_id);
    }
    if (have)
        ss_cycle_result_cleanup(&r);
    ss_buf_cleanup(&b);
    ss_store_proposals_free(p, np);
    ss_store_candidates_free(cand, nc);
    close_ctx(&c);
    return SS_EXIT_OK;
}

static int do_proposals(const struct args *a)
{
    struct ss_proposal_row *p = NULL;
    size_t n = 0, i;
    struct ss_err err;
    struct ss_buf b;
    struct ss_json j;
    struct ctx c;
    int rc;

    if ((rc = open_ctx("cycle proposals", a, 1, 1, &c)))
        return rc;
    if (ss_store_proposals(c.st, c.year, &p, &n)) {
        close_ctx(&c);
        ss_err_set(&err, SS_EDB, "", "the proposals cannot be read");
        return cli_fail("cycle proposals", &err);
    }
    if (a->json) {
        ss_buf_init(&b, 64u << 20);
        cli_json_list_open(&j, &b, "proposals");
        for (i = 0; i < n; i++)
            ss_proposal_json(&j, &p[i]);
        cli_json_list_close(&j, &b, 1);
        ss_buf_cleanup(&b);
    } else {
        for (i = 0; i < n; i++) {
            printf("%-5lld %-8s %-8s %s", (long long)p[i].id, ss_proposal_status_str(p[i].status),
                   p[i].org, p[i].title);
            if (p[i].merged_into)
                printf("  (into %lld)", (long long)p[i].merged_into);
            if (p[i].candidate)
                printf("  (candidate %lld)", (long long)p[i].candidate);
            if (p[i].reason)
                printf("  (%s)", p[i].reason);
            putchar('\n');
        }
    }
    ss_store_proposals_free(p, n);
    close_ctx(&c);
    return SS_EXIT_OK;
}

static int do_propose(const struct args *a)
{
    struct ss_proposal_in in = {a->title, a->text, a->org, a->where, a->for_whom, a->contact};
    struct ss_err err;
    struct ctx c;
    int64_t id = 0;
    int rc, year = 0;

    if ((rc = open_ctx("cycle propose", a, 0, 0, &c)))
        return rc;
    ss_err_clear(&err);
    rc = ss_cycle_propose(c.st, c.e, &in, ss_date_today(), &id, &year, &err);
    close_ctx(&c);
    if (rc)
        return cli_fail("cycle propose", &err);
    printf("proposal %lld for %d\n", (long long)id, year);
    return SS_EXIT_OK;
}

/* promote, merge, decline: what = 'p', 'm', 'd' */
static int do_triage(const char *cmd, const struct args *a, char what)
{
    struct ss_err err;
    struct ctx c;
    int64_t id, into = 0, out = 0;
    double cost = -1;
    int rc;

    ss_err_clear(&err);
    if (!(id = id_arg(a->npos ? a->pos[0] : NULL, "ID", &err)))
        return cli_fail(cmd, &err);
    if (what == 'm' && !(into = id_arg(a->into, "--into", &err)))
        return cli_fail(cmd, &err);
    if (what == 'p' && (!a->cost || ss_parse_double(a->cost, &cost))) {
        ss_err_set(&err, SS_EINVAL, "--cost", "--cost YUAN is required: the estimate in yuan");
        return cli_fail(cmd, &err);
    }
    if ((rc = open_ctx(cmd, a, 0, 0, &c)))
        return rc;
    if (!(rc = ss_store_begin(c.st, c.u.name, &err))) {
        rc = what == 'p'   ? ss_cycle_promote(c.st, c.e, &c.u, id, cost, a->dept, a->note,
                                              ss_date_today(), &out, &err)
             : what == 'm' ? ss_cycle_merge(c.st, c.e, &c.u, id, into, &out, &err)
                           : ss_cycle_decline(c.st, c.e, &c.u, id, a->reason, &err);
        rc = cli_tx_end(c.st, rc, &err);
    }
    close_ctx(&c);
    if (rc)
        return cli_fail(cmd, &err);
    if (what == 'p')
        printf("proposal %lld promoted: candidate %lld\n", (long long)id, (long long)out);
    else if (what == 'm')
        printf("proposal %lld merged into %lld\n", (long long)id, (long long)out);
    else
        printf("proposal %lld declined\n", (long long)id);
    return SS_EXIT_OK;
}

static int do_seal_adopt(const char *cmd, const struct args *a, int adopt)
{
    struct ss_err err;
    struct ctx c;
    int64_t count = 0, plan = 0;
    size_t np = 0, nt = 0;
    int rc;

    if ((rc = open_ctx(cmd, a, 1, 0, &c)))
        return rc;
    ss_err_clear(&err);
    if (!(rc = ss_store_begin(c.st, c.u.name, &err))) {
        rc = adopt ? ss_cycle_adopt(c.st, c.year, ss_date_today(), &plan, &np, &nt, &err)
                   : ss_cycle_seal(c.st, c.year, ss_date_today(), c.u.name, &count, &err);
        rc = cli_tx_end(c.st, rc, &err);
    }
    close_ctx(&c);
    if (rc)
        return cli_fail(cmd, &err);
    if (!adopt)
        printf("%d: %lld ballots sealed\n", c.year, (long long)count);
    else if (a->json)
        printf("{\"plan\":%lld,\"projects\":%zu,\"targets\":%zu}\n", (long long)plan, np, nt);
    else
        printf("%d: draft plan %lld with %zu projects and %zu targets (plan show --draft; then "
               "plan activate)\n",
               c.year, (long long)plan, np, nt);
    return SS_EXIT_OK;
}

int cmd_cycle(int argc, char **argv)
{
    struct args a;
    const char *sub = argc > 1 ? argv[1] : NULL;
    int rc;

    memset(&a, 0, sizeof a);
    {
        struct cli_opt opts[] = {{"db", 1, &a.db, NULL},
                                 {"year", 1, &a.year, NULL},
                                 {"from", 1, &a.from, NULL},
                                 {"to", 1, &a.to, NULL},
                                 {"org", 1, &a.org, NULL},
                                 {"seats", 1, &a.seats, NULL},
                                 {"pass", 1, &a.pass, NULL},
                                 {"cost", 1, &a.cost, NULL},
                                 {"department", 1, &a.dept, NULL},
                                 {"note", 1, &a.note, NULL},
                                 {"into", 1, &a.into, NULL},
                                 {"reason", 1, &a.reason, NULL},
                                 {"title", 1, &a.title, NULL},
                                 {"text", 1, &a.text, NULL},
                                 {"where", 1, &a.where, NULL},
                                 {"for-whom", 1, &a.for_whom, NULL},
                                 {"contact", 1, &a.contact, NULL},
                                 {"json", 0, NULL, &a.json},
                                 {NULL, 0, NULL, NULL}};

        if (!sub || cli_wants_help(argc, argv)) {
            fputs(USAGE, sub ? stdout : stderr);
            return sub ? SS_EXIT_OK : SS_EXIT_USAGE;
        }
        if ((rc = cli_parse("cycle", argc - 1, argv + 1, opts, a.pos, 1, &a.npos)))
            return rc;
    }
    if (!strcmp(sub, "open"))
        return do_windows("cycle open", &a, 0);
    if (!strcmp(sub, "vote"))
        return do_windows("cycle vote", &a, 1);
    if (!strcmp(sub, "show"))
        return do_show(&a);
    if (!strcmp(sub, "proposals"))
        return do_proposals(&a);
    if (!strcmp(sub, "propose"))
        return do_propose(&a);
    if (!strcmp(sub, "promote"))
        return do_triage("cycle promote", &a, 'p');
    if (!strcmp(sub, "merge"))
        return do_triage("cycle merge", &a, 'm');
    if (!strcmp(sub, "decline"))
        return do_triage("cycle decline", &a, 'd');
    if (!strcmp(sub, "seal"))
        return do_seal_adopt("cycle seal", &a, 0);
    if (!strcmp(sub, "adopt"))
        return do_seal_adopt("cycle adopt", &a, 1);
    fprintf(stderr,
            "shishi cycle: say open, vote, show, proposals, propose, promote, merge, decline, "
            "seal or adopt\n%s",
            USAGE);
    return SS_EXIT_USAGE;
}
