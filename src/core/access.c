/*
 * access.c - the access rules (see access.h). No I/O, no allocation: every
 * answer follows from the org tree and the user record alone, so the rules
 * are easy to test cell by cell.
 */
#include "core/access.h"

#include <string.h>

#include "base/util.h"

long ss_access_user_org(const struct ss_engine *e, const struct ss_user *u)
{
    long i = u->org_id > 0 ? ss_engine_org_by_id(e, u->org_id) : -1;

    if (i < 0 && u->org[0])
        i = ss_engine_org_find(e, u->org);
    return i;
}

static const char *role_name(enum ss_role r)
{
    static const char *const names[] = {SS_M("admin"),    SS_M("reviewer"),   SS_M("reporter"),
                                        SS_M("viewer"),   SS_M("supervisor"), SS_M("deputy"),
                                        SS_M("moderator")};

    return (unsigned)r < SS_ARRAY_LEN(names) ? names[r] : SS_M("user");
}

/* A refusal naming the account; what it may not do is a message id (SS_M). */
static int deny(const struct ss_user *u, struct ss_err *err, const char *what)
{
    return ss_err_set(err, SS_EFORBIDDEN, "org", "%s %s of %s may not %s", role_name(u->role),
                      u->name, u->org, what);
}

int ss_access_report(const struct ss_engine *e, const struct ss_user *u, size_t ti, long org,
                     struct ss_err *err)
{
    const struct ss_plan *p = ss_engine_plan(e);
    const char *tdept;

    if (u->role == SS_ROLE_ADMIN)
        return SS_OK;
    if (u->role != SS_ROLE_REPORTER)
        return deny(u, err, SS_M("enter reports"));
    if (org < 0 || org != ss_access_user_org(e, u))
        return deny(u, err, SS_M("report for another org unit"));
    tdept = ti < p->ntargets ? p->targets[ti].dept : NULL;
    if (u->dept[0] && (!tdept || strcmp(tdept, u->dept) != 0))
        return ss_err_set(err, SS_EFORBIDDEN, "target",
                          "reporter %s reports for %s only; this target belongs to %s", u->name,
                          u->dept, tdept ? tdept : SS_M("no department"));
    return SS_OK;
}

int ss_access_review(const struct ss_engine *e, const struct ss_user *u, long org,
                     struct ss_err *err)
{
    long mine;

    if (u->role == SS_ROLE_ADMIN)
        return SS_OK;
    if (u->role != SS_ROLE_REVIEWER)
        return deny(u, err, SS_M("review reports"));
    mine = ss_access_user_org(e, u);
    if (org < 0 || mine < 0 || org == mine || !ss_engine_org_within(e, org, mine))
        return deny(u, err, SS_M("review reports outside the units below it"));
    return SS_OK;
}

int ss_access_assign(const struct ss_engine *e, const struct ss_user *u, long org,
                     struct ss_err *err)
{
    long mine;

    if (u->role == SS_ROLE_ADMIN)
        return SS_OK;
    if (u->role != SS_ROLE_REVIEWER || org < 0)
        return deny(u, err, SS_M("break targets down here"));
    mine = ss_access_user_org(e, u);
    if (mine < 0 || ss_engine_org_parent(e, org) != mine)
        return deny(u, err, SS_M("assign shares except to the units directly below it"));
    return SS_OK;
}

int ss_access_see(const struct ss_engine *e, const struct ss_user *u, long org)
{
    long mine = ss_access_user_org(e, u);

    if (u->role == SS_ROLE_ADMIN)
        return 1;
    if (org < 0 || mine < 0)
        return 0;
    if (u->role == SS_ROLE_REPORTER)
        return org == mine;
    return ss_engine_org_within(e, org, mine);
}

int ss_access_supervise(const struct ss_engine *e, const struct ss_user *u, long org,
                        struct ss_err *err)
{
    long mine;

    if (u->role == SS_ROLE_ADMIN)
        return SS_OK;
    if (u->role != SS_ROLE_SUPERVISOR)
        return deny(u, err, SS_M("manage supervision notices"));
    mine = ss_access_user_org(e, u);
    if (org < 0 || mine < 0 || !ss_engine_org_within(e, org, mine))
        return deny(u, err, SS_M("manage notices outside its own subtree"));
    return SS_OK;
}

int ss_access_answer(const struct ss_engine *e, const struct ss_user *u, long org,
                     struct ss_err *err)
{
    if (u->role == SS_ROLE_ADMIN)
        return SS_OK;
    if (u->role != SS_ROLE_REPORTER && u->role != SS_ROLE_REVIEWER)
        return deny(u, err, SS_M("answer supervision notices"));
    if (org < 0 || org != ss_access_user_org(e, u))
        return deny(u, err, SS_M("answer a notice addressed to another org unit"));
    return SS_OK;
}

int ss_access_vote(const struct ss_engine *e, const struct ss_user *u, long org, struct ss_err *err)
{
    if (u->role != SS_ROLE_DEPUTY)
        return deny(u, err, SS_M("vote: only deputies vote"));
    if (org < 0 || org != ss_access_user_org(e, u))
        return deny(u, err, SS_M("vote in the congress of another org unit"));
    return SS_OK;
}

int ss_access_moderate(const struct ss_engine *e, const struct ss_user *u, long org,
                       struct ss_err *err)
{
    long mine;

    if (u->role == SS_ROLE_ADMIN)
        return SS_OK;
    if (u->role != SS_ROLE_MODERATOR && u->role != SS_ROLE_SUPERVISOR)
        return deny(u, err, SS_M("moderate the public's messages"));
    mine = ss_access_user_org(e, u);
    if (org < 0 || mine < 0 || !ss_engine_org_within(e, org, mine))
        return deny(u, err, SS_M("moderate messages outside its own subtree"));
    return SS_OK;
}

int ss_access_reply(const struct ss_engine *e, const struct ss_user *u, long org, const char *dept,
                    struct ss_err *err)
{
    if (u->role == SS_ROLE_ADMIN)
        return SS_OK;
    if (u->role != SS_ROLE_REPORTER && u->role != SS_ROLE_REVIEWER)
        return deny(u, err, SS_M("reply to the public's messages"));
    if (org < 0 || org != ss_access_user_org(e, u))
        return deny(u, err, SS_M("reply to a message sent to another org unit"));
    if (u->dept[0] && dept && *dept && strcmp(u->dept, dept) != 0)
        return deny(u, err, SS_M("reply to a message for another department"));
    return SS_OK;
}
